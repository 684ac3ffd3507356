import assert from 'node:assert/strict';
import { formatPlanView } from '../../client/cli/format';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';

/** `ordo plan ORDER` shows a dated step waiting `Scheduled` with the date it starts; from a hand-built plan. */

const base = { definition: 'service.activate', workspace: 'service', group: 'Service', type: 'callout', scope: 'plan', pointOfNoReturn: false, attempts: 0, jeopardy: 'none' } as const;
const steps: StepStatus[] = [
  { ...base, lineItemIds: [], id: 'service.prepare', dependsOn: [], state: 'Completed' },
  { ...base, lineItemIds: [], id: 'service.activate', dependsOn: ['service.prepare'], state: 'Scheduled', notBefore: '2027-01-05T00:00:00.000Z', scheduledFor: '2027-01-05T00:00:00.000Z' },
];
const plan: FulfillmentOrderPlan = {
  orderId: 'ORD-1',
  fulfillmentOrderId: 'FO-provisioning',
  system: 'provisioning',
  state: 'inProgress',
  counts: { total: 2, completed: 1, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 },
  steps,
};

describe('ordo plan, human output: dated steps', () => {
  it('shows a Scheduled step with its mark and the date it starts', () => {
    const lines = formatPlanView({ orderId: 'ORD-1', state: 'inProgress', fulfillmentOrders: [plan] }, Date.parse('2026-12-02T00:00:00Z')).split('\n');
    const line = lines.find((l) => l.includes(' service.activate '));
    assert.ok(line, lines.join('\n'));
    assert.match(line, /◷ service\.activate +Scheduled +starts 2027-01-05T00:00:00\.000Z; after service\.prepare/);
  });
});
