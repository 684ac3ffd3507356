import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { paymentActivities } from '../../activities/billing/payments';
import type { OrdoClient } from '../../client/ordo-client';
import type { LoadedConfig } from '../../config/load';
import { invoicePaymentWorkflowId, PAYMENT_RUN_WORKFLOW_TYPE, type InvoicePaymentView, type SchedulerRunInput, type SchedulerRunResult } from '../../workflows/payment-messages';
import { newOrderSyncWorkflowId, orderWorkflowId } from '../../workflows/ids';
import { orderRecordQuery } from '../../workflows/messages';
import { decodeHistory } from '../replay/history-dump';
import { eventually } from './eventually';
import { getHarness, simulatorGet, simulatorSend, type Harness } from './harness';

/**
 * Payments on the real dev server and the real billing and gateway simulators (docs/billing.md "Payments"): the
 * payment run, authorization captured by an order's first invoice and the token charged for the next, dunning with
 * retries of a second and a half, collections resolved by an operator through `bin/ordo`, a write-off, a credit memo
 * refunded to the card, and every account's ledger balance = invoiced − credited − paid (+ refunded), by hand.
 *
 * Each test bills in its own month of 2030 and the run's target date is that month's last day, so a run never picks
 * an invoice of a later test; earlier tests' invoices are started already, and a run finds them so (skipped).
 */

const TASK_QUEUE = 'payments-test';
/** A lane whose billing.creditMemos is `credit`: credit memos pay the next invoice instead of being refunded. */
const CREDIT_TASK_QUEUE = 'payments-credit-test';
const RUN = Date.now().toString(36);
const BIN = path.resolve(__dirname, '../../bin/ordo');
/** A test card number: given to the gateway's tokenization only, and looked for in every history at the end. */
const CARD_NUMBER = '4242424242424242';

type Answer<T = any> = { status: number; body: T };

