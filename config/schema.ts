import { z } from 'zod';
import { DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER } from '../domain/decompose';
import { Duration } from '../domain/duration';

/** The schema of temporal-config.yaml. Every key is optional except where a default cannot stand in. */

const Tls = z.union([
  z.boolean(),
  z.strictObject({
    serverName: z.string().optional(),
    serverRootCACertPath: z.string().optional(),
    clientCertPath: z.string().optional(),
    clientKeyPath: z.string().optional(),
  }),
]);

export const TemporalSettings = z.strictObject({
  address: z.string().min(1).default('127.0.0.1:7233'),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('ordo'),
  tls: Tls.default(false),
  apiKey: z.string().optional(),
});

/**
 * Worker Versioning: a worker of a named deployment version. Orders and their splits are pinned to the version
 * that started them, so a rolling deploy never hands an in-flight order to different code; long-lived workflows
 * (account work, queue rotation) move to the current version at their next task and rely on patched().
 */
export const WorkerDeployment = z.strictObject({
  name: z.string().min(1),
  buildId: z.string().min(1),
});

export const WorkerSettings = z.strictObject({
  maxConcurrentActivityTaskExecutions: z.number().int().positive().default(100),
  maxConcurrentWorkflowTaskExecutions: z.number().int().positive().default(40),
  /** The sticky cache: each cached run costs worker memory (temporal-config.yaml says how much). */
  maxCachedWorkflows: z.number().int().nonnegative().default(100),
  /** Off by default: a worker without it serves unversioned workflows, as a local stack and the tests do. */
  deployment: WorkerDeployment.optional(),
});

export const SystemEndpoint = z.strictObject({
  url: z.url({ error: 'must be an http(s) URL such as http://127.0.0.1:7300/inventory' }),
  /** Per-request timeout of a callout; a timeout counts as a retryable failure. */
  timeout: Duration.default(10_000),
  /** Sent as `Authorization: Bearer …` when set. */
  token: z.string().optional(),
});

