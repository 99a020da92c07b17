import nodeDataChannel, { type PeerConnection, type RtcConfig, type RtpPacketizationConfig, type Track } from 'node-datachannel';
import { randomInt } from 'node:crypto';
import type { OfferedVideo } from './sdp';

export interface PeerOptions {
  iceServers: string[];
  bindAddress?: string;
  portRangeBegin?: number;
  portRangeEnd?: number;
  /** How long to wait for ICE candidates before answering. */
  gatherTimeoutMs?: number;
}

/**
 * One browser's WebRTC connection (node-datachannel / libdatachannel): a send-only H.264 track,
 * packetized to RTP with sender reports and NACK retransmission. The answer carries all our
 * candidates (no trickle), so one POST/201 is the whole WHEP exchange.
 */
export class Peer {
  private readonly pc: PeerConnection;
  private readonly track: Track;
  private readonly rtp: RtpPacketizationConfig;
  private closedCb?: () => void;
  private openCb?: () => void;
  private done = false;
  /** RTP packets are dropped when the track is not open yet; counted for tests and stats. */
  framesSent = 0;

  private constructor(name: string, offer: string, video: OfferedVideo, opts: PeerOptions) {
    const config: RtcConfig = { iceServers: opts.iceServers };
    if (opts.bindAddress) config.bindAddress = opts.bindAddress;
    if (opts.portRangeBegin) config.portRangeBegin = opts.portRangeBegin;
    if (opts.portRangeEnd) config.portRangeEnd = opts.portRangeEnd;
    this.pc = new nodeDataChannel.PeerConnection(name, config);
    const ssrc = randomInt(1, 2 ** 31);
    const media = new nodeDataChannel.Video(video.mid, 'SendOnly');
    media.addH264Codec(video.payloadType, video.fmtp);
    media.addSSRC(ssrc, 'borderlens', 'borderlens', 'video');
    this.track = this.pc.addTrack(media);
    this.rtp = new nodeDataChannel.RtpPacketizationConfig(ssrc, 'borderlens', video.payloadType, 90000);
    const packetizer = new nodeDataChannel.H264RtpPacketizer('Length', this.rtp);
    packetizer.addToChain(new nodeDataChannel.RtcpSrReporter(this.rtp));
    packetizer.addToChain(new nodeDataChannel.RtcpNackResponder());
    this.track.setMediaHandler(packetizer);
    this.pc.onStateChange((state) => {
      if (state === 'closed' || state === 'failed') this.finish();
    });
    this.track.onClosed(() => this.finish());
    // Called from a libdatachannel thread's callback: sending from inside it is deferred too.
    this.track.onOpen(() => setImmediate(() => !this.done && this.openCb?.()));
    this.pc.setRemoteDescription(offer, 'offer');
  }

  /** Creates the connection from an offer and resolves with the SDP answer. */
  static async answer(name: string, offer: string, video: OfferedVideo, opts: PeerOptions): Promise<{ peer: Peer; answer: string }> {
    const peer = new Peer(name, offer, video, opts);
    await peer.gathered(opts.gatherTimeoutMs ?? 2000);
    const desc = peer.pc.localDescription();
    if (!desc?.sdp) {
      peer.close();
      throw new Error('no local description was produced');
    }
    return { peer, answer: desc.sdp };
  }

  get open(): boolean {
    return !this.done && this.track.isOpen();
  }

  get state(): string {
    return this.done ? 'closed' : this.pc.state();
  }

  /** Sends one access unit (4-byte length-prefixed NAL units) stamped with a 90 kHz RTP time. */
  send(nalus: Buffer, rtpTimestamp: number): boolean {
    if (!this.open) return false;
    this.rtp.timestamp = rtpTimestamp >>> 0;
    let ok: boolean;
    try {
      ok = this.track.sendMessageBinary(nalus);
    } catch {
      // The viewer went away between the check and the send (the library closes on its own thread):
      // nothing to send to, and its close callback ends the connection. An uncaught throw here
      // took the whole media node down with every other viewer.
      return false;
    }
    if (ok) this.framesSent++;
    return ok;
  }

  /** Called once the track can carry media (ICE and DTLS done). */
  onOpen(cb: () => void): void {
    this.openCb = cb;
  }

  onClosed(cb: () => void): void {
    this.closedCb = cb;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.track.close();
      this.pc.close();
    } catch {
      // already torn down by the library
    }
    this.closedCb?.();
  }

  private finish(): void {
    if (this.done) return;
    // closing from inside a libdatachannel callback deadlocks; defer
    setImmediate(() => this.close());
  }

  private gathered(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.pc.gatheringState() === 'complete') return resolve();
      const timer = setTimeout(resolve, timeoutMs);
      this.pc.onGatheringStateChange((s) => {
        if (s === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
}
