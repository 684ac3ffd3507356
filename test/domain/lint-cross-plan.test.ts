import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCatalog } from '../../domain/catalog-load';
import { lintCatalog } from '../../domain/lint';
import { catalogOf, ROOT } from './fixtures';

/** Lint on dependencies between workspaces: cycles across plans, and dependencies no decomposition can satisfy. */

const step = (id: string, dependsOn: string[] = []) => ({ id, type: 'milestone', estimatedDuration: '1h', dependsOn });

function catalogWith(options: { shipDependsOn?: string[]; activateDependsOn?: string[]; licenceScope?: string; linkAudit?: boolean }) {
  return catalogOf({
    products: [{ code: 'ROUTER' }, { code: 'LICENCE' }],
    fulfillmentProducts: [
      { code: 'SHIP-ROUTER', fulfilledBy: { locations: ['WH-EAST'] } },
      { code: 'ACTIVATE', fulfilledBy: { system: 'provisioning' } },
      { code: 'AUDIT', fulfilledBy: { system: 'provisioning' } },
    ],
    decompositionRules: [
      { id: 'ship', source: 'ROUTER', destination: 'SHIP-ROUTER' },
      { id: 'activate', source: 'LICENCE', destination: 'ACTIVATE', scope: options.licenceScope ?? 'lineItem' },
      ...(options.linkAudit ? [{ id: 'audit', source: 'LICENCE', destination: 'AUDIT' }] : []),
    ],
    workspaces: [
      { id: 'delivery', groups: [{ name: 'Ship', steps: [step('ship', options.shipDependsOn)] }] },
      { id: 'activation', groups: [{ name: 'Activate', steps: [step('activate', options.activateDependsOn ?? ['delivery.ship'])] }] },
      { id: 'audit', groups: [{ name: 'Audit', steps: [step('check')] }] },
    ],
    scenarios: [
      { fulfillmentProduct: 'SHIP-ROUTER', workspace: 'delivery' },
      { fulfillmentProduct: 'ACTIVATE', workspace: 'activation' },
      ...(options.linkAudit ? [{ fulfillmentProduct: 'AUDIT', workspace: 'audit' }] : []),
    ],
  });
}

const DEPENDENCY_RULES = ['dependency-cycle', 'dangling-dependency', 'unsatisfiable-dependency'];
const rulesOf = (findings: ReturnType<typeof lintCatalog>) => findings.filter((f) => DEPENDENCY_RULES.includes(f.rule)).map((f) => `${f.rule} ${f.path}`);

describe('lint: dependencies across workspaces and plans', () => {
  it('a licence that waits for a shipment in another split is fine', () => {
    assert.deepEqual(rulesOf(lintCatalog(catalogWith({}))), []);
    const fixture = parseCatalog([{ path: 'cross-plan.yaml', text: fs.readFileSync(path.join(ROOT, 'test/fixtures/cross-plan.yaml'), 'utf8') }]);
    assert.deepEqual(rulesOf(lintCatalog(fixture)), []);
  });

  it('reports a cycle that runs across plans, and says so', () => {
    const findings = lintCatalog(catalogWith({ shipDependsOn: ['activation.activate'] })).filter((f) => f.rule === 'dependency-cycle');
    assert.deepEqual(rulesOf(findings), ['dependency-cycle workspaces[delivery].steps[ship].dependsOn']);
    assert.match(findings[0].message, /delivery\.ship → activation\.activate → delivery\.ship/);
    assert.match(findings[0].message, /across plans/);
  });

  it('reports a dependency on a workspace that is in no plan', () => {
    const findings = lintCatalog(catalogWith({ activateDependsOn: ['audit.check'] })).filter((f) => f.rule === 'unsatisfiable-dependency');
    assert.deepEqual(rulesOf(findings), ['unsatisfiable-dependency workspaces[activation].steps[activate].dependsOn[0]']);
    assert.match(findings[0].message, /no decomposition can satisfy: workspace audit is in no plan/);
    assert.match(findings[0].fix, /add a scenario linking workspace audit/);
    assert.deepEqual(rulesOf(lintCatalog(catalogWith({ activateDependsOn: ['audit.check'], linkAudit: true }))), []);
  });

  it('reports a dependency between order work and account-scope work, which never share a plan', () => {
    const findings = lintCatalog(catalogWith({ licenceScope: 'account' })).filter((f) => f.rule === 'unsatisfiable-dependency');
    assert.deepEqual(rulesOf(findings), ['unsatisfiable-dependency workspaces[activation].steps[activate].dependsOn[0]']);
    assert.match(findings[0].message, /account-scope/);
  });
});
