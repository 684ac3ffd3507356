import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OrdoClient } from '../../client/ordo-client';
import { OrdoOperator } from '../../client/operator';
import { readCredentialFile } from '../../client/operator-credentials';
import { OrdoError } from '../../client/errors';
import { privateKeyFile } from '../../config/operator-keys';
import type { Order } from '../../domain/order';
import { signedText } from '../../domain/operator-signature';
import { cancelOrder } from '../../client/changes';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import {
  amendUpdate,
  cancelUpdate,
  completeManualTaskUpdate,
  fulfillmentOrderPlanQuery,
  manualTaskCompletedSignal,
  resumeSignal,
  type ManualTaskCompletion,
} from '../../workflows/messages';
import type { StepStatus } from '../../workflows/types';
import { cleanEnv, ordo } from '../cli/run-ordo';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * Operators are who they say (docs/security.md): on a lane in `signed` mode, the split believes an operator message
 * only with a good signature by the actor's own key (recorded with the plan), and authorizes resume and attribute
 * updates like completions. The shared worker runs `trusted`; this lane's worker records the keys.
 */

const CATALOG = path.resolve(__dirname, '../fixtures/operator-identity.yaml');
const TASK_QUEUE = 'ordo-operator-identity';
const FO = 'FO-provisioning';
let serial = 0;

const orderOf = (): Order => ({
  id: `ID-${process.pid}-${++serial}`,
  accountId: 'TEST',
  channel: 'cpq',
  currency: 'USD',
  items: [{ id: 'OI-1', product: 'NEEDS-DESK', quantity: 1, unitPrice: '10.00', attributes: { ready: false } }],
});

/** An update refused by its validator: the reason is its cause. */
async function refusedWith(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { cause?: Error }) => {
    assert.match(error.cause?.message ?? error.message, reason);
    return true;
  });
}

