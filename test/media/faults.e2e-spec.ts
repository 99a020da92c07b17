import { whepPlay, framesDecoded, recordedSince, recordFrames, stopRecording } from '../../apps/media/test-tools/browser';
import { LiveService } from '../../apps/media/src/live/live.service';
import { WhepConnectionService } from '../../apps/media/src/egress/whep-connection.service';
import { freeLoopbackPort } from '@borderlens/common';
import { insideLoopbackNetns } from '../support/media/netns';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { eventually } from '../support/media/harness';
import { judgeFrame, setupLiveEnv, type LiveEnv } from '../support/media/live-env';

/** Faults on a live pipeline: the camera restarts, the anonymizer dies, a camera sends a codec we refuse. */
if (insideLoopbackNetns(__filename)) {
  describe('media node: faults', () => {
    let e: LiveEnv;

    beforeAll(async () => {
      e = await setupLiveEnv();
    }, 180000);

    afterAll(async () => {
      await e?.close();
    });

    afterEach(async () => {
      const svc = e.h.app.get(WhepConnectionService);
      for (const s of svc.list()) svc.delete(s.cameraId, s.id);
      await e.page.evaluate('(window.__whep || []).forEach((w) => w.pc.close())');
    });

    const whep = (form?: string) => `${e.h.baseUrl}/whep/cam-1${form ? `?form=${form}` : ''}`;

    it('keeps viewers through a camera restart: offline reported, reconnect with back-off, video resumes on the same session', async () => {
      const raw = (await e.h.grant({ cam: 'cam-1', form: 'raw' })).token;
      const anon = (await e.h.grant({ cam: 'cam-1' })).token;
      const r = await whepPlay(e.page, whep('raw'), raw, 10, 30000);
      const a = await whepPlay(e.page, whep(), anon, 10, 30000);
      expect([r.status, a.status]).toEqual([201, 201]);
      await eventually(
        () => e.h.gateway.lastState('cam-1')?.state,
        (s) => s === 'online',
        10000,
        'online',
      );
      await e.camera.stop();
      await eventually(
        () => e.h.gateway.lastState('cam-1'),
        (s) => s?.state === 'offline',
        15000,
        'offline reported',
      );
      expect(e.h.gateway.lastState('cam-1')!.reason).toBeTruthy();
      await new Promise((res) => setTimeout(res, 2500));
      await e.camera.start();
      await eventually(
        () => e.h.gateway.lastState('cam-1')?.state,
        (s) => s === 'online',
        20000,
        'online again',
      );
      const [r0, a0] = [await framesDecoded(e.page, r.index!), await framesDecoded(e.page, a.index!)];
      await eventually(
        async () => [(await framesDecoded(e.page, r.index!)) - r0, (await framesDecoded(e.page, a.index!)) - a0],
        ([dr, da]) => dr > 25 && da > 25,
        20000,
        'both viewers decode again',
      );
      // same sessions, no reconnect by the browser
      expect(
        e.h.app
          .get(WhepConnectionService)
          .list()
          .map((s) => s.form)
          .sort(),
      ).toEqual(['anonymized', 'raw']);
    });

    it('never delivers a clear frame when the anonymizer is killed mid-stream (checked frame by frame), and resumes anonymized video when it is back', async () => {
      const g = (await e.h.grant({ cam: 'cam-1' })).token;
      const a = await whepPlay(e.page, whep(), g, 25, 30000);
      expect(a.status).toBe(201);
      await recordFrames(e.page, a.index!, 640);
      // Frame counts, not times: a loaded machine presents fewer frames a second.
      await eventually(
        () => recordedSince(e.page, a.index!),
        (n) => n >= 15,
        30000,
        'frames before the kill',
      );
      await e.anonymizer.kill();
      const killedAt = Date.now();
      await eventually(
        () => e.h.app.get(LiveService).status()[0]?.anonymized?.status,
        (s) => s === 'degraded',
        10000,
        'gate degraded',
      );
      await eventually(
        () => recordedSince(e.page, a.index!, killedAt + 1500),
        (n) => n >= 15,
        60000,
        'frames presented after the kill',
      );
      const shots = await stopRecording(e.page, a.index!);
      // every frame the browser presented around the kill
      expect(shots.length).toBeGreaterThan(25);
      const verdicts = [];
      for (const s of shots) verdicts.push({ ...(await judgeFrame(e, s.jpeg)), t: s.t - killedAt });
      expect(verdicts.filter((v) => v.foundVisible > 0)).toEqual([]);
      // after the kill the picture turns masked
      expect(verdicts.filter((v) => v.t > 1500 && v.masked).length).toBeGreaterThan(10);
      expect(verdicts.filter((v) => v.t < 0 && v.scene !== null).length).toBeGreaterThan(5);
      // the anonymizer comes back: redacted video resumes on the same session
      await e.anonymizer.start();
      await eventually(
        () => e.h.app.get(LiveService).status()[0]?.anonymized?.status,
        (s) => s === 'ok',
        30000,
        'gate ok again',
      );
      // the first inferences of a fresh anonymizer are slow (model warm-up); wait for steady redaction
      const redacted = () => e.h.app.get(LiveService).status()[0]?.anonymized?.redacted ?? 0;
      const r0 = redacted();
      await eventually(redacted, (n) => n > r0 + 75, 30000, 'redacted frames flowing again');
      await recordFrames(e.page, a.index!, 640);
      await eventually(
        () => recordedSince(e.page, a.index!),
        (n) => n >= 30,
        60000,
        'frames presented after the anonymizer came back',
      );
      const after = await stopRecording(e.page, a.index!);
      const late = [];
      for (const s of after.filter((_, i) => i % 3 === 0)) late.push(await judgeFrame(e, s.jpeg));
      expect(late.filter((v) => v.foundVisible > 0)).toEqual([]);
      expect(late.filter((v) => v.scene !== null).length).toBeGreaterThan(5);
    });

    it('reports a camera that sends a codec the node cannot serve as error, with the reason', async () => {
      const port = await freeLoopbackPort();
      const hevc = new CameraSim(port, ['--testsrc', '640x360', '--codec', 'h265']);
      const url = await hevc.start();
      try {
        e.h.gateway.cameras.set('cam-hevc', {
          id: 'cam-hevc',
          name: 'old',
          kind: 'fixed',
          ingest: { type: 'rtsp', url, rtspTransport: 'udp' },
          recordingEnabled: false,
          retentionDays: 30,
          redaction: {},
        });
        const g = (await e.h.grant({ cam: 'cam-hevc', form: 'raw' })).token;
        const r = await whepPlay(e.page, `${e.h.baseUrl}/whep/cam-hevc`, g, 1, 3000);
        // the session is accepted (the camera may come back with H.264) but gets no pictures
        expect(r.status).toBe(201);
        await eventually(
          () => e.h.gateway.lastState('cam-hevc'),
          (s) => s?.state === 'error',
          20000,
          'error state',
        );
        expect(e.h.gateway.lastState('cam-hevc')!.reason).toBe("unsupported video codec 'hevc' (supported: h264)");
        expect(await framesDecoded(e.page, r.index!)).toBe(0);
      } finally {
        await hevc.stop();
      }
    });
  });
}
