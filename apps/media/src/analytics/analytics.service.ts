import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { AnalyticsCamera } from '@borderlens/contracts';
import { ProcessRepository } from '@borderlens/media';
import { IngestService } from '../ingest/ingest.service';
import { AnalyzerPort, GatewayPort } from '../transport/ports';
import { AnalyticsSampler } from './analytics-sampler';

interface Active {
  sampler: AnalyticsSampler;
  unsubscribe: () => void;
}

/**
 * Samples every camera the gateway has analytics on for (analytics.sampleFps frames per second,
 * analytics.sampleWidth wide) and hands the samples to the anonymizer nodes; the list is fetched
 * again every analytics.camerasRefreshSec. Like recording, it holds the camera's connection open
 * whether anyone watches or not.
 */
@Injectable()
export class AnalyticsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(AnalyticsService.name);
  private readonly active = new Map<string, Active>();
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly gateway: GatewayPort,
    private readonly analyzer: AnalyzerPort,
    private readonly ingest: IngestService,
    private readonly processes: ProcessRepository,
  ) {}

  onApplicationBootstrap(): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.cfg.analytics.camerasRefreshSec * 1000);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([...this.active.keys()].map((id) => this.stopSampler(id)));
  }

  /** Cameras sampled now, with what their samplers did. */
  status() {
    return [...this.active.entries()].map(([cameraId, a]) => ({ cameraId, revision: a.sampler.revision, ...a.sampler.stats }));
  }

  /** Fetches the cameras with analytics on and starts, reconfigures or stops samplers to match. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    if (this.stopped) return;
    let cameras: AnalyticsCamera[];
    try {
      cameras = await this.gateway.analyticsCameras();
    } catch (e) {
      this.log.warn(`cannot fetch the cameras with analytics (will retry): ${(e as Error).message}`);
      return;
    }
    const wanted = new Map(cameras.map((c) => [c.cameraId, c]));
    for (const id of [...this.active.keys()]) if (!wanted.has(id)) await this.stopSampler(id);
    for (const c of cameras) {
      const a = this.active.get(c.cameraId);
      if (a) {
        if (a.sampler.revision !== c.revision) a.sampler.reconfigure(c);
        continue;
      }
      if (this.stopped) return;
      try {
        const { source } = await this.ingest.acquire(c.cameraId);
        const sampler = new AnalyticsSampler(c, this.processes, this.analyzer, { fps: this.cfg.analytics.sampleFps, width: this.cfg.analytics.sampleWidth });
        this.active.set(c.cameraId, { sampler, unsubscribe: source.subscribe(sampler) });
        this.log.log(`analytics of ${c.cameraId} started`);
      } catch (e) {
        this.log.warn(`cannot sample ${c.cameraId}: ${(e as Error).message}`);
      }
    }
  }

  private async stopSampler(cameraId: string): Promise<void> {
    const a = this.active.get(cameraId);
    if (!a) return;
    this.active.delete(cameraId);
    a.unsubscribe();
    await a.sampler.stop();
    this.ingest.release(cameraId);
    this.log.log(`analytics of ${cameraId} stopped`);
  }
}
