import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Ordo's custom search attributes (DESIGN.md): registered wherever Ordo starts a server, set by the workflows. */
export const OrderIdKey = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const ChannelKey = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const OrderStateKey = defineSearchAttributeKey('OrderState', SearchAttributeType.KEYWORD);
export const FalloutQueuesKey = defineSearchAttributeKey('FalloutQueues', SearchAttributeType.KEYWORD_LIST);
export const ManualQueuesKey = defineSearchAttributeKey('ManualQueues', SearchAttributeType.KEYWORD_LIST);
export const InJeopardyKey = defineSearchAttributeKey('InJeopardy', SearchAttributeType.BOOL);

export const ORDO_SEARCH_ATTRIBUTES = [
  OrderIdKey,
  AccountIdKey,
  ChannelKey,
  OrderStateKey,
  FalloutQueuesKey,
  ManualQueuesKey,
  InJeopardyKey,
];
