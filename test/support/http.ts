/**
 * The API over HTTP for the end-to-end tier: JSON calls to API_URL with a bearer
 * credential, and companies made as a real operator would make them (POST /companies with
 * the operator token, then a secret and a publishable key through POST .../keys).
 */
import { operatorToken } from './credentials';

// biome-ignore lint/suspicious/noExplicitAny: a test reads the fields it expects from any answer
type Json = any;

export interface HttpReply<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends a JSON request (`credential` as the bearer, when given) and parses the answer. */
export async function call<T = Json>(
  method: string,
  path: string,
  options: { body?: unknown; credential?: string; headers?: Record<string, string> } = {},
): Promise<HttpReply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.credential) headers.authorization = `Bearer ${options.credential}`;
  const response = await fetch(`${process.env.API_URL}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export interface HttpCompany {
  id: number;
  secretKey: string;
  publishableKey: string;
}

/** A new company and its two keys, made over HTTP by the operator. */
export async function newHttpCompany(name: string): Promise<HttpCompany> {
  const operator = operatorToken();
  const company = await call<{ id: number }>('POST', '/companies', { body: { name }, credential: operator });
  if (company.status !== 201) throw new Error(`POST /companies answered ${company.status}`);
  const key = async (kind: 'secret' | 'publishable') => {
    const made = await call<{ key: string }>('POST', `/companies/${company.body.id}/keys`, {
      body: { kind },
      credential: operator,
    });
    if (made.status !== 201)
      throw new Error(`POST /companies/${company.body.id}/keys answered ${made.status}`);
    return made.body.key;
  };
  return { id: company.body.id, secretKey: await key('secret'), publishableKey: await key('publishable') };
}
