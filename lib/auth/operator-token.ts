/**
 * The operator's token (ADMIN_TOKEN): given in the environment locally, and on AWS read
 * from SSM Parameter Store (a SecureString named by ADMIN_TOKEN_PARAMETER) with the AWS SDK's
 * SSM client, kept for ADMIN_TOKEN_CACHE_SECONDS, so an instance reads it once and sees a
 * rotated token within that time. The SDK is the Lambda runtime's, left out of the bundles
 * and loaded on first use only: a request with a company key, or with no credential at
 * all, never loads or reads it. (Powertools' parameters utility did this at 8 KB of every
 * function's bundle, which the 200 KB budget has no room for.)
 *
 * With neither variable set there is no token, and the operator routes are closed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { config } from '../config';
import { ServiceUnavailableError } from '../errors';

/** The SDK's SSM client, made on the first read (the Lambda runtime provides the SDK). */
let ssm: import('@aws-sdk/client-ssm').SSMClient | undefined;

async function read(name: string): Promise<string | undefined> {
  const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  try {
    ssm ??= new SSMClient({});
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return Parameter?.Value || undefined;
  } catch (error: unknown) {
    throw new ServiceUnavailableError(`The operator token could not be read from SSM parameter ${name}`, 5, {
      cause: error,
      publicDetail: 'The operator token could not be read',
      reason: 'operator-token',
    });
  }
}

/** The token read last, and until when it is kept. */
let kept: { name: string; value: string | undefined; until: number } | undefined;
/** A read under way: requests that need the token at once share it. */
let reading: Promise<string | undefined> | undefined;

async function fromParameterStore(name: string, maxAgeSeconds: number): Promise<string | undefined> {
  if (kept && kept.name === name && kept.until > Date.now()) return kept.value;
  reading ??= read(name).finally(() => {
    reading = undefined;
  });
  const value = await reading;
  kept = { name, value, until: Date.now() + maxAgeSeconds * 1000 };
  return value;
}

/** The configured operator token; undefined when none is configured (the operator routes are closed). */
export async function operatorToken(): Promise<string | undefined> {
  const { ADMIN_TOKEN, ADMIN_TOKEN_PARAMETER, ADMIN_TOKEN_CACHE_SECONDS } = config();
  if (ADMIN_TOKEN) return ADMIN_TOKEN;
  if (ADMIN_TOKEN_PARAMETER) return fromParameterStore(ADMIN_TOKEN_PARAMETER, ADMIN_TOKEN_CACHE_SECONDS);
  return undefined;
}

// Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when `given` is the operator token, compared in constant time. */
export const isOperatorToken = (given: string, token: string): boolean =>
  timingSafeEqual(digest(given), digest(token));
