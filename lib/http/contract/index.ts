/**
 * The API contract as zod schemas: JSON in camelCase, money as integer cents, ids as
 * JSON numbers. Handlers validate with these and the OpenAPI document is generated
 * from them, so the two cannot drift; the services' own types (lib/shop/types.ts) are
 * checked against them at compile time at the end of this file. The value builders are in
 * values.ts, the shop's schemas in shop.ts, the operators' and the browser's in system.ts.
 *
 * The schemas are zod/mini's (lib/zod.ts), so a function bundles only the validators it
 * uses. OpenAPI details are metadata in zod's global registry (`doc()` below: an `id`
 * makes a schema a component of the document, the rest is JSON Schema merged into the
 * schema's own), so a function that validates with these schemas does not bundle the
 * OpenAPI generator; none does (the document is generated ahead, by `npm run openapi`).
 */

import type { ApiKey, NewApiKey } from '../../auth/api-keys';
import type { HealthReport } from '../../cluster/inspect';
import type { ClusterStatus } from '../../cluster/status';
import type * as shop from '../../shop/types';
import type * as z from '../../zod';
import type {
  campaignDetailOut,
  campaignOut,
  companyIn,
  companyOut,
  keyOut,
  newKeyOut,
  orderIn,
  orderOut,
  productIn,
  productOut,
  productPatch,
} from './shop';
import type { clusterStatusOut, healthOut } from './system';

export * from './shop';
export * from './system';
export { doc, type Schema, UNSTORABLE_MESSAGE } from './values';

/** Compile-time proof that each schema's parsed type is exactly the service's type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ContractMatchesServices = [
  Assert<Same<z.output<typeof companyIn>, shop.CompanyIn>>,
  Assert<Same<z.output<typeof companyOut>, shop.Company>>,
  Assert<Same<z.output<typeof productIn>, shop.ProductIn>>,
  Assert<Same<z.output<typeof productPatch>, shop.ProductPatch>>,
  Assert<Same<z.output<typeof productOut>, shop.Product>>,
  Assert<Same<z.output<typeof orderIn>, shop.OrderIn>>,
  Assert<Same<z.output<typeof orderOut>, shop.Order>>,
  Assert<Same<z.output<typeof campaignOut>, shop.Campaign>>,
  Assert<Same<z.output<typeof campaignDetailOut>, shop.CampaignDetail>>,
  Assert<Same<z.output<typeof keyOut>, ApiKey>>,
  Assert<Same<z.output<typeof newKeyOut>, NewApiKey>>,
  Assert<Same<z.output<typeof healthOut>, HealthReport>>,
  Assert<Same<z.output<typeof clusterStatusOut>, ClusterStatus>>,
];
