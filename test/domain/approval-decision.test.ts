import assert from 'node:assert/strict';
import { ApiApprovalDecision, ApprovalDecision, whyActorMayNotApprove } from '../../domain/approval-decision';
import { InvalidInput, parseWith } from '../../domain/problems';

/** The approval decision the console and the API take, and who may give it (the order's own words). */
describe('approval decisions', () => {
  const problems = (schema: typeof ApprovalDecision | typeof ApiApprovalDecision, input: unknown) => {
    try {
      parseWith(schema, input, 'the approval');
      return [];
    } catch (error) {
      assert.ok(error instanceof InvalidInput);
      return error.problems.map((p) => p.path);
    }
  };

  it('takes approved, a trimmed reason, and on the API an actor', () => {
    assert.deepEqual(parseWith(ApprovalDecision, { approved: true, reason: ' credit checked ' }, 'the approval'), { approved: true, reason: 'credit checked' });
    assert.deepEqual(parseWith(ApprovalDecision, { approved: true, reason: '  ' }, 'the approval'), { approved: true, reason: undefined });
    assert.deepEqual(parseWith(ApiApprovalDecision, { approved: false, reason: 'no', actor: 'grace' }, 'the approval'), { approved: false, reason: 'no', actor: 'grace' });
  });

  it('refuses a missing or non-boolean approved, a refusal without a reason, unknown fields, and an actor in the console', () => {
    assert.deepEqual(problems(ApprovalDecision, {}), ['approved']);
    assert.deepEqual(problems(ApprovalDecision, { approved: 'yes', colour: 'red' }), ['approved', 'colour']);
    assert.deepEqual(problems(ApprovalDecision, { approved: false }), ['reason']);
    assert.deepEqual(problems(ApprovalDecision, { approved: false, reason: ' ' }), ['reason']);
    assert.deepEqual(problems(ApprovalDecision, { approved: true, actor: 'grace' }), ['actor']);
    assert.deepEqual(problems(ApiApprovalDecision, { approved: true, actor: ' ' }), ['actor']);
  });

  it('says why an actor may not approve, naming the queue and its members, as the order does', () => {
    const directory = { credit: { members: ['bob'], assignment: 'none' as const } };
    assert.equal(whyActorMayNotApprove('bob', 'ORD-1', ['credit'], directory), undefined);
    assert.equal(whyActorMayNotApprove('ann', 'ORD-1', ['credit'], directory), 'ann may not approve order ORD-1: not a member of credit (bob)');
    assert.equal(whyActorMayNotApprove('ann', 'ORD-1', ['audit'], directory), 'ann may not approve order ORD-1: not a member of audit (no members in temporal-config.yaml)');
  });
});
