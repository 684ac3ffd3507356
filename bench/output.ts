import * as fs from 'node:fs';
import * as path from 'node:path';

/** Reports go under .ordo/bench/ (ignored): `latest` is overwritten, a timestamped copy is kept beside it. */
export const RESULTS_DIR = path.resolve(__dirname, '..', '.ordo', 'bench');

export function writeReport(report: unknown, name: string, out?: string): string {
  const file = path.resolve(out ?? path.join(RESULTS_DIR, `${name}.json`));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(file, text);
  if (!out) fs.writeFileSync(path.join(RESULTS_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), text);
  return file;
}
