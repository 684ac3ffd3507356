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
