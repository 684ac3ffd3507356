import type { Client } from '@temporalio/client';

/** The point-of-no-return handshake of one order, counted from its histories (signal names are not encrypted). */
export interface PonrSignals {
  /** `ponrRequest` signals the order received (one per PONR step before `batched-ponr`, one per batch since). */
  requests: number;
  /** `ponrDecision` signals the order sent back (signal-external commands in its history). */
  decisions: number;
  /** Every event of the order's history that the handshake wrote: received signals, and per decision sent the initiated and the signaled events. */
  orderEvents: number;
}

/** Counts the handshake in the order's history (`orderWorkflowId`); the splits' side mirrors it (an initiated and a signaled event per request). */
export async function countPonrSignals(temporal: Client, orderWorkflowId: string): Promise<PonrSignals> {
  const history = await temporal.workflow.getHandle(orderWorkflowId).fetchHistory();
  let requests = 0;
  let decisions = 0;
  const decisionInitiated = new Set<string>();
  let decisionSignaled = 0;
  for (const event of history.events ?? []) {
    if (event.workflowExecutionSignaledEventAttributes?.signalName === 'ponrRequest') requests++;
    const initiated = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (initiated?.signalName === 'ponrDecision') {
      decisions++;
      decisionInitiated.add(String(event.eventId));
    }
    const signaled = event.externalWorkflowExecutionSignaledEventAttributes;
    if (signaled && decisionInitiated.has(String(signaled.initiatedEventId))) decisionSignaled++;
  }
  return { requests, decisions, orderEvents: requests + decisions + decisionSignaled };
}
