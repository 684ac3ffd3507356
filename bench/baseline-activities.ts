/**
 * The bare-Temporal baseline's only activity: does nothing, so the baseline measures Temporal's own cost
 * of a workflow, its children and their activity round trips, and nothing else.
 */
export async function noop(): Promise<Record<string, never>> {
  return {};
}

export type BaselineActivities = { noop: typeof noop };
