import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlvDemuxer, type VideoFrame } from '../../apps/media/src/ffmpeg/flv';
import { ProcessRepository } from '@borderlens/media';
import { streamConfig, type StreamConfig } from '../../apps/media/src/ingest/video-source';
import type { DecodedFrame } from '../../apps/media/src/live/decoded-frame';
import { FrameDecoder } from '../../apps/media/src/live/frame-decoder';
import { FrameEncoder } from '../../apps/media/src/live/frame-encoder';
import { eventually } from '../support/media/harness';

/**
 * The live pipeline's ffmpeg stages with real ffmpeg: each picture must leave a stage as soon as it is
 * done, not when the next one pushes it out (a frame held per stage is 40 ms of latency at 25 fps).
 */
describe('media node: live decode and encode stages', () => {
  let dir: string;
  let config: StreamConfig;
  const frames: VideoFrame[] = [];
  const processes = new ProcessRepository();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bl-pipeline-'));
    const flv = join(dir, 'camera.flv');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x360:rate=25',
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-profile:v',
      'baseline',
      '-g',
      '25',
      '-f',
      'flv',
      flv,
    ]);
    new FlvDemuxer({ onConfig: (record, tag) => (config = streamConfig(record, tag)), onFrame: (f) => frames.push(f) }).push(readFileSync(flv));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes each picture without waiting for the next one', async () => {
    const out: DecodedFrame[] = [];
    const decoder = new FrameDecoder('test', processes, (f) => out.push(f));
    try {
      decoder.onConfig(config);
      for (let i = 0; i < 3; i++) {
        decoder.push(frames[i]);
        // nothing more is written until this picture came out
        await eventually(
          () => out.length,
          (n) => n === i + 1,
          10000,
          `picture ${i} out of the decoder`,
        );
      }
      expect(out.map((f) => [f.width, f.height, f.data.length])).toEqual([...Array(3)].map(() => [640, 360, (640 * 360 * 3) / 2]));
      expect(out.map((f) => f.pts)).toEqual(frames.slice(0, 3).map((f) => f.pts));
    } finally {
      await decoder.stop();
    }
  });

  it('encodes each picture without waiting for the next one, keeping the camera timestamp', async () => {
    const decoded: DecodedFrame[] = [];
    const decoder = new FrameDecoder('test', processes, (f) => decoded.push(f));
    const encoded: VideoFrame[] = [];
    const encoder = new FrameEncoder('test', processes, { fps: 25, bitrateKbps: 1000, keyframeInterval: 25 });
    encoder.addSink({ onConfig: () => undefined, onFrame: (f) => encoded.push(f) });
    try {
      decoder.onConfig(config);
      for (let i = 0; i < 3; i++) decoder.push(frames[i]);
      await eventually(
        () => decoded.length,
        (n) => n === 3,
        10000,
        'three decoded pictures',
      );
      for (let i = 0; i < 3; i++) {
        encoder.push(decoded[i]);
        await eventually(
          () => encoded.length,
          (n) => n === i + 1,
          10000,
          `picture ${i} out of x264`,
        );
      }
      expect(encoded[0].keyframe).toBe(true);
      expect(encoded.map((f) => f.pts)).toEqual(decoded.map((f) => f.pts));
    } finally {
      await Promise.all([decoder.stop(), encoder.stop()]);
    }
  });
});
