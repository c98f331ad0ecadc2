/**
 * Which routes a concrete path belongs to, whatever its method: the catch-all answers 405
 * with the methods a known path takes, and CORS preflights name them.
 */
import { consoleRoutes, type RouteSpec, routes } from './routes';

type RouteName = keyof typeof routes | keyof typeof consoleRoutes;

/**
 * Each route's path as a pattern, made on first use (the catch-all and CORS preflights
 * match paths; no other function does). `{name}` takes one path segment; `{name+}` (API
 * Gateway's greedy variable) one or more.
 */
let templates: { name: RouteName; route: RouteSpec; names: string[]; pattern: RegExp }[] | undefined;
const pathTemplates = () =>
  (templates ??= Object.entries({ ...routes, ...consoleRoutes }).map(([name, route]) => {
    const names: string[] = [];
    const source = route.path
      .replace(/[.]/g, '\\.')
      .replace(/\{(\w+)(\+?)\}/g, (_, param: string, greedy: string) => {
        names.push(param);
        return greedy ? '(.+)' : '([^/]+)';
      });
    return { name: name as RouteName, route: route as RouteSpec, names, pattern: new RegExp(`^${source}$`) };
  }));

export interface RouteMatch {
  name: RouteName;
  route: RouteSpec;
  /** The path parameters as they appear in the path (still percent-encoded). */
  params: Record<string, string>;
}

/** Every route whose path template matches a concrete path, whatever its method. */
export function matchPath(path: string): RouteMatch[] {
  return pathTemplates().flatMap(({ name, route, names, pattern }) => {
    const match = pattern.exec(path);
    if (!match) return [];
    return [{ name, route, params: Object.fromEntries(names.map((n, i) => [n, match[i + 1] ?? ''])) }];
  });
}

/** The methods a concrete path answers (uppercase, as in an Allow header); none for an unknown path. */
export function allowedMethods(path: string): string[] {
  return matchPath(path).map((m) => m.route.method.toUpperCase());
}
