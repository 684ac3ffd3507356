import { OrdoError } from '../errors';
import { config, parse, print, withClient } from './common';
import { UsageError } from './usage';

/** The whole of standard input, without its trailing newline. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** ordo api [--port P] | key-hash (docs/api.md): the TMF622 order API until Ctrl-C, or a key's hash for api.keys. */
export const apiCommands: Record<string, (args: string[]) => Promise<number>> = {
  async api(args) {
    const { activeKeys, keyHashOf } = require('../../api/keys') as typeof import('../../api/keys');
    const { values, positionals } = parse(args, { port: { type: 'string' } });
    if (positionals[0] === 'key-hash') {
      if (positionals.length > 1) throw new UsageError('api key-hash reads the key from standard input and takes no arguments');
      const key = await readStdin();
      if (!key) throw new OrdoError('invalid', 'api key-hash: standard input held no key');
      print({ json: !!values.json }, keyHashOf(key), { keyHash: keyHashOf(key) });
      return 0;
    }
    if (positionals.length) throw new UsageError('api takes [--port P], or `key-hash` (the key on standard input)');
    const cfg = config(values.config);
    const port = values.port === undefined ? cfg.stack.apiPort : Number(values.port);
    if (!Number.isInteger(port) || port < 0) throw new UsageError(`--port takes a port number, not ${values.port}`);
    const { active, inactive } = activeKeys(cfg.api.keys);
    if (!active.length) {
      throw new OrdoError('invalid', `no API key is usable, so no request could be answered: add one under api.keys in ${cfg.file}${inactive.length ? ` or set the environment variable of ${inactive.join(', ')}` : ' ({ name, keyEnv } or { name, keyHash })'}`);
    }
    const { startApi } = require('../../api/server') as typeof import('../../api/server');
    return withClient(cfg, async (client) => {
      const running = await startApi({ client, keys: active, dataDir: cfg.dataDir, approvals: cfg }, { port });
      console.log(`TMF622 API on ${running.url} (OpenAPI: ${running.url}/openapi.json; keys: ${active.map((k) => k.name).join(', ')}${inactive.length ? `; inactive: ${inactive.join(', ')}` : ''}). Ctrl-C stops it.`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await running.close();
      return 0;
    });
  },
};
