/**
 * Queues and who may act on them. The directory comes from temporal-config.yaml and is recorded with the
 * plan when an order is decomposed, so a workflow decides with the membership it started with.
 */
export type AssignmentPolicy = 'none' | 'round-robin' | 'least-loaded';

export interface QueueEntry {
  members: string[];
  assignment: AssignmentPolicy;
}

export type QueueDirectory = Record<string, QueueEntry>;

/**
 * Why `actor` may not act on a step held in `queues` (its queue plus any it was escalated to), or undefined
 * when it may: members of those queues may, and so may the step's `runAs` identity.
 */
export function whyActorMayNotAct(actor: unknown, queues: readonly string[], runAs: string | undefined, directory: QueueDirectory): string | undefined {
  if (typeof actor !== 'string' || actor.trim() === '') return 'actor is required: say who is acting';
  if (runAs !== undefined && actor === runAs) return undefined;
  if (queues.some((queue) => directory[queue]?.members.includes(actor))) return undefined;
  const named = queues.map((queue) => {
    const members = directory[queue]?.members ?? [];
    return members.length ? `${queue} (${members.join(', ')})` : `${queue} (no members in temporal-config.yaml)`;
  });
  return `${actor} may not act on this step: not a member of ${named.join(' or ') || 'its queue'}${runAs ? ` and not its runAs identity ${runAs}` : ''}`;
}

/** The queue and runAs identity a pause step names (either may be absent). */
export interface PauseAuthority {
  queue?: string;
  runAs?: string;
}

/**
 * Why `actor` may not resume a pause step, or undefined when it may: its `runAs` identity and the members of the
 * `queue` it names may; a pause step that names neither may be resumed by any operator (in `signed` mode, any
 * with a key on record: the signature is checked before this).
 */
export function whyActorMayNotResume(actor: unknown, stepId: string, step: PauseAuthority, directory: QueueDirectory): string | undefined {
  if (!step.queue && !step.runAs) return undefined;
  const problem = whyActorMayNotAct(actor, step.queue ? [step.queue] : [], step.runAs, directory);
  return problem && `${problem} (pause step ${stepId})`;
}

/**
 * Why `actor` may not change a split's attributes, or undefined when it may: the members of the queues its steps
 * name (manual task, fallout and escalation queues) and its steps' `runAs` identities may. A split that names no
 * queue and no runAs identity takes updates from any operator.
 */
export function whyActorMayNotUpdateAttributes(actor: unknown, queues: readonly string[], runAs: readonly string[], directory: QueueDirectory): string | undefined {
  if (queues.length === 0 && runAs.length === 0) return undefined;
  if (typeof actor !== 'string' || actor.trim() === '') return 'actor is required: say who is updating the attributes';
  if (runAs.includes(actor) || queues.some((queue) => directory[queue]?.members.includes(actor))) return undefined;
  const who = [...new Set(queues.flatMap((queue) => directory[queue]?.members ?? []).concat(runAs))].sort();
  return `${actor} may not update this fulfillment order's attributes: only the members of its queues (${[...new Set(queues)].sort().join(', ')}) and its runAs identities may${who.length ? ` (${who.join(', ')})` : ''}`;
}
