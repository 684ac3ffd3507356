/**
 * SKELETON: ordo operators init|list, ordo codec-server — operator identities and the codec server (identity work).
 * Each verb is an entry of this record, merged into the CLI's commands in client/cli/main.ts.
 */
export const identityCommands: Record<string, (args: string[]) => Promise<number>> = {};
