import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import { Patterns } from '@borderlens/contracts';
import type { AuditEntryEntity, CameraEntity, ClipRequestEntity, OrganisationEntity } from '@borderlens/database';
import { newTestService } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { OrganisationService } from '../organisation/organisation.service';
import { ClipJobService, clipWatermark } from './clip-job.service';
import { ClipSigner, type ClipManifest } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { ClipRequestService } from './clip-request.service';

const ID = '9c1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const DAY = 86_400_000;

const clip = (over: Partial<ClipRequestEntity> = {}) =>
  ({
    id: ID,
    cameraId: 'cam-1',
    state: 'approved',
    form: 'anonymized',
    exportAttempts: 0,
    startsAt: new Date('2026-12-01T10:00:00Z'),
    endsAt: new Date('2026-12-01T10:05:00Z'),
    requesterName: 'nysa.municipal',
    requesterOrganisation: 'nysa',
    requesterCountry: 'PL',
    decidedBy: null,
    purpose: 'incident',
    justification: 'flood',
    caseReference: null,
    urgent: false,
    legalBasis: 'permitted',
    policyIds: ['CZ@3:cz-clip'],
    approvalPolicyIds: [],
    obligations: {},
    anonymizerModels: [],
    legalHold: false,
    expiresAt: null,
    updatedAt: new Date(),
    exportStartedAt: null,
    ...over,
  }) as ClipRequestEntity;

