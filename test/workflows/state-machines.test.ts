import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedPartOf, renderStateMachines, STATE_MACHINES_DOC } from './state-machines-doc';
import { FINAL_ORDER_STATES } from '../../workflows/types';
import { IllegalTransition, isFinal, move, moveStep, ORDER_MACHINE, SPLIT_MACHINE, STEP_MACHINE, SYNC_MACHINE, SUBSCRIPTION_MACHINE, COLLECTION_MACHINE, type StateMachine } from '../../workflows/state-machines';

const WORKFLOWS = path.join(__dirname, '../../workflows');
const MACHINES: Array<StateMachine<string>> = [ORDER_MACHINE, SPLIT_MACHINE, STEP_MACHINE, SYNC_MACHINE, SUBSCRIPTION_MACHINE, COLLECTION_MACHINE];

describe('workflows/state-machines.ts: the transition tables', () => {
  it('docs/state-machines.md shows exactly the tables the code checks (npm run docs:state-machines rewrites it)', () => {
    assert.equal(generatedPartOf(fs.readFileSync(STATE_MACHINES_DOC, 'utf8')), renderStateMachines());
  });

  it('refuses a transition the table does not list, naming it; allows listed ones and staying put', () => {
    const step = { id: 'ship', state: 'Completed' as const };
    assert.throws(() => moveStep({ ...step }, 'InProgress'), (error: Error) => error instanceof IllegalTransition && /step ship: Completed → InProgress/.test(error.message));
    assert.throws(() => move(ORDER_MACHINE, 'order X', 'completed', 'cancelled'), IllegalTransition);
    assert.throws(() => move(SPLIT_MACHINE, 'FO-1', 'completed', 'inProgress'), IllegalTransition);
    const moved = { id: 'ship', state: 'Completed' as 'Completed' | 'Amended' };
    moveStep(moved, 'Amended');
    assert.equal(moved.state, 'Amended');
    assert.equal(move(ORDER_MACHINE, 'order X', 'held', 'held'), 'held');
  });

  for (const machine of MACHINES) {
    it(`${machine.name}: every state is reachable from a starting state, and every transition says why`, () => {
      const reached = new Set<string>(machine.initial);
      for (let grew = true; grew; ) {
        grew = false;
        for (const state of [...reached]) {
          for (const to of machine.transitions[state]) {
            if (reached.has(to)) continue;
            reached.add(to);
            grew = true;
          }
        }
      }
      assert.deepEqual(Object.keys(machine.transitions).filter((s) => !reached.has(s)), []);
      for (const [from, tos] of Object.entries(machine.transitions)) for (const to of tos) assert.ok(machine.why[`${from}>${to}`], `${from} → ${to} says why`);
    });
  }

  it('final states are the ones nothing leaves, and FINAL_ORDER_STATES (what clients wait for) are the order table\'s', () => {
    assert.deepEqual(Object.keys(ORDER_MACHINE.transitions).filter((s) => isFinal(ORDER_MACHINE, s)), ['rejected', 'cancelled', 'completed', 'partial', 'failed']);
    assert.deepEqual([...FINAL_ORDER_STATES].sort(), Object.keys(ORDER_MACHINE.transitions).filter((s) => isFinal(ORDER_MACHINE, s)).sort());
    assert.deepEqual(Object.keys(STEP_MACHINE.transitions).filter((s) => isFinal(STEP_MACHINE, s)), ['Discarded']);
  });

  it('no workflow code sets a step, split or order state except through move', () => {
    const offences: string[] = [];
    // Account shares and compensation records have small lifecycles of their own, not DESIGN.md's states.
    const ownLifecycles = /\b(share|view|record)\.state\s*=/;
    for (const file of fs.readdirSync(WORKFLOWS, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file === 'state-machines.ts') continue;
      fs.readFileSync(path.join(WORKFLOWS, file), 'utf8').split('\n').forEach((line, i) => {
        const assigns = /(\.state|^\s*state)\s*=(?!=)/.test(line);
        if (assigns && !/\bmove\(/.test(line) && !ownLifecycles.test(line)) offences.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offences, [], 'change states with move / moveStep (workflows/state-machines.ts)');
  });
});
