import { flvVideoTag, type VideoFrame } from '../ffmpeg/flv';
import { firstMbInSlice, isSlice, joinNalus, nalType, splitNalus } from '../h264/h264';

/**
 * Joins the pieces of one picture. A camera that codes each picture in several slices (x264's
 * sliced threads, many IP cameras) can arrive from ffmpeg's RTSP demuxer as several FLV tags with
 * the same timestamp. Browsers, decoders and the recorder need whole pictures (one RTP marker per
 * picture).
 *
 * Single-slice streams (most): a tag whose slices start the picture (first_mb_in_slice 0) and do
 * not continue it goes out at once. Once a stream shows pictures in several slices, tags are held
 * until the next picture starts (a different timestamp): one frame of delay, for those cameras
 * only, or `quietMs` if the stream pauses. ffmpeg's RTP depacketizer repeats SPS/PPS in front of
 * each slice of a keyframe; those repeats are dropped, since parameter sets between two slices
 * would start a new picture for the decoder.
 */
export class AccessUnitAssembler {
  private pending: VideoFrame[] = [];
  private timer?: NodeJS.Timeout;
  private lastDts?: number;
  /** The stream codes pictures in several slices. */
  multiSlice = false;

  constructor(
    private readonly emit: (frame: VideoFrame) => void,
    private readonly quietMs = 40,
  ) {}

  push(frame: VideoFrame): void {
    const slices = splitNalus(frame.nalus).filter(isSlice);
    const continues = slices.some((n) => safeFirstMb(n) > 0);
    if (!this.multiSlice && (frame.dts === this.lastDts || slices.length > 1 || (slices.length === 1 && continues))) {
      this.multiSlice = true;
    }
    if (this.pending.length && frame.dts !== this.pending[0].dts) this.flush();
    if (!this.multiSlice) {
      this.lastDts = frame.dts;
      this.emit(frame);
      return;
    }
    this.pending.push(frame);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.quietMs);
  }

  /** Emits what is pending now (the stream ended or changed). */
  flush(): void {
    clearTimeout(this.timer);
    const parts = this.pending;
    this.pending = [];
    if (!parts.length) return;
    const first = parts[0];
    this.lastDts = first.dts;
    if (parts.length === 1) return this.emit(first);
    const nalus = joinNalus(cleanAccessUnit(parts.flatMap((p) => splitNalus(p.nalus))));
    const keyframe = parts.some((p) => p.keyframe);
    this.emit({ keyframe, dts: first.dts, pts: first.pts, nalus, raw: flvVideoTag('frame', nalus, first.dts, keyframe, first.pts - first.dts) });
  }

  /** A new stream: forget what was learnt about the old one. */
  reset(): void {
    this.flush();
    this.multiSlice = false;
    this.lastDts = undefined;
  }
}

function safeFirstMb(nal: Buffer): number {
  try {
    return firstMbInSlice(nal);
  } catch {
    return 0;
  }
}

/** One copy of each parameter set, all before the first slice; AUDs and SEI after it dropped. */
export function cleanAccessUnit(nalus: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let vcl = false;
  for (const n of nalus) {
    const t = nalType(n);
    if (t >= 1 && t <= 5) {
      vcl = true;
      out.push(n);
    } else if (!vcl) {
      const key = t === 7 || t === 8 ? n.toString('hex') : undefined;
      if (key && seen.has(key)) continue;
      if (key) seen.add(key);
      out.push(n);
    }
  }
  return out;
}