export const Queue = z.strictObject({
  members: z.array(z.string().min(1)).default([]),
  assignment: z.enum(['none', 'round-robin', 'least-loaded']).default('none'),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** One scheduler: how often it runs and how far ahead its target date is. */
export const SchedulerSettings = z.strictObject({
  enabled: z.boolean().default(true),
  every: z.enum(['day', 'week', 'month']).default('day'),
  /** Target date = the run's date + this many days (bills what is due by then). */
  targetDays: z.number().int().nonnegative().default(0),
  /** Starts paused (unpause it in the Web UI or with `temporal schedule toggle`). */
  paused: z.boolean().default(false),
});

export const BillingSettings = z.strictObject({
  proration: z.literal('monthly+daily').default('monthly+daily'),
  /**
   * The systems (names under `systems:`) that bill. A catalog step calling one bills one split before the order's
   * consolidated billing milestone: `ordo lint` reports it (rule bills-before-consolidation).
   */
  systems: z.array(z.string().min(1, 'name a system, e.g. billing')).min(1, 'list at least one billing system, e.g. [billing]').default(['billing']),
  /** Tax rate per tax code, as a decimal string ("0.0825" is 8.25 %). */
  taxRates: z.record(z.string(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal rate such as "0.0825"')).default({}),
  defaultTaxCode: z.string().optional(),
  /**
   * How an order's recurring items are billed (docs/billing.md "Subscriptions"). `upFront`: the whole term on the
   * order's one invoice (DESIGN.md Billing), as before; the subscription then bills usage and renews. `perPeriod`:
   * the subscription bills each period in advance on the anniversary (DESIGN.md "Over time"); the order's invoice
   * bills one-time items. `ordo simulate` always bills per period.
   */
  recurring: z.enum(['upFront', 'perPeriod']).default('upFront'),
  /** A declined payment is retried after each of these (from the decline before it), then goes to collections. */
  dunning: z.strictObject({
    retryAfter: z.array(Duration).default([3 * DAY_MS, 7 * DAY_MS]),
    /** The queue of accounts an operator works after the last retry failed. */
    collectionsQueue: z.string().min(1).default('collections'),
  }).default({ retryAfter: [3 * DAY_MS, 7 * DAY_MS], collectionsQueue: 'collections' }),
  /** A credit memo of a paid invoice: refunded to the card it was paid with, or kept as credit on the account. */
  creditMemos: z.enum(['refund', 'credit']).default('refund'),
  /** A subscription makes its renewal order this many days before its term ends; absent or false: no automatic renewal. */
  renewal: z.union([z.literal(false), z.strictObject({ leadDays: z.number().int().nonnegative().default(30) })]).default({ leadDays: 30 }),
  /** The invoice and payment schedulers (Temporal Schedules, created by the worker at start-up). */
  schedulers: z.strictObject({
    invoice: SchedulerSettings.default(SchedulerSettings.parse({})),
    payment: SchedulerSettings.default(SchedulerSettings.parse({})),
  }).default({ invoice: SchedulerSettings.parse({}), payment: SchedulerSettings.parse({}) }),
});

export const StackSettings = z.strictObject({
  temporalPort: z.number().int().positive().default(7233),
  temporalUiPort: z.number().int().positive().default(8233),
  simulatorsPort: z.number().int().positive().default(7300),
  /** Where the local stack keeps its files (Temporal's database, simulator stores, logs); relative to this file. */
  dataDir: z.string().default('.ordo'),
  /** The codec server (`ordo codec-server`): the Temporal Web UI decodes Ordo's payloads through it, for signed-in operators. */
  codecServerPort: z.number().int().positive().default(8089),
  /** The operations console (`ordo console`, docs/console.md). */
  consolePort: z.number().int().positive().default(8090),
  /** The TMF622 order API (`ordo api`, docs/api.md). */
  apiPort: z.number().int().positive().default(8091),
  /** PostgreSQL for `ordo stack up --persistence postgres` (docs/production-temporal.md); never the system's 5432. */
  postgresPort: z.number().int().positive().default(7432),
});

/**
 * One API key of the TMF622 order API (docs/api.md "Keys"): never the key itself in this file, but the environment
 * variable that holds it (`keyEnv`) or its SHA-256 (`keyHash: sha256:<64 hex>`, from `ordo api key-hash`).
 */
/**
 * `actors`: the operators a key may name as the actor of an approval (a portal that signs in its own users says who
 * approved); without it the key acts only as its `name`. Either way the order checks that the actor is a member of
 * the approval queue (`queues`), so a key approves only what its actor, or its own name, may.
 */
const ApiKeyActors = z.array(z.string().min(1)).optional();
export const ApiKey = z.union([
  z.strictObject({ name: z.string().min(1), keyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable, such as ORDO_API_KEY'), actors: ApiKeyActors }),
  z.strictObject({ name: z.string().min(1), keyHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits: `ordo api key-hash` prints it'), actors: ApiKeyActors }),
]);

export const ApiSettings = z.strictObject({
  keys: z.array(ApiKey).default([]),
});

/** Sign-in by OpenID Connect (real use): the console is a confidential client of the issuer (authorization code + PKCE). */
export const ConsoleOidcSettings = z.strictObject({
  /** The issuer URL; its /.well-known/openid-configuration is read at start-up. */
  issuer: z.url(),
  clientId: z.string().min(1),
  /** The environment variable holding the client secret (never the secret itself in this file). */
  clientSecretEnv: z.string().min(1).default('ORDO_OIDC_CLIENT_SECRET'),
  /** The claim whose value is the operator's name (queue membership is by that name). */
  nameClaim: z.string().min(1).default('preferred_username'),
  scopes: z.string().min(1).default('openid profile email'),
});

/**
 * The operations console (docs/console.md "Who is who"). Operators sign in with a local account (development) or
 * OpenID Connect; the signed-in name is the actor of every action, and queue membership comes from `queues`.
 */
export const ConsoleSettings = z.strictObject({
  /** Local accounts: a JSON file of scrypt password hashes (`ordo console accounts add NAME`), relative to this file. */
  accounts: z.string().min(1).default('.ordo/console-accounts.json'),
  /** The key that signs session cookies (made when missing, 0600), relative to this file. */
  sessionKey: z.string().min(1).default('.ordo/console-session.key'),
  /** How long a sign-in lasts. */
  sessionLifetime: Duration.default(8 * 60 * 60 * 1000),
  /** The URL people open (OIDC redirects, links); default http://localhost:<stack.consolePort>. */
  publicUrl: z.url().optional(),
  oidc: ConsoleOidcSettings.optional(),
});

/**
 * Encrypted histories (docs/security.md): every payload Ordo writes is AES-256-GCM encrypted with the keyring's current
 * key; every key in it decrypts, so histories written before a rotation stay readable. Keys never live in the
 * repository: the keyring file sits under an ignored folder (or anywhere a deployment mounts secrets), and
 * ORDO_ENCRYPTION_KEYS overrides it.
 */
export const EncryptionSettings = z.strictObject({
  /** The keyring file (JSON, 0600), relative to this file. `ordo keys rotate` creates it and adds keys to it. */
  keyring: z.string().min(1).default('.ordo/keyring.json'),
  /** false only for a server nobody else can read (benchmarks); payloads are then stored as plain JSON. */
  enabled: z.boolean().default(true),
});

/**
 * Operators' identities (docs/security.md "Operators"). `signed`: every operator message carries a signature by the
 * operator's own key, which the workflow checks against the public keys recorded with the order; a typed name
 * alone acts as nobody. `trusted`: the named actor is believed (a private test server).
 */
export const OperatorSettings = z.strictObject({
  authentication: z.enum(['signed', 'trusted']).default('signed'),
  /** Folder of operator keys, relative to this file: <name>.pub (workers read these) and <name>.key (that operator's own, 0600). */
  keys: z.string().min(1).default('.ordo/operators'),
  /** How old a signed message may be when the workflow sees it: a captured one cannot be replayed later. */
  signatureMaxAge: Duration.default(15 * 60 * 1000),
});

const positiveWholeNumber = 'must be a positive whole number (steps per fulfillment order), such as 500';

export const DecompositionSettings = z.strictObject({
  /**
   * A fulfillment order (one workflow) whose plan has more steps is partitioned into parts of at most this many,
   * to stay under Temporal's history and pending-activity limits (docs/decomposition.md).
   */
  maxStepsPerFulfillmentOrder: z
    .number({ error: positiveWholeNumber })
    .int({ error: positiveWholeNumber })
    .positive({ error: positiveWholeNumber })
    .default(DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER),
});

/**
 * The channel intake (workflows/channel-intake.ts): one durable poller per namespace that watches the storefront's
 * outbox and CPQ's activated orders and starts their syncs. Every worker with it enabled tries to start it; one runs.
 */
/**
 * Where a worker listens for the storefront's push of each new order (its webhook), which it registers with the
 * storefront at start-up. One worker per host gets the port; the intake's poll covers whatever a push misses.
 */
export const StorefrontWebhookSettings = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number({ error: 'must be a port number such as 7310' }).int().min(0).max(65_535),
});

export const IntakeSettings = z.strictObject({
  enabled: z.boolean().default(false),
  /** How long the intake sleeps between two looks at the storefront and CPQ: how late a new sale starts its sync at most. */
  pollInterval: Duration.default(2_000).refine((ms) => ms >= 100, 'must be at least 100ms: a tighter loop only fills the history'),
  /** Absent: no push, the poll alone starts syncs. */
  webhook: StorefrontWebhookSettings.optional(),
});

export const ChannelSettings = z.strictObject({
  intake: IntakeSettings.default(IntakeSettings.parse({})),
});

/** The systems the intake reads: without them it could only fail every round, so such a file is refused at load. */
export const INTAKE_SYSTEMS = ['storefront', 'cpq'] as const;

export const OrdoConfig = z.strictObject({
  temporal: TemporalSettings.default(TemporalSettings.parse({})),
  worker: WorkerSettings.default(WorkerSettings.parse({})),
  /** Catalog YAML files, relative to this file. */
  catalog: z.array(z.string().min(1)).min(1, 'list at least one catalog file'),
  systems: z.record(z.string(), SystemEndpoint).default({}),
  queues: z.record(z.string(), Queue).default({}),
  billing: BillingSettings.default(BillingSettings.parse({})),
  decomposition: DecompositionSettings.default(DecompositionSettings.parse({})),
  stack: StackSettings.default(StackSettings.parse({})),
  channels: ChannelSettings.default(ChannelSettings.parse({})),
  encryption: EncryptionSettings.default(EncryptionSettings.parse({})),
  operators: OperatorSettings.default(OperatorSettings.parse({})),
  console: ConsoleSettings.default(ConsoleSettings.parse({})),
  api: ApiSettings.default(ApiSettings.parse({})),
}).superRefine((config, ctx) => {
  if (!config.channels.intake.enabled) return;
  for (const system of INTAKE_SYSTEMS) {
    if (config.systems[system]) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['systems', system],
      message: `is required while channels.intake.enabled is true (the intake polls ${system}): add systems.${system}: { url: http://127.0.0.1:7300/${system} }, or set channels.intake.enabled: false`,
    });
  }
});

export type OrdoConfig = z.infer<typeof OrdoConfig>;
export type SystemEndpoint = z.infer<typeof SystemEndpoint>;
export type TemporalSettings = z.infer<typeof TemporalSettings>;
export type WorkerDeployment = z.infer<typeof WorkerDeployment>;
export type IntakeSettings = z.infer<typeof IntakeSettings>;
export type DecompositionSettings = z.infer<typeof DecompositionSettings>;
export type EncryptionSettings = z.infer<typeof EncryptionSettings>;
export type OperatorSettings = z.infer<typeof OperatorSettings>;
export type ConsoleSettings = z.infer<typeof ConsoleSettings>;
export type ApiKey = z.infer<typeof ApiKey>;
