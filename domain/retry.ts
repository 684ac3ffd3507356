import type { RetryPolicy } from './catalog';

/** What a step without a retry policy does: three more tries, spaced out, before it falls out. */
export const DEFAULT_RETRY: RetryPolicy = { policy: 'staggered', intervals: [1_000, 5_000, 30_000] };
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_FIXED_INTERVAL = 1_000;

/**
 * The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed retryably,
 * or undefined when the policy's attempts are used up and the step falls out.
 * Durations are in milliseconds (the catalog schema converts them).
 */
export function retryDelay(policy: RetryPolicy = DEFAULT_RETRY, attempt: number): number | undefined {
  switch (policy.policy) {
    case 'immediate':
      return attempt < (policy.maxAttempts ?? DEFAULT_ATTEMPTS) ? 0 : undefined;
    case 'fixed':
      return attempt < (policy.maxAttempts ?? DEFAULT_ATTEMPTS) ? (policy.interval as number | undefined) ?? DEFAULT_FIXED_INTERVAL : undefined;
    case 'staggered': {
      const intervals = (policy.intervals ?? []) as number[];
      return attempt <= intervals.length ? intervals[attempt - 1] : undefined;
    }
  }
}
