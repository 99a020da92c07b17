import type { HttpErrorBody } from '@borderlens/common';
import { Patterns, type GrantChange } from '@borderlens/contracts';
import { WhepConnectionService } from '../../apps/media/src/egress/whep-connection.service';
import { startMediaHarness, type MediaHarness } from '../support/media/harness';
import { makeOffer } from '../support/media/whep-offer';

/**
 * WHEP refusals that need no browser: who may end a session, how many sessions a grant and a viewer
 * may hold, how fast a viewer may try, and revocations that outlive a media node restart.
 */
describe('media node: WHEP session limits and revocation', () => {
  let h: MediaHarness;
  let offer: { sdp: string; close: () => void };

  beforeAll(async () => {
    h = await startMediaHarness({ env: { MEDIA_MAX_SESSIONS_PER_GRANT: '2', MEDIA_MAX_SESSIONS_PER_USER: '3', MEDIA_SESSION_ATTEMPTS_PER_MINUTE: '8' } });
    // A camera nobody answers on: sessions open (the viewer waits for video); no camera process needed.
    h.gateway.cameras.set('cam-1', {
      id: 'cam-1',
      name: 'Nysa bridge',
      kind: 'fixed',
      ingest: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/none', rtspTransport: 'tcp' },
      recordingEnabled: false,
      retentionDays: 30,
      redaction: {},
    });
    h.gateway.cameras.set('cam-2', {
      id: 'cam-2',
      name: 'Jeseník square',
      kind: 'fixed',
      ingest: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/none', rtspTransport: 'tcp' },
      recordingEnabled: false,
      retentionDays: 30,
      redaction: {},
    });
    offer = await makeOffer('whep-limits');
  }, 60000);

  afterAll(async () => {
    offer?.close();
    await h?.close();
  });

  afterEach(() => {
    const svc = h.app.get(WhepConnectionService);
    for (const s of svc.list()) svc.delete(s.cameraId, s.id);
  });

  const url = (cam = 'cam-1') => `${h.baseUrl}/whep/${cam}`;
  const post = (grant: string, cam = 'cam-1') =>
    fetch(url(cam), { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${grant}` }, body: offer.sdp });
  const del = (location: string, grant?: string) => fetch(`${h.baseUrl}${location}`, { method: 'DELETE', headers: grant ? { Authorization: `Bearer ${grant}` } : {} });
  const code = async (r: Response) => [r.status, ((await r.json()) as HttpErrorBody).error.code];

  it("answers errors in the gateway's JSON error shape: a stable code, a message and the request id", async () => {
    const mine = (await h.grant({ cam: 'cam-1' })).token;
    const res = await fetch(`${h.baseUrl}/whep/cam-1/sessions/nope`, { method: 'DELETE', headers: { Authorization: `Bearer ${mine}`, 'X-Request-Id': 'req-whep-1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-whep-1');
    expect(await res.json()).toEqual({ error: { code: 'session_not_found', message: 'no such WHEP connection', requestId: 'req-whep-1' } });
    // Without an id of the caller's, the node makes one; the body carries the same.
    const bad = await fetch(`${h.baseUrl}/whep/bad%20id`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${mine}` }, body: offer.sdp });
    const body = (await bad.json()) as HttpErrorBody;
    expect([bad.status, body.error.code]).toEqual([400, 'camera_id_invalid']);
    expect(body.error.requestId).toBe(bad.headers.get('x-request-id'));
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // A route the node does not have: the same shape, with the code of the status.
    const none = await fetch(`${h.baseUrl}/nowhere`);
    expect([none.status, ((await none.json()) as HttpErrorBody).error.code]).toEqual([404, 'not_found']);
  });

  it('ends a session only for the grant that opened it', async () => {
    const mine = (await h.grant({ cam: 'cam-1' })).token;
    const theirs = (await h.grant({ cam: 'cam-1', sub: 'viewer-2' })).token;
    const opened = await post(mine);
    expect(opened.status).toBe(201);
    const location = opened.headers.get('location')!;
    expect(await code(await del(location))).toEqual([401, 'grant_required']);
    expect(await code(await del(location, 'not-a-jwt'))).toEqual([401, 'grant_invalid']);
    expect(await code(await del(location, theirs))).toEqual([403, 'grant_other_session']);
    expect(h.app.get(WhepConnectionService).list()).toHaveLength(1);
    expect(await code(await del(location.replace(/[^/]+$/, 'nope'), mine))).toEqual([404, 'session_not_found']);
    expect((await del(location, mine)).status).toBe(200);
    expect(h.app.get(WhepConnectionService).list()).toHaveLength(0);
  });

  it('holds at most maxSessionsPerGrant sessions per grant and maxSessionsPerUser per viewer (429)', async () => {
    const g = (await h.grant({ cam: 'cam-1', sub: 'viewer-3' })).token;
    expect((await post(g)).status).toBe(201);
    expect((await post(g)).status).toBe(201);
    expect(await code(await post(g))).toEqual([429, 'grant_sessions_exceeded']);
    // another grant of the same viewer: one more, then the viewer's limit
    const g2 = (await h.grant({ cam: 'cam-2', sub: 'viewer-3' })).token;
    expect((await post(g2, 'cam-2')).status).toBe(201);
    expect(await code(await post(g2, 'cam-2'))).toEqual([429, 'user_sessions_exceeded']);
    // another viewer is not affected
    expect((await post((await h.grant({ cam: 'cam-1', sub: 'viewer-4' })).token)).status).toBe(201);
    expect(
      h.app
        .get(WhepConnectionService)
        .list()
        .filter((s) => s.viewer === 'viewer-3'),
    ).toHaveLength(3);
  });

  it('limits session attempts per viewer per minute (429), other viewers unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const g = (await h.grant({ cam: 'cam-1', sub: 'viewer-5' })).token;
      const r = await post(g);
      statuses.push(r.status);
      if (r.status === 201) await del(r.headers.get('location')!, g);
    }
    expect(statuses).toEqual([...Array(8).fill(201), 429, 429]);
    expect(await code(await post((await h.grant({ cam: 'cam-1', sub: 'viewer-5' })).token))).toEqual([429, 'session_attempts_exceeded']);
    expect((await post((await h.grant({ cam: 'cam-1', sub: 'viewer-6' })).token)).status).toBe(201);
  });

  it('still refuses a revoked grant after the media node restarts', async () => {
    const revoked = await h.grant({ cam: 'cam-1', sub: 'viewer-7' });
    const downgraded = await h.grant({ cam: 'cam-1', sub: 'viewer-7', form: 'raw' });
    const client = h.asGateway();
    await client.send<unknown, GrantChange>(Patterns.media.grantChanged, { jti: revoked.claims.jti, action: 'end', reason: 'incident ended' });
    await client.send<unknown, GrantChange>(Patterns.media.grantChanged, { jti: downgraded.claims.jti, action: 'downgrade', reason: 'policy changed' });
    expect(await code(await post(revoked.token))).toEqual([401, 'grant_revoked']);
    await h.restartMedia();
    // the first request after a restart may meet the old server's kept-alive socket
    const again = await post(revoked.token).catch(() => post(revoked.token));
    expect(await code(again)).toEqual([401, 'grant_revoked']);
    const raw = await fetch(`${url()}?form=raw`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${downgraded.token}` }, body: offer.sdp });
    expect(await code(raw)).toEqual([403, 'grant_not_raw']);
  }, 30000);
});
