/**
 * The workflow bundle of the channel intake's end-to-end test: the real ChannelIntakeWorkflow, and stand-ins for
 * the sync workflows it starts (their own module is another piece of work). A stand-in ends at once and answers
 * its input, so a test can read which trigger started it; the intake's refusal to start a completed sync again
 * is then what keeps a second trigger from making a second run.
 */
import type { NewOrderSyncInput, ReorderSyncInput } from '../../../workflows/sync-messages';

export { ChannelIntakeWorkflow } from '../../../workflows/channel-intake';

export async function NewOrderSyncWorkflow(input: NewOrderSyncInput): Promise<NewOrderSyncInput> {
  return input;
}

export async function ReorderSyncWorkflow(input: ReorderSyncInput): Promise<ReorderSyncInput> {
  return input;
}
