/**
 * The workflow types the worker registers. Their names are public: new behaviour goes behind patched().
 *
 * Each type's module is required the first time a workflow of that type asks for it, not when this index
 * loads. The worker reuses one V8 context (the SDK's default) but gives every workflow run its own copy
 * of the modules it loads, for as long as the run is cached: with eager re-exports every run evaluated all
 * of them, the order's amendment checks, validation and zod included. A FulfillmentOrderWorkflow (three of
 * an order's four workflows) needs 20 of the bundle's 52 per-run modules and none of zod.
 *
 * This file is a CommonJS script on purpose (no import or export statement, only `import()` types, and a block
 * to keep its names local): a static `export … from` would load every module.
 * The SDK looks the workflow function up by type name (`index[workflowType]`); each getter answers the
 * same function the module exports.
 */
{
  interface OrdoWorkflows {
    OrderWorkflow: typeof import('./order').OrderWorkflow;
    FulfillmentOrderWorkflow: typeof import('./fulfillment-order').FulfillmentOrderWorkflow;
    QueueRotationWorkflow: typeof import('./queue-rotation').QueueRotationWorkflow;
    AccountFulfillmentWorkflow: typeof import('./account-fulfillment').AccountFulfillmentWorkflow;
    NewOrderSyncWorkflow: typeof import('./new-order-sync').NewOrderSyncWorkflow;
    ReorderSyncWorkflow: typeof import('./reorder-sync').ReorderSyncWorkflow;
    ChannelIntakeWorkflow: typeof import('./channel-intake').ChannelIntakeWorkflow;
    SubscriptionWorkflow: typeof import('./subscription').SubscriptionWorkflow;
    InvoicePaymentWorkflow: typeof import('./invoice-payment').InvoicePaymentWorkflow;
    InvoiceRunWorkflow: typeof import('./invoice-run').InvoiceRunWorkflow;
    PaymentRunWorkflow: typeof import('./payment-run').PaymentRunWorkflow;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load: { [Type in keyof OrdoWorkflows]: () => OrdoWorkflows[Type] } = {
    OrderWorkflow: () => require('./order').OrderWorkflow,
    FulfillmentOrderWorkflow: () => require('./fulfillment-order').FulfillmentOrderWorkflow,
    QueueRotationWorkflow: () => require('./queue-rotation').QueueRotationWorkflow,
    AccountFulfillmentWorkflow: () => require('./account-fulfillment').AccountFulfillmentWorkflow,
    NewOrderSyncWorkflow: () => require('./new-order-sync').NewOrderSyncWorkflow,
    ReorderSyncWorkflow: () => require('./reorder-sync').ReorderSyncWorkflow,
    ChannelIntakeWorkflow: () => require('./channel-intake').ChannelIntakeWorkflow,
    SubscriptionWorkflow: () => require('./subscription').SubscriptionWorkflow,
    InvoicePaymentWorkflow: () => require('./invoice-payment').InvoicePaymentWorkflow,
    InvoiceRunWorkflow: () => require('./invoice-run').InvoiceRunWorkflow,
    PaymentRunWorkflow: () => require('./payment-run').PaymentRunWorkflow,
  };
  for (const [type, get] of Object.entries(load)) Object.defineProperty(exports, type, { enumerable: true, get });
}
