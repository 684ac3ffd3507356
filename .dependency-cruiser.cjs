/**
 * Ordo's layering, checked by `npm run deps` (part of `npm test`). README.md "Layout and layering" says the same
 * in prose. Type-only imports count: a cycle through types is still a cycle a reader has to untangle.
 */

/** Workflow modules anyone may load: definitions and names, no workflow implementation. */
const WORKFLOW_LEAVES = '^workflows/(ids|patches|messages|sync-messages|channel-intake-messages|subscription-messages|payment-messages|types|search-attributes|payload-converter)\\.ts$';

/** npm packages that are pure computation: no I/O, no clock, no randomness. */
const PURE_PACKAGES = 'node_modules/(zod|yaml|@noble/curves|@noble/hashes)/';

/** What Temporal lets workflow code use: the workflow API and the common (data conversion, failures) pieces. */
const WORKFLOW_SDK = 'node_modules/@temporalio/(workflow|common)/';

module.exports = {
  forbidden: [
    {
      name: 'console-page-runs-in-the-browser',
      severity: 'error',
      comment:
        'console/page/ is bundled for the browser (console/bundle.ts): it imports other page modules and the page ' +
        "libraries only; of the rest of Ordo, types alone (the API's shapes), never code that needs Node.",
      from: { path: '^console/page/' },
      to: { pathNot: ['^console/page/', 'node_modules/(react|react-dom|scheduler|chart\\.js|@kurkle/color|@dagrejs/(dagre|graphlib))/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere: each module can be read after the ones it imports.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'domain/ is the pure model: it imports other domain modules and pure packages (zod, yaml) only. No node: ' +
        'modules (no I/O, clock or randomness), no Temporal, nothing from the other layers: the workflows run it.',
      from: { path: '^domain/' },
      to: { pathNot: [`^domain/`, PURE_PACKAGES] },
    },
    {
      name: 'workflows-import-activities-as-types',
      severity: 'error',
      comment:
        'Workflow code names activities through activities/types.ts, as types only (import type): the ' +
        "activities' implementation does I/O and must never reach the workflow bundle.",
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-see-activity-types-only',
      severity: 'error',
      comment: 'Workflow code knows the activities by their contract (activities/types.ts), not their implementation.',
      from: { path: '^workflows/' },
      to: { path: '^activities/', pathNot: '^activities/types\\.ts$' },
    },
    {
      name: 'activity-contract-is-a-leaf',
      severity: 'error',
      comment:
        "activities/types.ts is what workflows know of the activities: it names domain and message types only, so " +
        'importing it can never pull the implementation (or its Temporal client) in.',
      from: { path: '^activities/types\\.ts$' },
      to: { pathNot: ['^domain/', WORKFLOW_LEAVES] },
    },
    {
      name: 'workflows-are-deterministic',
      severity: 'error',
      comment:
        'Workflow code imports workflows/, domain/, pure packages and, of Temporal, only @temporalio/workflow and ' +
        '@temporalio/common: no node: modules, no client, worker or activity SDK, no config (it reads files).',
      from: { path: '^workflows/' },
      to: { pathNot: ['^(workflows|domain|activities)/', PURE_PACKAGES, WORKFLOW_SDK] },
    },
    {
      name: 'workflow-leaves-stay-leaves',
      severity: 'error',
      comment:
        'Ids, message definitions, summary types, search attributes and the payload converter are what the client, ' +
        'activities and scripts load of workflows/: they import only each other, domain types and the workflow SDK.',
      from: { path: WORKFLOW_LEAVES },
      to: { pathNot: [WORKFLOW_LEAVES, '^domain/', WORKFLOW_SDK] },
    },
    {
      name: 'no-workflow-code-outside-the-worker-bundle',
      severity: 'error',
      comment:
        'The CLI, the client, the activities, the workers, scripts and the bench never load a workflow implementation ' +
        '(not even to build an id: workflows/ids.ts): the worker bundles workflows/index.ts by path. Tests may.',
      from: { path: '^(client|activities|workers|scripts|bench|config|simulators|api)/' },
      to: { path: '^workflows/', pathNot: WORKFLOW_LEAVES, reachable: true },
    },
    {
      name: 'api-is-a-server',
      severity: 'error',
      comment:
        'api/ is the TMF622 HTTP server (docs/api.md): it reads and acts through client/ and the hub store of ' +
        'activities/order-events.ts; only the CLI that starts it (client/cli) and tests load it.',
      from: { pathNot: ['^api/', '^client/cli/', '^test/'] },
      to: { path: '^api/' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      comment: 'Test code is imported by tests only: tools that drive the test harness (record-histories, profile-history) live in test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.cache|\\.ordo)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'], mainFields: ['main', 'types'] },
  },
};
