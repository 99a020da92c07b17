import { AuditService } from '@borderlens/audit';
import { encryptionKey } from '@borderlens/config';
import type { CameraEntity, OrganisationEntity } from '@borderlens/database';
import type { CameraInput, PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal, type TestServiceOptions } from '../../../../test/support/new-test-service';
import { AppError } from '../common/app-error';
import { OrganisationService } from '../organisation/organisation.service';
import { AuthorizationService } from '../policy/authorization.service';
import type { CreateCameraDto } from './camera.dto';
import { CameraRepository } from './camera.repository';
import { CameraAddressService } from './camera-address.service';
import { CameraMediaService } from './camera-media.service';
import { CameraDto } from './camera.dto';
import { CameraService, type DisabledChange, type SharingChange } from './camera.service';
import { CameraVisibilityService } from './camera-visibility.service';
import { CredentialsCipher } from './credentials-cipher';
import { hashPushKey, PushKeyService } from './push-key.service';
import { HostResolver } from './host-resolver';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const jesenik = { id: 'jesenik', kind: 'municipality', country: 'CZ' } as OrganisationEntity;
const nysa = { id: 'nysa', kind: 'municipality', country: 'PL' } as OrganisationEntity;
const admin = testPrincipal({ username: 'jesenik.admin', organisation: 'jesenik', roles: ['admin'] });

const existing = (over: Partial<CameraEntity> = {}) =>
  ({
    id: CAM,
    name: 'Náměstí',
    organisationId: 'jesenik',
    jurisdiction: 'CZ',
    kind: 'fixed',
    latitude: 50.23,
    longitude: 17.2,
    sharing: 'on-request',
    retentionDays: 30,
    ingestType: 'push',
    pushProtocol: 'srt',
    pushKeyHash: 'h',
    rtspUrl: null,
    credentialsEncrypted: null,
    ...over,
  }) as CameraEntity;

