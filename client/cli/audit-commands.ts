/**
 * SKELETON: ordo audit ORDER [--json] — the order's audit trail (audit work).
 * Each verb is an entry of this record, merged into the CLI's commands in client/cli/main.ts.
 */
export const auditCommands: Record<string, (args: string[]) => Promise<number>> = {};
