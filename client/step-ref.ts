import type { StepStatus } from '../workflows/types';
import { OrdoError } from './errors';

/** One fulfillment order of an order as the operator verbs see it: where it runs and its steps. */
export interface SplitSteps {
  fulfillmentOrderId: string;
  workflowId: string;
  steps: StepStatus[];
}

export interface ResolvedStep {
  fulfillmentOrderId: string;
  workflowId: string;
  step: StepStatus;
}

/**
 * Finds the one step of an order that an operator names. Accepted forms, tried in this order:
 *   - the full step id: `router-delivery.approve`, `service-activation.configure[CONFIGURE-SERVICE:OI-3]`;
 *   - `FO-ID/<any form>`: only that fulfillment order's steps;
 *   - `<workspace>.<step>` (the definition key) or `<step>` (the definition's own id, e.g. `approve`),
 *     optionally followed by the instance's `[...]` suffix.
 * A reference that matches no step, or more than one, is refused as invalid with the candidates.
 */
export function resolveStepRef(orderId: string, ref: string, splits: readonly SplitSteps[]): ResolvedStep {
  const trimmed = ref.trim();
  if (!trimmed) throw new OrdoError('invalid', 'a step reference is required, e.g. `approve` or `router-delivery.approve`');
  let scope = splits;
  let name = trimmed;
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const foId = trimmed.slice(0, slash);
    scope = splits.filter((split) => split.fulfillmentOrderId === foId);
    if (scope.length === 0) {
      throw new OrdoError('invalid', `order ${orderId} has no fulfillment order ${foId}; it has ${splits.map((s) => s.fulfillmentOrderId).join(', ') || 'none yet'}`);
    }
    name = trimmed.slice(slash + 1);
  }
  const all = scope.flatMap((split) => split.steps.map((step) => ({ fulfillmentOrderId: split.fulfillmentOrderId, workflowId: split.workflowId, step })));
  const exact = all.filter((candidate) => candidate.step.id === name);
  const matches = exact.length > 0 ? exact : all.filter((candidate) => shortNames(candidate.step).includes(name));
  if (matches.length === 1) return matches[0];
  const listed = (matches.length ? matches : all).map((c) => `  ${c.fulfillmentOrderId}/${c.step.id} (${c.step.state})`);
  if (matches.length === 0) {
    throw new OrdoError('invalid', `no step "${ref}" in order ${orderId}; its steps are:\n${listed.join('\n') || '  (none yet)'}`);
  }
  throw new OrdoError('invalid', `"${ref}" names ${matches.length} steps of order ${orderId}; name one of them:\n${listed.join('\n')}`);
}

/** `approve`, `router-delivery.approve`, and with an instance suffix `configure[CONFIGURE-SERVICE:OI-3]`. */
function shortNames(step: StepStatus): string[] {
  const stepId = step.definition.startsWith(`${step.workspace}.`) ? step.definition.slice(step.workspace.length + 1) : step.definition;
  const suffix = step.id.startsWith(step.definition) ? step.id.slice(step.definition.length) : '';
  const names = [step.definition, stepId];
  if (suffix) names.push(`${stepId}${suffix}`);
  return names;
}
