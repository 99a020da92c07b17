import { AuditService } from '@borderlens/audit';
import { CameraEntity, ClipRequestEntity, OrganisationEntity, RetentionReviewEntity } from '@borderlens/database';
import { automock, newTestService, testPrincipal } from '../../../../test/support/new-test-service';
import { Repository } from 'typeorm';
import { RetentionReviewService } from './retention-review.service';

describe(RetentionReviewService.name, () => {
  const DAY = 86_400_000;
  const CAMERA_ID = '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
  const officer = testPrincipal({ username: 'pcr.legal', organisation: 'pcr-olk', roles: ['legal-officer'] });
  const camera = (over: Partial<CameraEntity> = {}) =>
    ({ id: CAMERA_ID, name: 'Hraniční přechod', organisationId: 'pcr-olk', retentionDays: 30, createdAt: new Date(Date.now() - 10 * DAY), ...over }) as CameraEntity;
  const org = (legalRegime: 'led' | 'gdpr', id = 'pcr-olk') => ({ id, legalRegime }) as OrganisationEntity;
  const held = { id: 'clip-1', purpose: 'investigation 2026/114', holdReason: 'court', heldBy: 'pcr.legal' } as ClipRequestEntity;

  const setup = (ledReviewDays = 90) => {
    const { sut, mocks } = newTestService(RetentionReviewService, { config: { cameras: { ledReviewDays } } });
    const repos = {
      reviews: mocks.repository(RetentionReviewEntity),
      cameras: mocks.repository(CameraEntity),
      organisations: mocks.repository(OrganisationEntity),
      clips: mocks.repository(ClipRequestEntity),
    };
    repos.reviews.findOne.mockResolvedValue(null);
    repos.clips.find.mockResolvedValue([]);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue({} as never);
    return { sut, ...repos, audit, manager: mocks.manager };
  };

  describe('list', () => {
    it('is empty for an organisation under the GDPR', async () => {
      const { sut, organisations, cameras } = setup();
      organisations.findOneBy.mockResolvedValue(org('gdpr', 'hzs-olk'));
      await expect(sut.list(testPrincipal())).resolves.toEqual([]);
      expect(cameras.find).not.toHaveBeenCalled();
    });

    it('lists the organisation’s cameras soonest due first, due the interval after registration or the latest review', async () => {
      const { sut, organisations, cameras, reviews, clips } = setup(30);
      organisations.findOneBy.mockResolvedValue(org('led'));
      const old = camera({ id: 'c-old', name: 'A', createdAt: new Date(Date.now() - 40 * DAY) });
      const fresh = camera({ id: 'c-new', name: 'B', createdAt: new Date(Date.now() - 50 * DAY) });
      cameras.find.mockResolvedValue([old, fresh]);
      const reviewedAt = new Date(Date.now() - 5 * DAY);
      reviews.findOne.mockImplementation((async (q: { where: { cameraId: string } }) =>
        q.where.cameraId === 'c-new'
          ? { id: 'r1', reviewedAt, reviewedBy: 'pcr.legal', decision: 'keep', reason: 'needed', retentionDays: 30, heldClipIds: ['clip-1'] }
          : null) as never);
      clips.find.mockImplementation((async (q: { where: { cameraId: string } }) => (q.where.cameraId === 'c-new' ? [held] : [])) as never);

      const list = await sut.list(officer);
      expect(cameras.find).toHaveBeenCalledWith({ where: { organisationId: 'pcr-olk' }, order: { name: 'ASC' } });
      expect(list.map((s) => [s.cameraId, s.overdue])).toEqual([
        ['c-old', true],
        ['c-new', false],
      ]);
      expect(list[0]).toMatchObject({ intervalDays: 30, lastReview: null, heldClips: [], dueAt: new Date(old.createdAt.getTime() + 30 * DAY).toISOString() });
      expect(list[1]).toMatchObject({
        dueAt: new Date(reviewedAt.getTime() + 30 * DAY).toISOString(),
        lastReview: { id: 'r1', reviewedAt: reviewedAt.toISOString(), decision: 'keep', heldClipIds: ['clip-1'] },
        heldClips: [{ id: 'clip-1', purpose: 'investigation 2026/114', holdReason: 'court', heldBy: 'pcr.legal' }],
      });
      expect(clips.find).toHaveBeenCalledWith({ where: { cameraId: 'c-new', legalHold: true }, order: { createdAt: 'ASC' } });
    });

    it('lists only the overdue ones when asked', async () => {
      const { sut, organisations, cameras } = setup(30);
      organisations.findOneBy.mockResolvedValue(org('led'));
      cameras.find.mockResolvedValue([camera({ id: 'due', createdAt: new Date(Date.now() - 31 * DAY) }), camera({ id: 'not-due', createdAt: new Date(Date.now() - DAY) })]);
      await expect(sut.list(officer, true)).resolves.toMatchObject([{ cameraId: 'due', overdue: true }]);
    });
  });

  describe('get', () => {
    it('answers not found for an id that is not a UUID, without a query', async () => {
      const { sut, cameras } = setup();
      await expect(sut.get(officer, 'x; drop table')).rejects.toMatchObject({ code: 'camera_not_found' });
      expect(cameras.findOneBy).not.toHaveBeenCalled();
    });

    it('refuses, and audits, a legal officer of another organisation', async () => {
      const { sut, cameras, audit } = setup();
      cameras.findOneBy.mockResolvedValue(camera({ organisationId: 'mp-jesenik' }));
      await expect(sut.get(officer, CAMERA_ID)).rejects.toMatchObject({ code: 'review_not_owner' });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ operation: 'consultation', decision: 'deny', object: `camera:${CAMERA_ID}`, actor: expect.objectContaining({ organisation: 'pcr-olk' }) }),
      );
    });

    it('answers a conflict for a camera whose owner is under the GDPR', async () => {
      const { sut, cameras, organisations } = setup();
      cameras.findOneBy.mockResolvedValue(camera({ organisationId: 'hzs-olk' }));
      organisations.findOneBy.mockResolvedValue(org('gdpr', 'hzs-olk'));
      await expect(sut.get(testPrincipal(), CAMERA_ID)).rejects.toMatchObject({ code: 'review_not_applicable' });
    });

    it('answers the camera’s review status', async () => {
      const { sut, cameras, organisations } = setup();
      cameras.findOneBy.mockResolvedValue(camera());
      organisations.findOneBy.mockResolvedValue(org('led'));
      await expect(sut.get(officer, CAMERA_ID)).resolves.toMatchObject({
        cameraId: CAMERA_ID,
        cameraName: 'Hraniční přechod',
        retentionDays: 30,
        intervalDays: 90,
        overdue: false,
      });
    });
  });

  describe('record', () => {
    const owned = () => {
      const s = setup();
      s.cameras.findOneBy.mockResolvedValue(camera());
      s.organisations.findOneBy.mockResolvedValue(org('led'));
      const locked = camera();
      s.manager.findOne.mockResolvedValue(locked);
      s.manager.save.mockImplementation((async (_e: unknown, v: object) => ({ id: 'review-1', ...v })) as never);
      const clipRepo = automock(Repository) as jest.Mocked<Repository<ClipRequestEntity>>;
      clipRepo.find.mockResolvedValue([held]);
      s.manager.getRepository.mockReturnValue(clipRepo as never);
      return { ...s, locked, clipRepo };
    };

    it.each([
      ['an empty reason', { decision: 'keep', reason: '  ' }, 'reason_required'],
      ['retentionDays with keep', { decision: 'keep', reason: 'r', retentionDays: 10 }, 'retention_days_unexpected'],
    ] as const)('refuses %s before touching the camera', async (_what, dto, code) => {
      const { sut, cameras, audit } = setup();
      await expect(sut.record(officer, CAMERA_ID, dto)).rejects.toMatchObject({ code });
      expect(cameras.findOneBy).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it.each([
      ['without retentionDays', undefined],
      ['to the same retention', 30],
      ['to a longer retention', 60],
    ])('refuses a reduction %s, and saves nothing', async (_what, retentionDays) => {
      const { sut, manager, audit } = owned();
      await expect(sut.record(officer, CAMERA_ID, { decision: 'reduce', reason: 'r', retentionDays })).rejects.toMatchObject({
        code: 'retention_days_invalid',
        details: { retentionDays: 30 },
      });
      expect(manager.save).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('keeps: records the review with the clips under hold, audited as a consultation in the same transaction', async () => {
      const { sut, manager, audit, clipRepo } = owned();
      const before = Date.now();
      const status = await sut.record(officer, CAMERA_ID, { decision: 'keep', reason: ' still needed ' });
      expect(manager.findOne).toHaveBeenCalledWith(CameraEntity, { where: { id: CAMERA_ID }, lock: { mode: 'pessimistic_write' } });
      expect(manager.save).toHaveBeenCalledTimes(1);
      const review = manager.save.mock.calls[0][1] as RetentionReviewEntity;
      expect(review).toMatchObject({
        cameraId: CAMERA_ID,
        reviewedBy: 'pcr.legal',
        organisationId: 'pcr-olk',
        decision: 'keep',
        reason: 'still needed',
        retentionDays: 30,
        heldClipIds: ['clip-1'],
      });
      expect(review.dueAt.getTime() - review.reviewedAt.getTime()).toBe(90 * DAY);
      expect(review.reviewedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(clipRepo.find).toHaveBeenCalledWith({ where: { cameraId: CAMERA_ID, legalHold: true }, order: { createdAt: 'ASC' } });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'consultation',
          justification: 'still needed',
          details: expect.objectContaining({ event: 'retention.review', decision: 'keep', retentionDays: { before: 30, after: 30 }, heldClips: ['clip-1'] }),
        }),
        manager,
      );
      expect(status.retentionDays).toBe(30);
    });

    it('reduces: lowers the camera’s retention, audited as an alteration with before and after', async () => {
      const { sut, manager, audit, locked } = owned();
      const status = await sut.record(officer, CAMERA_ID, { decision: 'reduce', reason: 'case closed', retentionDays: 7 });
      expect(manager.save).toHaveBeenNthCalledWith(1, CameraEntity, expect.objectContaining({ id: CAMERA_ID, retentionDays: 7 }));
      expect(manager.save.mock.calls[1][1]).toMatchObject({ decision: 'reduce', retentionDays: 7 });
      expect(audit.record.mock.calls[0][0]).toMatchObject({ operation: 'alteration', details: { retentionDays: { before: 30, after: 7 } } });
      expect(locked.retentionDays).toBe(7);
      expect(status.retentionDays).toBe(7);
    });

    it('answers not found when the camera is deleted before the lock', async () => {
      const { sut, manager, audit } = owned();
      manager.findOne.mockResolvedValue(null);
      await expect(sut.record(officer, CAMERA_ID, { decision: 'keep', reason: 'r' })).rejects.toMatchObject({ code: 'camera_not_found' });
      expect(audit.record).not.toHaveBeenCalled();
    });
  });
});
