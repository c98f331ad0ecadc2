/**
 * A company's products: a name search and cursor pagination (GET .../products?q&cursor),
 * each with its stock; a stock that changed since the last look (an order, a
 * cancellation) shows what it was.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, Product, ProductPage } from '../api';
import { MAX_QUANTITY } from '../checkout';
import { money } from '../format';
import { ErrorNote, QuantityInput } from '../ui';

const PAGE_SIZE = 8;

export function Products({
  api,
  companyId,
  changes,
  onAdd,
  onSeen,
}: {
  api: Api;
  companyId: number;
  /** Changes when stock may have changed: the page is asked for again. */
  changes: number;
  onAdd: (product: Product, quantity: number) => void;
  onSeen: (products: Product[]) => void;
}) {
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  // The cursor of each page shown so far: [undefined] is the first page.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  // The page shown and the search it answers (the list is named by it, not by a search still on its way).
  const [page, setPage] = useState<(ProductPage & { q: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  // The stock each product had when last shown, and what a changed one had before.
  const shown = useRef(new Map<number, number>());
  const was = useRef(new Map<number, number>());
  const cursor = cursors[cursors.length - 1];
  // What the last Add did, said where the button is (the cart may be out of sight on a phone).
  const [added, setAdded] = useState('');
  // An order or a cancellation makes the last Add old news.
  useEffect(() => setAdded(''), [changes]);
  const add = (product: Product, quantity: number) => {
    onAdd(product, quantity);
    setAdded(`Added ${quantity} × ${product.name} to the cart.`);
  };

  useEffect(() => {
    let live = true;
    setLoading(true);
    api.products(companyId, { q: q || undefined, cursor, limit: String(PAGE_SIZE) }).then(
      (reply) => {
        if (!live) return;
        // A stock that changed keeps saying what it was until it changes again.
        const changed = new Map(was.current);
        for (const p of reply.body.items) {
          const before = shown.current.get(p.id);
          if (before !== undefined && before !== p.stock) changed.set(p.id, before);
          shown.current.set(p.id, p.stock);
        }
        was.current = changed;
        setPage({ ...reply.body, q });
        setError(null);
        setLoading(false);
        onSeen(reply.body.items);
      },
      (caught: unknown) => {
        if (!live) return;
        setError(caught);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, companyId, q, cursor, changes]);

  return (
    <section class="panel products" aria-labelledby="products-heading" aria-busy={loading}>
      <h3 id="products-heading">Products</h3>
      <search>
        <form
          class="field-row"
          onSubmit={(event) => {
            event.preventDefault();
            setQ(search.trim());
            setCursors([undefined]);
          }}
        >
          <label for="product-search">Search products by name</label>
          <input
            id="product-search"
            type="search"
            maxLength={100}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
          <button type="submit">Search</button>
        </form>
      </search>
      <p class="added" role="status">
        {added}
      </p>
      <ErrorNote error={error} />
      {!page && loading ? <p class="hint">Loading the products…</p> : null}
      {page ? (
        page.items.length === 0 ? (
          <p class="hint">
            {page.q ? `No product's name contains “${page.q}”.` : 'This company has no products yet.'}
          </p>
        ) : (
          <ul class="product-list" aria-label={page.q ? `Products matching ${page.q}` : 'Products'}>
            {page.items.map((product) => (
              <ProductItem key={product.id} product={product} was={was.current.get(product.id)} onAdd={add} />
            ))}
          </ul>
        )
      ) : null}
      <nav class="pager" aria-label="Product pages">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </button>
        <span class="hint">Page {cursors.length}</span>
        <button
          type="button"
          disabled={!page?.nextCursor}
          onClick={() => {
            const next = page?.nextCursor;
            if (next) setCursors((c) => [...c, next]);
          }}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

function ProductItem({
  product,
  was,
  onAdd,
}: {
  product: Product;
  was: number | undefined;
  onAdd: (product: Product, quantity: number) => void;
}) {
  const [quantity, setQuantity] = useState(1);
  const qtyId = `qty-${product.id}`;
  return (
    <li class="product" aria-labelledby={`product-${product.id}`}>
      <div class="product-main">
        <span class="product-name" id={`product-${product.id}`}>
          {product.name}
        </span>
        <span class="muted product-sku">{product.sku}</span>
      </div>
      <span class="product-price">{money(product.priceCents)}</span>
      <span
        class={`stock${product.stock === 0 ? ' stock--out' : ''}${was !== undefined ? ' stock--changed' : ''}`}
      >
        <span class="stock-count">{product.stock}</span> in stock
        {was !== undefined ? <span class="stock-was"> (was {was})</span> : null}
      </span>
      <span class="product-add">
        <QuantityInput
          id={qtyId}
          name={product.name}
          value={quantity}
          onQuantity={(n) => setQuantity(n >= 1 ? Math.min(n, MAX_QUANTITY) : 1)}
        />
        <button
          type="button"
          onClick={() => onAdd(product, quantity)}
          aria-label={`Add ${product.name} to the cart`}
        >
          Add
        </button>
      </span>
    </li>
  );
}
