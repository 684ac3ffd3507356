import { ActivityFailure, CancellationScope, CancelledFailure, log } from '@temporalio/workflow';
import type { PatchId } from './patches';
import type { Behaviour } from './versions';

/** How often a local activity is made again after cancellations nobody asked for, before its failure stands. */
const MAX_UNASKED_CANCELLATIONS = 5;

/**
 * Local activities that survive their run's eviction from the worker's cache. The SDK's core cancels the local
 * activities of a run it evicts (to make room in the sticky cache); with the TypeScript SDK 1.24 that cancellation
 * can reach the workflow code of a run that goes on, as an ActivityFailure caused by a CancelledFailure that nobody
 * asked for, and an order then failed after billing had stored its invoice (the chaos run found it with a small
 * cache: docs/security.md "Chaos in the suite"). Ordo's local activities are idempotent by key (decomposition is a
 * function of the order, billing keys its documents by order), so such a call is simply made again. A cancellation
 * the workflow asked for (its scope cancelled) fails as before, and so does a history recorded before the patch.
 */
export function survivingEviction<T extends object>(activities: T, behaviour: Behaviour<PatchId>): T {
  return new Proxy(activities, {
    get(target, name) {
      const activity = (target as Record<string | symbol, unknown>)[name];
      if (typeof activity !== 'function') return activity;
      return (...args: unknown[]) => callSurvivingEviction(() => activity(...args), String(name), behaviour);
    },
  });
}

async function callSurvivingEviction<R>(call: () => Promise<R>, activityType: string, behaviour: Behaviour<PatchId>): Promise<R> {
  for (let cancellations = 1; ; cancellations++) {
    try {
      return await call();
    } catch (error) {
      const unasked = error instanceof ActivityFailure && error.cause instanceof CancelledFailure && !CancellationScope.current().consideredCancelled;
      // Asked only on this path: histories that never met it carry no marker for it.
      if (!unasked || cancellations > MAX_UNASKED_CANCELLATIONS || !behaviour.has('retry-cancelled-local-activities')) throw error;
      log.warn('local activity cancelled without being asked (its run was evicted from the cache?): calling it again', { activityType, cancellations });
    }
  }
}
