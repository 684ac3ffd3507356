import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { paymentActivities } from '../../activities/billing/payments';
import { resolveCollections } from '../../client/collections';
import { keySigner } from '../../client/operator-credentials';
import { publicKeyHex } from '../../config/operator-keys';
import { loadCatalogFiles } from '../../config/catalog-files';
import { privateDataConverter } from '../../config/connection';
import { loadConfig, type LoadedConfig } from '../../config/load';
import { addSearchAttributes } from '../../scripts/search-attributes';
import { startSimulators, type RunningSimulators } from '../../simulators';
import {
  INVOICE_PAYMENT_WORKFLOW_TYPE,
  invoicePaymentQuery,
  invoicePaymentWorkflowId,
  resolveCollectionsSignal,
  type InvoicePaymentInput,
  type InvoicePaymentView,
} from '../../workflows/payment-messages';
import { getTimeSkipping } from './time-skipping';

/**
 * Dunning on Temporal's time-skipping test server with the configuration's own schedule (retries 3 and 7 days after
 * each decline), the real payment activities and the real billing and gateway simulators: days of workflow time
 * pass in moments, and the attempts land exactly on the schedule.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

describe('InvoicePaymentWorkflow on the time-skipping server: dunning over days, then collections', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let simulators: RunningSimulators;
  let dataDir: string;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `invoice-payment-${process.pid}`;
  const dataConverter = privateDataConverter();

  before(async function () {
    this.timeout(600_000);
    const { launcher, bundle } = await getTimeSkipping();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-dunning-'));
    [env, simulators] = await Promise.all([
      TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter }, server: { executable: { type: 'existing-path', path: launcher } } }),
      startSimulators({ port: 0, dataDir }),
    ]);
    await addSearchAttributes(env.connection, env.namespace ?? 'default');
    const base = loadConfig();
    const config: LoadedConfig = {
      ...base,
      systems: { billing: { url: `${simulators.url}/billing`, timeout: 5_000 }, payments: { url: `${simulators.url}/payments`, timeout: 5_000 } },
    };
    assert.deepEqual(config.billing.dunning.retryAfter, [3 * DAY_MS, 7 * DAY_MS], 'the default dunning schedule');
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, dataConverter, workflowBundle: bundle, activities: paymentActivities({ config, catalog: loadCatalogFiles(config.catalogFiles) }) });
    running = worker.run();
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await simulators?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function billed(accountId: string, token: string, invoiceId: string, total: string): Promise<InvoicePaymentInput> {
    const put = await fetch(`${simulators.url}/billing/accounts/${accountId}/payment-method`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'idempotency-key': `pm-${accountId}` }, body: JSON.stringify({ method: 'card', token }),
    });
    assert.equal(put.status, 200);
    const posted = await fetch(`${simulators.url}/billing/invoices`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `doc-${invoiceId}` },
      body: JSON.stringify({ id: invoiceId, subscriptionId: `SUB-${accountId}`, accountId, kind: 'invoice', currency: 'USD', total, lines: [{ amount: total }] }),
    });
    assert.equal(posted.status, 201);
    return { invoiceId, accountId, retryAfterMs: [3 * DAY_MS, 7 * DAY_MS] };
  }

  const start = (input: InvoicePaymentInput) =>
    env.client.workflow.start(INVOICE_PAYMENT_WORKFLOW_TYPE, { workflowId: invoicePaymentWorkflowId(input.invoiceId), taskQueue, args: [input] });

  /** Workflow time between two attempts' answers, within the seconds the activities took (a timer starts after a decline). */
  const assertGap = (view: InvoicePaymentView, from: number, to: number, days: number) => {
    const gap = Date.parse(view.attempts[to]!.at) - Date.parse(view.attempts[from]!.at);
    assert.ok(gap >= days * DAY_MS && gap < days * DAY_MS + 60_000, `attempts ${from + 1} and ${to + 1} are ${gap} ms apart, not ${days} days`);
  };

  it('a card that recovers is paid on the second dunning retry: 3 days, then 7 days after the first decline', async () => {
    const handle = await start(await billed('DUN-1', 'tok_dun1_recover_2', 'INV-DUN-1', '99.00'));
    const view = (await handle.result()) as InvoicePaymentView;
    assert.equal(view.state, 'Paid');
    assert.deepEqual(view.attempts.map((a) => a.outcome), ['Failed', 'Failed', 'Settled']);
    assertGap(view, 0, 1, 3);
    assertGap(view, 1, 2, 7);
    const ledger = (await (await fetch(`${simulators.url}/billing/ledger?accountId=DUN-1`)).json()) as { balance: string; entries: { date?: string }[] };
    assert.equal(ledger.balance, '0.00'); // 99.00 invoiced − 99.00 paid
    assert.equal(ledger.entries[1]!.date, view.attempts[2]!.at.slice(0, 10), 'the payment is dated in workflow time');
  });

  it('a card that keeps declining is in collections after the last retry, and an operator\'s signal resolves it', async () => {
    const handle = await start(await billed('DUN-2', 'tok_dun2_decline', 'INV-DUN-2', '45.00'));
    await env.sleep(11 * DAY_MS); // past both retries (3 + 7 days)
    const view = await handle.query(invoicePaymentQuery);
    assert.equal(view.state, 'Collections');
    assert.deepEqual(view.attempts.map((a) => a.declineCode), ['card_declined', 'card_declined', 'card_declined']);
    assertGap(view, 0, 2, 10);
    await handle.signal(resolveCollectionsSignal, { action: 'writeOff', actor: 'carol', reason: 'uncollectable' });
    const done = (await handle.result()) as InvoicePaymentView;
    assert.equal(done.state, 'WrittenOff');
    const ledger = (await (await fetch(`${simulators.url}/billing/ledger?accountId=DUN-2`)).json()) as { balance: string };
    assert.equal(ledger.balance, '0.00'); // 45.00 invoiced − 45.00 written off
  });

  it('in signed mode takes a collections action only signed by a member of the collections queue (docs/security.md)', async () => {
    const carol = crypto.generateKeyPairSync('ed25519');
    const bob = crypto.generateKeyPairSync('ed25519');
    const input: InvoicePaymentInput = {
      ...(await billed('DUN-3', 'tok_dun3_decline', 'INV-DUN-3', '12.00')),
      collectionsQueue: 'collections',
      queues: { collections: { members: ['carol'], assignment: 'none' } },
      // The time-skipping server's clock runs years ahead of the client's (every test here skips days): a window that wide.
      operators: { authentication: 'signed', keys: { carol: publicKeyHex(carol.publicKey), bob: publicKeyHex(bob.publicKey) }, signatureMaxAgeMs: 100 * 365 * DAY_MS },
    };
    const handle = await start(input);
    await env.sleep(11 * DAY_MS);
    const inCollections = await handle.query(invoicePaymentQuery);
    assert.equal(inCollections.state, 'Collections');
    await assert.rejects(resolveCollections(env.client, 'INV-DUN-3', { action: 'retry', actor: 'carol' }), /unsigned resolveCollections message/);
    await assert.rejects(resolveCollections(env.client, 'INV-DUN-3', { action: 'retry', actor: 'bob' }, keySigner('bob', bob.privateKey)), /bob may not act on this step: not a member of collections \(carol\)/);
    const view = await resolveCollections(env.client, 'INV-DUN-3', { action: 'writeOff', actor: 'carol', reason: 'uncollectable' }, keySigner('carol', carol.privateKey));
    assert.equal(view.state, 'WrittenOff');
  });
});
