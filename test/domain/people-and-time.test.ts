import assert from 'node:assert/strict';
import type { FalloutRule, StepDefinition } from '../../domain/catalog';
import { parseCatalog } from '../../domain/catalog-load';
import { chooseFalloutQueue, DEFAULT_FALLOUT_QUEUE } from '../../domain/fallout';
import type { FulfillmentLineItem, PlanStep } from '../../domain/plan';
import { whyActorMayNotAct } from '../../domain/queues';
import { retryDelay } from '../../domain/retry';
import { plannedSchedule, slaDeadlines } from '../../domain/schedule';
import { conditionHolds } from '../../domain/step-conditions';

const callout = (extra: Partial<StepDefinition> = {}): StepDefinition =>
  ({ id: 'reserve', type: 'callout', scope: 'plan', dependsOn: [], pointOfNoReturn: false, call: { system: 'inventory', operation: 'reserve' }, ...extra }) as StepDefinition;

describe('fallout queue choice', () => {
  const rules: FalloutRule[] = [
    { system: 'inventory', errorCode: 'out-of-stock', queue: 'stock-desk' },
    { errorCode: 'auth-expired', queue: 'security-desk' },
    { system: 'inventory', queue: 'inventory-desk' },
    { handler: 'pickList', queue: 'warehouse-desk' },
    { queue: 'catch-all' },
  ];
  it('prefers a rule for the system and error code, even over the step queue', () => {
    assert.equal(chooseFalloutQueue(rules, callout({ fallout: { queue: 'own' } }), 'out-of-stock'), 'stock-desk');
  });
  it('then a rule for the error code alone', () => {
    assert.equal(chooseFalloutQueue(rules, callout({ fallout: { queue: 'own' } }), 'auth-expired'), 'security-desk');
  });
  it('then the step’s own queue', () => {
    assert.equal(chooseFalloutQueue(rules, callout({ fallout: { queue: 'own' } }), 'http-503'), 'own');
  });
  it('then a rule for the system, then the catch-all, then `fallout`', () => {
    assert.equal(chooseFalloutQueue(rules, callout(), 'http-503'), 'inventory-desk');
    assert.equal(chooseFalloutQueue(rules, callout({ call: { system: 'shipping', operation: 'ship' } }), 'http-503'), 'catch-all');
    assert.equal(chooseFalloutQueue([], callout(), 'x'), DEFAULT_FALLOUT_QUEUE);
  });
  it('matches auto tasks by handler', () => {
    const autoTask = { id: 'pick', type: 'autoTask', handler: 'pickList', scope: 'plan', dependsOn: [], pointOfNoReturn: false } as StepDefinition;
    assert.equal(chooseFalloutQueue(rules, autoTask, 'boom'), 'warehouse-desk');
  });
});

describe('who may act on a step', () => {
  const directory = { desk: { members: ['ann', 'ben'], assignment: 'none' as const }, leads: { members: ['lee'], assignment: 'none' as const } };
  it('lets members of the step’s queues and its runAs identity act', () => {
    assert.equal(whyActorMayNotAct('ann', ['desk'], undefined, directory), undefined);
    assert.equal(whyActorMayNotAct('lee', ['desk', 'leads'], undefined, directory), undefined);
    assert.equal(whyActorMayNotAct('bot', ['desk'], 'bot', directory), undefined);
  });
  it('names the queue and its members when refusing', () => {
    assert.equal(whyActorMayNotAct('zed', ['desk'], 'bot', directory), 'zed may not act on this step: not a member of desk (ann, ben) and not its runAs identity bot');
    assert.equal(whyActorMayNotAct('zed', ['nowhere'], undefined, directory), 'zed may not act on this step: not a member of nowhere (no members in temporal-config.yaml)');
    assert.equal(whyActorMayNotAct('', ['desk'], undefined, directory), 'actor is required: say who is acting');
  });
});

describe('retry policies', () => {
  it('immediate: no wait, until maxAttempts', () => {
    assert.deepEqual([1, 2, 3].map((a) => retryDelay({ policy: 'immediate', maxAttempts: 3 }, a)), [0, 0, undefined]);
  });
  it('fixed: the interval, until maxAttempts', () => {
    assert.deepEqual([1, 2, 3].map((a) => retryDelay({ policy: 'fixed', interval: 1500 as never, maxAttempts: 3 }, a)), [1500, 1500, undefined]);
  });
  it('staggered: one wait per retry, then fallout', () => {
    assert.deepEqual([1, 2, 3].map((a) => retryDelay({ policy: 'staggered', intervals: [10, 60] as never }, a)), [10, 60, undefined]);
  });
});

