import type { AuditExport } from '../../domain/audit-chain';
import { config, parse, print, readJsonFile, systemApi, withClient } from './common';
import { table } from './format-billing';
import { UsageError } from './usage';

/**
 * `ordo audit ORDER [--json]`: the order's audit trail, read from Temporal and billing (client/audit.ts);
 * `ordo audit verify FILE.json`: recomputes an export's hash chain, exit 1 naming the first entry that does not
 * match. Verifying needs neither Temporal nor billing: only the file.
 */
export const auditCommands: Record<string, (args: string[]) => Promise<number>> = {
  async audit(args) {
    if (args[0] === 'verify') return verify(args.slice(1));
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError('audit takes one ORDER id (or: audit verify FILE.json)');
    const cfg = config(values.config);
    const { auditTrail } = require('../audit') as typeof import('../audit');
    // Without systems.billing the trail still holds what the workflows recorded; it says what it could not read.
    let billing: ReturnType<typeof systemApi> | undefined;
    try {
      billing = systemApi(cfg, 'billing');
    } catch {
      billing = undefined;
    }
    return withClient(cfg, async (client) => {
      const trail = await auditTrail({ temporal: client.temporal, billing }, positionals[0]);
      print({ json: !!values.json }, formatTrail(trail), trail);
      return 0;
    });
  },
};

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length !== 1) throw new UsageError('audit verify takes one FILE.json (what `ordo audit ORDER --json` wrote)');
  const { verifyTrail } = require('../../domain/audit-chain') as typeof import('../../domain/audit-chain');
  const { sha256 } = require('../audit') as typeof import('../audit');
  const check = verifyTrail(readJsonFile(positionals[0], 'audit export'), sha256);
  const file = positionals[0];
  if (check.ok) {
    print({ json: !!values.json }, `${file}: the chain holds: ${check.length} entries, head ${check.head}`, { ok: true, file, entries: check.length, head: check.head });
    return 0;
  }
  const where = check.index !== undefined ? { entry: check.index } : {};
  if (values.json) console.log(JSON.stringify({ ok: false, file, ...where, problem: check.problem }, null, 2));
  else console.error(`ordo: ${file}: ${check.problem}`);
  return 1;
}

export function formatTrail(trail: AuditExport): string {
  const rows = trail.entries.map((e) => [
    e.at,
    e.actor + (e.verified === true ? ' ✓' : ''),
    e.action,
    e.target,
    e.outcome,
    e.detail ?? '',
    e.source,
  ]);
  const lines = [
    `Audit trail of order ${trail.orderId} (${trail.entries.length} entries, generated ${trail.generatedAt})`,
    ...(rows.length ? table([{ title: 'AT' }, { title: 'ACTOR' }, { title: 'ACTION' }, { title: 'TARGET' }, { title: 'OUTCOME' }, { title: 'DETAIL' }, { title: 'SOURCE' }], rows) : ['No entries.']),
    `Chain head ${trail.chain.head} (sha256; \`ordo audit ${trail.orderId} --json > FILE\`, then \`ordo audit verify FILE\`)`,
  ];
  for (const gap of trail.unavailable ?? []) lines.push(`Not read: ${gap}`);
  return lines.join('\n');
}
