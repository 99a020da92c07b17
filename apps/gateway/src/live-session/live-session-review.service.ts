import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { merge, type Subscription } from 'rxjs';
import { SYSTEM_ACTOR } from '@borderlens/audit';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { CameraEntity, LiveSessionEntity, IncidentEntity, PendingGrantChange } from '@borderlens/database';
import { AppError } from '../common/app-error';
import { CameraService } from '../camera/camera.service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { SchedulerService } from '../common/scheduler.service';
import { IncidentService } from '../incident/incident.service';
import { ActivePolicyService } from '../policy/active-policy.service';
import { AuthorizationService } from '../policy/authorization.service';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionRepository } from './live-session.repository';
import { LiveSessionService, LAPSE_GRACE_SEC } from './live-session.service';

const PURGE_AFTER_MS = 24 * 3600_000;
const JOB = 'live-session-review';

/**
 * Re-decides the running live sessions every round (incidents.checkIntervalSec) and at once when an
 * incident changes, a policy version is activated or a camera's owner changes what it shares: a raw
 * session no longer permitted is downgraded to anonymized (when that is permitted) or ended, an
 * anonymized one no longer permitted is ended; audited, and the media node is told. The media node
 * being down is logged and retried next round. Every gateway runs this (so a change made through
 * another gateway is seen within a round); row locks keep each change single.
 *
 * Calls go one way: the review uses LiveSessionService (the live decision and its audit entry), the
 * repository, the notifier and the camera module's services (changes from CameraService, cameras from
 * CameraVisibilityService); none of them calls back into it.
 */
@Injectable()
export class LiveSessionReviewService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(LiveSessionReviewService.name);
  private subscription?: Subscription;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: LiveSessionRepository,
    private readonly sessions: LiveSessionService,
    private readonly cameraService: CameraService,
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly policies: ActivePolicyService,
    private readonly authz: AuthorizationService,
    private readonly dataSource: DataSource,
    private readonly notifier: LiveSessionNotifier,
    private readonly scheduler: SchedulerService,
  ) {
    scheduler.every(JOB, { everyMs: cfg.incidents.checkIntervalSec * 1000, run: () => this.round(), failure: 'live session review failed, retrying next round' });
  }

  onModuleInit(): void {
    this.subscription = merge(this.incidents.changes, this.policies.changes, this.cameraService.sharingChanges, this.cameraService.disabledChanges).subscribe(
      () => void this.review(),
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** One round; a request during a round runs another right after it (the scheduler's job). */
  review(): Promise<void> {
    return this.scheduler.run(JOB);
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

  private async recheck(g: LiveSessionEntity, active: IncidentEntity[]): Promise<void> {
    const camera = await this.cameraOf(g.cameraId);
    const organisation = await this.authz.organisation(g.organisationId);
    if (!camera || !organisation) return;
    const principal = { id: g.userId, organisation, country: g.country, roles: g.roles };
    const cameraInput = await this.authz.camera(camera);
    const form = g.form;
    const decided = this.sessions.decideLive(principal, form, camera, cameraInput, g, active);
    // A camera its administrators disabled ends every session on it, whatever the rules say.
    const first = camera.disabledAt
      ? { ...decided, decision: { ...decided.decision, decision: 'deny' as const, reasons: ['the camera was disabled by its administrators'] } }
      : decided;
    if (first.decision.decision === 'permit') return;
    const anonymized = form === 'raw' && !camera.disabledAt ? this.sessions.decideLive(principal, 'anonymized', camera, cameraInput, g, active) : first;
    const downgrade = form === 'raw' && anonymized.decision.decision === 'permit';
    const change: PendingGrantChange = {
      action: downgrade ? 'downgrade' : 'end',
      reason: `${form === 'raw' ? 'raw' : 'anonymized'} video is no longer permitted: ${first.decision.reasons.join('; ')}`,
    };
    const changed = await this.dataSource.transaction(async (m) => {
      const locked = await this.repo.lock(g.id, m);
      // Renewed, ended or reviewed by another gateway meanwhile.
      if (!locked || locked.state !== 'active' || locked.form !== form) return null;
      if (downgrade) Object.assign(locked, { form: 'anonymized', pendingChange: change });
      else Object.assign(locked, { state: 'ended', endReason: change.reason, pendingChange: change });
      await this.repo.save(locked, m);
      const outcome = downgrade ? 'downgrade' : 'end';
      await this.sessions.recordAccess(
        SYSTEM_ACTOR,
        locked.organisationId,
        locked.country,
        camera,
        first.decision,
        { form, purpose: locked.purpose, incidents: first.incidents, outcome, session: locked.id, viewer: locked.username },
        m,
      );
      if (downgrade) {
        await this.sessions.recordAccess(
          SYSTEM_ACTOR,
          locked.organisationId,
          locked.country,
          camera,
          anonymized.decision,
          { form: 'anonymized', purpose: locked.purpose, incidents: anonymized.incidents, outcome: 'permit', session: locked.id, viewer: locked.username },
          m,
        );
      }
      return locked;
    });
    if (!changed) return;
    this.log.log(`live session ${g.id} of ${g.username} on camera ${g.cameraId}: ${change.action} (${change.reason})`);
    await this.notifier.deliver(changed);
  }

  /** The session's camera through the camera module's service; null when it was deleted meanwhile (its sessions go with it). */
  private async cameraOf(id: string): Promise<CameraEntity | null> {
    try {
      return await this.cameras.findOne(id);
    } catch (e) {
      if (e instanceof AppError && e.getStatus() === 404) return null;
      throw e;
    }
  }
}