describe('pause conditions', () => {
  const line = (attributes: Record<string, string | boolean>): FulfillmentLineItem => ({
    id: `L-${JSON.stringify(attributes)}`, product: 'P', scope: 'lineItem', ruleIds: ['r'], sourceItemIds: ['OI-1'], quantity: 1, attributes,
  });
  const orderItems = new Map([['OI-1', { id: 'OI-1', product: 'X', quantity: 2, unitPrice: '1.00', attributes: { siteReady: 'yes' } }]]);
  it('reads line item attributes (the default owner) and compares as text', () => {
    assert.equal(conditionHolds({ field: 'attributes.ready', equals: true }, { lineItems: [line({ ready: 'true' })], orderItems }), true);
    assert.equal(conditionHolds({ field: 'lineItem.attributes.ready', equals: true }, { lineItems: [line({ ready: true }), line({ ready: false })], orderItems }), false);
  });
  it('reads the source order items', () => {
    assert.equal(conditionHolds({ field: 'orderItem.attributes.siteReady', equals: 'yes' }, { lineItems: [line({})], orderItems }), true);
    assert.equal(conditionHolds({ field: 'orderItem.quantity', equals: 2 }, { lineItems: [line({})], orderItems }), true);
  });
  it('does not hold for a missing attribute or a malformed field', () => {
    assert.equal(conditionHolds({ field: 'lineItem.attributes.nope', equals: true }, { lineItems: [line({})], orderItems }), false);
    assert.equal(conditionHolds({ field: 'a.b.c.d', equals: true }, { lineItems: [line({})], orderItems }), false);
  });
});

describe('planned schedule and SLA deadlines', () => {
  const step = (id: string, dependsOn: string[]): PlanStep => ({ id, definition: `w.${id}`, workspace: 'w', group: 'g', type: 'callout', scope: 'plan', lineItemIds: [], dependsOn, pointOfNoReturn: false });
  const def = (estimatedDuration?: number, jeopardyThreshold?: number) => ({ estimatedDuration, jeopardyThreshold }) as unknown as StepDefinition;
  it('starts a step when its last dependency is planned to finish', () => {
    const times = plannedSchedule([step('a', []), step('b', []), step('c', ['a', 'b'])], { 'w.a': def(1000), 'w.b': def(3000), 'w.c': def(500) }, 10_000);
    assert.deepEqual(Object.fromEntries(times), {
      a: { plannedStart: 10_000, plannedCompletion: 11_000 },
      b: { plannedStart: 10_000, plannedCompletion: 13_000 },
      c: { plannedStart: 13_000, plannedCompletion: 13_500 },
    });
  });
  it('puts jeopardy at estimate − threshold and late at the estimate, and holds for days', () => {
    assert.deepEqual(slaDeadlines(def(3 * 86_400_000, 86_400_000), 0), { jeopardyAt: 2 * 86_400_000, lateAt: 3 * 86_400_000 });
    assert.deepEqual(slaDeadlines(def(60_000), 5), { jeopardyAt: undefined, lateAt: 60_005 });
    assert.equal(slaDeadlines(def(), 5), undefined);
  });
});

describe('catalog checks for people and time', () => {
  const catalogWith = (step: string) => `
products: [{ code: P }]
fulfillmentProducts: [{ code: F, fulfilledBy: { system: s } }]
decompositionRules: [{ id: r, source: P, destination: F }]
workspaces:
  - id: w
    groups:
      - name: g
        steps:
          - ${step}
scenarios: [{ fulfillmentProduct: F, workspace: w }]
`;
  it('refuses a manual task without a queue', () => {
    assert.throws(() => parseCatalog([{ path: 'c.yaml', text: catalogWith('{ id: approve, type: manualTask }') }]), /steps\[0\]\.queue: manual task approve has no queue/);
  });
  it('refuses a pause condition on a field it cannot read', () => {
    assert.throws(
      () => parseCatalog([{ path: 'c.yaml', text: catalogWith('{ id: wait, type: pause, resumeOn: { condition: { field: "order.x.y.z", equals: true } } }') }]),
      /resumeOn\.condition\.field: "order\.x\.y\.z" is not a field a condition can read/,
    );
  });
});
