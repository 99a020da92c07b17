import { ForbiddenException, Inject, Injectable, Logger, Optional, UnauthorizedException } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JWTVerifyGetKey } from 'jose';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { grantKeys, verifyGrant } from '@borderlens/auth';
import type { GrantChange, GrantClaims, ViewForm } from '@borderlens/contracts';

/** Injection token for the keys grants are checked against (tests pass local keys). */
export const GRANT_KEYS = Symbol('GRANT_KEYS');

export function grantJwksUrl(cfg: BorderlensConfig): string {
  return cfg.media.grantJwksUrl || `${cfg.gateway.publicUrl.replace(/\/$/, '')}/api/v1/grants/jwks`;
}

/** Where a media node keeps the grant changes it was told about, so a restart does not forget a revocation. */
export function grantChangesFile(cfg: BorderlensConfig): string {
  return join(cfg.dataDir, 'media-grant-changes.json');
}

type StoredChange = { action: GrantChange['action']; until: number };

/** What the audit of a refused WHEP attempt knows beyond the HTTP answer: whose grant, and a finer cause. */
export interface RefusalContext {
  claims?: Partial<GrantClaims>;
  cause?: string;
}

const REFUSAL = Symbol('whep-refusal');

/** Attaches whose grant was refused (and why, when finer than the answered code) to an exception. */
export function withRefusal<E extends Error>(e: E, ctx: RefusalContext): E {
  (e as E & { [REFUSAL]?: RefusalContext })[REFUSAL] = ctx;
  return e;
}

export function refusalOf(e: unknown): RefusalContext {
  return (e as { [REFUSAL]?: RefusalContext } | undefined)?.[REFUSAL] ?? {};
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
export class GrantVerifier {
  private readonly log = new Logger(GrantVerifier.name);
  private readonly keys: JWTVerifyGetKey;
  /**
   * Grants ended or downgraded by the gateway, kept until they expire anyway. Also kept on disk
   * (0600): a media node restarted within a grant's lifetime must not take a revoked grant again.
   */
  private readonly changes = new Map<string, StoredChange>();
  private readonly file: string;

  constructor(@Inject(CONFIG) cfg: BorderlensConfig, @Optional() @Inject(GRANT_KEYS) keys?: JWTVerifyGetKey) {
    this.keys = keys ?? grantKeys(grantJwksUrl(cfg));
    this.file = grantChangesFile(cfg);
    this.load();
  }

  /** The grant's claims when it is signed by the gateway and not expired (nothing else checked). */
  async verify(authorization: string | undefined): Promise<GrantClaims> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw new UnauthorizedException({ code: 'grant_required', message: 'a grant is required: Authorization: Bearer <grant>' });
    try {
      return await verifyGrant(m[1], this.keys);
    } catch (e) {
      const refused = new UnauthorizedException({ code: 'grant_invalid', message: 'the grant is invalid or expired' });
      // jose checks the signature before the expiry: an expired grant's claims are the gateway's.
      const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? (e as { payload?: Partial<GrantClaims> }).payload : undefined;
      throw withRefusal(refused, expired?.sub ? { claims: expired, cause: 'grant_expired' } : {});
    }
  }

  async authorize(authorization: string | undefined, cameraId: string, requested?: ViewForm): Promise<Authorized> {
    const claims = await this.verify(authorization);
    const change = this.change(claims.jti);
    if (change === 'end') throw withRefusal(new UnauthorizedException({ code: 'grant_revoked', message: 'the grant was revoked' }), { claims });
    if (claims.cam !== cameraId) throw withRefusal(new ForbiddenException({ code: 'grant_other_camera', message: 'the grant is for another camera' }), { claims });
    const rawAllowed = claims.form === 'raw' && !claims.obligations?.anonymize && change !== 'downgrade';
    if (requested === 'raw' && !rawAllowed) throw withRefusal(new ForbiddenException({ code: 'grant_not_raw', message: 'the grant does not allow raw video' }), { claims });
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
    this.save();
  }

  change(jti: string): GrantChange['action'] | undefined {
    const c = this.changes.get(jti);
    return c && c.until >= Date.now() ? c.action : undefined;
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredChange>;
      for (const [jti, c] of Object.entries(stored)) {
        if ((c.action === 'end' || c.action === 'downgrade') && Number.isFinite(c.until) && c.until >= Date.now()) this.changes.set(jti, c);
      }
    } catch (e) {
      // Unreadable: refuse to start rather than forget revocations.
      throw new Error(`cannot read the grant changes in ${this.file}: ${(e as Error).message}`);
    }
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.changes)), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      // In memory it still holds until this process ends.
      this.log.error(`grant changes not saved to ${this.file}: ${(e as Error).message}`);
    }
  }
}
