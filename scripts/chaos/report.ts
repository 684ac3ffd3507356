import type { ChaosReport } from './run';

/** The figures a person reads: the same as `--json`, in lines. */
export function formatChaosReport(report: ChaosReport): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const lines = [
    `Chaos run (seed ${report.seed}), ${report.startedAt}: ${Object.entries(report.examples).map(([name, n]) => `${n} × ${name}`).join(', ')}`,
    '',
    `  orders         ${report.orders}`,
    `  completed      ${report.completed}`,
    `  in fallout     ${report.inFallout}`,
    `  lost           ${report.lost}`,
    `  not settled    ${report.unsettled + report.endedOtherwise}`,
    `  billed twice   ${report.billedTwice.length}`,
    `  Σ billed       ${report.sumBilled} ${report.currency}`,
    `  Σ expected     ${report.sumExpected} ${report.currency}  (the completed orders' invoices, computed from the order files)`,
    '',
    'Kills:',
    ...report.kills.map((k) => `  +${seconds(k.afterMs).padStart(7)} (${k.at.slice(11, 19)}Z)  SIGKILL ${k.part.padEnd(8)} (pids ${k.pids.join(', ')})${k.ordersInFlight === undefined ? '' : ` with ${k.ordersInFlight} orders in flight`}, back in ${seconds(k.backInMs)}`),
    'Faults (each to the end of the run; an outage for its outageMs):',
    ...report.faults.map((f) => `  +${seconds(f.afterMs).padStart(7)}  ${f.system}: ${JSON.stringify(f.spec)}`),
    `  felt: inventory refused ${report.faultsFelt.outageRefusals} call(s) in its outage; billing lost the answer to ${report.faultsFelt.billingAnswersLost} invoice call(s)` +
      ` and answered ${report.faultsFelt.billingReplays} retried one(s) with the invoice it had; slowest shipping call ${seconds(report.faultsFelt.slowestShippingMs)}`,
  ];
  if (report.fallout.length) {
    lines.push('In fallout (left for an operator):');
    for (const order of report.fallout) {
      for (const step of order.steps) lines.push(`  ${order.orderId}  ${step.stepId}  queue ${step.queue ?? '(none)'}${step.error ? `: ${step.error}` : ''}`);
    }
  }
  lines.push(
    '',
    `Elapsed: ${seconds(report.elapsedMs)} in all, ${seconds(report.ordersElapsedMs)} from the first order submitted to the last settled`,
    '',
    ...report.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}${check.detail ? `: ${check.detail}` : ''}`),
    '',
    report.ok ? 'Every check passed.' : `Some checks failed; the run's folder is kept: ${report.dataDir}`,
  );
  return lines.join('\n');
}
