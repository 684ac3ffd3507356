import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseBenchArgs, UsageError } from '../../bench/args';

describe('bench: command line', () => {
  it('has defaults for every setting, and takes worker tuning overrides', () => {
    assert.deepEqual(parseBenchArgs([]), {
      mode: 'server', orders: 240, shape: 'laptop', concurrency: 32, rounds: 8, settle: 2, warmup: 5, solo: 3, tuning: {}, sweep: undefined, historySample: 50, workerProcesses: 0, probeSeconds: 15, out: undefined, quiet: false,
    });
    const args = parseBenchArgs(['--orders', '50', '--cache', '0', '--max-workflow-tasks', '10', '--settle', '0', '--commit', 'side-by-side']);
    assert.deepEqual(args.mode === 'server' && [args.tuning, args.settle, args.commit], [{ cache: 0, 'max-workflow-tasks': 10 }, 0, 'side-by-side']);
  });

  it('runs a steady-load sweep: automatic rates by default, or the rates given', () => {
    assert.deepEqual(parseBenchArgs(['--steady']), {
      mode: 'steady', shape: 'laptop', rates: 'auto', windowSeconds: 30, settle: 5, rounds: 1, warmup: 5, tuning: {}, workerProcesses: 0, out: undefined, commit: undefined, quiet: false,
    });
    const args = parseBenchArgs(['--steady', '--rates', '0.5,1,2.25', '--window', '10', '--rounds', '2', '--cache', '50', '--commit', 'steady']);
    assert.deepEqual(args.mode === 'steady' && [args.rates, args.windowSeconds, args.rounds, args.tuning, args.commit], [[0.5, 1, 2.25], 10, 2, { cache: 50 }, 'steady']);
  });

  it('runs one large order of --items sensor kits (2,000 by default), with tuning overrides', () => {
    assert.deepEqual(parseBenchArgs(['--large']), { mode: 'large', items: 2000, tuning: {}, out: undefined, quiet: false });
    assert.deepEqual(parseBenchArgs(['--large', '--items', '250', '--cache', '100']), { mode: 'large', items: 250, tuning: { cache: 100 }, out: undefined, quiet: false });
  });

  it('sweeps one tuning key over several values', () => {
    const args = parseBenchArgs(['--sweep', 'cache=100,1000']);
    assert.deepEqual(args.mode === 'server' && args.sweep, { flag: 'cache', values: [100, 1000] });
  });

  it('takes the decomposition benchmark’s sizes, with the 2,000-item fleet order unless --shape picks one order', () => {
    assert.deepEqual(parseBenchArgs(['--decompose', '--sizes', '10,100', '--runs', '3']), { mode: 'decompose', sizes: [10, 100], fleetSizes: [2000], runs: 3, out: undefined, quiet: false });
    assert.deepEqual(parseBenchArgs(['--decompose']), { mode: 'decompose', sizes: [10, 1000, 10_000], fleetSizes: [2000], runs: 7, out: undefined, quiet: false });
    const fleet = parseBenchArgs(['--decompose', '--shape', 'fleet', '--sizes', '500,2000']);
    assert.deepEqual(fleet.mode === 'decompose' && [fleet.sizes, fleet.fleetSizes], [[], [500, 2000]]);
    const fleetDefault = parseBenchArgs(['--decompose', '--shape', 'fleet']);
    assert.deepEqual(fleetDefault.mode === 'decompose' && [fleetDefault.sizes, fleetDefault.fleetSizes], [[], [2000]]);
    const large = parseBenchArgs(['--decompose', '--shape', 'large', '--sizes', '10']);
    assert.deepEqual(large.mode === 'decompose' && [large.sizes, large.fleetSizes], [[10], []]);
  });

  for (const bad of [
    ['--orders', '0'],
    ['--orders', 'many'],
    ['--shape', 'boat'],
    ['--shape', 'saas'],
    ['--rates', '1,2'],
    ['--window', '10'],
    ['--steady', '--rates', '2,1'],
    ['--steady', '--rates', '0,1'],
    ['--steady', '--rates', 'fast'],
    ['--steady', '--orders', '10'],
    ['--steady', '--large'],
    ['--large', '--settle', '1'],
    ['--commit', 'Docs/../x'],
    ['--sweep', 'colour=1,2'],
    ['--sweep', 'cache='],
    ['--cache', '5', '--sweep', 'cache=1,2'],
    ['--max-workflow-tasks', '1'],
    ['--rounds', '3', '--orders', '2'],
    ['--decompose', '--orders', '5'],
    ['--decompose', '--shape', 'laptop'],
    ['--shape', 'fleet'],
    ['--sizes', '10'],
    ['--large', '--decompose'],
    ['--large', '--orders', '5'],
    ['--items', '100'],
    ['--large', '--items', '0'],
    ['--frobnicate'],
    ['stray'],
  ]) {
    it(`refuses ${bad.join(' ')}`, () => assert.throws(() => parseBenchArgs(bad), UsageError));
  }

  it('exits 2 with the usage on a bad flag', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../bench/main.ts'), '--frobnicate'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /usage: npm run bench/);
  });
});
