import { RETENTION_CAPS, type RetentionCap } from '@borderlens/policy';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { RecordingSegmentEntity } from '@borderlens/database';
import type { ExpiredSegment } from '@borderlens/contracts';

@Injectable()
export class RecordingRepository {
  constructor(@InjectRepository(RecordingSegmentEntity) private readonly repo: Repository<RecordingSegmentEntity>) {}

  /** Indexes a segment; a second report of the same file (node and path) answers the first one's id. */
  async insert(segment: Omit<RecordingSegmentEntity, 'id' | 'createdAt' | 'camera'>): Promise<string> {
    const r = await this.repo.createQueryBuilder().insert().values(segment).orIgnore().returning(['id']).execute();
    const id = r.identifiers[0]?.id as string | undefined;
    if (id) return id;
    const known = await this.repo.findOneOrFail({ where: { mediaNode: segment.mediaNode, path: segment.path }, select: { id: true } });
    return known.id;
  }

  /**
   * Segments of a media node older than their camera's retention, or than a statutory cap in calendar
   * months counted from each segment (RETENTION_CAPS), except those a clip request under legal hold,
   * or one waiting for a decision or being exported, still needs.
   */
  findExpired(mediaNode: string, limit: number, now = new Date(), caps: readonly RetentionCap[] = RETENTION_CAPS): Promise<ExpiredSegment[]> {
    const rows = caps.flatMap((c) => c.ownerKinds.map((k) => [c.jurisdiction, k, c.maxMonths] as const));
    return this.repo.query(
      `SELECT s.id, s.camera_id AS "cameraId", s.path
         FROM recording_segments s JOIN cameras c ON c.id = s.camera_id
         JOIN organisations o ON o.id = c.organisation_id
         LEFT JOIN (SELECT j, k, MIN(m) AS months FROM unnest($4::text[], $5::text[], $6::int[]) AS cap(j, k, m) GROUP BY j, k) cap
           ON cap.j = c.jurisdiction AND cap.k = o.kind
        WHERE s.media_node = $1
          AND (s.ended_at < $2::timestamptz - make_interval(days => c.retention_days)
               OR s.ended_at + make_interval(months => cap.months) <= $2::timestamptz)
          AND NOT EXISTS (
                SELECT 1 FROM clip_requests r
                 WHERE r.camera_id = s.camera_id
                   AND (r.legal_hold OR r.state IN ('submitted', 'approved', 'exporting'))
                   AND r.starts_at < s.ended_at AND r.ends_at > s.started_at)
        ORDER BY s.ended_at, s.id
        LIMIT $3`,
      [mediaNode, now.toISOString(), limit, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  }

  /** Segments of a camera overlapping [from, to), oldest first. */
  findOverlapping(cameraId: string, from: Date, to: Date): Promise<Pick<RecordingSegmentEntity, 'startedAt' | 'endedAt'>[]> {
    return this.repo
      .createQueryBuilder('s')
      .select(['s.startedAt', 's.endedAt'])
      .where('s.cameraId = :cameraId AND s.startedAt < :to AND s.endedAt > :from', { cameraId, from, to })
      .orderBy('s.startedAt')
      .getMany();
  }

  findByIds(ids: string[], manager: EntityManager): Promise<RecordingSegmentEntity[]> {
    return manager.getRepository(RecordingSegmentEntity).findBy({ id: In(ids) });
  }

  async deleteByIds(ids: string[], manager: EntityManager): Promise<void> {
    await manager.getRepository(RecordingSegmentEntity).delete({ id: In(ids) });
  }
}
