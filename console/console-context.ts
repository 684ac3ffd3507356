import * as fs from 'node:fs';
import { OrdoError } from '../client/errors';
import { OrdoOperator } from '../client/operator';
import { operatorIdentity } from '../client/operator-credentials';
import type { OrdoClient } from '../client/ordo-client';
import type { LoadedConfig } from '../config/load';
import { privateKeyFile } from '../config/operator-keys';
import type { ConsoleContext, ConsoleUser } from './context';

/** The console's shared context over a connected client (console/context.ts). */
export function createConsoleContext(config: LoadedConfig, client: OrdoClient): ConsoleContext {
  return {
    config,
    client,
    webUiUrl: `http://localhost:${config.stack.temporalUiPort}`,
    operatorFor(user: ConsoleUser): OrdoOperator {
      if (user.queues.length === 0) throw new OrdoError('refused', `${user.name} is in no queue (temporal-config.yaml queues): the console is read-only for them`);
      // The signed-in name, with its key in `signed` mode: the same credential the CLI's --actor would use.
      const keyFile = privateKeyFile(config.operatorKeysDir, user.name);
      if (config.operators.authentication === 'signed' && !fs.existsSync(keyFile)) {
        throw new OrdoError('refused', `${user.name} has no operator key (${keyFile}), and in signed mode every action is signed with it. Fix: an admin runs \`ordo operators init ${user.name}\``);
      }
      const { signer } = operatorIdentity({ actor: user.name, keysDir: config.operatorKeysDir, authentication: config.operators.authentication, env: {} });
      return new OrdoOperator(client, config.queues, signer);
    },
  };
}

/** The queues `name` is a member of. */
export function queuesOf(config: Pick<LoadedConfig, 'queues'>, name: string): string[] {
  return Object.entries(config.queues)
    .filter(([, queue]) => queue.members.includes(name))
    .map(([queue]) => queue)
    .sort();
}
