/**
 * Choosing the company to shop in. The API has no list of companies (listing every tenant
 * would be a query across all shards), so a company is opened by its id, with shortcuts:
 * the companies opened recently in this browser and, when GET /cluster answers without a
 * token, the largest tenants.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Api, TenantStatus } from '../api';
import { recentCompanies } from './memory';

export function CompanyPicker({
  api,
  companyId,
}: {
  api: Api;
  companyId: number | null;
  /** Changes when a company has opened (and joined the recent ones). */
  opened: number;
}) {
  const [value, setValue] = useState(companyId ? String(companyId) : '');
  const [largest, setLargest] = useState<TenantStatus[]>([]);
  const recent = recentCompanies.get() ?? [];

  useEffect(() => setValue(companyId ? String(companyId) : ''), [companyId]);
  useEffect(() => {
    let live = true;
    // Only a shortcut: when the cluster cannot be asked (a token is needed, a node is
    // down), the picker works by id alone.
    api
      .cluster()
      .then((reply) => {
        if (live) setLargest(reply.body.largestTenants.filter((t) => t.name !== null).slice(0, 6));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);

  const shortcuts = [
    ...recent.map((c) => ({ id: c.id, name: c.name })),
    ...largest
      .filter((t) => !recent.some((c) => c.id === t.companyId))
      .map((t) => ({ id: t.companyId, name: t.name ?? `Company ${t.companyId}` })),
  ].slice(0, 8);

  return (
    <div class="picker">
      <form
        class="field-row"
        onSubmit={(event) => {
          event.preventDefault();
          const id = Number(value);
          if (Number.isSafeInteger(id) && id > 0) window.location.hash = `#/shop/${id}`;
        }}
      >
        <label for="company-id">Company id</label>
        <input
          id="company-id"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">Open the shop</button>
      </form>
      {shortcuts.length > 0 ? (
        <nav aria-label="Companies" class="shortcuts">
          <span class="hint">Recent and largest:</span>
          <ul>
            {shortcuts.map((c) => (
              <li key={c.id}>
                <a href={`#/shop/${c.id}`} aria-current={c.id === companyId ? 'page' : undefined}>
                  {c.name} <span class="muted">({c.id})</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
