import { z } from 'zod';

/**
 * Judging `npm audit --json` against docs/audit-allowlist.json: which findings of high or critical severity are not
 * explained, and whether the audit ran at all. Pure, so it is tested on fixed reports even where the registry cannot
 * be reached (test/layering/audit.test.ts).
 */

/** One explained finding: the advisory (its URL, as npm audit prints it), the package, and why it does not reach Ordo. */
export const AllowedFinding = z.strictObject({
  package: z.string().min(1),
  advisory: z.string().regex(/^https:\/\/github\.com\/advisories\/GHSA-/, 'must be the advisory URL npm audit prints (https://github.com/advisories/GHSA-…)'),
  reason: z.string().min(20, 'say why the finding does not reach Ordo, or what would fix it'),
});
export const AuditAllowList = z.strictObject({ allowed: z.array(AllowedFinding) });
export type AuditAllowList = z.infer<typeof AuditAllowList>;

const Advisory = z.looseObject({ source: z.number().optional(), name: z.string(), title: z.string().optional(), url: z.string(), severity: z.string() });
const Vulnerability = z.looseObject({ name: z.string(), severity: z.string(), via: z.array(z.union([z.string(), Advisory])) });
const Report = z.looseObject({ vulnerabilities: z.record(z.string(), Vulnerability) });

export const BLOCKING = new Set(['high', 'critical']);

export interface Finding {
  package: string;
  advisory: string;
  severity: string;
  title: string;
}

export type AuditVerdict = { ran: false; why: string } | { ran: true; unexplained: Finding[]; explained: Finding[] };

/** Network failures, and a registry (or mirror) that does not offer the advisory endpoint: the audit did not run. */
const UNREACHABLE = /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|audit endpoint returned an error|405 Method Not Allowed|\b50[234]\b/;

/**
 * The advisories of high or critical severity in `output` (npm audit --json), split by the allow-list. A report npm
 * could not make because the registry was not reachable is `ran: false` with npm's own words; any other output
 * that is not a report is an error (a broken lock file must not pass as "cannot reach the registry").
 */
export function judgeAudit(output: string, allowList: AuditAllowList): AuditVerdict {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    if (UNREACHABLE.test(output)) return { ran: false, why: firstLine(output) };
    throw new Error(`npm audit did not print JSON: ${firstLine(output)}`);
  }
  const report = Report.safeParse(json);
  if (!report.success) {
    const text = JSON.stringify(json);
    if (UNREACHABLE.test(text)) return { ran: false, why: firstLine(describe(json)) };
    throw new Error(`npm audit printed something that is not a report: ${text.slice(0, 300)}`);
  }
  const findings: Finding[] = [];
  for (const vulnerability of Object.values(report.data.vulnerabilities)) {
    for (const via of vulnerability.via) {
      // A string names another package whose own entry carries the advisory: counted there.
      if (typeof via === 'string' || !BLOCKING.has(via.severity)) continue;
      findings.push({ package: via.name, advisory: via.url, severity: via.severity, title: via.title ?? '' });
    }
  }
  const unique = [...new Map(findings.map((f) => [`${f.package} ${f.advisory}`, f])).values()];
  const allowed = (f: Finding) => allowList.allowed.some((a) => a.package === f.package && a.advisory === f.advisory);
  return { ran: true, unexplained: unique.filter((f) => !allowed(f)), explained: unique.filter(allowed) };
}

function describe(json: unknown): string {
  const record = json as { message?: unknown; error?: { summary?: unknown; detail?: unknown } };
  return String(record.message ?? record.error?.summary ?? record.error?.detail ?? JSON.stringify(json));
}

/** The first line of npm's words, with addresses left out (the test log names no registry). */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '(no output)';
  return line.replace(/\b[a-z]+:\/\/\S+/gi, '<registry>').slice(0, 200);
}
