import type { Finding } from '../../domain/lint';
import type { Plan } from '../../domain/plan';
import { FINISHED_STEP_STATES, type FulfillmentOrderPlan, type OrderPlanView, type OrderSummary, type StepStatus } from '../../workflows/types';
import { parseCrossPlanRef } from '../../domain/cross-plan';
import { awaitedBy, describeUpstream, upstreamStep, type KnownSplit } from '../cross-plan-view';
import { jeopardyNote } from './format-operator';

/** Human-readable renderings of what the CLI prints; `--json` prints the objects themselves. */

export function formatSummary(summary: OrderSummary): string {
  const lines = [`Order ${summary.orderId}  ${summary.state}${summary.reason ? ` — ${summary.reason}` : ''}`];
  lines.push(`  account ${summary.accountId}, channel ${summary.channel}, currency ${summary.currency}`);
  if (summary.links) lines.push(`  Twins: ${twinsLine(summary.links)}`);
  if (summary.fulfillmentOrders.length) {
    lines.push('  Fulfillment orders:');
    for (const fo of summary.fulfillmentOrders) {
      const where = fo.location ? `${fo.location} → ${fo.deliveryGroupId}` : fo.system;
      const s = fo.steps;
      const extra = [s.fatallyFailed ? `${s.fatallyFailed} in fallout` : '', s.inJeopardy ? `${s.inJeopardy} in jeopardy` : ''].filter(Boolean).join(', ');
      lines.push(`    ${fo.id.padEnd(28)} ${fo.state.padEnd(11)} ${String(s.completed).padStart(3)}/${s.total} steps done  (${where})${extra ? `  ${extra}` : ''}`);
    }
  }
  for (const item of summary.unfulfilledItems) lines.push(`  Unfulfilled: ${item.itemId} (${item.product}): ${item.reason}`);
  lines.push(...formatChanges(summary));
  lines.push(`  Billing milestone: ${summary.billing.milestone}`);
  for (const invoice of summary.invoices) {
    lines.push(`  ${invoice.kind === 'creditMemo' ? 'Credit memo' : 'Invoice'} ${invoice.id}  total ${invoice.total} ${invoice.currency} (subtotal ${invoice.subtotal}, discount ${invoice.discount}, tax ${invoice.tax})`);
    for (const line of invoice.lines) {
      lines.push(`    ${line.orderItemId.padEnd(10)} ${line.product.padEnd(16)} × ${String(line.quantity).padStart(3)}  amount ${line.amount.padStart(10)}  tax ${line.tax.padStart(8)}`);
    }
  }
  return lines.join('\n');
}

/** Order actions, the point of no return per item, a cancellation and its compensations, refused messages. */
function formatChanges(summary: OrderSummary): string[] {
  const lines: string[] = [];
  if (summary.actions.length) {
    lines.push('  Order actions:');
    for (const action of summary.actions) {
      lines.push(`    ${action.at}  ${action.type.padEnd(8)} ${action.itemIds.join(', ')}${action.deliveryGroupId ? ` (delivery group ${action.deliveryGroupId})` : ''}${action.actor ? `  by ${action.actor}` : ''}${action.note ? `: ${action.note}` : ''}`);
    }
  }
  const ponr = summary.pointOfNoReturn ?? [];
  if (ponr.length) {
    lines.push('  Past the point of no return (changes need a change order):');
    for (const p of ponr) lines.push(`    ${p.orderItemId.padEnd(10)} since ${p.at}, by ${p.stepId} in ${p.fulfillmentOrderId}`);
  }
  const cancellation = summary.cancellation;
  if (cancellation) {
    lines.push(`  Cancellation: ${cancellation.reason}${cancellation.actor ? ` (by ${cancellation.actor})` : ''}, requested ${cancellation.requestedAt}${cancellation.completedAt ? `, done ${cancellation.completedAt}` : ''}`);
    for (const c of cancellation.compensations) {
      lines.push(`    compensated ${c.stepId} with ${c.call.system}/${c.call.operation}: ${c.state}${c.error ? ` (${c.error})` : ''}`);
    }
  }
  for (const refused of summary.rejectedMessages ?? []) lines.push(`  ${refusal(refused)}`);
  if (summary.changeOf) lines.push(`  Change order of ${summary.changeOf}`);
  if (summary.changeOrders.length) {
    lines.push('  Change orders:');
    for (const change of summary.changeOrders) {
      const money = change.documents.map((d) => `${d.kind === 'creditMemo' ? 'credit memo' : 'invoice'} ${d.id} ${d.total}`).join(', ');
      lines.push(`    ${change.orderId.padEnd(24)} ${change.state.padEnd(11)} ${change.actions.map((a) => `${a.type} ${a.itemIds.join(' ')}`).join('; ')}${money ? `  → ${money}` : ''}`);
    }
  }
  if (summary.netBilled !== undefined) lines.push(`  Net billed (invoices − credit memos): ${summary.netBilled} ${summary.currency}`);
  return lines;
}

