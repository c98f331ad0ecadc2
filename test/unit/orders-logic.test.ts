import { normalizeItems, requestHash } from '../../lib/shop/orders';

describe('normalizeItems', () => {
  it('should merge duplicate products and sort by product id', () => {
    expect(
      normalizeItems([
        { productId: 9, quantity: 1 },
        { productId: 3, quantity: 2 },
        { productId: 9, quantity: 4 },
      ]),
    ).toEqual([
      { productId: 3, quantity: 2 },
      { productId: 9, quantity: 5 },
    ]);
  });
});

describe('requestHash', () => {
  const customer = { email: 'a@example.com', name: 'A' };
  it('should be the same for the same order whatever the item order', () => {
    const a = requestHash({
      customer,
      items: [
        { productId: 1, quantity: 1 },
        { productId: 2, quantity: 2 },
      ],
    });
    const b = requestHash({
      customer,
      items: [
        { productId: 2, quantity: 2 },
        { productId: 1, quantity: 1 },
      ],
    });
    expect(a).toBe(b);
  });

  it('should differ when a quantity or the customer differs', () => {
    const base = requestHash({ customer, items: [{ productId: 1, quantity: 1 }] });
    expect(requestHash({ customer, items: [{ productId: 1, quantity: 2 }] })).not.toBe(base);
    expect(requestHash({ customer: { id: 1 }, items: [{ productId: 1, quantity: 1 }] })).not.toBe(base);
  });
});
