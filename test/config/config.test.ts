import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load';
import { InvalidInput } from '../../domain/problems';

/** temporal-config.yaml: validation with the path of the bad key, environment overrides, relative paths. */

const REPO_ROOT = path.resolve(__dirname, '../..');

describe('loadConfig', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-config-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  /** The InvalidInput a bad file throws, checked to name the file. */
  const refusal = (file: string): InvalidInput => {
    try {
      loadConfig({ file, env: {} });
    } catch (error) {
      assert.ok(error instanceof InvalidInput, String(error));
      assert.ok(error.message.startsWith(`configuration ${file} is invalid:`), error.message);
      return error;
    }
    assert.fail(`${file} loaded`);
  };

  describe("the repository's temporal-config.yaml", () => {
    it('loads, with absolute catalog files that exist and durations in milliseconds', () => {
      const config = loadConfig({ env: {} });
      assert.equal(config.file, DEFAULT_CONFIG_PATH);
      assert.equal(config.file, path.join(REPO_ROOT, 'temporal-config.yaml'));
      assert.deepEqual(config.temporal, { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ordo', tls: false });
      assert.deepEqual(config.catalogFiles, ['laptop', 'saas', 'network', 'fleet'].map((name) => path.join(REPO_ROOT, `catalog/${name}.yaml`)));
      for (const file of config.catalogFiles) assert.ok(fs.existsSync(file), file);
      assert.equal(config.dataDir, path.join(REPO_ROOT, '.ordo'));
      assert.deepEqual(Object.keys(config.systems).sort(), ['billing', 'cpq', 'inventory', 'payments', 'provisioning', 'shipping', 'storefront', 'warranty', 'webhook']);
      assert.deepEqual(config.systems.inventory, { url: 'http://127.0.0.1:7300/inventory', timeout: 10_000 });
      assert.equal(config.systems.webhook.timeout, 5_000);
      assert.deepEqual(config.queues['provisioning-desk'], { members: ['dave', 'erin'], assignment: 'none' });
      assert.equal(config.billing.taxRates.STANDARD, '0.0825');
      assert.deepEqual(config.decomposition, { maxStepsPerFulfillmentOrder: 500 });
    });

    it('is found through ORDO_CONFIG, and an explicit file wins over it', () => {
      const other = write('elsewhere/temporal-config.yaml', 'catalog: [a.yaml]\ntemporal: { taskQueue: elsewhere }\n');
      assert.equal(loadConfig({ env: { ORDO_CONFIG: other } }).temporal.taskQueue, 'elsewhere');
      assert.equal(loadConfig({ file: DEFAULT_CONFIG_PATH, env: { ORDO_CONFIG: other } }).temporal.taskQueue, 'ordo');
    });
  });

  describe('a bad file fails at load, naming the file and the path of the bad key', () => {
    it('an unknown key', () => {
      const error = refusal(write('typo.yaml', 'temporal: { adress: temporal.example.com:7233 }\ncatalog: [a.yaml]\n'));
      assert.deepEqual(
        error.problems.map((p) => [p.path, p.message]),
        [['temporal.adress', 'unknown key "adress"']],
      );
      assert.match(error.message, /- temporal\.adress: unknown key "adress" \(fix: did you mean "address"\?/);
    });

    it('an out-of-range number', () => {
      const error = refusal(write('negative.yaml', 'worker: { maxCachedWorkflows: -1 }\ncatalog: [a.yaml]\n'));
      assert.deepEqual(error.problems.map((p) => p.path), ['worker.maxCachedWorkflows']);
      assert.match(error.problems[0].message, />=\s*0/);
    });

    it('every bad key at once: a bad URL, a bad duration, a missing catalog list', () => {
      const error = refusal(write('several.yaml', 'systems:\n  inventory: { url: not-a-url, timeout: soon }\n'));
      assert.deepEqual(error.problems.map((p) => p.path).sort(), ['catalog', 'systems.inventory.timeout', 'systems.inventory.url']);
      const url = error.problems.find((p) => p.path === 'systems.inventory.url')!;
      assert.match(url.message, /http\(s\) URL/);
    });

    it('decomposition.maxStepsPerFulfillmentOrder that is not a positive whole number', () => {
      for (const bad of ['0', '-5', '12.5', 'lots', 'null']) {
        const error = refusal(write(`steps-${bad}.yaml`, `decomposition: { maxStepsPerFulfillmentOrder: ${bad} }\ncatalog: [a.yaml]\n`));
        assert.deepEqual(
          error.problems.map((p) => [p.path, p.message]),
          [['decomposition.maxStepsPerFulfillmentOrder', 'must be a positive whole number (steps per fulfillment order), such as 500']],
          bad,
        );
        assert.match(error.message, /decomposition\.maxStepsPerFulfillmentOrder: must be a positive whole number/);
      }
      const typo = refusal(write('steps-typo.yaml', 'decomposition: { maxSteps: 10 }\ncatalog: [a.yaml]\n'));
      assert.deepEqual(typo.problems.map((p) => p.path), ['decomposition.maxSteps']);
    });

    it('invalid YAML', () => {
      const file = write('broken.yaml', 'temporal:\n  address: [unclosed\ncatalog: [a.yaml]\n');
      const error = refusal(file);
      assert.match(error.message, /is not valid YAML/);
      assert.match(error.message, /line \d+/);
    });

    it('a file that does not exist', () => {
      const file = path.join(tmp, 'missing.yaml');
      const error = refusal(file);
      assert.match(error.problems[0].message, /cannot be read/);
      assert.match(error.problems[0].fix!, /--config FILE or set ORDO_CONFIG/);
    });
  });

  describe('decomposition', () => {
    it('keeps the default limit of 500 steps per fulfillment order when the key is absent, and takes another', () => {
      assert.deepEqual(loadConfig({ file: write('no-decomposition.yaml', 'catalog: [a.yaml]\n'), env: {} }).decomposition, { maxStepsPerFulfillmentOrder: 500 });
      assert.deepEqual(loadConfig({ file: write('empty-decomposition.yaml', 'catalog: [a.yaml]\ndecomposition: {}\n'), env: {} }).decomposition, { maxStepsPerFulfillmentOrder: 500 });
      const custom = write('custom-decomposition.yaml', 'catalog: [a.yaml]\ndecomposition: { maxStepsPerFulfillmentOrder: 200 }\n');
      assert.equal(loadConfig({ file: custom, env: {} }).decomposition.maxStepsPerFulfillmentOrder, 200);
    });
  });

  describe('channels', () => {
    it("the repository's file runs the intake every 2s against the cpq and storefront systems, with a sync-desk queue", () => {
      const config = loadConfig({ env: {} });
      assert.deepEqual(config.channels, { intake: { enabled: true, pollInterval: 2_000, webhook: { host: '127.0.0.1', port: 7310 } } });
      assert.deepEqual(config.systems.cpq, { url: 'http://127.0.0.1:7300/cpq', timeout: 10_000 });
      assert.deepEqual(config.systems.storefront, { url: 'http://127.0.0.1:7300/storefront', timeout: 10_000 });
      assert.deepEqual(config.queues['sync-desk'], { members: ['alice', 'dave'], assignment: 'none' });
    });

    it('the intake is off when the section is absent, and takes a poll interval as any duration', () => {
      assert.deepEqual(loadConfig({ file: write('no-channels.yaml', 'catalog: [a.yaml]\n'), env: {} }).channels, { intake: { enabled: false, pollInterval: 2_000 } });
      const systems = 'systems:\n  cpq: { url: "http://127.0.0.1:1/cpq" }\n  storefront: { url: "http://127.0.0.1:1/storefront" }\n';
      const file = write('intake-1m.yaml', `catalog: [a.yaml]\n${systems}channels: { intake: { enabled: true, pollInterval: PT1M } }\n`);
      assert.deepEqual(loadConfig({ file, env: {} }).channels.intake, { enabled: true, pollInterval: 60_000 });
      const pushed = write('intake-webhook.yaml', `catalog: [a.yaml]\n${systems}channels: { intake: { enabled: true, webhook: { port: 7399 } } }\n`);
      assert.deepEqual(loadConfig({ file: pushed, env: {} }).channels.intake.webhook, { host: '127.0.0.1', port: 7399 });
      const badPort = refusal(write('intake-webhook-bad.yaml', `catalog: [a.yaml]\n${systems}channels: { intake: { webhook: { port: seventy } } }\n`));
      assert.deepEqual(badPort.problems.map((p) => [p.path, p.message]), [['channels.intake.webhook.port', 'must be a port number such as 7310']]);
    });

    it('a bad poll interval, an unknown key and a non-boolean enabled are refused by their paths', () => {
      const error = refusal(write('bad-intake.yaml', 'catalog: [a.yaml]\nchannels: { intake: { enabled: yes-please, pollInterval: soon, every: 2s } }\n'));
      assert.deepEqual(error.problems.map((p) => p.path).sort(), ['channels.intake.enabled', 'channels.intake.every', 'channels.intake.pollInterval']);
      assert.match(error.problems.find((p) => p.path === 'channels.intake.pollInterval')!.message, /"soon" is not a duration/);
      assert.match(refusal(write('tight-intake.yaml', 'catalog: [a.yaml]\nchannels: { intake: { pollInterval: PT0.01S } }\n')).message, /channels\.intake\.pollInterval: must be at least 100ms/);
    });

    it('an enabled intake without the cpq or storefront system is refused at load, naming the missing key', () => {
      const neither = refusal(write('intake-alone.yaml', 'catalog: [a.yaml]\nchannels: { intake: { enabled: true } }\n'));
      assert.deepEqual(neither.problems.map((p) => p.path), ['systems.storefront', 'systems.cpq']);
      assert.match(neither.message, /systems\.cpq: is required while channels\.intake\.enabled is true .*add systems\.cpq: \{ url:/);
      const noCpq = refusal(write('intake-no-cpq.yaml', 'catalog: [a.yaml]\nsystems:\n  storefront: { url: "http://127.0.0.1:1/storefront" }\nchannels: { intake: { enabled: true } }\n'));
      assert.deepEqual(noCpq.problems.map((p) => p.path), ['systems.cpq']);
      // Disabled, it reads nothing, so nothing is needed.
      assert.equal(loadConfig({ file: write('intake-off.yaml', 'catalog: [a.yaml]\nchannels: { intake: { enabled: false } }\n'), env: {} }).channels.intake.enabled, false);
    });
  });

  describe('relative paths', () => {
    it('resolve against the folder of the config file, not the working directory', () => {
      const file = write('team/ordo.yaml', 'catalog: [catalogs/a.yaml, ../shared/b.yaml, /abs/c.yaml]\nstack: { dataDir: state }\n');
      const config = loadConfig({ file, env: {} });
      assert.deepEqual(config.catalogFiles, [path.join(tmp, 'team/catalogs/a.yaml'), path.join(tmp, 'shared/b.yaml'), '/abs/c.yaml']);
      assert.equal(config.dataDir, path.join(tmp, 'team/state'));
      assert.equal(config.file, file);
    });
  });

  describe('environment overrides (the env option; process.env is left alone)', () => {
    let snapshot: NodeJS.ProcessEnv;
    before(() => {
      snapshot = { ...process.env };
    });
    after(() => assert.deepEqual({ ...process.env }, snapshot, 'loadConfig must not touch process.env'));

    it('the Temporal connection and the task queue', () => {
      const config = loadConfig({
        env: { TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_NAMESPACE: 'orders', ORDO_TASK_QUEUE: 'orders-q', TEMPORAL_API_KEY: 'k' },
      });
      assert.deepEqual(config.temporal, { address: 'temporal.example.com:7233', namespace: 'orders', taskQueue: 'orders-q', tls: false, apiKey: 'k' });
    });

    it('TLS: TEMPORAL_TLS, and the TEMPORAL_TLS_* file and server name settings', () => {
      assert.equal(loadConfig({ env: { TEMPORAL_TLS: 'true' } }).temporal.tls, true);
      assert.equal(loadConfig({ env: { TEMPORAL_TLS: '1' } }).temporal.tls, true);
      assert.equal(loadConfig({ env: { TEMPORAL_TLS: 'false' } }).temporal.tls, false);
      assert.deepEqual(loadConfig({ env: { TEMPORAL_TLS_SERVER_NAME: 'orders.tmprl.cloud' } }).temporal.tls, { serverName: 'orders.tmprl.cloud' });
      assert.deepEqual(
        loadConfig({ env: { TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/c.key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/certs/ca.pem' } }).temporal.tls,
        { clientCertPath: '/certs/c.pem', clientKeyPath: '/certs/c.key', serverRootCACertPath: '/certs/ca.pem' },
      );
    });

    it('ORDO_SYSTEM_<NAME>_URL replaces one system URL and keeps its other settings', () => {
      const base = loadConfig({ env: {} });
      const config = loadConfig({ env: { ORDO_SYSTEM_BILLING_URL: 'https://billing.example.com/api' } });
      assert.deepEqual(config.systems.billing, { ...base.systems.billing, url: 'https://billing.example.com/api' });
      assert.deepEqual({ ...config.systems, billing: undefined }, { ...base.systems, billing: undefined });
      // Non-alphanumerics of a system name become underscores.
      const file = write('dashed.yaml', 'catalog: [a.yaml]\nsystems:\n  order-desk: { url: "http://127.0.0.1:1/desk" }\n');
      assert.equal(loadConfig({ file, env: { ORDO_SYSTEM_ORDER_DESK_URL: 'http://desk.example.com' } }).systems['order-desk'].url, 'http://desk.example.com');
    });

    it('ORDO_CATALOG replaces the catalog list (comma-separated)', () => {
      const config = loadConfig({ env: { ORDO_CATALOG: '/srv/catalog/a.yaml,/srv/catalog/b.yaml' } });
      assert.deepEqual(config.catalog, ['/srv/catalog/a.yaml', '/srv/catalog/b.yaml']);
      assert.deepEqual(config.catalogFiles, ['/srv/catalog/a.yaml', '/srv/catalog/b.yaml']);
    });

    it('Worker Versioning: off by default; worker.deployment, and ORDO_DEPLOYMENT_NAME / ORDO_BUILD_ID over it', () => {
      assert.equal(loadConfig({ env: {} }).worker.deployment, undefined);
      assert.deepEqual(loadConfig({ env: { ORDO_DEPLOYMENT_NAME: 'ordo', ORDO_BUILD_ID: 'b1' } }).worker.deployment, { name: 'ordo', buildId: 'b1' });
      const file = write('versioned.yaml', 'catalog: [a.yaml]\nworker:\n  deployment: { name: ordo, buildId: b1 }\n');
      assert.deepEqual(loadConfig({ file, env: { ORDO_BUILD_ID: 'b2' } }).worker.deployment, { name: 'ordo', buildId: 'b2' });
      assert.throws(
        () => loadConfig({ env: { ORDO_BUILD_ID: 'b2' } }),
        (error: Error) => error instanceof InvalidInput && /worker\.deployment: needs both a deployment name and a build id.*ORDO_DEPLOYMENT_NAME/.test(error.message),
      );
    });

    it('an empty variable overrides nothing, and the values of the file stand without overrides', () => {
      const config = loadConfig({ env: { TEMPORAL_ADDRESS: '', ORDO_TASK_QUEUE: '', ORDO_CATALOG: '' } });
      assert.deepEqual(config, loadConfig({ env: {} }));
    });
  });
});
