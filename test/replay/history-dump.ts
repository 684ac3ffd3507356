import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
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
 */
export async function dumpHistories(client: Client, dir: string): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  const workflowIds: Record<string, string> = {};
  for await (const run of client.workflow.list()) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const file = `${`${run.type}-${run.workflowId}-${run.runId}`.replace(/[^A-Za-z0-9-]+/g, '_')}.json`;
    fs.writeFileSync(path.join(dir, file), `${historyToJSON(history)}\n`);
    workflowIds[file] = run.workflowId;
  }
  writeWorkflowIds(dir, workflowIds);
  return Object.keys(workflowIds).length;
}

export function readWorkflowIds(dir: string): Record<string, string> {
  const file = path.join(dir, WORKFLOW_IDS_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

export function writeWorkflowIds(dir: string, workflowIds: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(workflowIds).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(path.join(dir, WORKFLOW_IDS_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}
