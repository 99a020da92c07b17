import { SignJWT, exportJWK, generateKeyPair, createLocalJWKSet, type JWK } from 'jose';
import { TokenVerifier } from './token-verifier';

const issuer = 'http://127.0.0.1:8180/realms/borderlens';
const claims = { preferred_username: 'hzs.operator', name: 'Jan Novák', organisation: 'hzs-olk', country: 'CZ', realm_access: { roles: ['operator', 'offline_access'] } };

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const verifier = new TokenVerifier({ issuer, audience: 'borderlens-gateway', algorithms: ['RS256'], clockToleranceSec: 0, keys: createLocalJWKSet({ keys: [jwk] }) });
  const sign = (over: Record<string, unknown> = {}, opts: { iss?: string; aud?: string; exp?: string | number; nbf?: string | number; key?: CryptoKeyLike } = {}) =>
    new SignJWT({ ...claims, ...over })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? 'borderlens-gateway')
      .setIssuedAt()
      .setNotBefore(opts.nbf ?? '0s')
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.key ?? privateKey);
  return { verifier, sign };
}
type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('TokenVerifier', () => {
  it('maps a valid token to a principal, keeping only known roles', async () => {
    const { verifier, sign } = await setup();
    await expect(verifier.verify(await sign())).resolves.toEqual({
      userId: 'user-1',
      username: 'hzs.operator',
      name: 'Jan Novák',
      organisation: 'hzs-olk',
      country: 'CZ',
      roles: ['operator'],
    });
  });

  it.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }, 'token expired'],
    ['a token not yet valid', { nbf: Math.floor(Date.now() / 1000) + 600 }, "token claim 'nbf' invalid"],
    ['another issuer', { iss: 'http://evil/realms/borderlens' }, "token claim 'iss' invalid"],
    ['another audience', { aud: 'account' }, "token claim 'aud' invalid"],
  ])('refuses %s', async (_name, opts, message) => {
    const { verifier, sign } = await setup();
    await expect(verifier.verify(await sign({}, opts))).rejects.toThrow(message);
  });

  it('refuses a token signed with a key that is not the realm key', async () => {
    const { verifier, sign } = await setup();
    const other = await generateKeyPair('RS256');
    await expect(verifier.verify(await sign({}, { key: other.privateKey }))).rejects.toThrow('token signature invalid');
  });

  it('refuses alg none and HS256 tokens', async () => {
    const { verifier } = await setup();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x', iss: issuer, aud: 'borderlens-gateway', exp: 9e9 })).toString('base64url')}.`;
    await expect(verifier.verify(none)).rejects.toThrow();
    const hs = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('x')
      .setIssuer(issuer)
      .setAudience('borderlens-gateway')
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    await expect(verifier.verify(hs)).rejects.toThrow('token algorithm not allowed');
  });

  it('refuses a token without organisation', async () => {
    const { verifier, sign } = await setup();
    await expect(verifier.verify(await sign({ organisation: undefined }))).rejects.toThrow('lacks organisation');
  });

  it('refuses garbage', async () => {
    const { verifier } = await setup();
    await expect(verifier.verify('not.a.token')).rejects.toThrow('token malformed');
  });
});
