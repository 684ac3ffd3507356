import assert from 'node:assert/strict';
import {
  adherenceShare,
  bucketStarts,
  catalogDefinitions,
  catalogPlans,
  cycleTimeSeries,
  falloutVolume,
  heatmap,
  NO_CODE,
  orderCycle,
  percentile,
  slaAdherence,
  slaOutcome,
  throughputSeries,
  windowSpan,
} from '../../console/dashboard-figures';
import type { Catalog } from '../../domain/catalog';
import type { StepStatus } from '../../workflows/types';

/** The dashboards' figures on fixed inputs (console/dashboard-figures.ts is pure: no Temporal, no clock). */

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(ms).toISOString();

function step(fields: Partial<StepStatus> & Pick<StepStatus, 'definition'>): StepStatus {
  return { id: fields.definition, workspace: fields.definition.split('.')[0], group: 'G', type: 'callout', scope: 'plan', lineItemIds: [], dependsOn: [], pointOfNoReturn: false, state: 'Completed', attempts: 1, jeopardy: 'none', ...fields };
}

const catalog: Catalog = {
  products: [
    { code: 'KIT', kind: 'bundle', components: ['BOX', 'LICENSE'], fulfillment: 'required' },
    { code: 'BOX', kind: 'simple', fulfillment: 'required' },
    { code: 'LICENSE', kind: 'simple', fulfillment: 'required' },
    { code: 'SOLO', kind: 'simple', fulfillment: 'required' },
    { code: 'FEE', kind: 'simple', fulfillment: 'none' },
  ],
  fulfillmentProducts: [],
  decompositionRules: [
    { id: 'r1', source: 'BOX', destination: 'SHIP', action: 'Add', scope: 'lineItem', quantity: 'sum' },
    { id: 'r2', source: 'LICENSE', destination: 'ACTIVATE', action: 'Add', scope: 'lineItem', quantity: 'sum' },
    { id: 'r3', source: 'SOLO', destination: 'ACTIVATE', action: 'Add', scope: 'lineItem', quantity: 'sum' },
    { id: 'r4', source: 'BOX', destination: 'PICKUP', action: 'Return', scope: 'lineItem', quantity: 'sum' },
  ],
  scenarios: [
    { fulfillmentProduct: 'SHIP', workspace: 'delivery' },
    { fulfillmentProduct: 'ACTIVATE', workspace: 'activation' },
    { fulfillmentProduct: 'PICKUP', workspace: 'pickup' },
  ],
  workspaces: [
    {
      id: 'delivery',
      groups: [
        { name: 'Stock', steps: [{ id: 'reserve', type: 'callout', scope: 'plan', dependsOn: [], call: { system: 'inventory', operation: 'reserve' }, pointOfNoReturn: false, fallout: { queue: 'inventory-desk' } }] },
        { name: 'Ship', steps: [{ id: 'ship', type: 'callout', scope: 'plan', dependsOn: ['reserve'], call: { system: 'shipping', operation: 'ship' }, pointOfNoReturn: true }] },
      ],
    },
    {
      id: 'activation',
      groups: [
        {
          name: 'Licence',
          steps: [
            { id: 'activate', type: 'callout', scope: 'plan', dependsOn: ['delivery.ship'], call: { system: 'provisioning', operation: 'activate' }, pointOfNoReturn: false },
            { id: 'check', type: 'manualTask', scope: 'plan', dependsOn: ['activate'], queue: 'licence-desk', pointOfNoReturn: false },
          ],
        },
      ],
    },
    { id: 'pickup', groups: [{ name: 'Return', steps: [{ id: 'collect', type: 'autoTask', scope: 'plan', dependsOn: [], handler: 'collect', pointOfNoReturn: false }] }] },
  ],
  falloutRules: [],
};

