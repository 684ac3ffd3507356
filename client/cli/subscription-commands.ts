/** `ordo subscriptions`, `ordo subscription ID`, `ordo bill-now ORDER`, `ordo renew ORDER`. */
export const subscriptionCommands: Record<string, (args: string[]) => Promise<number>> = {};
