import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../../../apps/media/test-tools/browser';
import type { Detector } from '../../../apps/anonymizer/src/detection/detector';
import { freeLoopbackPort } from '@borderlens/common';
import { AnonymizerProcess, startMediaHarness, type MediaHarness } from './harness';
import { CameraSim } from '../../../apps/media/test-tools/camera-sim';
import { checkFrame, liveVisible, loadTestDetector } from './detect';
import { buildTestVideo, isMasked, whichScene, type LabelBox, type Scene, type TestVideo } from '../../../apps/media/test-tools/test-video';

/** Everything a live browser test needs: camera simulator, media node, real anonymizer, Chromium. */
export interface LiveEnv {
  dir: string;
  video: TestVideo;
  camera: CameraSim;
  cameraPort: number;
  h: MediaHarness;
  anonymizer: AnonymizerProcess;
  browser: TestBrowser;
  page: Page;
  detector: Detector;
  visible: Pick<Scene, 'faces' | 'plates'>[];
  close(): Promise<void>;
}

export async function setupLiveEnv(env: Record<string, string> = {}): Promise<LiveEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'bl-live-'));
  const video = await buildTestVideo(dir);
  const cameraPort = await freeLoopbackPort();
  const camera = new CameraSim(cameraPort, ['--file', video.file]);
  const url = await camera.start();
  const h = await startMediaHarness({ env: { ANONYMIZER_DETECT_EVERY: '2', ...env } });
  const anonymizer = new AnonymizerProcess(h.env);
  await anonymizer.start();
  h.gateway.cameras.set('cam-1', {
    id: 'cam-1',
    name: 'Nysa bridge',
    kind: 'fixed',
    ingest: { type: 'rtsp', url, rtspTransport: 'tcp' },
    recordingEnabled: false,
    retentionDays: 30,
    redaction: { method: 'pixelate' },
  });
  const detector = await loadTestDetector(h.cfg);
  const visible: Pick<Scene, 'faces' | 'plates'>[] = [];
  for (const scene of video.scenes) visible.push(await liveVisible(detector, h.cfg, scene, video.width, video.height));
  const browser = await launchBrowser();
  const page = await browser.browser.newPage();
  await page.goto(`${h.baseUrl}/health`);
  return {
    dir,
    video,
    camera,
    cameraPort,
    h,
    anonymizer,
    browser,
    page,
    detector,
    visible,
    async close() {
      await browser.close();
      await h.close();
      await anonymizer.kill();
      await camera.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FrameVerdict {
  /** Index of the matched scene, or null (masked, or redacted beyond recognition). */
  scene: number | null;
  masked: boolean;
  /** Labels the live detection can see in the clear scene that are still detectable here. */
  foundVisible: number;
}

function scaleLabels(boxes: LabelBox[], s: number): LabelBox[] {
  return boxes.map((b) => b.map((v) => v * s) as LabelBox);
}

/** What a captured frame (RGBA or JPEG, any size) shows: masked, a scene, and what is still detectable. */
export async function judgeFrame(e: LiveEnv, frame: { rgba: Buffer; width: number; height: number } | Buffer): Promise<FrameVerdict> {
  let f: { rgba: Buffer; width: number; height: number };
  if (Buffer.isBuffer(frame)) {
    const { data, info } = await sharp(frame).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    f = { rgba: data, width: info.width, height: info.height };
  } else f = frame;
  const s = f.width / e.video.width;
  const masked = isMasked(f.rgba);
  if (masked) return { scene: null, masked, foundVisible: 0 };
  const { scene } = await whichScene(e.video, f.rgba, f.width, f.height);
  const i = scene ? e.video.scenes.indexOf(scene) : -1;
  const labels = i >= 0 ? e.visible[i] : { faces: e.visible.flatMap((v) => v.faces), plates: e.visible.flatMap((v) => v.plates) };
  const c = await checkFrame(e.detector, f.rgba, f.width, f.height, { faces: scaleLabels(labels.faces, s), plates: scaleLabels(labels.plates, s) });
  return { scene: i >= 0 ? i : null, masked, foundVisible: c.faces.found + c.plates.found };
}
