import { RecordingRepository } from '../../apps/gateway/src/recording/recording.repository';
import { DataSource } from 'typeorm';
import { Patterns, ServiceClient, ServiceName, type ExpiredSegment } from '@borderlens/contracts';
import { ClipRequestEntity } from '@borderlens/database';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

const DAY = 86_400_000;

/** The gateway's side of recording: segment index, retention, legal hold, audited erasure. */
describe('recording index and retention (PostgreSQL)', () => {
  let gw: TestGateway;
  let temp: TempDatabase;
  let media: ServiceClient;
  let cameraId: string;

  beforeAll(async () => {
    await ensureKeycloak();
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url });
    media = ServiceClient.create(gw.cfg, ServiceName.media, ServiceName.gateway);
    const created = await api(gw.url, '/api/v1/cameras', {
      method: 'POST',
      token: await passwordToken('jesenik.admin'),
      body: { name: 'Jeseník – retention test', kind: 'fixed', latitude: 50.23, longitude: 17.2, retentionDays: 2, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.5/live' } },
    });
    cameraId = created.body.id;
  }, 300_000);

  afterAll(async () => {
    await media?.close();
    await gw?.close();
    await temp?.drop();
  });

  const segment = (daysAgo: number, name: string) => ({
    cameraId,
    mediaNode: 'media-1',
    path: `${cameraId}/${name}.mp4`,
    startedAt: new Date(Date.now() - daysAgo * DAY - 60_000).toISOString(),
    endedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    bytes: 1_500_000,
  });

  it('indexes segments, offers only expired ones without hold for deletion, and audits their erasure', async () => {
    for (const [days, name] of [
      [5, 'old'],
      [4, 'held'],
      [0.1, 'recent'],
    ] as const) {
      await media.send(Patterns.gateway.recordingSegment, segment(days, name));
    }
    // A clip request under legal hold covers the 'held' segment.
    const held = segment(4, 'held');
    await gw.app
      .get(DataSource)
      .getRepository(ClipRequestEntity)
      .insert({
        cameraId,
        requesterId: 'u',
        requesterOrganisation: 'policie-olk',
        startsAt: new Date(held.startedAt),
        endsAt: new Date(held.endedAt),
        purpose: 'investigation',
        form: 'raw',
        state: 'ready',
        legalHold: true,
      });

    const expired = await media.send<ExpiredSegment[]>(Patterns.gateway.expiredSegments, { mediaNode: 'media-1' });
    expect(expired.map((s) => s.path)).toEqual([`${cameraId}/old.mp4`]);
    expect(await media.send(Patterns.gateway.expiredSegments, { mediaNode: 'media-2' })).toEqual([]);

    await expect(media.send(Patterns.gateway.segmentsErased, { ids: expired.map((s) => s.id) })).resolves.toEqual({ erased: 1 });
    expect(await media.send(Patterns.gateway.expiredSegments, { mediaNode: 'media-1' })).toEqual([]);
    const left = await gw.app.get(DataSource).query('SELECT path FROM recording_segments WHERE camera_id = $1 ORDER BY path', [cameraId]);
    expect(left.map((r: { path: string }) => r.path)).toEqual([`${cameraId}/held.mp4`, `${cameraId}/recent.mp4`]);

    const audit = await api(gw.url, `/api/v1/audit?object=camera:${cameraId}&operation=erasure`, { token: await passwordToken('jesenik.legal') });
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ actorUser: 'system', justification: 'retention period elapsed', details: { segments: 1 } });
  });

  it('deletes a Polish municipal recording 3 calendar months after it was made (31 January: by 30 April), whatever its days say', async () => {
    const create = async (user: string, name: string) =>
      (
        await api(gw.url, '/api/v1/cameras', {
          method: 'POST',
          token: await passwordToken(user),
          body: { name, kind: 'fixed', latitude: 50.31, longitude: 17.38, retentionDays: 92, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.6/live' } },
        })
      ).body.id as string;
    const pl = await create('glucholazy.admin', 'Głuchołazy – retention in months');
    const cz = await create('jesenik.admin', 'Jeseník – retention in days');
    for (const id of [pl, cz]) {
      await media.send(Patterns.gateway.recordingSegment, {
        cameraId: id,
        mediaNode: 'media-months',
        path: `${id}/jan31.mp4`,
        startedAt: '2026-01-31T09:59:00Z',
        endedAt: '2026-01-31T10:00:00Z',
        bytes: 1000,
      });
    }
    const repo = gw.app.get(RecordingRepository);
    const expiredAt = async (at: string) => (await repo.findExpired('media-months', 10, new Date(at))).map((s) => s.cameraId);
    expect(await expiredAt('2026-04-30T09:59:00Z')).toEqual([]);
    // 90 days would keep it until 1 May; three months end on 30 April. The Czech camera keeps its 92 days.
    expect(await expiredAt('2026-04-30T10:00:00Z')).toEqual([pl]);
    expect((await expiredAt('2026-05-03T10:00:01Z')).sort()).toEqual([pl, cz].sort());
    // A longer setting than three months can ever span is refused.
    const tooLong = await api(gw.url, '/api/v1/cameras', {
      method: 'POST',
      token: await passwordToken('glucholazy.admin'),
      body: { name: 'too long', kind: 'fixed', latitude: 50.31, longitude: 17.38, retentionDays: 93, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.7/live' } },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'retention_exceeds_cap', details: { maxDays: 92, maxMonths: 3 } });
  });

  it('refuses deleting a camera that still has recordings (409)', async () => {
    const r = await api(gw.url, `/api/v1/cameras/${cameraId}`, { method: 'DELETE', token: await passwordToken('jesenik.admin') });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('camera_has_data');
  });

  it('indexes a segment reported twice (its first answer lost) once, answering the same id', async () => {
    const report = segment(0, 'twice');
    const first = (await media.send(Patterns.gateway.recordingSegment, report)) as { id: string };
    const again = (await media.send(Patterns.gateway.recordingSegment, report)) as { id: string };
    expect(again.id).toBe(first.id);
    const rows = await gw.app.get(DataSource).query('SELECT count(*)::int AS n FROM recording_segments WHERE path = $1', [report.path]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    [{ path: '../../etc/passwd' }, /path must be relative/],
    [{ path: '/abs/x.mp4' }, /path must be relative/],
    [{ bytes: -1 }, /bytes/],
    [{ endedAt: '2020-01-01T00:00:00Z' }, /in order/],
    [{ cameraId: '00000000-0000-4000-8000-000000000000' }, /camera .* not found/],
  ])('refuses a bad segment report %j', async (override, message) => {
    await expect(media.send(Patterns.gateway.recordingSegment, { ...segment(0, 'x'), ...override })).rejects.toThrow(message);
  });
});
