import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { GrantSigner } from '@borderlens/auth';
import type { HttpErrorBody } from '@borderlens/common';
import { Patterns } from '@borderlens/contracts';
import { launchBrowser, whepPlay, grabFrame, framesDecoded, inboundStats, type TestBrowser } from '../../apps/media/test-tools/browser';
import { WhepConnectionService } from '../../apps/media/src/egress/whep-connection.service';
import { LiveService } from '../../apps/media/src/live/live.service';
import type { Detector } from '../../apps/anonymizer/src/detection/detector';
import { freeLoopbackPort } from '@borderlens/common';
import { insideLoopbackNetns } from '../support/media/netns';
import { AnonymizerProcess, eventually, startMediaHarness, type MediaHarness } from '../support/media/harness';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { buildTestVideo, isMasked, whichScene, type TestVideo } from '../../apps/media/test-tools/test-video';
import { checkFrame, liveVisible, loadTestDetector } from '../support/media/detect';

/**
 * End to end over loopback: a GStreamer RTSP camera plays real faces and plates, the media node
 * pulls it, the real anonymizer detects, and headless Chromium plays it over WHEP.
 */
if (insideLoopbackNetns(__filename)) {
  describe('media node: WHEP live video in the browser', () => {
    let dir: string;
    let video: TestVideo;
    let camera: CameraSim;
    let anonymizer: AnonymizerProcess;
    let h: MediaHarness;
    let browser: TestBrowser;
    let page: Page;
    let detector: Detector;
    /** Per scene, the labels the pipeline's live detection finds in the clear picture. */
    let visible: Awaited<ReturnType<typeof liveVisible>>[];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bl-whep-'));
      video = await buildTestVideo(dir);
      camera = new CameraSim(await freeLoopbackPort(), ['--file', video.file]);
      const url = await camera.start();
      h = await startMediaHarness({ env: { ANONYMIZER_DETECT_EVERY: '2' } });
      anonymizer = new AnonymizerProcess(h.env);
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
      detector = await loadTestDetector(h.cfg);
      visible = [];
      for (const scene of video.scenes) visible.push(await liveVisible(detector, h.cfg, scene, video.width, video.height));
      const missed = video.scenes.map((s, i) => `scene ${i}: faces ${visible[i].faces.length}/${s.faces.length}, plates ${visible[i].plates.length}/${s.plates.length}`);
      // Detector recall, for the record (the anonymizer's own benchmark measures it properly).
      console.log(`labels the live detection sees in the clear test video: ${missed.join('; ')}`);
      browser = await launchBrowser();
      page = await browser.browser.newPage();
      await page.goto(`${h.baseUrl}/health`);
    }, 180000);

    afterAll(async () => {
      await browser?.close();
      await h?.close();
      await anonymizer?.kill();
      await camera?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    afterEach(async () => {
      // a failed test must not leave viewers behind for the next one
      const svc = h.app.get(WhepConnectionService);
      for (const s of svc.list()) svc.delete(s.cameraId, s.id);
      await page.evaluate('(window.__whep || []).forEach((w) => w.pc.close())');
    });

    const whep = (cam = 'cam-1', form?: string) => `${h.baseUrl}/whep/${cam}${form ? `?form=${form}` : ''}`;
    const sessions = () => h.app.get(WhepConnectionService).list();

    /** Ends a session with the grant that opened it. */
    const end = (location: string, grant: string) => fetch(`${h.baseUrl}${location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${grant}` } });

    async function post(url: string, grant?: string, body = 'v=0\r\n') {
      const headers: Record<string, string> = { 'Content-Type': 'application/sdp' };
      if (grant) headers.Authorization = `Bearer ${grant}`;
      return fetch(url, { method: 'POST', headers, body });
    }

    it('refuses missing, forged and expired grants (401), and grants for another camera or a raw request with an anonymized grant (403)', async () => {
      const other = await GrantSigner.fromFile(join(dir, 'other-key.json'));
      const forged = (await other.sign({ sub: 'x', name: 'x', org: 'x', country: 'CZ', cam: 'cam-1', form: 'raw', obligations: {} }, 60)).token;
      const expired = (await h.grant({ cam: 'cam-1' }, -30)).token;
      const otherCam = (await h.grant({ cam: 'cam-2', form: 'raw' })).token;
      const anon = (await h.grant({ cam: 'cam-1', form: 'anonymized' })).token;
      const cases: [string, string | undefined, number, string][] = [
        [whep(), undefined, 401, 'grant_required'],
        [whep(), 'not-a-jwt', 401, 'grant_invalid'],
        [whep(), forged, 401, 'grant_invalid'],
        [whep(), expired, 401, 'grant_invalid'],
        [whep(), otherCam, 403, 'grant_other_camera'],
        [whep('cam-1', 'raw'), anon, 403, 'grant_not_raw'],
      ];
      for (const [url, grant, status, code] of cases) {
        const res = await post(url, grant);
        expect([url, status, code]).toEqual([url, res.status, ((await res.json()) as HttpErrorBody).error.code]);
      }
      // in the browser too: no answer, no session, no media
      const r = await whepPlay(page, whep('cam-1', 'raw'), anon, 1, 3000);
      expect(r.status).toBe(403);
      expect(sessions()).toHaveLength(0);
    });

    it('answers bad requests with 4xx: not SDP, no video, trickle PATCH, unknown session', async () => {
      const g = (await h.grant({ cam: 'cam-1' })).token;
      const notSdp = await fetch(whep(), { method: 'POST', headers: { Authorization: `Bearer ${g}`, 'Content-Type': 'text/plain' }, body: 'hello' });
      expect(notSdp.status).toBe(415);
      const noVideo = await post(whep(), g, 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n');
      expect([noVideo.status, ((await noVideo.json()) as HttpErrorBody).error.code]).toEqual([400, 'sdp_invalid']);
      expect((await fetch(`${h.baseUrl}/whep/cam-1/sessions/nope`, { method: 'DELETE' })).status).toBe(401);
      expect((await end('/whep/cam-1/sessions/nope', g)).status).toBe(404);
      expect((await fetch(`${h.baseUrl}/whep/cam-1/sessions/nope`, { method: 'PATCH' })).status).toBe(405);
    });

    /**
     * Captures `n` frames from the index-th video, then checks what the detector still finds in each
     * (afterwards: the detector runs in this process and would slow the live pipeline down).
     */
    async function capture(index: number, n: number, everyMs = 350) {
      const shots: { width: number; height: number; rgba: Buffer }[] = [];
      for (let i = 0; i < n; i++) {
        shots.push(await grabFrame(page, index));
        await new Promise((r) => setTimeout(r, everyMs));
      }
      return shots;
    }

    interface Inspected {
      scene: number | null;
      /** Thumbnail difference to the nearest scene (0-255). */
      diff: number;
      masked: boolean;
      /** Labelled faces/plates found by the full detector, of all labels. */
      found: number;
      /** Of the labels the live detection can see (what the pipeline must hide). */
      foundVisible: number;
      labels: number;
    }

    async function inspect(shots: { width: number; height: number; rgba: Buffer }[]): Promise<Inspected[]> {
      const out: Inspected[] = [];
      for (const f of shots) {
        const { scene, diff } = await whichScene(video, f.rgba, f.width, f.height);
        const masked = isMasked(f.rgba);
        if (!scene) {
          // Masked, or so much redacted that no scene matches (the plate model now and then returns a
          // frame-sized box): then no scene's visible label may be found anywhere in it.
          const anyVisible = { faces: visible.flatMap((v) => v.faces), plates: visible.flatMap((v) => v.plates) };
          const c = masked ? undefined : await checkFrame(detector, f.rgba, f.width, f.height, anyVisible);
          out.push({ scene: null, diff, masked, found: 0, foundVisible: c ? c.faces.found + c.plates.found : 0, labels: 0 });
          continue;
        }
        const i = video.scenes.indexOf(scene);
        const all = await checkFrame(detector, f.rgba, f.width, f.height, scene);
        const vis = await checkFrame(detector, f.rgba, f.width, f.height, visible[i]);
        out.push({
          scene: i,
          diff,
          masked,
          found: all.faces.found + all.plates.found,
          foundVisible: vis.faces.found + vis.plates.found,
          labels: scene.faces.length + scene.plates.length,
        });
      }
      return out;
    }

    it('plays the raw form (camera stream passed through) for a raw grant: faces and plates are visible', async () => {
      const g = (await h.grant({ cam: 'cam-1', form: 'raw' })).token;
      const r = await whepPlay(page, whep('cam-1', 'raw'), g, 25, 30000);
      expect(r).toMatchObject({ status: 201, width: 1280, height: 720 });
      expect(r.framesDecoded).toBeGreaterThanOrEqual(25);
      expect(r.location).toMatch(/^\/whep\/cam-1\/sessions\/[0-9a-f-]{36}$/);
      expect(sessions()).toEqual([expect.objectContaining({ cameraId: 'cam-1', form: 'raw' })]);
      const shots = await capture(r.index!, 12);
      const del = await end(r.location!, g);
      expect(del.status).toBe(200);
      expect(sessions()).toHaveLength(0);
      const frames = await inspect(shots);
      const seen = frames.filter((f) => f.scene !== null);
      expect(seen.length).toBeGreaterThanOrEqual(10);
      // the detector finds most labelled faces and plates in the raw picture
      const found = seen.reduce((a, f) => [a[0] + f.found, a[1] + f.labels], [0, 0]);
      expect(found[0] / found[1]).toBeGreaterThan(0.7);
    });

    it('plays the anonymized form: frames decode, and no labelled face or plate is detectable', async () => {
      const g = (await h.grant({ cam: 'cam-1', form: 'raw' })).token;
      const r = await whepPlay(page, whep('cam-1', 'anonymized'), g, 25, 30000);
      expect(r).toMatchObject({ status: 201, width: 1280, height: 720 });
      const shots = await capture(r.index!, 15);
      const status = h.app.get(LiveService).status()[0];
      await end(r.location!, g);
      expect(status.anonymized!.detections).toBeGreaterThan(10);
      expect(status.anonymized!.redacted).toBeGreaterThan(25);
      const frames = await inspect(shots);
      const seen = frames.filter((f) => f.scene !== null);
      console.log(`anonymized browser frames: ${JSON.stringify(frames)}; pipeline: ${JSON.stringify(status)}`);
      // Frames are masked when detection is late (fail closed; this machine is small and shared) or
      // show the scene redacted; some must show the scene, or this would prove nothing.
      expect(seen.length).toBeGreaterThanOrEqual(3);
      // nothing the pipeline's detection can see survives in the browser's picture
      expect(frames.map((f) => [f.scene, f.foundVisible])).toEqual(frames.map((f) => [f.scene, 0]));
    });

    it('shares one anonymized pipeline between viewers, and stops it after the last one leaves', async () => {
      const live = h.app.get(LiveService);
      const g1 = (await h.grant({ cam: 'cam-1' })).token;
      const g2 = (await h.grant({ cam: 'cam-1', sub: 'viewer-2' })).token;
      const [a, b] = await Promise.all([whepPlay(page, whep(), g1, 10, 30000), whepPlay(page, whep(), g2, 10, 30000)]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(live.status()).toEqual([expect.objectContaining({ cameraId: 'cam-1', viewers: 2 })]);
      // one camera connection, one decoder, one gate, one x264 for both viewers
      expect([h.processes.running('ingest'), h.processes.running('decode'), h.processes.running('encode')]).toEqual([1, 1, 1]);
      await end(a.location!, g1);
      await end(b.location!, g2);
      await eventually(
        () => live.status().length,
        (n) => n === 0,
        5000,
        'pipeline stop after idleStopSec',
      );
      await eventually(
        () => h.processes.running('decode') + h.processes.running('encode') + h.processes.running('ingest'),
        (n) => n === 0,
        5000,
        'processes gone',
      );
    });

    it('burns the viewer identity and time into a watermarked viewer video only', async () => {
      const marked = (await h.grant({ cam: 'cam-1', obligations: { watermark: true } })).token;
      const plain = (await h.grant({ cam: 'cam-1' })).token;
      const a = await whepPlay(page, whep(), marked, 10, 30000);
      const b = await whepPlay(page, whep(), plain, 10, 30000);
      expect([a.status, b.status]).toEqual([201, 201]);
      await new Promise((r) => setTimeout(r, 1500));
      const band = (f: { width: number; height: number; rgba: Buffer }) => {
        // bottom-left strip where the mark goes: count near-black and near-white pixels
        let dark = 0;
        let light = 0;
        for (let y = f.height - 50; y < f.height - 10; y++) {
          for (let x = 10; x < 500; x++) {
            const v = f.rgba[(y * f.width + x) * 4 + 1];
            if (v < 25) dark++;
            else if (v > 225) light++;
          }
        }
        return { dark, light };
      };
      const fa = band(await grabFrame(page, a.index!));
      const fb = band(await grabFrame(page, b.index!));
      expect(fa.dark).toBeGreaterThan(5000);
      expect(fa.light).toBeGreaterThan(500);
      expect(fb.dark).toBeLessThan(fa.dark / 4);
      expect(
        h.app
          .get(WhepConnectionService)
          .list()
          .filter((s) => s.watermark),
      ).toHaveLength(1);
      await end(a.location!, marked);
      await end(b.location!, plain);
    });

    it('switches a raw session to anonymized when the gateway downgrades its grant, and ends one it revokes', async () => {
      const { token, claims } = await h.grant({ cam: 'cam-1', form: 'raw' });
      const r = await whepPlay(page, whep('cam-1', 'raw'), token, 10, 30000);
      expect(r.status).toBe(201);
      const gw = h.asGateway();
      expect(await gw.send(Patterns.media.grantChanged, { jti: claims.jti, action: 'downgrade', reason: 'incident ended' })).toEqual({ sessions: 1 });
      expect(sessions()[0].form).toBe('anonymized');
      // the same connection keeps playing, now anonymized
      const before = await framesDecoded(page, r.index!);
      await eventually(
        () => framesDecoded(page, r.index!),
        (n) => n > before + 25,
        15000,
        'frames after downgrade',
      );
      await new Promise((res) => setTimeout(res, 1000));
      const frames = await inspect(await capture(r.index!, 8));
      console.log(`downgraded browser frames: ${JSON.stringify(frames)}; pipeline: ${JSON.stringify(h.app.get(LiveService).status())}`);
      expect(frames.map((f) => f.foundVisible)).toEqual(frames.map(() => 0));
      expect(frames.filter((f) => f.scene !== null).length).toBeGreaterThanOrEqual(1);
      // the downgraded grant cannot open raw again
      expect((await post(whep('cam-1', 'raw'), token)).status).toBe(403);
      expect(await gw.send(Patterns.media.grantChanged, { jti: claims.jti, action: 'end', reason: 'policy changed' })).toEqual({ sessions: 1 });
      expect(sessions()).toHaveLength(0);
      await eventually(
        () => inboundStats(page, r.index!),
        (s) => s.state !== 'connected',
        15000,
        'browser sees the end',
      );
      expect((await post(whep(), token)).status).toBe(401);
    });

    it('keeps a session past its first grant when the viewer renews it, and refuses grants of other sessions', async () => {
      const sid = '5b0e3c1a-8f0e-4c52-9a55-3f0d2c7b9e11';
      // long enough for a loaded machine to start playing before it expires
      const first = await h.grant({ cam: 'cam-1', form: 'raw', sid }, 20);
      const r = await whepPlay(page, whep('cam-1', 'raw'), first.token, 10, 30000);
      expect(r.status).toBe(201);
      const put = (grant: string | undefined, location = r.location!) =>
        fetch(`${h.baseUrl}${location}/grant`, { method: 'PUT', headers: grant ? { Authorization: `Bearer ${grant}` } : {} });
      const refused = async (res: Response) => [res.status, ((await res.json()) as HttpErrorBody).error.code];
      const renewed = await h.grant({ cam: 'cam-1', form: 'raw', sid }, 300);
      expect(await refused(await put(undefined))).toEqual([401, 'grant_required']);
      expect(await refused(await put((await h.grant({ cam: 'cam-1', form: 'raw', sid }, -30)).token))).toEqual([401, 'grant_invalid']);
      expect(await refused(await put((await h.grant({ cam: 'cam-1', form: 'raw', sid: 'another-session' })).token))).toEqual([403, 'grant_other_session']);
      expect(await refused(await put((await h.grant({ cam: 'cam-1', form: 'raw', sid, sub: 'viewer-2' })).token))).toEqual([403, 'grant_other_session']);
      expect(await refused(await put((await h.grant({ cam: 'cam-2', form: 'raw', sid })).token))).toEqual([403, 'grant_other_camera']);
      expect(await refused(await put(renewed.token, '/whep/cam-1/sessions/00000000-0000-4000-8000-000000000000'))).toEqual([404, 'session_not_found']);
      const ok = await put(renewed.token);
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as { form: string; watermark: boolean; endsAt: string };
      expect(body).toMatchObject({ form: 'raw', watermark: false });
      expect(Date.parse(body.endsAt)).toBe(renewed.claims.exp * 1000);
      // past the first grant's expiry the same connection keeps playing
      await new Promise((res) => setTimeout(res, first.claims.exp * 1000 + 2000 - Date.now()));
      expect(sessions()).toEqual([expect.objectContaining({ id: r.location!.split('/').pop(), form: 'raw' })]);
      const before = await framesDecoded(page, r.index!);
      await eventually(
        () => framesDecoded(page, r.index!),
        (n) => n > before + 25,
        15000,
        'frames after the first grant expired',
      );
      // a renewal decided anonymized with a watermark downgrades the session and marks it; never the other way back
      const anon = await h.grant({ cam: 'cam-1', form: 'anonymized', sid, obligations: { watermark: true } }, 300);
      expect(await (await put(anon.token)).json()).toMatchObject({ form: 'anonymized', watermark: true });
      expect(sessions()[0]).toMatchObject({ form: 'anonymized', watermark: true });
      expect(await (await put(renewed.token)).json()).toMatchObject({ form: 'anonymized', watermark: true });
      const afterSwitch = await framesDecoded(page, r.index!);
      await eventually(
        () => framesDecoded(page, r.index!),
        (n) => n > afterSwitch + 10,
        20000,
        'frames after the switch to anonymized and watermarked',
      );
      // the gateway revoking any grant the session ran on ends it
      expect(await h.asGateway().send(Patterns.media.grantChanged, { jti: first.claims.jti, action: 'end', reason: 'session ended' })).toEqual({ sessions: 1 });
      expect(sessions()).toHaveLength(0);
      expect(await refused(await put(renewed.token))).toEqual([404, 'session_not_found']);
    });

    it('ends a session when its grant expires', async () => {
      const { token } = await h.grant({ cam: 'cam-1' }, 6);
      const r = await whepPlay(page, whep(), token, 5, 30000);
      expect(r.status).toBe(201);
      await eventually(
        () => sessions().length,
        (n) => n === 0,
        10000,
        'session end at grant expiry',
      );
    });
  });
}
