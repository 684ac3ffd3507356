/** `ordo simulate --months N ORDER.json`. */
export const simulateCommands: Record<string, (args: string[]) => Promise<number>> = {};
