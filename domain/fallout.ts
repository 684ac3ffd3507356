import type { FalloutRule, StepDefinition } from './catalog';

/** Where a step that fell out goes when no rule and no step says: operators watch this queue too. */
export const DEFAULT_FALLOUT_QUEUE = 'fallout';

/**
 * The fallout queue of a callout or auto task that failed for good (DESIGN.md "Fallout"). The most specific
 * answer wins:
 *   1. a catalog rule for this system (callout) or handler (auto task) and this error code;
 *   2. a catalog rule for this error code with a blank system/handler;
 *   3. the step's own `fallout.queue`;
 *   4. a catalog rule for this system or handler with a blank error code;
 *   5. the catalog's catch-all (every key blank);
 *   6. `fallout`.
 * So an error code that needs a specialist desk (say `out-of-stock`) overrides the step's usual queue.
 */
export function chooseFalloutQueue(rules: readonly FalloutRule[], step: StepDefinition, errorCode?: string): string {
  const key = (rule: FalloutRule) => (step.type === 'callout' ? rule.system : rule.handler);
  const keyed = (rule: FalloutRule) => rule.system !== undefined || rule.handler !== undefined;
  const ownKey = step.type === 'callout' ? step.call?.system : step.handler;
  const matchesKey = (rule: FalloutRule) => keyed(rule) && key(rule) === ownKey;
  const matchesCode = (rule: FalloutRule) => rule.errorCode !== undefined && rule.errorCode !== '' && rule.errorCode === errorCode;
  const blankCode = (rule: FalloutRule) => rule.errorCode === undefined || rule.errorCode === '';
  return (
    rules.find((r) => matchesKey(r) && matchesCode(r))?.queue ??
    rules.find((r) => !keyed(r) && matchesCode(r))?.queue ??
    step.fallout?.queue ??
    rules.find((r) => matchesKey(r) && blankCode(r))?.queue ??
    rules.find((r) => !keyed(r) && blankCode(r))?.queue ??
    DEFAULT_FALLOUT_QUEUE
  );
}
