import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, createLocalJWKSet, createRemoteJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { GrantClaims } from '@borderlens/contracts';

export type KeyObjectLike = Awaited<ReturnType<typeof importJWK>>;

const GRANT_ALG = 'EdDSA';
export const GRANT_ISSUER = 'borderlens-gateway';
export const GRANT_AUDIENCE = 'borderlens-media';

/**
 * An Ed25519 signing key kept in a file as a JWK (mode 0600), generated on first use; the public half
 * (with its kid) is what a JWKS publishes. Used for grants and for clip manifests and download links.
 */
export async function loadSigningKey(file: string): Promise<{ privateKey: KeyObjectLike; publicJwk: JWK }> {
  let jwk: JWK;
  if (existsSync(file)) {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair(GRANT_ALG, { extractable: true, crv: 'Ed25519' });
    jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: GRANT_ALG, use: 'sig' };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = (await importJWK(jwk, GRANT_ALG)) as KeyObjectLike;
  const { d: _d, ...publicJwk } = jwk;
  return { privateKey, publicJwk };
}

/**
 * Signs grants with an Ed25519 key kept in a file (generated on first use). The public half is
 * published as a JWKS at /api/v1/grants/jwks so media nodes on other machines can verify.
 */
export class GrantSigner {
  private constructor(
    private readonly privateKey: KeyObjectLike,
    readonly publicJwk: JWK,
  ) {}

  static async fromFile(file: string): Promise<GrantSigner> {
    const { privateKey, publicJwk } = await loadSigningKey(file);
    return new GrantSigner(privateKey, publicJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async sign(claims: Omit<GrantClaims, 'exp' | 'jti'>, ttlSec: number): Promise<{ token: string; claims: GrantClaims }> {
    const jti = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + ttlSec;
    const full: GrantClaims = { ...claims, exp, jti };
    const { sub, exp: _e, jti: _j, ...rest } = full;
    const token = await new SignJWT({ ...rest })
      .setProtectedHeader({ alg: GRANT_ALG, kid: this.publicJwk.kid, typ: 'grant+jwt' })
      .setSubject(sub)
      .setIssuer(GRANT_ISSUER)
      .setAudience(GRANT_AUDIENCE)
      .setIssuedAt()
      .setJti(jti)
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { token, claims: full };
  }
}

/** Key source for verifying grants: a remote JWKS URL (media node) or local keys (tests). */
export function grantKeys(source: string | { keys: JWK[] }): JWTVerifyGetKey {
  return typeof source === 'string' ? createRemoteJWKSet(new URL(source)) : createLocalJWKSet(source);
}

/** Verifies a grant token; throws on a forged, expired or foreign token. */
export async function verifyGrant(token: string, keys: JWTVerifyGetKey): Promise<GrantClaims> {
  const { payload } = await jwtVerify(token, keys, {
    algorithms: [GRANT_ALG],
    issuer: GRANT_ISSUER,
    audience: GRANT_AUDIENCE,
    typ: 'grant+jwt',
    clockTolerance: 2,
  });
  const p = payload as unknown as GrantClaims & { sub?: string; jti?: string };
  if (!p.sub || !p.cam || (p.form !== 'raw' && p.form !== 'anonymized') || !p.jti) throw new Error('grant is missing claims');
  return {
    sub: p.sub,
    name: p.name,
    org: p.org,
    country: p.country,
    cam: p.cam,
    form: p.form,
    obligations: p.obligations ?? {},
    exp: p.exp,
    jti: p.jti,
    ...(typeof p.sid === 'string' && p.sid ? { sid: p.sid } : {}),
  };
}
