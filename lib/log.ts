/**
 * Structured logging: one JSON object per line on stdout (CloudWatch-friendly).
 * Never pass query parameters or request bodies here.
 */
import { logLevel } from './config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  return order[logLevel()];
}

function write(level: Level, message: string, fields: Record<string, unknown>) {
  if (order[level] < threshold()) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('debug', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('info', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('warn', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('error', message, fields),
};

/** A cause as loggable fields: name, message, code and stack, never bound parameters. */
export function describeError(error: unknown): Record<string, unknown> {
  // Fields, not `instanceof Error`: errors from Node's own realm fail that test under a sandbox.
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message, code, stack, cause } = error as {
      name?: unknown;
      message?: unknown;
      code?: unknown;
      stack?: unknown;
      cause?: unknown;
    };
    return {
      errorName: name,
      errorMessage: message,
      errorCode: code,
      stack,
      ...(cause !== undefined ? { cause: describeError(cause) } : {}),
    };
  }
  return { errorMessage: String(error) };
}
