/** The ids of an order's workflows: dependency-free, so any module can build them without loading a workflow. */
export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
export const fulfillmentOrderWorkflowId = (orderId: string, fulfillmentOrderId: string) => `order-${orderId}/${fulfillmentOrderId}`;
