/**
 * What the console remembers in the browser. The operator token, each company's key, the
 * cart, the pending checkout and the customer stay in this tab (sessionStorage: gone when
 * it closes);
 * the companies recently opened are kept across tabs (localStorage). A browser that
 * refuses storage (private modes) gets a console that forgets, not one that breaks.
 */

const PREFIX = 'distribushop.';

function read<T>(store: () => Storage, key: string): T | null {
  try {
    const text = store().getItem(PREFIX + key);
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

function write(store: () => Storage, key: string, value: unknown): void {
  try {
    if (value === null || value === undefined) store().removeItem(PREFIX + key);
    else store().setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the value lives as long as the page.
  }
}

const session = () => window.sessionStorage;
const local = () => window.localStorage;

/** A value kept in this tab. */
export const tabValue = <T>(key: string) => ({
  get: (): T | null => read<T>(session, key),
  set: (value: T | null) => write(session, key, value),
});

/** A value kept in this browser. */
export const browserValue = <T>(key: string) => ({
  get: (): T | null => read<T>(local, key),
  set: (value: T | null) => write(local, key, value),
});

/** The operator token (ADMIN_TOKEN) that GET /cluster asks for. */
export const adminToken = tabValue<string>('adminToken');

/** The key entered for a company's shop: its publishable key, or its secret key. */
export const companyKeyOf = (companyId: number) => tabValue<string>(`key.${companyId}`);
