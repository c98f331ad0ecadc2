/**
 * Imported by the database module before pg, for the cold start.
 *
 * When pg loads it decides whether it runs in a Cloudflare Worker: by `navigator.userAgent`
 * where a `navigator` exists (Node 21 and later define one), and otherwise by constructing
 * a fetch `Response`, which on Node 20, the functions' runtime, loads Node's whole fetch
 * implementation first: measured at about 40 ms of a 65 ms load of pg alone, in every cold
 * start of every function. Node 20 gets the `navigator` Node 21 has, whose userAgent names
 * Node.js, so pg asks it and moves on. Where a `navigator` exists already, nothing changes.
 */
const scope = globalThis as { navigator?: unknown };
if (scope.navigator === undefined) {
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.freeze({ userAgent: `Node.js/${process.versions.node.split('.')[0]}` }),
    writable: true,
    configurable: true,
  });
}
