/**
 * Structured logging: one JSON object per line on stdout (CloudWatch-friendly).
 * Never pass query parameters or request bodies here.
 */
import { logLevel } from './config';
import { sourceMapped } from './source-maps';

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

/**
 * A database error about a value (SQLSTATE class 22, data exception) quotes the value in
 * its message, e.g. `invalid input syntax for type bigint: "…"`; a value is request data,
 * so what is quoted is left out of the log.
 */
function withoutValues(message: unknown, code: unknown): unknown {
  if (typeof message !== 'string' || typeof code !== 'string' || !code.startsWith('22')) return message;
  return message.replace(/"(?:[^"]|"")*"/g, '"…"');
}

/**
 * A cause as loggable fields: name, message, code and stack (in the TypeScript sources,
 * lib/source-maps.ts), never bound parameters or quoted values.
 */
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
    const shown = withoutValues(message, code);
    return {
      errorName: name,
      errorMessage: shown,
      errorCode: code,
      stack:
        typeof stack === 'string'
          ? sourceMapped(shown !== message ? stack.replace(String(message), String(shown)) : stack)
          : stack,
      ...(cause !== undefined ? { cause: describeError(cause) } : {}),
    };
  }
  return { errorMessage: String(error) };
}