describe('operators are who they say: signed messages on a signed lane', function () {
  this.timeout(90_000);
  let h: Harness;
  let lane: OrdoClient;
  const signerOf = (name: string) => readCredentialFile(privateKeyFile(h.config.operatorKeysDir, name));

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: TASK_QUEUE, catalogFiles: [CATALOG], config: { operators: { ...h.config.operators, authentication: 'signed' } } });
  });

  const workflowId = (orderId: string) => fulfillmentOrderWorkflowId(orderId, FO);
  const handle = (orderId: string) => h.env.client.workflow.getHandle(workflowId(orderId));
  const step = async (orderId: string, id: string): Promise<StepStatus | undefined> => {
    try {
      return (await handle(orderId).query(fulfillmentOrderPlanQuery)).steps.find((s) => s.id === id);
    } catch {
      return undefined; // not started yet
    }
  };
  const stepIn = (orderId: string, id: string, state: StepStatus['state']) => eventually(`${id} ${state}`, async () => {
    const s = await step(orderId, id);
    return s?.state === state ? s : undefined;
  });

  /** A credential made by hand: signed by `by`'s key, issued at `issuedAt`, over what `signedFor` says. */
  function forged(by: string, request: ManualTaskCompletion, options: { issuedAt?: string; message?: string; workflowId: string }): ManualTaskCompletion {
    const issuedAt = options.issuedAt ?? new Date().toISOString();
    const pem = fs.readFileSync(privateKeyFile(h.config.operatorKeysDir, by), 'utf8');
    const text = signedText(options.message ?? 'completeManualTask', options.workflowId, request, issuedAt);
    const signature = crypto.sign(null, Buffer.from(text), crypto.createPrivateKey(pem)).toString('hex');
    return { ...request, credential: { operator: by, issuedAt, signature } };
  }

  it('accepts a signed completion and refuses the unsigned, the impersonating, the old and the misdirected', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await stepIn(order.id, 'desk.approve', 'InProgress');
    const id = workflowId(order.id);
    const request = { stepId: 'desk.approve', actor: 'carol' };

    // A signal typed in the Web UI carries no signature: refused, and kept in the plan with why.
    await handle(order.id).signal(manualTaskCompletedSignal, request);
    const refused = await eventually('the refused signal', async () => (await step(order.id, 'desk.approve'))?.rejectedMessages?.[0]);
    assert.equal(refused.actor, 'carol');
    assert.match(refused.reason, /unsigned manualTaskCompleted message.*`ordo`/);

    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [request] }), /unsigned completeManualTask message/);
    // bob signs, but the message says carol.
    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [forged('bob', request, { workflowId: id })] }), /names actor "carol" but is signed by bob/);
    // bob signs and says bob: he is not in fulfillment-desk.
    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [forged('bob', { ...request, actor: 'bob' }, { workflowId: id })] }), /bob may not act on this step/);
    // carol's own signature, captured 20 minutes ago (signatureMaxAge is 15 minutes).
    const old = new Date(Date.now() - 20 * 60_000).toISOString();
    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [forged('carol', request, { workflowId: id, issuedAt: old })] }), /longer ago than operators.signatureMaxAge/);
    // carol's signature for another workflow, or another message, does not count here.
    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [forged('carol', request, { workflowId: `${id}-other` })] }), /signature does not match carol's key/);
    await refusedWith(handle(order.id).executeUpdate(completeManualTaskUpdate, { args: [forged('carol', request, { workflowId: id, message: 'manualTaskCompleted' })] }), /signature does not match/);
    // Acting as carol with alice's credential is refused by the client before anything is sent.
    await assert.rejects(new OrdoOperator(lane, {}, signerOf('alice')).completeTask(order.id, 'approve', 'carol'), (error: unknown) => error instanceof OrdoError && /you act as alice/.test(error.message));

    // The real thing: `ordo complete --actor carol` signs with carol's key.
    const env = cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: h.config.temporal.namespace, ORDO_TASK_QUEUE: TASK_QUEUE });
    const noKey = await ordo(['complete', order.id, 'approve', '--actor', 'mallory'], { env });
    assert.equal(noKey.code, 1, noKey.stderr);
    assert.match(noKey.stderr, /mallory\.key does not exist: you can act only as an operator whose private key you can read/);
    const byCarol = await ordo(['complete', order.id, 'approve', '--actor', 'carol', '--json'], { env });
    assert.equal(byCarol.code, 0, byCarol.stderr);
    const approved = await stepIn(order.id, 'desk.approve', 'Completed');
    assert.deepEqual(approved.completedBy, { actor: 'carol', via: 'completeManualTask' });
    // The audit trail keeps the credential the split verified.
    const [action] = approved.operatorActions!;
    assert.equal(action.credential?.operator, 'carol');
    assert.equal(action.verified, true);
  });

  it('authorizes resume and attribute updates: only fulfillment-desk may', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    const carol = new OrdoOperator(lane, h.config.queues, signerOf('carol'));
    const bob = new OrdoOperator(lane, h.config.queues, signerOf('bob'));
    await carol.completeTask(order.id, 'approve', 'carol');
    await stepIn(order.id, 'desk.go', 'InProgress');

    await assert.rejects(bob.resume(order.id, 'go', 'bob'), (error: unknown) => error instanceof OrdoError && error.code === 'refused' && /bob may not act on this step: not a member of fulfillment-desk \(alice, carol\) \(pause step desk.go\)/.test(error.message));
    // An unsigned resume signal (the Web UI) is refused and shown in the plan.
    await handle(order.id).signal(resumeSignal, { name: 'go', actor: 'carol' });
    const rejected = await eventually('the refused resume', async () => (await handle(order.id).query(fulfillmentOrderPlanQuery)).rejectedMessages?.find((m) => m.message === 'resume'));
    assert.match(rejected.reason, /unsigned resume message/);
    assert.deepEqual((await carol.resume(order.id, 'go', 'carol')).waitingSteps, [`${FO}/desk.go`]);
    const resumedBy = (await stepIn(order.id, 'desk.go', 'Completed')).completedBy!;
    assert.equal(resumedBy.actor, 'carol');
    assert.equal(resumedBy.credential?.operator, 'carol');
    assert.equal(resumedBy.verified, true);

    const lineItemId = (await lane.getPlan(order.id)).plan!.fulfillmentOrders[0].lineItems[0].id;
    await stepIn(order.id, `desk.ready[${lineItemId}]`, 'InProgress');
    await assert.rejects(bob.updateAttributes(order.id, { lineItemId, attributes: { ready: true }, actor: 'bob' }), (error: unknown) => error instanceof OrdoError && /bob may not update this fulfillment order's attributes/.test(error.message));
    await carol.updateAttributes(order.id, { lineItemId, attributes: { ready: true }, actor: 'carol' });
    const summary = await lane.waitForCompletion(order.id, { timeoutMs: 20_000 });
    assert.equal(summary.state, 'completed');
  });

  it('takes a cancel or an amendment of a planned order only signed by its actor', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await stepIn(order.id, 'desk.approve', 'InProgress');
    const orderHandle = h.env.client.workflow.getHandle(orderWorkflowId(order.id));
    await refusedWith(orderHandle.executeUpdate(cancelUpdate, { args: [{ reason: 'typed in the Web UI', actor: 'cpq' }] }), /unsigned cancel message/);
    await refusedWith(orderHandle.executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] }), /unsigned amend message/);
    await assert.rejects(cancelOrder(lane, order.id, { reason: 'not hers', actor: 'alice' }, signerOf('carol')), /you act as carol/);
    const answer = await cancelOrder(lane, order.id, { reason: 'customer left' }, signerOf('carol'));
    assert.ok('accepted' in answer && answer.accepted);
    const summary = await lane.waitForCompletion(order.id, { timeoutMs: 20_000 });
    assert.equal(summary.state, 'cancelled');
    assert.equal(summary.cancellation?.actor, 'carol');
  });
});
