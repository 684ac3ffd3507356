import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LargePayloadCodec } from '../../config/payload-codec';
import { createOperatorKeys, privateKeyFile, readPublicKeys } from '../../config/operator-keys';
import { codecToken, SESSION_COOKIE, startCodecServer, type RunningCodecServer } from '../../console/codec-server';
import { ensureSessionKey, sessionCookie } from '../../console/session';

/**
 * The codec server on a real port with real operator keys: it decodes (here: gzip, every payload compressed) only
 * for a signed-in operator, with the CORS headers the Temporal Web UI needs.
 */
describe('codec server: decodes for signed-in operators only', () => {
  const UI = 'http://localhost:8233';
  let dir: string;
  let server: RunningCodecServer;
  const codec = new LargePayloadCodec(0);
  const keyOf = (name: string) => crypto.createPrivateKey(fs.readFileSync(privateKeyFile(dir, name), 'utf8'));
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-codec-'));
    createOperatorKeys(dir, ['alice', 'bob']);
    const consoleKeyFile = path.join(dir, 'console-session.key');
    server = await startCodecServer({ port: 0, codecs: [codec], publicKeys: () => readPublicKeys(dir), consoleSessionKey: () => ensureSessionKey(consoleKeyFile) });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A payload as the Web UI posts it: gzip-encoded JSON. */
  async function encodedBody(value: unknown) {
    const [encoded] = await codec.encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(value)) }]);
    return { payloads: [{ metadata: Object.fromEntries(Object.entries(encoded.metadata!).map(([k, v]) => [k, b64(v!)])), data: b64(encoded.data!) }] };
  }
  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI, ...headers }, body: JSON.stringify(body) });

  it('answers 401 with the reason without a token, with a forged one and with an expired one', async () => {
    const body = await encodedBody({ name: 'Acme' });
    const none = await post('/decode', body);
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as { error: string }).error, /sign in first/);
    assert.equal(none.headers.get('access-control-allow-origin'), UI, 'a refusal still carries CORS, so the UI can show it');

    const forged = codecToken('alice', keyOf('bob'));
    const byBob = await post('/decode', body, { Authorization: `Bearer ${forged}` });
    assert.equal(byBob.status, 401);
    assert.match(((await byBob.json()) as { error: string }).error, /signature is not alice's/);

    const expired = codecToken('alice', keyOf('alice'), 1000, Date.now() - 10_000);
    const late = await post('/decode', body, { Authorization: `Bearer ${expired}` });
    assert.equal(late.status, 401);
    assert.match(((await late.json()) as { error: string }).error, /expired/);
  });

  it('decodes and encodes for an operator with a token, and after the sign-in link with the session cookie', async () => {
    const token = codecToken('alice', keyOf('alice'));
    const decoded = await post('/decode', await encodedBody({ name: 'Acme' }), { Authorization: `Bearer ${token}` });
    assert.equal(decoded.status, 200);
    const { payloads } = (await decoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    assert.equal(Buffer.from(payloads[0].metadata.encoding, 'base64').toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString()), { name: 'Acme' });

    const plain = { payloads: [{ metadata: { encoding: b64(new TextEncoder().encode('json/plain')) }, data: b64(new TextEncoder().encode('"x"')) }] };
    const encoded = (await (await post('/encode', plain, { Authorization: `Bearer ${token}` })).json()) as { payloads: Array<{ metadata: Record<string, string> }> };
    assert.equal(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString(), 'binary/gzip');

    const signIn = await fetch(`${server.url}/sign-in?token=${token}`);
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.get('set-cookie')!;
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=.*HttpOnly`));
    const withCookie = await post('/decode', await encodedBody([1, 2]), { Cookie: cookie.split(';')[0] });
    assert.equal(withCookie.status, 200);
  });

  it('answers the CORS preflight for the Web UI’s origin only', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), UI);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.match(preflight.headers.get('access-control-allow-headers')!, /Content-Type, X-Namespace, Authorization/);
    const other = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('decodes for whoever is signed in to the console (its session cookie, same key), not for a cookie signed otherwise', async () => {
    const key = ensureSessionKey(path.join(dir, 'console-session.key'));
    const session = { name: 'alice', via: 'password' as const, exp: Date.now() + 60_000 };
    const good = (await sessionCookie(session, key, false)).split(';')[0];
    const decoded = await post('/decode', await encodedBody({ name: 'Acme' }), { Cookie: good });
    assert.equal(decoded.status, 200, await decoded.clone().text());
    const { payloads } = (await decoded.json()) as { payloads: Array<{ data: string }> };
    assert.deepEqual(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString()), { name: 'Acme' });

    const otherKey = (await sessionCookie(session, crypto.randomBytes(32), false)).split(';')[0];
    const expired = (await sessionCookie({ ...session, exp: Date.now() - 1000 }, key, false)).split(';')[0];
    for (const cookie of [otherKey, expired]) {
      const refused = await post('/decode', await encodedBody([1]), { Cookie: cookie });
      assert.equal(refused.status, 401);
      assert.match(((await refused.json()) as { error: string }).error, /sign in to the Ordo console/);
    }
  });
});
