import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainTrail, genesisOf, verifyTrail, type AuditEntry, type AuditExport } from '../../domain/audit-chain';
import { canonicalJson } from '../../domain/canonical-json';

/** The audit export's hash chain: canonical JSON, chaining in time order, and verify naming the first broken entry. */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const entries: AuditEntry[] = [
  { at: '2026-12-02T10:00:02.000Z', actor: 'ann', action: 'complete', target: 'step FO-1/hold', outcome: 'accepted', source: 'workflow order-ORD-1/FO-1' },
  { at: '2026-12-02T10:00:00.000Z', actor: 'cpq', action: 'submit', target: 'order ORD-1', outcome: 'accepted', detail: 'channel cpq', source: 'workflow order-ORD-1' },
  { at: '2026-12-02T10:00:01.000Z', actor: 'mallory', action: 'manualTaskCompleted', target: 'step FO-1/hold', outcome: 'refused', detail: 'not a member of desk', source: 'workflow order-ORD-1/FO-1' },
  { at: '2026-12-02T10:00:01.000Z', actor: 'ordo', action: 'fallout', target: 'step FO-1/first', outcome: 'failed', source: 'workflow order-ORD-1/FO-1' },
];

describe('the audit chain (domain/audit-chain.ts)', () => {
  it('writes canonical JSON: keys sorted at every level, undefined left out, whatever the order given', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });

  it('orders the entries by time (ties keep their order) and chains each to the one before, from the order\'s genesis', () => {
    const trail = chainTrail('ORD-1', '2026-12-02T11:00:00.000Z', entries, sha256);
    assert.deepEqual(trail.entries.map((e) => e.action), ['submit', 'manualTaskCompleted', 'fallout', 'complete']);
    assert.equal(trail.chain.genesis, genesisOf('ORD-1', sha256));
    let previous = trail.chain.genesis;
    for (const entry of trail.entries) {
      const { hash, ...fields } = entry;
      assert.equal(hash, sha256(`${previous}\n${canonicalJson(fields)}`));
      previous = hash;
    }
    assert.deepEqual(trail.chain, { algorithm: 'sha256', genesis: trail.chain.genesis, head: previous, length: 4 });
    assert.deepEqual(verifyTrail(copy(trail), sha256), { ok: true, length: 4, head: previous });
  });

  it('holds for an empty trail', () => {
    const trail = chainTrail('ORD-2', '2026-12-02T11:00:00.000Z', [], sha256);
    assert.equal(trail.chain.head, trail.chain.genesis);
    assert.equal(verifyTrail(copy(trail), sha256).ok, true);
  });

  describe('verify names the first entry that does not match', () => {
    const trail = (): AuditExport => copy(chainTrail('ORD-1', '2026-12-02T11:00:00.000Z', entries, sha256));
    const broken = (edit: (t: AuditExport) => void) => {
      const t = trail();
      edit(t);
      const check = verifyTrail(t, sha256);
      assert.equal(check.ok, false);
      return check as Extract<typeof check, { ok: false }>;
    };

    it('an edited field', () => {
      const check = broken((t) => (t.entries[1].outcome = 'accepted'));
      assert.equal(check.index, 1);
      assert.match(check.problem, /entry 1 \(2026-12-02T10:00:01.000Z manualTaskCompleted step FO-1\/hold\) does not match its hash/);
    });
    it('an edited field whose hash was recomputed: the next entry breaks', () => {
      const check = broken((t) => {
        t.entries[1].actor = 'ann';
        const { hash: _, ...fields } = t.entries[1];
        t.entries[1].hash = sha256(`${t.entries[0].hash}\n${canonicalJson(fields)}`); // right for entry 1 …
      });
      assert.equal(check.index, 2, '… so entry 2, chained from the old hash, is the first that does not match');
    });
    it('a removed entry, two swapped, an added field', () => {
      assert.equal(broken((t) => t.entries.splice(2, 1)).index, 2);
      assert.equal(broken((t) => ([t.entries[0], t.entries[1]] = [t.entries[1], t.entries[0]])).index, 0);
      const added = broken((t) => ((t.entries[3] as Record<string, unknown>).note = 'x'));
      assert.equal(added.index, 3);
      assert.match(added.problem, /entries\.3: Unrecognized key/);
    });
    it('entries cut off at the end, or the trail passed off as another order\'s', () => {
      assert.match(broken((t) => t.entries.pop()).problem, /chain.length says 4 entries, the file has 3/);
      assert.match(broken((t) => { t.entries.pop(); t.chain.length = 3; }).problem, /chain.head is not the last entry's hash/);
      assert.match(broken((t) => (t.orderId = 'ORD-9')).problem, /not the genesis of order ORD-9/);
    });
    it('a file that is not an export', () => {
      const check = verifyTrail({ entries: 'none' }, sha256);
      assert.ok(!check.ok);
      assert.match(check.problem, /orderId/);
    });
  });
});
