import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectionEntries, splitEntries } from '../../client/audit';
import type { AuditExport } from '../../domain/audit-chain';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';
import { exampleOrder } from '../e2e/examples';
import { getHarness, type Harness } from '../e2e/harness';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME } from './run-ordo';

/**
 * `ordo audit ORDER [--json]` and `ordo audit verify FILE` as users run them (bin/ordo, a child process) on the
 * shared stack: the export's shape, verify passing on it and failing (exit 1, naming the entry) once one field is
 * edited; usage and not-found errors without a stack trace.
 */
describe('ordo audit (bin/ordo on the shared stack)', function () {
  this.timeout(120_000);

  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let orderId: string;
  const run = (args: string[]) => ordo(args, { env });

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    env = cleanEnv({
      TEMPORAL_ADDRESS: h.env.address,
      TEMPORAL_NAMESPACE: 'default',
      ORDO_TASK_QUEUE: h.config.temporal.taskQueue,
      ORDO_SYSTEM_BILLING_URL: h.config.systems.billing!.url,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-audit-'));
    const order = exampleOrder('laptop-bundle.json', 'audit');
    orderId = order.id;
    await h.client.startOrder(order);
    assert.equal((await h.client.waitForCompletion(order.id)).state, 'completed');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json prints { orderId, generatedAt, entries, chain }, each entry with who, what, when, the outcome and its source', async () => {
    const result = await run(['audit', orderId, '--json']);
    assert.equal(result.code, 0, describeRun(result));
    const trail = jsonOf<AuditExport>(result);
    assert.deepEqual(Object.keys(trail).sort(), ['chain', 'entries', 'generatedAt', 'orderId']);
    assert.equal(trail.orderId, orderId);
    assert.ok(!Number.isNaN(Date.parse(trail.generatedAt)));
    assert.deepEqual(Object.keys(trail.chain).sort(), ['algorithm', 'genesis', 'head', 'length']);
    assert.equal(trail.chain.length, trail.entries.length);
    for (const entry of trail.entries) {
      for (const field of ['at', 'actor', 'action', 'target', 'outcome', 'source', 'hash'] as const) assert.ok(entry[field], `${field} of ${JSON.stringify(entry)}`);
    }
    const actions = trail.entries.map((e) => e.action);
    assert.equal(actions[0], 'submit');
    for (const expected of ['billing milestone', 'order completed', 'issue invoice']) assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
    const invoice = trail.entries.find((e) => e.action === 'issue invoice')!;
    assert.equal(invoice.source, 'billing');
    assert.match(invoice.target, new RegExp(`^invoice INV-${orderId}-1$`));
  });

  it('verify passes on the export, and fails (exit 1) naming the first entry that does not match once one field is edited', async () => {
    const exported = await run(['audit', orderId, '--json']);
    const file = path.join(dir, 'trail.json');
    fs.writeFileSync(file, exported.stdout);

    const ok = await run(['audit', 'verify', file]);
    assert.equal(ok.code, 0, describeRun(ok));
    assert.match(ok.stdout, /the chain holds: \d+ entries, head [0-9a-f]{64}/);

    const trail = JSON.parse(exported.stdout) as AuditExport;
    const index = trail.entries.findIndex((e) => e.action === 'issue invoice');
    trail.entries[index].detail = trail.entries[index].detail!.replace(/^\d+/, '1');
    const edited = path.join(dir, 'edited.json');
    fs.writeFileSync(edited, JSON.stringify(trail, null, 2));
    const human = await run(['audit', 'verify', edited]);
    assert.equal(human.code, 1, describeRun(human));
    assert.match(human.stderr, new RegExp(`entry ${index} \\(.* issue invoice invoice INV-${orderId}-1\\) does not match its hash`));
    assert.doesNotMatch(human.stderr, STACK_FRAME);
    const machine = await run(['audit', 'verify', edited, '--json']);
    assert.equal(machine.code, 1);
    const answer = jsonOf<{ ok: boolean; file: string; entry: number; problem: string }>(machine);
    assert.deepEqual([answer.ok, answer.file, answer.entry], [false, edited, index]);
  });

  it('prints a readable table', async () => {
    const result = await run(['audit', orderId]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, new RegExp(`^Audit trail of order ${orderId} \\(\\d+ entries`));
    assert.match(result.stdout, /AT\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\s+DETAIL\s+SOURCE/);
    assert.match(result.stdout, /Chain head [0-9a-f]{64}/);
  });

  it('refuses a missing order, a file that is not an export, and wrong usage, without a stack trace', async () => {
    const missing = await run(['audit', 'NO-SUCH-ORDER']);
    assert.equal(missing.code, 1, describeRun(missing));
    assert.match(missing.stderr, /no order NO-SUCH-ORDER is known to Temporal/);
    const notJson = path.join(dir, 'not.json');
    fs.writeFileSync(notJson, '{"entries": 3}');
    const bad = await run(['audit', 'verify', notJson]);
    assert.equal(bad.code, 1, describeRun(bad));
    assert.match(bad.stderr, /orderId/);
    const unreadable = await run(['audit', 'verify', path.join(dir, 'nope.json')]);
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, /audit export .*nope\.json cannot be read/);
    for (const args of [['audit'], ['audit', 'verify'], ['audit', 'A', 'B']]) {
      const usage = await run(args);
      assert.equal(usage.code, 2, describeRun(usage));
      assert.doesNotMatch(usage.stderr, STACK_FRAME);
    }
  });
});

