import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Patterns, ServiceClient, serverTransport } from '@borderlens/contracts';
import { createMediaApp } from '../../apps/media/src/media.app';
import { auditOf, tokens } from '../support/policy';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { freeLoopbackPort } from '@borderlens/common';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { testKeyDir } from '../support/service-keys';
import { eventually } from '../support/media/harness';
import { makeOffer } from '../support/media/whep-offer';

/**
 * WHEP in the audit trail, end to end: the real gateway (Keycloak users, PostgreSQL) issues a grant,
 * the real media node serves and refuses WHEP requests and reports them over the sealed transport,
 * and the camera owner's auditor reads the entries: each session's start and end, and refusals as one
 * entry per cause and viewer per window, with the count.
 */
describe('WHEP sessions and refusals in the audit trail (gateway + media node)', () => {
  let dir: string;
  let temp: TempDatabase;
  let gw: TestGateway;
  let media: NestExpressApplication;
  let mediaUrl: string;
  let offer: { sdp: string; close: () => void };
  const token = tokens();
  let camera: string;
  let other: string;

  beforeAll(async () => {
    await ensureKeycloak();
    dir = mkdtempSync(join(tmpdir(), 'bl-whep-audit-'));
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url, env: { SERVICE_KEY_DIR: testKeyDir(dir), CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8' } });
    const port = await freeLoopbackPort();
    const mcfg = {
      ...gw.cfg,
      media: {
        ...gw.cfg.media,
        port,
        grantJwksUrl: `${gw.url}/api/v1/grants/jwks`,
        refusalAuditWindowSec: 1,
        maxSessionsPerGrant: 1,
        recordingDir: join(dir, 'rec'),
        clipDir: join(dir, 'clips'),
        rtmpPort: 0,
        srtPort: 0,
        diskMinFreeMb: 16,
      },
    };
    media = await createMediaApp(mcfg);
    media.connectMicroservice(serverTransport(mcfg, 'media'), { inheritAppConfig: true });
    await media.startAllMicroservices();
    await media.listen(port, '127.0.0.1');
    mediaUrl = `http://127.0.0.1:${port}`;
    // Two cameras of the fire service, watched by its own operator (no video needed: the session opens and waits).
    const admin = await token('hzs.admin');
    const make = async (name: string) => {
      const r = await api(gw.url, '/api/v1/cameras', {
        method: 'POST',
        token: admin,
        body: { name, kind: 'fixed', latitude: 50.23, longitude: 17.2, ingest: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/none' }, recordingEnabled: false },
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    camera = await make('HZS – audit test camera');
    other = await make('HZS – another camera');
    offer = await makeOffer('whep-audit');
  }, 120_000);

  afterAll(async () => {
    offer?.close();
    await media?.close();
    await gw?.close();
    await temp?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (grant: string, cam = camera) =>
    fetch(`${mediaUrl}/whep/${cam}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${grant}` }, body: offer.sdp });
  const whepEntries = async (cam: string) => (await auditOf(gw.url, await token('hzs.auditor'), `camera:${cam}`)).filter((e) => /^whep\./.test(e.details?.event ?? ''));

  it('audits a session start and end (who, camera, form, grant, session, duration) and refusals once per cause per viewer, with the count', async () => {
    const opened = await api(gw.url, `/api/v1/cameras/${camera}/sessions`, {
      method: 'POST',
      token: await token('hzs.operator'),
      body: { form: 'anonymized', purpose: 'audit of WHEP' },
    });
    expect(opened.status).toBe(201);
    const { grant, sessionId } = opened.body;
    const started = await post(grant);
    expect(started.status).toBe(201);
    const location = started.headers.get('location')!;
    // refusals while it runs: a second session on the same grant (429), the grant on another camera (403),
    // and a burst of garbage tokens from this address (401)
    for (let i = 0; i < 3; i++) expect((await post(grant)).status).toBe(429);
    expect((await post(grant, other)).status).toBe(403);
    for (let i = 0; i < 25; i++) expect((await post('not-a-jwt')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await fetch(`${mediaUrl}${location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${grant}` } })).status).toBe(200);

    const entries = await eventually(
      () => whepEntries(camera),
      (es) => es.length >= 4,
      15_000,
      'WHEP entries',
    );
    const start = entries.find((e) => e.details.event === 'whep.session.start');
    const end = entries.find((e) => e.details.event === 'whep.session.end');
    expect(start).toMatchObject({
      actorUser: 'hzs.operator',
      actorOrganisation: 'hzs-olk',
      operation: 'consultation',
      decision: 'permit',
      justification: 'audit of WHEP',
      policyIds: opened.body.policies,
      details: expect.objectContaining({ action: 'live.anonymized', form: 'anonymized', session: sessionId, incidents: [] }),
    });
    expect(start.details.grant).toMatch(/\S+/);
    expect(end).toMatchObject({
      actorUser: 'hzs.operator',
      decision: 'permit',
      details: expect.objectContaining({ session: sessionId, reason: 'ended by the viewer', grants: [start.details.grant] }),
    });
    expect(end.details.durationSec).toBeGreaterThanOrEqual(1.2);
    expect(end.details.durationSec).toBeLessThan(30);

    const refused = entries.filter((e) => e.details.event === 'whep.refused');
    // one entry per cause and viewer, however many attempts
    expect(refused.map((e) => [e.details.cause, e.details.count, e.decision]).sort()).toEqual([
      ['grant_invalid', 25, 'deny'],
      ['grant_sessions_exceeded', 3, 'deny'],
    ]);
    const limit = refused.find((e) => e.details.cause === 'grant_sessions_exceeded');
    expect(limit).toMatchObject({
      actorUser: 'hzs.operator',
      actorOrganisation: 'hzs-olk',
      details: expect.objectContaining({ status: 429, request: 'offer', session: sessionId }),
    });
    const garbage = refused.find((e) => e.details.cause === 'grant_invalid');
    expect(garbage.actorUser).toMatch(/^unknown \((::ffff:)?127\.0\.0\.1\)$/);
    expect(garbage.justification).toBe('WHEP offer refused: grant_invalid (25 times)');
    // the grant used on another camera: refused, audited on that camera with the grant's viewer
    const wrong = await eventually(
      () => whepEntries(other),
      (es) => es.length >= 1,
      10_000,
      'refusal on the other camera',
    );
    expect(wrong).toEqual([
      expect.objectContaining({ actorUser: 'hzs.operator', decision: 'deny', details: expect.objectContaining({ cause: 'grant_other_camera', count: 1, status: 403 }) }),
    ]);
    // the chain still verifies
    const verified = await api(gw.url, '/api/v1/audit/verify', { token: await token('hzs.auditor') });
    expect(verified.body).toMatchObject({ ok: true });
  }, 60_000);

  it('takes WHEP audit events only from media nodes', async () => {
    const rogue = ServiceClient.create(gw.cfg, 'anonymizer', 'gateway');
    try {
      await expect(rogue.send(Patterns.gateway.whepEvents, { events: [] })).rejects.toThrow();
    } finally {
      await rogue.close();
    }
    const asMedia = ServiceClient.create(gw.cfg, 'media', 'gateway');
    try {
      await expect(asMedia.send(Patterns.gateway.whepEvents, { events: [{ kind: 'start' }] })).rejects.toThrow(/not a WHEP session or refusal event/);
    } finally {
      await asMedia.close();
    }
  });
});
