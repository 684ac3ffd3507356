/** The ceiling probe's activity: does nothing (omes's no-op activity), so the probe measures the server alone. */
export async function noop(): Promise<void> {
  return undefined;
}

export type ProbeActivities = { noop: typeof noop };
