import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrantSigner, grantKeys } from '@borderlens/auth';
import type { BorderlensConfig } from '@borderlens/config';
import { GrantVerifier, grantChangesFile, grantJwksUrl } from './grant-verifier.service';

const cfg = { dataDir: mkdtempSync(join(tmpdir(), 'bl-media-grant-data-')), gateway: { publicUrl: 'https://gw.example.org/' }, media: { grantJwksUrl: '' } } as BorderlensConfig;
const base = { sub: 'u1', name: 'Jana', org: 'hzs-olk', country: 'CZ', cam: 'cam-1', obligations: {} };

describe('GrantVerifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-media-grant-'));
  let signer: GrantSigner;
  let svc: GrantVerifier;

  beforeAll(async () => {
    signer = await GrantSigner.fromFile(join(dir, 'key.json'));
    svc = new GrantVerifier(cfg, grantKeys(signer.jwks()));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cfg.dataDir, { recursive: true, force: true });
  });

  const bearer = async (claims: Partial<typeof base> & { form: 'raw' | 'anonymized'; obligations?: object }, ttl = 60) =>
    `Bearer ${(await signer.sign({ ...base, ...claims }, ttl)).token}`;
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      const status = e instanceof UnauthorizedException ? 401 : e instanceof ForbiddenException ? 403 : 500;
      return `${status} ${((e as UnauthorizedException).getResponse() as { code: string }).code}`;
    }
  };

  it('finds the gateway JWKS from the public URL unless configured', () => {
    expect(grantJwksUrl(cfg)).toBe('https://gw.example.org/api/v1/grants/jwks');
    expect(grantJwksUrl({ ...cfg, media: { ...cfg.media, grantJwksUrl: 'http://x/jwks' } } as BorderlensConfig)).toBe('http://x/jwks');
  });

  it('refuses a missing, malformed, forged or expired grant with 401', async () => {
    const other = await GrantSigner.fromFile(join(dir, 'other.json'));
    expect(await code(svc.authorize(undefined, 'cam-1'))).toBe('401 grant_required');
    expect(await code(svc.authorize('Basic abc', 'cam-1'))).toBe('401 grant_required');
    expect(await code(svc.authorize('Bearer nope', 'cam-1'))).toBe('401 grant_invalid');
    expect(await code(svc.authorize(`Bearer ${(await other.sign({ ...base, form: 'raw' }, 60)).token}`, 'cam-1'))).toBe('401 grant_invalid');
    expect(await code(svc.authorize(await bearer({ form: 'raw' }, -30), 'cam-1'))).toBe('401 grant_invalid');
  });

  it('refuses a grant for another camera, and raw for a grant that does not allow it, with 403', async () => {
    expect(await code(svc.authorize(await bearer({ form: 'raw', cam: 'cam-2' }), 'cam-1'))).toBe('403 grant_other_camera');
    expect(await code(svc.authorize(await bearer({ form: 'anonymized' }), 'cam-1', 'raw'))).toBe('403 grant_not_raw');
    expect(await code(svc.authorize(await bearer({ form: 'raw', obligations: { anonymize: true } }), 'cam-1', 'raw'))).toBe('403 grant_not_raw');
  });

  it("serves the grant's own form when none is asked, anonymized when the grant says so", async () => {
    expect((await svc.authorize(await bearer({ form: 'raw' }), 'cam-1')).form).toBe('raw');
    expect((await svc.authorize(await bearer({ form: 'raw' }), 'cam-1', 'anonymized')).form).toBe('anonymized');
    expect((await svc.authorize(await bearer({ form: 'raw', obligations: { anonymize: true } }), 'cam-1')).form).toBe('anonymized');
    expect((await svc.authorize(await bearer({ form: 'anonymized' }), 'cam-1')).form).toBe('anonymized');
  });

  it('keeps gateway changes: a downgraded grant opens anonymized only, an ended one nothing', async () => {
    const { token, claims } = await signer.sign({ ...base, form: 'raw' }, 60);
    svc.record({ jti: claims.jti, action: 'downgrade', reason: 'incident ended' }, claims.exp);
    expect(await code(svc.authorize(`Bearer ${token}`, 'cam-1', 'raw'))).toBe('403 grant_not_raw');
    expect((await svc.authorize(`Bearer ${token}`, 'cam-1')).form).toBe('anonymized');
    svc.record({ jti: claims.jti, action: 'end', reason: 'policy changed' }, claims.exp);
    svc.record({ jti: claims.jti, action: 'downgrade', reason: 'late' }, claims.exp);
    expect(await code(svc.authorize(`Bearer ${token}`, 'cam-1'))).toBe('401 grant_revoked');
  });

  it('keeps them over a restart (on disk, 0600), until the grants expire', async () => {
    const ended = await signer.sign({ ...base, form: 'raw' }, 60);
    const downgraded = await signer.sign({ ...base, form: 'raw' }, 60);
    svc.record({ jti: ended.claims.jti, action: 'end', reason: 'revoked' }, ended.claims.exp);
    svc.record({ jti: downgraded.claims.jti, action: 'downgrade', reason: 'policy changed' }, downgraded.claims.exp);
    svc.record({ jti: 'long-gone', action: 'end', reason: 'old' }, Math.floor(Date.now() / 1000) - 10);
    expect(statSync(grantChangesFile(cfg)).mode & 0o777).toBe(0o600);
    const restarted = new GrantVerifier(cfg, grantKeys(signer.jwks()));
    expect(await code(restarted.authorize(`Bearer ${ended.token}`, 'cam-1'))).toBe('401 grant_revoked');
    expect(await code(restarted.authorize(`Bearer ${downgraded.token}`, 'cam-1', 'raw'))).toBe('403 grant_not_raw');
    expect(restarted.change('long-gone')).toBeUndefined();
    // a file it cannot read stops the node rather than forgetting revocations
    writeFileSync(grantChangesFile(cfg), '{not json');
    expect(() => new GrantVerifier(cfg, grantKeys(signer.jwks()))).toThrow('cannot read the grant changes');
    rmSync(grantChangesFile(cfg));
  });
});
