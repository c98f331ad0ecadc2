/**
 * The API's numeric limits, in one module without zod, so that the console's page imports
 * the same values the contract validates with (lib/http/contract/) and bundles nothing else.
 *
 * Money in cents. The bounds multiply within 2^53 (price × quantity × lines), so an
 * order's total is exact as a JSON number: test/unit/contract.test.ts checks it.
 */
export const MAX_PRICE_CENTS = 1_000_000_000;
/** The most of one product an order may ask for. */
export const MAX_QUANTITY = 10_000;
export const MAX_ORDER_LINES = 100;
export const MAX_STOCK = 1_000_000_000;
