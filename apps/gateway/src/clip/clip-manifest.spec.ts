import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ClipSigner, LinkExpiredError, policyVersions, verifyClip, type ClipManifest } from './clip-manifest';

describe('clip manifest and download links', () => {
  let dir: string;
  let signer: ClipSigner;
  const file = Buffer.from('not really an mp4, but bytes all the same');

  const manifest = (): ClipManifest => ({
    format: 'borderlens.clip-manifest/1',
    requestId: '11111111-2222-4333-8444-555555555555',
    file: {
      name: 'clip.mp4',
      sha256: createHash('sha256').update(file).digest('hex'),
      bytes: file.length,
      durationSec: 10,
      form: 'anonymized',
      watermark: 'FOR gmina-nysa CLIP 1111',
    },
    camera: { id: 'c', name: 'Jeseník – Masarykovo náměstí', kind: 'fixed', owner: { id: 'mesto-jesenik', name: 'Město Jeseník', country: 'CZ' }, jurisdiction: 'CZ' },
    range: { from: '2026-12-01T10:00:00.000Z', to: '2026-12-01T10:00:10.000Z' },
    requester: { user: 'nysa.municipal', name: 'nysa.municipal', organisation: 'gmina-nysa', country: 'PL' },
    approver: { user: 'jesenik.legal', organisation: 'mesto-jesenik', decidedAt: '2026-12-01T11:00:00.000Z', reason: 'ok' },
    purpose: { category: 'infrastructure-damage', justification: 'flood', caseReference: null, urgent: false },
    legalBasis: { reasons: 'r', rules: ['CZ@2:cz-clip-request', 'PL@1:pl-clip-request'], approvalRules: ['CZ@2:cz-clip-approve-owner'], obligations: {} },
    policyVersions: { CZ: 2, PL: 1 },
    anonymizer: { models: [{ name: 'face', file: 'yunet.onnx', sha256: 'ab' }] },
    audit: [{ seq: '1', time: '2026-12-01T10:00:00.000Z', operation: 'collection', actor: 'nysa.municipal', organisation: 'gmina-nysa', decision: 'submitted', hash: 'ff' }],
    issuedAt: '2026-12-01T12:00:00.000Z',
    issuer: 'http://127.0.0.1:3000',
    jwksUrl: 'http://127.0.0.1:3000/api/v1/clips/jwks',
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bl-clipsign-'));
    signer = await ClipSigner.fromFile(join(dir, 'key.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a good clip and names a changed byte in the file or in the manifest', async () => {
    const text = JSON.stringify(await signer.signManifest(manifest()), null, 2);
    const ok = await verifyClip(file, text);
    expect(ok).toMatchObject({ ok: true, problems: [], keyId: signer.publicJwk.kid });
    expect(await verifyClip(file, text, signer.jwks())).toMatchObject({ ok: true });

    const changed = Buffer.from(file);
    changed[5] ^= 1;
    const badFile = await verifyClip(changed, text);
    expect(badFile.ok).toBe(false);
    expect(badFile.problems.join()).toMatch(/SHA-256/);

    const badManifest = await verifyClip(file, text.replace('"jesenik.legal"', '"jesenik.legaL"'));
    expect(badManifest.ok).toBe(false);
    expect(badManifest.problems.join()).toMatch(/signature does not match/);

    // a manifest re-signed with another key is refused against the gateway's key set
    const other = await ClipSigner.fromFile(join(dir, 'other.json'));
    const forged = JSON.stringify(await other.signManifest(manifest()));
    expect((await verifyClip(file, forged, signer.jwks())).problems.join()).toMatch(/does not hold/);
    expect((await verifyClip(file, '{not json')).problems.join()).toMatch(/not valid JSON/);
  });

  it('signs links bound to a user and a clip; an altered link is refused, an expired one is told apart', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const link = await signer.signLink({ sub: 'user-1', clip: 'clip-1', exp });
    await expect(signer.verifyLink(link)).resolves.toEqual({ sub: 'user-1', clip: 'clip-1', exp });
    const [h, p, s] = link.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'user-2' })).toString('base64url')}.${s}`;
    await expect(signer.verifyLink(altered)).rejects.not.toBeInstanceOf(LinkExpiredError);
    await expect(signer.verifyLink(altered)).rejects.toThrow();
    const expired = await signer.signLink({ sub: 'user-1', clip: 'clip-1', exp: Math.floor(Date.now() / 1000) - 10 });
    await expect(signer.verifyLink(expired)).rejects.toBeInstanceOf(LinkExpiredError);
  });

  it('reads policy versions from rule ids', () => {
    expect(policyVersions(['CZ@3:a', 'PL@1', 'CZ@2:b', 'junk'])).toEqual({ CZ: 3, PL: 1 });
  });
});
