import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { payloadCodecsWith } from '../../config/connection';
import { inMemoryKeys } from '../../config/keyring';
import { decodeHistory } from '../replay/history-dump';

/**
 * Recorded replay fixtures are saved decoded (test/replay/history-dump.ts), so they need no key: every payload of a
 * fetched history, wherever it sits (an input, a failure's encoded attributes), comes out as the payload converter
 * wrote it, and the history still saves and loads as JSON.
 */
describe('decodeHistory (recorded fixtures need no key)', () => {
  it('decrypts every payload of a history, and the result saves and loads as history JSON', async () => {
    const codecs = payloadCodecsWith(inMemoryKeys());
    const encode = async (value: unknown) => {
      let payloads = [defaultPayloadConverter.toPayload(value)];
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return payloads[0];
    };
    const input = { orderId: 'ORD-1', address: '1 Cypress Creek Rd' };
    const history = temporal.api.history.v1.History.create({
      events: [
        { workflowExecutionStartedEventAttributes: { workflowType: { name: 'OrderWorkflow' }, input: { payloads: [await encode(input)] } } },
        {
          workflowExecutionFailedEventAttributes: { failure: { message: 'Encoded failure', encodedAttributes: await encode({ message: 'refused 1 Cypress Creek Rd', stack_trace: '' }) } },
        },
      ],
    });
    const before = historyToJSON(history);
    assert.ok(!before.includes(Buffer.from(JSON.stringify(input)).toString('base64')));

    const saved = historyToJSON(await decodeHistory(history, codecs));
    const loaded = historyFromJSON(JSON.parse(saved));
    const started = loaded.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    assert.deepEqual(defaultPayloadConverter.fromPayload(started), input);
    const failure = loaded.events![1].workflowExecutionFailedEventAttributes!.failure!.encodedAttributes!;
    assert.deepEqual(defaultPayloadConverter.fromPayload(failure), { message: 'refused 1 Cypress Creek Rd', stack_trace: '' });
  });
});
