import { mkdtempSync, rmSync } from 'node:fs';
import { testKeyDir } from '../support/service-keys';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { serverTransport } from '@borderlens/contracts';
import { AnalyticsService as MediaAnalytics } from '../../apps/media/src/analytics/analytics.service';
import { createMediaApp } from '../../apps/media/src/media.app';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { AnonymizerProcess, eventually } from '../support/media/harness';
import { buildTestVideo, type TestVideo } from '../../apps/media/test-tools/test-video';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';
import { freeLoopbackPort } from '@borderlens/common';

/**
 * The whole analytics path with real processes and nobody watching: a simulated RTSP camera (the
 * face-and-street test video: people on the left half, cars on the right) -> the media node samples
 * it -> the anonymizer (child process) detects, tracks and counts -> the gateway stores per-minute
 * buckets -> the API's series and the SSE stream, read by a user without video rights.
 */
describe('analytics end to end: camera -> media -> anonymizer -> gateway -> API and SSE', () => {
  let dir: string;
  let video: TestVideo;
  let camera: CameraSim;
  let gw: TestGateway;
  let media: NestExpressApplication;
  let anonymizer: AnonymizerProcess;
  let cameraId: string;
  let user: string;

  beforeAll(async () => {
    await ensureKeycloak();
    dir = mkdtempSync(join(tmpdir(), 'bl-analytics-'));
    video = await buildTestVideo(dir, { minutes: 3 });
    camera = new CameraSim(await freeLoopbackPort(), ['--file', video.file]);
    const url = await camera.start();
    const env = {
      SERVICE_KEY_DIR: testKeyDir(dir),
      CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8',
      ANALYTICS_CAMERAS_REFRESH_SEC: '0.5',
      ANALYTICS_REPORT_SEC: '0.5',
      ANALYTICS_MIN_COUNT: '1',
      MEDIA_RTMP_PORT: '0',
      MEDIA_SRT_PORT: '0',
      MEDIA_DISK_MIN_FREE_MB: '16',
    };
    gw = await startGateway({ env });
    const admin = await passwordToken('jesenik.admin');
    const created = await api(gw.url, '/api/v1/cameras', {
      method: 'POST',
      token: admin,
      body: { name: 'Jeseník – test camera', kind: 'fixed', latitude: 50.23, longitude: 17.2, ingest: { type: 'rtsp', url }, recordingEnabled: false },
    });
    expect(created.status).toBe(201);
    cameraId = created.body.id;
    const cfg = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/config`, {
      method: 'PUT',
      token: admin,
      body: {
        enabled: true,
        zones: [
          {
            id: 'left',
            name: 'Left half',
            polygon: [
              [0, 0],
              [0.5, 0],
              [0.5, 1],
              [0, 1],
            ],
          },
          {
            id: 'right',
            name: 'Right half',
            polygon: [
              [0.5, 0],
              [1, 0],
              [1, 1],
              [0.5, 1],
            ],
          },
        ],
        lines: [{ id: 'middle', name: 'Middle', a: [0.5, 1], b: [0.5, 0] }],
        alerts: [],
      },
    });
    expect(cfg.status).toBe(200);
    const penv: Record<string, string> = {
      ...env,
      BORDERLENS_DATA_DIR: join(dir, 'data'),
      TRANSPORT_GATEWAY_PORT: String(gw.cfg.transport.gatewayPort),
      TRANSPORT_MEDIA_PORT: String(gw.cfg.transport.mediaPort),
      TRANSPORT_ANONYMIZER_PORT: String(gw.cfg.transport.anonymizerPort),
      ANONYMIZER_MODEL_DIR: gw.cfg.anonymizer.modelDir,
    };
    anonymizer = new AnonymizerProcess(penv);
    await anonymizer.start();
    const mcfg = {
      ...gw.cfg,
      media: { ...gw.cfg.media, port: await freeLoopbackPort(), recordingDir: join(dir, 'rec'), clipDir: join(dir, 'clips'), rtmpPort: 0, srtPort: 0, diskMinFreeMb: 16 },
    };
    media = await createMediaApp(mcfg, {
      grantKeys: async () => {
        throw new Error('no viewers in this test');
      },
    });
    media.connectMicroservice(serverTransport(mcfg, 'media'), { inheritAppConfig: true });
    await media.startAllMicroservices();
    await media.listen(mcfg.media.port, '127.0.0.1');
    // A Polish municipal user: analytics of every camera, no video of this one beyond what the rules give.
    user = await passwordToken('nysa.municipal');
  }, 240_000);

  afterAll(async () => {
    await media?.close();
    await anonymizer?.kill();
    await gw?.close();
    await camera?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams live counts of persons on the left and vehicles on the right over SSE while nobody watches the video', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${gw.url}/api/v1/analytics/cameras/${cameraId}/live`, { headers: { authorization: `Bearer ${user}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const seen = { person: false, vehicle: false };
    const until = Date.now() + 60_000;
    while (!(seen.person && seen.vehicle) && Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
      for (const m of text.matchAll(/^data: (.*)$/gm)) {
        const e = JSON.parse(m[1]) as { zones: { targetId: string; cls: string; count: number }[] };
        for (const z of e.zones ?? []) {
          if (z.targetId === 'left' && z.cls === 'person' && z.count > 0) seen.person = true;
          if (z.targetId === 'right' && z.cls !== 'person' && z.count > 0) seen.vehicle = true;
        }
      }
    }
    ctrl.abort();
    expect(seen).toEqual({ person: true, vehicle: true });
    const sampled = media.get(MediaAnalytics).status();
    expect(sampled).toEqual([expect.objectContaining({ cameraId, revision: 1 })]);
    expect(sampled[0].sent).toBeGreaterThan(0);
  }, 90_000);

  it('stores per-minute buckets (no boxes, no frames) and serves them as a series', async () => {
    const ds = gw.app.get(DataSource);
    const rows = await eventually(
      () =>
        ds.query(`SELECT target_id, cls, occupancy_max, samples FROM analytics_minutes WHERE camera_id = $1 AND kind = 'zone'`, [cameraId]) as Promise<
          { target_id: string; cls: string; occupancy_max: number; samples: number }[]
        >,
      (r) => r.length > 0,
      90_000,
      'a finished minute',
    );
    expect(rows.find((r) => r.target_id === 'left' && r.cls === 'person')!.occupancy_max).toBeGreaterThan(0);
    expect(rows.some((r) => r.target_id === 'right' && r.cls !== 'person' && r.occupancy_max > 0)).toBe(true);
    // Roughly 2 samples per second over whatever part of the minute was sampled.
    expect(Math.max(...rows.map((r) => r.samples))).toBeLessThanOrEqual(125);
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const s = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series?from=${from}&to=${to}&bucket=1m`, { token: user });
    expect(s.status).toBe(200);
    expect(s.body.series.find((x: { targetId: string; cls: string }) => x.targetId === 'left' && x.cls === 'person').points.length).toBeGreaterThan(0);
    const columns = (await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'analytics_minutes'`))
      .map((c: { column_name: string }) => c.column_name)
      .sort();
    expect(columns).toEqual(['camera_id', 'cls', 'crossings', 'direction', 'kind', 'minute', 'occupancy_avg', 'occupancy_max', 'samples', 'target_id']);
  }, 120_000);
});
