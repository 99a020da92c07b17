import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BorderlensConfig } from '@borderlens/config';
import { ProcessRepository } from '@borderlens/media';
import { SegmentStore } from '../recording/segment.store';
import type { DetectorPort } from '../transport/ports';
import { ClipNotFound } from './clip.service';
import { StillService } from './still.service';

const CAM = 'cam-1';
const T0 = new Date('2026-12-03T08:00:00.000Z');

/**
 * Stills from real MPEG-TS segments as the recorder writes them (H.264 copied, a keyframe a second).
 * Frame n of a segment has the luma 16 + 4n, so a still tells which frame it shows.
 */
describe('StillService', () => {
  let root: string;
  let stills: StillService;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'bl-still-'));
    const cfg = { dataDir: root, media: { recordingDir: '', detectWidth: 64 }, anonymizer: { method: 'pixelate', padding: 0.1 } } as unknown as BorderlensConfig;
    const store = new SegmentStore(cfg);
    // Two seconds of pictures each; the second file starts 2.6 s after the first (by the wall clock
    // its first frame arrived at, as the recorder names them): the camera lagged 0.6 s.
    for (const start of [T0, new Date(T0.getTime() + 2600)]) {
      const f = store.newFile(CAM, start);
      execFileSync('ffmpeg', [
        '-y',
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        "color=c=black:s=64x64:r=25,geq=lum='16+N*4':cb=128:cr=128",
        '-t',
        '2',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-qp',
        '0',
        '-g',
        '25',
        '-bf',
        '0',
        '-pix_fmt',
        'yuv420p',
        '-f',
        'mpegts',
        f.abs,
      ]);
    }
    const detector: DetectorPort = { detect: async () => ({ faces: [], plates: [], ms: 1 }) };
    stills = new StillService(cfg, new ProcessRepository(), store, detector);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const segmentFile = (i: number) => new SegmentStore({ dataDir: root, media: { recordingDir: '' } } as BorderlensConfig).list(CAM)[i].abs;

  /** The frame number a still shows. */
  async function frameShown(ms: number): Promise<number> {
    const still = await stills.still({ cameraId: CAM, at: new Date(T0.getTime() + ms).toISOString(), width: 64 });
    expect(still.masked).toBe(false);
    const { channels } = await sharp(Buffer.from(still.jpeg, 'base64')).greyscale().stats();
    // JPEG is full range: back to the video's luma (16..235), then to the frame number.
    return Math.round((channels[0].mean * 219) / 255 / 4);
  }

  it('shows the frame at the time asked, not the next keyframe (where ffmpeg lands when it seeks the input)', async () => {
    expect(await frameShown(0)).toBe(0);
    expect(await frameShown(520)).toBe(13);
    expect(await frameShown(1000)).toBe(25);
    expect(await frameShown(1040)).toBe(26);
  }, 30_000);

  it('shows the frame at the time asked in the last GOP of a segment, where seeking the input finds none', async () => {
    // ffmpeg -ss 1.5 -i segment.ts answers no frame at all for these files (the former 503 of the previews).
    const seek = execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', '1.5', '-i', segmentFile(0), '-frames:v', '1', '-f', 'rawvideo', 'pipe:1']);
    expect(seek.length).toBe(0);
    // The first frame at or after the time (37 is at 1.48 s, 38 at 1.52 s).
    expect(await frameShown(1500)).toBe(38);
    expect(await frameShown(1960)).toBe(49);
  }, 30_000);

  it("shows the last frame for a time past a segment's pictures but before the next segment began", async () => {
    expect(await frameShown(2300)).toBe(49);
    expect(await frameShown(2600 + 1200)).toBe(30);
  }, 30_000);

  it('finds nothing past the last segment or before the first', async () => {
    await expect(stills.still({ cameraId: CAM, at: new Date(T0.getTime() + 2600 + 3500).toISOString(), width: 64 })).rejects.toBeInstanceOf(ClipNotFound);
    await expect(stills.still({ cameraId: CAM, at: new Date(T0.getTime() - 1000).toISOString(), width: 64 })).rejects.toBeInstanceOf(ClipNotFound);
  }, 30_000);
});
