import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Invoice } from '../../domain/invoice';
import { parseMoney } from '../../domain/money';
import type { Order } from '../../domain/order';
import type { OrderPlanView, OrderSummary } from '../../workflows/types';
import { exampleOrder } from '../e2e/examples';
import { getHarness, type Harness } from '../e2e/harness';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME } from './run-ordo';

/**
 * The real `bin/ordo` against the shared end-to-end stack (one Temporal dev server, the simulators and a
 * worker on task queue `ordo-test`), pointed there the way a user would: with environment variables.
 */

type ErrorJson = { error: { code: string; message: string; problems: unknown[] } };
const DECIMAL = /^-?\d+\.\d{2}$/;

describe('ordo command line against a Temporal server', function () {
  this.timeout(120_000);
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let tmp: string;
  const orderFile = (order: Order) => {
    const file = path.join(tmp, `${order.id}.json`);
    fs.writeFileSync(file, JSON.stringify(order, null, 2));
    return file;
  };
  const run = (args: string[]) => ordo(args, { env, timeoutMs: 90_000 });

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    env = cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', ORDO_TASK_QUEUE: h.config.temporal.taskQueue });
    assert.equal(h.config.temporal.taskQueue, 'ordo-test');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cli-server-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  describe('an order submitted with --wait', () => {
    let order: Order;
    let summary: OrderSummary;

    before(async function () {
      order = exampleOrder('laptop-bundle.json', 'cli');
      const submitted = await run(['submit', orderFile(order), '--wait', '--json']);
      assert.equal(submitted.code, 0, describeRun(submitted));
      summary = jsonOf<OrderSummary>(submitted);
    });

    it('prints the summary JSON of DESIGN.md, completed', () => {
      assert.equal(summary.orderId, order.id);
      assert.equal(summary.state, 'completed');
      assert.deepEqual(
        summary.fulfillmentOrders.map((fo) => [fo.id, fo.state]).sort(),
        [
          ['FO-WH-EAST-DG-HQ', 'completed'],
          ['FO-provisioning', 'completed'],
          ['FO-warranty', 'completed'],
        ],
      );
      for (const fo of summary.fulfillmentOrders) {
        assert.deepEqual(Object.keys(fo.steps).sort(), ['completed', 'fatallyFailed', 'inJeopardy', 'inProgress', 'total']);
        assert.ok(fo.steps.total > 0);
        assert.deepEqual(fo.steps, { total: fo.steps.total, completed: fo.steps.total, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 });
      }
      assert.equal(summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.total, 0), 8);
      assert.ok(Array.isArray(summary.actions));
      assert.ok(Array.isArray(summary.changeOrders));
    });

    it('bills one invoice whose money is decimal strings and whose total is exactly the sum of its lines', () => {
      assert.equal(summary.invoices.length, 1);
      const [invoice] = summary.invoices as Invoice[];
      assert.equal(typeof invoice.id, 'string');
      assert.equal(invoice.kind, 'invoice');
      assert.equal(invoice.currency, order.currency);
      assert.match(invoice.total, DECIMAL);
      assert.deepEqual(
        invoice.lines.map((l) => [l.orderItemId, l.quantity]),
        order.items.map((item) => [item.id, item.quantity]),
      );
      for (const line of invoice.lines) {
        assert.match(line.amount, DECIMAL, `${line.orderItemId} amount`);
        assert.match(line.tax, DECIMAL, `${line.orderItemId} tax`);
      }
      const sum = invoice.lines.reduce((n, l) => n + parseMoney(l.amount, invoice.currency) + parseMoney(l.tax, invoice.currency), 0);
      assert.equal(sum, parseMoney(invoice.total, invoice.currency));
      // The bundle's price is what is billed: 2 × 1899.00 before tax.
      assert.equal(invoice.lines[0].amount, '3798.00');
    });

    it('shows the same summary with status --json, and a readable one without', async () => {
      const [json, human] = await Promise.all([run(['status', order.id, '--json']), run(['status', order.id])]);
      assert.equal(json.code, 0, describeRun(json));
      const status = jsonOf<OrderSummary>(json);
      assert.equal(status.orderId, order.id);
      assert.equal(status.state, 'completed');
      assert.deepEqual(status.fulfillmentOrders, summary.fulfillmentOrders);
      assert.deepEqual(status.invoices, summary.invoices);

      assert.equal(human.code, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`^Order ${order.id}  completed`));
      for (const fo of summary.fulfillmentOrders) assert.match(human.stdout, new RegExp(`${fo.id}\\s+completed\\s+${fo.steps.total}/${fo.steps.total} steps done`));
      assert.match(human.stdout, new RegExp(`Invoice ${summary.invoices[0].id}  total ${summary.invoices[0].total} USD`));
    });

    it('shows every step Completed, with its timestamps, with plan --json', async () => {
      const json = await run(['plan', order.id, '--json']);
      assert.equal(json.code, 0, describeRun(json));
      const view = jsonOf<OrderPlanView>(json);
      assert.equal(view.orderId, order.id);
      assert.equal(view.state, 'completed');
      assert.deepEqual(view.fulfillmentOrders.map((fo) => fo.fulfillmentOrderId).sort(), ['FO-WH-EAST-DG-HQ', 'FO-provisioning', 'FO-warranty']);
      const steps = view.fulfillmentOrders.flatMap((fo) => fo.steps);
      assert.equal(steps.length, 8);
      for (const step of steps) {
        assert.equal(step.state, 'Completed', step.id);
        for (const key of ['readyAt', 'startedAt', 'completedAt'] as const) {
          assert.ok(step[key] && !Number.isNaN(Date.parse(step[key]!)), `${step.id} has ${key}: ${JSON.stringify(step)}`);
        }
        assert.ok(Date.parse(step.completedAt!) >= Date.parse(step.startedAt!), `${step.id} completes after it starts`);
        assert.ok(Array.isArray(step.dependsOn) && typeof step.group === 'string' && typeof step.workspace === 'string');
      }
      // A step starts only once what it depends on has completed.
      for (const fo of view.fulfillmentOrders) {
        const byId = new Map(fo.steps.map((s) => [s.id, s]));
        for (const step of fo.steps) {
          for (const dep of step.dependsOn) assert.ok(Date.parse(step.startedAt!) >= Date.parse(byId.get(dep)!.completedAt!), `${step.id} after ${dep}`);
        }
      }

      const human = await run(['plan', order.id]);
      assert.equal(human.code, 0, describeRun(human));
      assert.match(human.stdout, /device-delivery \/ Procurement/);
      assert.match(human.stdout, /✔ device-delivery\.ship\[OI-1\]\s+Completed/);
    });

    it('refuses a second submission of the same id: exit 1, code already-exists', async () => {
      const again = await run(['submit', orderFile(order), '--json']);
      assert.equal(again.code, 1, describeRun(again));
      const { error } = jsonOf<ErrorJson>(again);
      assert.equal(error.code, 'already-exists');
      assert.match(error.message, new RegExp(`order ${order.id} was already submitted`));
      assert.match(error.message, new RegExp(`ordo status ${order.id}`));

      const human = await run(['submit', orderFile(order)]);
      assert.equal(human.code, 1, describeRun(human));
      assert.match(human.stderr, /^ordo: order .* was already submitted; use a new order id/);
      assert.doesNotMatch(human.stderr, STACK_FRAME);
    });
  });

  it('status of an unknown order exits 1 and says how to proceed', async () => {
    const id = `ORD-UNKNOWN-${process.pid}`;
    const [human, json] = await Promise.all([run(['status', id]), run(['plan', id, '--json'])]);
    assert.equal(human.code, 1, describeRun(human));
    assert.equal(human.stderr.trim(), `ordo: no order ${id} is known to Temporal; check the id, or submit it with \`ordo submit\``);
    assert.doesNotMatch(human.stderr, STACK_FRAME);
    assert.equal(json.code, 1, describeRun(json));
    assert.equal(jsonOf<ErrorJson>(json).error.code, 'not-found');
  });

  it('submit without --wait prints the workflow id and returns at once', async () => {
    const order = exampleOrder('saas-suite.json', 'cli-nowait');
    const [human, json] = await Promise.all([
      run(['submit', orderFile(order)]),
      run(['submit', orderFile({ ...order, id: `${order.id}-json` }), '--json']),
    ]);
    assert.equal(human.code, 0, describeRun(human));
    assert.equal(
      human.stdout.trim(),
      `Order ${order.id} submitted (workflow order-${order.id}). Follow it with: ordo status ${order.id}`,
    );
    assert.equal(json.code, 0, describeRun(json));
    const started = jsonOf<{ orderId: string; workflowId: string; runId: string; state: string }>(json);
    assert.equal(started.orderId, `${order.id}-json`);
    assert.equal(started.workflowId, `order-${order.id}-json`);
    assert.equal(typeof started.runId, 'string');
    assert.equal(started.state, 'acknowledged');
    // They really were started on the worker's task queue: both finish.
    for (const id of [order.id, started.orderId]) assert.equal((await h.client.waitForCompletion(id, { timeoutMs: 60_000 })).state, 'completed');
  });
});