async function send<T = any>(h: Harness, method: 'POST' | 'PUT', route: string, body: unknown, key: string): Promise<Answer<T>> {
  const response = await fetch(`${h.simulatorsUrl}${route}`, { method, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

async function ok<T = any>(h: Harness, method: 'POST' | 'PUT', route: string, body: unknown, key: string): Promise<T> {
  const answer = await send<T>(h, method, route, body, key);
  assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** An invoice (or credit memo) as Ordo posts it: one line, no tax, billed on `invoiceDate`. */
function postDocument(h: Harness, doc: { id: string; accountId: string; total: string; invoiceDate: string; kind?: string; orderId?: string }) {
  const { id, accountId, total, invoiceDate, kind = 'invoice', orderId } = doc;
  const billed = orderId !== undefined ? { orderId } : { subscriptionId: `SUB-${accountId}` };
  return ok(h, 'POST', '/billing/invoices', { id, ...billed, accountId, kind, currency: 'USD', invoiceDate, total, lines: [{ amount: total }] }, `doc-${id}`);
}

const setCard = (h: Harness, accountId: string, token: string) =>
  ok(h, 'PUT', `/billing/accounts/${accountId}/payment-method`, { method: 'card', token }, `pm-${accountId}-${token}`);

async function paymentRun(h: Harness, targetDate: string, id = `payment-run-${RUN}-${targetDate}`, taskQueue = TASK_QUEUE): Promise<SchedulerRunResult> {
  const input: SchedulerRunInput = { targetDate };
  return h.env.client.workflow.execute(PAYMENT_RUN_WORKFLOW_TYPE, { workflowId: id, taskQueue, args: [input], workflowExecutionTimeout: '1 minute' });
}

const paymentResult = (h: Harness, invoiceId: string) => h.env.client.workflow.getHandle(invoicePaymentWorkflowId(invoiceId)).result() as Promise<InvoicePaymentView>;
const paymentView = (h: Harness, invoiceId: string) => h.env.client.workflow.getHandle(invoicePaymentWorkflowId(invoiceId)).query<InvoicePaymentView>('invoicePayment');

const invoice = (h: Harness, id: string) => simulatorGet<{ status: string; open?: string }>(h, `/billing/invoices/${id}`);
const paymentsOf = (h: Harness, invoiceId: string) => simulatorGet<{ payments: any[] }>(h, `/billing/payments?invoiceId=${invoiceId}`).then((answer) => answer.payments);
const ledger = (h: Harness, accountId: string) => simulatorGet<{ entries: { kind: string; documentId: string; amount: string; date?: string }[]; balance: string }>(h, `/billing/ledger?accountId=${accountId}`);

function ordo(h: Harness, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: h.env.address,
    TEMPORAL_NAMESPACE: h.config.temporal.namespace,
    ORDO_TASK_QUEUE: TASK_QUEUE,
    ORDO_SYSTEM_BILLING_URL: `${h.simulatorsUrl}/billing`,
  };
  delete env.ORDO_CONFIG;
  return new Promise((resolve) =>
    execFile(BIN, args, { env, timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })),
  );
}

describe('payments: the payment run, dunning, collections and refunds on the dev server', function () {
  this.timeout(90_000);
  let h: Harness;
  let laneConfig: LoadedConfig;
  let orders: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    laneConfig = {
      ...h.config,
      billing: { ...h.config.billing, dunning: { retryAfter: [1500, 1500], collectionsQueue: 'collections' }, creditMemos: 'refund' },
    };
    orders = await h.startLane({ taskQueue: TASK_QUEUE, catalogFiles: h.config.catalogFiles, config: { billing: laneConfig.billing } });
    await h.startLane({ taskQueue: CREDIT_TASK_QUEUE, catalogFiles: h.config.catalogFiles, config: { billing: { ...laneConfig.billing, creditMemos: 'credit' } } });
  });

  it('pays a card invoice in the payment run (hosted payment page token), only invoices billed by the target date', async () => {
    const account = `PAY-A-${RUN}`;
    // The hosted payment page: the card number goes to the gateway once, and only its token comes back.
    const { token, last4 } = await ok<{ token: string; last4: string }>(h, 'POST', '/payments/tokens', { cardNumber: CARD_NUMBER }, `tokenize-${RUN}`);
    await ok(h, 'PUT', `/billing/accounts/${account}/payment-method`, { method: 'card', token, last4 }, `pm-${account}`);
    const shown = await simulatorGet<any>(h, `/billing/accounts/${account}`);
    assert.deepEqual(shown.paymentMethod, { method: 'card', last4: '4242' }, 'the account shows the last four only');
    assert.equal(JSON.stringify(shown).includes(token), false);
    await postDocument(h, { id: `INV-A1-${RUN}`, accountId: account, total: '120.00', invoiceDate: '2030-01-10' });
    await postDocument(h, { id: `INV-A2-${RUN}`, accountId: account, total: '80.00', invoiceDate: '2031-01-10' });

    const run = await paymentRun(h, '2030-01-31');
    assert.ok(run.picked.includes(`INV-A1-${RUN}`), JSON.stringify(run));
    assert.ok(!run.picked.includes(`INV-A2-${RUN}`), 'billed after the target date: not yet');
    const paid = await paymentResult(h, `INV-A1-${RUN}`);
    assert.equal(paid.state, 'Paid');
    assert.deepEqual(paid.attempts.map((a) => a.outcome), ['Settled']);
    assert.equal((await invoice(h, `INV-A1-${RUN}`)).status, 'Paid');
    const [payment] = await paymentsOf(h, `INV-A1-${RUN}`);
    assert.equal(payment.amount, '120.00');
    assert.match(payment.processorId, /^CH-/, 'charged to the stored token');
    assert.match(payment.date, /^\d{4}-\d{2}-\d{2}$/, 'the payment carries its business date (workflow time)');
  });

  it('sets and shows a payment method with bin/ordo: a token or a purchase order, never a card number', async () => {
    const account = `PAY-CLI-${RUN}`;
    const set = await ordo(h, 'payment-method', 'set', '--account', account, '--token', `tok_cli${RUN}_7777`, '--json');
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout).paymentMethod, { method: 'card', last4: '7777' });
    const shown = await ordo(h, 'payment-method', 'show', '--account', account);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /card ending 7777; auto-pay on/);
    assert.equal(shown.stdout.includes(`tok_cli${RUN}`), false, 'the token is not shown');

    const number = await ordo(h, 'payment-method', 'set', '--account', account, '--token', CARD_NUMBER);
    assert.equal(number.code, 1);
    assert.match(number.stderr, /card number/);
    assert.doesNotMatch(number.stderr, /^\s+at /m, 'no stack trace for a user\'s mistake');
    assert.equal(number.stderr.includes(CARD_NUMBER), false, 'the number is not repeated');

    const po = await ordo(h, 'payment-method', 'set', '--account', account, '--po', 'PO-7788', '--json');
    assert.equal(po.code, 0, po.stderr);
    assert.deepEqual([JSON.parse(po.stdout).paymentMethod, JSON.parse(po.stdout).autoPay], [{ method: 'account', reference: 'PO-7788' }, false]);
    const both = await ordo(h, 'payment-method', 'set', '--account', account, '--po', 'PO-1', '--token', 'tok_x_1111');
    assert.equal(both.code, 2, 'exactly one of --token and --po');
    const nobody = await ordo(h, 'payment-method', 'show', '--account', `NOBODY-${RUN}`);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /has no payment method/);
  });

  it('a second payment run for the same target date starts each payment once', async () => {
    const account = `PAY-B-${RUN}`;
    await setCard(h, account, `tok_twice${RUN}_1111`);
    await postDocument(h, { id: `INV-B1-${RUN}`, accountId: account, total: '10.00', invoiceDate: '2030-02-05' });
    const [first, second] = await Promise.all([paymentRun(h, '2030-02-28', `payment-run-${RUN}-b1`), paymentRun(h, '2030-02-28', `payment-run-${RUN}-b2`)]);
    const startedBy = [first, second].filter((run) => run.picked.includes(`INV-B1-${RUN}`));
    assert.equal(startedBy.length, 1, `exactly one run starts it: ${JSON.stringify([first, second])}`);
    const other = first === startedBy[0] ? second : first;
    assert.ok(other.skipped.some((skip) => skip.id === `INV-B1-${RUN}`), JSON.stringify(other));
    assert.equal((await paymentResult(h, `INV-B1-${RUN}`)).state, 'Paid');
    assert.equal((await paymentsOf(h, `INV-B1-${RUN}`)).length, 1, 'charged once');
  });

  it('captures the checkout authorization for the order\'s first invoice and charges the token for the second', async () => {
    const account = `PAY-C-${RUN}`;
    const cart = {
      id: `CART-PAY-${RUN}`, accountId: account, buyer: 'pat@acme.example', currency: 'USD',
      items: [{ id: 'CI-1', product: 'SEATS', quantity: 5, unitPrice: '40.00', attributes: { edition: 'standard' } }],
      payment: { method: 'card', token: `tok_checkout${RUN}_5555` },
    };
    await ok(h, 'POST', '/storefront/carts', cart, `cart-${cart.id}`);
    const { order } = await ok<{ order: { id: string; total: string; paymentId: string } }>(h, 'POST', `/storefront/carts/${cart.id}/checkout`, {}, `checkout-${cart.id}`);
    const method = await simulatorGet<{ method: 'card'; token: string; authorizationId: string }>(h, `/storefront/payments/${order.paymentId}/method`);
    assert.match(method.authorizationId, /^AUTH-/, 'the checkout took an authorization at the gateway');
    const authorization = await simulatorGet<{ amount: string; status: string }>(h, `/payments/authorizations/${method.authorizationId}`);
    assert.deepEqual([authorization.amount, authorization.status], [order.total, 'Authorized'], 'for the order total');

    // What the order workflow does at its billing milestone: the activity, against the real billing simulator.
    const activities = paymentActivities({ config: laneConfig, catalog: h.catalog });
    await new MockActivityEnvironment().run(activities.savePaymentMethod, { accountId: account, payment: method, orderId: order.id });

    // The order's invoice bills the order total; a later subscription invoice bills 25.00.
    await postDocument(h, { id: `INV-C1-${RUN}`, accountId: account, total: order.total, invoiceDate: '2030-03-02', orderId: order.id });
    await postDocument(h, { id: `INV-C2-${RUN}`, accountId: account, total: '25.00', invoiceDate: '2030-03-20' });
    // Billing fails the first two payment records (after the gateway moved the money): the activities retry.
    await simulatorSend(h, 'PUT', '/_faults/billing', { operation: 'payments', failNext: 2 });
    await paymentRun(h, '2030-03-31');
    assert.equal((await paymentResult(h, `INV-C1-${RUN}`)).state, 'Paid');
    assert.equal((await paymentResult(h, `INV-C2-${RUN}`)).state, 'Paid');
    const [first] = await paymentsOf(h, `INV-C1-${RUN}`);
    const [second] = await paymentsOf(h, `INV-C2-${RUN}`);
    assert.match(first.processorId, /^CAP-/, 'the first invoice captured the authorization');
    assert.match(second.processorId, /^CH-/, 'the second charged the stored token');
    assert.equal((await simulatorGet<{ status: string }>(h, `/payments/authorizations/${method.authorizationId}`)).status, 'Captured');
    const captures = await simulatorGet<{ captures: unknown[] }>(h, `/payments/captures?reference=${order.id}`);
    const charges = await simulatorGet<{ charges: unknown[] }>(h, `/payments/charges?reference=INV-C2-${RUN}`);
    assert.deepEqual([captures.captures.length, charges.charges.length], [1, 1], 'a retried attempt moves the money once');
    const faults = await simulatorGet<{ billing?: { operation?: string; failNext?: number }[] }>(h, '/_faults');
    assert.equal(faults.billing?.find((fault) => fault.operation === 'payments')?.failNext ?? 0, 0, 'both injected failures were met');
    await simulatorSend(h, 'DELETE', '/_faults/billing');
  });

  it('shows an order\'s invoice Authorized by its checkout authorization until the payment run captures it: Posted → Authorized → Paid', async () => {
    const account = `PAY-AUTH-${RUN}`;
    const token = `tok_auth${RUN}_4242`;
    // The order: one setup fee of 100.00, STANDARD tax 8.25 % → 8.25; total 108.25, authorized at checkout for 108.25.
    const authorization = await ok<{ id: string; status: string }>(h, 'POST', '/payments/authorizations', { token, amount: '108.25', currency: 'USD', reference: `ORD-AUTH-${RUN}` }, `auth-${RUN}`);
    assert.equal(authorization.status, 'Authorized');
    const orderId = `ORD-AUTH-${RUN}`;
    await orders.startOrder({
      id: orderId, accountId: account, channel: 'b2b', currency: 'USD',
      payment: { method: 'card', token, authorizationId: authorization.id },
      items: [{ id: 'OI-1', product: 'SETUP-FEE', quantity: 1, unitPrice: '100.00' }],
    });
    assert.equal((await orders.waitForCompletion(orderId)).state, 'completed');
    const invoiceId = `INV-${orderId}-1`;
    assert.deepEqual([(await invoice(h, invoiceId)).status, (await invoice(h, invoiceId)).open], ['Authorized', '0.00'], 'covered by the authorization, not paid');
    const [held] = await paymentsOf(h, invoiceId);
    assert.deepEqual([held.status, held.amount, held.processorId, held.last4], ['Authorized', '108.25', authorization.id, '4242']);
    assert.equal((await ledger(h, account)).balance, '108.25', 'an authorization moves no money');

    // The order's invoice is dated today (when billing received it); the other tests' invoices are dated 2030 on.
    await paymentRun(h, new Date().toISOString().slice(0, 10), `payment-run-${RUN}-auth`);
    const paid = await paymentResult(h, invoiceId);
    assert.equal(paid.state, 'Paid');
    const settled = await paymentsOf(h, invoiceId);
    assert.deepEqual(settled.map((p: { id: string; status: string }) => [p.id, p.status]), [[held.id, 'Settled']], 'the authorized payment is settled, no second one');
    assert.match(settled[0].processorId, /^CAP-/, 'it names the capture, which a refund is made against');
    assert.equal((await simulatorGet<{ status: string }>(h, `/payments/authorizations/${authorization.id}`)).status, 'Captured');
    assert.equal((await invoice(h, invoiceId)).status, 'Paid');
    assert.equal((await ledger(h, account)).balance, '0.00', '108.25 invoiced − 108.25 paid');
  });

  it('the new order sync carries the checkout\'s token and authorization into the Ordo order', async () => {
    const cart = {
      id: `CART-SYNC-${RUN}`, accountId: `PAY-S-${RUN}`, buyer: 'pat@acme.example', currency: 'USD',
      items: [{ id: 'CI-1', product: 'SEATS', quantity: 2, unitPrice: '40.00', attributes: { edition: 'standard' } }],
      payment: { method: 'card', token: `tok_sync${RUN}_4444` },
    };
    await ok(h, 'POST', '/storefront/carts', cart, `cart-${cart.id}`);
    const { order } = await ok<{ order: { id: string; paymentId: string } }>(h, 'POST', `/storefront/carts/${cart.id}/checkout`, {}, `checkout-${cart.id}`);
    const sync = await h.env.client.workflow.start('NewOrderSyncWorkflow', {
      workflowId: newOrderSyncWorkflowId(order.id),
      taskQueue: h.config.temporal.taskQueue,
      args: [{ storefrontOrderId: order.id, trigger: 'payments test' }],
    });
    await sync.result();
    const record = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).query(orderRecordQuery);
    const authorizationId = (await simulatorGet<{ authorizationId: string }>(h, `/storefront/payments/${order.paymentId}/method`)).authorizationId;
    assert.deepEqual(record.order.payment, { method: 'card', token: `tok_sync${RUN}_4444`, authorizationId });
  });

  it('a card declined twice is paid on the second dunning retry', async () => {
    const account = `PAY-D-${RUN}`;
    await setCard(h, account, `tok_fix${RUN}_recover_2`);
    await postDocument(h, { id: `INV-D1-${RUN}`, accountId: account, total: '49.90', invoiceDate: '2030-04-03' });
    await paymentRun(h, '2030-04-30');
    const failed = await eventually('the first decline', async () => {
      const view = await paymentView(h, `INV-D1-${RUN}`);
      return view.state === 'Failed' ? view : undefined;
    });
    assert.ok(failed.nextRetryAt, 'a Failed payment says when it is retried');
    const paid = await paymentResult(h, `INV-D1-${RUN}`);
    assert.deepEqual(paid.attempts.map((a) => a.outcome), ['Failed', 'Failed', 'Settled']);
    assert.equal(paid.state, 'Paid');
    const recorded = await paymentsOf(h, `INV-D1-${RUN}`);
    assert.deepEqual(recorded.map((p) => p.status), ['Failed', 'Failed', 'Settled'], 'billing records every attempt');
  });

  it('a card that keeps declining ends in collections, and an operator records it paid by reference with bin/ordo', async () => {
    const account = `PAY-E-${RUN}`;
    await setCard(h, account, `tok_bad${RUN}_decline`);
    await postDocument(h, { id: `INV-E1-${RUN}`, accountId: account, total: '300.00', invoiceDate: '2030-05-04' });
    await paymentRun(h, '2030-05-31');
    await eventually('collections', async () => ((await paymentView(h, `INV-E1-${RUN}`)).state === 'Collections' ? true : undefined), 20_000);

    const listed = await eventually('the collections list', async () => {
      const run = await ordo(h, 'collections', '--account', account, '--json');
      const views = run.code === 0 ? (JSON.parse(run.stdout) as InvoicePaymentView[]) : [];
      return views.length === 1 ? views : undefined;
    });
    assert.equal(listed[0]!.invoiceId, `INV-E1-${RUN}`);
    assert.equal(listed[0]!.attempts.length, 3, 'the first attempt and two dunning retries');
    assert.equal(listed[0]!.collections?.queue, 'collections', 'the queue of billing.dunning.collectionsQueue');
    const human = await ordo(h, 'collections', '--account', account);
    assert.match(human.stdout, new RegExp(`1 invoice\\(s\\) in collections:\\n\\s*INV-E1-${RUN}\\s+${account}\\s+300\\.00 USD\\s+3 attempts`));

    const retried = await ordo(h, 'collections', 'retry', `INV-E1-${RUN}`, '--json');
    assert.equal(retried.code, 1, `declined again: back in collections, exit 1: ${retried.stderr}`);
    const back = JSON.parse(retried.stdout) as InvoicePaymentView;
    assert.deepEqual([back.state, back.attempts.length], ['Collections', 4], 'the operator\'s retry is exactly one more attempt');

    const missing = await ordo(h, 'collections', 'paid', `INV-E1-${RUN}`);
    assert.equal(missing.code, 2, `paid without --reference is a usage error: ${missing.stderr}`);
    const resolved = await ordo(h, 'collections', 'paid', `INV-E1-${RUN}`, '--reference', 'WIRE-778', '--actor', 'carol', '--json');
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(JSON.parse(resolved.stdout).state, 'Paid');
    assert.equal((await paymentResult(h, `INV-E1-${RUN}`)).state, 'Paid');
    const settled = (await paymentsOf(h, `INV-E1-${RUN}`)).filter((p) => p.status === 'Settled');
    assert.deepEqual(settled.map((p) => [p.method, p.reference, p.amount]), [['account', 'WIRE-778', '300.00']]);
    const again = await ordo(h, 'collections', 'retry', `INV-E1-${RUN}`);
    assert.equal(again.code, 1, 'nothing is in collections any more');
  });

  it('writes off an invoice in collections with a credit memo for what is open', async () => {
    const account = `PAY-F-${RUN}`;
    await setCard(h, account, `tok_gone${RUN}_expired`);
    await postDocument(h, { id: `INV-F1-${RUN}`, accountId: account, total: '75.25', invoiceDate: '2030-06-06' });
    await paymentRun(h, '2030-06-30');
    await eventually('collections', async () => ((await paymentView(h, `INV-F1-${RUN}`)).state === 'Collections' ? true : undefined), 20_000);
    const run = await ordo(h, 'collections', 'write-off', `INV-F1-${RUN}`, '--reason', 'customer insolvent', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await paymentResult(h, `INV-F1-${RUN}`)).state, 'WrittenOff');
    const memo = await simulatorGet<any>(h, `/billing/invoices/CM-INV-F1-${RUN}-WO`);
    assert.deepEqual([memo.kind, memo.total, memo.writeOffOf], ['creditMemo', '75.25', `INV-F1-${RUN}`]);
    // 75.25 invoiced − 75.25 credited = 0.00
    assert.equal((await ledger(h, account)).balance, '0.00');
    const later = await paymentRun(h, '2030-06-30', `payment-run-${RUN}-f2`);
    assert.ok(!later.picked.includes(`INV-F1-${RUN}`) && !later.skipped.some((s) => s.id === `INV-F1-${RUN}`), 'a written-off invoice is not payable');
  });

  it('refunds a credit memo to the card that paid the order\'s invoice', async () => {
    const account = `PAY-G-${RUN}`;
    await setCard(h, account, `tok_refund${RUN}_9999`);
    await postDocument(h, { id: `INV-G1-${RUN}`, accountId: account, total: '200.00', invoiceDate: '2030-07-01', orderId: `ORD-G-${RUN}` });
    await paymentRun(h, '2030-07-15');
    assert.equal((await paymentResult(h, `INV-G1-${RUN}`)).state, 'Paid');
    await postDocument(h, { id: `CM-G1-${RUN}`, accountId: account, total: '30.50', invoiceDate: '2030-07-20', kind: 'creditMemo', orderId: `ORD-G-${RUN}` });
    const run = await paymentRun(h, '2030-07-31');
    assert.deepEqual(run.issued, [`CM-G1-${RUN}`], 'the run refunded the credit memo');
    const [payment] = await paymentsOf(h, `INV-G1-${RUN}`);
    assert.deepEqual(payment.refunds.map((r: any) => [r.amount, r.creditMemoId]), [['30.50', `CM-G1-${RUN}`]]);
    assert.equal(payment.status, 'Settled', 'part of it was refunded; the invoice stays paid');
    assert.equal((await invoice(h, `INV-G1-${RUN}`)).status, 'Paid');
    assert.equal((await simulatorGet<any>(h, `/billing/invoices/CM-G1-${RUN}`)).status, 'Refunded');
    const refunds = await simulatorGet<{ refunds: { amount: string }[] }>(h, `/payments/refunds?reference=CM-G1-${RUN}`);
    assert.deepEqual(refunds.refunds.map((r) => r.amount), ['30.50'], 'refunded at the gateway once');
    const rerun = await paymentRun(h, '2030-07-31', `payment-run-${RUN}-g2`);
    assert.deepEqual(rerun.issued, [], 'refunded once');
  });

  it('with creditMemos: credit, a credit memo pays the next invoice first and the card is charged the rest', async () => {
    const account = `PAY-H-${RUN}`;
    await setCard(h, account, `tok_credit${RUN}_3333`);
    await postDocument(h, { id: `INV-H1-${RUN}`, accountId: account, total: '100.00', invoiceDate: '2030-08-01' });
    await paymentRun(h, '2030-08-15', `payment-run-${RUN}-h1`, CREDIT_TASK_QUEUE);
    assert.equal((await paymentResult(h, `INV-H1-${RUN}`)).state, 'Paid');
    await postDocument(h, { id: `CM-H1-${RUN}`, accountId: account, total: '30.00', invoiceDate: '2030-08-20', kind: 'creditMemo' });
    await postDocument(h, { id: `INV-H2-${RUN}`, accountId: account, total: '50.00', invoiceDate: '2030-09-01' });
    const run = await paymentRun(h, '2030-09-30', `payment-run-${RUN}-h2`, CREDIT_TASK_QUEUE);
    assert.deepEqual(run.issued, [], 'nothing is refunded under credit');
    assert.equal((await paymentResult(h, `INV-H2-${RUN}`)).state, 'Paid');
    const [charged] = await paymentsOf(h, `INV-H2-${RUN}`);
    assert.equal(charged.amount, '20.00'); // 50.00 invoiced − 30.00 credit applied
    const memo = await simulatorGet<any>(h, `/billing/invoices/CM-H1-${RUN}`);
    assert.deepEqual([memo.status, memo.open], ['Applied', '0.00']);
    assert.equal((await invoice(h, `INV-H2-${RUN}`)).status, 'Paid');
  });

  it('keeps every account\'s ledger balance = invoiced − credited − paid + refunded, to the cent', async () => {
    // Computed by hand from the documents above:
    const expected: Record<string, string> = {
      A: '80.00', // 120.00 + 80.00 invoiced − 120.00 paid (INV-A2 billed after its run's target date)
      B: '0.00', // 10.00 − 10.00
      D: '0.00', // 49.90 − 49.90 (declines move no money)
      E: '0.00', // 300.00 − 300.00 by reference
      F: '0.00', // 75.25 − 75.25 written off
      G: '0.00', // 200.00 − 200.00 paid − 30.50 credited + 30.50 refunded
      H: '0.00', // 100.00 + 50.00 invoiced − 30.00 credited − 100.00 − 20.00 paid
    };
    for (const [letter, balance] of Object.entries(expected)) {
      const book = await ledger(h, `PAY-${letter}-${RUN}`);
      assert.equal(book.balance, balance, `account ${letter}: ${JSON.stringify(book.entries)}`);
    }
    const c = await ledger(h, `PAY-C-${RUN}`);
    assert.ok(c.entries.length === 4, JSON.stringify(c.entries));
    assert.equal(c.balance, '0.00', 'the order total and 25.00 invoiced, both paid');
    assert.ok(c.entries.every((entry) => entry.date !== undefined), 'every entry carries its document\'s business date');
  });

  it('has no card number in any history of the payment workflows, only tokens', async () => {
    const text = (value: unknown) => JSON.stringify(value, (_key, field) => (field instanceof Uint8Array ? Buffer.from(field).toString('utf8') : field));
    let histories = 0;
    for await (const execution of h.env.client.workflow.list({ query: `TaskQueue = "${TASK_QUEUE}"` })) {
      // Decoded (decrypted) first: the card number must not be in the data, not merely hidden by encryption.
      const history = text(await decodeHistory(await h.env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory(), h.env.client.options.loadedDataConverter.payloadCodecs));
      assert.equal(history.includes(CARD_NUMBER), false, `${execution.workflowId} holds the card number`);
      histories += 1;
    }
    assert.ok(histories >= 10, `read ${histories} histories`);
  });
});
