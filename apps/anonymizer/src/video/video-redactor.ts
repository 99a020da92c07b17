import { BoxTracker, growBox, redactI420, type Box, type RedactOptions } from '@borderlens/redaction';
import type { Detector, DetectOverrides } from '../detection/detector';
import type { FfmpegRepository } from '../repositories/ffmpeg.repository';

export interface VideoRedactOptions {
  redact: RedactOptions;
  /** Detect on every Nth frame. */
  detectEvery: number;
  keepAudio: boolean;
  maxPixels: number;
  detect?: DetectOverrides;
}

export interface VideoRedactResult {
  frames: number;
  detections: number;
  faces: number;
  plates: number;
  width: number;
  height: number;
}

/** Margin per frame of distance from a detection, as a fraction of the box (as BoxTracker's default). */
const GROW_PER_FRAME = 0.05;

/**
 * Redacts a video file: ffmpeg decodes it to raw yuv420p on a pipe, faces and plates are detected
 * on every Nth frame, boxes are redacted in place, and ffmpeg encodes H.264 MP4 (+faststart).
 *
 * A file is not live, so frames wait for the next detection: each frame between two detections is
 * covered by the boxes tracked forward from the earlier one and by the later one's boxes (widened
 * by distance), so someone entering the picture is hidden from their first frame.
 */
export class VideoRedactor {
  constructor(private readonly ffmpeg: FfmpegRepository, private readonly detector: Detector) {}

  async redact(input: string, output: string, o: VideoRedactOptions): Promise<VideoRedactResult> {
    const info = await this.ffmpeg.probe(input);
    if (info.width * info.height > o.maxPixels) throw new Error(`video is ${info.width}x${info.height}, larger than the ${o.maxPixels} pixels allowed`);
    const { width, height } = info;
    const encoder = this.ffmpeg.encoder({ width, height, fps: info.fps, output, audioFrom: o.keepAudio && info.hasAudio ? input : undefined });
    const tracker = new BoxTracker({ detectEvery: o.detectEvery, maxStaleFrames: Number.MAX_SAFE_INTEGER });
    const result: VideoRedactResult = { frames: 0, detections: 0, faces: 0, plates: 0, width, height };
    let pending: { index: number; data: Buffer }[] = [];

    const detectOn = async (index: number, data: Buffer): Promise<Box[]> => {
      const found = await this.detector.detect({ format: 'i420', width, height, data }, o.detect);
      result.detections++;
      result.faces += found.faces.length;
      result.plates += found.plates.length;
      return [...found.faces, ...found.plates].map((d) => d.box);
    };
    // Redacts and writes the pending frames, the last of which was just detected with `boxes`.
    const flush = async (boxes: Box[]): Promise<void> => {
      const last = pending[pending.length - 1].index;
      for (const f of pending) {
        const ahead = boxes.map((b) => growBox(b, GROW_PER_FRAME * (last - f.index)));
        const behind = f.index === last ? [] : tracker.boxesFor(f.index) ?? [];
        redactI420(f.data, width, height, [...behind, ...ahead], o.redact);
        await encoder.write(f.data);
      }
      tracker.update(last, boxes);
      pending = [];
    };

    try {
      for await (const data of this.ffmpeg.frames(input, width, height)) {
        const index = result.frames++;
        pending.push({ index, data });
        if (index % o.detectEvery === 0) await flush(await detectOn(index, data));
      }
      if (pending.length) await flush(await detectOn(pending[pending.length - 1].index, pending[pending.length - 1].data));
      if (result.frames === 0) throw new Error('video has no frames');
      await encoder.end();
      return result;
    } catch (e) {
      encoder.abort();
      throw e;
    }
  }
}
