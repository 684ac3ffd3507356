/**
 * SKELETON: ordo keys rotate|list — encrypted histories (encryption work).
 * Each verb is an entry of this record, merged into the CLI's commands in client/cli/main.ts.
 */
export const keyCommands: Record<string, (args: string[]) => Promise<number>> = {};
