import assert from 'node:assert/strict';
import { formatPlanView, formatSummary } from '../../client/cli/format';
import type { FulfillmentOrderPlan, OrderSummary, StepStatus } from '../../workflows/types';

/** `ordo plan ORDER`'s human output, from a hand-built plan: no server. */

const NOW = Date.parse('2026-11-23T10:10:00.000Z');

function step(id: string, fields: Partial<StepStatus>): StepStatus {
  return {
    id,
    definition: id,
    workspace: 'router-delivery',
    group: 'Approval',
    type: 'callout',
    scope: 'plan',
    lineItemIds: [],
    dependsOn: [],
    pointOfNoReturn: false,
    state: 'Pending',
    attempts: 0,
    jeopardy: 'none',
    ...fields,
  };
}

const plan: FulfillmentOrderPlan = {
  orderId: 'ORD-1',
  fulfillmentOrderId: 'FO-WH-EAST-DG-BRANCH-7',
  location: 'WH-EAST',
  deliveryGroupId: 'DG-BRANCH-7',
  state: 'inProgress',
  counts: { total: 4, completed: 1, inProgress: 2, fatallyFailed: 0, inJeopardy: 1 },
  steps: [
    step('router-delivery.approve', {
      type: 'manualTask',
      state: 'InProgress',
      attempts: 1,
      queue: 'fulfillment-desk',
      escalatedTo: ['ops-leads'],
      assignee: 'carol',
      jeopardy: 'inJeopardy',
      lateAt: '2026-11-23T10:15:00.000Z',
      rejectedMessages: [
        { at: '2026-11-23T10:05:00.000Z', message: 'manualTaskCompleted', actor: 'bob', reason: 'bob may not act on this step: not a member of fulfillment-desk (alice, carol)' },
      ],
    }),
    step('router-delivery.check', { type: 'manualTask', state: 'InProgress', attempts: 1, queue: 'fulfillment-desk' }),
    step('router-delivery.ship', {
      state: 'Completed',
      attempts: 1,
      jeopardy: 'late',
      operatorActions: [{ at: '2026-11-23T10:02:00.000Z', actor: 'alice', action: 'fallout retry', note: 'carrier back up' }],
    }),
    step('router-delivery.reserve', { state: 'InProgress', attempts: 1, jeopardy: 'late' }),
  ],
  rejectedMessages: [{ at: '2026-11-23T10:06:00.000Z', message: 'resume', actor: 'dave', reason: 'name is required' }],
};

describe('ordo plan, human output', () => {
  const lines = formatPlanView({ orderId: 'ORD-1', state: 'inProgress', fulfillmentOrders: [plan] }, NOW).split('\n');
  const under = (stepId: string): string[] => {
    const at = lines.findIndex((l) => l.includes(` ${stepId} `));
    assert.ok(at >= 0, `a line for ${stepId}`);
    const rest = lines.slice(at + 1);
    const end = rest.findIndex((l) => !l.startsWith('        '));
    return (end < 0 ? rest : rest.slice(0, end)).map((l) => l.trim());
  };

  it('shows who a waiting manual task is with, where it is queued and its SLA', () => {
    assert.equal(under('router-delivery.approve')[0], 'queue fulfillment-desk, escalated to ops-leads, assigned to carol, IN JEOPARDY (late in 5m)');
    assert.deepEqual(under('router-delivery.check'), ['queue fulfillment-desk, unassigned']);
  });

  it('shows the refused messages under their step, and those that named no step under the split', () => {
    assert.equal(
      under('router-delivery.approve')[1],
      'refused manualTaskCompleted from bob at 2026-11-23T10:05:00.000Z: bob may not act on this step: not a member of fulfillment-desk (alice, carol)',
    );
    assert.equal(lines.at(-1), '  refused resume from dave at 2026-11-23T10:06:00.000Z: name is required');
  });

  it('shows the operator actions on a step', () => {
    assert.deepEqual(under('router-delivery.ship'), ['fallout retry by alice at 2026-11-23T10:02:00.000Z: carrier back up']);
  });

  it('shows jeopardy of a running step, never of a finished one', () => {
    assert.deepEqual(under('router-delivery.reserve'), ['LATE']);
    assert.ok(!under('router-delivery.ship').includes('LATE'));
  });
});

describe('ordo status (formatSummary)', () => {
  const summary: OrderSummary = {
    orderId: 'SO-12',
    accountId: 'ACME',
    channel: 'b2b',
    currency: 'USD',
    state: 'inProgress',
    fulfillmentOrders: [],
    unfulfilledItems: [],
    billing: { milestone: 'waiting' },
    invoices: [],
    actions: [],
    changeOrders: [],
    jeopardy: 0,
    fallout: 0,
  };

  it("names the order's twins in the channels when a sync made it, and says nothing of twins otherwise", () => {
    const linked = formatSummary({ ...summary, links: { storefrontOrder: 'SO-12', opportunity: 'OPP-3', quote: 'Q-4', cpqOrder: 'ORD-5' } }).split('\n');
    assert.equal(linked[2], '  Twins: storefront order SO-12, opportunity OPP-3, quote Q-4, CPQ order ORD-5');
    assert.ok(!formatSummary(summary).includes('Twins'));
  });
});
