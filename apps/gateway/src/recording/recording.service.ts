import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import type { ExpiredSegment, ExpiredSegmentsQuery, RecordingSegmentReport, SegmentsErased } from '@borderlens/contracts';
import { AppError } from '../common/app-error';
import { RecordingRepository } from './recording.repository';
import { isUuid } from '../common/validation';

const DEFAULT_NODE = 'media';
/** Segments closer than this are one continuous recording (segment boundaries are not gaps). */
export const GAP_TOLERANCE_MS = 2000;

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Merges segments into continuous ranges (clamped to [from, to)) and the gaps between them. */
export function mergeRanges(segments: { startedAt: Date; endedAt: Date }[], from: Date, to: Date): { ranges: TimeRange[]; gaps: TimeRange[] } {
  const ranges: TimeRange[] = [];
  for (const s of [...segments].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    const start = new Date(Math.max(s.startedAt.getTime(), from.getTime()));
    const end = new Date(Math.min(s.endedAt.getTime(), to.getTime()));
    if (end <= start) continue;
    const last = ranges[ranges.length - 1];
    if (last && start.getTime() - last.to.getTime() <= GAP_TOLERANCE_MS) {
      if (end > last.to) last.to = end;
    } else {
      ranges.push({ from: start, to: end });
    }
  }
  const gaps: TimeRange[] = [];
  let cursor = from;
  for (const r of ranges) {
    if (r.from.getTime() - cursor.getTime() > GAP_TOLERANCE_MS) gaps.push({ from: cursor, to: r.from });
    cursor = r.to;
  }
  if (to.getTime() - cursor.getTime() > GAP_TOLERANCE_MS) gaps.push({ from: cursor, to });
  return { ranges, gaps };
}

/** The index of recorded segments (files live on media nodes) and its retention. */
@Injectable()
export class RecordingService {
  constructor(
    private readonly segments: RecordingRepository,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  async index(r: RecordingSegmentReport): Promise<string> {
    const startedAt = new Date(r?.startedAt);
    const endedAt = new Date(r?.endedAt);
    if (!r || typeof r.cameraId !== 'string' || !isUuid(r.cameraId)) throw AppError.badRequest('segment_invalid', 'cameraId must be a camera id');
    if (typeof r.path !== 'string' || !r.path || r.path.length > 500 || r.path.startsWith('/') || r.path.split('/').includes('..')) {
      throw AppError.badRequest('segment_invalid', 'path must be relative to the recording directory');
    }
    if (Number.isNaN(startedAt.getTime()) || Number.isNaN(endedAt.getTime()) || endedAt < startedAt)
      throw AppError.badRequest('segment_invalid', 'startedAt/endedAt must be times, in order');
    if (!Number.isSafeInteger(r.bytes) || r.bytes < 0) throw AppError.badRequest('segment_invalid', 'bytes must be a non-negative integer');
    try {
      return await this.segments.insert({ cameraId: r.cameraId, mediaNode: r.mediaNode || DEFAULT_NODE, path: r.path, startedAt, endedAt, bytes: String(r.bytes) });
    } catch (e) {
      if ((e as { code?: string }).code === '23503') throw AppError.notFound('camera', r.cameraId);
      throw e;
    }
  }

  /** What is recorded of a camera between from and to: continuous ranges and the gaps between them. */
  async ranges(cameraId: string, from: Date, to: Date): Promise<{ ranges: TimeRange[]; gaps: TimeRange[] }> {
    return mergeRanges(await this.segments.findOverlapping(cameraId, from, to), from, to);
  }

  /** Whether [from, to) is recorded without a gap. */
  async covers(cameraId: string, from: Date, to: Date): Promise<boolean> {
    const { ranges, gaps } = await this.ranges(cameraId, from, to);
    return ranges.length > 0 && gaps.length === 0;
  }

  expired(q: ExpiredSegmentsQuery): Promise<ExpiredSegment[]> {
    const limit = Math.min(Math.max(Number(q?.limit) || 500, 1), 5000);
    return this.segments.findExpired(q?.mediaNode || DEFAULT_NODE, limit);
  }

  /** Files are gone: drop them from the index and record one erasure per camera. */
  async erased(e: SegmentsErased): Promise<number> {
    const ids = Array.isArray(e?.ids) ? e.ids.filter((id) => typeof id === 'string' && isUuid(id)) : [];
    if (ids.length === 0) return 0;
    return this.dataSource.transaction(async (m) => {
      const rows = await this.segments.findByIds(ids, m);
      const byCamera = new Map<string, { n: number; from: Date; to: Date }>();
      for (const s of rows) {
        const c = byCamera.get(s.cameraId) ?? { n: 0, from: s.startedAt, to: s.endedAt };
        c.n++;
        if (s.startedAt < c.from) c.from = s.startedAt;
        if (s.endedAt > c.to) c.to = s.endedAt;
        byCamera.set(s.cameraId, c);
      }
      await this.segments.deleteByIds(
        rows.map((s) => s.id),
        m,
      );
      for (const [cameraId, c] of byCamera) {
        await this.audit.record(
          {
            actor: SYSTEM_ACTOR,
            operation: 'erasure',
            object: `camera:${cameraId}`,
            decision: 'done',
            justification: 'retention period elapsed',
            details: { segments: c.n, from: c.from.toISOString(), to: c.to.toISOString() },
          },
          m,
        );
      }
      return rows.length;
    });
  }
}
