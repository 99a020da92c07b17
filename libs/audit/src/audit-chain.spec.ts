import { ChainVerifier, GENESIS_HASH, canonicalJson, entryHash, type AuditRecord } from './audit-chain';

function chain(n: number): (AuditRecord & { hash: string })[] {
  const out: (AuditRecord & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const r: AuditRecord = {
      seq: String(i),
      time: new Date(Date.UTC(2026, 10, 22, 12, 0, i)),
      actorUser: 'u',
      actorOrganisation: 'hzs-olk',
      actorCountry: 'CZ',
      operation: 'consultation',
      object: `camera:${i}`,
      justification: 'flood',
      recipient: '',
      decision: 'permit',
      policyIds: ['CZ@1:p1'],
      details: { b: 1, a: [1, 2] },
      prevHash: prev,
    };
    const e = { ...r, hash: entryHash(r) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

function verify(entries: (AuditRecord & { hash: string })[]) {
  const v = new ChainVerifier();
  entries.forEach((e) => v.push(e));
  return v.report();
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain', () => {
    expect(verify(chain(5))).toMatchObject({ ok: true, entries: 5 });
  });

  it('names an altered entry', () => {
    const c = chain(5);
    c[2] = { ...c[2], justification: 'nothing to see' };
    expect(verify(c)).toMatchObject({ ok: false, firstBreak: { seq: '3', reason: expect.stringContaining('altered') } });
  });

  it('names the gap left by a deleted entry', () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verify(c)).toMatchObject({ ok: false, firstBreak: { seq: '3', reason: expect.stringContaining('missing') } });
  });

  it('catches reordered entries even when their numbers are swapped too', () => {
    const c = chain(5);
    const [a, b] = [c[1], c[2]];
    c[1] = { ...b, seq: '2' };
    c[2] = { ...a, seq: '3' };
    expect(verify(c)).toMatchObject({ ok: false, firstBreak: { seq: '2' } });
  });

  it('catches a re-hashed altered entry by the broken link after it', () => {
    const c = chain(5);
    const forged = { ...c[2], decision: 'deny' };
    c[2] = { ...forged, hash: entryHash(forged) };
    expect(verify(c)).toMatchObject({ ok: false, firstBreak: { seq: '4', reason: expect.stringContaining('previous-hash') } });
  });
});
