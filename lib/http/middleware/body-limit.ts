/** Refuses a body larger than the limit with 413, before anything parses it. */
import { config } from '../../config';
import { PayloadTooLargeError } from '../../errors';
import type { HttpMiddleware } from './types';

/** The largest body accepted, in bytes: MAX_BODY_BYTES, read at the first request. */
export const bodyLimit = (): HttpMiddleware => ({
  before: async ({ event }) => {
    const maxBytes = config().MAX_BODY_BYTES;
    const size = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
    if (size > maxBytes) {
      throw new PayloadTooLargeError(`The body is ${size} bytes; the limit is ${maxBytes}`);
    }
  },
});
