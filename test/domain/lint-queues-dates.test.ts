import assert from 'node:assert/strict';
import { attributeValueProblems } from '../../domain/catalog-guards';
import { lintCatalog, type Finding } from '../../domain/lint';
import { catalogOf } from './fixtures';

/**
 * Two lint rules issue 14 asked for: a product's approval queue the configuration does not have (an error: nobody
 * could approve, the order would wait pending), and a step dated by an attribute no product declares (a warning:
 * a typo makes the step start at once).
 */

function catalogWith(products: unknown[], steps: unknown[] = [{ id: 'ship', type: 'callout', call: { system: 'shipping', operation: 'ship' }, estimatedDuration: '1h', fallout: { queue: 'desk' } }]) {
  return catalogOf({
    products,
    fulfillmentProducts: [{ code: 'SHIP-WIDGET', fulfilledBy: { locations: ['WH-1'] } }],
    decompositionRules: products.map((product, i) => ({ id: `r-${i}`, source: (product as { code: string }).code, destination: 'SHIP-WIDGET' })),
    workspaces: [{ id: 'delivery', groups: [{ name: 'Main', steps }] }],
    scenarios: [{ fulfillmentProduct: 'SHIP-WIDGET', workspace: 'delivery' }],
  });
}

const ofRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe('lint: approval queues', () => {
  const catalog = catalogWith([{ code: 'KIT', approval: { queue: 'credit' } }, { code: 'GADGET', approval: { queue: 'credt' } }, { code: 'PLAIN' }]);

  it('errors on an approval queue the configuration does not have, naming the product, the queue and the known queues', () => {
    const findings = lintCatalog(catalog, { queues: ['credit', 'desk'] });
    assert.deepEqual(ofRule(findings, 'unknown-approval-queue'), [
      {
        severity: 'error',
        rule: 'unknown-approval-queue',
        path: 'products[GADGET].approval.queue',
        message: 'product GADGET asks for an approval by queue credt, which the configuration\'s queues do not have: nobody could approve its orders, which would wait pending until cancelled',
        fix: 'name one of the configured queues (credit, desk), or add credt with its members under queues in temporal-config.yaml',
      },
    ]);
  });

  it('with a configuration that has no queues, every approval queue is unknown', () => {
    const findings = ofRule(lintCatalog(catalog, { queues: [] }), 'unknown-approval-queue');
    assert.deepEqual(findings.map((f) => f.path), ['products[KIT].approval.queue', 'products[GADGET].approval.queue']);
    assert.match(findings[0].fix, /configured queues \(none\)/);
  });

  it('without a configuration says nothing about approval queues rather than guess', () => {
    assert.deepEqual(ofRule(lintCatalog(catalog), 'unknown-approval-queue'), []);
  });
});

describe('lint: dated steps', () => {
  const steps = [
    { id: 'ship', type: 'callout', call: { system: 'shipping', operation: 'ship' }, estimatedDuration: '1h', fallout: { queue: 'desk' } },
    { id: 'go-live', type: 'milestone', dependsOn: ['ship'], startAt: { attribute: 'goLive' } },
    { id: 'check-in', type: 'milestone', dependsOn: ['ship'], startAt: { attribute: 'goLiv' } },
    { id: 'activate', type: 'milestone', dependsOn: ['ship'], startAt: { field: 'startDate' } },
  ];

  it('warns on a startAt attribute no product declares, and not on a declared one or on startDate', () => {
    const findings = lintCatalog(catalogWith([{ code: 'SERVICE', attributes: { goLive: [], tier: ['gold'] } }], steps));
    assert.deepEqual(findings, [
      {
        severity: 'warning',
        rule: 'undeclared-start-attribute',
        path: 'workspaces[delivery].steps[check-in].startAt.attribute',
        message: 'step check-in starts at attribute goLiv, which no product declares: if the name is wrong, the step never waits for its date',
        fix: 'check the name against the products\' attributes (goLive, tier), or declare it on the product that carries the date: attributes: { goLiv: [] } (any value)',
      },
    ]);
  });

  it('warns on every attribute-dated step when no product declares attributes', () => {
    const findings = lintCatalog(catalogWith([{ code: 'SERVICE' }], steps));
    assert.deepEqual(findings.map((f) => [f.severity, f.rule, f.path]), [
      ['warning', 'undeclared-start-attribute', 'workspaces[delivery].steps[go-live].startAt.attribute'],
      ['warning', 'undeclared-start-attribute', 'workspaces[delivery].steps[check-in].startAt.attribute'],
    ]);
    assert.doesNotMatch(findings[0].fix, /\(\)/);
  });

  it('an attribute declared with no values ([]) takes any value at submission', () => {
    const [service] = catalogWith([{ code: 'SERVICE', attributes: { goLive: [], tier: ['gold'] } }]).products;
    assert.deepEqual(attributeValueProblems(service, { goLive: '2027-01-05', tier: 'gold' }, 'items[0].attributes'), []);
    assert.deepEqual(attributeValueProblems(service, { tier: 'tin' }, 'items[0].attributes').map((p) => p.path), ['items[0].attributes.tier']);
  });
});

describe('lint: work queues the configuration lacks', () => {
  const catalog = catalogOf({
    products: [{ code: 'THING' }],
    fulfillmentProducts: [{ code: 'THING-WORK', fulfilledBy: { system: 'provisioning' } }],
    decompositionRules: [{ id: 'r', source: 'THING', destination: 'THING-WORK' }],
    workspaces: [
      {
        id: 'w',
        groups: [
          {
            name: 'G',
            steps: [
              { id: 'check', type: 'manualTask', queue: 'checkers', estimatedDuration: '1h', jeopardy: { onLate: [{ escalate: 'leads' }, { alert: 'ops' }] } },
              { id: 'call', type: 'callout', dependsOn: ['check'], estimatedDuration: '1h', call: { system: 'provisioning', operation: 'go' }, fallout: { queue: 'desk' } },
            ],
          },
        ],
      },
    ],
    scenarios: [{ fulfillmentProduct: 'THING-WORK', workspace: 'w' }],
    falloutRules: [{ system: 'provisioning', queue: 'nowhere' }],
  });
  const unknown = (queues: string[]) => lintCatalog(catalog, { queues }).filter((f) => f.rule === 'unknown-queue');

  it('warns for each manual task, fallout, escalation and fallout-rule queue that has no members', () => {
    const findings = unknown(['desk']);
    assert.deepEqual(findings.map((f) => [f.severity, f.path]), [
      ['warning', 'workspaces[w].steps[check].queue'],
      ['warning', 'workspaces[w].steps[check].jeopardy.onLate[0]'],
      ['warning', 'falloutRules[0].queue'],
    ]);
    assert.match(findings[0].message, /manual task check goes to queue checkers, which the configuration's queues do not have/);
    assert.match(findings[0].fix, /name one of the configured queues \(desk\), or add checkers/);
  });

  it('says nothing when every queue is configured, when no configuration is at hand, or when it has no queues yet', () => {
    assert.deepEqual(unknown(['checkers', 'leads', 'desk', 'nowhere']), []);
    assert.deepEqual(lintCatalog(catalog).filter((f) => f.rule === 'unknown-queue'), []);
    assert.deepEqual(unknown([]), [], 'a configuration with no queues at all has not set them up yet');
  });
});
