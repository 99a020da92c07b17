import { FlvDemuxer } from '../ffmpeg/flv';
import type { CameraNetworks } from '@borderlens/config';
import { ingestArgs, redactCredentials, rtspSourceList, type RtspTransport, checkCodec, probe, UnsupportedStreamError } from '@borderlens/media';
import type { MediaProcess, ProcessRepository } from '@borderlens/media';
import { Backoff } from './backoff';
import { CameraAddressRefused, CameraReason, checkedCameraUrl, publicReason, systemLookup, type HostLookup } from './camera-address';
import { RtspRelay, type RelayTarget } from './rtsp-relay';
import { VideoSource, type StateSink } from './video-source';

export interface RtspSourceOptions {
  url: string;
  transport: RtspTransport;
  timeoutSec: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** A connection that delivered video this long resets the back-off. */
  stableMs?: number;
  /** The allowed camera networks, checked before every connection (absent: no check, unit tests only). */
  network?: CameraNetworks;
  lookup?: HostLookup;
  /** Opens the loopback relay to the checked address (tests record the targets). */
  openRelay?: (target: RelayTarget) => Promise<RtspRelay>;
}

/** The relay's target for a checked camera URL (its host already the checked IP). */
export function relayTarget(checkedUrl: string, originalUrl: string): RelayTarget {
  const u = new URL(checkedUrl);
  const tls = u.protocol === 'rtsps:';
  return {
    address: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (tls ? 322 : 554)),
    ...(tls ? { tls: { servername: new URL(originalUrl).hostname } } : {}),
  };
}

/** ffmpeg's description of the input stream, e.g. "Stream #0:0: Video: h264 (Main), yuv420p, 1280x720". */
const INPUT_VIDEO_LINE = /Stream #\d+:\d+\S*: Video: (\w+)/;

/** The most useful stderr line to explain why a connection ended, without ffmpeg's object addresses. */
export function exitReason(lines: string[], fallback: string): string {
  const useful = lines.filter((l) => !/^\s/.test(l) && !/^(Input|Output|Stream|Duration|Metadata|frame=|Press)/.test(l));
  const last = useful[useful.length - 1] ?? fallback;
  return cleanLine(last);
}

export function cleanLine(line: string): string {
  return line
    .replace(/\[[\w:./-]+ @ 0x[0-9a-f]+\]\s*/g, '')
    .trim()
    .slice(0, 300);
}

/**
 * Pulls one RTSP camera with ffmpeg (stream copy) and keeps pulling: when the camera drops or
 * refuses, it reports the camera offline (or error for a stream it cannot serve) and reconnects
 * with exponential back-off; a watchdog ends connections that stop delivering frames.
 */
export class RtspSource extends VideoSource {
  private proc?: MediaProcess;
  private timer?: NodeJS.Timeout;
  private stopping = true;
  private needsProbe = true;
  private readonly backoff: Backoff;

  constructor(
    cameraId: string,
    states: StateSink,
    private readonly processes: ProcessRepository,
    private readonly opts: RtspSourceOptions,
  ) {
    super(cameraId, states);
    this.backoff = new Backoff(opts.reconnectMinMs, opts.reconnectMaxMs);
  }

  start(): void {
    if (!this.stopping) return;
    this.stopping = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.proc?.stop();
  }

  /** Reconnect attempts since the last stable connection (for tests and health). */
  get failures(): number {
    return this.backoff.attempts;
  }

  /** The URL to connect to now: resolved and checked again at every attempt (see checkedCameraUrl). */
  private async target(): Promise<string> {
    return this.opts.network ? checkedCameraUrl(this.opts.url, this.opts.network, this.opts.lookup ?? systemLookup) : this.opts.url;
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    let url: string;
    try {
      url = await this.target();
    } catch (e) {
      if (this.stopping) return;
      if (!(e instanceof CameraAddressRefused)) throw e;
      this.log.warn(e.message);
      this.setState('error', CameraReason.addressRefused);
      return this.retry();
    }
    // ffmpeg gets the relay, which dials only the checked address and refuses redirects (rtsp-relay.ts).
    let relay: RtspRelay | undefined;
    try {
      relay = this.opts.network ? await (this.opts.openRelay ?? RtspRelay.open)(relayTarget(url, this.opts.url)) : undefined;
    } catch (e) {
      if (this.stopping) return;
      this.log.warn(`relay not opened: ${(e as Error).message}`);
      this.setState('offline', CameraReason.unreachable);
      return this.retry();
    }
    try {
      await this.pull(relay ? relay.urlFor(url) : url, relay);
    } finally {
      await relay?.close();
    }
  }

