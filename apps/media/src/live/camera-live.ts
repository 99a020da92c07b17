import { Logger } from '@nestjs/common';
import type { BorderlensConfig } from '@borderlens/config';
import type { CameraIngestInfo, ViewForm } from '@borderlens/contracts';
import type { VideoFrame } from '../ffmpeg/flv';
import type { ProcessRepository } from '@borderlens/media';
import type { IngestService } from '../ingest/ingest.service';
import type { SourceConsumer, StreamConfig, VideoSource } from '../ingest/video-source';
import type { DetectorPort } from '../transport/ports';
import { drawTextI420, textSize } from './bitmap-font';
import type { DecodedFrame } from './decoded-frame';
import { FailClosedGate } from './fail-closed-gate';
import { FrameDecoder } from './frame-decoder';
import { FrameEncoder, type EncodedSink } from './frame-encoder';

/** One viewer of a camera: where its video goes, in which form, and its watermark if any. */
export interface Viewer {
  id: string;
  sink: EncodedSink;
  form: ViewForm;
  /** Identity burned into this viewer's video (obligation `watermark`), with the current time. */
  watermark?: string;
}

export interface LiveDeps {
  cfg: BorderlensConfig;
  ingest: IngestService;
  processes: ProcessRepository;
  detector: DetectorPort;
}

