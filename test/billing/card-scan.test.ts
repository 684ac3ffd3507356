import assert from 'node:assert/strict';
import { visitPayloads } from './card-scan';
import { containsRawCardNumber } from '../../domain/card-numbers';

/** The history scan finds what it looks for: a card number inside a base64 payload of a history in JSON. */
describe('card-number scan of histories', () => {
  it('decodes payloads and finds a card number in one', () => {
    const payload = (value: unknown) => ({ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(value)).toString('base64') });
    const history = { events: [{ eventId: '1', workflowExecutionStartedEventAttributes: { input: { payloads: [payload({ token: 'tok_visa_4242' }), payload({ note: 'card 4242 4242 4242 4242' })] } } }] };
    const found: string[] = [];
    visitPayloads(history, (text, where) => {
      if (containsRawCardNumber(text)) found.push(where);
    });
    assert.deepEqual(found, ['.events[0].workflowExecutionStartedEventAttributes.input.payloads[1]']);
    assert.equal(containsRawCardNumber(JSON.stringify(history)), false, 'base64 hides it from a plain text search: hence the decoding');
  });
});
