/** The cart, the customer and checkout, with what came of the last checkout in words. */
import type { Order } from '../api';
import { ApiError } from '../api';
import { MAX_QUANTITY } from '../checkout';
import { dateTime, money } from '../format';
import { ErrorNote, QuantityInput } from '../ui';
import type { CartLine, Customer } from './memory';

export type CheckoutOutcome =
  | { kind: 'placed'; order: Order; replayed: boolean }
  | { kind: 'failed'; error: unknown };

export function Cart({
  lines,
  customer,
  busy,
  canOrder,
  outcome,
  nameOf,
  onLines,
  onCustomer,
  onCheckout,
}: {
  lines: CartLine[];
  customer: Customer;
  busy: boolean;
  /** A key of the company is known: without one, checkout says what it needs. */
  canOrder: boolean;
  outcome: CheckoutOutcome | null;
  nameOf: (productId: number) => string;
  onLines: (lines: CartLine[]) => void;
  onCustomer: (customer: Customer) => void;
  onCheckout: () => void;
}) {
  const estimate = lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
  const setQuantity = (productId: number, quantity: number) =>
    onLines(lines.map((l) => (l.productId === productId ? { ...l, quantity } : l)));

  return (
    <section class="panel cart" aria-labelledby="cart-heading">
      <h3 id="cart-heading">Cart</h3>
      {lines.length === 0 ? (
        <p class="hint">The cart is empty: add products from the list.</p>
      ) : (
        <ul class="cart-lines">
          {lines.map((line) => (
            <li key={line.productId}>
              <span class="cart-name">{line.name}</span>
              <QuantityInput
                id={`cart-qty-${line.productId}`}
                name={line.name}
                value={line.quantity}
                onQuantity={(n) => {
                  if (n >= 1 && n <= MAX_QUANTITY) setQuantity(line.productId, n);
                }}
              />
              <span class="cart-price">{money(line.priceCents * line.quantity)}</span>
              <button
                type="button"
                class="link"
                aria-label={`Remove ${line.name} from the cart`}
                onClick={() => onLines(lines.filter((l) => l.productId !== line.productId))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {lines.length > 0 ? (
        <p class="cart-total">
          About {money(estimate)} <span class="hint">(the shop computes the total from its own prices)</span>
        </p>
      ) : null}

      <form
        class="checkout"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy && canOrder && lines.length > 0) onCheckout();
        }}
      >
        <div class="field">
          <label for="customer-email">Your email</label>
          <input
            id="customer-email"
            type="email"
            autocomplete="email"
            required
            maxLength={254}
            value={customer.email}
            onInput={(e) => onCustomer({ ...customer, email: e.currentTarget.value, id: null })}
          />
        </div>
        <div class="field">
          <label for="customer-name">Your name</label>
          <input
            id="customer-name"
            type="text"
            autocomplete="name"
            required
            maxLength={200}
            value={customer.name}
            onInput={(e) => onCustomer({ ...customer, name: e.currentTarget.value })}
          />
        </div>
        {canOrder ? null : (
          <p class="hint" id="checkout-needs-key">
            Placing an order needs a key of this company: enter it above.
          </p>
        )}
        <button
          type="submit"
          class="primary"
          disabled={busy || !canOrder || lines.length === 0}
          aria-disabled={busy}
          aria-describedby={canOrder ? undefined : 'checkout-needs-key'}
        >
          {busy ? 'Placing the order…' : 'Place the order'}
        </button>
      </form>

      <div aria-live="polite" class="outcome">
        {outcome?.kind === 'placed' ? <PlacedOrder outcome={outcome} nameOf={nameOf} /> : null}
        {outcome?.kind === 'failed' ? <CheckoutError error={outcome.error} nameOf={nameOf} /> : null}
      </div>
    </section>
  );
}

function PlacedOrder({
  outcome,
  nameOf,
}: {
  outcome: Extract<CheckoutOutcome, { kind: 'placed' }>;
  nameOf: (productId: number) => string;
}) {
  const { order, replayed } = outcome;
  return (
    <div class="note note--ok placed-order" role="status">
      <p>
        <strong>
          Order {order.id} {order.status === 'cancelled' ? 'cancelled' : 'placed'}
        </strong>{' '}
        for {money(order.totalCents, order.currency)}, {dateTime(order.createdAt)}.
        {replayed
          ? ' This order had already been placed: the shop sent it again and took nothing twice.'
          : ''}
      </p>
      <ul>
        {order.items.map((item) => (
          <li key={item.productId}>
            {item.quantity} × {nameOf(item.productId)} at {money(item.unitPriceCents, order.currency)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A failed checkout: a short product named with what is left, else the problem's detail. */
function CheckoutError({ error, nameOf }: { error: unknown; nameOf: (productId: number) => string }) {
  if (error instanceof ApiError && error.type === 'insufficient-stock' && error.problem?.products) {
    return (
      <div class="note note--error" role="alert">
        <p>Not enough stock; nothing was ordered.</p>
        <ul>
          {error.problem.products.map((short) => {
            return (
              <li key={short.productId}>
                {nameOf(short.productId)}: you asked for {short.requested},{' '}
                {short.available === 0 ? 'none is' : `${short.available}`} left
              </li>
            );
          })}
        </ul>
      </div>
    );
  }
  const unsure = error instanceof ApiError && (error.status === 0 || error.status >= 500);
  return (
    <ErrorNote error={error}>
      {unsure ? (
        <p>
          The order may or may not have been placed. Placing it again is safe: the same order key is sent, so
          it is never placed twice.
        </p>
      ) : null}
    </ErrorNote>
  );
}
