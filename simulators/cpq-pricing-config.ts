import { z } from 'zod';
import { MoneyString } from '../domain/order';

/**
 * CPQ's own pricing configuration: a price book (list prices), discount schedules (volume tiers) and price
 * rules (a percentage off a product, for one account or all). Tests replace each with
 * `PUT /cpq/products|discount-schedules|price-rules`. Only quotes CPQ prices itself (`pricing: "cpq"`) use
 * the schedules and rules; the connector's quotes keep the storefront's prices.
 */

/** A percentage off such as "10" or "12.5": more than 0, at most 100, at most 2 places. */
const PercentOff = z
  .string({ error: 'must be a percentage as a decimal string, such as "10" or "12.5"' })
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'must be a percentage as a decimal string with at most 2 places, such as "12.5"')
  .refine((text) => Number(text) > 0 && Number(text) <= 100, 'must be more than 0 and at most 100');

export const PriceBookEntrySchema = z.strictObject({
  product: z.string().min(1),
  listPrice: MoneyString,
  /** An activated, contracted order makes an asset of this product's lines (false for fees and services). */
  assetizable: z.boolean().default(true),
});
export type PriceBookEntry = z.infer<typeof PriceBookEntrySchema>;

export const DiscountTierSchema = z.strictObject({
  /** The tier applies from this quantity on the line. */
  minQuantity: z.number().int().positive(),
  percentOff: PercentOff,
});

export const DiscountScheduleSchema = z.strictObject({
  id: z.string().min(1),
  product: z.string().min(1),
  /** The tier with the highest minQuantity the line reaches applies; none below the lowest. */
  tiers: z.array(DiscountTierSchema).min(1),
});
export type DiscountSchedule = z.infer<typeof DiscountScheduleSchema>;

export const PriceRuleSchema = z.strictObject({
  id: z.string().min(1),
  product: z.string().min(1),
  /** Only for this CPQ account (its id); without it, for every account. */
  accountId: z.string().min(1).optional(),
  percentOff: PercentOff,
});
export type PriceRule = z.infer<typeof PriceRuleSchema>;

export const PriceBookDocumentSchema = z.strictObject({ products: z.array(PriceBookEntrySchema) });
export const DiscountSchedulesDocumentSchema = z.strictObject({ discountSchedules: z.array(DiscountScheduleSchema) });
export const PriceRulesDocumentSchema = z.strictObject({ priceRules: z.array(PriceRuleSchema) });

/**
 * The price book at first start: the commercial products of the repository's catalogs (catalog/*.yaml), at
 * the list prices the examples use. Bundle components sold inside a bundle are priced on the bundle line,
 * so a quote gives them "0.00"; their list price is what they cost sold alone.
 */
export function defaultPriceBook(): PriceBookEntry[] {
  const entry = (product: string, listPrice: string, assetizable = true): PriceBookEntry => ({ product, listPrice, assetizable });
  return [
    entry('LAPTOP-BUNDLE', '1899.00'),
    entry('LAPTOP-14', '1499.00'),
    entry('AV-LICENSE', '120.00'),
    entry('WARRANTY-3Y', '199.00'),
    entry('NETWORK-KIT', '2400.00'),
    entry('ROUTER', '899.00'),
    entry('MANAGED-SERVICE', '150.00', false),
    entry('SENSOR-KIT', '249.00'),
    entry('SAAS-SUITE', '0.00'),
    entry('SEATS', '40.00'),
    entry('TENANT', '0.00'),
    entry('SUPPORT-PLAN', '300.00', false),
    entry('ONSITE-INSTALL', '500.00', false),
    entry('SETUP-FEE', '150.00', false),
  ];
}
