import { i420Size } from '@borderlens/redaction';
import type { Detector } from '../detection/detector';
import type { RawFrame } from '../frame';
import type { FfmpegRepository, Mp4Encoder } from '../repositories/ffmpeg.repository';
import { VideoRedactor } from './video-redactor';

const W = 64,
  H = 48;

/** Frames of a grey picture; a bright 8x8 "face" at x=20..28 from frame `appears` on. */
function frames(count: number, appears: number): Buffer[] {
  return Array.from({ length: count }, (_, n) => {
    const f = Buffer.alloc(i420Size(W, H), 100);
    if (n >= appears) for (let y = 20; y < 28; y++) f.fill(250, y * W + 20, y * W + 28);
    return f;
  });
}

/** Finds the bright square, as a face detector would. */
const detector = {
  detect: async (f: RawFrame) => ({ faces: f.data[20 * W + 20] === 250 ? [{ box: [20, 20, 28, 28], score: 0.9 }] : [], plates: [] }),
} as unknown as Detector;

function fakeFfmpeg(input: Buffer[], written: Buffer[]): FfmpegRepository {
  return {
    probe: async () => ({ width: W, height: H, fps: '25/1', hasAudio: false, durationSec: input.length / 25 }),
    frames: async function* () {
      for (const f of input) yield f;
    },
    encoder: () => ({ write: async (f: Uint8Array) => void written.push(Buffer.from(f)), end: async () => undefined, abort: () => undefined }) as unknown as Mp4Encoder,
  } as unknown as FfmpegRepository;
}

describe('VideoRedactor', () => {
  it('covers a face from its first frame although detection runs every 4th frame (look-ahead)', async () => {
    const written: Buffer[] = [];
    const r = await new VideoRedactor(fakeFfmpeg(frames(10, 1), written), detector).redact('in.mp4', 'out.mp4', {
      redact: { method: 'fill', padding: 0 },
      detectEvery: 4,
      keepAudio: false,
      maxPixels: 1e6,
    });
    expect(r).toMatchObject({ frames: 10, detections: 4, faces: 3 }); // frames 0, 4, 8 and the last (9)
    expect(written).toHaveLength(10);
    // Frame 1 is before the detection that saw the face (frame 4): still filled black.
    for (let n = 1; n < 10; n++) expect(written[n][24 * W + 24]).toBe(16);
    expect(written[0][24 * W + 24]).toBe(100); // nothing there yet, and not near a box
    expect(written[5][5 * W + 5]).toBe(100); // far from the face: untouched
  });

  it('refuses a video larger than the pixel limit before decoding', async () => {
    await expect(
      new VideoRedactor(fakeFfmpeg([], []), detector).redact('in.mp4', 'out.mp4', {
        redact: { method: 'fill', padding: 0 },
        detectEvery: 4,
        keepAudio: false,
        maxPixels: 100,
      }),
    ).rejects.toThrow('video is 64x48, larger than the 100 pixels allowed');
  });
});
