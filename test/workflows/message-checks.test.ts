import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { payloadConverter } from '../../workflows/payload-converter';
import { checkedSignal, checkedValidator, messageProblem, type CheckedMessage } from '../../workflows/message-checks';

/**
 * The shape checks at every signal and update handler (workflows/message-checks.ts): what they accept is what
 * recorded histories carry (test/replay keeps that honest); what they refuse is named field by field.
 */

/** A payload of each message's shape, with fields no handler reads: they pass (the shapes are loose). */
const GOOD: Record<CheckedMessage, unknown> = {
  manualTaskCompleted: { stepId: 'approve', actor: 'carol', result: { approved: true } },
  completeManualTask: { stepId: 'approve' },
  resolveFallout: { stepId: 'ship', actor: 'carol', action: 'retry', note: 'carrier back up' },
  resume: { name: 'delivered' },
  updateAttributes: { lineItemId: 'LI-1', attributes: { siteReady: true, floor: 3, room: 'B2' } },
  cancelFulfillment: {},
  ponrDecision: { stepId: 'ship', granted: false, reason: 'already shipped' },
  amendPlan: {
    fulfillmentOrder: { id: 'FO-1', lineItems: [{ id: 'LI-1', qty: 2 }], steps: [{ id: 's1', dependsOn: [], lineItemIds: ['LI-1'] }], definitions: { s1: { type: 'task' } } },
  },
  fulfillmentOrderProgress: { fulfillmentOrderId: 'FO-1', state: 'SomeNewState', counts: { total: 3, completed: 1, inProgress: 1, fatallyFailed: 0, inJeopardy: 1 } },
  cancel: { reason: 'customer asked' },
  amend: { actor: 'carol', actions: [{ type: 'removeItem', itemId: 'OI-1' }, 'anything: the order checks actions in full'] },
  ponrRequest: { fulfillmentOrderId: 'FO-1', stepId: 'ship', orderItemIds: ['OI-1'] },
  accountShareReady: { destination: 'ACCT-1', fulfillmentOrderId: 'FO-1', accountWorkflowId: 'account-ACCT-1' },
  joinAccountWork: { orderId: 'ORD-1', orderWorkflowId: 'order-ORD-1', fulfillmentOrder: { id: 'FO-1', steps: [] } },
  leaveAccountWork: { orderId: 'ORD-1' },
  nextAssignee: ['carol', 'dave'],
  approveOrder: { actor: 'carol', approved: true, reason: 'credit checked' },
};

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');

/** Every signal and update recorded histories carry, with its first argument as the handler reads it. */
const GARBAGE_SENDER = 'garbage-test';

function recordedMessages(): Array<{ file: string; name: string; payload: unknown }> {
  const messages: Array<{ file: string; name: string; payload: unknown }> = [];
  const firstArgument = (payloads: Payload[] | null | undefined) => (payloads?.length ? payloadConverter.fromPayload(payloads[0]) : undefined);
  for (const file of fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
    if (!Array.isArray(json.events)) continue; // the workflow-ids file
    for (const event of historyFromJSON(json).events ?? []) {
      const signal = event.workflowExecutionSignaledEventAttributes;
      // Garbage the e2e test sent to be refused (test/e2e/garbage-messages.test.ts): a signal leaves no trace of
      // its refusal in history, so its sender's identity tells it apart. Updates are in history only if accepted.
      if (signal && signal.identity !== GARBAGE_SENDER) messages.push({ file, name: signal.signalName!, payload: firstArgument(signal.input?.payloads) });
      const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      if (update) messages.push({ file, name: update.name!, payload: firstArgument(update.args?.payloads) });
    }
  }
  return messages;
}

const refusal = (message: CheckedMessage, payload: unknown) => messageProblem(message, payload)?.replace(`the payload is not a valid ${message} message: `, '');

