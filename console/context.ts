import type { Hono } from 'hono';
import type { OrdoClient } from '../client/ordo-client';
import type { OrdoOperator } from '../client/operator';
import type { LoadedConfig } from '../config/load';

/**
 * What every part of the console's server shares (docs/console.md). The console keeps no copy of order state: each
 * route reads Temporal (visibility, queries) or Ordo's own stores when asked, and acts through the same client
 * calls as the CLI (client/operator.ts), so a console action is refused exactly as the CLI's would be.
 */

/** Who is signed in: the operator name every action is taken under (never a name typed in a form). */
export interface ConsoleUser {
  name: string;
  /** How they signed in. */
  via: 'password' | 'oidc';
  /** The queues they are a member of (temporal-config.yaml `queues`); none: they may look, not act. */
  queues: string[];
}

export interface ConsoleContext {
  config: LoadedConfig;
  client: OrdoClient;
  /** The links the pages show: the Temporal Web UI's address (a workflow is `${webUiUrl}/namespaces/<ns>/workflows/<id>`). */
  webUiUrl: string;
  /**
   * The operator client acting as `user`: in `signed` mode it signs with `<operators.keys>/<user>.key` (the console
   * holds its operators' keys, as docs/security.md says), in `trusted` mode the name alone. Throws OrdoError
   * ('refused') naming the fix when the user has no key, or ('forbidden'-like 'refused') when they are in no queue.
   */
  operatorFor(user: ConsoleUser): OrdoOperator;
}

/** Hono's typing of the console app: the signed-in user (set by console/auth.ts's middleware; absent when signed out). */
export interface ConsoleEnv {
  Variables: { user: ConsoleUser | undefined };
}

export type ConsoleApp = Hono<ConsoleEnv>;

/** A part of the console's server: adds its routes (all under /api/…, JSON) to the app. */
export type ConsoleRoutes = (app: ConsoleApp, context: ConsoleContext) => void;
