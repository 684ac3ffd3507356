import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidInput, problemsFromZod } from '../domain/problems';
import { UsagePosting } from '../domain/usage';
import { readRecord } from './channel-records';
import { OrdoError } from './errors';
import { segment, type SystemApi } from './system-api';

/**
 * Usage records posted to billing (`ordo usage post`) and read back (`ordo usage list`). A record is domain/usage.ts's
 * `UsageRecord` plus the account billed and, for a subscription's item, its subscription: the shape billing's
 * `POST /billing/usage` takes. Billing counts each record id once; Ordo rates what it keeps (domain/usage.ts).
 */

const UsageList = z.array(UsagePosting).min(1, 'give at least one usage record');

/** A usage file: one record, a list of them, or billing's own batch body `{ records: [...] }`. */
function usageFileSchema(input: unknown) {
  if (Array.isArray(input)) return UsageList;
  const isBatch = typeof input === 'object' && input !== null && 'records' in input;
  return isBatch ? z.strictObject({ records: UsageList }) : UsagePosting;
}

/** A record as billing lists it: as posted, plus when billing received it. */
export const ReceivedUsage = z.looseObject({ ...UsagePosting.shape, receivedAt: z.string() });
export type ReceivedUsage = z.infer<typeof ReceivedUsage>;

const PostAnswer = z.object({ records: z.array(z.object({ id: z.string(), duplicate: z.boolean() })) });
export type UsagePostAnswer = z.infer<typeof PostAnswer>;

/**
 * The records of a usage file, checked before anything is sent: a problem names the field in the file
 * (`quantity`, `[2].quantity` in a list, `records[2].quantity` in a batch).
 */
export function checkUsageFile(input: unknown, file: string): UsagePosting[] {
  // One schema per shape, not a union's: its problems would name neither the record's field nor the list's.
  const schema = usageFileSchema(input);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error, { schema });
    throw new OrdoError('invalid', `${new InvalidInput(`usage file ${file}`, problems).message}\nNothing was sent to billing.`, problems);
  }
  const data = parsed.data;
  return Array.isArray(data) ? data : 'records' in data ? data.records : [data];
}

/**
 * Posts the records as one batch (billing takes all or none). The key is new for each post: a record sent again
 * is recognized by its id, so posting a file twice counts nothing twice and answers which were known.
 */
export async function postUsage(billing: SystemApi, records: UsagePosting[]): Promise<UsagePostAnswer> {
  const answer = await billing.post<unknown>('usage', { records }, `usage-${randomUUID()}`);
  return readRecord(PostAnswer, answer, "billing's answer to a usage post");
}

/** The account's usage records, of one item when given, in the order billing received them. */
export async function listUsage(billing: SystemApi, accountId: string, itemId?: string): Promise<ReceivedUsage[]> {
  const query = [`accountId=${segment(accountId)}`, ...(itemId !== undefined ? [`itemId=${segment(itemId)}`] : [])].join('&');
  const answer = await billing.get<unknown>(`usage?${query}`);
  return readRecord(z.object({ usage: z.array(ReceivedUsage) }), answer, "billing's usage list").usage;
}
