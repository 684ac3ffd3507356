import type { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

/**
 * A failure's message as its sender wrote it, from a raw failure (a describe's pending activity, an update's
 * outcome read through workflowService). Ordo's failures are encoded (workflows/failure-converter.ts): the raw
 * message says only "Encoded failure", the text is in an encrypted payload that the client's converter decodes.
 */
export async function failureMessage(client: Client, failure: temporal.api.failure.v1.IFailure | null | undefined): Promise<string | undefined> {
  if (!failure) return undefined;
  const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
  return error?.message ?? failure.message ?? undefined;
}
