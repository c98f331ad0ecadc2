/** What the shop remembers between visits; see ../storage.ts for where. */
import type { Company } from '../api';
import type { PendingCheckout } from '../checkout';
import { browserValue, tabValue } from '../storage';

export interface CartLine {
  productId: number;
  name: string;
  priceCents: number;
  quantity: number;
}

export interface Customer {
  email: string;
  name: string;
  /** Known once an order was placed for this email. */
  id: number | null;
}

export const recentCompanies = browserValue<Pick<Company, 'id' | 'name'>[]>('recentCompanies');

/** Puts `company` first among the recent ones (at most eight). */
export function rememberCompany(company: Pick<Company, 'id' | 'name'>): void {
  const others = (recentCompanies.get() ?? []).filter((c) => c.id !== company.id);
  recentCompanies.set([{ id: company.id, name: company.name }, ...others].slice(0, 8));
}

export const cartOf = (companyId: number) => tabValue<CartLine[]>(`cart.${companyId}`);
export const pendingCheckoutOf = (companyId: number) => tabValue<PendingCheckout>(`checkout.${companyId}`);
export const customerOf = (companyId: number) => tabValue<Customer>(`customer.${companyId}`);
