import assert from 'node:assert/strict';
import { describeRun, ordo, STACK_FRAME } from './run-ordo';

/** `ordo subscriptions`, `ordo subscription`, `ordo renew`: usage mistakes are refused before anything is asked of Temporal. */
describe('ordo subscription verbs: usage errors', () => {
  const usageErrors: Array<[string[], RegExp]> = [
    [['subscriptions', 'ACME'], /subscriptions takes no arguments, only \[--account A\]/],
    [['subscriptions', '--account', ' '], /--account takes an account id/],
    [['subscription'], /subscription takes one ORDER id or SUB-ORDER subscription id/],
    [['renew'], /renew takes one ORDER id/],
    [['renew', 'ORD-1', '--effective', '2030-1-1'], /renew --effective takes a date YYYY-MM-DD/],
  ];
  for (const [args, says] of usageErrors) {
    it(`ordo ${args.join(' ')} exits 2 with the usage`, async () => {
      const result = await ordo(args);
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, says);
      assert.match(result.stderr, /ordo renew ORDER \[--effective YYYY-MM-DD\]/);
      assert.doesNotMatch(result.stderr, STACK_FRAME);
    });
  }
});
