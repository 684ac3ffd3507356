import assert from 'node:assert/strict';
import { incidentFilter } from '../../console/desk-views';
import { slaNow, span } from '../../console/page/sla';
import { OrdoError } from '../../client/errors';

/** The desks' pure parts: the incident filter as the API reads it, and the SLA countdown as the page words it. */
describe('desk views: filters and SLA words', () => {
  it('reads the incident filters, trimmed, leaving out empty ones', () => {
    assert.deepEqual(incidentFilter({ queue: ' provisioning-desk ', system: '', code: 'port-busy', olderThan: '15m' }), { queue: 'provisioning-desk', code: 'port-busy', olderThan: '15m' });
    assert.deepEqual(incidentFilter({}), {});
  });

  it('refuses an unknown filter, a bad age and a filter that is not text, naming the field and the fix', () => {
    const refused = (raw: Record<string, unknown>, message: RegExp) =>
      assert.throws(() => incidentFilter(raw), (error: unknown) => error instanceof OrdoError && error.code === 'invalid' && message.test(error.message));
    refused({ colour: 'red' }, /^unknown filter colour: filters are queue, system, code, step, order, account, olderThan$/);
    refused({ olderThan: 'a while' }, /^filter olderThan must be a duration such as 30s, 15m, 2h or 3d, not "a while"$/);
    refused({ account: ['A', 'B'] }, /^filter account must be text, not \["A","B"\]$/);
  });

  it('counts the SLA down from the deadlines, past the state the workflow last reported', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
    assert.equal(slaNow({ jeopardy: 'none', jeopardyAt: at(30), lateAt: at(60) }, now), 'none');
    assert.equal(slaNow({ jeopardy: 'none', jeopardyAt: at(-1), lateAt: at(60) }, now), 'inJeopardy', 'the deadline passed since the list was read');
    assert.equal(slaNow({ jeopardy: 'inJeopardy', jeopardyAt: at(-30), lateAt: at(-1) }, now), 'late');
    assert.equal(slaNow({ jeopardy: 'late' }, now), 'late');
    assert.deepEqual([span(45_000), span(200_000), span(3_900_000), span(90_000_000)], ['45s', '3m 20s', '1h 05m', '1d 1h']);
  });
});
