import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Ordo's custom search attributes (DESIGN.md): registered wherever Ordo starts a server, set by the workflows. */
export const OrderIdKey = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const ChannelKey = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const OrderStateKey = defineSearchAttributeKey('OrderState', SearchAttributeType.KEYWORD);
export const FalloutQueuesKey = defineSearchAttributeKey('FalloutQueues', SearchAttributeType.KEYWORD_LIST);
export const ManualQueuesKey = defineSearchAttributeKey('ManualQueues', SearchAttributeType.KEYWORD_LIST);
export const InJeopardyKey = defineSearchAttributeKey('InJeopardy', SearchAttributeType.BOOL);
/** Beyond DESIGN.md's list: who holds open manual tasks, so assignment can count each member's load. */
export const ManualAssigneesKey = defineSearchAttributeKey('ManualAssignees', SearchAttributeType.KEYWORD_LIST);
/** Beyond DESIGN.md's list: on a change order, the order it changes, so an order's change orders can be found. */
export const ChangeOfKey = defineSearchAttributeKey('ChangeOf', SearchAttributeType.KEYWORD);
/**
 * Beyond DESIGN.md's list: on a channel sync, every record id of the sale it links (storefront, CPQ, Ordo),
 * space-separated, so any twin's id finds it (`SyncRecords = "SO-12"`). Text, not a KeywordList: Temporal's
 * SQL visibility (the dev server's) holds at most 3 KeywordLists per namespace, and Ordo's splits use them.
 */
export const SyncRecordsKey = defineSearchAttributeKey('SyncRecords', SearchAttributeType.TEXT);
/** Beyond DESIGN.md's list: on a subscription, the next day it bills, so the invoice scheduler finds what is due. */
export const NextBillingDateKey = defineSearchAttributeKey('NextBillingDate', SearchAttributeType.DATETIME);
/** Beyond DESIGN.md's list: a subscription's state (active, ended) or an invoice payment's (Posted … Collections). */
export const BillingStateKey = defineSearchAttributeKey('BillingState', SearchAttributeType.KEYWORD);
/**
 * Temporal's own attribute (not registered by Ordo) that `patched()` writes. The order's submitter sets it at start,
 * so `TemporalChangeVersion = "ordo-behaviour-vN"` finds the orders of version N although they write no marker
 * (docs/versioning.md).
 */
export const TemporalChangeVersionKey = defineSearchAttributeKey('TemporalChangeVersion', SearchAttributeType.KEYWORD_LIST);

export const ORDO_SEARCH_ATTRIBUTES = [
  OrderIdKey,
  AccountIdKey,
  ChannelKey,
  OrderStateKey,
  FalloutQueuesKey,
  ManualQueuesKey,
  InJeopardyKey,
  ManualAssigneesKey,
  ChangeOfKey,
  SyncRecordsKey,
  NextBillingDateKey,
  BillingStateKey,
];

/** A split's work-queue attributes: what falls out where, who waits on which manual queue, and jeopardy. */
export function splitQueueAttributes(falloutQueues: string[], manualQueues: string[], assignees: string[], inJeopardy: boolean) {
  return [
    { key: FalloutQueuesKey, value: falloutQueues },
    { key: ManualQueuesKey, value: manualQueues },
    { key: ManualAssigneesKey, value: assignees },
    { key: InJeopardyKey, value: inJeopardy },
  ] as const;
}

/** A split with nothing waiting on anyone: the values it starts with (since behaviour version 1). */
export const QUIET_SPLIT_ATTRIBUTES = splitQueueAttributes([], [], [], false);
