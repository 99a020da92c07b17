import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { ProcessRepository } from '@borderlens/media';
import { IngestService } from '../ingest/ingest.service';
import { DetectorPort } from '../transport/ports';
import { CameraLive, type Viewer } from './camera-live';

/** Live pipelines by camera: created with a camera's first viewer, gone after its last. */
@Injectable()
export class LiveService implements OnModuleDestroy {
  private readonly cameras = new Map<string, CameraLive>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly ingest: IngestService,
    private readonly processes: ProcessRepository,
    private readonly detector: DetectorPort,
  ) {}

  /** Adds a viewer; rejects when the camera is unknown to the gateway. */
  async join(cameraId: string, viewer: Viewer): Promise<void> {
    let live = this.cameras.get(cameraId);
    if (!live || live.isClosed) {
      const created: CameraLive = new CameraLive(cameraId, { cfg: this.cfg, ingest: this.ingest, processes: this.processes, detector: this.detector }, () => {
        if (this.cameras.get(cameraId) === created) this.cameras.delete(cameraId);
      });
      live = created;
      this.cameras.set(cameraId, live);
    }
    await live.join(viewer);
  }

  leave(cameraId: string, viewerId: string): void {
    this.cameras.get(cameraId)?.leave(viewerId);
  }

  /** A viewer's new form or watermark (grant downgraded or renewed). */
  update(cameraId: string, viewerId: string, change: Partial<Pick<Viewer, 'form' | 'watermark'>>): void {
    this.cameras.get(cameraId)?.update(viewerId, change);
  }

  status() {
    return [...this.cameras.values()].map((c) => c.status());
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((c) => c.close()));
  }
}