describe('dashboard figures', () => {
  it('percentiles are nearest-rank: observed values, p50 of an even count is the lower middle', () => {
    assert.equal(percentile([], 50), undefined);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([4, 1, 3, 2], 50), 2);
    assert.equal(percentile([4, 1, 3, 2], 95), 4);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred, 95), 95);
    assert.equal(percentile(hundred, 100), 100);
  });

  it('buckets are aligned on the hour and cover the whole window', () => {
    const span = windowSpan('24h', T0 + 30 * MIN);
    const starts = bucketStarts(span.sinceMs, span.untilMs, span.throughputBucketMs);
    assert.equal(starts.length, 25, 'a 24 h window that starts mid-hour touches 25 hours');
    assert.equal(at(starts[0]), '2026-11-30T12:00:00.000Z');
    assert.equal(at(starts.at(-1)!), '2026-12-01T12:00:00.000Z');
    assert.deepEqual(
      bucketStarts(windowSpan('1h', T0).sinceMs, T0, windowSpan('1h', T0).throughputBucketMs).map(at).slice(0, 2),
      ['2026-12-01T11:00:00.000Z', '2026-12-01T11:05:00.000Z'],
    );
  });

  it('throughput counts completions per hour, and nothing outside the window', () => {
    const span = windowSpan('24h', T0);
    const series = throughputSeries([T0 - 10 * MIN, T0 - 50 * MIN, T0 - 61 * MIN, T0 - 25 * HOUR, T0 + MIN], span);
    assert.equal(series.length, 25);
    assert.equal(series.reduce((n, b) => n + b.completed, 0), 3);
    const byStart = Object.fromEntries(series.map((b) => [b.start, b.completed]));
    assert.equal(byStart['2026-12-01T11:00:00.000Z'], 2);
    assert.equal(byStart['2026-12-01T10:00:00.000Z'], 1);
  });

  it("an order's cycle runs from submission to completion, and only invoiced orders have one", () => {
    const invoice = { kind: 'invoice' } as never;
    const credit = { kind: 'creditMemo' } as never;
    const base = { state: 'completed' as const, submittedAt: at(T0), completedAt: at(T0 + 90_000), invoices: [invoice] };
    assert.deepEqual(orderCycle(base, 0), { invoicedAtMs: T0 + 90_000, cycleMs: 90_000 });
    assert.deepEqual(orderCycle({ ...base, submittedAt: undefined }, T0 + 30_000), { invoicedAtMs: T0 + 90_000, cycleMs: 60_000 }, 'the workflow start stands in');
    assert.equal(orderCycle({ ...base, invoices: [credit] }, 0), undefined);
    assert.equal(orderCycle({ ...base, state: 'failed' }, 0), undefined);
  });

  it('cycle time p50/p95 per bucket and over the window', () => {
    const span = windowSpan('24h', T0);
    const cycles = [
      ...[1, 2, 3, 4, 100].map((minutes) => ({ invoicedAtMs: T0 - 10 * MIN, cycleMs: minutes * MIN })),
      { invoicedAtMs: T0 - 2 * HOUR, cycleMs: 7 * MIN },
      { invoicedAtMs: T0 - 30 * HOUR, cycleMs: 999 * MIN },
    ];
    const { series, overall } = cycleTimeSeries(cycles, span);
    const last = series.find((b) => b.start === '2026-12-01T11:00:00.000Z')!;
    assert.deepEqual(last, { start: last.start, orders: 5, p50Ms: 3 * MIN, p95Ms: 100 * MIN });
    const empty = series.find((b) => b.start === '2026-12-01T09:00:00.000Z')!;
    assert.equal(empty.orders, 0);
    assert.equal(empty.p50Ms, undefined);
    assert.deepEqual(overall, { orders: 6, p50Ms: 3 * MIN, p95Ms: 100 * MIN });
  });

  it('a finished step is before jeopardy, in jeopardy or late by its own times; without an estimate it has no SLA', () => {
    const times = { jeopardyAt: at(T0 + 30 * MIN), lateAt: at(T0 + HOUR) };
    assert.equal(slaOutcome(step({ definition: 'a.b', completedAt: at(T0 + 10 * MIN), ...times })), 'beforeJeopardy');
    assert.equal(slaOutcome(step({ definition: 'a.b', completedAt: at(T0 + 40 * MIN), ...times })), 'inJeopardy');
    assert.equal(slaOutcome(step({ definition: 'a.b', completedAt: at(T0 + 2 * HOUR), ...times })), 'late');
    assert.equal(slaOutcome(step({ definition: 'a.b', completedAt: at(T0 + 40 * MIN), lateAt: times.lateAt })), 'beforeJeopardy', 'no threshold: in time until late');
    assert.equal(slaOutcome(step({ definition: 'a.b', completedAt: at(T0) })), 'withoutSla');
    assert.equal(slaOutcome(step({ definition: 'a.b', state: 'InProgress', ...times })), undefined);
    assert.equal(slaOutcome(step({ definition: 'a.b', state: 'Skipped', completedAt: at(T0), ...times })), undefined);
  });

  it('SLA adherence shares by queue and by step definition, for steps finished in the window', () => {
    const span = windowSpan('24h', T0 + 3 * HOUR);
    const times = { jeopardyAt: at(T0 + 30 * MIN), lateAt: at(T0 + HOUR) };
    const plans = [
      {
        steps: [
          step({ definition: 'delivery.reserve', completedAt: at(T0 + 10 * MIN), ...times }),
          step({ definition: 'delivery.reserve', completedAt: at(T0 + 40 * MIN), ...times }),
          step({ definition: 'delivery.reserve', completedAt: at(T0 + 2 * HOUR), ...times }),
          step({ definition: 'delivery.reserve', completedAt: at(T0 + 5 * MIN), ...times }),
          step({ definition: 'activation.check', type: 'manualTask', queue: 'licence-desk', completedAt: at(T0 + 5 * MIN), ...times }),
          step({ definition: 'delivery.ship', completedAt: at(T0 + 5 * MIN) }),
          step({ definition: 'delivery.ship', completedAt: at(T0 - 2 * 24 * HOUR), ...times }),
        ],
      },
    ];
    const { byQueue, byDefinition } = slaAdherence(plans, span, catalogDefinitions(catalog));
    const reserve = byDefinition.find((row) => row.key === 'delivery.reserve')!;
    assert.deepEqual(reserve, { key: 'delivery.reserve', finished: 4, beforeJeopardy: 2, inJeopardy: 1, late: 1, withoutSla: 0 });
    assert.equal(adherenceShare(reserve, 'beforeJeopardy'), 0.5);
    assert.equal(adherenceShare(reserve, 'late'), 0.25);
    assert.deepEqual(byDefinition.find((row) => row.key === 'delivery.ship'), { key: 'delivery.ship', finished: 0, beforeJeopardy: 0, inJeopardy: 0, late: 0, withoutSla: 1 });
    assert.equal(byQueue.find((row) => row.key === 'inventory-desk')?.finished, 4, "a callout answers to its definition's fallout queue");
    assert.equal(byQueue.find((row) => row.key === 'licence-desk')?.finished, 1);
    assert.equal(byQueue.find((row) => row.key === '(no queue)')?.withoutSla, 1);
  });

  it('fallout volume by called system and error code, from each step’s fallout history in the window', () => {
    const span = windowSpan('24h', T0);
    const plans = [
      {
        steps: [
          step({ definition: 'delivery.reserve', fallouts: [{ at: at(T0 - HOUR), queue: 'q', message: 'm', code: 'OUT_OF_STOCK', attempts: 3 }, { at: at(T0 - MIN), queue: 'q', message: 'm', code: 'OUT_OF_STOCK', attempts: 1 }] }),
          step({ definition: 'activation.activate', fallouts: [{ at: at(T0 - HOUR), queue: 'q', message: 'm', attempts: 3 }, { at: at(T0 - 3 * 24 * HOUR), queue: 'q', message: 'm', code: 'X', attempts: 3 }] }),
          step({ definition: 'pickup.collect', type: 'autoTask', state: 'FatallyFailed', startedAt: at(T0 - MIN), error: { message: 'boom', code: 'E1', attempts: 2 } }),
        ],
      },
    ];
    const volume = falloutVolume(plans, span, catalogDefinitions(catalog));
    assert.equal(volume.total, 4);
    assert.deepEqual(volume.bySystem, [
      { key: 'inventory', count: 2 },
      { key: 'handler collect', count: 1 },
      { key: 'provisioning', count: 1 },
    ]);
    assert.deepEqual(volume.byCode, [
      { key: 'OUT_OF_STOCK', count: 2 },
      { key: NO_CODE, count: 1 },
      { key: 'E1', count: 1 },
    ]);
  });

  it("the catalog's plans: one per product sold alone, by the workspaces its Add rules lead to", () => {
    const plans = catalogPlans(catalog);
    assert.deepEqual(
      plans.map((plan) => [plan.product, plan.workspaces]),
      [
        ['KIT', ['delivery', 'activation']],
        ['SOLO', ['activation']],
      ],
    );
    const kit = plans[0];
    assert.deepEqual(kit.steps.find((s) => s.id === 'activation.activate')?.dependsOn, ['delivery.ship'], 'another workspace of the plan');
    assert.deepEqual(kit.steps.find((s) => s.id === 'delivery.ship')?.dependsOn, ['delivery.reserve'], 'same workspace');
    assert.deepEqual(plans[1].steps.find((s) => s.id === 'activation.activate')?.dependsOn, [], 'a dependency outside the plan is dropped');
  });

  it('the heatmap counts running orders per step definition once each, working and waiting apart', () => {
    const running = [
      { orderId: 'A', steps: [step({ definition: 'delivery.reserve', state: 'InProgress' }), step({ definition: 'delivery.reserve', state: 'InProgress', id: 'x2' }), step({ definition: 'delivery.ship', state: 'Pending' })] },
      { orderId: 'B', steps: [step({ definition: 'delivery.reserve', state: 'FatallyFailed' })] },
      { orderId: 'C', steps: [step({ definition: 'activation.activate', state: 'InProgress' })] },
    ];
    const [kit, solo] = heatmap(catalogPlans(catalog), running);
    const reserve = kit.steps.find((s) => s.id === 'delivery.reserve')!;
    assert.deepEqual([reserve.inProgress, reserve.waiting, reserve.fallout], [1, 1, 1]);
    assert.deepEqual([kit.steps.find((s) => s.id === 'delivery.ship')!.inProgress, kit.steps.find((s) => s.id === 'delivery.ship')!.waiting], [0, 0], 'Pending is not counted');
    assert.equal(kit.orders, 3);
    assert.equal(solo.orders, 1);
  });
});