const TWIN_NAMES = { storefrontOrder: 'storefront order', opportunity: 'opportunity', quote: 'quote', cpqOrder: 'CPQ order' } as const;

/** "storefront order SO-12, opportunity OPP-3, quote Q-4, CPQ order ORD-5": the links an order has. */
function twinsLine(links: NonNullable<OrderSummary['links']>): string {
  return (Object.keys(TWIN_NAMES) as (keyof typeof TWIN_NAMES)[]).filter((kind) => links[kind]).map((kind) => `${TWIN_NAMES[kind]} ${links[kind]}`).join(', ');
}

export function formatPlanView(view: OrderPlanView, now = Date.now()): string {
  const lines = [`Order ${view.orderId}  ${view.state}`];
  for (const p of view.pointOfNoReturn ?? []) lines.push(`  ${p.orderItemId} past the point of no return since ${p.at} (${p.stepId} in ${p.fulfillmentOrderId})`);
  // The live splits with their states, then the decomposition's splits that have not started (steps, no states).
  const live: KnownSplit[] = view.fulfillmentOrders.map((fo) => ({ id: fo.fulfillmentOrderId, steps: fo.steps }));
  const splits = [...live, ...(view.plan?.fulfillmentOrders ?? []).filter((fo) => !live.some((split) => split.id === fo.id))];
  const waiting = awaitedBy(view.fulfillmentOrders.map((fo) => ({ id: fo.fulfillmentOrderId, steps: fo.steps })));
  for (const fo of view.fulfillmentOrders) lines.push(...formatFulfillmentOrderPlan(fo, splits, waiting, now));
  if (view.fulfillmentOrders.length === 0) lines.push('  (no fulfillment orders yet)');
  return lines.join('\n');
}

function formatFulfillmentOrderPlan(fo: FulfillmentOrderPlan, splits: readonly KnownSplit[], waiting: ReadonlyMap<string, string[]>, now: number): string[] {
  const lines = [``, `${fo.fulfillmentOrderId}  ${fo.state}  (${fo.location ? `${fo.location} → ${fo.deliveryGroupId}` : fo.system})`];
  for (const [group, steps] of groupBy(fo.steps, (s) => `${s.workspace} / ${s.group}`)) {
    lines.push(`  ${group}`);
    for (const step of steps) {
      const details = [
        step.state === 'Scheduled' && step.scheduledFor ? `starts ${step.scheduledFor}` : '',
        step.attempts > 1 ? `attempt ${step.attempts}` : '',
        step.falloutQueue ? `fallout queue ${step.falloutQueue}` : '',
        step.error && step.state !== 'Completed' ? `error: ${step.error.message}` : '',
        ...dependencies(step.dependsOn, (entry) => describeUpstream(upstreamStep(entry, splits)!)),
        waitedForBy(waiting.get(`${fo.fulfillmentOrderId}/${step.id}`)),
      ].filter(Boolean);
      lines.push(`    ${stateMark(step.state)} ${step.id.padEnd(40)} ${step.state.padEnd(13)} ${details.join('; ')}`);
      lines.push(...stepNotes(step, now).map((note) => `        ${note}`));
    }
  }
  // Refused signals that named no step of this split.
  for (const refused of fo.rejectedMessages ?? []) lines.push(`  ${refusal(refused)}`);
  return lines;
}

/** Under a step: who a waiting manual task is with, its SLA, what operators did, and what was refused. */
function stepNotes(step: StepStatus, now: number): string[] {
  const notes: string[] = [];
  const sla = FINISHED_STEP_STATES.has(step.state) ? '' : jeopardyNote(step.jeopardy, step.lateAt, now);
  if (step.type === 'manualTask' && step.state === 'InProgress') {
    const task = [
      step.queue ? `queue ${step.queue}` : '',
      step.escalatedTo?.length ? `escalated to ${step.escalatedTo.join(', ')}` : '',
      step.assignee ? `assigned to ${step.assignee}` : 'unassigned',
      sla,
    ].filter(Boolean);
    notes.push(task.join(', '));
  } else if (sla) notes.push(sla);
  for (const action of step.operatorActions ?? []) notes.push(`${action.action} by ${action.actor} at ${action.at}${action.note ? `: ${action.note}` : ''}`);
  for (const refused of step.rejectedMessages ?? []) notes.push(refusal(refused));
  return notes;
}

