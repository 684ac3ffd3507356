/** The workflow types the worker registers. Their names are public: new behaviour goes behind patched(). */
export { OrderWorkflow } from './order';
export { FulfillmentOrderWorkflow } from './fulfillment-order';
export { QueueRotationWorkflow } from './queue-rotation';
export { AccountFulfillmentWorkflow } from './account-fulfillment';
