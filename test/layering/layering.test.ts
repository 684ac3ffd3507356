import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A small project with one breach of each layering rule, cruised with Ordo's own .dependency-cruiser.cjs: proves
 * the rules `npm run deps` enforces actually fire (a rule with a typo in its path would pass everything).
 */
const FIXTURE: Record<string, string> = {
  'domain/reads-files.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'domain/uses-temporal.ts': "import { sleep } from '@temporalio/workflow';\nexport const wait = sleep;\n",
  'domain/knows-workflows.ts': "import { orderWorkflowId } from '../workflows/ids';\nexport const id = orderWorkflowId;\n",
  'domain/pure.ts': "import { z } from 'zod';\nexport const Name = z.string();\n",
  'domain/cycle-a.ts': "import type { B } from './cycle-b';\nexport interface A { b?: B }\n",
  'domain/cycle-b.ts': "import type { A } from './cycle-a';\nexport interface B { a?: A }\n",
  'workflows/ids.ts': "export const orderWorkflowId = (id: string) => `order-${id}`;\n",
  'workflows/messages.ts': "import type { OrderWorkflow } from './order';\nexport type Result = ReturnType<typeof OrderWorkflow>;\n",
  'workflows/order.ts':
    "import { sleep } from '@temporalio/workflow';\nimport type { Activities } from '../activities/types';\nexport async function OrderWorkflow(a?: Activities) { await sleep(1); return a; }\n",
  'workflows/calls-activities.ts': "import { createActivities } from '../activities/index';\nexport const made = createActivities;\n",
  'workflows/types-of-implementation.ts': "import type { createActivities } from '../activities/index';\nexport type Made = typeof createActivities;\n",
  'workflows/uses-client.ts': "import { Client } from '@temporalio/client';\nexport const C = Client;\n",
  'workflows/uses-timers.ts': "import { setTimeout as later } from 'node:timers';\nexport const t = later;\n",
  'activities/types.ts': "import type { createActivities } from './index';\nexport interface Activities { run(): Promise<void>; made?: typeof createActivities }\n",
  'activities/index.ts': "import { orderWorkflowId } from '../workflows/ids';\nexport function createActivities() { return { orderWorkflowId }; }\n",
  'client/starts-order.ts': "import { OrderWorkflow } from '../workflows/order';\nexport const w = OrderWorkflow;\n",
  'client/names-order.ts': "import { orderWorkflowId } from '../workflows/ids';\nexport const id = orderWorkflowId('1');\n",
  'scripts/uses-test-code.ts': "import { helper } from '../test/helper';\nexport const h = helper;\n",
  'test/helper.ts': 'export const helper = 1;\n',
  'api/server.ts': 'export const apiApp = 1;\n',
  'scripts/serves-api.ts': "import { apiApp } from '../api/server';\nexport const a = apiApp;\n",
  'client/cli/api-commands.ts': "import { apiApp } from '../../api/server';\nexport const a = apiApp;\n",
  'test/uses-workflow.ts': "import { OrderWorkflow } from '../workflows/order';\nexport const w = OrderWorkflow;\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('layering (.dependency-cruiser.cjs, run by npm run deps)', function () {
  this.timeout(60_000);
  let violations: Array<[string, string, string]>;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-layering-'));
    try {
      for (const [file, text] of Object.entries(FIXTURE)) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      fs.copyFileSync(path.join(ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
      fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      const cruiser = path.join(ROOT, 'node_modules/.bin/depcruise');
      const run = await promisify(execFile)(cruiser, ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'domain', 'workflows', 'activities', 'client', 'scripts', 'test'], { cwd: dir, maxBuffer: 64 << 20 }).catch(
        (failed: { stdout?: string; code?: number }) => {
          assert.ok(failed.stdout, `depcruise failed without a report (exit ${failed.code})`);
          return { stdout: failed.stdout };
        },
      );
      const report = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
      violations = report.summary.violations.map((v) => [v.rule.name, v.from, v.to]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const has = (rule: string, from: string, to?: string) =>
    violations.some(([r, f, t]) => r === rule && f === from && (to === undefined || t === to || t.endsWith(to)));
  const flagged = (from: string) => violations.filter(([, f]) => f === from).map(([r]) => r);

  it('refuses I/O, Temporal and other layers in domain/, and lets it use zod', () => {
    assert.ok(has('domain-is-pure', 'domain/reads-files.ts', 'fs'), JSON.stringify(violations));
    assert.ok(has('domain-is-pure', 'domain/uses-temporal.ts'));
    assert.ok(has('domain-is-pure', 'domain/knows-workflows.ts', 'workflows/ids.ts'));
    assert.deepEqual(flagged('domain/pure.ts'), []);
  });

  it('refuses a cycle, even one made of type-only imports', () => {
    assert.ok(has('no-circular', 'domain/cycle-a.ts', 'domain/cycle-b.ts'));
  });

  it('lets workflows import activities as types from activities/types.ts only', () => {
    assert.ok(has('workflows-import-activities-as-types', 'workflows/calls-activities.ts', 'activities/index.ts'));
    assert.ok(has('workflows-see-activity-types-only', 'workflows/types-of-implementation.ts', 'activities/index.ts'));
    assert.deepEqual(flagged('workflows/order.ts'), []);
  });

  it('keeps the activity contract a leaf: it may not reach the implementation', () => {
    assert.ok(has('activity-contract-is-a-leaf', 'activities/types.ts', 'activities/index.ts'));
  });

  it('refuses node: modules and Temporal packages other than workflow/common in workflow code', () => {
    assert.ok(has('workflows-are-deterministic', 'workflows/uses-client.ts'));
    assert.ok(has('workflows-are-deterministic', 'workflows/uses-timers.ts', 'timers'));
  });

  it('keeps message definitions a leaf', () => {
    assert.ok(has('workflow-leaves-stay-leaves', 'workflows/messages.ts', 'workflows/order.ts'));
  });

  it('keeps workflow implementations out of the client, and lets it name workflows through workflows/ids.ts', () => {
    assert.ok(has('no-workflow-code-outside-the-worker-bundle', 'client/starts-order.ts', 'workflows/order.ts'));
    assert.deepEqual(flagged('client/names-order.ts'), []);
    assert.deepEqual(flagged('activities/index.ts'), []);
  });

  it('refuses test code outside test/, and lets tests use each other and workflows', () => {
    assert.ok(has('nothing-imports-tests', 'scripts/uses-test-code.ts', 'test/helper.ts'));
    assert.deepEqual(flagged('test/uses-workflow.ts'), []);
  });

  it('lets only the CLI (and tests) load the API server', () => {
    assert.ok(has('api-is-a-server', 'scripts/serves-api.ts', 'api/server.ts'));
    assert.deepEqual(flagged('client/cli/api-commands.ts'), []);
  });
});