describe('message checks (workflows/message-checks.ts)', () => {
  it('accepts a payload of each message shape, fields it does not read included', () => {
    for (const [message, payload] of Object.entries(GOOD)) assert.equal(messageProblem(message as CheckedMessage, payload), undefined, message);
  });

  it('accepts every message recorded histories carry: a refusal now would change what a replayed workflow does', () => {
    const messages = recordedMessages().filter(({ name }) => name in GOOD);
    assert.ok(messages.length >= 50, `only ${messages.length} recorded messages found in ${HISTORIES}`);
    assert.deepEqual(messages.map(({ file, name, payload }) => ({ file, name, problem: messageProblem(name as CheckedMessage, payload) })).filter(({ problem }) => problem), []);
  });

  it('names a missing field and what to put there', () => {
    assert.equal(messageProblem('completeManualTask', { actor: 'carol' }), 'the payload is not a valid completeManualTask message: stepId: is required (text)');
    assert.equal(refusal('resume', {}), 'name: is required (text: the signal name the pause step waits for)');
    assert.equal(refusal('updateAttributes', { lineItemId: 'LI-1' }), 'attributes: is required (an object of strings, numbers and booleans)');
    assert.equal(refusal('ponrDecision', { stepId: 'ship' }), 'granted: is required (true or false)');
  });

  it('names a field of the wrong kind, what it must be and what it is', () => {
    assert.equal(refusal('completeManualTask', { stepId: 7, actor: 'mallory' }), 'stepId: must be text (not a number)');
    assert.equal(refusal('updateAttributes', { attributes: 'x' }), 'attributes: must be an object of strings, numbers and booleans (not text)');
    assert.equal(refusal('updateAttributes', { attributes: { siteReady: null, rooms: ['B2'] } }), 'attributes.siteReady: must be a string, number or boolean (not null); attributes.rooms: must be a string, number or boolean (not a list)');
    assert.equal(refusal('ponrDecision', { stepId: 'ship', granted: 'yes' }), 'granted: must be true or false (not text)');
    assert.equal(refusal('amend', { actions: {} }), 'actions: must be a list (not an object)');
  });

  it('an optional field may be absent, not null', () => {
    assert.equal(messageProblem('cancel', {}), undefined);
    assert.equal(refusal('cancel', { reason: 42, actor: null }), 'reason: must be text (not a number); actor: must be text (not null)');
  });

  it('names a nested field by its path', () => {
    const plan = { fulfillmentOrder: { id: 'FO-1', lineItems: [{}], steps: [{ id: 's1', dependsOn: 'x', lineItemIds: [2] }], definitions: [] } };
    assert.equal(
      refusal('amendPlan', plan),
      'fulfillmentOrder.lineItems[0].id: is required (text); fulfillmentOrder.steps[0].dependsOn: must be a list of texts (not text); fulfillmentOrder.steps[0].lineItemIds[0]: must be text (not a number); fulfillmentOrder.definitions: must be an object (not a list)',
    );
    assert.equal(refusal('fulfillmentOrderProgress', { fulfillmentOrderId: 'FO-1', state: 'Done', counts: { total: 1, completed: Infinity, inProgress: 0, fatallyFailed: 0, inJeopardy: NaN } }), 'counts.completed: must be a number (not Infinity); counts.inJeopardy: must be a number (not NaN)');
    assert.equal(refusal('nextAssignee', ['carol', 3]), '[1]: must be text (not a number)');
  });

  it('refuses a payload that is no object, or none at all', () => {
    assert.equal(refusal('resolveFallout', null), '(payload): must be an object (not null)');
    assert.equal(refusal('resolveFallout', [1, 'x']), '(payload): must be an object (not a list)');
    assert.equal(refusal('resolveFallout', undefined), '(payload): is required (an object)');
    assert.equal(refusal('nextAssignee', { carol: true }), '(payload): must be a list of texts (not an object)');
  });

  it('keeps a refusal short: five problems, then how many more', () => {
    assert.equal(refusal('nextAssignee', [1, 2, 3, 4, 5, 6, 7]), '[0]: must be text (not a number); [1]: must be text (not a number); [2]: must be text (not a number); [3]: must be text (not a number); [4]: must be text (not a number); and 2 more');
  });

  it('refuses a payload the converter could not decode, saying how to send one', () => {
    const undecodable = { undecodablePayload: { encoding: 'text/plain', reason: 'Unknown encoding: text/plain' } };
    assert.match(messageProblem('resume', undecodable)!, /^its payload cannot be decoded \(encoding "text\/plain": Unknown encoding: text\/plain\); send JSON with encoding json\/plain$/);
  });

  it('a checked signal handles a good payload and passes a bad one to refuse, with the reason', () => {
    const handled: unknown[] = [];
    const refused: Array<[string, unknown]> = [];
    const handler = checkedSignal<unknown>('resume', (reason, payload) => refused.push([reason, payload]), (payload) => handled.push(payload));
    handler({ name: 'delivered' });
    handler({ name: 5 });
    assert.deepEqual(handled, [{ name: 'delivered' }]);
    assert.deepEqual(refused, [['the payload is not a valid resume message: name: must be text: the signal name the pause step waits for (not a number)', { name: 5 }]]);
  });

  it('a checked update validator throws a non-retryable InvalidInput for a bad payload, and runs the validation after for a good one', () => {
    const validated: unknown[] = [];
    const validator = checkedValidator<unknown>('cancel', (payload) => validated.push(payload));
    validator({ reason: 'customer asked' });
    assert.deepEqual(validated, [{ reason: 'customer asked' }]);
    assert.throws(
      () => validator({ reason: 42 }),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'InvalidInput' && error.nonRetryable && error.message === 'the payload is not a valid cancel message: reason: must be text (not a number)',
    );
    assert.equal(validated.length, 1);
  });
});
