import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * A history does not hold its own workflow id, and a workflow may build ids from it (the account workflow
 * names its split after itself), so replay needs it: this file beside the histories maps file to id.
 */
export const WORKFLOW_IDS_FILE = 'workflow-ids.json';

/**
 * Saves the history of every workflow run on the server into `dir`, one JSON file per run, and their
 * workflow ids in WORKFLOW_IDS_FILE. The test harness calls it at the end of a run when
 * ORDO_RECORD_HISTORIES names a folder: that is how `npm run record-histories` records what the
 * end-to-end tests exercised.
 *
 * Histories are saved DECODED (every payload through the client's codecs, so decrypted and decompressed), as a
 * history written before encryption looks: recorded fixtures need no key, and replay reads them with any keyring.
 */
export async function dumpHistories(client: Client, dir: string): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  const workflowIds: Record<string, string> = {};
  for await (const run of client.workflow.list()) {
    const history = await decodeHistory(await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory(), client.options.loadedDataConverter.payloadCodecs);
    const file = `${`${run.type}-${run.workflowId}-${run.runId}`.replace(/[^A-Za-z0-9-]+/g, '_')}.json`;
    fs.writeFileSync(path.join(dir, file), `${historyToJSON(history)}\n`);
    workflowIds[file] = run.workflowId;
  }
  writeWorkflowIds(dir, workflowIds);
  return Object.keys(workflowIds).length;
}

/**
 * Decodes every payload of a history in place (inputs, results, signals, queries' answers, failures' encoded
 * attributes, markers, memos, headers): anything shaped like a payload, found by walking the history. Codecs
 * decode in the reverse of their encoding order, as the SDK does.
 */
export async function decodeHistory<T extends object>(history: T, codecs: PayloadCodec[]): Promise<T> {
  const decode = async (payload: Payload) => {
    let decoded = payload;
    for (const codec of [...codecs].reverse()) [decoded] = await codec.decode([decoded]);
    return decoded;
  };
  const walk = async (value: unknown): Promise<unknown> => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
    if (isPayload(value)) return decode(value);
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = await walk(fields[key]);
    return value;
  };
  return (await walk(history)) as T;
}

function isPayload(value: object): value is Payload {
  const { metadata, data } = value as Payload;
  return typeof metadata === 'object' && metadata !== null && (data === undefined || data === null || data instanceof Uint8Array) && 'metadata' in value && Object.values(metadata).every((v) => v instanceof Uint8Array);
}

export function readWorkflowIds(dir: string): Record<string, string> {
  const file = path.join(dir, WORKFLOW_IDS_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

export function writeWorkflowIds(dir: string, workflowIds: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(workflowIds).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(path.join(dir, WORKFLOW_IDS_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}
