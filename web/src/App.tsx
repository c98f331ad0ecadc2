import { useEffect, useMemo, useRef } from 'preact/hooks';
import { createApi } from './api';
import { ClusterView } from './cluster/ClusterView';
import { hrefOf, useRoute } from './route';
import { ShopView } from './shop/ShopView';
import { adminToken } from './storage';

export function App() {
  const route = useRoute();
  const api = useMemo(() => createApi({ adminToken: adminToken.get }), []);
  // The first view is where the page opens; later ones are reached from the navigation
  // and take the focus.
  const navigated = useRef(false);
  const first = useRef(route.view);
  useEffect(() => {
    if (route.view !== first.current) navigated.current = true;
  }, [route.view]);

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
