import assert from 'node:assert/strict';
import type { CalloutRequest } from '../../activities/types';
import { accountWorkQuery, completeManualTaskUpdate, fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { testAccountWorkflowId } from './stubs';
import { catalogOf, getTimeSkipping, orderOf, withLane } from './time-skipping';

/**
 * Account-wide work (scope: account): one long-running workflow per account and destination that every order of
 * the account joins. It continues as new after `joinsPerRun` joins; the shares of the orders that joined before
 * must survive the new run, and the work must not run twice.
 */
const CATALOG = catalogOf('account', `
products:
  - { code: TENANT }
fulfillmentProducts:
  - { code: TENANT-SETUP, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-tenant, source: TENANT, destination: TENANT-SETUP, scope: account, quantity: one }
workspaces:
  - id: tenant
    groups:
      - name: Tenant
        steps:
          - { id: provision, type: callout, call: { system: provisioning, operation: provision-tenant } }
          - { id: check, type: manualTask, dependsOn: [provision], queue: desk }
scenarios:
  - { fulfillmentProduct: TENANT-SETUP, workspace: tenant }
`);

describe('workflows on the time-skipping server: account-wide work', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('continues as new after its joins per run, carrying every share; a later order is served by the new run without redoing the work', async () => {
    const accountId = `ACC-${process.pid}`;
    const [first, second, third] = [0, 1, 2].map(() => orderOf(['TENANT'], { accountId }));
    await withLane({ catalog: CATALOG, queues: { desk: { members: ['dana'], assignment: 'none' } }, accountJoinsPerRun: 2 }, async (lane) => {
      const account = lane.env.client.workflow.getHandle(testAccountWorkflowId(lane.taskQueue, accountId, 'TENANT-SETUP'));
      await lane.start(first);
      await lane.start(second);
      const running = await eventually('two shares waiting on the running work', async () => {
        const view = await account.query(accountWorkQuery);
        return view.state === 'running' && view.shares.length === 2 ? view : undefined;
      });
      const firstRun = (await account.describe()).runId;

      // The work waits for a person; once done, both orders get their share and the run continues as new.
      const work = lane.env.client.workflow.getHandle(running.runWorkflowId!);
      await eventually('the account task waiting', async () =>
        (await work.query(fulfillmentOrderPlanQuery)).steps.find((s) => s.id === 'tenant.check')?.state === 'InProgress' ? true : undefined,
      );
      await work.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'tenant.check', actor: 'dana' }] });
      assert.equal((await lane.completion(first.id)).state, 'completed');
      assert.equal((await lane.completion(second.id)).state, 'completed');
      const nextRun = await eventually('a new run', async () => {
        const description = await account.describe();
        return description.runId !== firstRun && description.status.name === 'RUNNING' ? description.runId : undefined;
      });
      assert.equal((await lane.env.client.workflow.getHandle(account.workflowId, firstRun).describe()).status.name, 'CONTINUED_AS_NEW');

      const carried = await account.query(accountWorkQuery);
      assert.equal(carried.state, 'completed', 'the new run knows the work is done');
      // The two orders joined in whichever order their join activities ran.
      assert.deepEqual(carried.shares.map((s) => [s.orderId, s.state]).sort(), [[first.id, 'ready'], [second.id, 'ready']].sort());

      // A third order joins the new run: told at once, nothing runs again.
      await lane.start(third);
      const summary = await lane.completion(third.id);
      assert.equal(summary.state, 'completed');
      assert.deepEqual(summary.accountShares?.map((s) => [s.destination, s.state]), [['TENANT-SETUP', 'ready']]);
      assert.equal((await account.describe()).runId, nextRun);
      assert.deepEqual((await account.query(accountWorkQuery)).shares.map((s) => [s.orderId, s.state]).sort(), [[first.id, 'ready'], [second.id, 'ready'], [third.id, 'ready']].sort());
      const provisions = lane.calls.of('callout').filter((call) => (call.input as CalloutRequest).call.operation === 'provision-tenant');
      assert.equal(provisions.length, 1, 'the account work ran once for three orders');
    });
  });
});