/** Burns "identity  time" into the bottom-left corner of a frame. */
export function watermark(frame: DecodedFrame, identity: string, now = new Date()): void {
  const text = `${identity} ${now.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const scale = Math.max(1, Math.round(frame.width / 640));
  const size = textSize(text, { scale });
  drawTextI420(frame.data, frame.width, frame.height, 8 * scale, frame.height - size.height - 8 * scale, text, { scale });
}

function copyFrame(f: DecodedFrame): DecodedFrame {
  return { ...f, data: Buffer.from(f.data) };
}

/**
 * Live video of one camera, shared by all its viewers:
 *  - raw: the camera's H.264 passed through to raw viewers, no re-encode;
 *  - anonymized: decode -> fail-closed gate (detect, track, redact, or mask) -> one x264 encode
 *    shared by the anonymized viewers;
 *  - watermarked viewers get their own encode of the raw or anonymized pictures with their mark.
 * Each part starts with its first viewer and stops idleStopSec after its last; the camera
 * connection is released idleStopSec after the last viewer of any kind.
 */
export class CameraLive implements SourceConsumer {
  private readonly log: Logger;
  private source?: VideoSource;
  private acquiring?: Promise<void>;
  info?: CameraIngestInfo;
  private unsubscribe?: () => void;
  private readonly viewers = new Map<string, Viewer>();
  private readonly marked = new Map<string, FrameEncoder>();
  private decoder?: FrameDecoder;
  private gate?: FailClosedGate;
  private anonEncoder?: FrameEncoder;
  private anonIdle?: NodeJS.Timeout;
  private allIdle?: NodeJS.Timeout;
  private closed = false;
  /** Marks of a cold start's first picture (traceStart), until it is encoded. */
  private startTrace?: { decoded(): void; gated(): void };

  constructor(
    readonly cameraId: string,
    private readonly deps: LiveDeps,
    private readonly onClosed: () => void,
  ) {
    this.log = new Logger(`CameraLive:${cameraId}`);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async join(viewer: Viewer): Promise<void> {
    clearTimeout(this.allIdle);
    this.viewers.set(viewer.id, viewer);
    try {
      await this.ensureSource();
    } catch (e) {
      this.viewers.delete(viewer.id);
      this.scheduleIdle();
      throw e;
    }
    if (!this.viewers.has(viewer.id)) return;
    this.attach(viewer);
  }

  leave(viewerId: string): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return;
    this.detach(viewer);
    this.viewers.delete(viewerId);
    this.scheduleIdle();
  }

  /** Gives a viewer another form or watermark (grant downgraded or renewed) on the same connection. */
  update(viewerId: string, change: Partial<Pick<Viewer, 'form' | 'watermark'>>): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return;
    const next = { ...viewer, ...change };
    if (next.form === viewer.form && next.watermark === viewer.watermark) return;
    this.detach(viewer);
    Object.assign(viewer, change);
    this.attach(viewer);
    this.scheduleIdle();
  }

  status() {
    return {
      cameraId: this.cameraId,
      viewers: this.viewers.size,
      source: this.source ? { state: this.source.state, reason: this.source.reason, fps: this.source.fps } : undefined,
      anonymized: this.gate
        ? { status: this.gate.status, lastError: this.gate.lastError, ...this.gate.stats, encodeMs: this.anonEncoder?.lastLatencyMs, encoderDropped: this.anonEncoder?.dropped }
        : undefined,
      decoder: this.decoder ? { framesIn: this.decoder.framesIn, framesOut: this.decoder.framesOut, latencyMs: this.decoder.lastLatencyMs } : undefined,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.anonIdle);
    clearTimeout(this.allIdle);
    this.unsubscribe?.();
    await Promise.all([this.stopAnonymized(), ...[...this.marked.values()].map((e) => e.stop()), this.decoder?.stop()]);
    this.marked.clear();
    this.decoder = undefined;
    if (this.source) this.deps.ingest.release(this.cameraId);
    this.source = undefined;
    this.onClosed();
  }

  // ---- source events ----

  onConfig(config: StreamConfig): void {
    for (const v of this.viewers.values()) if (v.form === 'raw' && !v.watermark) v.sink.onConfig(config);
    this.decoder?.onConfig(config);
  }

  onFrame(frame: VideoFrame): void {
    for (const v of this.viewers.values()) if (v.form === 'raw' && !v.watermark) v.sink.onFrame(frame);
    this.decoder?.push(frame);
  }

  // ---- wiring ----

  private async ensureSource(): Promise<void> {
    if (this.source) return;
    this.acquiring ??= (async () => {
      const { source, info } = await this.deps.ingest.acquire(this.cameraId);
      this.source = source;
      this.info = info;
      this.unsubscribe = source.subscribe(this);
    })().finally(() => (this.acquiring = undefined));
    await this.acquiring;
  }

  private attach(viewer: Viewer): void {
    if (viewer.watermark) {
      const enc = new FrameEncoder(`${this.cameraId}:${viewer.id}`, this.deps.processes, this.encodeOptions());
      enc.addSink(viewer.sink);
      this.marked.set(viewer.id, enc);
      this.ensureDecoder();
      if (viewer.form === 'anonymized') this.ensureAnonymized();
    } else if (viewer.form === 'anonymized') {
      this.ensureAnonymized();
      this.anonEncoder!.addSink(viewer.sink);
    } else if (this.source?.config) {
      viewer.sink.onConfig(this.source.config, this.source.recent);
    }
    clearTimeout(this.anonIdle);
  }

  private detach(viewer: Viewer): void {
    const enc = this.marked.get(viewer.id);
    if (enc) {
      this.marked.delete(viewer.id);
      void enc.stop();
    }
    this.anonEncoder?.removeSink(viewer.sink);
  }

  private encodeOptions() {
    const m = this.deps.cfg.media;
    const fps = this.source?.fps && this.source.fps > 0 ? this.source.fps : 25;
    return { fps, bitrateKbps: m.encodeBitrateKbps, keyframeInterval: Math.max(1, Math.round(fps * m.keyframeSec)) };
  }

  private ensureDecoder(): void {
    if (this.decoder) return;
    this.decoder = new FrameDecoder(this.cameraId, this.deps.processes, (f) => this.onDecoded(f));
    if (this.source?.config) {
      this.decoder.onConfig(this.source.config);
      this.decoder.catchUp(this.source.recent);
    }
  }

  private ensureAnonymized(): void {
    this.ensureDecoder();
    if (this.gate) return;
    const { cfg } = this.deps;
    this.anonEncoder = new FrameEncoder(`${this.cameraId}:anonymized`, this.deps.processes, this.encodeOptions());
    // The decoder outputs the stream's own size: x264 can start now, beside the decoder.
    if (this.source?.config) this.anonEncoder.prepare(this.source.config.width, this.source.config.height);
    this.gate = new FailClosedGate(
      this.deps.detector,
      {
        budgetMs: cfg.media.detectBudgetMs,
        detectWidth: cfg.media.detectWidth,
        detectEvery: cfg.anonymizer.detectEvery,
        pace: cfg.media.paceAnonymized,
        redact: { method: this.info?.redaction?.method ?? cfg.anonymizer.method, padding: this.info?.redaction?.padding ?? cfg.anonymizer.padding },
      },
      (o) => this.onGated(o.frame),
    );
    this.traceStart(this.anonEncoder, this.gate);
    this.log.log('anonymized pipeline started');
  }

  /**
   * Logs once where a cold start's time goes: the first picture out of the decoder, the first out
   * of the gate (and how), the first encoded; what a slow first frame is diagnosed from.
   */
  private traceStart(encoder: FrameEncoder, gate: FailClosedGate): void {
    const t0 = Date.now();
    const marks: string[] = [];
    const mark = (what: string) => marks.push(`${what} +${Date.now() - t0} ms`);
    let decoded = false;
    let gated = false;
    this.startTrace = {
      decoded: () => !decoded && ((decoded = true), mark('decoded')),
      gated: () => {
        if (gated) return;
        gated = true;
        const { detections, failures, masked, lastDetectMs } = gate.stats;
        mark(`gated (detections ${detections}, failures ${failures}, masked ${masked}, last detection ${lastDetectMs} ms)`);
      },
    };
    const probe: EncodedSink = {
      onConfig: () => undefined,
      onFrame: () => {
        encoder.removeSink(probe);
        mark('encoded');
        this.startTrace = undefined;
        this.log.log(`first anonymized picture: ${marks.join(', ')}`);
      },
    };
    encoder.addSink(probe);
  }

  private onDecoded(frame: DecodedFrame): void {
    this.startTrace?.decoded();
    for (const v of this.viewers.values()) {
      if (v.form === 'raw' && v.watermark) {
        const copy = copyFrame(frame);
        watermark(copy, v.watermark);
        this.marked.get(v.id)?.push(copy);
      }
    }
    // The gate redacts in place: it gets the decoder's buffer itself, after the raw copies.
    this.gate?.push(frame);
  }

  private onGated(frame: DecodedFrame): void {
    this.startTrace?.gated();
    for (const v of this.viewers.values()) {
      if (v.form === 'anonymized' && v.watermark) {
        const copy = copyFrame(frame);
        watermark(copy, v.watermark);
        this.marked.get(v.id)?.push(copy);
      }
    }
    if (this.anonEncoder?.sinkCount) this.anonEncoder.push(frame);
  }

  private async stopAnonymized(): Promise<void> {
    this.gate?.close();
    this.gate = undefined;
    const enc = this.anonEncoder;
    this.anonEncoder = undefined;
    await enc?.stop();
  }

  private scheduleIdle(): void {
    const delayMs = this.deps.cfg.media.idleStopSec * 1000;
    const viewers = [...this.viewers.values()];
    if (this.gate && !viewers.some((v) => v.form === 'anonymized')) {
      clearTimeout(this.anonIdle);
      this.anonIdle = setTimeout(() => {
        if ([...this.viewers.values()].some((v) => v.form === 'anonymized')) return;
        this.log.log('anonymized pipeline stopped (no viewers)');
        void this.stopAnonymized().then(() => this.maybeStopDecoder());
      }, delayMs);
    }
    this.maybeStopDecoder();
    if (viewers.length === 0) {
      clearTimeout(this.allIdle);
      this.allIdle = setTimeout(() => {
        if (this.viewers.size === 0) void this.close();
      }, delayMs);
    }
  }

  private maybeStopDecoder(): void {
    if (this.decoder && !this.gate && !this.marked.size) {
      const d = this.decoder;
      this.decoder = undefined;
      void d.stop();
    }
  }
}
