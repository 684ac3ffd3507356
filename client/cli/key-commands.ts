import { KEYS_ENV, listKeyring, rotateKeyring } from '../../config/keyring';
import { config, parse, print } from './common';
import { UsageError } from './usage';

/**
 * `ordo keys rotate|list`: the keyring of encrypted histories (config/keyring.ts, docs/security.md "Encrypted
 * histories"). Neither ever prints key material: only ids, which is current and when each was made.
 */
export const keyCommands: Record<string, (args: string[]) => Promise<number>> = {
  async keys(args) {
    const { values, positionals } = parse(args, {});
    const out = { json: !!values.json };
    const [verb, ...extra] = positionals;
    if (extra.length || (verb !== 'rotate' && verb !== 'list')) throw new UsageError('keys takes rotate or list');
    const cfg = config(values.config);
    const file = cfg.keyringFile;
    // The file is still what these verbs manage; say that this process's clients and workers would not read it.
    if (process.env[KEYS_ENV]) console.error(`note: ${KEYS_ENV} is set, and wins over ${file} for clients and workers started with it`);
    if (verb === 'rotate') {
      const { id, created } = rotateKeyring(file);
      const human = created
        ? `Keyring ${file} created with key ${id} (current). Keep it out of the repository; back it up in your secret store.`
        : `Key ${id} added to ${file} and made current; the older keys stay, to read histories written with them.\n` +
          'In a deployment, give every worker and client the new key before any of them encrypts with it (docs/security.md).';
      print(out, human, { keyring: file, current: id, created });
      return 0;
    }
    const keys = listKeyring(file);
    const human = [`Keyring ${file}:`, ...keys.map((k) => `  ${k.id}${k.current ? '  (current)' : ''}${k.createdAt ? `  created ${k.createdAt}` : ''}`)].join('\n');
    print(out, human, { keyring: file, keys });
    return 0;
  },
};
