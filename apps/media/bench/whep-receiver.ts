import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';

/**
 * A WHEP viewer without a browser (node-datachannel): receives the RTP stream and counts packets by
 * sequence number, so loss can be measured for many viewers at once.
 */
export class WhepReceiver {
  packets = 0;
  bytes = 0;
  private firstSeq?: number;
  private lastExt?: number;
  private readonly seen = new Set<number>();
  private frames = new Set<number>();
  location?: string;

  private constructor(
    private readonly pc: PeerConnection,
    private readonly track: Track,
  ) {
    track.onMessage((msg) => this.onRtp(msg));
  }

  private grant = '';

  static async connect(url: string, grant: string, timeoutMs = 5000): Promise<WhepReceiver> {
    const pc = new nodeDataChannel.PeerConnection('whep-rx', { iceServers: [], bindAddress: '127.0.0.1' });
    const video = new nodeDataChannel.Video('0', 'RecvOnly');
    video.addH264Codec(96, 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
    const track = pc.addTrack(video);
    track.setMediaHandler(new nodeDataChannel.RtcpReceivingSession());
    const rx = new WhepReceiver(pc, track);
    pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      if (pc.gatheringState() === 'complete') return resolve();
      const t = setTimeout(resolve, timeoutMs);
      pc.onGatheringStateChange((s) => s === 'complete' && (clearTimeout(t), resolve()));
    });
    const offer = pc.localDescription()!.sdp;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${grant}` }, body: offer });
    if (res.status !== 201) {
      pc.close();
      throw new Error(`WHEP answered ${res.status}: ${await res.text()}`);
    }
    rx.location = res.headers.get('location') ?? undefined;
    rx.grant = grant;
    pc.setRemoteDescription(await res.text(), 'answer');
    return rx;
  }

  get state(): string {
    return `${this.pc.state()}/${this.pc.iceState()}/${this.track.isOpen() ? 'open' : 'closed'}`;
  }

  /** Distinct RTP timestamps seen (= frames, whole or not). */
  get frameCount(): number {
    return this.frames.size;
  }

  /** Counting restarts now (after the stream settled). */
  reset(): void {
    this.packets = 0;
    this.bytes = 0;
    this.firstSeq = undefined;
    this.lastExt = undefined;
    this.seen.clear();
    this.frames.clear();
  }

  stats(): { packets: number; expected: number; lost: number; loss: number } {
    if (this.firstSeq === undefined || this.lastExt === undefined) return { packets: 0, expected: 0, lost: 0, loss: 1 };
    const expected = this.lastExt - this.firstSeq + 1;
    const lost = Math.max(0, expected - this.seen.size);
    return { packets: this.seen.size, expected, lost, loss: expected ? lost / expected : 1 };
  }

  close(base?: string): void {
    if (base && this.location) void fetch(`${base}${this.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${this.grant}` } }).catch(() => undefined);
    try {
      this.track.close();
      this.pc.close();
    } catch {
      // already closed
    }
  }

  private onRtp(msg: Buffer): void {
    if (msg.length < 12 || msg[0] >> 6 !== 2) return;
    // RTCP shares the port (rtcp-mux): packet types 200-206
    if (msg[1] >= 200 && msg[1] <= 206) return;
    const seq = msg.readUInt16BE(2);
    this.packets++;
    this.bytes += msg.length;
    // extend the 16-bit sequence number across wraps
    let ext = seq;
    if (this.lastExt !== undefined) {
      const base = this.lastExt & ~0xffff;
      ext = base + seq;
      if (ext < this.lastExt - 0x8000) ext += 0x10000;
      else if (ext > this.lastExt + 0x8000) ext -= 0x10000;
    }
    if (this.firstSeq === undefined) this.firstSeq = ext;
    if (this.lastExt === undefined || ext > this.lastExt) this.lastExt = ext;
    this.seen.add(ext);
    if (this.frames.size < 100000) this.frames.add(msg.readUInt32BE(4));
  }
}
