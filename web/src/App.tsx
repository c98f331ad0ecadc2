import { useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api';
import { ClusterView } from './cluster/ClusterView';
import { hrefOf, useRoute } from './route';
import { ShopView } from './shop/ShopView';
import { adminToken, companyKeyOf } from './storage';

export function App() {
  const route = useRoute();
  const api = useMemo(
    () => createApi({ adminToken: adminToken.get, companyKey: (id) => companyKeyOf(id).get() }),
    [],
  );
  // The first view is where the page opens; every view reached from there takes the focus.
  const [firstView] = useState(route.view);
  const navigated = useRef(false);
  if (route.view !== firstView) navigated.current = true;

  const current = (view: 'cluster' | 'shop') => (route.view === view ? 'page' : undefined);
  return (
    <>
      <header class="top">
        <p class="brand">
          <span aria-hidden="true" class="brand-mark">
            ◆
          </span>{' '}
          DistribuShop <span class="brand-sub">console</span>
        </p>
        <nav aria-label="Views" class="views">
          <ul>
            <li>
              <a href="#/cluster" aria-current={current('cluster')}>
                Cluster
              </a>
            </li>
            <li>
              <a
                href={hrefOf(route.view === 'shop' ? route : { view: 'shop', companyId: null })}
                aria-current={current('shop')}
              >
                Shop
              </a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main">
        {route.view === 'cluster' ? (
          <ClusterView api={api} focus={navigated.current} />
        ) : (
          <ShopView api={api} companyId={route.companyId} focus={navigated.current} />
        )}
      </main>
    </>
  );
}
