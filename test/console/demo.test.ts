import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { orderWorkflowId } from '../../workflows/ids';
import type { StepStatus } from '../../workflows/types';
import { exampleOrder } from '../e2e/examples';
import { simulatorSend } from '../e2e/harness';
import { browserMissing, getBrowser, getConsole, signedInPage, type ConsoleHarness } from './harness';

/**
 * Issue 13's "Done when", in the browser, as `npm run demo` sets it up (scripts/demo.ts, scripts/demo-console.ts): a
 * person watches the network kit's swimlanes, completes its approval in the task inbox, retries the provisioning
 * callout that fell out from the incident desk, resumes its `delivered` pause there, sees it complete, and the
 * dashboards show charts. Everything from the console, signed in as the queue members the demo names.
 */

const APPROVE = 'router-delivery.approve';
const DELIVERED = 'router-delivery.delivered';
const testId = (id: string) => `[data-testid=${JSON.stringify(id)}]`;

describe('the demo’s network kit, worked from the console', function () {
  this.timeout(180_000);
  let c: ConsoleHarness;
  let orderId: string;
  const pages: Array<{ close(): Promise<void> }> = [];

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    if (!(await getBrowser())) this.skip();
    c = await getConsole();
  });
  after(async () => {
    for (const context of pages) await context.close().catch(() => undefined);
    if (orderId) await c.stack.env.client.workflow.getHandle(orderWorkflowId(orderId)).terminate('test done').catch(() => undefined);
  });

  /** Polls the order's plan until a step matching `which` satisfies `done`. */
  async function stepWhen(which: (step: StepStatus) => boolean, done: (step: StepStatus) => boolean, what: string, timeoutMs = 45_000): Promise<StepStatus> {
    const deadline = Date.now() + timeoutMs;
    let seen: StepStatus | undefined;
    for (;;) {
      const plan = await c.stack.client.getPlan(orderId).catch(() => undefined); // not decomposed yet
      seen = plan?.fulfillmentOrders.flatMap((fo) => fo.steps).find(which);
      if (seen && done(seen)) return seen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the step is ${seen?.state ?? 'not there yet'}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const isStep = (id: string) => (step: StepStatus) => step.id === id;
  const isConfigure = (step: StepStatus) => step.definition === 'service-activation.configure';

  async function pageAs(name: string, route: string): Promise<Page> {
    const { page, context } = await signedInPage(c.url, name);
    pages.push(context);
    await page.goto(`${c.url}/${route}`);
    return page;
  }

  it('watches the swimlanes, completes the task, retries the incident and resumes the pause, all from the console', async function () {
    if (!(await getBrowser())) throw new Error(browserMissing);
    // The demo's steering: the provisioning callout fails (after its two quick tries it falls out to provisioning-desk).
    await simulatorSend(c.stack, 'PUT', '/_faults/provisioning', { operation: 'configure-service', errorRate: 1, errorStatus: 503, errorCode: 'provisioning-busy' });
    try {
      const order = exampleOrder('network-kit.json', 'CONSOLE-demo');
      orderId = (await c.stack.client.startOrder(order)).orderId;
      await stepWhen(isConfigure, (s) => s.state === 'FatallyFailed', 'configure to fall out');
    } finally {
      await simulatorSend(c.stack, 'DELETE', '/_faults/provisioning?operation=configure-service');
    }
    const approval = await stepWhen(isStep(APPROVE), (s) => s.state === 'InProgress' && s.assignee !== undefined, 'the approval to be assigned');
    const configure = await stepWhen(isConfigure, () => true, 'configure');

    // The order page: swimlanes with the approval waiting and configure in fallout.
    const watcher = await pageAs('visitor', `#/orders/${encodeURIComponent(orderId)}`);
    await watcher.waitForSelector(testId('swimlanes'));
    await watcher.waitForSelector(`${testId(`step-${APPROVE}`)}[data-state="InProgress"]`);
    await watcher.waitForSelector(`${testId(`step-${configure.id}`)}[data-state="FatallyFailed"]`);

    // The task inbox, as the approval's assignee.
    const desk = await pageAs(approval.assignee!, '#/tasks');
    await desk.click(testId(`complete-${orderId}-${APPROVE}`));
    await stepWhen(isStep(APPROVE), (s) => s.state === 'Completed', 'the approval to complete');
    await watcher.waitForSelector(`${testId(`step-${APPROVE}`)}[data-state="Completed"]`); // live, no reload

    // The incident desk, as a provisioning-desk member: select the incident, retry it.
    const incidents = await pageAs('dave', '#/incidents');
    await incidents.click(testId(`incident-select-${orderId}-${configure.id}`));
    await incidents.click(testId('batch-retry'));
    await stepWhen(isConfigure, (s) => s.state === 'Completed', 'configure to complete after the retry');

    // The pause: once shipped, `delivered` waits for the customer; resume it (the pause steps are on the incident desk).
    await stepWhen(isStep(DELIVERED), (s) => s.state === 'InProgress', 'the delivered pause to wait');
    const pauses = await pageAs('carol', '#/incidents');
    await pauses.click(testId(`resume-${orderId}-delivered`));
    const summary = await c.stack.client.waitForCompletion(orderId, { timeoutMs: 60_000 });
    assert.equal(summary.state, 'completed');
    await watcher.waitForFunction(
      ({ selector, state }) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(selector)?.textContent?.includes(state) ?? false,
      { selector: testId('order-state'), state: 'completed' },
      { timeout: 30_000 },
    );

    // The dashboards show charts.
    const dashboards = await pageAs('visitor', '#/dashboards');
    await dashboards.waitForSelector('[data-testid^="chart-"]');
  });
});
