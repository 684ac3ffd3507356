import type { Catalog } from '../domain/catalog';
import { catalogGuardProblems } from '../domain/catalog-guards';
import { decompose } from '../domain/decompose';
import type { Order } from '../domain/order';
import { InvalidInput } from '../domain/problems';
import { subjectOf, validateOrder } from '../domain/validate-order';
import { orderLimitProblems } from '../domain/limits';
import { OrdoError } from './errors';

/**
 * The checks every entry point runs before an order is accepted: the schema and cross-field rules,
 * the contract, and (with a catalog) the catalog guards (allowed attribute values, the price book) and that it
 * decomposes, so a missing rule is refused at submission. The size
 * limits (domain/limits.ts) come first: an oversized order is refused before it is read item by item.
 */
export function checkOrder(input: unknown, catalog?: Catalog): Order {
  try {
    const tooLarge = orderLimitProblems(input);
    if (tooLarge.length > 0) throw new InvalidInput(subjectOf(input), tooLarge);
    const order = validateOrder(input);
    if (catalog) {
      const outside = catalogGuardProblems(order, catalog);
      if (outside.length > 0) throw new InvalidInput(subjectOf(input), outside);
      decompose(order, catalog);
    }
    return order;
  } catch (error) {
    if (error instanceof InvalidInput) throw new OrdoError('invalid', error.message, error.problems);
    throw error;
  }
}
