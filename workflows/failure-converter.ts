import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Ordo's failure converter: the SDK's, with `encodeCommonAttributes`, so a failure's message and stack trace
 * travel as a payload (through the payload codecs, so encrypted: docs/security.md "Encrypted histories") and the
 * history shows only "Encoded failure". A message can quote customer data (an address a system refused). Failures
 * recorded before it carry their message in clear and are read as before.
 *
 * Loaded by path (config/connection.ts) in every client, worker and workflow bundle; it runs inside the workflow
 * sandbox too, so it imports nothing but @temporalio/common.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
