import { Patterns, ServiceClient, ServiceName, type AnalyticsCamera, type CameraIngestInfo } from '@borderlens/contracts';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';

/**
 * A camera its administrators disable, through the gateway's API and transport (real Keycloak,
 * PGlite, TCP, no media node): shown disabled, refused to the media node, to new live sessions and
 * to clip requests (their dry run too), left out of the cameras to record and to sample for
 * analytics; enabling undoes it. The media node's side: test/media/camera-disabled.
 */
describe('a disabled camera (gateway)', () => {
  let gw: TestGateway;
  let media: ServiceClient;
  const tokens: Record<string, string> = {};
  const token = async (user: string) => (tokens[user] ??= await passwordToken(user));

  beforeAll(async () => {
    await ensureKeycloak();
    gw = await startGateway();
    media = ServiceClient.create(gw.cfg, ServiceName.media, ServiceName.gateway);
  }, 300_000);

  afterAll(async () => {
    await media?.close();
    await gw?.close();
  });

  it('is disabled and enabled by its administrators with a reason, and refused to media nodes and new sessions meanwhile', async () => {
    const created = await api(gw.url, '/api/v1/cameras', {
      method: 'POST',
      token: await token('nysa.admin'),
      body: { name: 'Nysa – dron straży', kind: 'drone', latitude: 50.47, longitude: 17.33, ingest: { type: 'push', protocol: 'rtmp' } },
    });
    expect(created.status).toBe(201);
    const { id, pushKey } = created.body as { id: string; pushKey: string };
    const toRecord = async () => (await media.send<CameraIngestInfo[]>(Patterns.gateway.camerasToRecord, {})).map((c) => c.id);
    expect(await toRecord()).toContain(id);
    // Its analytics on: the media nodes are told to sample it.
    const analytics = await api(gw.url, `/api/v1/analytics/cameras/${id}/config`, {
      method: 'PUT',
      token: await token('nysa.admin'),
      body: { enabled: true, zones: [], lines: [{ id: 'l', name: 'Brama', a: [0.5, 0.1], b: [0.5, 0.9] }], alerts: [] },
    });
    expect(analytics.status).toBe(200);
    const toSample = async () => (await media.send<AnalyticsCamera[]>(Patterns.gateway.analyticsCameras, {})).map((c) => c.cameraId);
    expect(await toSample()).toContain(id);

    // Administrators of the owner only, and with a reason.
    expect((await api(gw.url, `/api/v1/cameras/${id}/disable`, { method: 'POST', token: await token('nysa.municipal'), body: { reason: 'x' } })).status).toBe(403);
    expect((await api(gw.url, `/api/v1/cameras/${id}/disable`, { method: 'POST', token: await token('glucholazy.admin'), body: { reason: 'x' } })).status).toBeGreaterThanOrEqual(
      403,
    );
    const noReason = await api(gw.url, `/api/v1/cameras/${id}/disable`, { method: 'POST', token: await token('nysa.admin'), body: {} });
    expect(noReason.status).toBe(400);

    const disabled = await api(gw.url, `/api/v1/cameras/${id}/disable`, { method: 'POST', token: await token('nysa.admin'), body: { reason: 'dron w serwisie' } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id, state: 'disabled', stateReason: 'dron w serwisie', disabledAt: expect.any(String) });
    const listed = await api(gw.url, '/api/v1/cameras', { token: await token('nysa.admin') });
    expect(listed.body.find((c: { id: string }) => c.id === id)).toMatchObject({ state: 'disabled' });

    await expect(media.send(Patterns.gateway.cameraIngest, { cameraId: id })).rejects.toThrow(/disabled/);
    await expect(media.send(Patterns.gateway.resolvePushKey, { key: pushKey })).rejects.toThrow(/disabled/);
    expect(await toRecord()).not.toContain(id);
    expect(await toSample()).not.toContain(id);
    const session = await api(gw.url, `/api/v1/cameras/${id}/sessions`, {
      method: 'POST',
      token: await token('nysa.municipal'),
      body: { form: 'anonymized', purpose: 'kontrola' },
    });
    expect([session.status, session.body.error?.code]).toEqual([409, 'camera_disabled']);
    // A clip request answers so, and its dry run (what the form asks while it is filled in) the same.
    const clip = {
      cameraId: id,
      from: new Date(Date.now() - 20 * 60_000).toISOString(),
      to: new Date(Date.now() - 15 * 60_000).toISOString(),
      form: 'anonymized',
      purpose: 'infrastructure-damage',
      justification: 'kontrola',
    };
    for (const path of ['/api/v1/clip-requests/check', '/api/v1/clip-requests']) {
      const r = await api(gw.url, path, { method: 'POST', token: await token('nysa.municipal'), body: clip });
      expect([path, r.status, r.body.error?.code]).toEqual([path, 409, 'camera_disabled']);
    }

    const enabled = await api(gw.url, `/api/v1/cameras/${id}/enable`, { method: 'POST', token: await token('nysa.admin'), body: { reason: 'po serwisie' } });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ state: 'offline', disabledAt: null });
    await expect(media.send(Patterns.gateway.resolvePushKey, { key: pushKey })).resolves.toEqual({ cameraId: id });
    await expect(media.send(Patterns.gateway.cameraIngest, { cameraId: id })).resolves.toMatchObject({ id, ingest: { type: 'push' } });
    expect(await toRecord()).toContain(id);
    expect(await toSample()).toContain(id);
  }, 60_000);
});
