import { AnonymizingPipeline, DetectionFailed, type RedactOptions } from '@borderlens/redaction';
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

/**
 * Redacts a video file: ffmpeg decodes it to raw yuv420p on a pipe, the anonymizing pipeline (file
 * policy) detects faces and plates on every Nth frame and the last and redacts in place, and ffmpeg
 * encodes H.264 MP4 (+faststart). A failed detection fails the whole file.
 *
 * A file is not live, so frames wait for the next detection: each frame between two detections is
 * covered by the boxes tracked forward from the earlier one and by the later one's boxes (widened
 * by distance), so someone entering the picture is hidden from their first frame; a detected frame
 * uses only its own boxes (cover rule 'own'). One detection runs at a time.
 */
export class VideoRedactor {
  constructor(
    private readonly ffmpeg: FfmpegRepository,
    private readonly detector: Detector,
  ) {}

  async redact(input: string, output: string, o: VideoRedactOptions): Promise<VideoRedactResult> {
    const info = await this.ffmpeg.probe(input);
    if (info.width * info.height > o.maxPixels) throw new Error(`video is ${info.width}x${info.height}, larger than the ${o.maxPixels} pixels allowed`);
    const { width, height } = info;
    const encoder = this.ffmpeg.encoder({ width, height, fps: info.fps, output, audioFrom: o.keepAudio && info.hasAudio ? input : undefined });
    const result: VideoRedactResult = { frames: 0, detections: 0, faces: 0, plates: 0, width, height };
    const pipeline = new AnonymizingPipeline(
      async (f) => {
        const found = await this.detector.detect({ format: 'i420', width, height, data: f.data }, o.detect);
        result.detections++;
        result.faces += found.faces.length;
        result.plates += found.plates.length;
        return [...found.faces, ...found.plates].map((d) => d.box);
      },
      { kind: 'file', detectEvery: o.detectEvery, cover: 'own', maxInFlight: 1 },
      o.redact,
      (out) => encoder.write(out.frame.data),
    );

    try {
      for await (const data of this.ffmpeg.frames(input, width, height)) {
        pipeline.push({ data, width, height, seq: result.frames++, at: 0 });
        // Frames up to the next detection wait in memory, no more.
        await pipeline.heldBelow(o.detectEvery + 1);
        if (pipeline.failure) break;
      }
      await pipeline.end();
      if (result.frames === 0) throw new Error('video has no frames');
      await encoder.end();
      return result;
    } catch (e) {
      pipeline.close();
      encoder.abort();
      // The detector's own error (a bad input stays a bad input).
      throw e instanceof DetectionFailed ? e.cause : e;
    }
  }
}
