import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { LoadedConfig } from '../../config/load';
import { createOperatorKeys, knownOperators, operatorNameProblem, privateKeyFile, publicKeyFile, readPublicKeys } from '../../config/operator-keys';
import { OrdoError } from '../errors';
import { config, configuredCatalog, parse, print } from './common';
import { UsageError } from './usage';

/**
 * ordo operators init|list, ordo codec-server [token] (docs/security.md "Operators are who they say"): operators'
 * key pairs, and the codec server through which the Temporal Web UI shows Ordo's payloads to signed-in operators.
 */

/** Operators of the configuration (queue members) and of the catalog (runAs identities), with whether each has a key. */
function operatorsAndKeys(cfg: LoadedConfig): Array<{ operator: string; publicKey: boolean; inConfig: boolean }> {
  const keys = readPublicKeys(cfg.operatorKeysDir);
  const known = knownOperators(cfg.queues, configuredCatalog(cfg));
  return [...new Set([...known, ...Object.keys(keys)])].sort().map((operator) => ({ operator, publicKey: operator in keys, inConfig: known.includes(operator) }));
}

/** The private key of whoever runs the command: ORDO_OPERATOR_KEY, or --actor NAME's file. */
function ownKey(cfg: LoadedConfig, actor: string | undefined): { operator: string; key: crypto.KeyObject } {
  const { readCredentialFile } = require('../operator-credentials') as typeof import('../operator-credentials');
  const file = actor ? privateKeyFile(cfg.operatorKeysDir, actor) : process.env.ORDO_OPERATOR_KEY;
  if (!file) throw new UsageError('codec-server token needs ORDO_OPERATOR_KEY=FILE or --actor NAME (acting with <operators.keys>/NAME.key)');
  const signer = readCredentialFile(file);
  const text = fs.readFileSync(file, 'utf8');
  const pem = text.trimStart().startsWith('{') ? (JSON.parse(text) as { privateKey: string }).privateKey : text;
  return { operator: signer.operator, key: crypto.createPrivateKey(pem) };
}

export const identityCommands: Record<string, (args: string[]) => Promise<number>> = {
  async operators(args) {
    const { values, positionals } = parse(args, {});
    const [verb, ...names] = positionals;
    const cfg = config(values.config);
    const out = { json: !!values.json };
    if (verb === 'list') {
      if (names.length) throw new UsageError('operators list takes no names');
      const operators = operatorsAndKeys(cfg);
      const human = operators.length
        ? [`Operator keys in ${cfg.operatorKeysDir} (authentication: ${cfg.operators.authentication}):`, ...operators.map((o) => `  ${o.operator.padEnd(20)} ${o.publicKey ? 'public key' : 'NO KEY (ordo operators init ' + o.operator + ')'}${o.inConfig ? '' : '  (not in the queues or the catalog)'}`)].join('\n')
        : `No operators: temporal-config.yaml names no queue members and ${cfg.operatorKeysDir} holds no key.`;
      print(out, human, { keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication, operators });
      return 0;
    }
    if (verb === 'init') {
      for (const name of names) {
        const problem = operatorNameProblem(name);
        if (problem) throw new OrdoError('invalid', problem);
      }
      const wanted = names.length ? names : operatorsAndKeys(cfg).filter((o) => o.inConfig).map((o) => o.operator);
      const created = createOperatorKeys(cfg.operatorKeysDir, wanted);
      const existing = wanted.filter((name) => !created.includes(name));
      const human = [
        created.length ? `Created key pairs for ${created.join(', ')} in ${cfg.operatorKeysDir}: give each <name>.key (mode 0600) to its operator alone; workers read the .pub files.` : 'No key pair created.',
        ...(existing.length ? [`Already had one: ${existing.join(', ')}.`] : []),
        'Orders decomposed from now on record these public keys.',
      ].join('\n');
      print(out, human, { keysDir: cfg.operatorKeysDir, created, existing, publicKeys: created.map((name) => publicKeyFile(cfg.operatorKeysDir, name)) });
      return 0;
    }
    throw new UsageError('operators takes init [NAME…] or list');
  },

  async 'codec-server'(args) {
    const { values, positionals } = parse(args, { port: { type: 'string' }, actor: { type: 'string' }, link: { type: 'boolean' }, origin: { type: 'string', multiple: true } });
    const cfg = config(values.config);
    const port = values.port === undefined ? cfg.stack.codecServerPort : Number(values.port);
    if (!Number.isInteger(port) || port < 0) throw new UsageError(`--port takes a port number, not ${values.port}`);
    if (positionals[0] === 'token') {
      const { codecToken } = require('../../console/codec-server') as typeof import('../../console/codec-server');
      const { operator, key } = ownKey(cfg, values.actor);
      const token = codecToken(operator, key);
      // localhost, as the Web UI's codec endpoint names it: the cookie is the host's, and the UI (localhost:8233) is the same site.
      const link = `http://localhost:${port}/sign-in?token=${token}`;
      print({ json: !!values.json }, values.link ? link : token, { operator, token, signInLink: link });
      return 0;
    }
    if (positionals.length) throw new UsageError('codec-server takes [--port P], or `token [--link]`');
    const { startCodecServer } = require('../../console/codec-server') as typeof import('../../console/codec-server');
    const { payloadCodecsFor } = require('../../config/connection') as typeof import('../../config/connection');
    const { readSessionKey } = require('../../console/session') as typeof import('../../console/session');
    const server = await startCodecServer({
      port,
      codecs: payloadCodecsFor(cfg),
      publicKeys: () => readPublicKeys(cfg.operatorKeysDir),
      allowedOrigins: values.origin ?? [`http://localhost:${cfg.stack.temporalUiPort}`, `http://127.0.0.1:${cfg.stack.temporalUiPort}`],
      // A console sign-in counts here too (docs/console.md "The Temporal Web UI and the codec server").
      consoleSessionKey: () => readSessionKey(cfg.consoleSessionKeyFile),
    });
    console.log(`Codec server on ${server.url} (POST /decode, /encode; GET /sign-in?token=…). Sign in: \`ordo codec-server token --link\`. Ctrl-C stops it.`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await server.close();
    return 0;
  },
};
