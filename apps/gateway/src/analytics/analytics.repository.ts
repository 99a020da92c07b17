import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, LessThan, Repository } from 'typeorm';
import type { AnalyticsMinute } from '@borderlens/contracts';
import { AnalyticsAlertEntity, AnalyticsConfigEntity, AnalyticsMinuteEntity } from '@borderlens/database';

/** One bucket of one series, as the database adds it up. */
export interface BucketRow {
  cameraId: string;
  bucket: Date;
  kind: 'zone' | 'line';
  targetId: string;
  cls: string;
  direction: string;
  crossings: number;
  occupancyMax: number;
}

/** Wraps the analytics tables: configurations, per-minute counts, alerts. */
@Injectable()
export class AnalyticsRepository {
  constructor(
    @InjectRepository(AnalyticsConfigEntity) private readonly configs: Repository<AnalyticsConfigEntity>,
    @InjectRepository(AnalyticsMinuteEntity) private readonly minutes: Repository<AnalyticsMinuteEntity>,
    @InjectRepository(AnalyticsAlertEntity) private readonly alerts: Repository<AnalyticsAlertEntity>,
    private readonly dataSource: DataSource,
  ) {}

  findConfig(cameraId: string): Promise<AnalyticsConfigEntity | null> {
    return this.configs.findOneBy({ cameraId });
  }

  /** Configurations with analytics on, each with its camera (whose administrators may have disabled it). */
  findEnabled(): Promise<AnalyticsConfigEntity[]> {
    return this.configs.find({ where: { enabled: true }, relations: { camera: true } });
  }

  saveConfig(c: AnalyticsConfigEntity, m: EntityManager): Promise<AnalyticsConfigEntity> {
    return m.getRepository(AnalyticsConfigEntity).save(c);
  }

  /**
   * Stores finished minutes. A minute reported twice (a retry after a lost reply) replaces itself,
   * so counts are never doubled.
   */
  async upsertMinutes(rows: AnalyticsMinute[]): Promise<void> {
    if (!rows.length) return;
    await this.minutes.upsert(
      rows.map((r) => ({
        cameraId: r.cameraId,
        minute: new Date(r.minute),
        kind: r.kind,
        targetId: r.targetId,
        cls: r.cls,
        direction: r.direction ?? '',
        crossings: r.crossings ?? 0,
        occupancyMax: r.occupancyMax ?? 0,
        occupancyAvg: r.occupancyAvg ?? 0,
        samples: r.samples,
      })),
      ['cameraId', 'minute', 'kind', 'targetId', 'cls', 'direction'],
    );
  }

  /**
   * Buckets of `bucketSec` from `from` (inclusive) to `to` (exclusive) for these cameras: crossings
   * summed, occupancy as the most seen at once.
   */
  async buckets(cameraIds: string[], from: Date, to: Date, bucketSec: number): Promise<BucketRow[]> {
    if (!cameraIds.length) return [];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT camera_id, to_timestamp(floor(extract(epoch FROM minute) / $4) * $4) AS bucket, kind, target_id, cls, direction,
              sum(crossings)::int AS crossings, max(occupancy_max)::int AS occupancy_max
         FROM analytics_minutes
        WHERE camera_id = ANY($1::uuid[]) AND minute >= $2 AND minute < $3
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 2`,
      [cameraIds, from, to, bucketSec],
    );
    return rows.map((r) => ({
      cameraId: r.camera_id as string,
      bucket: new Date(r.bucket as string),
      kind: r.kind as 'zone' | 'line',
      targetId: r.target_id as string,
      cls: r.cls as string,
      direction: r.direction as string,
      crossings: Number(r.crossings),
      occupancyMax: Number(r.occupancy_max),
    }));
  }

  async deleteMinutesBefore(t: Date): Promise<number> {
    const r = await this.minutes.delete({ minute: LessThan(t) });
    return r.affected ?? 0;
  }

  saveAlert(a: Partial<AnalyticsAlertEntity>, m: EntityManager): Promise<AnalyticsAlertEntity> {
    return m.getRepository(AnalyticsAlertEntity).save(m.getRepository(AnalyticsAlertEntity).create(a));
  }

  findAlert(id: string): Promise<AnalyticsAlertEntity | null> {
    return this.alerts.findOneBy({ id });
  }

  findAlerts(cameraIds: string[], open: boolean): Promise<AnalyticsAlertEntity[]> {
    if (!cameraIds.length) return Promise.resolve([]);
    return this.alerts
      .createQueryBuilder('a')
      .where('a.camera_id = ANY(:ids)', { ids: cameraIds })
      .andWhere(open ? 'a.acknowledged_at IS NULL' : 'TRUE')
      .orderBy('a.raised_at', 'DESC')
      .limit(500)
      .getMany();
  }

  async acknowledge(id: string, by: string, m: EntityManager): Promise<boolean> {
    const r = await m.getRepository(AnalyticsAlertEntity).update({ id, acknowledgedAt: IsNull() }, { acknowledgedAt: new Date(), acknowledgedBy: by });
    return (r.affected ?? 0) > 0;
  }
}
