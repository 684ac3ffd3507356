import assert from 'node:assert/strict';
import { fleetOrder } from '../../bench/large-order';
import { largeOrderProblems, runLargeOrder } from '../../bench/large-run';
import { orderWorkflowId } from '../../workflows/ids';
import { getHarness, type Harness } from './harness';

/**
 * A large order end to end: its one oversized fulfillment order runs as parts (docs/decomposition.md), its
 * plan is a compressed payload, and no workflow comes near Temporal's history or pending limits. The bench
 * runs 2,000 items (`npm run bench -- --large`); 250 items here make 1,250 steps in three parts.
 */
describe('a large order (250 sensor kits, 5 steps each)', function () {
  this.timeout(600_000);
  let h: Harness;
  before(async () => {
    h = await getHarness();
  });

  it('completes in parts of at most 500 steps, within every history and pending limit', async () => {
    const order = fleetOrder(250, `FLEET-250-${process.pid}`);
    const orderId = String(order.id);
    const figures = await runLargeOrder({ ordo: h.client, temporal: h.env.client, order, quiet: true });
    assert.deepEqual(largeOrderProblems(figures), []);
    assert.equal(figures.steps, 1250);
    assert.equal(figures.fulfillmentOrders, 3);
    const summary = await h.client.getSummary(orderId);
    assert.deepEqual(summary.fulfillmentOrders.map((fo) => [fo.id.replace(/^.*-P/, 'P'), fo.steps.total, fo.state]), [
      ['P1', 500, 'completed'],
      ['P2', 500, 'completed'],
      ['P3', 250, 'completed'],
    ]);
    assert.equal(summary.invoices.length, 1);
    assert.equal(summary.invoices[0].lines.length, 250);
    assert.ok(figures.maxPendingActivities > 0, 'pending activities were sampled');
    // The plan (about 450 KiB of JSON) is stored compressed by the payload codec, as every large payload is, then
    // encrypted (docs/security.md): what the encryption codec (the last) decodes is the gzip codec's output.
    const events = (await h.env.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory()).events ?? [];
    const encryption = h.env.client.options.loadedDataConverter.payloadCodecs.at(-1)!;
    const stored = events.flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {})).flatMap((payloads) => payloads.payloads ?? []);
    const encodings = (await encryption.decode(stored)).map((payload) => new TextDecoder().decode(payload.metadata?.encoding ?? new Uint8Array()));
    assert.ok(encodings.includes('binary/gzip'), `the decomposition's plan is stored gzipped (encodings: ${[...new Set(encodings)].join(', ')})`);
  });
});
