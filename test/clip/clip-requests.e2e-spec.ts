import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { testKeyDir } from '../support/service-keys';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceClient, ServiceName } from '@borderlens/contracts';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { verifyClip } from '../../apps/gateway/src/clip/clip-manifest';
import type { Detector } from '../../apps/anonymizer/src/detection/detector';
import { activatePolicy } from '../support/policy';
import { api } from '../support/gateway';
import { ensureKeycloak, keycloakIssuer, passwordToken } from '../support/keycloak';
import { freeLoopbackPort } from '@borderlens/common';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { checkFrame, liveVisible, loadTestDetector } from '../support/media/detect';
import { AnonymizerProcess, eventually, portOpen } from '../support/media/harness';
import { buildTestVideo, whichScene, type Scene, type TestVideo } from '../../apps/media/test-tools/test-video';

const ROOT = resolve(__dirname, '../..');
const SEGMENT_SEC = 4;

/** The media node in a child process, so the test can kill it mid-export like a crash. */
class MediaProcess {
  private child?: ChildProcess;
  output = '';
  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/media/ts-child.js'), 'apps/media/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (c) => (this.output = (this.output + c).slice(-4000)));
    child.stderr!.on('data', (c) => (this.output = (this.output + c).slice(-4000)));
    await eventually(
      async () => (child.exitCode === null ? portOpen(Number(this.env.TRANSPORT_MEDIA_PORT)) : Promise.reject(new Error(`media exited: ${this.output}`))),
      Boolean,
      90_000,
      'media node listening',
    );
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}

/** Frames of an MP4 as RGBA, `fps` per second. */
function framesOf(file: string, width: number, height: number, fps: number): Buffer[] {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
    maxBuffer: 1 << 30,
  });
  const size = width * height * 4;
  const out: Buffer[] = [];
  for (let i = 0; i + size <= raw.length; i += size) out.push(raw.subarray(i, i + size));
  return out;
}

/** Server-sent events of a request until the stream ends: the states and percents seen. */
async function events(url: string, token: string, timeoutMs: number): Promise<{ state: string; percent: number; etaSec: number | null }[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(timeoutMs) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const seen: { state: string; percent: number; etaSec: number | null }[] = [];
  let buf = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('');
      if (data) {
        const d = JSON.parse(data);
        seen.push({ state: d.state, percent: d.percent, etaSec: d.etaSec });
      }
    }
  }
  return seen;
}

/**
 * Clip requests end to end with the real Keycloak users, the real gateway (PostgreSQL), a media node
 * in its own process and the anonymizer: a Gmina Nysa user asks for a clip of a Jeseník camera, a
 * Jeseník legal officer approves, the export runs (and survives restarts), the download is audited,
 * and the signed manifest verifies offline.
 */
