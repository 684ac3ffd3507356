import assert from 'node:assert/strict';
import { ServiceError } from '@temporalio/client';
import { explainTemporalRefusal } from '../../client/temporal-refusal';

/** A refusal Temporal's server still gives is explained in one line, with its status and what to do. */
describe('explainTemporalRefusal', () => {
  it('names RESOURCE_EXHAUSTED and its reason for `Failed to start Workflow`, in one line', () => {
    const grpc = Object.assign(new Error('8 RESOURCE_EXHAUSTED: grpc: received message larger than max (10485760 vs. 4194304)'), {
      code: 8,
      details: 'grpc: received message larger than max (10485760 vs. 4194304)',
    });
    const line = explainTemporalRefusal(new ServiceError('Failed to start Workflow', { cause: grpc }));
    assert.ok(line);
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /^Failed to start Workflow: Temporal refused it with RESOURCE_EXHAUSTED \(grpc: received message larger than max/);
    assert.match(line, /docs\/limits\.md/);
  });

  it('leaves other errors alone', () => {
    assert.equal(explainTemporalRefusal(new Error('boom')), undefined);
  });
});
