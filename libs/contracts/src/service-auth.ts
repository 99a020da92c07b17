import { SignJWT, jwtVerify } from 'jose';

/**
 * Calls between the apps carry a short-lived HS256 token signed with the shared service secret,
 * naming caller (iss) and callee (aud), so another process on the network cannot call them.
 */
export interface ServiceEnvelope<T> {
  auth: string;
  data: T;
}

const TOKEN_TTL_SEC = 60;

export class ServiceTokens {
  private readonly key: Uint8Array;
  private cached = new Map<string, { token: string; until: number }>();

  constructor(secret: string, private readonly self: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A token for calls to `audience`, reused for half its lifetime. */
  async tokenFor(audience: string): Promise<string> {
    const now = Date.now();
    const hit = this.cached.get(audience);
    if (hit && hit.until > now) return hit.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.self)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_SEC}s`)
      .sign(this.key);
    this.cached.set(audience, { token, until: now + (TOKEN_TTL_SEC / 2) * 1000 });
    return token;
  }

  /** Returns the caller's service name; throws when the token is missing, forged, expired or not for us. */
  async verify(token: unknown): Promise<string> {
    if (typeof token !== 'string' || token.length === 0) throw new Error('missing service token');
    const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: this.self, clockTolerance: 5 });
    if (typeof payload.iss !== 'string') throw new Error('service token without issuer');
    return payload.iss;
  }
}