/** `refused manualTaskCompleted from bob at 2026-…: bob may not act on this step: …`. */
function refusal(refused: { at: string; message: string; actor?: string; reason: string }): string {
  return `refused ${refused.message}${refused.actor ? ` from ${refused.actor}` : ''} at ${refused.at}: ${refused.reason}`;
}

export function formatDecomposition(plan: Plan): string {
  const lines = [`Order ${plan.orderId}: ${plan.fulfillmentOrders.length} fulfillment order(s)`];
  const partitioned = new Map<string, { parts: number; steps: number }>();
  for (const fo of plan.fulfillmentOrders) {
    if (!fo.partOf) continue;
    const whole = partitioned.get(fo.partOf.id) ?? { parts: fo.partOf.parts, steps: 0 };
    partitioned.set(fo.partOf.id, { ...whole, steps: whole.steps + fo.steps.length });
  }
  for (const [id, { parts, steps }] of partitioned) lines.push(`  ${id}: ${steps} steps, partitioned into ${parts} parts (${id}-P1 … ${id}-P${parts})`);
  for (const fo of plan.fulfillmentOrders) {
    const where = fo.location ? `location ${fo.location}, delivery group ${fo.deliveryGroupId}` : `system ${fo.system}`;
    const part = fo.partOf ? `; part ${fo.partOf.part} of ${fo.partOf.parts} of ${fo.partOf.id}, ${fo.steps.length} steps` : '';
    lines.push('', `${fo.id}  (${where}${part})`);
    lines.push('  Line items:');
    for (const li of fo.lineItems) lines.push(`    ${li.id.padEnd(36)} ${li.product.padEnd(20)} × ${li.quantity}  ${li.scope}  from ${li.sourceItemIds.join(', ')}`);
    for (const [group, steps] of groupBy(fo.steps, (s) => `${s.workspace} / ${s.group}`)) {
      lines.push(`  ${group}`);
      for (const step of steps) {
        const after = dependencies(step.dependsOn, (entry) => `${entry} (another split)`).join('; ');
        lines.push(`    ${step.id.padEnd(44)} ${step.type.padEnd(10)} ${step.scope.padEnd(8)}${after ? ` ${after}` : ''}${step.pointOfNoReturn ? '  [PONR]' : ''}`);
      }
    }
  }
  if (plan.accountLineItems.length) {
    lines.push('', 'Account-wide line items:');
    for (const li of plan.accountLineItems) lines.push(`  ${li.id.padEnd(36)} ${li.product} × ${li.quantity} from ${li.sourceItemIds.join(', ')}`);
  }
  for (const item of plan.unfulfilledItems) lines.push('', `Unfulfilled: ${item.itemId} (${item.product}): ${item.reason}`);
  return lines.join('\n');
}

/**
 * A step's dependencies in words: `after a, b` for steps of its own plan, then `waits for FO-X/step (state)` for
 * steps of other splits (DESIGN.md "Decomposition" step 5), so a reader sees it waits on another consignment.
 */
function dependencies(dependsOn: readonly string[], describeCrossPlan: (entry: string) => string): string[] {
  const own = dependsOn.filter((entry) => !parseCrossPlanRef(entry));
  const other = dependsOn.filter((entry) => parseCrossPlanRef(entry));
  return [own.length ? `after ${own.join(', ')}` : '', other.length ? `waits for ${other.map(describeCrossPlan).join(', ')}` : ''].filter(Boolean);
}

/** `FO-provisioning waits for it`: the other end of a cross-plan dependency, on the step waited for. */
function waitedForBy(splitIds: readonly string[] | undefined): string {
  return splitIds?.length ? `${splitIds.join(', ')} wait${splitIds.length > 1 ? '' : 's'} for it` : '';
}

export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'No findings: the catalog is ready.';
  const lines = findings.map((f) => `${f.severity.toUpperCase().padEnd(7)} ${f.rule}  ${f.path}: ${f.message}${f.fix ? `\n        fix: ${f.fix}` : ''}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push('', `${errors} error(s), ${findings.length - errors} warning(s)`);
  return lines.join('\n');
}

function stateMark(state: string): string {
  return ({ Completed: '✔', Skipped: '↷', FatallyFailed: '✖', Failed: '!', InProgress: '▶', Scheduled: '◷', Cancelled: '∅', Discarded: '∅' } as Record<string, string>)[state] ?? '·';
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
