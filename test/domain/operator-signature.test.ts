import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { keySigner } from '../../client/operator-credentials';
import { publicKeyHex } from '../../config/operator-keys';
import { canonicalJson } from '../../domain/canonical-json';
import { whyNotAuthentic, type OperatorRecord } from '../../domain/operator-signature';

/** The signature the client makes (node:crypto) is the one the workflow checks (@noble/curves), over the same text. */
describe('operator signatures', () => {
  const alice = crypto.generateKeyPairSync('ed25519');
  const record: OperatorRecord = { authentication: 'signed', keys: { alice: publicKeyHex(alice.publicKey) }, signatureMaxAgeMs: 60_000 };
  const signer = keySigner('alice', alice.privateKey);
  const WF = 'ORD-1/FO-1';

  it('writes canonical JSON: keys sorted at every level, undefined left out', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: undefined } }), '{"a":{"d":[1,{"y":null,"z":true}]},"b":1}');
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
  });

  it('accepts what node:crypto signed, and only for that message, workflow, actor and content', () => {
    const request = { stepId: 'a.b', actor: 'alice', output: { z: 1, a: [2] } };
    const signed = { ...request, credential: signer.credential('completeManualTask', WF, request) };
    const now = Date.now();
    assert.equal(whyNotAuthentic(record, 'completeManualTask', WF, signed, now), undefined);
    // Field order does not matter: the workflow sees the payload as the converter decoded it.
    assert.equal(whyNotAuthentic(record, 'completeManualTask', WF, { credential: signed.credential, output: { a: [2], z: 1 }, actor: 'alice', stepId: 'a.b' }, now), undefined);
    assert.match(whyNotAuthentic(record, 'manualTaskCompleted', WF, signed, now)!, /signature does not match/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', 'ORD-2/FO-1', signed, now)!, /signature does not match/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, { ...signed, output: { z: 2, a: [2] } }, now)!, /signature does not match/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, { ...signed, actor: 'bob' }, now)!, /names actor "bob" but is signed by alice/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, signed, now + 61_000)!, /longer ago than operators.signatureMaxAge/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, signed, now - 120_000)!, /in the future/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, request, now)!, /unsigned completeManualTask message/);
    assert.match(whyNotAuthentic({ ...record, keys: {} }, 'completeManualTask', WF, signed, now)!, /alice has no operator key on record/);
    assert.match(whyNotAuthentic(record, 'completeManualTask', WF, { ...signed, credential: { ...signed.credential, signature: 'zz' } }, now)!, /signature does not match/);
  });

  it('believes the named actor when no keys are recorded or the mode is trusted', () => {
    assert.equal(whyNotAuthentic(undefined, 'resume', WF, { name: 'go' }, Date.now()), undefined);
    assert.equal(whyNotAuthentic({ ...record, authentication: 'trusted' }, 'resume', WF, { name: 'go' }, Date.now()), undefined);
  });
});
