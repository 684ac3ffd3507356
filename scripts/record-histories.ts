import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { exampleOrder } from '../test/e2e/examples';
import { getHarness } from '../test/e2e/harness';
import { mochaHooks } from '../test/hooks';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../workflows/order';

/**
 * `npm run record-histories`: runs sample orders on a real stack and saves their workflow histories
 * under test/replay/histories, for the replay test. Run it when a workflow changes behaviour behind
 * patched(), and keep the old files: they are the in-flight orders the new code must still replay.
 */
const OUT = path.resolve(__dirname, '../test/replay/histories');
const tag = new Date().toISOString().slice(0, 10);

async function main(): Promise<void> {
  const h = await getHarness();
  try {
    for (const file of ['laptop-bundle.json', 'saas-suite.json']) {
      const order = exampleOrder(file, 'rec');
      await h.client.startOrder(order);
      const summary = await h.client.waitForCompletion(order.id);
      const ids = [
        ['OrderWorkflow', orderWorkflowId(order.id)],
        ...summary.fulfillmentOrders.map((fo) => ['FulfillmentOrderWorkflow', fulfillmentOrderWorkflowId(order.id, fo.id)]),
      ];
      for (const [type, workflowId] of ids) {
        const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
        const name = `${type}-${tag}-${workflowId.replace(/[^A-Za-z0-9-]+/g, '_')}.json`;
        fs.writeFileSync(path.join(OUT, name), `${historyToJSON(history)}\n`);
        console.log(`recorded ${name}`);
      }
    }
  } finally {
    await mochaHooks.afterAll();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
