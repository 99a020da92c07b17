import { ForbiddenException, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import type { JWTVerifyGetKey } from 'jose';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { grantKeys, verifyGrant } from '@borderlens/auth';
import type { GrantChange, GrantClaims, ViewForm } from '@borderlens/contracts';

/** Injection token for the keys grants are checked against (tests pass local keys). */
export const GRANT_KEYS = Symbol('GRANT_KEYS');

export function grantJwksUrl(cfg: BorderlensConfig): string {
  return cfg.media.grantJwksUrl || `${cfg.gateway.publicUrl.replace(/\/$/, '')}/api/v1/grants/jwks`;
}

export interface Authorized {
  claims: GrantClaims;
  /** The form this viewer gets. */
  form: ViewForm;
}

/**
 * Checks the bearer grant of a WHEP request: signed by the gateway, not expired, not revoked, for
 * this camera, and allowing the form asked for. Without a form, the grant's own form is served.
 */
@Injectable()
export class GrantService {
  private readonly keys: JWTVerifyGetKey;
  /** Grants ended or downgraded by the gateway, kept until they expire anyway. */
  private readonly changes = new Map<string, { action: GrantChange['action']; until: number }>();

  constructor(@Inject(CONFIG) cfg: BorderlensConfig, @Optional() @Inject(GRANT_KEYS) keys?: JWTVerifyGetKey) {
    this.keys = keys ?? grantKeys(grantJwksUrl(cfg));
  }

  async authorize(authorization: string | undefined, cameraId: string, requested?: ViewForm): Promise<Authorized> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw new UnauthorizedException({ code: 'grant_required', message: 'a grant is required: Authorization: Bearer <grant>' });
    let claims: GrantClaims;
    try {
      claims = await verifyGrant(m[1], this.keys);
    } catch {
      throw new UnauthorizedException({ code: 'grant_invalid', message: 'the grant is invalid or expired' });
    }
    const change = this.change(claims.jti);
    if (change === 'end') throw new UnauthorizedException({ code: 'grant_revoked', message: 'the grant was revoked' });
    if (claims.cam !== cameraId) throw new ForbiddenException({ code: 'grant_other_camera', message: 'the grant is for another camera' });
    const rawAllowed = claims.form === 'raw' && !claims.obligations?.anonymize && change !== 'downgrade';
    if (requested === 'raw' && !rawAllowed) throw new ForbiddenException({ code: 'grant_not_raw', message: 'the grant does not allow raw video' });
    return { claims, form: requested ?? (rawAllowed ? 'raw' : 'anonymized') };
  }

  /** Records a change from the gateway so the grant cannot open new sessions beyond it. */
  record(change: GrantChange, expSec?: number): void {
    const until = expSec ? expSec * 1000 : Date.now() + 24 * 3600_000;
    const prev = this.changes.get(change.jti);
    // 'end' wins over 'downgrade'
    if (prev?.action === 'end') return;
    this.changes.set(change.jti, { action: change.action, until });
    for (const [jti, c] of this.changes) if (c.until < Date.now()) this.changes.delete(jti);
  }

  change(jti: string): GrantChange['action'] | undefined {
    const c = this.changes.get(jti);
    return c && c.until >= Date.now() ? c.action : undefined;
  }
}
