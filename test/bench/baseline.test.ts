import assert from 'node:assert/strict';
import { baselineContender, ordoContender, type Contender } from '../../bench/contenders';
import { countHistories } from '../../bench/histories';
import type { BenchWorkers } from '../../bench/workers';
import { getHarness, simulatorGet, simulatorSend, type Harness } from '../e2e/harness';
import { startHarnessBenchWorkers } from './harness-workers';

/** The systems a laptop order calls (the availability read is a GET, which the call logs do not keep). */
const SYSTEMS = ['inventory', 'shipping', 'provisioning', 'warranty', 'billing'];

interface LoggedCall {
  system: string;
  operation: string;
  idempotencyKey: string | null;
  body: unknown;
}

/** Every call the systems logged for one order, with the order id made neutral so the two sides compare. */
async function callsOf(h: Harness, orderId: string): Promise<LoggedCall[]> {
  const calls: LoggedCall[] = [];
  for (const system of SYSTEMS) {
    const { calls: logged } = await simulatorGet<{ calls: Array<Omit<LoggedCall, 'system'>> }>(h, `/${system}/calls?orderId=${encodeURIComponent(orderId)}`);
    for (const call of logged) calls.push(JSON.parse(JSON.stringify({ system, operation: call.operation, idempotencyKey: call.idempotencyKey, body: call.body }).replaceAll(orderId, 'ORDER')));
  }
  return calls.sort((a, b) => `${a.system}/${a.idempotencyKey}`.localeCompare(`${b.system}/${b.idempotencyKey}`));
}

/**
 * The like-for-like baseline does the work Ordo does: one laptop order on each side, against the shared test
 * server and the real simulators, must leave the same calls in the systems' logs (system, operation, key, body).
 */
describe('bench: the like-for-like baseline makes the same calls as Ordo', function () {
  this.timeout(180_000);
  let workers: BenchWorkers | undefined;
  let baseline: Contender;
  const orderIds = { ordo: '', baseline: '' };
  const runs: Record<Contender['name'], { id: string; childIds: string[] }> = {} as never;

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    const h = await getHarness();
    const tag = `l${Date.now().toString(36)}`;
    workers = await startHarnessBenchWorkers(tag);
    baseline = baselineContender({ temporal: h.env.client, taskQueue: workers.baselineTaskQueue, shape: 'laptop' });
    const contenders = [ordoContender({ temporal: h.env.client, taskQueue: workers.ordoTaskQueue, catalog: h.catalog, shape: 'laptop' }), baseline];
    await Promise.all(contenders.map(async (contender) => {
      const orderId = (orderIds[contender.name] = `LIKE-${tag}-${contender.name}`);
      const id = await contender.start(orderId);
      const outcome = await contender.finish(id);
      assert.ok(outcome.ok, `${contender.name}'s order completes`);
      runs[contender.name] = { id, childIds: outcome.childIds };
    }));
  });
  after(async () => workers?.stop());

  it('the systems received the same calls from both sides: the same operations, keys and bodies', async () => {
    const h = await getHarness();
    const ordo = await callsOf(h, orderIds.ordo);
    const baseline = await callsOf(h, orderIds.baseline);
    assert.deepEqual(
      ordo.map((c) => `${c.system}/${c.operation}`),
      ['billing/invoices', 'inventory/reserve', 'provisioning/activate', 'shipping/ship', 'warranty/register'],
      'Ordo calls each system once for the laptop order',
    );
    assert.deepEqual(baseline.map((c) => `${c.system}/${c.operation}`), ordo.map((c) => `${c.system}/${c.operation}`), 'same systems, operations and counts');
    assert.deepEqual(baseline.map((c) => c.idempotencyKey), ordo.map((c) => c.idempotencyKey), 'same idempotency keys');
    assert.deepEqual(baseline, ordo, 'same bodies');
  });

  it('runs as many activities as Ordo, decomposition and billing as local activities, milestones with none', async () => {
    const h = await getHarness();
    const baseline = await countHistories(h.env.client, [runs.baseline]);
    const ordo = await countHistories(h.env.client, [runs.ordo]);
    assert.equal(baseline.activitiesPerOrder, 6, '4 callouts and 2 auto tasks');
    assert.equal(baseline.activitiesPerOrder, ordo.activitiesPerOrder);
    assert.equal(baseline.localActivitiesPerOrder, 2, 'planning (the availability call) and the invoice');
    // The point of no return: the split asks, the order answers (a signal each way), as in Ordo.
    assert.equal(baseline.byType.signalExternalWorkflowExecutionInitiated, 2);
    assert.equal(runs.baseline.childIds.length, runs.ordo.childIds.length, 'one child workflow per split');
  });

  describe('the baseline keeps the point of no return: the order alone decides against a cancellation', () => {
    afterEach(async () => {
      const h = await getHarness();
      await simulatorSend(h, 'DELETE', '/_faults');
    });

    it('a cancellation before the split asks is accepted: nothing ships, nothing is billed', async () => {
      const h = await getHarness();
      await simulatorSend(h, 'PUT', '/_faults/inventory', { operation: 'reserve', latencyMs: 3000 });
      const orderId = `PONR-${Date.now().toString(36)}-before`;
      const id = await baseline.start(orderId);
      assert.equal(await h.env.client.workflow.getHandle(id).executeUpdate('baselineCancel', { args: ['changed mind'] }), 'cancelled');
      assert.equal((await baseline.finish(id)).ok, false, 'the order ends cancelled');
      const calls = await callsOf(h, orderId);
      assert.deepEqual(calls.map((c) => `${c.system}/${c.operation}`), ['inventory/reserve', 'provisioning/activate', 'warranty/register'], 'no ship, no invoice');
    });

    it('a cancellation after the order let the split pass is refused, and the order completes', async () => {
      const h = await getHarness();
      await simulatorSend(h, 'PUT', '/_faults/shipping', { operation: 'ship', latencyMs: 3000 });
      const orderId = `PONR-${Date.now().toString(36)}-after`;
      const id = await baseline.start(orderId);
      const handle = h.env.client.workflow.getHandle(id);
      // The split's request is in the order's history: the order answers it before it sees a later update.
      for (let asked = false; !asked; await new Promise((resolve) => setTimeout(resolve, 100))) {
        asked = ((await handle.fetchHistory()).events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'baselinePonrRequest');
      }
      await assert.rejects(handle.executeUpdate('baselineCancel', { args: ['too late'] }), (error: Error) => /past the point of no return/.test(String((error.cause as Error | undefined)?.message)));
      assert.equal((await baseline.finish(id)).ok, true);
    });
  });
});
