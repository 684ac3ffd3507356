import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { checkCart } from '../../../client/check-cart';
import { checkOrder } from '../../../client/check-order';
import { checkUsageFile } from '../../../client/usage-postings';
import { loadConfig } from '../../../config/load';
import { parseCatalog } from '../../../domain/catalog-load';
import { changeOrderBilling, checkChangeOrder } from '../../../domain/change-order';
import { buildInvoice } from '../../../domain/invoice';
import { applyOrderActions } from '../../../domain/order-actions';
import { billDue, changeSubscription, SubscriptionChange, subscriptionOf } from '../../../domain/subscription';
import { validateOrder } from '../../../domain/validate-order';
import { exampleOrder, referenceCatalog, referenceCatalogSources, ROOT } from '../fixtures';
import { mutated } from './mutate';
import { check, onlyOrdoErrors, runs } from './run';

/**
 * Parsing never throws anything but Ordo's own errors (issue 12): whatever arrives (noise, any JSON, a valid input one
 * or three edits away from valid), each entry point either accepts it or refuses it with InvalidInput (or the
 * client's OrdoError carrying problems), each problem naming a field. A TypeError here would reach a user as a stack
 * trace.
 */

const json = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'examples', name), 'utf8'));
const ORDERS = ['laptop-bundle.json', 'mixed.json', 'network-kit.json', 'saas-suite.json', 'subscription.json', 'subscription-usage.json', 'availability-split.json', 'usage.json'];
const settings = { taxRates: { 'US-TX': '0.0825', 'US-CA': '0.0725', EXEMPT: '0' }, defaultTaxCode: 'US-TX' };

/** Anything at all, JSON of any shape, and valid inputs a few edits from valid. */
function inputs(valid: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.jsonValue() }, ...valid.map((v) => ({ weight: 6, arbitrary: mutated(v) })));
}

describe('properties: parsing refuses with Ordo errors only', () => {
  it('validateOrder', () => {
    check(fc.property(inputs(ORDERS.map(json)), (input) => void onlyOrdoErrors(() => validateOrder(input))), 300);
  });

  it('an accepted order invoices, or is refused with InvalidInput (never a TypeError)', () => {
    check(
      fc.property(inputs(ORDERS.map(json)), (input) => {
        let order;
        try {
          order = validateOrder(input);
        } catch {
          return;
        }
        onlyOrdoErrors(() => buildInvoice(order, settings, { id: 'INV-1' }));
      }),
      300,
    );
  });

  it('checkOrder with the catalog guards: allowed attribute values and the example price book', () => {
    const priceBook = { path: 'examples/price-book.yaml', text: readFileSync(join(ROOT, 'examples', 'price-book.yaml'), 'utf8') };
    const catalog = parseCatalog([...referenceCatalogSources(), priceBook]);
    check(fc.property(inputs(ORDERS.map(json)), (input) => void onlyOrdoErrors(() => checkOrder(input, catalog))), 300);
  });

  it('catalog YAML text: noise, and the reference catalog mutated', function () {
    this.timeout(60_000 + runs(150) * 50); // a whole catalog is parsed per case
    const sources = referenceCatalogSources();
    const documents = sources.map((source) => parseYaml(source.text) as unknown);
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((value) => stringifyYaml(value)),
      fc.constantFrom('{', '- [', 'a: &x 1\nb: *y', 'a: !!binary x', 'products: 1', '!!python/object:os.system', '? [a]\n: b', 'a: 1\na: 2'),
      ...documents.map((document) => mutated(document).map((value) => stringifyYaml(value ?? null))),
    );
    check(
      fc.property(fc.integer({ min: 0, max: sources.length - 1 }), text, (index, replacement) => {
        const files = sources.map((source, i) => (i === index ? { path: source.path, text: replacement } : source));
        onlyOrdoErrors(() => parseCatalog(files));
      }),
      150,
    );
  });

  it('cart (ordo checkout), with the reference catalog', () => {
    const catalog = referenceCatalog();
    check(fc.property(inputs([json('cart-laptop.json')]), (input) => void onlyOrdoErrors(() => checkCart(input, catalog))), 300);
  });

  it('change order against its original: check and bill', () => {
    const original = exampleOrder('laptop-bundle.json');
    const originalInvoice = buildInvoice(original, settings, { id: 'INV-ORD-1001-1' });
    check(
      fc.property(inputs([json('change-order-return.json')]), (input) => {
        onlyOrdoErrors(() => {
          const change = validateOrder(input);
          checkChangeOrder(change, original);
          changeOrderBilling(change, original, originalInvoice, settings);
        });
      }),
      300,
    );
  });

  it('order actions (ordo amend)', () => {
    const order = exampleOrder('laptop-bundle.json');
    const request = { actor: 'pat', actions: [{ type: 'Amend', itemId: 'OI-2', quantity: 3 }, { type: 'Cancel', itemId: 'OI-4' }, { type: 'Add', item: { id: 'OI-9', product: 'AV-LICENSE', quantity: 1, unitPrice: '10.00' } }] };
    check(fc.property(inputs([request]), (input) => void onlyOrdoErrors(() => applyOrderActions(order, input as never))), 300);
  });

  it("a subscription change (the subscription workflow's changeSubscription update): the schema, then the arithmetic", () => {
    const subscriptionSettings = { ...settings, usagePrices: {}, recurring: 'perPeriod' as const };
    const subscription = billDue(subscriptionOf(exampleOrder('subscription.json'), subscriptionSettings)!, '2027-01-01', [], subscriptionSettings).next;
    const [first, second] = subscription.items;
    const valid = {
      changeId: 'ORD-1-C1',
      effectiveDate: '2026-12-15',
      actions: [
        { type: 'Amend', itemId: first.itemId, quantity: first.quantity + 2 },
        { type: 'Cancel', itemId: (second ?? first).itemId },
        { type: 'Add', item: { itemId: 'NEW-1', product: first.product, quantity: 1, unitPrice: '12.50', billing: first.billing, startDate: '2026-12-15', taxCode: null } },
      ],
    };
    check(
      fc.property(inputs([valid]), (input) => {
        const parsed = SubscriptionChange.safeParse(input);
        if (parsed.success) onlyOrdoErrors(() => changeSubscription(subscription, parsed.data, subscriptionSettings));
      }),
      300,
    );
  });

  it('usage records (ordo usage post)', () => {
    check(fc.property(inputs([json('usage.json'), { records: json('usage.json') }]), (input) => void onlyOrdoErrors(() => checkUsageFile(input, 'usage.json'))), 300);
  });

  describe('configuration (temporal-config.yaml)', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'ordo-props-config-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('noise and the checkout configuration mutated, read from a real file', function () {
      this.timeout(60_000 + runs(150) * 20);
      const reference = parseYaml(readFileSync(join(ROOT, 'temporal-config.yaml'), 'utf8')) as unknown;
      const text = fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue().map((v) => stringifyYaml(v)), mutated(reference).map((v) => stringifyYaml(v ?? null)));
      const file = join(dir, 'temporal-config.yaml');
      check(
        fc.property(text, (yamlText) => {
          writeFileSync(file, yamlText);
          onlyOrdoErrors(() => loadConfig({ file, env: {} }));
        }),
        150,
      );
    });
  });
});