describe('audit entries from recorded views (client/audit.ts, no server)', () => {
  it('an invoice payment: dunning attempts, collections, operators\' actions and refused signals', () => {
    const entries = collectionEntries({
      invoiceId: 'INV-1',
      accountId: 'A',
      state: 'Paid',
      amount: '10.00',
      currency: 'USD',
      attempts: [
        { attempt: 1, at: '2026-01-01T00:00:00.000Z', outcome: 'Failed', declineCode: 'insufficient_funds' },
        { attempt: 2, at: '2026-01-03T00:00:00.000Z', outcome: 'Settled', paymentId: 'PAY-2' },
      ],
      collections: { since: '2026-01-02T00:00:00.000Z', reason: 'insufficient_funds', queue: 'collections' },
      operatorActions: [{ at: '2026-01-02T12:00:00.000Z', actor: 'carol', action: 'retry' }],
      rejectedMessages: [{ at: '2026-01-02T11:00:00.000Z', message: 'resolveCollections', actor: 'mallory', reason: 'reference: give the payment reference' }],
    });
    assert.deepEqual(
      entries.map((e) => [e.at.slice(0, 13), e.actor, e.action, e.outcome]),
      [
        ['2026-01-01T00', 'ordo', 'collect (attempt 1)', 'failed'],
        ['2026-01-03T00', 'ordo', 'collect (attempt 2)', 'succeeded'],
        ['2026-01-02T00', 'ordo', 'collections', 'pending'],
        ['2026-01-02T12', 'carol', 'collections retry', 'accepted'],
        ['2026-01-02T11', 'mallory', 'resolveCollections', 'refused'],
      ],
    );
    assert.ok(entries.every((e) => e.source === 'workflow payment-INV-1' && e.target === 'invoice INV-1'));
  });

  it('a signed operator action keeps its credential and shows verified; an unsigned one neither', () => {
    const credential = { operator: 'ann', issuedAt: '2026-01-01T00:00:00.000Z', signature: 'c2ln' };
    const step = (operatorActions: unknown[]) => ({ id: 's', type: 'manualTask', state: 'Completed', jeopardy: 'none', attempts: 1, operatorActions }) as unknown as StepStatus;
    const plan = (s: StepStatus) => ({ orderId: 'O', fulfillmentOrderId: 'FO-1', state: 'completed', counts: {}, steps: [s] }) as unknown as FulfillmentOrderPlan;
    const [signed] = splitEntries(plan(step([{ at: 't', actor: 'ann', action: 'complete', credential }])), 'order-O/FO-1');
    assert.deepEqual([signed.verified, signed.credential], [true, credential]);
    const [plain] = splitEntries(plan(step([{ at: 't', actor: 'ann', action: 'complete' }])), 'order-O/FO-1');
    assert.equal('verified' in plain || 'credential' in plain, false);
  });
});
