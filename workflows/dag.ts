import { condition } from '@temporalio/workflow';

/**
 * Runs a dependency graph: a node starts as soon as every node it depends on has finished in an
 * unblocking way; independent nodes run in parallel. Event-driven (a finished node releases its
 * dependents) rather than polling, so large plans cost O(nodes + edges), not O(nodes²).
 *
 * `run` resolves when a node is finished for good. Returns once every node has finished.
 */
export async function runDag(options: {
  nodes: ReadonlyArray<{ id: string; dependsOn: ReadonlyArray<string> }>;
  run: (id: string) => Promise<void>;
  /** Whether a finished node lets its dependents go (Completed, Skipped). */
  unblocks: (id: string) => boolean;
  /** Called for a node whose dependency finished without unblocking it; it must settle the node (e.g. Cancelled). */
  blocked: (id: string) => void;
}): Promise<void> {
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of options.nodes) {
    waitingOn.set(node.id, node.dependsOn.length);
    for (const dependency of node.dependsOn) {
      const list = dependents.get(dependency) ?? [];
      list.push(node.id);
      dependents.set(dependency, list);
    }
  }
  let finished = 0;
  const settled = new Set<string>();

  const settle = (id: string, ran: boolean) => {
    if (settled.has(id)) return;
    settled.add(id);
    finished++;
    const unblocks = ran && options.unblocks(id);
    for (const dependent of dependents.get(id) ?? []) {
      if (!unblocks) {
        options.blocked(dependent);
        settle(dependent, false);
        continue;
      }
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) start(dependent);
    }
  };
  const start = (id: string) => {
    void options.run(id).then(() => settle(id, true));
  };

  for (const node of options.nodes) if (node.dependsOn.length === 0) start(node.id);
  await condition(() => finished === options.nodes.length);
}
