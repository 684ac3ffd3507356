import { condition } from '@temporalio/workflow';

export interface SchedulerNode {
  id: string;
  dependsOn: ReadonlyArray<string>;
}

/**
 * Runs a dependency graph that may change while it runs (amendments add, drop and rewire steps).
 * A node starts when every node it depends on has finished in a way that lets dependents go on
 * (Completed, Skipped); a dependency that finished otherwise (Cancelled, Discarded) settles the node
 * through `blocked`. Readiness is re-checked only for the dependents of a node that just finished, or
 * for every node when the graph is replaced, so large plans cost O(nodes + edges).
 */
export class PlanScheduler {
  private nodes = new Map<string, SchedulerNode>();
  private dependents = new Map<string, string[]>();
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  /** How many nodes of the current graph have finished: the completion check is O(1) per activation. */
  private finishedInGraph = 0;

  constructor(
    private readonly hooks: {
      run: (id: string) => Promise<void>;
      /** Whether a finished node lets its dependents go. */
      unblocks: (id: string) => boolean;
      /** A node whose dependency finished without unblocking it: settle it (e.g. Cancelled). */
      blocked: (id: string) => void;
    },
  ) {}

  /** Replaces the graph. Nodes that already finished stay finished; new and rewired nodes start when ready. */
  setNodes(nodes: ReadonlyArray<SchedulerNode>): void {
    this.nodes = new Map(nodes.map((node) => [node.id, node]));
    this.dependents = new Map();
    for (const node of nodes) for (const dependency of node.dependsOn) this.dependents.set(dependency, [...(this.dependents.get(dependency) ?? []), node.id]);
    this.finishedInGraph = nodes.filter((node) => this.finished.has(node.id)).length;
    for (const node of nodes) this.consider(node.id);
  }

  /** Lets a finished node run again (an amended step that must be redone). */
  reopen(id: string): void {
    if (this.finished.delete(id) && this.nodes.has(id)) this.finishedInGraph--;
    this.started.delete(id);
    this.consider(id);
  }

  isStarted(id: string): boolean {
    return this.started.has(id);
  }

  /** Resolves when every node of the current graph has finished. */
  async whenAllFinished(): Promise<void> {
    await condition(() => this.finishedInGraph === this.nodes.size);
  }

  private consider(id: string): void {
    const node = this.nodes.get(id);
    if (!node || this.started.has(id) || this.finished.has(id)) return;
    const dependencies = node.dependsOn.filter((d) => this.nodes.has(d));
    if (dependencies.some((d) => this.finished.has(d) && !this.hooks.unblocks(d))) {
      this.hooks.blocked(id);
      this.settle(id);
      return;
    }
    if (dependencies.every((d) => this.finished.has(d))) {
      this.started.add(id);
      void this.hooks.run(id).then(() => this.settle(id));
    }
  }

  private settle(id: string): void {
    this.started.delete(id);
    if (this.finished.has(id)) return;
    this.finished.add(id);
    if (this.nodes.has(id)) this.finishedInGraph++;
    for (const dependent of this.dependents.get(id) ?? []) this.consider(dependent);
  }
}
