import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { FlvDemuxer } from '../ffmpeg/flv';
import { ingestArgs, type PushListenInput } from '../ffmpeg/ffmpeg-args';
import { checkCodec } from '../ffmpeg/probe';
import { ProcessRepository, type MediaProcess } from '../ffmpeg/process.repository';
import { GatewayPort } from '../transport/ports';
import { IngestService } from './ingest.service';
import type { Publisher, PushSource } from './push-source';
import { exitReason } from './rtsp-source';

type Protocol = 'rtmp' | 'srt';

/** Where ffmpeg tells us the key a publisher used. RTMP: the stream name; SRT: the stream id. */
const KEY_LINES: Record<Protocol, RegExp> = {
  rtmp: /Unexpected stream (\S+), expecting push/,
  srt: /accept streamid \[(.*)\], length/,
};
const INPUT_LINE = /^Input #0/;
const VIDEO_LINE = /Stream #\d+:\d+\S*: Video: (\w+)/;
/** FLV buffered while the key is being checked; more than this and the publisher is dropped. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * RTMP and SRT push for drones and mobile units. ffmpeg listens (one process per waiting slot);
 * when a publisher connects, its key is read from ffmpeg's log and resolved by the gateway before
 * a single frame is used. Unknown or revoked keys, and a second publisher on a camera that already
 * has one, are refused by ending that connection.
 *
 * RTMP: one port; after each accepted publisher another listener opens on the same port (up to
 * pushSlots at once). SRT: ffmpeg cannot share a UDP port, so slot i listens on srtPort + i.
 */
@Injectable()
export class PushService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(PushService.name);
  /** The listener waiting on each slot ('rtmp', or 'srt:i'). */
  private readonly waiting = new Map<string, MediaProcess>();
  /** Every ffmpeg of ours (waiting or carrying a publisher), to stop them all at shutdown. */
  private readonly all = new Set<MediaProcess>();
  private readonly publishing = new Set<string>();
  private stopped = false;
  refused = 0;
  accepted = 0;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly processes: ProcessRepository,
    private readonly gateway: GatewayPort,
    private readonly ingest: IngestService,
  ) {}

  onApplicationBootstrap(): void {
    const m = this.cfg.media;
    if (m.rtmpPort) this.listen('rtmp', m.rtmpPort, 'rtmp');
    if (m.srtPort) for (let i = 0; i < m.pushSlots; i++) this.listen('srt', m.srtPort + i, `srt:${i}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.all].map((p) => p.stop(500)));
  }

  /** Slots with a listener waiting for a publisher ('rtmp', 'srt:0' ...). */
  get waitingSlots(): string[] {
    return [...this.waiting.keys()];
  }

  /** Publishers connected now. */
  get publishers(): number {
    return this.publishing.size;
  }

  private listen(protocol: Protocol, port: number, slot: string): void {
    if (this.stopped || this.waiting.has(slot)) return;
    const input: PushListenInput = { kind: protocol, host: this.cfg.media.pushHost, port };
    const proc = this.processes.ffmpeg(ingestArgs(input), { keepLines: 20 });
    this.waiting.set(slot, proc);
    this.all.add(proc);
    const startedAt = Date.now();
    const id = randomUUID();
    let key: string | undefined;
    let connected = false;
    let decided: 'pending' | 'accepted' | 'refused' = 'pending';
    let source: PushSource | undefined;
    let codecError: string | undefined;
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const publisher: Publisher = { id, protocol, disconnect: () => proc.kill() };
    const demux = new FlvDemuxer({
      onConfig: (record, tag) => source?.pushConfig(record, tag),
      onFrame: (frame) => source?.pushFrame(frame),
    });
    const feed = (chunk: Buffer) => {
      try {
        demux.push(chunk);
      } catch (e) {
        codecError = `unreadable video: ${(e as Error).message}`;
        proc.kill();
      }
    };

    const onConnect = () => {
      if (connected) return;
      connected = true;
      this.publishing.add(id);
      if (protocol === 'rtmp') {
        // ffmpeg closed its listening socket on accept: open the port again for the next publisher.
        if (this.waiting.get(slot) === proc) this.waiting.delete(slot);
        if (this.publishing.size < this.cfg.media.pushSlots) this.listen('rtmp', port, 'rtmp');
      }
      void this.decide(protocol, port, key ?? (protocol === 'rtmp' ? 'push' : ''), publisher).then((s) => {
        if (!s) {
          decided = 'refused';
          proc.kill();
          return;
        }
        decided = 'accepted';
        source = s;
        for (const c of pending.splice(0)) feed(c);
      });
    };

    proc.onLine((line) => {
      const k = KEY_LINES[protocol].exec(line);
      if (k) key = k[1];
      const v = VIDEO_LINE.exec(line);
      if (v) {
        try {
          checkCodec(v[1]);
        } catch (e) {
          codecError = (e as Error).message;
        }
      }
      if (INPUT_LINE.test(line)) onConnect();
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      if (!connected) onConnect();
      if (decided === 'accepted') feed(chunk);
      else if (decided === 'pending') {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes > MAX_PENDING_BYTES) proc.kill();
      }
    });
    void proc.exited.then(() => {
      this.all.delete(proc);
      this.publishing.delete(id);
      if (this.waiting.get(slot) === proc) this.waiting.delete(slot);
      if (source) {
        const reason = codecError ?? `publisher left: ${exitReason(proc.lastLines(), 'connection closed')}`;
        if (codecError) source.error(codecError);
        source.detach(publisher, reason);
        this.ingest.publisherGone(source.cameraId);
      }
      if (this.stopped) return;
      // A listener that died at once (port taken?) is retried slowly, and said so.
      const failedFast = !connected && Date.now() - startedAt < 1000;
      if (failedFast) this.log.error(`${protocol} listener on port ${port} failed: ${exitReason(proc.lastLines(), 'ffmpeg exited')}`);
      // Keep a listener waiting: SRT on this slot's port, RTMP on the port unless one already waits.
      setTimeout(() => this.listen(protocol, port, slot), failedFast ? 5000 : 200);
    });
  }

  /** Resolves the key and attaches the publisher; undefined = refused (logged, key not shown). */
  private async decide(protocol: Protocol, port: number, key: string, publisher: Publisher): Promise<PushSource | undefined> {
    const where = `${protocol} port ${port}`;
    if (!key) {
      this.refused++;
      this.log.warn(`push refused on ${where}: no key (SRT publishers send it as streamid)`);
      return undefined;
    }
    try {
      const cameraId = await this.gateway.resolvePushKey(key);
      const info = await this.gateway.cameraIngest(cameraId);
      if (info.ingest.type !== 'push') throw new Error(`camera ${cameraId} is not a push camera`);
      const source = this.ingest.pushSource(info);
      if (!source.attach(publisher)) {
        this.refused++;
        this.log.warn(`push refused on ${where}: camera ${cameraId} already has a publisher`);
        return undefined;
      }
      this.accepted++;
      this.log.log(`push accepted on ${where} for camera ${cameraId}`);
      return source;
    } catch (e) {
      this.refused++;
      this.log.warn(`push refused on ${where}: key not accepted (${(e as Error).message})`);
      return undefined;
    }
  }
}
