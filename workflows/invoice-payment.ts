import type { InvoicePaymentInput, InvoicePaymentView } from './payment-messages';

/** Collects one invoice: charge, dunning retries, collections (workflows/payment-messages.ts). */
export async function InvoicePaymentWorkflow(input: InvoicePaymentInput): Promise<InvoicePaymentView> {
  void input;
  throw new Error('InvoicePaymentWorkflow is not implemented yet');
}
