/**
 * What the shop's services take and return: plain types, JSON-ready (camelCase, money in
 * integer cents, times as ISO 8601 UTC strings). The HTTP contract (lib/http/contract/)
 * validates requests into these types and is checked against them at compile time.
 */
import type { CampaignState, CostModel, OrderStatus } from '../db/catalog';

export interface CompanyIn {
  name: string;
}

export interface Company {
  id: number;
  name: string;
  imageUrl: string | null;
  createdAt: string;
}

export interface ProductIn {
  name: string;
  sku: string;
  priceCents: number;
  stock: number;
}

export type ProductPatch = Partial<Pick<ProductIn, 'name' | 'priceCents' | 'stock'>>;

export interface Product {
  id: number;
  companyId: number;
  name: string;
  sku: string;
  priceCents: number;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrderItemIn {
  productId: number;
  quantity: number;
}

export interface OrderIn {
  /** A known customer by id, or one found or created by email. */
  customer: { id: number } | { email: string; name: string };
  items: OrderItemIn[];
}

export interface OrderItem {
  productId: number;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: number;
  companyId: number;
  customerId: number;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  items: OrderItem[];
  createdAt: string;
}

export interface Campaign {
  id: number;
  companyId: number;
  name: string;
  costModel: CostModel;
  state: CampaignState;
  monthlyBudget: number | null;
}

export interface Ad {
  id: number;
  name: string;
  imageUrl: string | null;
  targetUrl: string | null;
  /** The counters stored on the ad. */
  impressionsCount: number;
  clicksCount: number;
  /** Impressions and clicks recorded for the ad. */
  impressions: number;
  clicks: number;
}

export interface CampaignDetail extends Campaign {
  blacklistedSiteUrls: string[];
  ads: Ad[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageOptions {
  limit: number;
  cursor?: string;
}
