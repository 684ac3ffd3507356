import { z } from 'zod';

/**
 * A usage price (domain/usage.ts rates with it; the catalog's `usagePrice` is one). A leaf, so the catalog schema
 * can name it without loading rating, money and problems.
 */

export const UsageUnitPrice = z
  .string({ error: 'must be a decimal string such as "0.10"' })
  .regex(/^\d{1,13}(\.\d{1,6})?$/, 'must be a non-negative decimal string with at most 6 places, such as "0.10" or "0.0015"');

export const UsageTier = z.strictObject({
  /** The last unit of this tier (inclusive); null for the last tier, which has no end. */
  upTo: z.number({ error: 'must be a whole number of units, or null for the last tier' }).int('must be a whole number').positive('must be at least 1').nullable(),
  unitPrice: UsageUnitPrice,
});
export type UsageTier = z.infer<typeof UsageTier>;

const UsageTiers = z
  .array(UsageTier)
  .min(1, 'give at least one tier')
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, index) => {
      const isLast = index === tiers.length - 1;
      if (isLast && tier.upTo !== null) {
        ctx.addIssue({ code: 'custom', path: [index, 'upTo'], message: `the last tier must have upTo null (no end), got ${tier.upTo}`, input: tier.upTo });
      }
      if (!isLast && tier.upTo === null) {
        ctx.addIssue({ code: 'custom', path: [index, 'upTo'], message: 'only the last tier may have upTo null: give this tier its last unit', input: tier.upTo });
      }
      const previous = index > 0 ? tiers[index - 1].upTo : null;
      if (tier.upTo !== null && previous !== null && tier.upTo <= previous) {
        ctx.addIssue({ code: 'custom', path: [index, 'upTo'], message: `must be above the previous tier's upTo (${previous})`, input: tier.upTo });
      }
    });
  });

/** Per unit (`"0.10"`), or graduated tiers (`[{ upTo: 1000, unitPrice: "0.10" }, { upTo: null, unitPrice: "0.05" }]`). */
export const UsagePrice = z.union([UsageUnitPrice, UsageTiers]);
export type UsagePrice = z.infer<typeof UsagePrice>;
