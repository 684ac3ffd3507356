import * as fs from 'node:fs';
import * as path from 'node:path';

/** Reports go under .ordo/bench/ (ignored): `latest` is overwritten, a timestamped copy is kept beside it. */
export const RESULTS_DIR = path.resolve(__dirname, '..', '.ordo', 'bench');

/** Reports the docs quote (`--commit NAME`): committed with them, so every headline figure links to its report. */
export const COMMITTED_DIR = path.resolve(__dirname, '..', 'docs', 'bench');

/** Writes the report; answers the files written (the committed copy last, when `commit` names one). */
export function writeReport(report: unknown, name: string, out?: string, commit?: string): string {
  const file = path.resolve(out ?? path.join(RESULTS_DIR, `${name}.json`));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(file, text);
  if (!out) fs.writeFileSync(path.join(RESULTS_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), text);
  if (!commit) return file;
  const committed = path.join(COMMITTED_DIR, `${commit}.json`);
  fs.mkdirSync(COMMITTED_DIR, { recursive: true });
  fs.writeFileSync(committed, text);
  return `${file} and ${path.relative(process.cwd(), committed)}`;
}
