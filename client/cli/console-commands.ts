import { OrdoError } from '../errors';
import { config, parse, print, withClient } from './common';
import { UsageError } from './usage';

/** The whole of standard input, without its trailing newline (`--password-stdin`). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** ordo console accounts add NAME [--password-stdin] | list (docs/console.md "Who is who"): local accounts. */
async function accounts(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { 'password-stdin': { type: 'boolean' } });
  const [verb, ...names] = positionals;
  const cfg = config(values.config);
  const out = { json: !!values.json };
  const { addLocalAccount, generatePassword, localAccountNames } = require('../../console/accounts') as typeof import('../../console/accounts');
  if (verb === 'list') {
    if (names.length) throw new UsageError('console accounts list takes no names');
    const accountNames = localAccountNames(cfg.consoleAccountsFile);
    const human = accountNames.length ? [`Local accounts in ${cfg.consoleAccountsFile}:`, ...accountNames.map((name) => `  ${name}`)].join('\n') : `No local accounts in ${cfg.consoleAccountsFile}: \`ordo console accounts add NAME\` adds one.`;
    print(out, human, { file: cfg.consoleAccountsFile, accounts: accountNames });
    return 0;
  }
  if (verb === 'add') {
    if (names.length !== 1) throw new UsageError('console accounts add takes one NAME');
    const [name] = names;
    const given = values['password-stdin'] ? await readStdin() : undefined;
    if (given === '') throw new OrdoError('invalid', '--password-stdin: standard input held no password');
    const password = given ?? generatePassword();
    try {
      addLocalAccount(cfg.consoleAccountsFile, name, password);
    } catch (error) {
      throw new OrdoError('invalid', (error as Error).message);
    }
    // A generated password is shown this once: only its hash is kept.
    const human = given ? `Account ${name}: password set in ${cfg.consoleAccountsFile}.` : `Account ${name}: password ${password}\n(shown once; only its hash is kept in ${cfg.consoleAccountsFile})`;
    print(out, human, { file: cfg.consoleAccountsFile, name, ...(given ? {} : { password }) });
    return 0;
  }
  throw new UsageError('console accounts takes add NAME [--password-stdin] or list [--json]');
}

/** ordo console (docs/console.md): the operations console's server, until Ctrl-C. */
export const consoleCommands: Record<string, (args: string[]) => Promise<number>> = {
  async console(args) {
    if (args[0] === 'accounts') return accounts(args.slice(1));
    const { values, positionals } = parse(args, { port: { type: 'string' } });
    if (positionals.length) throw new UsageError('console takes [--port P], or `accounts add NAME [--password-stdin]`, or `accounts list`');
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