  /** True (and the camera in error, the event logged) when the relay cut the camera for a redirect. */
  private redirected(relay: RtspRelay | undefined): boolean {
    const r = relay?.refusal;
    if (!r) return false;
    const where = r.location ? ` to ${redactCredentials(r.location)}` : '';
    this.log.warn(`camera ${this.cameraId} refused: ${r.detail}${where} (RTSP redirects are not followed)`);
    this.needsProbe = true;
    this.setState('error', r.reason === 'redirect' ? CameraReason.redirectRefused : CameraReason.unreadable);
    return true;
  }

  private async pull(url: string, relay: RtspRelay | undefined): Promise<void> {
    const rtsp = { transport: this.opts.transport, timeoutSec: this.opts.timeoutSec };
    if (this.needsProbe) {
      try {
        await probe(this.processes, url, { rtsp });
        this.needsProbe = false;
      } catch (e) {
        if (this.stopping) return;
        if (this.redirected(relay)) return this.retry();
        // Our own verdicts on the stream are shown as they are; network failures only as fixed texts.
        if (e instanceof UnsupportedStreamError) this.setState('error', e.message);
        else {
          this.log.warn(`probe failed: ${(e as Error).message}`);
          this.setState('offline', publicReason((e as Error).message));
        }
        return this.retry();
      }
      if (this.stopping) return;
    }
    const proc = this.processes.ffmpeg(ingestArgs({ kind: 'rtsp', url, ...rtsp }));
    // The camera (with its credentials) goes on stdin, never on the command line.
    proc.stdin.end(rtspSourceList({ url, ...rtsp }));
    this.proc = proc;
    const startedAt = Date.now();
    let lastFrameAt = 0;
    let fatal: string | undefined;
    let stalled: string | undefined;
    let codecSeen = false;
    const demux = new FlvDemuxer({
      onConfig: (record, tag) => this.emitConfig(record, tag),
      onFrame: (frame) => {
        if (!lastFrameAt) this.setState('online');
        lastFrameAt = Date.now();
        this.emitFrame(frame);
      },
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      if (fatal) return;
      try {
        demux.push(chunk);
      } catch (e) {
        fatal = `unreadable video: ${(e as Error).message}`;
        proc.kill();
      }
    });
    proc.onLine((line) => {
      const m = !codecSeen && INPUT_VIDEO_LINE.exec(line);
      if (!m) return;
      codecSeen = true;
      try {
        checkCodec(m[1]);
      } catch (e) {
        fatal = (e as Error).message;
        proc.kill();
      }
    });
    const watchdog = setInterval(() => {
      const quietMs = Date.now() - (lastFrameAt || startedAt);
      if (quietMs > this.opts.timeoutSec * 1000 + 2000) {
        stalled = `no video for ${Math.round(quietMs / 1000)} s`;
        proc.kill();
      }
    }, 1000);
    const exit = await proc.exited;
    clearInterval(watchdog);
    this.proc = undefined;
    if (this.stopping) return;
    if (this.redirected(relay)) {
      this.emitEnd(CameraReason.redirectRefused);
      return this.retry();
    }
    const raw = exitReason(proc.lastLines(), `ffmpeg exited with ${exit.code ?? exit.signal}`);
    const reason = fatal ?? stalled ?? publicReason(raw);
    if (!fatal && !stalled) this.log.warn(`camera connection ended: ${raw}`);
    this.emitEnd(reason);
    if (fatal) {
      // The camera may be reconfigured; probe again before the next attempt.
      this.needsProbe = true;
      this.setState('error', fatal);
    } else {
      this.setState('offline', lastFrameAt ? `${CameraReason.connectionLost}: ${reason}` : reason);
    }
    if (lastFrameAt && lastFrameAt - startedAt >= (this.opts.stableMs ?? 5000)) this.backoff.reset();
    this.retry();
  }

  private retry(): void {
    if (this.stopping) return;
    const wait = this.backoff.next();
    this.log.debug(`reconnecting in ${wait} ms`);
    this.timer = setTimeout(() => void this.connect(), wait);
  }
}
