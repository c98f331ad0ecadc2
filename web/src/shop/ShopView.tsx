/**
 * The shop of one company: pick the company, find its products, fill a cart, place the
 * order, see and cancel the customer's orders.
 */
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { ViewHeading } from '../ui';
import { CompanyPicker } from './CompanyPicker';
import { CompanyShop } from './CompanyShop';

export function ShopView({ api, companyId, focus }: { api: Api; companyId: number | null; focus: boolean }) {
  // Bumped when a company opens, so the picker shows it among the recent ones.
  const [opened, setOpened] = useState(0);
  return (
    <section aria-labelledby="shop-heading" class="shop">
      <div class="view-head">
        <ViewHeading focus={focus}>
          <span id="shop-heading">Shop</span>
        </ViewHeading>
      </div>
      <CompanyPicker api={api} companyId={companyId} opened={opened} />
      {companyId ? (
        <CompanyShop
          key={companyId}
          api={api}
          companyId={companyId}
          onOpened={() => setOpened((n) => n + 1)}
        />
      ) : null}
    </section>
  );
}
