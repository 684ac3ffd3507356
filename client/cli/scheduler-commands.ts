/** `ordo schedules`. */
export const schedulerCommands: Record<string, (args: string[]) => Promise<number>> = {};