describe('clip requests (gateway + media + anonymizer)', () => {
  let dir: string;
  let temp: TempDatabase;
  let cfg: BorderlensConfig;
  let env: Record<string, string>;
  let gw: INestApplication;
  let url: string;
  let media: MediaProcess;
  let anonymizer: AnonymizerProcess;
  let video: TestVideo;
  let detector: Detector;
  let visible: Pick<Scene, 'faces' | 'plates'>[];
  let jesenikCamera: string;
  let hzsCamera: string;
  let nysaCamera: string;
  let recordedFrom: number;
  let recordedTo: number;
  const tokens = new Map<string, string>();
  const token = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, await passwordToken(user));
    return tokens.get(user)!;
  };

  const startGateway = async () => {
    gw = await createGateway(cfg);
    await gw.startAllMicroservices();
    await gw.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(gw.getHttpServer().address() as { port: number }).port}`;
  };

  /** Recorded segments (MPEG-TS, named by their start time) of the face-and-plate video, as the media node writes them. */
  const writeSegments = (cameraId: string, start: number) => {
    const camDir = join(dir, 'data', 'recordings', cameraId);
    const tmp = join(dir, `seg-${cameraId}`);
    mkdirSync(camDir, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      video.file,
      '-t',
      '60',
      '-c',
      'copy',
      '-bsf:v',
      'h264_mp4toannexb',
      '-f',
      'segment',
      '-segment_time',
      String(SEGMENT_SEC),
      '-segment_list',
      join(tmp, 'list.csv'),
      '-segment_list_type',
      'csv',
      '-reset_timestamps',
      '1',
      join(tmp, 's%03d.ts'),
    ]);
    for (const line of readFileSync(join(tmp, 'list.csv'), 'utf8').trim().split('\n')) {
      const [name, from] = line.split(',');
      const iso = new Date(start + Number(from) * 1000).toISOString();
      renameSync(join(tmp, name), join(camDir, `${iso.slice(0, 19).replace(/[-:]/g, '')}.${iso.slice(20, 23)}Z.ts`));
    }
  };

  beforeAll(async () => {
    await ensureKeycloak();
    dir = mkdtempSync(join(tmpdir(), 'bl-cliprq-'));
    temp = await createTempDatabase();
    env = {
      BORDERLENS_DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'error',
      SERVICE_KEY_DIR: testKeyDir(dir),
      DATABASE_URL: temp.url,
      KEYCLOAK_ISSUER: keycloakIssuer(),
      GATEWAY_PORT: '0',
      TRANSPORT_HOST: '127.0.0.1',
      TRANSPORT_GATEWAY_PORT: String(await freeLoopbackPort()),
      TRANSPORT_MEDIA_PORT: String(await freeLoopbackPort()),
      TRANSPORT_ANONYMIZER_PORT: String(await freeLoopbackPort()),
      TRANSPORT_TIMEOUT_MS: '5000',
      MEDIA_HOST: '127.0.0.1',
      MEDIA_PORT: String(await freeLoopbackPort()),
      MEDIA_RTMP_PORT: '0',
      MEDIA_SRT_PORT: '0',
      MEDIA_DISK_MIN_FREE_MB: '16',
      MEDIA_SEGMENT_SEC: String(SEGMENT_SEC),
      ANONYMIZER_MODEL_DIR: resolve(ROOT, '../shared/models'),
      CLIPS_CHECK_INTERVAL_SEC: '0.5',
      // registered-only cameras on a documentation range; the recorded test camera on loopback
      CAMERAS_ALLOWED_NETWORKS: '198.51.100.0/24,127.0.0.0/8',
      CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8',
    };
    cfg = loadConfig(env, undefined);
    await startGateway();
    const camera = async (admin: string, name: string) => {
      const r = await api(url, '/api/v1/cameras', {
        method: 'POST',
        token: await token(admin),
        body: { name, kind: 'fixed', latitude: 50.23, longitude: 17.2, recordingEnabled: false, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.5/live' } },
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    jesenikCamera = await camera('jesenik.admin', 'Jeseník – most přes Bělou');
    hzsCamera = await camera('hzs.admin', 'HZS – výjezd Jeseník');
    nysaCamera = await camera('nysa.admin', 'Nysa – most na Białej');
    video = await buildTestVideo(dir, { minutes: 1 });
    // recorded from 10 minutes ago, 60 s long
    recordedFrom = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    writeSegments(jesenikCamera, recordedFrom);
    writeSegments(hzsCamera, recordedFrom);
    writeSegments(nysaCamera, recordedFrom);
    recordedTo = recordedFrom + 60_000;
    anonymizer = new AnonymizerProcess(env);
    await anonymizer.start();
    media = new MediaProcess(env);
    await media.start();
    // the media node reports the segments it finds on start
    await eventually(
      async () => (await gw.get(DataSource).query('SELECT count(*)::int AS n FROM recording_segments'))[0].n,
      (n) => n >= 42,
      60_000,
      'segments indexed',
    );
    detector = await loadTestDetector(cfg);
    visible = [];
    for (const s of video.scenes) visible.push(await liveVisible(detector, cfg, s, video.width, video.height));
  }, 400_000);

  afterAll(async () => {
    await media?.kill();
    await anonymizer?.kill();
    await gw?.close();
    await temp?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const at = (sec: number) => new Date(recordedFrom + sec * 1000).toISOString();
  const request = async (user: string, body: Record<string, unknown>) =>
    api(url, '/api/v1/clip-requests', {
      method: 'POST',
      token: await token(user),
      body: {
        cameraId: jesenikCamera,
        from: at(10),
        to: at(18),
        form: 'anonymized',
        purpose: 'infrastructure-damage',
        justification: 'Flood wave passing the bridge; damage assessment',
        ...body,
      },
    });
  const get = async (user: string, id: string) => api(url, `/api/v1/clip-requests/${id}`, { token: await token(user) });
  const waitState = (user: string, id: string, state: string, ms = 180_000) =>
    eventually(
      async () => (await get(user, id)).body,
      (b) => b.state === state || b.state === 'failed',
      ms,
      `clip ${id} ${state}`,
    );
  const auditOf = async (id: string) =>
    (await gw
      .get(DataSource)
      .query(
        `SELECT seq, operation, actor_user AS "actor", actor_organisation AS "organisation", decision, recipient, justification, policy_ids AS "policyIds", details FROM audit_entries WHERE object = $1 ORDER BY seq::bigint`,
        [`clip:${id}`],
      )) as {
      seq: string;
      operation: string;
      actor: string;
      organisation: string;
      decision: string;
      recipient: string;
      justification: string;
      policyIds: string[];
      details: Record<string, unknown>;
    }[];
  const download = (link: string, user: string) => token(user).then((t) => fetch(link, { headers: { authorization: `Bearer ${t}` } }));
  const verifyCli = (clip: string, manifest: string) =>
    spawnSync(process.execPath, [join(ROOT, 'test/support/media/ts-child.js'), 'apps/gateway/src/cli/clip-verify.ts', clip, manifest], { cwd: ROOT, encoding: 'utf8' });

  it('lists what a camera recorded (merged ranges and gaps) for users allowed to request clips, and shows only anonymized stills', async () => {
    const r = await api(url, `/api/v1/cameras/${jesenikCamera}/recordings?from=${at(-60)}&to=${at(120)}`, { token: await token('nysa.municipal') });
    expect(r.status).toBe(200);
    expect(r.body.actions).toContain('clip.request');
    expect(r.body.ranges).toHaveLength(1);
    expect(Date.parse(r.body.ranges[0].from)).toBe(recordedFrom);
    expect(Math.abs(Date.parse(r.body.ranges[0].to) - recordedTo)).toBeLessThan(1000);
    expect(r.body.gaps).toHaveLength(2);
    // the owner's administrator sees the camera (camera.manage) but may neither consult recordings nor request clips
    const admin = await api(url, `/api/v1/cameras/${jesenikCamera}/recordings`, { token: await token('jesenik.admin') });
    expect([admin.status, admin.body.error.code]).toEqual([403, 'recordings_forbidden']);
    const adminStill = await api(url, `/api/v1/cameras/${jesenikCamera}/recordings/still?at=${at(11)}`, { token: await token('jesenik.admin') });
    expect(adminStill.status).toBe(403);
    const gap = await api(url, `/api/v1/cameras/${jesenikCamera}/recordings/still?at=${at(90)}`, { token: await token('nysa.municipal') });
    expect([gap.status, gap.body.error.code]).toEqual([400, 'clip_range_not_recorded']);
    const still = await fetch(`${url}/api/v1/cameras/${jesenikCamera}/recordings/still?at=${at(11)}&width=1280`, {
      headers: { authorization: `Bearer ${await token('nysa.municipal')}` },
    });
    expect(still.status).toBe(200);
    expect(still.headers.get('content-type')).toBe('image/jpeg');
    expect(still.headers.get('x-masked')).toBe('false');
    const rgba = Buffer.from(
      await (
        await import('sharp')
      )
        .default(Buffer.from(await still.arrayBuffer()))
        .ensureAlpha()
        .raw()
        .toBuffer(),
    );
    const { scene } = await whichScene(video, rgba, 1280, 720, 40);
    expect(scene).not.toBeNull();
    const c = await checkFrame(detector, rgba, 1280, 720, visible[video.scenes.indexOf(scene!)]);
    expect(c.faces.found).toBe(0);
  }, 120_000);

  it('refuses ranges outside what is recorded, beyond retention, too long, in the future', async () => {
    const notRecorded = await request('nysa.municipal', { from: at(50), to: at(70) });
    expect([notRecorded.status, notRecorded.body.error.code]).toEqual([400, 'clip_range_not_recorded']);
    expect(notRecorded.body.error.details.ranges).toHaveLength(1);
    const old = new Date(Date.now() - 400 * 86_400_000);
    const beyond = await request('nysa.municipal', { from: old.toISOString(), to: new Date(old.getTime() + 10_000).toISOString() });
    expect([beyond.status, beyond.body.error.code]).toEqual([400, 'clip_range_beyond_retention']);
    const long = await request('nysa.municipal', { from: at(-3700), to: at(10) });
    expect([long.status, long.body.error.code]).toEqual([400, 'clip_too_long']);
    const future = await request('nysa.municipal', { from: new Date(Date.now() + 60_000).toISOString(), to: new Date(Date.now() + 70_000).toISOString() });
    expect([future.status, future.body.error.code]).toEqual([400, 'clip_range_invalid']);
    const raw = await request('nysa.municipal', { form: 'raw' });
    expect([raw.status, raw.body.error.code]).toEqual([403, 'clip_raw_denied']);
    expect(raw.body.error.details.reasons.join()).toMatch(/anonymized/i);
    const noJustification = await request('nysa.municipal', { justification: '' });
    expect([noJustification.status, noJustification.body.error.code]).toEqual([400, 'validation_failed']);
  });

  it('refuses path traversal and malformed ids in every id and file parameter', async () => {
    const t = await token('nysa.municipal');
    for (const path of [
      '/api/v1/clip-requests/..%2F..%2Fetc%2Fpasswd',
      '/api/v1/clip-requests/%2E%2E',
      '/api/v1/clip-requests/..%2Fx/events',
      '/api/v1/clips/..%2F..%2Fetc%2Fpasswd/manifest',
      '/api/v1/clips/..%2F..%2Fetc%2Fpasswd/download?token=x',
      `/api/v1/cameras/..%2F${jesenikCamera}/recordings`,
      '/api/v1/cameras/..%2F..%2Fetc/recordings/still?at=2026-01-01T00:00:00Z',
    ]) {
      const r = await api(url, path, { token: t });
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body.error.code).toMatch(/not_found$/);
    }
    for (const [method, path] of [
      ['POST', '/api/v1/clip-requests/..%2F..%2Fx/approve'],
      ['POST', '/api/v1/clip-requests/..%2F/hold'],
      ['POST', '/api/v1/clip-requests/..%2F/cancel'],
    ] as const) {
      const r = await api(url, path, { method, token: t, body: { reason: 'x' } });
      expect([path, r.status]).toEqual([path, 404]);
    }
    const badCamera = await request('nysa.municipal', { cameraId: '../../etc/passwd' });
    expect([badCamera.status, badCamera.body.error.code]).toEqual([400, 'validation_failed']);
    // the media node refuses such names itself
    const asGateway = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
    try {
      await expect(asGateway.send(Patterns.media.clipRead, { clipId: '../../etc/passwd', offset: 0 })).rejects.toThrow(/clipId/);
      await expect(asGateway.send(Patterns.media.clipDelete, { clipId: '../recordings' })).rejects.toThrow(/clipId/);
      await expect(asGateway.send(Patterns.media.clipExport, { clipId: 'x/../../y', cameraId: jesenikCamera, from: at(1), to: at(2), form: 'raw' })).rejects.toThrow(/clipId/);
      await expect(asGateway.send(Patterns.media.recordingStill, { cameraId: '../..', at: at(1) })).rejects.toThrow(/camera id/);
    } finally {
      await asGateway.close();
    }
  });

  let anonymizedId: string;
  let link: string;
  let clipFile: string;
  let manifestFile: string;

  it('a Gmina Nysa user asks for an anonymized clip of a Jeseník camera; no self or foreign approval; a Jeseník legal officer approves; progress streams; the download is anonymized, watermarked and audited', async () => {
    const created = await request('nysa.municipal', { caseReference: 'GN-2026/117' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'submitted',
      form: 'anonymized',
      requester: { organisation: 'gmina-nysa', country: 'PL' },
      obligations: { ownerApproval: true },
      deadlineAt: null,
      overdue: false,
    });
    anonymizedId = created.body.id;

    // the queue of the owner's legal officer holds it; a foreign one's does not
    expect((await api(url, '/api/v1/clip-requests/queue', { token: await token('jesenik.legal') })).body.map((r: { id: string }) => r.id)).toContain(anonymizedId);
    expect((await api(url, '/api/v1/clip-requests/queue', { token: await token('nysa.legal') })).body.map((r: { id: string }) => r.id)).not.toContain(anonymizedId);
    expect((await get('nysa.legal', anonymizedId)).status).toBe(404);
    expect((await api(url, '/api/v1/clip-requests', { token: await token('nysa.municipal') })).body.map((r: { id: string }) => r.id)).toContain(anonymizedId);

    const approve = async (user: string) =>
      api(url, `/api/v1/clip-requests/${anonymizedId}/approve`, { method: 'POST', token: await token(user), body: { reason: 'proportionate to the flood assessment' } });
    const self = await approve('nysa.municipal');
    expect([self.status, self.body.error.code]).toEqual([403, 'clip_self_approval']);
    const foreign = await approve('nysa.legal');
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'clip_approve_denied']);
    const otherOrganisation = await approve('hzs.legal');
    expect([otherOrganisation.status, otherOrganisation.body.error.code]).toEqual([403, 'clip_approve_denied']);

    const stream = events(`${url}/api/v1/clip-requests/${anonymizedId}/events`, await token('nysa.municipal'), 240_000);
    const ok = await approve('jesenik.legal');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'approved', decision: { by: 'jesenik.legal', organisation: 'mesto-jesenik', reason: 'proportionate to the flood assessment' } });
    const again = await approve('jesenik.legal');
    expect([again.status, again.body.error.code]).toEqual([409, 'clip_not_pending']);

    const seen = await stream;
    const states = seen.map((s) => s.state);
    expect(states[0]).toBe('submitted');
    expect(states).toContain('exporting');
    expect(states[states.length - 1]).toBe('ready');
    const percents = seen.filter((s) => s.state === 'exporting').map((s) => s.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(seen.some((s) => s.state === 'exporting' && s.percent > 0 && s.etaSec !== null)).toBe(true);

    const ready = (await get('nysa.municipal', anonymizedId)).body;
    expect(ready).toMatchObject({
      state: 'ready',
      percent: 100,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      downloadUrl: expect.stringContaining(`/api/v1/clips/${anonymizedId}/download?token=`),
    });
    // the approver sees the request, but the download link is the requester's only
    expect((await get('jesenik.legal', anonymizedId)).body).toMatchObject({ state: 'ready', downloadUrl: null });
    link = ready.downloadUrl.replace(cfg.gateway.publicUrl, url);

    const res = await download(link, 'nysa.municipal');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ready.sha256);
    expect(res.headers.get('x-content-sha256')).toBe(ready.sha256);
    clipFile = join(dir, 'clip.mp4');
    writeFileSync(clipFile, bytes);

    // anonymized: the independent detector finds no face or plate the live detection could see
    const frames = framesOf(clipFile, 1280, 720, 1);
    expect(frames.length).toBeGreaterThanOrEqual(7);
    let scenes = 0;
    for (const f of frames) {
      const { scene } = await whichScene(video, f, 1280, 720, 40);
      if (!scene) continue;
      scenes++;
      const c = await checkFrame(detector, f, 1280, 720, visible[video.scenes.indexOf(scene)]);
      expect(c.faces.found + c.plates.found).toBe(0);
    }
    expect(scenes).toBeGreaterThan(frames.length / 2);
    // watermark: a dark band with light text, bottom left, on every frame
    for (const f of frames) {
      let dark = 0;
      for (let y = 690; y < 712; y++) for (let x = 10; x < 600; x++) if (f[(y * 1280 + x) * 4 + 1] < 30) dark++;
      expect(dark).toBeGreaterThan(2000);
    }

    const manifest = await api(url, `/api/v1/clips/${anonymizedId}/manifest`, { token: await token('nysa.municipal') });
    expect(manifest.status).toBe(200);
    expect(manifest.body.manifest).toMatchObject({
      requestId: anonymizedId,
      file: { sha256: ready.sha256, bytes: bytes.length, form: 'anonymized', watermark: `FOR gmina-nysa CLIP ${anonymizedId}` },
      camera: { id: jesenikCamera, owner: { id: 'mesto-jesenik', country: 'CZ' }, jurisdiction: 'CZ' },
      range: { from: at(10), to: at(18) },
      requester: { user: 'nysa.municipal', organisation: 'gmina-nysa', country: 'PL' },
      approver: { user: 'jesenik.legal', organisation: 'mesto-jesenik' },
      purpose: { category: 'infrastructure-damage', caseReference: 'GN-2026/117' },
      policyVersions: { CZ: expect.any(Number), PL: expect.any(Number) },
      anonymizer: { models: expect.arrayContaining([expect.objectContaining({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]) },
    });
    expect(manifest.body.manifest.legalBasis.rules.length).toBeGreaterThan(0);
    manifestFile = join(dir, 'manifest.json');
    writeFileSync(manifestFile, JSON.stringify(manifest.body, null, 2));
    const jwks = await api(url, '/api/v1/clips/jwks');
    expect(jwks.body.keys[0].kid).toBe(manifest.body.key.kid);
    expect(await verifyClip(bytes, readFileSync(manifestFile, 'utf8'), jwks.body)).toMatchObject({ ok: true });

    // every step is in the audit trail, the manifest lists them
    const trail = await auditOf(anonymizedId);
    const steps = trail.map((e) => `${e.operation}:${e.decision}:${e.actor}`);
    expect(steps).toEqual(
      expect.arrayContaining([
        'collection:submitted:nysa.municipal',
        'consultation:deny:nysa.municipal',
        'consultation:deny:nysa.legal',
        'consultation:deny:hzs.legal',
        'alteration:approved:jesenik.legal',
        'collection:ready:system',
        'disclosure:download:nysa.municipal',
      ]),
    );
    const submitted = trail.find((e) => e.decision === 'submitted')!;
    expect(submitted).toMatchObject({
      organisation: 'gmina-nysa',
      justification: expect.stringContaining('Flood wave'),
      details: expect.objectContaining({ camera: jesenikCamera, form: 'anonymized', from: at(10), to: at(18) }),
    });
    expect(submitted.policyIds.length).toBeGreaterThan(0);
    expect(trail.find((e) => e.decision === 'approved')).toMatchObject({ recipient: 'gmina-nysa (PL)', justification: 'proportionate to the flood assessment' });
    expect(trail.find((e) => e.decision === 'download')).toMatchObject({
      recipient: 'gmina-nysa (PL)',
      details: expect.objectContaining({ transfer: 'cross-border', sha256: ready.sha256 }),
    });
    const listed = manifest.body.manifest.audit.map((a: { seq: string }) => a.seq);
    for (const e of trail.filter((x) => Number(x.seq) <= Number(listed[listed.length - 1]))) expect(listed).toContain(String(e.seq));
  }, 300_000);

  it('clip:verify accepts the clip and names a changed byte in the file or in the manifest', () => {
    const good = verifyCli(clipFile, manifestFile);
    expect(good.stdout).toMatch(/^VALID/);
    expect(good.status).toBe(0);
    const bytes = readFileSync(clipFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    const changedClip = join(dir, 'changed.mp4');
    writeFileSync(changedClip, bytes);
    const badFile = verifyCli(changedClip, manifestFile);
    expect(badFile.status).toBe(1);
    expect(badFile.stdout).toMatch(/NOT VALID[\s\S]*SHA-256/);
    const text = readFileSync(manifestFile, 'utf8');
    const changedManifest = join(dir, 'changed.json');
    writeFileSync(changedManifest, text.replace('"GN-2026/117"', '"GN-2026/118"'));
    const badManifest = verifyCli(clipFile, changedManifest);
    expect(badManifest.status).toBe(1);
    expect(badManifest.stdout).toMatch(/signature does not match/);
  }, 120_000);

  it('a link is bound to its requester: another user or an altered token gets 403; after expiry the file is erased (audited) and the link answers 410; a legal hold keeps it', async () => {
    const foreign = await download(link, 'jesenik.legal');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as any).error.code).toBe('download_link_foreign');
    const [base, tok] = link.split('?token=');
    const [h, p, s] = tok.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const longer = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 * 365 })).toString('base64url')}.${s}`;
    const tampered = await download(`${base}?token=${longer}`, 'nysa.municipal');
    expect(tampered.status).toBe(403);
    expect(((await tampered.json()) as any).error.code).toBe('download_link_invalid');
    const traversal = await download(`${base}?token=..%2F..%2Fetc%2Fpasswd`, 'nysa.municipal');
    expect(traversal.status).toBe(403);

    // a legal hold by the owner's legal officer keeps the file past its download period
    const selfHold = await api(url, `/api/v1/clip-requests/${anonymizedId}/hold`, { method: 'POST', token: await token('nysa.legal'), body: { reason: 'x' } });
    expect(selfHold.status).toBe(403);
    const hold = await api(url, `/api/v1/clip-requests/${anonymizedId}/hold`, {
      method: 'POST',
      token: await token('jesenik.legal'),
      body: { reason: 'court proceedings pending' },
    });
    expect(hold.body).toMatchObject({ legalHold: true, holdReason: 'court proceedings pending' });
    await gw.get(DataSource).query(`UPDATE clip_requests SET expires_at = now() - interval '1 minute' WHERE id = $1`, [anonymizedId]);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await get('nysa.municipal', anonymizedId)).body.state).toBe('ready');
    expect((await download(link, 'nysa.municipal')).status).toBe(200);

    const release = await api(url, `/api/v1/clip-requests/${anonymizedId}/release`, {
      method: 'POST',
      token: await token('jesenik.legal'),
      body: { reason: 'proceedings closed' },
    });
    expect(release.body).toMatchObject({ legalHold: false });
    await waitState('nysa.municipal', anonymizedId, 'expired', 30_000);
    const gone = await download(link, 'nysa.municipal');
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as any).error.code).toBe('clip_expired');
    expect(readdirSync(join(dir, 'data', 'clips')).filter((f) => f.startsWith(anonymizedId))).toEqual([]);
    const trail = await auditOf(anonymizedId);
    expect(trail.map((e) => `${e.operation}:${e.decision}`)).toEqual(expect.arrayContaining(['alteration:legal-hold', 'alteration:legal-hold-released', 'erasure:done']));
    expect(trail.find((e) => e.operation === 'erasure')).toMatchObject({ actor: 'system', justification: 'download period elapsed' });
  }, 120_000);

  it('a raw clip: the owner organisation operator asks, its legal officer approves, the export copies without redaction but watermarked', async () => {
    const created = await api(url, '/api/v1/clip-requests', {
      method: 'POST',
      token: await token('hzs.operator'),
      body: { cameraId: hzsCamera, from: at(20), to: at(26), form: 'raw', purpose: 'accident-investigation', justification: 'crash at the exit' },
    });
    expect(created.status).toBe(201);
    expect(created.body.policies.join()).toMatch(/raw/);
    const ok = await api(url, `/api/v1/clip-requests/${created.body.id}/approve`, { method: 'POST', token: await token('hzs.legal'), body: { reason: 'ok' } });
    expect(ok.status).toBe(200);
    const ready = await waitState('hzs.operator', created.body.id, 'ready');
    expect(ready.state).toBe('ready');
    const res = await download(ready.downloadUrl.replace(cfg.gateway.publicUrl, url), 'hzs.operator');
    const bytes = Buffer.from(await res.arrayBuffer());
    const file = join(dir, 'raw.mp4');
    writeFileSync(file, bytes);
    let found = 0;
    for (const f of framesOf(file, 1280, 720, 1)) {
      const { scene } = await whichScene(video, f, 1280, 720, 40);
      if (scene) found += (await checkFrame(detector, f, 1280, 720, scene)).faces.found;
    }
    expect(found).toBeGreaterThan(0);
    const manifest = await api(url, `/api/v1/clips/${created.body.id}/manifest`, { token: await token('hzs.operator') });
    expect(manifest.body.manifest).toMatchObject({ file: { form: 'raw' }, anonymizer: null });
    expect((await auditOf(created.body.id)).find((e) => e.decision === 'download')).toMatchObject({
      recipient: 'hzs-olk (CZ)',
      details: expect.objectContaining({ transfer: 'domestic' }),
    });
  }, 240_000);

  it('a raw clip across the border: once the rules of both countries permit it, a Czech fire operator gets raw footage of a Nysa camera approved by the Nysa legal officer', async () => {
    const ask = async () =>
      api(url, '/api/v1/clip-requests', {
        method: 'POST',
        token: await token('hzs.operator'),
        body: { cameraId: nysaCamera, from: at(44), to: at(50), form: 'raw', purpose: 'emergency-response', justification: 'fire at the border crossing, identify the vehicle' },
      });
    const before = await ask();
    expect([before.status, before.body.error.code]).toEqual([403, 'clip_raw_denied']);
    // The legal officers of each country add a rule: PL lets raw footage out to fire services (export), CZ lets it in (import).
    const rule = (j: string) =>
      `\n@id("${j.toLowerCase()}-raw-clip-fire")\n@reason("Fire services obtain raw clips for investigations, with the owner's approval")\n@purpose_required("true")\n@watermark("true")\n@owner_approval("true")\npermit (principal, action == BorderLens::Action::"recording.raw", resource is BorderLens::Camera)\nwhen { principal.organisation.kind == "fire" };\n`;
    for (const [j, officer] of [
      ['PL', 'nysa.legal'],
      ['CZ', 'hzs.legal'],
    ]) {
      const active = await api(url, `/api/v1/policies/${j}`, { token: await token(officer) });
      const draft = await api(url, `/api/v1/policies/${j}/drafts`, {
        method: 'POST',
        token: await token(officer),
        body: { text: active.body.text + rule(j), reason: 'raw clips for fire investigations' },
      });
      expect(draft.status).toBe(201);
      expect((await activatePolicy(url, token, officer, j, draft.body.version, 'agreed by both partners')).status).toBe(200);
    }
    const created = await eventually(ask, (r) => r.status !== 403, 15_000, 'raw permitted');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'submitted', form: 'raw', requester: { organisation: 'hzs-olk', country: 'CZ' } });
    expect(created.body.policies).toEqual(expect.arrayContaining(['PL@2:pl-raw-clip-fire', 'CZ@2:cz-raw-clip-fire']));
    const foreign = await api(url, `/api/v1/clip-requests/${created.body.id}/approve`, { method: 'POST', token: await token('hzs.legal'), body: { reason: 'x' } });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'clip_approve_denied']);
    const ok = await api(url, `/api/v1/clip-requests/${created.body.id}/approve`, {
      method: 'POST',
      token: await token('nysa.legal'),
      body: { reason: 'zgoda: dochodzenie pożarowe' },
    });
    expect(ok.status).toBe(200);
    const ready = await waitState('hzs.operator', created.body.id, 'ready');
    expect(ready.state).toBe('ready');
    const res = await download(ready.downloadUrl.replace(cfg.gateway.publicUrl, url), 'hzs.operator');
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const file = join(dir, 'raw-cross.mp4');
    writeFileSync(file, bytes);
    let found = 0;
    for (const f of framesOf(file, 1280, 720, 1)) {
      const { scene } = await whichScene(video, f, 1280, 720, 40);
      if (scene) found += (await checkFrame(detector, f, 1280, 720, scene)).faces.found;
    }
    expect(found).toBeGreaterThan(0);
    const manifest = (await api(url, `/api/v1/clips/${created.body.id}/manifest`, { token: await token('hzs.operator') })).body;
    expect(manifest.manifest).toMatchObject({
      file: { form: 'raw', watermark: `FOR hzs-olk CLIP ${created.body.id}` },
      camera: { jurisdiction: 'PL', owner: { id: 'gmina-nysa' } },
      approver: { user: 'nysa.legal' },
      policyVersions: { PL: 2, CZ: 2 },
      anonymizer: null,
    });
    expect(await verifyClip(bytes, JSON.stringify(manifest))).toMatchObject({ ok: true });
    const trail = await auditOf(created.body.id);
    expect(trail.find((e) => e.decision === 'approved')).toMatchObject({ actor: 'nysa.legal', recipient: 'hzs-olk (CZ)' });
    expect(trail.find((e) => e.decision === 'download')).toMatchObject({ recipient: 'hzs-olk (CZ)', details: expect.objectContaining({ transfer: 'cross-border', form: 'raw' }) });
  }, 240_000);

  it('documents the API in OpenAPI with examples', async () => {
    const doc = await api(url, '/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/clip-requests',
        '/api/v1/clip-requests/queue',
        '/api/v1/clip-requests/{id}',
        '/api/v1/clip-requests/{id}/events',
        '/api/v1/clip-requests/{id}/approve',
        '/api/v1/clip-requests/{id}/reject',
        '/api/v1/clip-requests/{id}/cancel',
        '/api/v1/clip-requests/{id}/hold',
        '/api/v1/clip-requests/{id}/release',
        '/api/v1/clips/{id}/download',
        '/api/v1/clips/{id}/manifest',
        '/api/v1/clips/jwks',
        '/api/v1/cameras/{id}/recordings',
        '/api/v1/cameras/{id}/recordings/still',
      ]),
    );
    expect(doc.body.components.schemas.CreateClipRequestDto.properties.justification.example).toMatch(/Flood/);
    expect(doc.body.components.schemas.CreateClipRequestDto.required).toEqual(expect.arrayContaining(['cameraId', 'from', 'to', 'form', 'purpose', 'justification']));
  });

  it('rejection with a reason ends the request; a withdrawn request cannot be approved', async () => {
    const a = await request('nysa.municipal', { from: at(30), to: at(34) });
    const rejected = await api(url, `/api/v1/clip-requests/${a.body.id}/reject`, {
      method: 'POST',
      token: await token('jesenik.legal'),
      body: { reason: 'purpose not proportionate' },
    });
    expect(rejected.body).toMatchObject({ state: 'rejected', decision: { by: 'jesenik.legal', reason: 'purpose not proportionate' } });
    const late = await api(url, `/api/v1/clip-requests/${a.body.id}/approve`, { method: 'POST', token: await token('jesenik.legal'), body: { reason: 'x' } });
    expect([late.status, late.body.error.code]).toEqual([409, 'clip_not_pending']);
    expect((await auditOf(a.body.id)).map((e) => e.decision)).toEqual(['submitted', 'rejected']);

    const b = await request('nysa.municipal', { from: at(30), to: at(34) });
    const notOwn = await api(url, `/api/v1/clip-requests/${b.body.id}/cancel`, { method: 'POST', token: await token('jesenik.legal'), body: { reason: 'x' } });
    expect([notOwn.status, notOwn.body.error.code]).toEqual([403, 'clip_not_requester']);
    const cancelled = await api(url, `/api/v1/clip-requests/${b.body.id}/cancel`, { method: 'POST', token: await token('nysa.municipal'), body: { reason: 'no longer needed' } });
    expect(cancelled.body.state).toBe('cancelled');
    const afterCancel = await api(url, `/api/v1/clip-requests/${b.body.id}/approve`, { method: 'POST', token: await token('jesenik.legal'), body: { reason: 'x' } });
    expect(afterCancel.status).toBe(409);
  });

  it('an export survives a gateway restart and a media node crash mid-export, and ends ready', async () => {
    const submit = async (from: number) => {
      const c = await request('nysa.municipal', { from: at(from), to: at(from + 12) });
      expect(c.status).toBe(201);
      await api(url, `/api/v1/clip-requests/${c.body.id}/approve`, { method: 'POST', token: await token('jesenik.legal'), body: { reason: 'ok' } });
      await eventually(
        async () => (await get('nysa.municipal', c.body.id)).body,
        (b) => b.state === 'exporting' && b.percent > 5,
        60_000,
        'export under way',
      );
      return c.body.id as string;
    };

    // gateway restart: the job's state is in the database; the media node goes on exporting
    const first = await submit(36);
    await gw.close();
    tokens.clear();
    await startGateway();
    const r1 = await waitState('nysa.municipal', first, 'ready');
    expect(r1.state).toBe('ready');

    // media node crash: the export is lost with it; the gateway starts it again
    const second = await submit(40);
    await media.kill();
    await media.start();
    const r2 = await waitState('nysa.municipal', second, 'ready');
    expect(r2.state).toBe('ready');
    expect((await auditOf(second)).map((e) => e.decision)).toContain('export-restarted');
    const res = await download(r2.downloadUrl.replace(cfg.gateway.publicUrl, url), 'nysa.municipal');
    const bytes = Buffer.from(await res.arrayBuffer());
    const manifest = (await api(url, `/api/v1/clips/${second}/manifest`, { token: await token('nysa.municipal') })).body;
    expect(await verifyClip(bytes, JSON.stringify(manifest))).toMatchObject({ ok: true });
    // no partial file is left behind
    expect(readdirSync(join(dir, 'data', 'clips')).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 400_000);
});
