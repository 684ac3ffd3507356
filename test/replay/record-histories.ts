import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { readWorkflowIds, writeWorkflowIds } from './history-dump';
import { historyPaths, historyWorkflowType } from './history-paths';
import { historyFiles } from './recorded';

/**
 * `npm run record-histories [-- --from DIR] [--fresh]`: runs the end-to-end tests with ORDO_RECORD_HISTORIES set, so
 * the harness saves the history of every workflow they ran, then keeps for test/replay/histories the
 * fewest histories that together exercise every path the runs took (see history-paths.ts): every workflow
 * type, activity, signal, update, fallout action, patch and continue-as-new the tests reached.
 *
 * Run it when a workflow gains a patch, and keep the old files: they are the in-flight orders the new code
 * must still replay. Paths the recorded histories already take are not recorded again unless `--fresh`.
 * `--from DIR` selects from an earlier dump instead of running the tests again.
 */
const OUT = path.resolve(__dirname, 'histories');
const REPO = path.resolve(__dirname, '../..');

interface Recorded {
  file: string;
  type: string;
  events: number;
  paths: Set<string>;
}

function main(): void {
  const fromIndex = process.argv.indexOf('--from');
  const dumpDir = fromIndex > 0 ? path.resolve(process.argv[fromIndex + 1]) : runEndToEndTests();
  const dumpedIds = readWorkflowIds(dumpDir);
  const recorded = Object.keys(dumpedIds).map((file) => readRecorded(path.join(dumpDir, file)));
  const tag = new Date().toISOString().slice(0, 10);
  const workflowIds = readWorkflowIds(OUT);
  const alreadyCovered = process.argv.includes('--fresh') ? [] : historyFiles().map((f) => readRecorded(path.join(OUT, f)));
  for (const kept of selectCovering(recorded, alreadyCovered)) {
    const dumped = path.basename(kept.history.file);
    const name = `${kept.history.type}-${tag}-${dumped}`;
    fs.copyFileSync(kept.history.file, path.join(OUT, name));
    workflowIds[name] = dumpedIds[dumped];
    console.log(`${name}: ${kept.history.events} events, adds ${[...kept.adds].join(', ')}`);
  }
  writeWorkflowIds(OUT, workflowIds);
}

function runEndToEndTests(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-histories-'));
  const run = spawnSync('npx', ['mocha', 'test/e2e/**/*.test.ts'], { cwd: REPO, stdio: 'inherit', env: { ...process.env, ORDO_RECORD_HISTORIES: dir } });
  if (run.status !== 0) {
    console.error('The end-to-end tests failed: histories of failing code are not recorded.');
    process.exit(1);
  }
  return dir;
}

function readRecorded(file: string): Recorded {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  return { file, type: historyWorkflowType(history), events: history.events?.length ?? 0, paths: historyPaths(history) };
}

/**
 * Smallest first, per workflow type: a history is kept when it exercises a path that neither a kept one nor an
 * already recorded one does (a new patch marker is a new path, so a behaviour change is always recorded).
 */
function selectCovering(recorded: Recorded[], alreadyCovered: Recorded[]): Array<{ history: Recorded; adds: Set<string> }> {
  const covered = new Map<string, Set<string>>();
  for (const history of alreadyCovered) covered.set(history.type, new Set([...(covered.get(history.type) ?? []), ...history.paths]));
  const kept: Array<{ history: Recorded; adds: Set<string> }> = [];
  for (const history of [...recorded].sort((a, b) => a.events - b.events || a.file.localeCompare(b.file))) {
    const seen = covered.get(history.type) ?? new Set<string>();
    covered.set(history.type, seen);
    const adds = new Set([...history.paths].filter((p) => !seen.has(p)));
    if (adds.size === 0) continue;
    for (const p of adds) seen.add(p);
    kept.push({ history, adds });
  }
  return kept;
}

main();
