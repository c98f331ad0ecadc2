/**
 * The OpenAPI document as GET /openapi.json serves it: `docs/openapi.json`, which
 * `npm run openapi` writes from the contract (lib/http/openapi.ts, with zod's JSON Schema
 * conversion) and a unit test holds equal to what the contract generates. serverless.yml
 * packages the file with the openapi function, which reads it on its first request: the
 * function bundles neither the generator nor the document (48 KB).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findUp } from '../paths';

/** The document's file, relative to the project and to the function's package. */
export const OPENAPI_FILE = path.join('docs', 'openapi.json');

let document: unknown;

/**
 * The document, read once per process from the nearest `docs/openapi.json` above the
 * working directory, then above the code (on AWS both lead to the copy packaged beside the
 * bundle).
 */
export function servedOpenApiDocument(): unknown {
  if (document !== undefined) return document;
  const dir = findUp(path.dirname(OPENAPI_FILE), path.basename(OPENAPI_FILE), [process.cwd(), __dirname]);
  if (!dir) throw new Error(`No ${OPENAPI_FILE} beside the code: package it with the function`);
  document = JSON.parse(readFileSync(path.join(dir, path.basename(OPENAPI_FILE)), 'utf8'));
  return document;
}
