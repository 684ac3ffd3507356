import { defineQuery } from '@temporalio/workflow';
import type { IssuedDocument } from '../../../workflows/subscription-messages';

/** The stand-in subscription's input and view (schedulers/workflows.ts), for the tests and the bundle. */

export interface StandInSubscriptionInput {
  orderId: string;
  /** YYYY-MM-DD; absent: nothing left to bill. */
  nextBillDate?: string;
  /** How long each billNow takes to answer (after billing), in milliseconds. */
  answerDelayMs?: number;
  /** Refuses every billNow with this message. */
  refuse?: string;
}

export interface StandInView {
  nextBillDate?: string;
  documents: IssuedDocument[];
  /** Every billNow received, with its trigger. */
  asked: string[];
}
export const standInQuery = defineQuery<StandInView>('standIn');
