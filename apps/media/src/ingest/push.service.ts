import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { freeLoopbackPort } from '@borderlens/common';
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

/** Connections that have not presented an accepted key yet, at most this many per push slot. */
const PENDING_PER_SLOT = 4;

/** A free loopback port for one ffmpeg RTMP listener behind our own TCP server. */
/**
 * RTMP and SRT push for drones and mobile units. When a publisher connects, its key is read from
 * ffmpeg's log and resolved by the gateway before a single frame is used. Unknown or revoked keys,
 * a second publisher on a camera that already has one, and a connection that presents no accepted
 * key within media.pushKeyTimeoutSec are refused by ending that connection.
 *
 * RTMP: our own TCP server accepts on the public port and hands each connection to an ffmpeg of its
 * own listening on a loopback port, so an idle connection holds only itself (ffmpeg alone closes its
 * listening socket on accept: one silent client would block the port for everyone). At most
 * pushSlots publishers and PENDING_PER_SLOT x pushSlots unauthenticated connections at once.
 * SRT: ffmpeg cannot share a UDP port, so slot i listens on srtPort + i; a caller that connects
 * and presents no accepted key in time is dropped and the slot listens again.
 */
@Injectable()
export class PushService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(PushService.name);
  /** The listener waiting on each slot ('rtmp', or 'srt:i'). */
  private readonly waiting = new Map<string, MediaProcess>();
  /** Every ffmpeg of ours (waiting or carrying a publisher), to stop them all at shutdown. */
  private readonly all = new Set<MediaProcess>();
  private readonly publishing = new Set<string>();
  /** Connections not yet accepted (RTMP), to bound what silent clients can hold. */
  private pendingRtmp = 0;
  private rtmpServer?: Server;
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
    if (m.rtmpPort) this.serveRtmp(m.rtmpPort);
    if (m.srtPort) for (let i = 0; i < m.pushSlots; i++) this.listen('srt', m.srtPort + i, `srt:${i}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await new Promise<void>((r) => (this.rtmpServer ? this.rtmpServer.close(() => r()) : r()));
    await Promise.all([...this.all].map((p) => p.stop(500)));
  }

  /** Slots with a listener waiting for a publisher ('rtmp', 'srt:0' ...). */
  get waitingSlots(): string[] {
    const rtmp = this.rtmpServer?.listening && this.publishing.size < this.cfg.media.pushSlots ? ['rtmp'] : [];
    return [...rtmp, ...this.waiting.keys()];
  }

  private serveRtmp(port: number): void {
    const server = createServer({ pauseOnConnect: true }, (socket) => void this.rtmpConnection(socket, port));
    server.on('error', (e) => {
      this.log.error(`rtmp listener on port ${port} failed: ${e.message}`);
      if (!this.stopped) setTimeout(() => server.listen(port, this.cfg.media.pushHost), 5000);
    });
    server.listen(port, this.cfg.media.pushHost);
    this.rtmpServer = server;
  }

  /** One RTMP client: its own ffmpeg on a loopback port, bytes relayed both ways. */
  private async rtmpConnection(socket: Socket, port: number): Promise<void> {
    socket.on('error', () => undefined);
    const slots = this.cfg.media.pushSlots;
    if (this.stopped || this.publishing.size >= slots || this.pendingRtmp >= slots * PENDING_PER_SLOT) {
      this.refused++;
      this.log.warn(`push refused on rtmp port ${port}: no free slot`);
      socket.destroy();
      return;
    }
    this.pendingRtmp++;
    let pending = true;
    const settle = () => {
      if (pending) this.pendingRtmp--;
      pending = false;
    };
    try {
      const inner = await freeLoopbackPort();
      const proc = this.listen('rtmp', inner, `rtmp:${inner}`, { onDecided: settle, socket });
      if (!proc) throw new Error('stopping');
      const upstream = await this.dial(inner, proc);
      socket.pipe(upstream);
      upstream.pipe(socket);
      socket.on('close', () => {
        upstream.destroy();
        proc.kill();
      });
      upstream.on('close', () => socket.destroy());
      socket.resume();
    } catch (e) {
      settle();
      this.log.warn(`push refused on rtmp port ${port}: ${(e as Error).message}`);
      socket.destroy();
    }
  }

  /** Connects to ffmpeg's listener once it is up (it takes a moment to start). */
  private async dial(port: number, proc: MediaProcess): Promise<Socket> {
    const until = Date.now() + 5000;
    for (;;) {
      try {
        return await new Promise<Socket>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
      } catch (e) {
        if (!proc.running || Date.now() > until) throw new Error(`rtmp listener did not start: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Publishers connected now. */
  get publishers(): number {
    return this.publishing.size;
  }

  /**
   * One ffmpeg listener. SRT: a slot of its own, listened on again when its caller leaves. RTMP
   * (`relay` given): one client's, on a loopback port, ended with that client.
   */
  private listen(protocol: Protocol, port: number, slot: string, relay?: { onDecided: () => void; socket: Socket }): MediaProcess | undefined {
    if (this.stopped || this.waiting.has(slot)) return undefined;
    const input: PushListenInput = relay
      ? { kind: protocol, host: '127.0.0.1', port }
      : { kind: protocol, host: this.cfg.media.pushHost, port, passphrase: this.cfg.media.srtPassphrase || undefined };
    const proc = this.processes.ffmpeg(ingestArgs(input), { keepLines: 20 });
    if (!relay) this.waiting.set(slot, proc);
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
    // No accepted key within the timeout (from the TCP accept for RTMP, from the SRT handshake):
    // dropped, so a silent or slow client holds nothing for long.
    let keyTimer: NodeJS.Timeout | undefined;
    const startKeyTimer = () => {
      keyTimer ??= setTimeout(() => {
        if (decided !== 'pending') return;
        this.refused++;
        this.log.warn(`push refused on ${protocol} port ${port}: no accepted key within ${this.cfg.media.pushKeyTimeoutSec} s`);
        relay?.socket.destroy();
        proc.kill();
      }, this.cfg.media.pushKeyTimeoutSec * 1000);
    };
    if (relay) startKeyTimer();
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
      startKeyTimer();
      void this.decide(protocol, port, key ?? (protocol === 'rtmp' ? 'push' : ''), publisher).then((s) => {
        relay?.onDecided();
        if (!s) {
          decided = 'refused';
          relay?.socket.destroy();
          proc.kill();
          return;
        }
        decided = 'accepted';
        clearTimeout(keyTimer);
        this.publishing.add(id);
        source = s;
        for (const c of pending.splice(0)) feed(c);
      });
    };

    proc.onLine((line) => {
      const k = KEY_LINES[protocol].exec(line);
      if (k) {
        key = k[1];
        // The key is known as soon as the publisher names it: check it now, not after video arrives.
        onConnect();
      }
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
      clearTimeout(keyTimer);
      if (decided === 'pending') relay?.onDecided();
      relay?.socket.destroy();
      this.all.delete(proc);
      this.publishing.delete(id);
      if (this.waiting.get(slot) === proc) this.waiting.delete(slot);
      if (source) {
        const reason = codecError ?? `publisher left: ${exitReason(proc.lastLines(), 'connection closed')}`;
        if (codecError) source.error(codecError);
        source.detach(publisher, reason);
        this.ingest.publisherGone(source.cameraId);
      }
      if (this.stopped || relay) return;
      // A listener that died at once (port taken?) is retried slowly, and said so.
      const failedFast = !connected && Date.now() - startedAt < 1000;
      if (failedFast) this.log.error(`${protocol} listener on port ${port} failed: ${exitReason(proc.lastLines(), 'ffmpeg exited')}`);
      // Keep a listener waiting on this SRT slot's port.
      setTimeout(() => this.listen(protocol, port, slot), failedFast ? 5000 : 200);
    });
    return proc;
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