describe(CameraService.name, () => {
  /** The camera module's services wired together (each one's own dependencies mocked), as Nest wires them. */
  const setup = (options: TestServiceOptions = {}) => {
    const found = newTestService(CameraVisibilityService, options);
    const repo = found.mocks.of(CameraRepository);
    const authz = found.mocks.of(AuthorizationService);
    const cipher = new CredentialsCipher(encryptionKey(found.mocks.config));
    const below = (over: TestServiceOptions['provide'] = []) => ({
      ...options,
      provide: [[CameraRepository, repo], [CameraVisibilityService, found.sut], [CredentialsCipher, cipher], ...over] as TestServiceOptions['provide'],
    });
    const pushKeys = newTestService(PushKeyService, below());
    const addresses = newTestService(CameraAddressService, below([[PushKeyService, pushKeys.sut]]));
    const media = newTestService(CameraMediaService, below());
    const { sut, mocks } = newTestService(
      CameraService,
      below([
        [CameraAddressService, addresses.sut],
        [CameraMediaService, media.sut],
        [AuditService, pushKeys.mocks.of(AuditService)],
      ]),
    );
    const audit = mocks.of(AuditService);
    repo.save.mockImplementation(async (c) => ({ ...c, id: c.id ?? CAM }) as CameraEntity);
    audit.record.mockResolvedValue(undefined as never);
    authz.camera.mockImplementation(async (c) => ({ type: 'Camera', id: c.id, jurisdiction: c.jurisdiction, sharing: c.sharing }) as CameraInput);
    authz.principal.mockResolvedValue({ id: admin.userId } as PrincipalInput);
    authz.require.mockResolvedValue(permit({}, ['manage']));
    mocks.of(OrganisationService).findOne.mockImplementation(async (id) => {
      if (id === 'jesenik') return jesenik;
      if (id === 'nysa') return nysa;
      throw AppError.notFound('organisation', id);
    });
    return {
      sut,
      mocks,
      repo,
      authz,
      audit,
      resolver: addresses.mocks.of(HostResolver),
      visibility: found.sut,
      pushKeys: pushKeys.sut,
      media: media.sut,
      mediaNodes: media.mocks.media,
    };
  };

  describe('lookups', () => {
    it('answers camera_not_found for a non-UUID id without a query, and for an unknown camera', async () => {
      const { visibility: sut, repo } = setup();
      await expect(sut.findOne('../etc')).rejects.toMatchObject({ code: 'camera_not_found', status: 404 });
      expect(repo.findById).not.toHaveBeenCalled();
      repo.findById.mockResolvedValue(null);
      await expect(sut.findOne(CAM)).rejects.toMatchObject({ code: 'camera_not_found' });
    });

    it('hides a camera on which nothing could be permitted behind the same 404', async () => {
      const { visibility: sut, repo, authz } = setup();
      repo.findById.mockResolvedValue(existing());
      authz.decide.mockReturnValue(deny());
      await expect(sut.findOneVisible(admin, CAM)).rejects.toMatchObject({ code: 'camera_not_found' });
      // Every camera action, with an incident covering it and without.
      expect(authz.decide).toHaveBeenCalledTimes(16);
    });

    it('sees a camera on which some action could be permitted during an incident', async () => {
      const { visibility: sut, repo, authz } = setup();
      repo.findById.mockResolvedValue(existing());
      authz.decide.mockImplementation((_p, action, _r, ctx) => (action === 'live.raw' && ctx?.incidents?.length ? permit() : deny()));
      await expect(sut.findOneVisible(admin, CAM)).resolves.toMatchObject({ id: CAM });
    });

    it('decides once for cameras alike for the rules when listing the visible ones', async () => {
      const { visibility: sut, repo, authz } = setup();
      authz.cameraDetailsRead.mockReturnValue({ position: false, id: false } as never);
      const a = existing({ id: 'a' });
      const b = existing({ id: 'b', latitude: 1 });
      const c = existing({ id: 'c', organisationId: 'nysa', jurisdiction: 'PL' });
      repo.findAll.mockResolvedValue([a, b, c]);
      authz.decide.mockImplementation((_p, _a, r) => ((r as CameraInput).jurisdiction === 'CZ' ? permit() : deny()));
      await expect(sut.findVisible(admin)).resolves.toEqual([a, b]);
      // a and b share one answer (a permit at the first action), c is tried with every action twice.
      expect(authz.decide).toHaveBeenCalledTimes(1 + 16);
    });
  });

  describe('create', () => {
    const dto = (over: Partial<CreateCameraDto> = {}) =>
      ({ name: ' Most ', kind: 'fixed', latitude: 50.2, longitude: 17.2, ingest: { type: 'rtsp', url: 'rtsp://user:p%40ss@10.1.2.3/stream' }, ...over }) as CreateCameraDto;

    it("registers an RTSP camera of the user's organisation with credentials encrypted apart from the URL, audited as a collection", async () => {
      const { sut, mocks, repo, audit, media } = setup();
      const { camera, pushKey } = await sut.create(admin, dto());
      expect(pushKey).toBeUndefined();
      expect(camera).toMatchObject({
        name: 'Most',
        organisationId: 'jesenik',
        jurisdiction: 'CZ',
        sharing: 'on-request',
        state: 'offline',
        retentionDays: 30,
        ingestType: 'rtsp',
        rtspUrl: 'rtsp://10.1.2.3/stream',
        rtspTransport: 'tcp',
      });
      expect(camera.credentialsEncrypted).toEqual(expect.any(String));
      expect(camera.credentialsEncrypted).not.toContain('p%40ss');
      expect(repo.save).toHaveBeenCalledWith(expect.anything(), mocks.manager);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'collection',
          object: `camera:${CAM}`,
          policyIds: ['CZ@1:manage'],
          details: { name: 'Most', organisation: 'jesenik', ingest: 'rtsp', sharing: 'on-request' },
        }),
        mocks.manager,
      );
      // The media node gets the credentials back in the URL.
      repo.findById.mockResolvedValue(camera);
      await expect(media.ingestInfo(CAM)).resolves.toMatchObject({ ingest: { type: 'rtsp', url: 'rtsp://user:p%40ss@10.1.2.3/stream', rtspTransport: 'tcp' } });
    });

    it('issues a push key to a push camera and keeps only its hash', async () => {
      const { sut } = setup();
      const { camera, pushKey } = await sut.create(admin, dto({ ingest: { type: 'push', protocol: 'srt' } as CreateCameraDto['ingest'] }));
      expect(pushKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(camera).toMatchObject({ ingestType: 'push', pushProtocol: 'srt', pushKeyHash: hashPushKey(pushKey!), rtspUrl: null });
    });

    it.each([
      ['a URL that does not parse', { type: 'rtsp', url: 'rtsp://' }, 'camera_url_invalid'],
      ['an http URL', { type: 'rtsp', url: 'http://10.1.2.3/' }, 'camera_url_scheme'],
      ['an rtsp camera without URL', { type: 'rtsp' }, 'camera_url_required'],
      ['an rtsp camera with a push protocol', { type: 'rtsp', url: 'rtsp://10.1.2.3/', protocol: 'srt' }, 'camera_ingest_invalid'],
      ['a push camera with a URL', { type: 'push', url: 'rtsp://10.1.2.3/' }, 'camera_ingest_invalid'],
      ['a public address', { type: 'rtsp', url: 'rtsp://8.8.8.8/' }, 'camera_network_refused'],
      ['a loopback address', { type: 'rtsp', url: 'rtsp://127.0.0.1:9554/' }, 'camera_network_refused'],
    ])('refuses %s (400) and saves nothing', async (_what, ingest, code) => {
      const { sut, repo } = setup();
      await expect(sut.create(admin, dto({ ingest: ingest as CreateCameraDto['ingest'] }))).rejects.toMatchObject({ code, status: 400 });
      expect(repo.save).not.toHaveBeenCalled();
    });

    it("allows the demo camera's own loopback endpoint only while demo cameras are on", async () => {
      const url = 'rtsp://127.0.0.1:8554/demo';
      await expect(
        setup({ config: { demo: { cameras: true, rtspPort: 8554 } } }).sut.create(admin, dto({ ingest: { type: 'rtsp', url } as CreateCameraDto['ingest'] })),
      ).resolves.toMatchObject({ camera: { rtspUrl: url } });
      await expect(
        setup({ config: { demo: { cameras: false, rtspPort: 8554 } } }).sut.create(admin, dto({ ingest: { type: 'rtsp', url } as CreateCameraDto['ingest'] })),
      ).rejects.toMatchObject({ code: 'camera_network_refused' });
    });

    it('checks every address a host name resolves to', async () => {
      const { sut, resolver } = setup();
      resolver.resolve.mockResolvedValueOnce(['10.0.0.5', '8.8.8.8']);
      await expect(sut.create(admin, dto({ ingest: { type: 'rtsp', url: 'rtsp://cam.example/' } as CreateCameraDto['ingest'] }))).rejects.toMatchObject({
        code: 'camera_network_refused',
        details: { host: 'cam.example' },
      });
      resolver.resolve.mockRejectedValueOnce(new Error('ENOTFOUND'));
      await expect(sut.create(admin, dto({ ingest: { type: 'rtsp', url: 'rtsp://nowhere.example/' } as CreateCameraDto['ingest'] }))).rejects.toMatchObject({
        code: 'camera_host_unresolvable',
        details: { host: 'nowhere.example' },
      });
      expect(resolver.resolve).toHaveBeenCalledWith('nowhere.example');
    });

    it('lowers the default retention to the Polish municipal cap, and refuses an explicit one above it', async () => {
      const { sut } = setup({ config: { cameras: { defaultRetentionDays: 365 } } });
      const { camera } = await sut.create(admin, dto({ organisationId: 'nysa' }));
      expect(camera.jurisdiction).toBe('PL');
      expect(camera.retentionDays).toBeLessThanOrEqual(92);
      expect(camera.retentionDays).toBeGreaterThanOrEqual(89);
      await expect(sut.create(admin, dto({ organisationId: 'nysa', retentionDays: 120 }))).rejects.toMatchObject({
        code: 'retention_exceeds_cap',
        status: 400,
        details: expect.objectContaining({ maxMonths: 3 }),
      });
    });

    it('stops at camera.manage for someone who may not register cameras for the organisation', async () => {
      const { sut, authz, repo } = setup();
      authz.require.mockRejectedValue(AppError.forbidden('no', 'camera_manage_forbidden'));
      await expect(sut.create(admin, dto())).rejects.toMatchObject({ code: 'camera_manage_forbidden' });
      expect(authz.require).toHaveBeenCalledWith(admin, 'camera.manage', expect.objectContaining({ id: 'new' }), { code: 'camera_manage_forbidden', object: 'camera:new' });
      expect(repo.save).not.toHaveBeenCalled();
    });
  });

  describe('changes', () => {
    it('refuses to move a camera to another owner', async () => {
      const { sut, repo } = setup();
      repo.findById.mockResolvedValue(existing());
      await expect(sut.update(admin, CAM, { organisationId: 'nysa' })).rejects.toMatchObject({ code: 'camera_owner_immutable', status: 400 });
    });

    it('decides again on the camera as it will be, and audits the changed fields', async () => {
      const { sut, repo, authz, audit, mocks } = setup();
      repo.findById.mockResolvedValue(existing());
      const saved = await sut.update(admin, CAM, { name: ' Nové ', jurisdiction: 'PL', retentionDays: undefined });
      expect(saved).toMatchObject({ name: 'Nové', jurisdiction: 'PL', pushKeyHash: 'h' });
      expect(authz.camera.mock.calls.at(-1)![0]).toMatchObject({ jurisdiction: 'PL' });
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ operation: 'alteration', details: { fields: ['name', 'jurisdiction'] } }), mocks.manager);
    });

    it('tells sessions about a changed sharing level, and not about an unchanged one', async () => {
      const { sut, repo, audit } = setup();
      const seen: SharingChange[] = [];
      sut.sharingChanges.subscribe((c) => seen.push(c));
      repo.findById.mockImplementation(async () => existing());
      await sut.setSharing(admin, CAM, { sharing: 'private', reason: ' closing ' });
      await sut.setSharing(admin, CAM, { sharing: 'on-request', reason: 'same' });
      expect(seen).toEqual([{ cameraId: CAM, from: 'on-request', to: 'private' }]);
      expect(audit.record.mock.calls[0][0]).toMatchObject({ justification: 'closing', details: { change: 'sharing', from: 'on-request', to: 'private' } });
    });

    it('refuses to delete a camera that still has data (camera_has_data, 409), and passes other errors on', async () => {
      const { sut, repo } = setup();
      repo.findById.mockResolvedValue(existing());
      repo.remove.mockRejectedValueOnce(Object.assign(new Error('fk'), { code: '23503' }));
      await expect(sut.remove(admin, CAM)).rejects.toMatchObject({ code: 'camera_has_data', status: 409 });
      repo.remove.mockRejectedValueOnce(new Error('lost connection'));
      await expect(sut.remove(admin, CAM)).rejects.toThrow('lost connection');
    });

    it('rotates the push key of a push camera only', async () => {
      const { pushKeys: sut, repo } = setup();
      repo.findById.mockResolvedValueOnce(existing());
      const key = await sut.rotate(admin, CAM);
      expect(repo.save.mock.calls[0][0].pushKeyHash).toBe(hashPushKey(key));
      repo.findById.mockResolvedValueOnce(existing({ ingestType: 'rtsp', rtspUrl: 'rtsp://10.1.2.3/' }));
      await expect(sut.rotate(admin, CAM)).rejects.toMatchObject({ code: 'camera_not_push', status: 400 });
    });
  });

  describe('disabled', () => {
    it('disables with the reason, audited as an alteration; tells the media nodes and the session review; enabling undoes it', async () => {
      const { sut, repo, audit, mediaNodes } = setup();
      const seen: DisabledChange[] = [];
      sut.disabledChanges.subscribe((c) => seen.push(c));
      mediaNodes.send.mockResolvedValue({ stopped: true });
      repo.findById.mockResolvedValueOnce(existing({ disabledAt: null }));
      const disabled = await sut.setDisabled(admin, CAM, true, { reason: ' mast repair ' });
      expect(disabled).toMatchObject({ disabledAt: expect.any(Date), disabledReason: 'mast repair' });
      expect(CameraDto.from({ ...disabled, createdAt: new Date(), updatedAt: new Date() } as CameraEntity)).toMatchObject({ state: 'disabled', stateReason: 'mast repair' });
      repo.findById.mockResolvedValueOnce(disabled);
      await expect(sut.setDisabled(admin, CAM, false, { reason: 'repaired' })).resolves.toMatchObject({ disabledAt: null, disabledReason: null });
      expect(audit.record.mock.calls.map((c) => [c[0].operation, c[0].justification, c[0].details])).toEqual([
        ['alteration', 'mast repair', { change: 'disabled' }],
        ['alteration', 'repaired', { change: 'enabled' }],
      ]);
      expect(mediaNodes.send.mock.calls.map((c) => c[1])).toEqual([
        { cameraId: CAM, disabled: true },
        { cameraId: CAM, disabled: false },
      ]);
      expect(seen).toEqual([
        { cameraId: CAM, disabled: true },
        { cameraId: CAM, disabled: false },
      ]);
    });

    it('leaves a camera already in the asked state alone, and stops at camera.manage', async () => {
      const { sut, repo, authz } = setup();
      repo.findById.mockResolvedValue(existing({ disabledAt: null }));
      await sut.setDisabled(admin, CAM, false, { reason: 'x' });
      expect(repo.save).not.toHaveBeenCalled();
      authz.require.mockRejectedValue(AppError.forbidden('no', 'camera_manage_forbidden'));
      await expect(sut.setDisabled(admin, CAM, true, { reason: 'x' })).rejects.toMatchObject({ code: 'camera_manage_forbidden' });
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('refuses the media node the ingest settings and the push key of a disabled camera (camera_disabled, 409), and records none', async () => {
      const { media, pushKeys, repo } = setup();
      repo.findById.mockResolvedValue(existing({ disabledAt: new Date() }));
      await expect(media.ingestInfo(CAM)).rejects.toMatchObject({ code: 'camera_disabled', status: 409 });
      repo.findByPushKeyHash.mockResolvedValue(existing({ disabledAt: new Date() }));
      await expect(pushKeys.verify('k'.repeat(32))).rejects.toMatchObject({ code: 'camera_disabled', status: 409 });
    });
  });

  describe('for media nodes', () => {
    it('records a state report, truncating the reason; an unknown camera is camera_not_found', async () => {
      const { media: sut, repo } = setup();
      repo.setState.mockResolvedValueOnce(true);
      await sut.reportState({ cameraId: CAM, state: 'error', reason: 'x'.repeat(2000) });
      expect(repo.setState).toHaveBeenCalledWith(CAM, 'error', 'x'.repeat(1000));
      repo.setState.mockResolvedValueOnce(false);
      await expect(sut.reportState({ cameraId: CAM, state: 'online' })).rejects.toMatchObject({ code: 'camera_not_found' });
      await expect(sut.reportState({ cameraId: 'nope', state: 'online' })).rejects.toMatchObject({ code: 'camera_not_found' });
      expect(repo.setState).toHaveBeenCalledTimes(2);
    });

    it('resolves a push key by its hash, hiding short keys and non-push cameras', async () => {
      const { pushKeys: sut, repo } = setup();
      repo.findByPushKeyHash.mockResolvedValueOnce(existing());
      await expect(sut.verify('k'.repeat(32))).resolves.toBe(CAM);
      expect(repo.findByPushKeyHash).toHaveBeenCalledWith(hashPushKey('k'.repeat(32)));
      await expect(sut.verify('short')).rejects.toMatchObject({ code: 'push_key_not_found' });
      repo.findByPushKeyHash.mockResolvedValueOnce(existing({ ingestType: 'rtsp' }));
      await expect(sut.verify('k'.repeat(32))).rejects.toMatchObject({ code: 'push_key_not_found' });
    });

    it('lists the cameras to record as ingest settings', async () => {
      const { media: sut, repo } = setup();
      repo.findRecording.mockResolvedValue([existing({ recordingEnabled: true, redactionMethod: null })]);
      await expect(sut.camerasToRecord()).resolves.toEqual([
        { id: CAM, name: 'Náměstí', kind: 'fixed', ingest: { type: 'push', protocol: 'srt' }, recordingEnabled: true, retentionDays: 30, redaction: { method: undefined } },
      ]);
    });
  });
});
