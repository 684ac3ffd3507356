import assert from 'node:assert/strict';
import { Cart, cartProblems, cartToOrder } from '../../domain/cart';
import { isRawCardNumber, passesLuhn } from '../../domain/card-numbers';
import { formatPath } from '../../domain/problems';

/** A valid cart in the shape of DESIGN.md "The cart"; `overrides` replace top-level fields. */
function cart(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'CART-1',
    accountId: 'ACME',
    buyer: 'pat@acme.example',
    currency: 'USD',
    deliveryGroups: [{ id: 'DG-HQ', address: { line1: '1 Main St', city: 'Austin', country: 'US' } }],
    items: [
      { id: 'CI-1', product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00', deliveryGroupId: 'DG-HQ', taxCode: 'STANDARD' },
      { id: 'CI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', parentItemId: 'CI-1' },
    ],
    payment: { method: 'card', token: 'tok_visa_4242' },
    ...overrides,
  };
}

/** The first issue of a refused cart, as `{ field, message }`. */
function refusal(input: unknown): { field: string; message: string } {
  const result = Cart.safeParse(input);
  assert.equal(result.success, false, 'the cart should be refused');
  const issue = result.error!.issues[0]!;
  return { field: formatPath(issue.path), message: issue.message };
}

describe('domain: cart', () => {
  it('accepts the cart of DESIGN.md, with syncToCPQ on by default', () => {
    const parsed = Cart.parse(cart());
    assert.equal(parsed.syncToCPQ, true);
    assert.deepEqual(parsed.payment, { method: 'card', token: 'tok_visa_4242' });
    assert.equal(Cart.parse(cart({ syncToCPQ: false })).syncToCPQ, false);
  });

  it('accepts an account payment with a reference', () => {
    const parsed = Cart.parse(cart({ payment: { method: 'account', reference: 'PO-7788' } }));
    assert.deepEqual(parsed.payment, { method: 'account', reference: 'PO-7788' });
  });

  it('refuses a channel: a cart is always b2b', () => {
    assert.equal(refusal(cart({ channel: 'b2b' })).field, '');
  });

  it('refuses a buyer that is not an email address, naming buyer', () => {
    assert.equal(refusal(cart({ buyer: 'pat' })).field, 'buyer');
  });

  it('refuses an unknown payment method, naming payment.method', () => {
    assert.equal(refusal(cart({ payment: { method: 'cash' } })).field, 'payment.method');
  });

  it('refuses a price with three decimals, naming the item field', () => {
    const items = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '19.999' }];
    const { field, message } = refusal(cart({ items }));
    assert.equal(field, 'items[0].unitPrice');
    assert.match(message, /at most 2 places/);
  });

  it('refuses a three-decimal discount, naming it', () => {
    assert.equal(refusal(cart({ discount: '1.005' })).field, 'discount');
  });

  it('refuses a raw card number given as the token, and says to send a token', () => {
    const { field, message } = refusal(cart({ payment: { method: 'card', token: '4111 1111 1111 1111' } }));
    assert.equal(field, 'payment.token');
    assert.match(message, /raw card number/);
    assert.match(message, /token/);
  });

  it('finds a raw card number at any depth, with dashes, inside other text, or as a number', () => {
    const items = [
      { id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', attributes: { note: 'pay with 5500-0000-0000-0004 please' } },
    ];
    assert.equal(refusal(cart({ items })).field, 'items[0].attributes.note');
    const numeric = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', attributes: { po: 4111111111111111 } }];
    assert.equal(refusal(cart({ items: numeric })).field, 'items[0].attributes.po');
  });

  it('reports the card number even when the cart has other mistakes', () => {
    assert.equal(refusal(cart({ buyer: 'pat', payment: { method: 'card', token: '4111111111111111' } })).field, 'payment.token');
  });

  it('lets long numbers through that fail the Luhn check or have the wrong length', () => {
    assert.equal(isRawCardNumber('4111111111111112'), false, 'Luhn fails');
    assert.equal(isRawCardNumber('411111111111'), false, '12 digits');
    assert.equal(isRawCardNumber('4111111111111111'), true);
    assert.equal(passesLuhn('79927398713'), true);
    const parsed = Cart.parse(cart({ payment: { method: 'account', reference: 'PO-12345678901234567' } }));
    assert.equal(parsed.payment.method, 'account');
  });

  it('cartProblems finds the order rules zod cannot see, with the cart\'s paths', () => {
    assert.deepEqual(cartProblems(Cart.parse(cart())), []);
    const items = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', deliveryGroupId: 'DG-NOWHERE' }];
    const problems = cartProblems(Cart.parse(cart({ items })));
    assert.deepEqual(problems.map((p) => p.path), ['items[0].deliveryGroupId']);
  });

  it('cartToOrder gives an Ordo order on channel b2b with the storefront order id and the same items', () => {
    const parsed = Cart.parse(cart({ discount: '10.00', effectiveDate: '2026-12-01' }));
    const order = cartToOrder(parsed, 'SO-1');
    assert.equal(order.id, 'SO-1');
    assert.equal(order.channel, 'b2b');
    assert.equal(order.accountId, 'ACME');
    assert.equal(order.discount, '10.00');
    assert.equal(order.effectiveDate, '2026-12-01');
    assert.deepEqual(order.items, parsed.items);
    assert.deepEqual(order.deliveryGroups, parsed.deliveryGroups);
    assert.equal('buyer' in order, false);
    assert.equal('payment' in order, false);
  });
});
