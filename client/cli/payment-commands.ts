/** `ordo collections …`, `ordo payment-method …`. */
export const paymentCommands: Record<string, (args: string[]) => Promise<number>> = {};
