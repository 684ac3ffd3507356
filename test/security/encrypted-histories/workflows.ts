import { ApplicationFailure } from '@temporalio/workflow';

/**
 * A workflow that fails quoting customer data, as a refusal naming an address would: its failure's message and
 * stack trace must be encrypted too (workflows/failure-converter.ts, bundled by the harness with Ordo's converters).
 */
export async function failsQuotingCustomerData(quoted: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(`the carrier refused the address ${quoted}`, 'AddressRefused');
}
