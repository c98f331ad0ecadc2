/**
 * Structured logging through Powertools for AWS Lambda's Logger: one JSON object per line
 * (CloudWatch-friendly). Every line written while a request runs, here or below the
 * handler (the database module's slow queries and lost connections), carries the request
 * id, the function's name and request id and whether the instance was cold, because the
 * handler stack puts them on this one logger (lib/http/handler.ts). The level is
 * LOG_LEVEL's (lib/config/); Powertools' own variables (POWERTOOLS_LOGGER_SAMPLE_RATE
 * for debug lines on a share of requests, POWERTOOLS_DEV to pretty-print) apply too.
 *
 * Never pass query parameters, request bodies, keys or tokens here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type LogLevel, logLevel } from './config';
import { sourceMapped } from './source-maps';

/** The service's name on every log line and metric. */
export const SERVICE_NAME = 'distribushop';

const POWERTOOLS_LEVEL = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'SILENT',
} as const satisfies Record<LogLevel, string>;

let instance: Logger | undefined;
let levelSet: LogLevel | undefined;

/** The process's logger, at LOG_LEVEL (read again when a command line changes its default). */
export function logger(): Logger {
  const level = logLevel();
  if (!instance) {
    instance = new Logger({ serviceName: SERVICE_NAME, logLevel: POWERTOOLS_LEVEL[level] });
  } else if (level !== levelSet) {
    instance.setLogLevel(POWERTOOLS_LEVEL[level]);
  }
  levelSet = level;
  return instance;
}

type Fields = Record<string, unknown>;

export const log = {
  debug: (message: string, fields: Fields = {}) => logger().debug(message, fields),
  info: (message: string, fields: Fields = {}) => logger().info(message, fields),
  warn: (message: string, fields: Fields = {}) => logger().warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger().error(message, fields),
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
