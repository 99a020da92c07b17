import type { Principal } from '@borderlens/auth';
import { CameraEntity, ClipRequestEntity, RecordingSegmentEntity } from '@borderlens/database';
import { addMonths } from '@borderlens/policy';
import { CameraModule } from '../../apps/gateway/src/camera/camera.module';
import { CameraService } from '../../apps/gateway/src/camera/camera.service';
import { CameraMediaService } from '../../apps/gateway/src/camera/camera-media.service';
import { PushKeyService } from '../../apps/gateway/src/camera/push-key.service';
import { HostResolver } from '../../apps/gateway/src/camera/host-resolver';
import { RecordingModule } from '../../apps/gateway/src/recording/recording.module';
import { RecordingRepository } from '../../apps/gateway/src/recording/recording.repository';
import { RecordingService } from '../../apps/gateway/src/recording/recording.service';
import { MEDIUM_DATABASES, startMedium, type MediumApp } from '../support/medium';

const DAY = 86_400_000;
const admin = (username: string, organisation: string, country: string): Principal => ({
  userId: `kc-${username}`,
  username,
  name: username,
  organisation,
  country,
  roles: ['admin'],
});
const jesenikAdmin = admin('jesenik.admin', 'mesto-jesenik', 'CZ');
const nysaAdmin = admin('nysa.admin', 'gmina-nysa', 'PL');

/** What DNS answers in these tests (the service's resolver is replaced; nothing leaves the machine). */
const DNS: Record<string, string[]> = {
  'cam.jesenik.internal': ['10.20.30.40'],
  'rebind.example': ['10.20.30.41', '169.254.169.254'],
  'public.example': ['8.8.8.8'],
};
const resolver = { resolve: async (host: string) => DNS[host] ?? Promise.reject(new Error('ENOTFOUND')) };

/**
 * Cameras on a real database without Keycloak or a media node: ingest validation (URL, address,
 * credentials, push keys), the statutory retention caps on the camera's retentionDays, and which
 * recordings retention removes (RecordingRepository.findExpired: days, calendar months, legal holds).
 */
