import { config, parse, withClient } from './common';
import { UsageError } from './usage';

/** ordo console (docs/console.md): the operations console's server, until Ctrl-C. */
export const consoleCommands: Record<string, (args: string[]) => Promise<number>> = {
  async console(args) {
    const { values, positionals } = parse(args, { port: { type: 'string' } });
    if (positionals.length) throw new UsageError('console takes [--port P]');
    const cfg = config(values.config);
    const port = values.port === undefined ? cfg.stack.consolePort : Number(values.port);
    if (!Number.isInteger(port) || port < 0) throw new UsageError(`--port takes a port number, not ${values.port}`);
    const { startConsole } = require('../../console/server') as typeof import('../../console/server');
    const { createConsoleContext } = require('../../console/console-context') as typeof import('../../console/console-context');
    return withClient(cfg, async (client) => {
      const running = await startConsole({ context: createConsoleContext(cfg, client), port });
      console.log(`Console on ${running.url}. Ctrl-C stops it.`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await running.close();
      return 0;
    });
  },
};
