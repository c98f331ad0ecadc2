/** The customer's orders, newest first (GET .../customers/{id}/orders), each with its cancel button. */
import { useEffect, useState } from 'preact/hooks';
import type { Api, Order } from '../api';
import { dateTime, money } from '../format';
import { ErrorNote } from '../ui';

const PAGE_SIZE = 5;
const CANCELLABLE = new Set<Order['status']>(['placed', 'paid']);

export function Orders({
  api,
  companyId,
  customerId,
  canSee,
  changes,
  nameOf,
  onCancelled,
}: {
  api: Api;
  companyId: number;
  customerId: number | null;
  /** The company's secret key is known: a customer's orders are the merchant's to see. */
  canSee: boolean;
  changes: number;
  nameOf: (productId: number) => string;
  onCancelled: (order: Order) => void;
}) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [working, setWorking] = useState<number | null>(null);

  useEffect(() => {
    if (!customerId || !canSee) return;
    let live = true;
    api.customerOrders(companyId, customerId, { limit: String(PAGE_SIZE) }).then(
      (reply) => {
        if (!live) return;
        setOrders(reply.body.items);
        setNextCursor(reply.body.nextCursor);
        setError(null);
      },
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [api, companyId, customerId, canSee, changes]);

  const more = async () => {
    if (!customerId || !nextCursor) return;
    try {
      const reply = await api.customerOrders(companyId, customerId, {
        limit: String(PAGE_SIZE),
        cursor: nextCursor,
      });
      setOrders((shown) => [...shown, ...reply.body.items]);
      setNextCursor(reply.body.nextCursor);
      setError(null);
    } catch (caught: unknown) {
      setError(caught);
    }
  };

  const cancel = async (order: Order) => {
    setWorking(order.id);
    try {
      const reply = await api.cancelOrder(companyId, order.id);
      setOrders((shown) => shown.map((o) => (o.id === order.id ? reply.body : o)));
      setError(null);
      onCancelled(reply.body);
    } catch (caught: unknown) {
      setError(caught);
    } finally {
      setWorking(null);
    }
  };

  return (
    <section class="panel orders" aria-labelledby="orders-heading">
      <h3 id="orders-heading">Your orders</h3>
      {!canSee ? (
        <p class="hint">Seeing and cancelling orders needs the company's secret key.</p>
      ) : !customerId ? (
        <p class="hint">Your orders appear here once you have placed one.</p>
      ) : (
        <>
          <ErrorNote error={error} />
          {orders.length === 0 ? <p class="hint">No orders yet.</p> : null}
          <ul class="order-list">
            {orders.map((order) => (
              <li key={order.id} class={`order order--${order.status}`}>
                <div>
                  <strong>Order {order.id}</strong>{' '}
                  <span class={`pill pill--${order.status}`}>{order.status}</span>
                </div>
                <div class="muted">
                  {money(order.totalCents, order.currency)} · {dateTime(order.createdAt)}
                </div>
                <div class="order-items">
                  {order.items.map((i) => `${i.quantity} × ${nameOf(i.productId)}`).join(', ')}
                </div>
                {CANCELLABLE.has(order.status) ? (
                  <button
                    type="button"
                    disabled={working === order.id}
                    onClick={() => cancel(order)}
                    aria-label={`Cancel order ${order.id}`}
                  >
                    {working === order.id ? 'Cancelling…' : 'Cancel'}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {nextCursor ? (
            <button type="button" onClick={more}>
              More orders
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
