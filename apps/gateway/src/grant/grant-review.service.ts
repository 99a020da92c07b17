import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { merge, type Subscription } from 'rxjs';
import { SYSTEM_ACTOR } from '@borderlens/audit';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { GrantEntity, IncidentEntity, PendingGrantChange } from '@borderlens/database';
import { CameraRepository } from '../camera/camera.repository';
import { CameraService } from '../camera/camera.service';
import { IncidentService } from '../incident/incident.service';
import { ActivePolicyService } from '../policy/active-policy.service';
import { AuthorizationService } from '../policy/authorization.service';
import { GrantNotifier } from './grant-notifier.service';
import { GrantRepository } from './grant.repository';
import { GrantService, LAPSE_GRACE_SEC } from './grant.service';

const PURGE_AFTER_MS = 24 * 3600_000;

/**
 * Re-decides the running live sessions every round (incidents.checkIntervalSec) and at once when an
 * incident changes, a policy version is activated or a camera's owner changes what it shares: a raw
 * session no longer permitted is downgraded to anonymized (when that is permitted) or ended, an
 * anonymized one no longer permitted is ended; audited, and the media node is told. The media node
 * being down is logged and retried next round. Every gateway runs this (so a change made through
 * another gateway is seen within a round); row locks keep each change single.
 */
@Injectable()
export class GrantReviewService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(GrantReviewService.name);
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: GrantRepository,
    private readonly grants: GrantService,
    private readonly cameras: CameraRepository,
    private readonly cameraService: CameraService,
    private readonly incidents: IncidentService,
    private readonly policies: ActivePolicyService,
    private readonly authz: AuthorizationService,
    private readonly dataSource: DataSource,
    private readonly notifier: GrantNotifier,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.review(), this.cfg.incidents.checkIntervalSec * 1000);
    this.timer.unref();
    this.subscription = merge(this.incidents.changes, this.policies.changes, this.cameraService.sharingChanges, this.cameraService.disabledChanges).subscribe(() => void this.review());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.running;
  }

  /** One round; a request during a round runs another right after it. */
  review(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.round();
        } catch (e) {
          this.log.warn(`grant review failed, retrying next round: ${(e as Error).message}`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    await this.repo.endLapsed(new Date(Date.now() - LAPSE_GRACE_SEC * 1000));
    const live = await this.repo.findLive();
    if (live.length) {
      const active = await this.incidents.activeNow();
      for (const g of live) await this.recheck(g, active);
    }
    await Promise.all((await this.repo.findPending()).map((g) => this.notifier.deliver(g)));
    await this.repo.purgeEnded(new Date(Date.now() - PURGE_AFTER_MS));
  }

  private async recheck(g: GrantEntity, active: IncidentEntity[]): Promise<void> {
    const camera = await this.cameras.findById(g.cameraId);
    const organisation = await this.authz.organisation(g.organisationId);
    if (!camera || !organisation) return;
    const principal = { id: g.userId, organisation, country: g.country, roles: g.roles };
    const cameraInput = await this.authz.camera(camera);
    const form = g.form;
    const decided = this.grants.decideLive(principal, form, camera, cameraInput, g, active);
    // A camera its administrators disabled ends every session on it, whatever the rules say.
    const first = camera.disabledAt ? { ...decided, decision: { ...decided.decision, decision: 'deny' as const, reasons: ['the camera was disabled by its administrators'] } } : decided;
    if (first.decision.decision === 'permit') return;
    const anonymized = form === 'raw' && !camera.disabledAt ? this.grants.decideLive(principal, 'anonymized', camera, cameraInput, g, active) : first;
    const downgrade = form === 'raw' && anonymized.decision.decision === 'permit';
    const change: PendingGrantChange = { action: downgrade ? 'downgrade' : 'end', reason: `${form === 'raw' ? 'raw' : 'anonymized'} video is no longer permitted: ${first.decision.reasons.join('; ')}` };
    const changed = await this.dataSource.transaction(async (m) => {
      const locked = await this.repo.lock(g.id, m);
      // Renewed, ended or reviewed by another gateway meanwhile.
      if (!locked || locked.state !== 'active' || locked.form !== form) return null;
      if (downgrade) Object.assign(locked, { form: 'anonymized', pendingChange: change });
      else Object.assign(locked, { state: 'ended', endReason: change.reason, pendingChange: change });
      await this.repo.save(locked, m);
      const outcome = downgrade ? 'downgrade' : 'end';
      await this.grants.recordAccess(SYSTEM_ACTOR, locked.organisationId, locked.country, camera, first.decision, { form, purpose: locked.purpose, incidents: first.incidents, outcome, session: locked.id, viewer: locked.username }, m);
      if (downgrade) {
        await this.grants.recordAccess(SYSTEM_ACTOR, locked.organisationId, locked.country, camera, anonymized.decision, { form: 'anonymized', purpose: locked.purpose, incidents: anonymized.incidents, outcome: 'permit', session: locked.id, viewer: locked.username }, m);
      }
      return locked;
    });
    if (!changed) return;
    this.log.log(`session ${g.id} of ${g.username} on camera ${g.cameraId}: ${change.action} (${change.reason})`);
    await this.notifier.deliver(changed);
  }
}
