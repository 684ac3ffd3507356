import assert from 'node:assert/strict';
import { describeCpuUsage, startCpuUsage } from '../../bench/cpu-usage';

/** The bench's account of which process held the cores (docs/production-temporal.md "What holds the cores"). */
describe('bench: cores busy per kind of process', () => {
  it('counts this process’s own work as the bench’s, and says it in one line', function () {
    if (process.platform !== 'linux') this.skip();
    const usage = startCpuUsage();
    const until = Date.now() + 300;
    while (Date.now() < until); // busy: about one core for 0.3 s
    const cpu = usage.stop()!;
    assert.ok(cpu.coresBusy.bench > 0.05, JSON.stringify(cpu)); // well under one core: the machine may be shared
    assert.ok(cpu.cpuSeconds.bench > 0.015 && cpu.cpuSeconds.bench < 1, JSON.stringify(cpu)); // the same, as CPU time
    assert.ok(cpu.cores >= 1);
    assert.match(describeCpuUsage(cpu), /^cores busy \(of \d+, over [\d.]+ s\): Temporal server [\d.]+, PostgreSQL [\d.]+, worker processes [\d.]+, bench process [\d.]+, rest of the machine [\d.]+$/);
  });
});
