import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `work` runs, so Temporal can deliver a cancellation to the activity. Not at
 * once: each heartbeat is a write on the server, and most calls are answered long before the first one is due.
 */
export async function withHeartbeats<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
