import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { BorderlensConfig } from '@borderlens/config';
import { ROLES, type Principal, type Role } from './principal';

/** Why a token was refused; the message is safe to return to the caller. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Issuer of the configured realm: keycloak.issuer, else the local Keycloak's borderlens realm. */
export function keycloakIssuer(cfg: BorderlensConfig): string {
  return cfg.keycloak.issuer || `http://127.0.0.1:${cfg.keycloak.localPort}/realms/borderlens`;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSec: number;
  /** Key source; defaults to the issuer's JWKS (refetched when a token names an unknown key id). */
  keys?: JWTVerifyGetKey;
}

/**
 * Verifies Keycloak access tokens with `jose`: signature against the realm's JWKS, allowed
 * algorithms, issuer, audience, expiry and not-before; then maps the claims to a Principal.
 */
export class TokenVerifier {
  private keys?: JWTVerifyGetKey;

  constructor(private readonly opts: TokenVerifierOptions) {
    this.keys = opts.keys;
  }

  static fromConfig(cfg: BorderlensConfig): TokenVerifier {
    return new TokenVerifier({
      issuer: keycloakIssuer(cfg),
      audience: cfg.keycloak.audience,
      algorithms: cfg.keycloak.algorithms,
      clockToleranceSec: cfg.keycloak.clockToleranceSec,
    });
  }

  private keySource(): JWTVerifyGetKey {
    // Keycloak publishes its keys at a fixed path under the issuer; jose caches them and refetches
    // (rate-limited) when a token carries a key id it has not seen, which covers key rotation.
    this.keys ??= createRemoteJWKSet(new URL(`${this.opts.issuer}/protocol/openid-connect/certs`), {
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    return this.keys;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySource(), {
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        algorithms: this.opts.algorithms,
        clockTolerance: this.opts.clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      throw new TokenError(describe(e));
    }
    return toPrincipal(payload);
  }
}

function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `token claim '${e.claim}' invalid`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (e instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'token malformed';
  if (e instanceof errors.JWKSTimeout) return 'identity provider keys unavailable';
  return 'token invalid';
}

function toPrincipal(p: JWTPayload): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const realmRoles = (p.realm_access as { roles?: unknown } | undefined)?.roles;
  const roles = Array.isArray(realmRoles) ? realmRoles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)) : [];
  const organisation = str(p.organisation);
  const country = str(p.country).toUpperCase();
  if (!organisation || !/^[A-Z]{2}$/.test(country)) throw new TokenError('token lacks organisation or country');
  return {
    userId: str(p.sub),
    username: str(p.preferred_username) || str(p.sub),
    name: str(p.name) || str(p.preferred_username),
    organisation,
    country,
    roles,
  };
}
