import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CameraEntity, ClipRequestEntity, OrganisationEntity, RetentionReviewEntity } from '@borderlens/database';
import { AppError } from '../common/app-error';
import type { RecordReviewDto, ReviewDto, ReviewStatusDto } from './retention-review.dto';
import { isUuid } from '../common/validation';

const DAY_MS = 86_400_000;

/**
 * Periodic review of the need to keep data under the Law Enforcement Directive (Art. 5 LED; CJEU
 * C-118/22): every camera of an organisation whose legal regime is `led` is due a review by that
 * organisation's legal officer every cameras.ledReviewDays, covering its recordings and its clip
 * requests under legal hold. A review is recorded with a reason (audited); lowering the retention
 * with it takes effect on the next retention round.
 */
@Injectable()
export class RetentionReviewService {
  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    @InjectRepository(RetentionReviewEntity) private readonly reviews: Repository<RetentionReviewEntity>,
    @InjectRepository(CameraEntity) private readonly cameras: Repository<CameraEntity>,
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(ClipRequestEntity) private readonly clips: Repository<ClipRequestEntity>,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  /** The reviews the caller's organisation owes, soonest due first (none for an organisation under GDPR). */
  async list(p: Principal, onlyOverdue = false): Promise<ReviewStatusDto[]> {
    const org = await this.organisations.findOneBy({ id: p.organisation });
    if (org?.legalRegime !== 'led') return [];
    const cameras = await this.cameras.find({ where: { organisationId: org.id }, order: { name: 'ASC' } });
    const all = await Promise.all(cameras.map((c) => this.status(c)));
    return all.filter((s) => !onlyOverdue || s.overdue).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  async get(p: Principal, cameraId: string): Promise<ReviewStatusDto> {
    return this.status(await this.ownLedCamera(p, cameraId));
  }

  async record(p: Principal, cameraId: string, dto: RecordReviewDto): Promise<ReviewStatusDto> {
    const reason = dto.reason.trim();
    if (!reason) throw AppError.badRequest('reason_required', 'a review needs a reason');
    if (dto.decision === 'keep' && dto.retentionDays !== undefined) throw AppError.badRequest('retention_days_unexpected', 'retentionDays goes with decision reduce only');
    await this.ownLedCamera(p, cameraId);
    const camera = await this.dataSource.transaction(async (m) => {
      // Locked: two reviews at once must not both lower the retention from the same value.
      const c = await m.findOne(CameraEntity, { where: { id: cameraId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw AppError.notFound('camera', cameraId);
      const before = c.retentionDays;
      if (dto.decision === 'reduce') {
        if (dto.retentionDays === undefined || dto.retentionDays >= before) {
          throw AppError.badRequest('retention_days_invalid', `decision reduce needs retentionDays below the current ${before}`, { retentionDays: before });
        }
        c.retentionDays = dto.retentionDays;
        await m.save(CameraEntity, c);
      }
      const held = await this.heldClips(c.id, m);
      const now = new Date();
      const review = m.create(RetentionReviewEntity, {
        cameraId: c.id,
        reviewedAt: now,
        reviewedBy: p.username,
        organisationId: p.organisation,
        decision: dto.decision,
        reason,
        retentionDays: c.retentionDays,
        heldClipIds: held.map((h) => h.id),
        dueAt: new Date(now.getTime() + this.intervalMs()),
      });
      await m.save(RetentionReviewEntity, review);
      await this.audit.record(
        {
          actor: actorOf(p),
          operation: dto.decision === 'reduce' ? 'alteration' : 'consultation',
          object: `camera:${c.id}`,
          justification: reason,
          decision: 'permit',
          details: {
            event: 'retention.review',
            review: review.id,
            decision: dto.decision,
            retentionDays: { before, after: c.retentionDays },
            heldClips: review.heldClipIds,
            dueAt: review.dueAt.toISOString(),
            legalBasis: 'LED Art. 5 (periodic review of the need for storage); CJEU C-118/22',
          },
        },
        m,
      );
      return c;
    });
    return this.status(camera);
  }

  private intervalMs(): number {
    return this.cfg.cameras.ledReviewDays * DAY_MS;
  }

  /** A camera of the caller's organisation, which must be under the Law Enforcement Directive. */
  private async ownLedCamera(p: Principal, cameraId: string): Promise<CameraEntity> {
    const camera = isUuid(cameraId) ? await this.cameras.findOneBy({ id: cameraId }) : null;
    if (!camera) throw AppError.notFound('camera', cameraId);
    if (camera.organisationId !== p.organisation) {
      await this.audit.record({
        actor: actorOf(p),
        operation: 'consultation',
        object: `camera:${camera.id}`,
        decision: 'deny',
        justification: "retention review refused: not the camera owner's legal officer",
        details: { event: 'retention.review' },
      });
      throw AppError.forbidden("only a legal officer of the camera's owner reviews its retention", 'review_not_owner');
    }
    const org = await this.organisations.findOneBy({ id: camera.organisationId });
    if (org?.legalRegime !== 'led') {
      throw AppError.conflict(
        'review_not_applicable',
        `periodic reviews apply to data under the Law Enforcement Directive; ${camera.organisationId} processes under ${org?.legalRegime ?? 'an unknown regime'}`,
      );
    }
    return camera;
  }

  private heldClips(cameraId: string, m?: EntityManager): Promise<ClipRequestEntity[]> {
    const repo = m ? m.getRepository(ClipRequestEntity) : this.clips;
    return repo.find({ where: { cameraId, legalHold: true }, order: { createdAt: 'ASC' } });
  }

  private async status(c: CameraEntity): Promise<ReviewStatusDto> {
    const last = await this.reviews.findOne({ where: { cameraId: c.id }, order: { reviewedAt: 'DESC' } });
    const from = last?.reviewedAt ?? c.createdAt;
    const dueAt = new Date(from.getTime() + this.intervalMs());
    const held = await this.heldClips(c.id);
    return {
      cameraId: c.id,
      cameraName: c.name,
      organisationId: c.organisationId,
      intervalDays: this.cfg.cameras.ledReviewDays,
      retentionDays: c.retentionDays,
      heldClips: held.map((h) => ({ id: h.id, purpose: h.purpose, holdReason: h.holdReason, heldBy: h.heldBy })),
      lastReview: last ? reviewDto(last) : null,
      dueAt: dueAt.toISOString(),
      overdue: dueAt.getTime() < Date.now(),
    };
  }
}

function reviewDto(r: RetentionReviewEntity): ReviewDto {
  return {
    id: r.id,
    reviewedAt: r.reviewedAt.toISOString(),
    reviewedBy: r.reviewedBy,
    decision: r.decision,
    reason: r.reason,
    retentionDays: r.retentionDays,
    heldClipIds: r.heldClipIds,
  };
}
