/**
 * One company's shop: the company itself and the key used for it, then its products, the
 * cart with checkout, and the customer's orders. The key, the cart, the customer and a
 * checkout in flight are kept in this tab, so a reload loses nothing and a retried checkout
 * reuses its Idempotency-Key.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, type Company, type Order, type OrderIn } from '../api';
import { checkoutFor, keepKeyAfter } from '../checkout';
import { companyKeyOf } from '../storage';
import { ErrorNote } from '../ui';
import { Cart, type CheckoutOutcome } from './Cart';
import { KeyForm, kindOfKey } from './KeyForm';
import {
  type CartLine,
  type Customer,
  cartOf,
  customerOf,
  pendingCheckoutOf,
  rememberCompany,
} from './memory';
import { Orders } from './Orders';
import { Products } from './Products';

export function CompanyShop({
  api,
  companyId,
  onOpened,
}: {
  api: Api;
  companyId: number;
  /** The company exists and is now among the recent ones. */
  onOpened: () => void;
}) {
  const [company, setCompany] = useState<Company | null>(null);
  const [companyError, setCompanyError] = useState<unknown>(null);
  const [cart, setCart] = useState<CartLine[]>(() => cartOf(companyId).get() ?? []);
  const [customer, setCustomer] = useState<Customer>(
    () => customerOf(companyId).get() ?? { email: '', name: '', id: null },
  );
  const [key, setKey] = useState<string | null>(() => companyKeyOf(companyId).get());
  const keyKind = kindOfKey(key, companyId);
  const [outcome, setOutcome] = useState<CheckoutOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped when stock or orders change, so the lists ask again.
  const [changes, setChanges] = useState(0);
  // Product names seen on this page, to name an order's items.
  const names = useRef(new Map<number, string>());

  useEffect(() => {
    let live = true;
    api.company(companyId).then(
      (reply) => {
        if (!live) return;
        setCompany(reply.body);
        rememberCompany(reply.body);
        onOpened();
      },
      (error: unknown) => live && setCompanyError(error),
    );
    return () => {
      live = false;
    };
  }, [api, companyId]);

  useEffect(() => cartOf(companyId).set(cart), [companyId, cart]);
  useEffect(() => customerOf(companyId).set(customer), [companyId, customer]);

  const addToCart = (product: { id: number; name: string; priceCents: number }, quantity: number) => {
    names.current.set(product.id, product.name);
    setOutcome(null);
    setCart((lines) => {
      const found = lines.find((l) => l.productId === product.id);
      if (found) return lines.map((l) => (l === found ? { ...l, quantity: l.quantity + quantity } : l));
      return [
        ...lines,
        { productId: product.id, name: product.name, priceCents: product.priceCents, quantity },
      ];
    });
  };

  const nameOf = (id: number) => names.current.get(id) ?? `product ${id}`;

  const checkout = async () => {
    const order: OrderIn = {
      customer: { email: customer.email.trim(), name: customer.name.trim() },
      items: cart.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    };
    const pending = pendingCheckoutOf(companyId);
    const attempt = checkoutFor(order, pending.get());
    pending.set(attempt);
    for (const line of cart) names.current.set(line.productId, line.name);
    setBusy(true);
    setOutcome(null);
    try {
      const reply = await api.placeOrder(companyId, attempt.key, order);
      pending.set(null);
      setCart([]);
      setCustomer((c) => ({ ...c, id: reply.body.customerId }));
      setOutcome({ kind: 'placed', order: reply.body, replayed: reply.status === 200 });
    } catch (error: unknown) {
      if (error instanceof ApiError && !keepKeyAfter(error.status)) pending.set(null);
      setOutcome({ kind: 'failed', error });
    } finally {
      setBusy(false);
      setChanges((n) => n + 1);
    }
  };

  const cancelled = (order: Order) => {
    setOutcome((current) =>
      current?.kind === 'placed' && current.order.id === order.id ? { ...current, order } : current,
    );
    setChanges((n) => n + 1);
  };

  if (companyError) return <ErrorNote error={companyError} />;
  if (!company) return <p class="hint">Opening company {companyId}…</p>;
  return (
    <div class="company">
      <h3 class="company-name">
        {company.name} <span class="muted">company {company.id}</span>
      </h3>
      <KeyForm
        companyId={companyId}
        current={key}
        onKey={(next) => {
          // Kept before the lists ask again: their requests read the key from the tab.
          companyKeyOf(companyId).set(next);
          setKey(next);
          setOutcome(null);
          setChanges((n) => n + 1);
        }}
      />
      <div class="shop-grid">
        <Products
          api={api}
          companyId={companyId}
          changes={changes}
          onAdd={addToCart}
          onSeen={(products) => {
            for (const p of products) names.current.set(p.id, p.name);
          }}
        />
        <div class="side">
          <Cart
            lines={cart}
            customer={customer}
            busy={busy}
            canOrder={keyKind !== null}
            outcome={outcome}
            nameOf={nameOf}
            onLines={(lines) => {
              setOutcome(null);
              setCart(lines);
            }}
            onCustomer={setCustomer}
            onCheckout={checkout}
          />
          <Orders
            api={api}
            companyId={companyId}
            customerId={customer.id}
            canSee={keyKind === 'secret'}
            changes={changes}
            nameOf={nameOf}
            onCancelled={cancelled}
          />
        </div>
      </div>
    </div>
  );
}
