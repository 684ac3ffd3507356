import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSummary } from '../client/cli/format';
import { OrdoError } from '../client/errors';
import { OrdoClient } from '../client/ordo-client';
import { loadCatalogFiles } from '../config/catalog-files';
import { loadConfig } from '../config/load';
import type { OrderSummary } from '../workflows/types';
import { indent, showChannels, type ChannelDemo } from './demo-channels';
import { consoleStory, endEarlierFleetOrders, fleetPointers, paceSampleOrders, SAMPLE_ORDER_SPACING_MS, submitFleetOrder, unpace, watchTheSamples } from './demo-console';
import { stackUp } from './stack';
import { consoleSignInHint, consoleUrl } from './console-part';

/**
 * `npm run demo`: the whole thing on one machine. Starts the stack (Temporal dev server with its Web UI,
 * simulators, a worker), submits the sample orders, shows them move, prints each order's splits and
 * its invoice, shows one sale from each commerce channel (demo-channels.ts), and keeps running so you can look around in the Web UI. Ctrl-C stops everything it started.
 */

const REPO_ROOT = path.resolve(__dirname, '..');
/** Sample orders that need no operator. Each run gives them fresh ids: an order id is accepted once. */
const DEMO_ORDERS = ['laptop-bundle.json', 'saas-suite.json', 'mixed.json'];
const REJECTED_EXAMPLE = 'invalid-missing-price.json';

async function main(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => console.log(line);
  say('Ordo demo: starting the local stack (the first run builds the Temporal CLI from source; that takes a few minutes).');
  const stack = await stackUp(config, { detach: false, log: (line) => say(`  ${line}`) });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping what the demo started…');
    // Simulators it did not start (`ordo stack up --detach` before) keep running: without the demo's latency.
    await unpace(config).catch(() => undefined);
    await stack.stop();
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx), and a second
  // SIGINT with no handler would end it before the stack it started is stopped. `stop` runs once.
  process.on('SIGINT', () => void stop(0)).on('SIGTERM', () => void stop(0));
  void stack.exited.then(({ part, code }) => {
    if (stopping) return;
    say(`\n${part} exited unexpectedly (code ${code}); see ${path.join(config.dataDir, 'logs', `${part}.log`)}`);
    void stop(1);
  });

  const client = await OrdoClient.connect(config, loadCatalogFiles(config.catalogFiles));
  const runTag = new Date().toISOString().replace(/\D/g, '').slice(2, 14);

  say(`\nA bad order is refused before anything starts (${REJECTED_EXAMPLE}):`);
  try {
    await client.startOrder(readExample(REJECTED_EXAMPLE, runTag));
  } catch (error) {
    if (!(error instanceof OrdoError)) throw error;
    say(indent(error.message));
  }

  // A pace a person can follow in the console (scripts/demo-console.ts): a few seconds per callout, orders apart.
  const earlier = await endEarlierFleetOrders(client);
  if (earlier.length) say(`\nEnded the fleet order an earlier demo left running (${earlier.join(', ')}), so it does not hold this run up.`);
  await paceSampleOrders(config);
  say(watchTheSamples(config));
  const orderIds: string[] = [];
  // Each order is followed from its submission on, so the progress shows while the next waits its turn.
  const following: Array<Promise<OrderSummary>> = [];
  say('\nProgress (each order is billed once, only after all of its fulfillment orders are done):');
  for (const file of DEMO_ORDERS) {
    if (orderIds.length) await new Promise((resolve) => setTimeout(resolve, SAMPLE_ORDER_SPACING_MS));
    const started = await client.startOrder(readExample(file, runTag));
    orderIds.push(started.orderId);
    say(`  Submitted ${started.orderId} from examples/${file} (workflow ${started.workflowId})`);
    following.push(follow(client, started.orderId, say));
  }
  const finals = await Promise.all(following);
  for (const summary of finals) say(`\n${formatSummary(summary)}`);
  await unpace(config);
  const channels = await showChannels(config, client, runTag, say);

  const ui = `http://localhost:${config.stack.temporalUiPort}`;
  const network = await submitOrderThatNeedsPeople(client, config.stack.simulatorsPort, runTag, say);
  say(`
Look around:
  the console         ${consoleUrl(config)}    ${consoleSignInHint(config)}
  Temporal Web UI     ${ui}/namespaces/${config.temporal.namespace}/workflows
  one order's splits  ${ui}/namespaces/${config.temporal.namespace}/workflows?query=${encodeURIComponent(`OrderId="${orderIds[0]}"`)}
  the CLI             bin/ordo status ${orderIds[0]}    bin/ordo plan ${orderIds[0]}
  billing's store     curl -s 'http://127.0.0.1:${config.stack.simulatorsPort}/billing/invoices?orderId=${orderIds[0]}'${channels ? channelPointers(channels, ui, config.temporal.namespace, config.stack.simulatorsPort) : ''}
The stack keeps running; Ctrl-C stops it.`);
  say(`
Now ${network} needs people (DESIGN.md: manual tasks, fallout, SLA jeopardy, pause steps). Try, in another terminal:
  bin/ordo tasks --queue fulfillment-desk                       the approval waits for alice or carol;
                                                                it goes into jeopardy after 30 s and is late after 1 min
  bin/ordo complete ${network} approve --actor carol
  bin/ordo fallout --queue provisioning-desk                    'configure' fell out: the simulator failed it on purpose
  bin/ordo fallout retry ${network} configure --actor dave
  bin/ordo resume ${network} delivered --actor carol            the customer confirms delivery
Or in the console, ${consoleUrl(config)}: #/tasks, #/incidents, and the order's own page #/orders/${network}
In the Web UI (docs/operator-desk.md): ManualQueues = "fulfillment-desk", FalloutQueues = "provisioning-desk", InJeopardy = true
SLA alerts land in the webhook simulator: curl -s http://127.0.0.1:${config.stack.simulatorsPort}/webhook/received
`);
  const returnFile = writeReturnOf(orderIds[0], runTag, config.dataDir);
  say(`Changes in flight (DESIGN.md: point of no return, cancellation, change orders):
  bin/ordo cancel ${network} --reason "customer changed their mind"   before it ships: rolled back, nothing billed
                                                                (instead of the steps above; after shipping it is refused)
  bin/ordo cancel ${orderIds[0]} --reason "too late"            shipped and billed: refused, with the way forward
  bin/ordo change-order submit ${returnFile} --wait
                                                                returns one laptop bundle: a credit memo, the invoice untouched
  bin/ordo status ${orderIds[0]}                                  the whole story: its change order and the net billed
`);
  say(consoleStory(config, network));
  const fleet = await submitFleetOrder(client, runTag);
  say(`\n${fleetPointers(config, fleet)}\n`);
  const final = await follow(client, network, say);
  say(`\n${formatSummary(final)}\n\nAll done. Ctrl-C stops the stack.`);
  await client.close();
}

