import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlvDemuxer, type VideoFrame } from '../../apps/media/src/ffmpeg/flv';
import { freeLoopbackPort } from '@borderlens/common';
import { ingestArgs, ProcessRepository, rtspSourceList } from '@borderlens/media';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
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

/**
 * The simulated RTSP camera of the demo and the browser tests, through the media node's RTSP ingest:
 * each frame must arrive as its own access unit with its own timestamp. Frames that shared a
 * timestamp reached the ingest merged into one unit, and the live decoder then gave no picture at all.
 */
describe('media node: a simulated camera through the RTSP ingest', () => {
  const processes = new ProcessRepository();
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'bl-sim-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers one decodable picture per frame', async () => {
    const sim = new CameraSim(await freeLoopbackPort(), ['--stdin']);
    const url = await sim.start();
    // A still picture looped from a file, as the demo's: its frames are a few bytes each, and
    // unless each is written on its own, dozens share one pipe write.
    const still = join(dir, 'still.mp4');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'smptebars=size=320x180:rate=25',
      '-t',
      '4',
      '-c:v',
      'libx264',
      '-tune',
      'stillimage',
      '-g',
      '25',
      '-bf',
      '0',
      '-pix_fmt',
      'yuv420p',
      still,
    ]);
    sim.feed(['-stream_loop', '-1', '-i', '/work/main/.data/demo/demo.mp4', '-c', 'copy']);
    // A camera streams before anyone connects: the simulator's clock once held reads back from then on.
    await new Promise((r) => setTimeout(r, 3000));
    const rtsp = { url, transport: 'tcp' as const, timeoutSec: 10 };
    const ingest = processes.ffmpeg(ingestArgs({ kind: 'rtsp', ...rtsp }));
    ingest.stdin.end(rtspSourceList(rtsp));
    const frames: VideoFrame[] = [];
    const decoded: DecodedFrame[] = [];
    const decoder = new FrameDecoder('sim', processes, (f) => decoded.push(f));
    const flv = new FlvDemuxer({
      onConfig: (record, tag) => decoder.onConfig(streamConfig(record, tag)),
      onFrame: (f) => {
        frames.push(f);
        decoder.push(f);
      },
    });
    ingest.stdout.on('data', (c: Buffer) => flv.push(c));
    try {
      await eventually(
        () => frames.length,
        (n) => n >= 75,
        30000,
        'three seconds of frames',
      );
      // Each frame its own timestamp (frames stamped together arrive merged into one undecodable
      // unit); a busy machine may read two at once now and then.
      const pts = frames.map((f) => f.pts);
      expect(pts).toEqual([...pts].sort((a, b) => a - b));
      expect(new Set(pts).size).toBeGreaterThanOrEqual(pts.length * 0.9);
      await eventually(
        () => decoder.framesOut,
        (n) => n >= 50,
        10000,
        'pictures out of the decoder',
      );
      // every frame since the first keyframe came out as a picture: none merged with another
      const sent = decoder.framesIn;
      await eventually(
        () => decoder.framesOut,
        (n) => n >= sent,
        5000,
        `a picture for each of ${sent} frames`,
      );
    } finally {
      await Promise.all([decoder.stop(), ingest.stop(500), sim.stop()]);
    }
  }, 60000);
});
