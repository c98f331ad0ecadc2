/**
 * The Idempotency-Key of a checkout. It is made in the browser and belongs to one order
 * body: sending the same order again (after a lost answer, a 503, a reload of the tab)
 * reuses the key, so the API answers with the order it already placed instead of placing
 * a second one; any change to the order (items, quantities, customer) makes a new key,
 * since the API refuses a key used with another body (422).
 */
import type { OrderIn } from './api';

/** The most of one product an order may ask for: the contract's own limit. */
export { MAX_QUANTITY } from '../../lib/limits';

/** A checkout sent and not yet known to be placed. */
export interface PendingCheckout {
  key: string;
  /** The order as it was sent (JSON), to recognise the same order sent again. */
  order: string;
}

/** A new key: a random UUID (v4), from getRandomValues, which pages served over plain HTTP also have. */
export function newIdempotencyKey(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
) {
  const bytes = random(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key to send `order` with: the pending one when it is the same order, else a new one. */
export function checkoutFor(
  order: OrderIn,
  pending: PendingCheckout | null,
  makeKey: () => string = newIdempotencyKey,
): PendingCheckout {
  const text = JSON.stringify(order);
  return pending?.order === text ? pending : { key: makeKey(), order: text };
}

/**
 * Whether the key may still be needed after a failed attempt: yes unless the API said the
 * key was taken by another order (422), where only a new key can succeed.
 */
export const keepKeyAfter = (status: number): boolean => status !== 422;
