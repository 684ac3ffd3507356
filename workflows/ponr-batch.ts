import { CancellationScope, condition } from '@temporalio/workflow';
import type { PonrRequest, PonrRequestStep } from './messages';

/**
 * A split's point-of-no-return requests, sent in batches (`batched-ponr`, behaviour version 5): the steps that
 * become ready in one round of a workflow task (e.g. the 150 `commit` steps whose `prepare` activities the server
 * handed over in one task) ask their order with ONE signal, and the order answers them with one decision. Before,
 * each step cost two signals and their events in both histories: thousands for a large order with a PONR per bundle.
 *
 * The order stays the one decider: it takes the batch as one message, in the order messages arrive, exactly as
 * it took the requests one by one (an amendment or a cancellation that came first still wins for the whole batch).
 */
export class PonrBatch {
  private readonly waiting: Array<{ step: PonrRequestStep; scope: CancellationScope }> = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly fulfillmentOrderId: string,
    /** Sends the request to the order (a signal to the parent). */
    private readonly send: (request: PonrRequest) => Promise<void>,
  ) {}

  /**
   * Joins the batch of this round; resolves when the batch's signal is sent (the answer comes as a decision).
   * The batch is sent outside any one step's cancellation scope, so a step stopped meanwhile (an amendment, a
   * cancelled split) neither cancels its neighbours' request nor asks for itself: it is left out of the batch.
   */
  ask(step: PonrRequestStep): Promise<void> {
    this.waiting.push({ step, scope: CancellationScope.current() });
    this.sending ??= CancellationScope.nonCancellable(async () => {
      await nextRound();
      this.sending = undefined;
      const steps = this.waiting.splice(0).filter((asker) => !asker.scope.consideredCancelled).map((asker) => asker.step);
      if (steps.length === 0) return;
      await this.send({ fulfillmentOrderId: this.fulfillmentOrderId, stepId: steps[0].stepId, orderItemIds: steps[0].orderItemIds, steps });
    });
    return this.sending;
  }
}

/**
 * Resolves once every coroutine that can run now has run: at the SDK's next evaluation of blocked conditions,
 * which comes after the microtasks of the activation's jobs have drained (a condition that is false when made is
 * parked, and conditions are checked again only then). Deterministic: it depends on the activation alone.
 */
function nextRound(): Promise<void> {
  let parked = false;
  return condition(() => {
    if (parked) return true;
    parked = true;
    return false;
  });
}
