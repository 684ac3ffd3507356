import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCart } from '../../client/check-cart';
import type { OrdoError } from '../../client/errors';
import { amendmentGuardProblems, catalogGuardProblems, priceBookFor } from '../../domain/catalog-guards';
import { parseCatalog } from '../../domain/catalog-load';
import { lintCatalog } from '../../domain/lint';
import { AmendRequest } from '../../domain/order-actions';
import { InvalidInput } from '../../domain/problems';
import { catalogOf, exampleOrder, item, orderOf, referenceCatalog, ROOT } from './fixtures';

/** A laptop in two colours, a bundle of it, and price books in USD (every channel, and b2b) and EUR. */
function pricedCatalog() {
  return catalogOf({
    products: [
      { code: 'LAPTOP', attributes: { color: ['silver', 'black'], ram: [16, 32] } },
      { code: 'KIT', kind: 'bundle', components: ['LAPTOP'] },
      { code: 'CABLE' },
    ],
    priceBooks: [
      { currency: 'USD', prices: { LAPTOP: '1299.00', KIT: '1899.00' } },
      { currency: 'USD', channel: 'b2b', prices: { LAPTOP: '1199.00' } },
      { currency: 'EUR', prices: { LAPTOP: '1249.00' } },
    ],
  });
}

describe('catalog guards', () => {
  describe('allowed attribute values', () => {
    it('refuses a value outside the product’s allowed values, naming the field, the value and the allowed values', () => {
      const order = orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1299.00', attributes: { color: 'purple-polka-dot' } })]);
      const [problem, ...more] = catalogGuardProblems(order, pricedCatalog());
      assert.deepEqual(more, []);
      assert.equal(problem.path, 'items[0].attributes.color');
      assert.match(problem.message, /"purple-polka-dot" is not an allowed value of color for product LAPTOP \(allowed: "silver", "black"\)/);
      assert.match(problem.fix!, /set color to one of "silver", "black"/);
    });

    it('accepts allowed values (compared as text), attributes the product does not constrain, and none at all', () => {
      const order = orderOf([
        item('OI-1', 'LAPTOP', 1, { unitPrice: '1299.00', attributes: { color: 'black', ram: '32', engraving: 'ACME' } }),
        item('OI-2', 'LAPTOP', 1, { unitPrice: '1299.00' }),
        item('OI-3', 'CABLE', 1, { attributes: { length: '2m' } }),
      ]);
      assert.deepEqual(catalogGuardProblems(order, pricedCatalog()), []);
    });

    it('checks Amend items of a change order, not the Cancel items that repeat the original sale', () => {
      const order = orderOf(
        [
          item('OI-1', 'LAPTOP', 1, { action: 'Amend', originalItemId: 'OI-1', unitPrice: '1299.00', attributes: { color: 'gold' } }),
          item('OI-2', 'LAPTOP', 1, { action: 'Cancel', originalItemId: 'OI-2', unitPrice: '5.00', attributes: { color: 'retired-colour' } }),
        ],
        { changeOf: 'ORD-0' },
      );
      assert.deepEqual(catalogGuardProblems(order, pricedCatalog()).map((p) => p.path), ['items[0].attributes.color']);
    });

    it('checks what an amendment adds and the attributes an Amend sets, named by the action', () => {
      const order = orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1299.00' })]);
      const request = AmendRequest.parse({
        actor: 'alice',
        actions: [
          { type: 'Amend', itemId: 'OI-1', attributes: { color: 'gold' } },
          { type: 'Add', item: item('OI-2', 'LAPTOP', 1, { unitPrice: '999.00', attributes: { ram: 64 } }) },
          { type: 'Amend', itemId: 'OI-2', attributes: { color: 'black' } },
        ],
      });
      const problems = amendmentGuardProblems(order, request.actions, pricedCatalog());
      assert.deepEqual(problems.map((p) => p.path), ['actions[0].attributes.color', 'actions[1].item.attributes.ram', 'actions[1].item.unitPrice']);
      assert.match(problems[2].message, /"999.00" drifts from the USD price book: LAPTOP sells at "1299.00"/);
    });
  });

  describe('the price book', () => {
    it('refuses an off-book price with a drift error naming the item, both prices and the fix', () => {
      const order = orderOf([item('OI-1', 'LAPTOP', 2, { unitPrice: '999.00' })]);
      const problems = catalogGuardProblems(order, pricedCatalog());
      assert.deepEqual(problems, [
        {
          path: 'items[0].unitPrice',
          message: '"999.00" drifts from the USD price book: LAPTOP sells at "1299.00"',
          fix: 'set unitPrice to "1299.00" (a lower price is a discount), price it through a contract line (contractLineId), or change the price book',
        },
      ]);
    });

    it('compares by value, and picks the book of the order’s currency and channel', () => {
      const catalog = pricedCatalog();
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1299' })]), catalog), []);
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1199.00' })], { channel: 'b2b' }), catalog), []);
      const b2b = catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1299.00' })], { channel: 'b2b' }), catalog);
      assert.match(b2b[0].message, /the USD price book for channel b2b: LAPTOP sells at "1199.00"/);
      assert.equal(priceBookFor(catalog, 'EUR', 'b2b')?.prices.LAPTOP, '1249.00', 'a channel without its own book uses the book for every channel');
      assert.equal(priceBookFor(catalog, 'GBP', 'cpq'), undefined);
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '1.00' })], { currency: 'GBP' }), catalog), [], 'no book for the currency: not checked');
    });

    it('does not check a price a contract line governs, a bundle component, a product the book misses, or a renewal', () => {
      const catalog = pricedCatalog();
      const contract = { id: 'C-1', lines: [{ id: 'L1', product: 'LAPTOP', quantity: 1, unitPrice: '999.00' }] };
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '999.00', contractLineId: 'L1' })], { contract }), catalog), []);
      const bundle = orderOf([item('OI-1', 'KIT', 1, { unitPrice: '1899.00' }), item('OI-2', 'LAPTOP', 1, { unitPrice: '0.00', parentItemId: 'OI-1' })]);
      assert.deepEqual(catalogGuardProblems(bundle, catalog), []);
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'CABLE', 1, { unitPrice: '3.00' })]), catalog), []);
      assert.deepEqual(catalogGuardProblems(orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '999.00' })], { renewalOf: 'ORD-0' }), catalog), []);
    });

    it('leaves prices alone with { prices: false } (the worker’s check), still checking attribute values', () => {
      const order = orderOf([item('OI-1', 'LAPTOP', 1, { unitPrice: '999.00', attributes: { color: 'gold' } })]);
      assert.deepEqual(catalogGuardProblems(order, pricedCatalog()).map((p) => p.path), ['items[0].attributes.color', 'items[0].unitPrice']);
      assert.deepEqual(catalogGuardProblems(order, pricedCatalog(), { prices: false }).map((p) => p.path), ['items[0].attributes.color']);
    });

    it('lint warns about each product a book misses (bundle components are priced at their root)', () => {
      const findings = lintCatalog(pricedCatalog()).filter((f) => f.rule === 'price-book-misses-product');
      assert.deepEqual(
        findings.map((f) => [f.severity, f.path, f.message]),
        [
          ['warning', 'priceBooks[USD].prices', 'the USD price book has no price for CABLE: its orders\' prices are not checked'],
          ['warning', 'priceBooks[USD/b2b].prices', 'the USD price book for channel b2b has no price for KIT: its orders\' prices are not checked'],
          ['warning', 'priceBooks[USD/b2b].prices', 'the USD price book for channel b2b has no price for CABLE: its orders\' prices are not checked'],
          ['warning', 'priceBooks[EUR].prices', 'the EUR price book has no price for KIT: its orders\' prices are not checked'],
          ['warning', 'priceBooks[EUR].prices', 'the EUR price book has no price for CABLE: its orders\' prices are not checked'],
        ],
      );
    });
  });

  describe('loading price books', () => {
    const load = (text: string) => {
      try {
        parseCatalog([{ path: 'c.yaml', text }]);
        return [];
      } catch (error) {
        assert.ok(error instanceof InvalidInput, String(error));
        return error.problems.map((p) => `${p.path}: ${p.message}`);
      }
    };

    it('refuses a price for an unknown product, two books for one currency and channel, and a price that is not money', () => {
      const products = 'products:\n  - code: LAPTOP\n';
      assert.deepEqual(load(`${products}priceBooks:\n  - currency: USD\n    prices: { LAPTOPP: "1.00" }\n`), ['c.yaml: priceBooks[0].prices.LAPTOPP: unknown product "LAPTOPP"']);
      assert.deepEqual(load(`${products}priceBooks:\n  - { currency: USD, prices: { LAPTOP: "1.00" } }\n  - { currency: USD, prices: { LAPTOP: "2.00" } }\n`), [
        'c.yaml: priceBooks[1]: price book "USD for every channel" is defined twice: first at c.yaml: priceBooks[0]',
      ]);
      const [notMoney] = load(`${products}priceBooks:\n  - { currency: USD, prices: { LAPTOP: 1299 } }\n`);
      assert.match(notMoney, /priceBooks\[0\]\.prices\.LAPTOP: .*decimal string/);
    });
  });

  it('ordo checkout refuses a cart outside the catalog, with the cart’s paths, before anything is sent', () => {
    const cart = JSON.parse(readFileSync(join(ROOT, 'examples', 'cart-laptop.json'), 'utf8')) as { items: Array<{ attributes?: Record<string, string> }> };
    cart.items[1].attributes = { color: 'purple-polka-dot' };
    assert.throws(
      () => checkCart(cart, referenceCatalog()),
      (error: OrdoError) => {
        assert.equal(error.code, 'invalid');
        assert.deepEqual(error.problems.map((p) => p.path), ['items[1].attributes.color']);
        assert.match(error.message, /Nothing was sent to the storefront/);
        return true;
      },
    );
  });

  it('every example order keeps within the bundled catalog', () => {
    const catalog = referenceCatalog();
    // The order files among the examples (the others are carts, amendments, availability and usage).
    const isOrder = (name: string) => /"accountId"/.test(readFileSync(join(ROOT, 'examples', name), 'utf8')) && /"items"/.test(readFileSync(join(ROOT, 'examples', name), 'utf8'));
    const examples = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.json') && !name.startsWith('invalid') && !name.startsWith('cart') && isOrder(name));
    assert.ok(examples.length >= 5, examples.join(', '));
    for (const name of examples) assert.deepEqual(catalogGuardProblems(exampleOrder(name), catalog), [], name);
  });
});
