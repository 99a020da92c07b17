import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Patterns, type ClipExportStatus } from '@borderlens/contracts';
import { ClipService, clipRoot } from '../../apps/media/src/clip/clip.service';
import { RecorderService } from '../../apps/media/src/recording/recorder.service';
import type { Detector } from '../../apps/anonymizer/src/detection/detector';
import { freeLoopbackPort } from '@borderlens/common';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { checkFrame, liveVisible, loadTestDetector } from '../support/media/detect';
import { AnonymizerProcess, eventually, startMediaHarness, type MediaHarness } from '../support/media/harness';
import { buildTestVideo, whichScene, type Scene, type TestVideo } from '../../apps/media/test-tools/test-video';

/** Frames of an MP4 as RGBA, `fps` per second (ffmpeg). */
function framesOf(file: string, width: number, height: number, fps = 2): Buffer[] {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
    maxBuffer: 1 << 30,
  });
  const size = width * height * 4;
  const out: Buffer[] = [];
  for (let i = 0; i + size <= raw.length; i += size) out.push(raw.subarray(i, i + size));
  return out;
}

/** Clip export from real recordings of the face-and-plate test video: raw copy, anonymized, progress, failures. */
describe('media node: clip export', () => {
  let dir: string;
  let video: TestVideo;
  let camera: CameraSim;
  let h: MediaHarness;
  let anonymizer: AnonymizerProcess;
  let detector: Detector;
  let visible: Pick<Scene, 'faces' | 'plates'>[];
  let from: string;
  let to: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bl-clip-'));
    video = await buildTestVideo(dir, { minutes: 2 });
    camera = new CameraSim(await freeLoopbackPort(), ['--file', video.file]);
    const url = await camera.start();
    h = await startMediaHarness({ env: { MEDIA_SEGMENT_SEC: '3' } });
    anonymizer = new AnonymizerProcess(h.env);
    await anonymizer.start();
    h.gateway.cameras.set('cam-c', {
      id: 'cam-c',
      name: 'Jesenik road',
      kind: 'fixed',
      ingest: { type: 'rtsp', url, rtspTransport: 'tcp' },
      recordingEnabled: true,
      retentionDays: 30,
      redaction: {},
    });
    await h.app.get(RecorderService).sync();
    // record about 12 s
    await eventually(
      () => h.gateway.segments.length,
      (n) => n >= 4,
      40000,
      'recorded segments',
    );
    const segs = h.gateway.segments;
    from = new Date(Date.parse(segs[0].startedAt) + 1500).toISOString();
    to = new Date(Date.parse(segs[3].endedAt) - 1500).toISOString();
    detector = await loadTestDetector(h.cfg);
    visible = [];
    for (const s of video.scenes) visible.push(await liveVisible(detector, h.cfg, s, video.width, video.height));
  }, 180000);

  afterAll(async () => {
    await h?.close();
    await anonymizer?.kill();
    await camera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const clips = () => h.app.get(ClipService);

  it('exports the raw form by stream copy: MP4 with fast start, the right length, and its SHA-256', async () => {
    const r = await clips().export({ clipId: 'clip-raw', cameraId: 'cam-c', from, to, form: 'raw' });
    const file = join(clipRoot(h.cfg), r.path!);
    expect(r).toMatchObject({ state: 'ready', progress: 1, path: 'clip-raw.mp4' });
    expect(r.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(r.bytes).toBe(readFileSync(file).length);
    // raw video: readable by the service user only, whatever the umask
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(clipRoot(h.cfg)).mode & 0o777).toBe(0o700);
    // fast start: the index (moov) comes before the media (mdat)
    const head = readFileSync(file).subarray(0, 4096).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(readFileSync(file).indexOf('mdat'));
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]).toString());
    const wanted = (Date.parse(to) - Date.parse(from)) / 1000;
    // stream copy starts at the keyframe before `from` (at most 1 s earlier with this camera)
    expect(Number(probe.format.duration)).toBeGreaterThan(wanted - 0.5);
    expect(Number(probe.format.duration)).toBeLessThan(wanted + 1.5);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    // raw: the faces are there
    const frames = framesOf(file, 1280, 720, 1);
    let found = 0;
    for (const f of frames) {
      const { scene } = await whichScene(video, f, 1280, 720);
      if (scene) found += (await checkFrame(detector, f, 1280, 720, scene)).faces.found;
    }
    expect(found).toBeGreaterThan(frames.length / 2);
  });

  it('exports the anonymized form with look-ahead detection, reports progress over the transport, and hides every visible face and plate', async () => {
    const gw = h.asGateway();
    const started = await gw.send<ClipExportStatus>(Patterns.media.clipExport, {
      clipId: 'clip-anon',
      cameraId: 'cam-c',
      from,
      to,
      form: 'anonymized',
      watermark: 'Jan Kowalski gmina-nysa',
    });
    expect(started).toMatchObject({ clipId: 'clip-anon', state: 'exporting' });
    const seen: number[] = [];
    const done = await eventually(
      async () => {
        const s = await gw.send<ClipExportStatus>(Patterns.media.clipStatus, { clipId: 'clip-anon' });
        seen.push(s.progress);
        return s;
      },
      (s) => s.state !== 'exporting',
      120000,
      'export done',
    );
    expect(done).toMatchObject({ state: 'ready', progress: 1, path: 'clip-anon.mp4', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // progress moved forward while it ran
    expect(seen.some((p) => p > 0 && p < 1)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const file = join(clipRoot(h.cfg), done.path!);
    const frames = framesOf(file, 1280, 720, 4);
    expect(frames.length).toBeGreaterThan(10);
    let scenes = 0;
    for (const f of frames) {
      const { scene } = await whichScene(video, f, 1280, 720, 40);
      const labels = scene ? visible[video.scenes.indexOf(scene)] : { faces: visible.flatMap((v) => v.faces), plates: visible.flatMap((v) => v.plates) };
      if (scene) scenes++;
      const c = await checkFrame(detector, f, 1280, 720, labels);
      expect(c.faces.found + c.plates.found).toBe(0);
    }
    expect(scenes).toBeGreaterThan(frames.length / 2);
    // the watermark is burned in (dark band with light text, bottom left)
    const f = frames[0];
    let dark = 0;
    for (let y = 690; y < 712; y++) for (let x = 10; x < 300; x++) if (f[(y * 1280 + x) * 4 + 1] < 30) dark++;
    expect(dark).toBeGreaterThan(2000);
  });

  it('refuses bad requests with a clear error, and leaves nothing half-written when the anonymizer is gone', async () => {
    await expect(clips().export({ clipId: 'x/..', cameraId: 'cam-c', from, to, form: 'raw' })).rejects.toThrow(/clipId/);
    await expect(clips().export({ clipId: 'c1', cameraId: 'cam-c', from: to, to: from, form: 'raw' })).rejects.toThrow(/from before to/);
    await expect(clips().export({ clipId: 'c2', cameraId: 'cam-c', from: '2020-01-01T00:00:00Z', to: '2020-01-01T00:01:00Z', form: 'raw' })).rejects.toThrow(/no recording/);
    await anonymizer.kill();
    await expect(clips().export({ clipId: 'clip-fail', cameraId: 'cam-c', from, to, form: 'anonymized' })).rejects.toThrow(/anonymizer unavailable/);
    expect(readdirSync(clipRoot(h.cfg)).filter((f) => f.startsWith('clip-fail'))).toEqual([]);
    expect(existsSync(join(clipRoot(h.cfg), 'clip-fail.mp4'))).toBe(false);
  });
});
