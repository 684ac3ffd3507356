import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { dataConverterFor } from '../../config/connection';
import { KEYS_ENV } from '../../config/keyring';
import { loadConfig } from '../../config/load';
import { currentVersion, versionMarker } from '../../workflows/patches';
import { readWorkflowIds, WORKFLOW_IDS_FILE } from './history-dump';
import { decodeFirst, historyPaths } from './history-paths';

/** Recorded histories of real runs (`npm run record-histories`), replayed against today's workflow code. */
export const HISTORIES = path.join(__dirname, 'histories');

export function historyFiles(): string[] {
  return fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json') && f !== WORKFLOW_IDS_FILE).sort();
}

/**
 * Replays every recorded history on the bundle; answers `file: error` for each that fails. `replayName` names
 * the replay's task queue (`<replayName>-<n>`), which the workflows can read (test/replay/later-patch uses it).
 */
export async function replayFailures(workflowBundle: WorkflowBundle, replayName?: string): Promise<string[]> {
  const workflowIds = readWorkflowIds(HISTORIES);
  const histories = historyFiles().map((file) => ({
    // Histories recorded before the id file ran workflows that never read their own id.
    workflowId: workflowIds[file] ?? file.replace(/\.json$/, ''),
    history: readHistory(file),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter: replayConverter(), replayName }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

/**
 * Ordo's data converter, encryption on, with a throwaway key: recorded histories are saved decoded (history-dump.ts),
 * so they need no key, and their plain payloads pass through the encryption codec as pre-encryption histories do.
 */
function replayConverter() {
  return dataConverterFor(loadConfig(), { [KEYS_ENV]: `replay:${randomBytes(32).toString('base64')}` });
}

/**
 * The behaviour version a recorded history ran with: the one its starter passed in its input, else its
 * version marker's, else 0 (recorded before versions).
 */
export function recordedBehaviourVersion(file: string): number {
  const history = readHistory(file);
  const input = decodeFirst(history.events?.[0]?.workflowExecutionStartedEventAttributes?.input) as { behaviourVersion?: unknown } | undefined;
  if (typeof input?.behaviourVersion === 'number') return input.behaviourVersion;
  const paths = historyPaths(history);
  for (let version = currentVersion(); version >= 1; version--) if (paths.has(`patch:${versionMarker(version)}`)) return version;
  return 0;
}

function readHistory(file: string) {
  return historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')));
}
