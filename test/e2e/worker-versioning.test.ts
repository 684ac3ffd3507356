import assert from 'node:assert/strict';
import * as path from 'node:path';
import { OrdoClient } from '../../client/ordo-client';
import { loadCatalogFiles } from '../../config/catalog-files';
import type { Order } from '../../domain/order';
import { completeManualTaskUpdate, fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { accountWorkflowId, fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * Worker Versioning on the real dev server: a rolling deploy from build v1 to v2 of one deployment. An order
 * started on v1 stays pinned to v1 (its splits too) and is finished by v1's worker after v2 became current;
 * a new order goes to v2, and the account work it starts follows the current build (auto-upgrade).
 */
const CATALOGS = ['people-and-time.yaml', 'changes.yaml'].map((f) => path.resolve(__dirname, '../fixtures', f));
const TASK_QUEUE = 'ordo-worker-versioning';
const DEPLOYMENT = `ordo-versioning-${process.pid}`;
const FO = 'FO-provisioning';
const QUEUES = { approvers: { members: ['ann'], assignment: 'none' as const }, desk: { members: ['dee'], assignment: 'none' as const } };

describe('Worker Versioning: orders pinned to the build that started them', function () {
  this.timeout(120_000);
  let h: Harness;
  let client: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = new OrdoClient(h.env.client, TASK_QUEUE, loadCatalogFiles(CATALOGS));
  });

  async function startBuild(buildId: string): Promise<void> {
    await h.startWorker({ taskQueue: TASK_QUEUE, catalog: client.catalog, config: { queues: QUEUES, worker: { ...h.config.worker, deployment: { name: DEPLOYMENT, buildId } } } });
    // The server learns the version from its worker's polls, and makes it current only once it polls every task
    // queue the current version does: the workflow and the activity queue of one name.
    const namespace = h.config.temporal.namespace;
    await eventually(`${buildId} polling both task queues`, async () => {
      const { versionTaskQueues } = await h.env.client.workflowService.describeWorkerDeploymentVersion({ namespace, deploymentVersion: { deploymentName: DEPLOYMENT, buildId } });
      const types = new Set((versionTaskQueues ?? []).filter((q) => q.name === TASK_QUEUE).map((q) => q.type));
      return types.size >= 2 || undefined;
    });
    await h.env.client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: DEPLOYMENT, buildId, identity: 'versioning-test' });
  }

  /** The build a workflow runs on, checked to run with the given versioning behaviour. */
  async function buildOf(workflowId: string, behavior: 'pinned' | 'auto-upgrade' = 'pinned'): Promise<string | undefined> {
    const { raw } = await h.env.client.workflow.getHandle(workflowId).describe();
    const info = raw.workflowExecutionInfo?.versioningInfo;
    assert.equal(info?.behavior, behavior === 'pinned' ? 1 : 2 /* VERSIONING_BEHAVIOR_PINNED, _AUTO_UPGRADE */, `${workflowId} is ${behavior}`);
    return info?.deploymentVersion?.buildId ?? undefined;
  }

  const orderOf = (id: string, products = ['NEEDS-APPROVAL']): Order => ({
    id,
    accountId: `VERSIONING${process.pid}`,
    channel: 'cpq',
    currency: 'USD',
    items: products.map((product, i) => ({ id: `OI-${i + 1}`, product, quantity: 1, unitPrice: '10.00' })),
  });

  async function waitForApproval(orderId: string): Promise<void> {
    await eventually('the approval to wait', async () => {
      const plan = await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, FO)).query(fulfillmentOrderPlanQuery);
      return plan.steps.find((s) => s.id === 'approval.approve')?.state === 'InProgress' ? true : undefined;
    });
  }

  it('keeps an in-flight order on v1 through a deploy of v2, and starts new orders on v2', async () => {
    await startBuild('v1');
    const early = orderOf(`WV-${process.pid}-1`);
    await client.startOrder(early);
    await waitForApproval(early.id);

    await startBuild('v2');
    // It also brings account work: a long-lived workflow, which runs auto-upgrade rather than pinned.
    const late = orderOf(`WV-${process.pid}-2`, ['NEEDS-APPROVAL', 'ACCOUNT-THING']);
    await client.startOrder(late);
    await waitForApproval(late.id);

    await h.env.client.workflow
      .getHandle(fulfillmentOrderWorkflowId(early.id, FO))
      .executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'approval.approve', actor: 'ann' }] });
    assert.equal((await client.waitForCompletion(early.id)).state, 'completed');

    assert.equal(await buildOf(orderWorkflowId(early.id)), 'v1');
    assert.equal(await buildOf(fulfillmentOrderWorkflowId(early.id, FO)), 'v1');
    assert.equal(await buildOf(orderWorkflowId(late.id)), 'v2');
    assert.equal(await buildOf(fulfillmentOrderWorkflowId(late.id, FO)), 'v2');
    const accountWork = accountWorkflowId(late.accountId, 'ACCOUNT-WORK');
    await eventually('the account work to start', async () => (await h.env.client.workflow.getHandle(accountWork).describe()).raw.workflowExecutionInfo?.versioningInfo?.behavior || undefined);
    assert.equal(await buildOf(accountWork, 'auto-upgrade'), 'v2');
  });
});
