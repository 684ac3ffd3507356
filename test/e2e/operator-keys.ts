import type { LoadedConfig } from '../../config/load';
import * as fs from 'node:fs';
import { createOperatorKeys, knownOperators, privateKeyFile } from '../../config/operator-keys';
import { registerSecret } from '../log-capture';

/**
 * The test stack's operators (docs/security.md "Operators are who they say"): a key pair for every queue member, in
 * the configuration's `operators.keys` (so `bin/ordo --actor NAME` in CLI tests finds NAME.key), and the shared
 * worker in `trusted` mode: most tests send operator messages through raw Temporal handles, as a private test server
 * may. Tests of signing run a lane with `operators.authentication: signed` (test/e2e/operator-identity.test.ts).
 */
export function withTestOperators(config: LoadedConfig): LoadedConfig {
  const operators = knownOperators(config.queues);
  createOperatorKeys(config.operatorKeysDir, operators);
  for (const operator of operators) registerPrivateKey(operator, privateKeyFile(config.operatorKeysDir, operator));
  return { ...config, operators: { ...config.operators, authentication: 'trusted' } };
}

/** A private key's PEM body lines are secrets no log line of the run may hold (test/log-capture.ts). */
function registerPrivateKey(operator: string, file: string): void {
  const body = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line && !line.startsWith('-----'));
  for (const line of body) registerSecret(`${operator}'s private key`, line);
}
