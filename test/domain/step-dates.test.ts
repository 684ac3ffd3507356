import assert from 'node:assert/strict';
import { parseCatalog } from '../../domain/catalog-load';
import { decompose } from '../../domain/decompose';
import { InvalidInput, type Problem } from '../../domain/problems';
import { plannedSchedule } from '../../domain/schedule';
import { parseStartDate } from '../../domain/step-dates';
import { item, orderOf } from './fixtures';

/** A service sold with a start date: activation waits for it, the first check-in 30 days after activation. */
const catalogWith = (steps: string) =>
  parseCatalog([
    {
      path: 'test:dated',
      text: `
products:
  - { code: SERVICE }
fulfillmentProducts:
  - { code: SERVICE-WORK, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-service, source: SERVICE, destination: SERVICE-WORK }
workspaces:
  - id: service
    groups:
      - name: Main
        steps:
${steps}
scenarios:
  - { fulfillmentProduct: SERVICE-WORK, workspace: service }
`,
    },
  ]);

const DATED = catalogWith(`
          - { id: prepare, type: callout, call: { system: provisioning, operation: prepare } }
          - { id: activate, type: callout, scope: lineItem, dependsOn: [prepare], startAt: { field: startDate }, call: { system: provisioning, operation: activate } }
          - { id: go-live, type: milestone, dependsOn: [activate], startAt: { attribute: goLive } }
          - { id: check-in, type: manualTask, queue: desk, dependsOn: [activate], startAfter: 30d }`);

function catalogProblems(steps: string): Problem[] {
  try {
    catalogWith(steps);
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    return error.problems;
  }
  assert.fail('expected the catalog to be refused');
}

const stepsOf = (plan: ReturnType<typeof decompose>) => new Map(plan.fulfillmentOrders.flatMap((fo) => fo.steps).map((s) => [s.id, s]));

describe('dated steps: catalog fields and the dates decomposition writes on plan steps', () => {
  it('writes notBefore (midnight UTC of a date-only startDate) on the dated step and startAfter in milliseconds', () => {
    const plan = decompose(orderOf([item('OI-1', 'SERVICE', 1, { startDate: '2027-01-05', attributes: { goLive: '2027-02-01T09:30:00+01:00' } })]), DATED);
    const steps = stepsOf(plan);
    assert.equal(steps.get('service.prepare')!.notBefore, undefined, 'an undated step has no date');
    assert.equal(steps.get('service.activate[SERVICE-WORK:OI-1]')!.notBefore, '2027-01-05T00:00:00.000Z');
    assert.equal(steps.get('service.go-live')!.notBefore, '2027-02-01T08:30:00.000Z', 'an attribute date-time keeps its zone');
    assert.equal(steps.get('service.check-in')!.startAfter, 30 * 86_400_000);
    assert.equal(steps.get('service.check-in')!.notBefore, undefined);
  });

  it('takes the latest date of a plan-scope step’s items, and leaves a step undated when no item has the date', () => {
    const plan = decompose(
      orderOf([item('OI-1', 'SERVICE', 1, { attributes: { goLive: '2027-03-01' } }), item('OI-2', 'SERVICE', 1, { attributes: { goLive: '2027-04-15' } }), item('OI-3', 'SERVICE')]),
      DATED,
    );
    const steps = stepsOf(plan);
    assert.equal(steps.get('service.go-live')!.notBefore, '2027-04-15T00:00:00.000Z');
    assert.equal(steps.get('service.activate[SERVICE-WORK:OI-3]')!.notBefore, undefined, 'no startDate: starts when its dependencies allow');
  });

  it('plans a dated step to start on its date, and a startAfter step that long after its dependencies', () => {
    const plan = decompose(orderOf([item('OI-1', 'SERVICE', 1, { startDate: '2027-01-05' })]), DATED);
    const fo = plan.fulfillmentOrders[0];
    const start = Date.UTC(2026, 11, 1);
    const times = plannedSchedule(fo.steps, fo.definitions, start);
    assert.equal(times.get('service.prepare')!.plannedStart, start);
    assert.equal(times.get('service.activate[SERVICE-WORK:OI-1]')!.plannedStart, Date.UTC(2027, 0, 5));
    assert.equal(times.get('service.check-in')!.plannedStart, Date.UTC(2027, 0, 5) + 30 * 86_400_000);
  });

  it('is deterministic: the same order gives the same plan', () => {
    const order = orderOf([item('OI-1', 'SERVICE', 1, { startDate: '2027-01-05' })]);
    assert.deepEqual(decompose(order, DATED), decompose(order, DATED));
  });

  it('refuses an order whose dated attribute is not a date, naming the item, the attribute and the fix', () => {
    assert.throws(
      () => decompose(orderOf([item('OI-1', 'SERVICE', 1, { attributes: { goLive: 'next tuesday' } })]), DATED),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInput);
        assert.equal(error.problems.length, 1);
        assert.equal(error.problems[0].path, 'items[0].attributes.goLive');
        assert.match(error.problems[0].message, /"next tuesday" on item OI-1 is not a date/);
        assert.match(error.problems[0].fix!, /2027-01-05/);
        return true;
      },
    );
  });

  it('parses dates and date-times with a zone, and nothing else', () => {
    assert.equal(parseStartDate('2027-01-05'), Date.UTC(2027, 0, 5));
    assert.equal(parseStartDate('2027-01-05T10:00:00Z'), Date.UTC(2027, 0, 5, 10));
    assert.equal(parseStartDate('2027-02-30'), undefined, 'not a real day');
    assert.equal(parseStartDate('2027-01-05T10:00:00'), undefined, 'a date-time without a zone is ambiguous');
    assert.equal(parseStartDate(20270105), undefined);
    assert.equal(parseStartDate(undefined), undefined);
  });

  it('refuses a catalog with an unknown startAt field, both or neither of field and attribute, or a bad startAfter, naming the field', () => {
    const unknownField = catalogProblems(`          - { id: a, type: milestone, startAt: { field: endDate } }`);
    assert.equal(unknownField[0].path, 'test:dated: workspaces[0].groups[0].steps[0].startAt.field');
    assert.match(unknownField[0].message, /"endDate" is not allowed/);
    assert.match(unknownField[0].fix!, /startDate/);

    const both = catalogProblems(`          - { id: a, type: milestone, startAt: { field: startDate, attribute: goLive } }`);
    assert.match(both[0].path, /steps\[0\]\.startAt$/);
    assert.match(both[0].message, /one of field: startDate or attribute: NAME/);

    const stray = catalogProblems(`          - { id: a, type: milestone, startAt: { date: 2027-01-01 } }`);
    assert.match(stray.map((p) => `${p.path} ${p.message}`).join('\n'), /startAt.*date/);

    const badDuration = catalogProblems(`          - { id: a, type: milestone, startAfter: 30 days }`);
    assert.equal(badDuration[0].path, 'test:dated: workspaces[0].groups[0].steps[0].startAfter');
    assert.match(badDuration[0].message, /"30 days" is not a duration/);
  });
});
