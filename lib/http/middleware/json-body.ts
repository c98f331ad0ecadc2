/**
 * A JSON body: refuses another content type with 415, then parses with middy's
 * http-json-body-parser and turns its error into a 400 `malformed-json` problem.
 * A base64-encoded body (bytes the gateway did not take as text) must be valid UTF-8:
 * the parser would quietly replace bad bytes with U+FFFD and store them.
 */
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { MalformedJsonError, UnsupportedMediaTypeError } from '../../errors';
import type { HttpMiddleware } from './types';

const JSON_MEDIA_TYPE = /^application\/(.+\+)?json($|;.+)/;
const PARSER_PACKAGE = '@middy/http-json-body-parser';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** middy's http-errors carry a numeric statusCode and name their package in `cause`. */
function parserError(error: unknown): { message?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, cause } = error as { statusCode?: unknown; cause?: unknown };
  if (typeof statusCode !== 'number' || typeof cause !== 'object' || cause === null) return undefined;
  const { package: pkg, message } = cause as { package?: unknown; message?: unknown };
  if (pkg !== PARSER_PACKAGE) return undefined;
  return { message: typeof message === 'string' ? message : undefined };
}

export const jsonBody = (): HttpMiddleware => {
  // The content type is checked first, with the parser's own pattern, so every error the
  // parser raises means a missing or malformed body.
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const contentType = request.event.headers?.['content-type'];
      if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
        throw new UnsupportedMediaTypeError(
          'The body must be JSON, sent with Content-Type: application/json',
        );
      }
      const { event } = request;
      if (event.isBase64Encoded && typeof event.body === 'string') {
        try {
          event.body = utf8.decode(Buffer.from(event.body, 'base64'));
          event.isBase64Encoded = false;
        } catch (error: unknown) {
          throw new MalformedJsonError('The body is not valid UTF-8', { cause: error });
        }
      }
      try {
        await parser.before?.(request as never);
      } catch (error: unknown) {
        const parsed = parserError(error);
        if (!parsed) throw error;
        throw new MalformedJsonError(
          parsed.message ? `The body is not valid JSON: ${parsed.message}` : 'A JSON body is required',
          { cause: error },
        );
      }
    },
  };
};
