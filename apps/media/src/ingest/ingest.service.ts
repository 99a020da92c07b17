import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, cameraNetworks, type BorderlensConfig, type CameraNetworks } from '@borderlens/config';
import type { CameraIngestInfo, CameraProbeRequest, CameraProbeResult } from '@borderlens/contracts';
import { ProcessRepository, probe, UnsupportedStreamError } from '@borderlens/media';
import { CameraAddressRefused, CameraReason, checkedCameraUrl, publicReason } from './camera-address';
import { GatewayPort } from '../transport/ports';
import { PushSource } from './push-source';
import { RtspSource } from './rtsp-source';
import { StateReporter } from './state-reporter';
import type { VideoSource } from './video-source';

interface Entry {
  source: VideoSource;
  info: CameraIngestInfo;
  /** Holders: live pipelines, the recorder. */
  refs: number;
}

/**
 * One connection per camera, however many use it: the first holder starts the source, the last
 * release stops it. Push cameras stay registered while a publisher is connected.
 */
@Injectable()
export class IngestService implements OnModuleDestroy {
  private readonly log = new Logger(IngestService.name);
  private readonly entries = new Map<string, Entry>();
  /** Checked again here, at every connection: the gateway checked the address only when it was registered. */
  private readonly network: CameraNetworks;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly gateway: GatewayPort,
    private readonly processes: ProcessRepository,
    private readonly states: StateReporter,
  ) {
    this.network = cameraNetworks(cfg);
  }

  /** The camera's source, started if needed. Rejects when the gateway does not know the camera. */
  async acquire(cameraId: string): Promise<{ source: VideoSource; info: CameraIngestInfo }> {
    let entry = this.entries.get(cameraId);
    if (!entry) {
      const info = await this.gateway.cameraIngest(cameraId);
      // another caller may have created it while we waited
      entry = this.entries.get(cameraId) ?? this.create(info);
    }
    entry.refs++;
    entry.source.start();
    return { source: entry.source, info: entry.info };
  }

  release(cameraId: string): void {
    const entry = this.entries.get(cameraId);
    if (!entry) return;
    entry.refs = Math.max(0, entry.refs - 1);
    this.maybeDrop(cameraId, entry);
  }

  /** The source a push publisher feeds (created if nobody holds it yet). */
  pushSource(info: CameraIngestInfo): PushSource {
    const entry = this.entries.get(info.id) ?? this.create(info);
    if (!(entry.source instanceof PushSource)) throw new Error(`camera ${info.id} is not a push camera`);
    return entry.source;
  }

  /** A push publisher left: forget the source unless someone still holds it. */
  publisherGone(cameraId: string): void {
    const entry = this.entries.get(cameraId);
    if (entry) this.maybeDrop(cameraId, entry);
  }

  /**
   * The camera was disabled: its source stops now whoever holds it (an RTSP pull ends, a push publisher
   * is disconnected). Taking it up again is refused by the gateway until it is enabled.
   */
  async stopCamera(cameraId: string): Promise<boolean> {
    const entry = this.entries.get(cameraId);
    if (!entry) return false;
    this.entries.delete(cameraId);
    await entry.source.stop();
    this.log.log(`camera ${cameraId} disabled: ingest stopped`);
    return true;
  }

  get(cameraId: string): VideoSource | undefined {
    return this.entries.get(cameraId)?.source;
  }

  list(): { cameraId: string; state: string; reason?: string; refs: number; fps: number }[] {
    return [...this.entries.entries()].map(([cameraId, e]) => ({ cameraId, state: e.source.state, reason: e.source.reason, refs: e.refs, fps: e.source.fps }));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.source.stop()));
    this.entries.clear();
  }

  /**
   * "Test connection": one ffprobe of the URL, checked against the allowed networks first as every
   * connection is. Failures are told with the same fixed texts as a camera's state (no raw network errors).
   */
  async probeCamera(req: CameraProbeRequest): Promise<CameraProbeResult> {
    const started = Date.now();
    const done = (r: Omit<CameraProbeResult, 'ms'>): CameraProbeResult => ({ ...r, ms: Date.now() - started });
    let url: string;
    try {
      if (!/^rtsps?:\/\//i.test(String(req?.url))) return done({ ok: false, reason: 'not an rtsp or rtsps URL' });
      url = await checkedCameraUrl(req.url, this.network);
    } catch (e) {
      if (!(e instanceof CameraAddressRefused)) throw e;
      this.log.warn(`probe refused: ${e.message}`);
      return done({ ok: false, reason: CameraReason.addressRefused });
    }
    try {
      const info = await probe(this.processes, url, { rtsp: { transport: req.rtspTransport ?? 'tcp', timeoutSec: this.cfg.media.rtspTimeoutSec } });
      return done({ ok: true, codec: info.codec, profile: info.profile, width: info.width, height: info.height, fps: info.fps });
    } catch (e) {
      if (e instanceof UnsupportedStreamError) return done({ ok: false, reason: e.message });
      this.log.warn(`probe failed: ${(e as Error).message}`);
      return done({ ok: false, reason: publicReason((e as Error).message) });
    }
  }

  private create(info: CameraIngestInfo): Entry {
    const m = this.cfg.media;
    const source =
      info.ingest.type === 'rtsp'
        ? new RtspSource(info.id, this.states, this.processes, {
            url: info.ingest.url,
            transport: info.ingest.rtspTransport ?? 'tcp',
            timeoutSec: m.rtspTimeoutSec,
            reconnectMinMs: m.reconnectMinMs,
            reconnectMaxMs: m.reconnectMaxMs,
            network: this.network,
          })
        : new PushSource(info.id, this.states);
    const entry = { source, info, refs: 0 };
    this.entries.set(info.id, entry);
    return entry;
  }

  private maybeDrop(cameraId: string, entry: Entry): void {
    if (entry.refs > 0) return;
    if (entry.source instanceof PushSource && entry.source.publisher) return;
    this.entries.delete(cameraId);
    void entry.source.stop().catch((e) => this.log.warn(`stopping ${cameraId}: ${(e as Error).message}`));
  }
}
