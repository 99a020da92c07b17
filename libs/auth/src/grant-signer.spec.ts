import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { GrantSigner, grantKeys, verifyGrant } from './grant-signer';

const base = { sub: 'u1', name: 'Jana', org: 'hzs-olk', country: 'CZ', cam: 'cam-1', form: 'anonymized' as const, obligations: { watermark: true } };

describe('GrantSigner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-grant-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs grants that verify against its JWKS, and keeps its key across restarts', async () => {
    const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
    const { token } = await signer.sign(base, 60);
    const again = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
    const claims = await verifyGrant(token, grantKeys(again.jwks()));
    expect(claims).toMatchObject({ ...base, jti: expect.any(String) });
    expect(signer.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('refuses an expired grant', async () => {
    const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
    const { token } = await signer.sign(base, -10);
    await expect(verifyGrant(token, grantKeys(signer.jwks()))).rejects.toThrow(/exp/);
  });

  it('refuses a grant signed by another key', async () => {
    const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
    const other = await GrantSigner.fromFile(join(dir, 'other-key.json'));
    const { token } = await other.sign(base, 60);
    await expect(verifyGrant(token, grantKeys(signer.jwks()))).rejects.toThrow();
  });

  it('refuses a token with another algorithm even if it names the right claims', async () => {
    const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...base })
      .setProtectedHeader({ alg: 'ES256', kid: signer.publicJwk.kid, typ: 'grant+jwt' })
      .setIssuer('borderlens-gateway')
      .setAudience('borderlens-media')
      .setExpirationTime('1m')
      .sign(privateKey);
    await expect(verifyGrant(forged, grantKeys(signer.jwks()))).rejects.toThrow();
  });
});
