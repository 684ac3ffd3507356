import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { containsRawCardNumber, isRawCardNumber } from '../../domain/card-numbers';
import { listExecutions } from '../../scripts/simulation';
import { decodeHistory } from '../replay/history-dump';

/**
 * "No card number anywhere in Temporal" (issue 11): every history of every run on the server, read whole, as JSON
 * and with every payload decoded (decrypted and decompressed by the client's codecs first), searched for a 13–19 digit Luhn-valid number (domain/card-numbers.ts).
 */

export interface CardScan {
  histories: number;
  payloads: number;
  /** `workflowId/runId: where` for each card number found. */
  findings: string[];
}

export async function scanHistoriesForCardNumbers(temporal: Client): Promise<CardScan> {
  const runs = [...(await listExecutions(temporal, 'open')), ...(await listExecutions(temporal, 'closed'))];
  const scan: CardScan = { histories: 0, payloads: 0, findings: [] };
  for (const run of runs) {
    const history = await decodeHistory(await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory(), temporal.options.loadedDataConverter.payloadCodecs);
    const json = withoutUuids(historyToJSON(history));
    scan.histories++;
    const where = `${run.workflowId}/${run.runId}`;
    if (containsRawCardNumber(json)) scan.findings.push(`${where}: in the history's JSON (${describeMatches(json)})`);
    visitPayloads(JSON.parse(json), (text, path) => {
      scan.payloads++;
      if (containsRawCardNumber(text)) scan.findings.push(`${where}: in the payload at ${path} (${describeMatches(text)})`);
    });
  }
  return scan;
}

/** Every `{ metadata, data }` payload of a history in JSON, its data decoded from base64. */
export function visitPayloads(value: unknown, visit: (text: string, path: string) => void, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((entry, i) => visitPayloads(entry, visit, `${path}[${i}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.data === 'string' && record.metadata && typeof record.metadata === 'object') {
    visit(Buffer.from(record.data, 'base64').toString('utf8'), path);
    for (const [key, encoded] of Object.entries(record.metadata as Record<string, unknown>)) {
      if (typeof encoded === 'string') visit(Buffer.from(encoded, 'base64').toString('utf8'), `${path}.metadata.${key}`);
    }
  }
  for (const [key, entry] of Object.entries(record)) visitPayloads(entry, visit, `${path}.${key}`);
}

/** Where the card-like numbers are, without repeating them: their length, last four digits and the text before them. */
function describeMatches(text: string): string {
  return (text.match(/\d(?:[ -]?\d)*/g) ?? [])
    .filter((run) => isRawCardNumber(run))
    .map((run) => `${run.replace(/[ -]/g, '').length} digits ending ${run.slice(-4)} after "${text.slice(Math.max(0, text.indexOf(run) - 40), text.indexOf(run)).replace(/\s+/g, ' ')}"`)
    .join('; ');
}

/**
 * Run ids and other UUIDs are not card numbers, but the digits of their dash-joined groups can read as one
 * ("…a4-5399-4033-8134-9e…" is 14 digits, Luhn-valid one time in ten): they are taken out before the search. A card
 * number never has a UUID's 8-4-4-4-12 hexadecimal shape.
 */
function withoutUuids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
}
