/**
 * FLV framing of the pipes between our processes: parsing (ffmpeg -> node) and writing
 * (node -> ffmpeg). Only what H.264 video needs; audio and script tags are passed over.
 */
export const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00]);

const TAG_VIDEO = 9;
const CODEC_AVC = 7;

/** One H.264 access unit as it came out of ffmpeg. */
export interface VideoFrame {
  keyframe: boolean;
  /** Decode time, milliseconds (FLV timebase). */
  dts: number;
  /** Presentation time, milliseconds. */
  pts: number;
  /** NAL units, each prefixed by its 4-byte big-endian length (AVCC). */
  nalus: Buffer;
  /** The whole FLV tag with its trailing size, to pass the frame on to another ffmpeg. */
  raw: Buffer;
}

export interface FlvCallbacks {
  /** AVCDecoderConfigurationRecord (SPS/PPS); `raw` is the FLV tag carrying it. */
  onConfig(record: Buffer, raw: Buffer): void;
  onFrame(frame: VideoFrame): void;
}

export class FlvFormatError extends Error {}

/** Incremental FLV parser: feed it stdout chunks in order. */
export class FlvDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;

  constructor(private readonly cb: FlvCallbacks) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    if (!this.headerDone) {
      if (this.buf.length < 13) return;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV') throw new FlvFormatError('not an FLV stream');
      off = this.buf.readUInt32BE(5) + 4;
      this.headerDone = true;
    }
    while (this.buf.length - off >= 11) {
      const size = this.buf.readUIntBE(off + 1, 3);
      const end = off + 11 + size + 4;
      if (this.buf.length < end) break;
      const type = this.buf[off] & 0x1f;
      if (type === TAG_VIDEO && size >= 5) this.video(this.buf.subarray(off, end), size);
      off = end;
    }
    // Copy the remainder so the consumed chunk can be freed.
    this.buf = off === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(off));
  }

  private video(tag: Buffer, size: number): void {
    const ts = tag.readUIntBE(4, 3) | (tag[7] << 24);
    const data = tag.subarray(11, 11 + size);
    const frameType = data[0] >> 4;
    if ((data[0] & 0x0f) !== CODEC_AVC) throw new FlvFormatError(`FLV video codec ${data[0] & 0x0f} is not H.264`);
    const packetType = data[1];
    const cts = data.readIntBE(2, 3);
    // Tags are copied out: callers keep them beyond the next chunk.
    const raw = Buffer.from(tag);
    const payload = raw.subarray(16, 11 + size);
    if (packetType === 0) this.cb.onConfig(payload, raw);
    else if (packetType === 1) this.cb.onFrame({ keyframe: frameType === 1, dts: ts, pts: ts + cts, nalus: payload, raw });
  }
}

/** An FLV video tag around an H.264 access unit or config record (to feed our own frames to ffmpeg). */
export function flvVideoTag(kind: 'config' | 'frame', payload: Buffer, dts: number, keyframe: boolean, cts = 0): Buffer {
  const size = payload.length + 5;
  const tag = Buffer.alloc(11 + size + 4);
  tag[0] = TAG_VIDEO;
  tag.writeUIntBE(size, 1, 3);
  tag.writeUIntBE(dts & 0xffffff, 4, 3);
  tag[7] = (dts >>> 24) & 0xff;
  tag[11] = ((keyframe || kind === 'config' ? 1 : 2) << 4) | CODEC_AVC;
  tag[12] = kind === 'config' ? 0 : 1;
  tag.writeIntBE(cts, 13, 3);
  payload.copy(tag, 16);
  tag.writeUInt32BE(11 + size, 11 + size);
  return tag;
}