describe(ClipJobService.name, () => {
  /** One clip request in an in-memory table; locks see it only in the states their condition names. */
  const setup = (row: ClipRequestEntity) => {
    const { sut, mocks } = newTestService(ClipJobService, { config: { clips: { maxExportAttempts: 3, downloadDays: 7 }, gateway: { publicUrl: 'https://gw.example' } } });
    const table = { row };
    const repo = mocks.of(ClipRequestRepository);
    repo.findIds.mockImplementation(async (states) => (states.includes(table.row.state) ? [{ id: table.row.id }] : []));
    repo.findById.mockImplementation(async () => ({ ...table.row }));
    repo.lockNextJob.mockImplementation(async (_m, where) => (where.includes(`'${table.row.state}'`) ? { ...table.row } : null));
    repo.save.mockImplementation(async (r) => (table.row = { ...r } as ClipRequestEntity));
    const audit = mocks.of(AuditService);
    audit.record.mockImplementation(
      async (e) =>
        ({
          seq: '9',
          time: new Date('2026-12-02T10:00:00Z'),
          operation: e.operation,
          actorUser: 'system',
          actorOrganisation: '',
          decision: e.decision,
          hash: 'h9',
        }) as AuditEntryEntity,
    );
    mocks.anonymizer.send.mockResolvedValue({ models: [{ name: 'yunet', file: 'yunet.onnx', sha256: 'abc', loaded: true }] });
    return { sut, mocks, table, audit, media: mocks.media };
  };

  describe('start', () => {
    it('claims an approved request, records the detector models and asks the media node for a watermarked export', async () => {
      const { sut, table, media } = setup(clip());
      media.send.mockResolvedValue({ state: 'exporting', progress: 0 });
      await sut.round();
      expect(table.row).toMatchObject({ state: 'exporting', exportAttempts: 1, progress: 0, anonymizerModels: [{ name: 'yunet', file: 'yunet.onnx', sha256: 'abc' }] });
      expect(media.send).toHaveBeenCalledWith(Patterns.media.clipExport, {
        clipId: ID,
        cameraId: 'cam-1',
        from: '2026-12-01T10:00:00.000Z',
        to: '2026-12-01T10:05:00.000Z',
        form: 'anonymized',
        watermark: `FOR nysa CLIP ${ID}`,
      });
      expect(clipWatermark(table.row)).toBe(`FOR nysa CLIP ${ID}`);
    });

    it('waits while the anonymizer is unreachable (an anonymized clip needs it)', async () => {
      const { sut, mocks, table } = setup(clip());
      mocks.anonymizer.send.mockRejectedValue(new Error('timeout'));
      await sut.round();
      expect(table.row.state).toBe('approved');
      expect(mocks.media.send).not.toHaveBeenCalled();
    });

    it('fails the request, audited, when the media node refuses the export', async () => {
      const { sut, table, media, audit } = setup(clip({ form: 'raw' }));
      media.send.mockRejectedValue(new Error('clip.export: bad_request: no recording of that range'));
      await sut.round();
      expect(table.row).toMatchObject({ state: 'failed', error: 'the media node refused the export: clip.export: bad_request: no recording of that range' });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ actor: SYSTEM_ACTOR, object: `clip:${ID}`, decision: 'failed', details: { camera: 'cam-1', attempts: 1 } }),
        expect.anything(),
      );
    });

    it('keeps exporting when the media node is only unreachable', async () => {
      const { sut, table, media } = setup(clip({ form: 'raw' }));
      media.send.mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValue({ state: 'exporting', progress: 0 });
      await sut.round();
      expect(table.row.state).toBe('exporting');
    });
  });

  describe('follow', () => {
    it('records progress (at most 99 %) and the time left', async () => {
      const { sut, table, media } = setup(clip({ state: 'exporting', exportAttempts: 1, exportStartedAt: new Date(Date.now() - 10_000) }));
      media.send.mockResolvedValue({ state: 'exporting', progress: 0.25 });
      await sut.round();
      expect(table.row.progress).toBe(0.25);
      expect(table.row.etaSec).toBeGreaterThanOrEqual(29);
      expect(table.row.etaSec).toBeLessThanOrEqual(31);
      media.send.mockResolvedValue({ state: 'exporting', progress: 1.5 });
      await sut.round();
      expect(table.row.progress).toBe(0.99);
    });

    it('signs the manifest of a finished export, listing the audit trail, and opens the download for downloadDays', async () => {
      const { sut, mocks, table, media, audit } = setup(clip({ state: 'exporting', exportAttempts: 1 }));
      media.send.mockResolvedValue({ state: 'ready', progress: 1, sha256: 'f'.repeat(64), bytes: 4096, durationSec: 300, path: 'clips/x.mp4' });
      mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ id: 'cam-1', name: 'Most', kind: 'fixed', organisationId: 'jesenik', jurisdiction: 'CZ' } as CameraEntity);
      mocks.of(OrganisationService).findOne.mockResolvedValue({ id: 'jesenik', name: 'Město Jeseník', country: 'CZ' } as OrganisationEntity);
      audit.find.mockResolvedValue([
        {
          seq: '3',
          time: new Date('2026-12-01T11:00:00Z'),
          operation: 'collection',
          actorUser: 'nysa.municipal',
          actorOrganisation: 'nysa',
          decision: 'approved',
          hash: 'h3',
        } as AuditEntryEntity,
      ]);
      const signer = mocks.of(ClipSigner);
      signer.signManifest.mockImplementation(async (m) => ({ manifest: m, signature: 'sig' }) as never);
      await sut.round();
      const manifest = signer.signManifest.mock.calls[0][0] as ClipManifest;
      expect(manifest).toMatchObject({
        requestId: ID,
        file: { sha256: 'f'.repeat(64), bytes: 4096, durationSec: 300, form: 'anonymized', watermark: `FOR nysa CLIP ${ID}` },
        camera: { id: 'cam-1', owner: { id: 'jesenik', country: 'CZ' }, jurisdiction: 'CZ' },
        policyVersions: { CZ: 3 },
        issuer: 'https://gw.example',
        jwksUrl: 'https://gw.example/api/v1/clips/jwks',
      });
      expect(manifest.audit.map((a) => [a.seq, a.decision])).toEqual([
        ['3', 'approved'],
        ['9', 'ready'],
      ]);
      expect(table.row).toMatchObject({ state: 'ready', progress: 1, sha256: 'f'.repeat(64), bytes: '4096', path: 'clips/x.mp4', manifest: { signature: 'sig' } });
      expect(table.row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    });

    it('fails the request the media node reports failed', async () => {
      const { sut, table, media } = setup(clip({ state: 'exporting', exportAttempts: 1 }));
      media.send.mockResolvedValue({ state: 'failed', progress: 0.3, error: 'decoder crashed' });
      await sut.round();
      expect(table.row).toMatchObject({ state: 'failed', error: 'decoder crashed' });
    });

    it('starts a lost export again, audited, until maxExportAttempts, then fails it', async () => {
      const { sut, table, media, audit } = setup(clip({ state: 'exporting', exportAttempts: 2 }));
      media.send.mockImplementation(async (pattern) => {
        if (pattern === Patterns.media.clipStatus) throw new Error('clip.status: not_found');
        return { state: 'exporting', progress: 0 };
      });
      await sut.round();
      expect(table.row).toMatchObject({ state: 'exporting', exportAttempts: 3 });
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ decision: 'export-restarted', details: { camera: 'cam-1', attempt: 3 } }), expect.anything());
      expect(media.send).toHaveBeenCalledWith(Patterns.media.clipExport, expect.objectContaining({ clipId: ID }));
      await sut.round();
      expect(table.row).toMatchObject({ state: 'failed', error: 'the media node lost the export (restarted?); given up after 3 attempts' });
    });

    it('fails an export whose media node stays silent past two minutes, and waits before that', async () => {
      const { sut, table, media } = setup(clip({ state: 'exporting', exportAttempts: 1, updatedAt: new Date(Date.now() - 60_000) }));
      media.send.mockRejectedValue(new Error('ECONNREFUSED'));
      await sut.round();
      expect(table.row.state).toBe('exporting');
      table.row = { ...table.row, updatedAt: new Date(Date.now() - 121_000) } as ClipRequestEntity;
      await sut.round();
      expect(table.row).toMatchObject({ state: 'failed', error: 'the media node has not answered for 120 s: ECONNREFUSED' });
    });
  });

  describe('expiry', () => {
    const past = new Date(Date.now() - 1000);

    it('erases the file of a ready clip past its download period, then expires the request (audited erasure)', async () => {
      const { sut, table, media, audit } = setup(clip({ state: 'ready', expiresAt: past, sha256: 'abc' }));
      media.send.mockResolvedValue({});
      await sut.round();
      expect(media.send).toHaveBeenCalledWith(Patterns.media.clipDelete, { clipId: ID });
      expect(table.row).toMatchObject({ state: 'expired', path: null });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ operation: 'erasure', object: `clip:${ID}`, justification: 'download period elapsed' }),
        expect.anything(),
      );
    });

    it('keeps a held clip, one still in its period, and one whose file the media node could not erase yet', async () => {
      for (const over of [{ expiresAt: past, legalHold: true }, { expiresAt: new Date(Date.now() + DAY) }]) {
        const { sut, table, media } = setup(clip({ state: 'ready', ...over }));
        await sut.round();
        expect(media.send).not.toHaveBeenCalled();
        expect(table.row.state).toBe('ready');
      }
      const { sut, table, media } = setup(clip({ state: 'ready', expiresAt: past }));
      media.send.mockRejectedValue(new Error('timeout'));
      await sut.round();
      expect(table.row.state).toBe('ready');
    });
  });

  it('runs a round at start and whenever a request is approved, and none once stopped', async () => {
    const { sut, mocks, table, media } = setup(clip({ form: 'raw' }));
    media.send.mockResolvedValue({ state: 'exporting', progress: 0 });
    const settle = () => new Promise((r) => setTimeout(r, 20));
    sut.onApplicationBootstrap();
    await settle();
    expect(table.row.state).toBe('exporting');
    table.row = clip({ form: 'raw' });
    mocks.of(ClipRequestService).onApproved();
    await settle();
    expect(table.row.state).toBe('exporting');
    await sut.onModuleDestroy();
    table.row = clip({ form: 'raw' });
    mocks.of(ClipRequestService).onApproved();
    await settle();
    expect(table.row.state).toBe('approved');
  });
});
