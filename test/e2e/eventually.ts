/**
 * Polls until `probe` answers something other than undefined or false, and answers it. A probe that throws counts as
 * "not yet" (a workflow not started yet cannot be queried); the last error is in the timeout message. (`false` is
 * "not yet" too, so `async () => state === 'Completed'` waits rather than answering false at once.)
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
