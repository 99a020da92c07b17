import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { CameraIngestInfo } from '@borderlens/contracts';
import { probe, ProcessRepository } from '@borderlens/media';
import { IngestService } from '../ingest/ingest.service';
import { GatewayPort } from '../transport/ports';
import { Recorder, type FinishedSegment } from './recorder';
import { SegmentStore, type SegmentFile } from './segment.store';

interface Active {
  recorder: Recorder;
  unsubscribe: () => void;
}

interface PendingReport {
  file: SegmentFile;
  endedAt: Date;
}

/** How often the list of cameras to record is fetched again. */
const SYNC_MS = 30_000;

/**
 * Continuous recording of every camera the gateway says to record, and what keeps it honest:
 *  - each finished segment is reported to the gateway's index (retried until it is taken, and
 *    journaled so a restart reports what a crash left behind);
 *  - retention: segments the gateway lists as expired (past retention, no legal hold) are deleted
 *    and reported erased;
 *  - disk guard: below media.diskMinFreeMb free, recording stops with an alarm, and resumes when
 *    space is back.
 */
@Injectable()
export class RecorderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(RecorderService.name);
  private readonly active = new Map<string, Active>();
  private readonly pending: PendingReport[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private syncing?: Promise<void>;
  private flushing?: Promise<void>;
  /** Disk guard tripped: recording is stopped until space is back. */
  diskAlarm?: string;
  readonly stats = { reported: 0, erased: 0, recovered: 0 };

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly gateway: GatewayPort,
    private readonly ingest: IngestService,
    private readonly processes: ProcessRepository,
    private readonly store: SegmentStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const m = this.cfg.media;
    await this.recover().catch((e) => this.log.error(`recovering unreported segments failed: ${(e as Error).message}`));
    this.checkDisk();
    void this.sync();
    this.timers = [
      setInterval(() => void this.sync(), SYNC_MS),
      setInterval(() => this.checkDisk(), m.diskCheckSec * 1000),
      setInterval(() => void this.retention(), m.retentionCheckSec * 1000),
      setInterval(() => void this.flushReports(), 5000),
    ];
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await Promise.all([...this.active.keys()].map((id) => this.stopRecorder(id)));
    await this.flushReports();
  }

  /** Cameras being recorded now. */
  recording(): string[] {
    return [...this.active.entries()].filter(([, a]) => a.recorder.recording).map(([id]) => id);
  }

  /** A sync with a list fetched from now on (one already running may hold the list from before a change). */
  async resync(): Promise<void> {
    await this.syncing;
    return this.sync();
  }

  /** Fetches the cameras to record and starts or stops recorders to match. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    if (this.stopped) return;
    let cameras: CameraIngestInfo[];
    try {
      cameras = (await this.gateway.camerasToRecord()).filter((c) => c.recordingEnabled);
    } catch (e) {
      this.log.warn(`cannot fetch the cameras to record (will retry): ${(e as Error).message}`);
      return;
    }
    const wanted = new Set(this.diskAlarm ? [] : cameras.map((c) => c.id));
    for (const id of [...this.active.keys()]) if (!wanted.has(id)) await this.stopRecorder(id);
    for (const c of cameras) {
      if (!wanted.has(c.id) || this.active.has(c.id) || this.stopped) continue;
      try {
        const { source } = await this.ingest.acquire(c.id);
        const recorder = new Recorder(c.id, this.processes, this.store, this.cfg.media.segmentSec, (s) => this.finished(s));
        this.active.set(c.id, { recorder, unsubscribe: source.subscribe(recorder) });
        this.log.log(`recording ${c.id}`);
      } catch (e) {
        this.log.warn(`cannot record ${c.id}: ${(e as Error).message}`);
      }
    }
  }

  private async stopRecorder(cameraId: string): Promise<void> {
    const a = this.active.get(cameraId);
    if (!a) return;
    this.active.delete(cameraId);
    a.unsubscribe();
    await a.recorder.stop();
    this.ingest.release(cameraId);
    this.log.log(`recording of ${cameraId} stopped`);
  }

  private finished(s: FinishedSegment): void {
    this.pending.push({ file: s.file, endedAt: s.endedAt });
    void this.flushReports();
  }

  /**
   * Sends pending segment reports in order; stops at the first failure and retries later. One flush at
   * a time: two would both send the head of the queue while its answer is on the way.
   */
  flushReports(): Promise<void> {
    this.flushing ??= this.doFlushReports().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlushReports(): Promise<void> {
    while (this.pending.length) {
      const { file, endedAt } = this.pending[0];
      const bytes = this.store.bytes(file);
      if (bytes === 0) {
        this.pending.shift();
        this.store.remove(file.path);
        continue;
      }
      try {
        await this.gateway.recordingSegment({
          cameraId: file.cameraId,
          mediaNode: this.cfg.media.nodeName,
          path: file.path,
          startedAt: file.startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          bytes,
        });
      } catch (e) {
        this.log.warn(`segment ${file.path} not indexed yet (will retry): ${(e as Error).message}`);
        return;
      }
      this.store.markReported(file);
      this.pending.shift();
      this.stats.reported++;
    }
  }

  /**
   * After a crash: segments on disk the journal does not list were never indexed. Readable ones
   * (MPEG-TS survives being cut short) are reported with their probed length; empty or unreadable
   * ones are deleted, so disk and index agree.
   */
  async recover(): Promise<void> {
    const byCamera = new Map<string, Set<string>>();
    for (const f of this.store.list()) {
      let reported = byCamera.get(f.cameraId);
      if (!reported) byCamera.set(f.cameraId, (reported = this.store.reported(f.cameraId)));
      if (reported.has(f.name)) continue;
      let duration = 0;
      try {
        duration = (await probe(this.processes, f.abs, { timeoutMs: 10000 })).duration ?? 0;
      } catch {
        duration = 0;
      }
      if (duration > 0 && this.store.bytes(f) > 0) {
        this.pending.push({ file: f, endedAt: new Date(f.startedAt.getTime() + Math.round(duration * 1000)) });
        this.stats.recovered++;
      } else {
        this.store.remove(f.path);
        this.log.warn(`deleted unreadable segment ${f.path} left by an earlier run`);
      }
    }
    await this.flushReports();
  }

  /** Deletes what the gateway lists as expired and tells it which files are gone. */
  async retention(): Promise<number> {
    let total = 0;
    for (;;) {
      let expired;
      try {
        expired = await this.gateway.expiredSegments({ mediaNode: this.cfg.media.nodeName, limit: 500 });
      } catch (e) {
        this.log.warn(`cannot fetch expired segments (will retry): ${(e as Error).message}`);
        return total;
      }
      if (!expired.length) return total;
      const gone: string[] = [];
      for (const s of expired) {
        try {
          if (this.store.remove(s.path)) gone.push(s.id);
          else this.log.warn(`refusing to delete ${s.path}: not a segment path`);
        } catch (e) {
          this.log.error(`cannot delete ${s.path}: ${(e as Error).message}`);
        }
      }
      if (!gone.length) return total;
      try {
        await this.gateway.segmentsErased({ ids: gone });
      } catch (e) {
        // Files are gone; the gateway will list them again and we report them again.
        this.log.warn(`erasure not acknowledged (will repeat): ${(e as Error).message}`);
        return total;
      }
      total += gone.length;
      this.stats.erased += gone.length;
      if (expired.length < 500) return total;
    }
  }

  /** Disk guard. */
  checkDisk(): void {
    const min = this.cfg.media.diskMinFreeMb;
    let free: number;
    try {
      free = this.store.freeMb();
    } catch (e) {
      this.log.error(`disk guard cannot read free space: ${(e as Error).message}`);
      return;
    }
    if (!this.diskAlarm && free < min) {
      this.diskAlarm = `only ${Math.floor(free)} MB free in ${this.store.root} (minimum ${min} MB): recording stopped`;
      this.log.error(`ALARM ${this.diskAlarm}`);
      for (const id of [...this.active.keys()]) void this.stopRecorder(id);
    } else if (this.diskAlarm && free >= min * 1.1 + 64) {
      this.log.log(`disk space back (${Math.floor(free)} MB free): recording resumes`);
      this.diskAlarm = undefined;
      void this.sync();
    }
  }
}
