/** Refuses headers larger than the limit with 431, before anything reads them. */
import { config } from '../../config';
import { HeadersTooLargeError } from '../../errors';
import type { HttpMiddleware } from './types';

/** The most header bytes accepted (names, values and separators): MAX_HEADER_BYTES. */
export const headerLimit = (): HttpMiddleware => ({
  before: async ({ event }) => {
    const maxBytes = config().MAX_HEADER_BYTES;
    let size = 0;
    for (const [name, value] of Object.entries(event.headers ?? {})) {
      // "name: value\r\n", as on the wire.
      size += Buffer.byteLength(name) + Buffer.byteLength(value ?? '') + 4;
    }
    if (size > maxBytes) {
      throw new HeadersTooLargeError(`The headers are ${size} bytes; the limit is ${maxBytes}`);
    }
  },
});
