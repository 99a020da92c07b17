import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Patterns, ServiceClient } from '@borderlens/contracts';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { testKeyDir } from '../support/service-keys';
import { auditOf, tokens } from '../support/policy';

const DAY = 86_400_000;

/**
 * The periodic review of data under the Law Enforcement Directive (LED Art. 5; CJEU C-118/22) through
 * the real API with the realm's users: the police (legal regime `led`) owe a review of each camera's
 * recordings and clips under legal hold every cameras.ledReviewDays (90 by default); its legal
 * officer sees when each is due and whether it is overdue, and records reviews with a reason (audited).
 */
describe('periodic review of data under the Law Enforcement Directive (Keycloak, PostgreSQL)', () => {
  let dir: string;
  let temp: TempDatabase;
  let gw: TestGateway;
  let db: DataSource;
  const token = tokens();
  let police: { id: string; name: string; createdAt: string; retentionDays: number }[];
  let hzsCamera: string;

  beforeAll(async () => {
    await ensureKeycloak();
    dir = mkdtempSync(join(tmpdir(), 'bl-review-'));
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url, env: { SERVICE_KEY_DIR: testKeyDir(dir) } });
    db = gw.app.get(DataSource);
    const cams = (await api(gw.url, '/api/v1/cameras', { token: await token('policie.admin') })).body as {
      id: string;
      name: string;
      organisationId: string;
      createdAt: string;
      retentionDays: number;
    }[];
    police = cams.filter((c) => c.organisationId === 'policie-olk');
    expect(police.length).toBeGreaterThanOrEqual(1);
    hzsCamera = ((await api(gw.url, '/api/v1/cameras', { token: await token('hzs.admin') })).body as { id: string; organisationId: string }[]).find(
      (c) => c.organisationId === 'hzs-olk',
    )!.id;
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await temp?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const review = async (user: string, camera: string, body?: unknown) =>
    api(gw.url, `/api/v1/cameras/${camera}/retention-review`, body === undefined ? { token: await token(user) } : { method: 'POST', token: await token(user), body });

  it('lists the police cameras for the police legal officer with their due date; GDPR organisations owe none; others are refused', async () => {
    const list = await api(gw.url, '/api/v1/retention-reviews', { token: await token('policie.legal') });
    expect(list.status).toBe(200);
    expect(list.body.map((s: { cameraId: string }) => s.cameraId).sort()).toEqual(police.map((c) => c.id).sort());
    for (const s of list.body) {
      const cam = police.find((c) => c.id === s.cameraId)!;
      expect(s).toMatchObject({ organisationId: 'policie-olk', intervalDays: 90, lastReview: null, overdue: false, heldClips: [], retentionDays: cam.retentionDays });
      expect(new Date(s.dueAt).getTime()).toBe(new Date(cam.createdAt).getTime() + 90 * DAY);
    }
    // the fire service processes under GDPR: nothing to review there
    expect((await api(gw.url, '/api/v1/retention-reviews', { token: await token('hzs.legal') })).body).toEqual([]);
    expect((await review('hzs.legal', hzsCamera)).body.error.code).toBe('review_not_applicable');
    // only legal officers, and only the owner's
    expect((await api(gw.url, '/api/v1/retention-reviews', { token: await token('policie.operator') })).status).toBe(403);
    expect((await api(gw.url, '/api/v1/retention-reviews', { token: await token('policie.admin') })).status).toBe(403);
    const foreign = await review('hzs.legal', police[0].id, { decision: 'keep', reason: 'not mine to decide' });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'review_not_owner']);
    expect((await review('nysa.legal', police[0].id)).status).toBe(403);
    expect((await review('policie.legal', '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await review('policie.legal', 'not-a-camera')).status).toBe(404);
    // the refused attempt is in the trail of the police camera
    const trail = await auditOf(gw.url, await token('policie.legal'), `camera:${police[0].id}`);
    expect(trail.filter((e) => e.decision === 'deny' && e.details?.event === 'retention.review').map((e) => e.actorUser)).toEqual(['hzs.legal', 'nysa.legal']);
  });

  it('marks a review overdue after the interval, and a review with a reason covering the held clips resets it (audited)', async () => {
    const cam = police[0];
    // the camera has been registered for 100 days and never reviewed
    await db.query(`UPDATE cameras SET created_at = now() - interval '100 days' WHERE id = $1`, [cam.id]);
    const list = (await api(gw.url, '/api/v1/retention-reviews', { token: await token('policie.legal') })).body;
    expect(list[0]).toMatchObject({ cameraId: cam.id, overdue: true });
    expect(Date.now() - new Date(list[0].dueAt).getTime()).toBeGreaterThan(9 * DAY);
    const overdue = await api(gw.url, '/api/v1/retention-reviews?overdue=true', { token: await token('policie.legal') });
    expect(overdue.body.map((s: { cameraId: string }) => s.cameraId)).toEqual([cam.id]);
    expect((await api(gw.url, '/api/v1/retention-reviews?overdue=maybe', { token: await token('policie.legal') })).status).toBe(400);

    // a clip of it under legal hold: recorded (as the media node reports it), requested, held
    const media = ServiceClient.create(gw.cfg, 'media', 'gateway');
    const from = Date.now() - 30 * 60_000;
    try {
      await media.send(Patterns.gateway.recordingSegment, {
        cameraId: cam.id,
        path: `${cam.id}/a.ts`,
        startedAt: new Date(from).toISOString(),
        endedAt: new Date(from + 600_000).toISOString(),
        bytes: 1000,
      });
    } finally {
      await media.close();
    }
    const clip = await api(gw.url, '/api/v1/clip-requests', {
      method: 'POST',
      token: await token('policie.operator'),
      body: {
        cameraId: cam.id,
        from: new Date(from + 60_000).toISOString(),
        to: new Date(from + 120_000).toISOString(),
        form: 'anonymized',
        purpose: 'criminal-investigation',
        justification: 'theft at the crossing',
        caseReference: 'KRPO-1/TČ-2026',
      },
    });
    expect(clip.status).toBe(201);
    const held = await api(gw.url, `/api/v1/clip-requests/${clip.body.id}/hold`, {
      method: 'POST',
      token: await token('policie.legal'),
      body: { reason: 'evidence in proceedings KRPO-1/TČ-2026' },
    });
    expect(held.status).toBe(200);
    expect((await review('policie.legal', cam.id)).body.heldClips).toEqual([
      expect.objectContaining({ id: clip.body.id, holdReason: 'evidence in proceedings KRPO-1/TČ-2026', heldBy: 'policie.legal' }),
    ]);

    // bad input: clear 400s, nothing recorded
    expect((await review('policie.legal', cam.id, { decision: 'keep' })).body.error.code).toBe('validation_failed');
    expect((await review('policie.legal', cam.id, { decision: 'keep', reason: '   ' })).body.error.code).toBe('reason_required');
    expect((await review('policie.legal', cam.id, { decision: 'forget', reason: 'x' })).body.error.code).toBe('validation_failed');
    expect((await review('policie.legal', cam.id, { decision: 'reduce', reason: 'x' })).body.error.code).toBe('retention_days_invalid');
    expect((await review('policie.legal', cam.id, { decision: 'keep', reason: 'x', retentionDays: 5 })).body.error.code).toBe('retention_days_unexpected');
    expect((await review('policie.legal', cam.id)).body.lastReview).toBeNull();

    const kept = await review('policie.legal', cam.id, { decision: 'keep', reason: 'Investigation KRPO-1/TČ-2026 still open; recordings of the crossing needed for 30 days' });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      overdue: false,
      lastReview: { reviewedBy: 'policie.legal', decision: 'keep', retentionDays: cam.retentionDays, heldClipIds: [clip.body.id] },
    });
    expect(Math.abs(new Date(kept.body.dueAt).getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
    expect((await api(gw.url, '/api/v1/retention-reviews?overdue=true', { token: await token('policie.legal') })).body).toEqual([]);

    const reduced = await review('policie.legal', cam.id, { decision: 'reduce', retentionDays: 14, reason: 'The crossing is quiet again; two weeks suffice' });
    expect(reduced.body).toMatchObject({ retentionDays: 14, lastReview: { decision: 'reduce', retentionDays: 14 } });
    expect((await api(gw.url, `/api/v1/cameras/${cam.id}`, { token: await token('policie.admin') })).body.retentionDays).toBe(14);
    expect((await review('policie.legal', cam.id, { decision: 'reduce', retentionDays: 14, reason: 'again' })).body.error.code).toBe('retention_days_invalid');

    const trail = (await auditOf(gw.url, await token('policie.legal'), `camera:${cam.id}`)).filter((e) => e.details?.event === 'retention.review' && e.decision === 'permit');
    expect(trail.map((e) => [e.actorUser, e.operation, e.justification, e.details.decision, e.details.retentionDays])).toEqual([
      [
        'policie.legal',
        'consultation',
        'Investigation KRPO-1/TČ-2026 still open; recordings of the crossing needed for 30 days',
        'keep',
        { before: cam.retentionDays, after: cam.retentionDays },
      ],
      ['policie.legal', 'alteration', 'The crossing is quiet again; two weeks suffice', 'reduce', { before: cam.retentionDays, after: 14 }],
    ]);
    expect(trail[0].details.heldClips).toEqual([clip.body.id]);
  }, 60_000);
});
