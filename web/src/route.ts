/**
 * The console's two views, addressed in the URL's fragment (`#/cluster`, `#/shop`,
 * `#/shop/7` for company 7), so every view can be linked to and the server has one page
 * to serve.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route = { view: 'cluster' } | { view: 'shop'; companyId: number | null };

function parseRoute(hash: string): Route {
  const shop = /^#\/shop(?:\/(\d{1,16}))?\/?$/.exec(hash);
  if (shop) {
    const id = shop[1] === undefined ? null : Number(shop[1]);
    return { view: 'shop', companyId: id !== null && Number.isSafeInteger(id) && id > 0 ? id : null };
  }
  return { view: 'cluster' };
}

export const hrefOf = (route: Route): string =>
  route.view === 'cluster' ? '#/cluster' : `#/shop${route.companyId ? `/${route.companyId}` : ''}`;

/** The current route, following the fragment as it changes (links, back and forward). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