/** Where to look at the channel part's sales: the syncs in the Web UI, the twins, the sync log, My Orders. */
function channelPointers(channels: ChannelDemo, ui: string, namespace: string, simulatorsPort: number): string {
  const sale = channels.storefrontOrderId;
  const lines = [
    `  a storefront sale    ${ui}/namespaces/${namespace}/workflows?query=${encodeURIComponent(`SyncRecords="${sale}"`)}`,
    `                       bin/ordo twins ${sale}    bin/ordo sync-log --order ${sale}`,
  ];
  if (channels.cpqOrderId) {
    lines.push(`  a rep's CPQ order    bin/ordo twins ${channels.cpqOrderId}    bin/ordo sync-log --order ${channels.cpqOrderId} --process ReorderSync`);
    lines.push(`  My Orders            curl -s 'http://127.0.0.1:${simulatorsPort}/storefront/orders?buyerAccount=ACME'`);
  }
  if (channels.reorderId) lines.push(`  its reorder          bin/ordo twins ${channels.reorderId}`);
  lines.push(`  every sync step      bin/ordo sync-log`);
  return `\n${lines.join('\n')}`;
}

/**
 * The network kit needs an approval, a delivery confirmation, and (because the demo tells the provisioning
 * simulator to fail its next two calls) an operator to retry a callout that fell out.
 */
async function submitOrderThatNeedsPeople(client: OrdoClient, simulatorsPort: number, runTag: string, say: (line: string) => void): Promise<string> {
  const fault = { operation: 'configure-service', failNext: 2, errorStatus: 503, errorCode: 'provisioning-busy' };
  const response = await fetch(`http://127.0.0.1:${simulatorsPort}/_faults/provisioning`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`could not set the demo's fault on the provisioning simulator: ${response.status}`);
  const started = await client.startOrder(readExample('network-kit.json', runTag));
  say(`\nSubmitted ${started.orderId} from examples/network-kit.json (workflow ${started.workflowId})`);
  return started.orderId;
}

/** A change order returning one bundle of the demo's laptop order, written where the demo keeps its files. */
function writeReturnOf(orderId: string, runTag: string, dataDir: string): string {
  const change = { ...(readExample('change-order-return.json', runTag) as object), changeOf: orderId };
  const dir = path.join(dataDir, 'demo');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `return-${orderId}.json`);
  fs.writeFileSync(file, `${JSON.stringify(change, null, 2)}\n`);
  return path.relative(REPO_ROOT, file);
}

function readExample(file: string, runTag: string): unknown {
  const order = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as { id: string };
  return { ...order, id: `${order.id}-${runTag}` };
}

/** Prints each change of an order's state or of its splits, and answers the final summary. */
async function follow(client: OrdoClient, orderId: string, say: (line: string) => void): Promise<OrderSummary> {
  let last = '';
  for (;;) {
    const summary = await client.getSummary(orderId);
    const line = `${orderId}: ${summary.state}; ${summary.fulfillmentOrders.map((fo) => `${fo.id} ${fo.steps.completed}/${fo.steps.total}`).join(', ')}; billing ${summary.billing.milestone}`;
    if (line !== last) say(`  ${line}`);
    last = line;
    if (client.isFinal(summary)) return summary;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().catch((error: Error) => {
  console.error(error instanceof OrdoError ? error.message : error);
  process.exit(1);
});
