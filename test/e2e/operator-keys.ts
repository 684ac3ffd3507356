import type { LoadedConfig } from '../../config/load';
import { createOperatorKeys, knownOperators } from '../../config/operator-keys';

/**
 * The test stack's operators (docs/security.md "Operators are who they say"): a key pair for every queue member, in
 * the configuration's `operators.keys` (so `bin/ordo --actor NAME` in CLI tests finds NAME.key), and the shared
 * worker in `trusted` mode: most tests send operator messages through raw Temporal handles, as a private test server
 * may. Tests of signing run a lane with `operators.authentication: signed` (test/e2e/operator-identity.test.ts).
 */
export function withTestOperators(config: LoadedConfig): LoadedConfig {
  createOperatorKeys(config.operatorKeysDir, knownOperators(config.queues));
  return { ...config, operators: { ...config.operators, authentication: 'trusted' } };
}