describe.each(MEDIUM_DATABASES)('cameras and retention on %s', (kind) => {
  let app: MediumApp;
  let cameras: CameraService;
  const rows = () => app.dataSource.getRepository(CameraEntity);

  beforeAll(async () => {
    app = await startMedium(kind, [CameraModule, RecordingModule], { config: { cameras: { defaultRetentionDays: 365 } }, override: [[HostResolver, resolver]] });
    cameras = app.get(CameraService);
  }, 60_000);

  afterAll(() => app?.close());

  const create = (p: Principal, over: Record<string, unknown> = {}) =>
    cameras.create(p, { name: 'Test camera', kind: 'fixed', latitude: 50.23, longitude: 17.2, ingest: { type: 'rtsp', url: 'rtsp://10.1.2.3:554/stream' }, ...over } as never);

  describe('ingest', () => {
    it('stores an RTSP address without its credentials, which are kept encrypted and given back to the media node only', async () => {
      const { camera, pushKey } = await create(jesenikAdmin, { ingest: { type: 'rtsp', url: 'rtsp://operator:p%40ss%3Aword@cam.jesenik.internal:8554/live?profile=1' } });
      expect(pushKey).toBeUndefined();
      const stored = await rows().findOneByOrFail({ id: camera.id });
      expect(stored).toMatchObject({
        ingestType: 'rtsp',
        rtspUrl: 'rtsp://cam.jesenik.internal:8554/live?profile=1',
        rtspTransport: 'tcp',
        pushKeyHash: null,
        jurisdiction: 'CZ',
        sharing: 'on-request',
      });
      expect(stored.credentialsEncrypted).toEqual(expect.any(String));
      expect(stored.credentialsEncrypted).not.toContain('operator');
      expect((await app.get(CameraMediaService).ingestInfo(camera.id)).ingest).toEqual({
        type: 'rtsp',
        url: 'rtsp://operator:p%40ss%3Aword@cam.jesenik.internal:8554/live?profile=1',
        rtspTransport: 'tcp',
      });
    });

    it.each([
      ['a URL that does not parse', 'not a url', 'camera_url_invalid'],
      ['another scheme', 'http://10.1.2.3/stream', 'camera_url_scheme'],
      ['a host that does not resolve', 'rtsp://nowhere.example/stream', 'camera_host_unresolvable'],
      ['a public address', 'rtsp://public.example/stream', 'camera_network_refused'],
      ['the cloud metadata address', 'rtsp://169.254.169.254/latest', 'camera_network_refused'],
      ['loopback', 'rtsp://127.0.0.1:554/stream', 'camera_network_refused'],
      ['a host with one private and one metadata address', 'rtsp://rebind.example/stream', 'camera_network_refused'],
      ['an IPv6 loopback literal', 'rtsp://[::1]/stream', 'camera_network_refused'],
    ])('refuses %s and saves nothing', async (_what, url, code) => {
      const before = await rows().count();
      await expect(create(jesenikAdmin, { ingest: { type: 'rtsp', url } })).rejects.toMatchObject({ code });
      expect(await rows().count()).toBe(before);
    });

    it.each([
      ['an RTSP camera without a URL', { type: 'rtsp' }, 'camera_url_required'],
      ['an RTSP camera with a push protocol', { type: 'rtsp', url: 'rtsp://10.1.2.3/s', protocol: 'srt' }, 'camera_ingest_invalid'],
      ['a push camera with a URL', { type: 'push', url: 'rtsp://10.1.2.3/s' }, 'camera_ingest_invalid'],
    ])('refuses %s', async (_what, ingest, code) => {
      await expect(create(jesenikAdmin, { ingest })).rejects.toMatchObject({ code });
    });

    it('issues a push key once, stores only its hash, finds the camera by it, and forgets it on rotation', async () => {
      const { camera, pushKey } = await create(jesenikAdmin, { kind: 'drone', ingest: { type: 'push', protocol: 'srt' } });
      expect(pushKey).toEqual(expect.any(String));
      const stored = await rows().findOneByOrFail({ id: camera.id });
      expect(stored).toMatchObject({ ingestType: 'push', pushProtocol: 'srt', rtspUrl: null });
      expect(stored.pushKeyHash).not.toContain(pushKey!);
      await expect(app.get(PushKeyService).verify(pushKey!)).resolves.toBe(camera.id);
      const next = await app.get(PushKeyService).rotate(jesenikAdmin, camera.id);
      await expect(app.get(PushKeyService).verify(pushKey!)).rejects.toMatchObject({ code: 'push_key_not_found' });
      await expect(app.get(PushKeyService).verify(next)).resolves.toBe(camera.id);
    });

    it('changes an RTSP camera to push and back, dropping what the old ingest kept', async () => {
      const { camera } = await create(jesenikAdmin, { ingest: { type: 'rtsp', url: 'rtsp://user:pw@10.1.2.3/s' } });
      await cameras.update(jesenikAdmin, camera.id, { ingest: { type: 'push' } } as never);
      expect(await rows().findOneByOrFail({ id: camera.id })).toMatchObject({ ingestType: 'push', rtspUrl: null, credentialsEncrypted: null, pushProtocol: 'rtmp' });
      await cameras.update(jesenikAdmin, camera.id, { ingest: { type: 'rtsp', url: 'rtsp://10.1.2.4/s' } } as never);
      expect(await rows().findOneByOrFail({ id: camera.id })).toMatchObject({ ingestType: 'rtsp', rtspUrl: 'rtsp://10.1.2.4/s', credentialsEncrypted: null, pushKeyHash: null });
    });

    it('lets only the owner’s administrators register a camera', async () => {
      await expect(create(nysaAdmin, { organisationId: 'mesto-jesenik' })).rejects.toMatchObject({ code: 'camera_manage_forbidden' });
    });
  });

  describe('retention caps', () => {
    it('gives a Polish municipal camera at most the statutory 3 months (92 days) by default, a Czech one the configured default', async () => {
      expect((await create(nysaAdmin)).camera.retentionDays).toBe(92);
      expect((await create(jesenikAdmin)).camera.retentionDays).toBe(365);
    });

    it('refuses an explicit retention above the cap, on create and on update', async () => {
      await expect(create(nysaAdmin, { retentionDays: 93 })).rejects.toMatchObject({ code: 'retention_exceeds_cap', details: { maxDays: 92, maxMonths: 3 } });
      const { camera } = await create(nysaAdmin, { retentionDays: 92 });
      await expect(cameras.update(nysaAdmin, camera.id, { retentionDays: 120 } as never)).rejects.toMatchObject({ code: 'retention_exceeds_cap' });
      expect((await rows().findOneByOrFail({ id: camera.id })).retentionDays).toBe(92);
      // No statute caps a Czech municipal camera.
      await expect(create(jesenikAdmin, { retentionDays: 3650 })).resolves.toMatchObject({ camera: { retentionDays: 3650 } });
    });
  });

  describe('expired recordings', () => {
    // 30 April: a recording that ended on 31 January is 3 calendar months old (89 days).
    const now = new Date('2026-04-30T12:00:00Z');
    let czech: string;
    let polish: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      czech = (await create(jesenikAdmin, { name: 'CZ retention', retentionDays: 30 })).camera.id;
      polish = (await create(nysaAdmin, { name: 'PL retention', retentionDays: 92 })).camera.id;
      const recordings = app.get(RecordingService);
      const segment = async (name: string, cameraId: string, endedAt: Date, mediaNode = 'media') => {
        ids[name] = await recordings.index({
          cameraId,
          mediaNode,
          path: `${name}.mp4`,
          startedAt: new Date(endedAt.getTime() - 60_000).toISOString(),
          endedAt: endedAt.toISOString(),
          bytes: 1000,
        });
      };
      await segment('cz-31-days', czech, new Date(now.getTime() - 31 * DAY));
      await segment('cz-29-days', czech, new Date(now.getTime() - 29 * DAY));
      await segment('cz-other-node', czech, new Date(now.getTime() - 60 * DAY), 'media-2');
      await segment('cz-held', czech, new Date(now.getTime() - 40 * DAY));
      await segment('pl-31-jan', polish, new Date('2026-01-31T11:00:00Z'));
      await segment('pl-1-feb', polish, new Date('2026-02-01T11:00:00Z'));
      // A clip request under legal hold keeps the recordings it covers.
      const held = new Date(now.getTime() - 40 * DAY);
      await app.dataSource.getRepository(ClipRequestEntity).insert({
        cameraId: czech,
        requesterId: 'kc-x',
        requesterOrganisation: 'policie-olk',
        startsAt: new Date(held.getTime() - 30_000),
        endsAt: held,
        purpose: 'investigation',
        form: 'anonymized',
        state: 'rejected',
        legalHold: true,
        holdReason: 'court',
        heldBy: 'policie.legal',
      });
    });

    const expired = async (mediaNode = 'media') => (await app.get(RecordingRepository).findExpired(mediaNode, 100, now)).map((s) => Object.keys(ids).find((k) => ids[k] === s.id));

    it('removes what is older than the camera’s days, or than the statutory calendar months, oldest first, except what a legal hold keeps', async () => {
      expect(addMonths(new Date('2026-01-31T11:00:00Z'), 3)).toEqual(new Date('2026-04-30T11:00:00Z'));
      expect(await expired()).toEqual(['pl-31-jan', 'cz-31-days']);
      expect(await expired('media-2')).toEqual(['cz-other-node']);
    });

    it('answers the media node at most `limit` segments', async () => {
      expect(await app.get(RecordingRepository).findExpired('media', 1, now)).toHaveLength(1);
    });

    it('erases them from the index, one audited erasure per camera', async () => {
      const recordings = app.get(RecordingService);
      await expect(recordings.erased({ ids: [ids['pl-31-jan'], ids['cz-31-days'], 'not-an-id'] } as never)).resolves.toBe(2);
      expect(await expired()).toEqual([]);
      expect(await app.dataSource.getRepository(RecordingSegmentEntity).countBy({ cameraId: polish })).toBe(1);
    });
  });
});
