/**
 * The operator's token (ADMIN_TOKEN): given in the environment locally, and on AWS read
 * from SSM Parameter Store (a SecureString named by ADMIN_TOKEN_PARAMETER) with Powertools'
 * parameters utility, which keeps it for ADMIN_TOKEN_CACHE_SECONDS, so an instance reads it
 * once and sees a rotated token within that time. The utility (and the AWS SDK, which the
 * Lambda runtime provides) is loaded on first use only: a request with a company key, or
 * with no credential at all, never loads or reads it.
 *
 * With neither variable set there is no token, and the operator routes are closed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { config } from '../config';
import { ServiceUnavailableError } from '../errors';

async function fromParameterStore(name: string, maxAge: number): Promise<string | undefined> {
  const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
  try {
    return (await getParameter(name, { decrypt: true, maxAge })) ?? undefined;
  } catch (error: unknown) {
    throw new ServiceUnavailableError(`The operator token could not be read from SSM parameter ${name}`, 5, {
      cause: error,
      publicDetail: 'The operator token could not be read',
      reason: 'operator-token',
    });
  }
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
