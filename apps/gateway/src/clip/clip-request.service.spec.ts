import { AuditService } from '@borderlens/audit';
import type { CameraEntity, ClipRequestEntity } from '@borderlens/database';
import type { CameraInput, Decision, OrganisationInput, PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import { RecordingService, mergeRanges } from '../recording/recording.service';
import type { CreateClipRequestDto } from './clip.dto';
import { ClipSigner } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { ClipRequestService, answerDeadline, strictest } from './clip-request.service';

const cfg = { deadlineUrgentHours: 8, deadlineDays: 3, downloadDays: 7, checkIntervalSec: 2, maxExportAttempts: 3 };
const now = new Date('2026-12-02T10:00:00Z');

describe('clip request rules', () => {
  it('sets Directive 2023/977 deadlines only between police forces of two countries', () => {
    expect(answerDeadline(cfg, { kind: 'police', country: 'PL' }, { kind: 'police', country: 'CZ' }, true, now)).toEqual(new Date('2026-12-02T18:00:00Z'));
    expect(answerDeadline(cfg, { kind: 'police', country: 'PL' }, { kind: 'police', country: 'CZ' }, false, now)).toEqual(new Date('2026-12-05T10:00:00Z'));
    expect(answerDeadline(cfg, { kind: 'police', country: 'CZ' }, { kind: 'police', country: 'CZ' }, true, now)).toBeNull();
    expect(answerDeadline(cfg, { kind: 'municipality', country: 'PL' }, { kind: 'municipality', country: 'CZ' }, true, now)).toBeNull();
  });

  it('combines two permits strictest-wins', () => {
    const a = { watermark: false, purposeRequired: true, ownerApproval: false, anonymize: false, maxDurationSec: 3600 };
    const b = { watermark: true, purposeRequired: false, ownerApproval: true, anonymize: false, maxDurationSec: 600 };
    expect(strictest(a, b)).toEqual({ watermark: true, purposeRequired: true, ownerApproval: true, anonymize: false, maxDurationSec: 600 });
    expect(strictest(a)).toBe(a);
  });
});

describe('recording ranges', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s));
  it('merges adjacent segments and lists the gaps, clamped to the window', () => {
    const segs = [
      { startedAt: t(0), endedAt: t(10) },
      { startedAt: t(10.5), endedAt: t(20) },
      { startedAt: t(40), endedAt: t(50) },
    ];
    const r = mergeRanges(segs, t(5), t(60));
    expect(r.ranges).toEqual([
      { from: t(5), to: t(20) },
      { from: t(40), to: t(50) },
    ]);
    expect(r.gaps).toEqual([
      { from: t(20), to: t(40) },
      { from: t(50), to: t(60) },
    ]);
    expect(mergeRanges([], t(0), t(10)).gaps).toEqual([{ from: t(0), to: t(10) }]);
  });
});

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const CLIP = '9c1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const MIN = 60_000;
const jesenikCamera = { id: CAM, organisationId: 'jesenik', jurisdiction: 'CZ', retentionDays: 30, latitude: 50.23, longitude: 17.2 } as CameraEntity;
const owner: OrganisationInput = { id: 'jesenik', kind: 'municipality', country: 'CZ', regime: 'gdpr' };
const requester = testPrincipal({ userId: 'u-nysa', username: 'nysa.municipal', organisation: 'nysa', country: 'PL', roles: ['municipal'] });
const officer = testPrincipal({ userId: 'u-jes', username: 'jesenik.legal', organisation: 'jesenik', country: 'CZ', roles: ['legal-officer'] });

describe(ClipRequestService.name, () => {
  /** `decide(action)`: what the rules answer for clip.request, recording.raw and clip.approve. */
  const setup = (decide: (action: string) => Decision = () => permit()) => {
    const { sut, mocks } = newTestService(ClipRequestService, { config: { gateway: { publicUrl: 'https://gw.example/' } } });
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue(jesenikCamera);
    const authz = mocks.of(AuthorizationService);
    authz.principal.mockImplementation(
      async (p) => ({ id: p.userId, country: p.country, organisation: { id: p.organisation, kind: 'municipality', country: p.country, regime: 'gdpr' } }) as PrincipalInput,
    );
    authz.camera.mockResolvedValue({ type: 'Camera', id: CAM, jurisdiction: 'CZ', owner } as CameraInput);
    authz.organisation.mockResolvedValue(undefined);
    authz.decide.mockImplementation((_p, action) => decide(action));
    authz.recordDecision.mockResolvedValue(undefined as never);
    const incidents = mocks.of(IncidentService);
    incidents.activeNow.mockResolvedValue([]);
    incidents.covering.mockReturnValue([]);
    const recordings = mocks.of(RecordingService);
    recordings.covers.mockResolvedValue(true);
    const repo = mocks.of(ClipRequestRepository);
    repo.save.mockImplementation(async (r) => Object.assign(r, { id: r.id ?? CLIP }));
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    const approved = jest.fn();
    sut.onApproved = approved;
    return { sut, mocks, authz, recordings, repo, audit, approved };
  };

  describe('create', () => {
    const dto = (over: Partial<CreateClipRequestDto> = {}) =>
      ({
        cameraId: CAM,
        from: new Date(Date.now() - 20 * MIN),
        to: new Date(Date.now() - 15 * MIN),
        purpose: 'incident',
        justification: ' flood damage ',
        form: 'anonymized',
        ...over,
      }) as CreateClipRequestDto;

    it('approves at once when the rules oblige no owner approval, audits the collection and starts the export', async () => {
      const { sut, audit, approved } = setup();
      const r = await sut.create(requester, dto());
      expect(r).toMatchObject({
        cameraId: CAM,
        requesterId: 'u-nysa',
        requesterCountry: 'PL',
        state: 'approved',
        justification: 'flood damage',
        decisionReason: 'no owner approval required by the rules',
        deadlineAt: null,
        policyIds: ['CZ@1:cz-rule'],
      });
      expect(approved).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'collection',
          object: `clip:${CLIP}`,
          decision: 'approved',
          justification: 'incident: flood damage',
          details: expect.objectContaining({ action: 'clip.request', camera: CAM }),
        }),
        expect.anything(),
      );
    });

    it("waits for the owner's approval when a rule obliges it", async () => {
      const { sut, approved } = setup(() => permit({ ownerApproval: true }));
      await expect(sut.create(requester, dto())).resolves.toMatchObject({ state: 'submitted', decidedAt: null, decisionReason: null });
      expect(approved).not.toHaveBeenCalled();
    });

    it('audits a refused request as a disclosure attempt across the border and answers clip_request_denied', async () => {
      const { sut, authz, repo } = setup(() => deny('no clips for you'));
      await expect(sut.create(requester, dto())).rejects.toMatchObject({ code: 'clip_request_denied', status: 403 });
      expect(authz.recordDecision).toHaveBeenCalledWith(
        requester,
        'clip.request',
        expect.anything(),
        expect.objectContaining({ operation: 'disclosure', recipient: 'nysa (PL)', object: `camera:${CAM}` }),
      );
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('refuses a new request on a disabled camera (camera_disabled, 409), saving none', async () => {
      const { sut, mocks, repo } = setup();
      mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ ...jesenikCamera, name: 'Jeseník náměstí', disabledAt: new Date() } as CameraEntity);
      await expect(sut.create(requester, dto())).rejects.toMatchObject({ code: 'camera_disabled', status: 409, details: { camera: 'Jeseník náměstí' } });
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('answers the dry run (check) on a disabled camera as the request itself: camera_disabled, 409, before anything else is looked at', async () => {
      const { sut, mocks, recordings } = setup();
      mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ ...jesenikCamera, disabledAt: new Date() } as CameraEntity);
      const submitted = await sut.create(requester, dto()).catch((e: unknown) => e);
      const checked = await sut.check(requester, dto()).catch((e: unknown) => e);
      expect(checked).toMatchObject({ code: 'camera_disabled', status: 409 });
      expect(checked).toEqual(submitted);
      expect(recordings.covers).not.toHaveBeenCalled();
      // The rules' refusal comes first in both, as for an enabled camera.
      const refused = setup(() => deny('no clips for you'));
      refused.mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ ...jesenikCamera, disabledAt: new Date() } as CameraEntity);
      await expect(refused.sut.check(requester, dto())).resolves.toMatchObject({ outcome: 'denied', code: 'clip_request_denied' });
    });

    it('asks for a purpose with purpose_required', async () => {
      await expect(setup(() => deny('purpose', 'purpose-required')).sut.create(requester, dto())).rejects.toMatchObject({ code: 'purpose_required' });
    });

    it('decides recording.raw too for a raw clip, and refuses raw when the rules demand anonymization', async () => {
      await expect(setup((a) => (a === 'recording.raw' ? deny() : permit())).sut.create(requester, dto({ form: 'raw' }))).rejects.toMatchObject({
        code: 'clip_raw_denied',
        status: 403,
      });
      await expect(setup((a) => (a === 'recording.raw' ? permit({ anonymize: true }) : permit())).sut.create(requester, dto({ form: 'raw' }))).rejects.toMatchObject({
        code: 'clip_raw_denied',
      });
      const r = await setup().sut.create(requester, dto({ form: 'raw' }));
      expect(r.policyIds).toEqual(['CZ@1:cz-rule', 'CZ@1:cz-rule']);
    });

    it.each([
      ['an end before the start', { from: new Date(Date.now() - 10 * MIN), to: new Date(Date.now() - 20 * MIN) }, 'clip_range_invalid'],
      ['a range in the future', { from: new Date(Date.now() - MIN), to: new Date(Date.now() + 10 * MIN) }, 'clip_range_invalid'],
      ['a start older than the retention', { from: new Date(Date.now() - 31 * 86_400_000), to: new Date(Date.now() - 30 * 86_400_000 + MIN) }, 'clip_range_beyond_retention'],
    ])('refuses %s (400)', async (_what, range, code) => {
      const { sut, repo } = setup();
      await expect(sut.create(requester, dto(range))).rejects.toMatchObject({ code, status: 400 });
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('names the retention and the earliest start it allows (clip_range_beyond_retention details)', async () => {
      const e = (await setup()
        .sut.create(requester, dto({ from: new Date(Date.now() - 31 * 86_400_000), to: new Date(Date.now() - 30 * 86_400_000 + MIN) }))
        .catch((x: unknown) => x)) as { details: { retainedFrom: string } };
      expect(e).toMatchObject({ code: 'clip_range_beyond_retention', details: { retentionDays: jesenikCamera.retentionDays } });
      const retainedFrom = Date.parse(e.details.retainedFrom);
      expect(Math.abs(retainedFrom - (Date.now() - jesenikCamera.retentionDays * 86_400_000))).toBeLessThan(60_000);
    });

    it("refuses a range longer than the rules' maximum (clip_too_long)", async () => {
      await expect(setup(() => permit({ maxDurationSec: 60 })).sut.create(requester, dto())).rejects.toMatchObject({ code: 'clip_too_long', details: { maxDurationSec: 60 } });
    });

    it('refuses a range that was not recorded, naming the recorded ranges around it', async () => {
      const { sut, recordings } = setup();
      recordings.covers.mockResolvedValue(false);
      const from = new Date('2026-12-01T10:00:00Z');
      recordings.ranges.mockResolvedValue({ ranges: [{ from, to: new Date('2026-12-01T10:05:00Z') }], gaps: [] });
      await expect(sut.create(requester, dto())).rejects.toMatchObject({
        code: 'clip_range_not_recorded',
        details: { ranges: [{ from: from.toISOString(), to: '2026-12-01T10:05:00.000Z' }] },
      });
    });
  });

  describe('decisions', () => {
    const request = (over: Partial<ClipRequestEntity> = {}) =>
      ({
        id: CLIP,
        cameraId: CAM,
        requesterId: 'u-nysa',
        requesterOrganisation: 'nysa',
        requesterCountry: 'PL',
        state: 'submitted',
        legalHold: false,
        deadlineAt: null,
        policyIds: [],
        approvalPolicyIds: [],
        ...over,
      }) as ClipRequestEntity;
    const withRequest = (decide: (action: string) => Decision = () => permit(), r = request()) => {
      const s = setup(decide);
      s.repo.findById.mockResolvedValue(r);
      s.repo.lock.mockResolvedValue({ ...r });
      return s;
    };

    it("approves as an officer under the camera's law, recording the rules, and starts the export", async () => {
      const { sut, audit, approved } = withRequest();
      const r = await sut.approve(officer, CLIP, ' fine ');
      expect(r).toMatchObject({ state: 'approved', decidedBy: 'jesenik.legal', deciderOrganisation: 'jesenik', decisionReason: 'fine', approvalPolicyIds: ['CZ@1:cz-rule'] });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'alteration',
          decision: 'approved',
          recipient: 'nysa (PL)',
          details: expect.objectContaining({ action: 'clip.approve', overdue: false }),
        }),
        expect.anything(),
      );
      expect(approved).toHaveBeenCalled();
    });

    it('never lets a requester decide their own request (clip_self_approval, audited)', async () => {
      const { sut, audit } = withRequest();
      await expect(sut.approve(requester, CLIP, 'mine')).rejects.toMatchObject({ code: 'clip_self_approval', status: 403 });
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ decision: 'deny', details: expect.objectContaining({ denial: 'own-request' }) }), undefined);
    });

    it("refuses a decider from another country than the camera's, whatever the rules say", async () => {
      const { sut, audit } = withRequest();
      await expect(sut.reject(testPrincipal({ country: 'PL', organisation: 'glucholazy' }), CLIP, 'no')).rejects.toMatchObject({ code: 'clip_approve_denied', status: 403 });
      expect(audit.record.mock.calls[0][0].details).toMatchObject({ denial: 'foreign-jurisdiction' });
    });

    it('refuses, audited, an officer the rules do not permit to approve', async () => {
      const { sut, authz } = withRequest((a) => (a === 'clip.approve' ? deny('not yours') : permit()));
      await expect(sut.approve(officer, CLIP, 'x')).rejects.toMatchObject({ code: 'clip_approve_denied', status: 403 });
      expect(authz.recordDecision).toHaveBeenCalledWith(officer, 'clip.approve', expect.anything(), {
        operation: 'consultation',
        object: `clip:${CLIP}`,
        justification: 'approve refused',
      });
    });

    it('answers clip_not_pending (409) for a request decided meanwhile, and clip_request_not_found for an unknown one', async () => {
      const { sut, repo } = withRequest();
      repo.lock.mockResolvedValue(request({ state: 'rejected' }));
      await expect(sut.approve(officer, CLIP, 'x')).rejects.toMatchObject({ code: 'clip_not_pending', status: 409 });
      repo.findById.mockResolvedValue(null);
      await expect(sut.approve(officer, CLIP, 'x')).rejects.toMatchObject({ code: 'clip_request_not_found', status: 404 });
    });

    it('shows a request to its requester and to whoever may decide it, and hides it from others', async () => {
      const decide = jest.fn((_action: string) => permit());
      const { sut } = withRequest((a) => decide(a));
      await expect(sut.findVisible(requester, CLIP)).resolves.toMatchObject({ id: CLIP });
      expect(decide).not.toHaveBeenCalled();
      await expect(sut.findVisible(officer, CLIP)).resolves.toMatchObject({ id: CLIP });
      decide.mockReturnValue(deny());
      await expect(sut.findVisible(officer, CLIP)).rejects.toMatchObject({ code: 'clip_request_not_found', status: 404 });
    });

    it('lets only the requester withdraw, and only before the export', async () => {
      const { sut, repo } = withRequest();
      await expect(sut.cancel(officer, CLIP, 'x')).rejects.toMatchObject({ code: 'clip_not_requester', status: 403 });
      await expect(sut.cancel(requester, CLIP, ' changed my mind ')).resolves.toMatchObject({ state: 'cancelled', decisionReason: 'changed my mind' });
      repo.lock.mockResolvedValue(request({ state: 'exporting' }));
      await expect(sut.cancel(requester, CLIP, 'x')).rejects.toMatchObject({ code: 'clip_not_cancellable', status: 409 });
    });

    it('puts a request under legal hold once, releases it once, and has nothing to hold once expired', async () => {
      const { sut, repo } = withRequest(undefined, request({ state: 'ready' }));
      await expect(sut.hold(officer, CLIP, ' court order ', true)).resolves.toMatchObject({ legalHold: true, holdReason: 'court order', heldBy: 'jesenik.legal' });
      repo.lock.mockResolvedValue(request({ legalHold: true }));
      await expect(sut.hold(officer, CLIP, 'again', true)).rejects.toMatchObject({ code: 'clip_already_held', status: 409 });
      repo.lock.mockResolvedValue(request({ legalHold: false }));
      await expect(sut.hold(officer, CLIP, 'release', false)).rejects.toMatchObject({ code: 'clip_not_held' });
      repo.lock.mockResolvedValue(request({ state: 'expired' }));
      await expect(sut.hold(officer, CLIP, 'late', true)).rejects.toMatchObject({ code: 'clip_expired', status: 409 });
    });
  });

  it('gives a download link only to the requester of a ready clip', async () => {
    const { sut, mocks } = setup();
    mocks.of(ClipSigner).signLink.mockResolvedValue('signed');
    const r = {
      id: CLIP,
      cameraId: CAM,
      state: 'ready',
      form: 'anonymized',
      requesterId: 'u-nysa',
      requesterName: 'nysa.municipal',
      requesterOrganisation: 'nysa',
      requesterCountry: 'PL',
      startsAt: new Date('2026-12-01T10:00:00Z'),
      endsAt: new Date('2026-12-01T10:05:00Z'),
      expiresAt: new Date('2026-12-08T10:00:00Z'),
      decidedAt: null,
      obligations: {},
      policyIds: ['a'],
      approvalPolicyIds: ['b'],
      progress: 1,
      bytes: '2048',
      manifest: { signed: true },
      legalHold: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    } as unknown as ClipRequestEntity;
    await expect(sut.toDto(requester, r)).resolves.toMatchObject({
      downloadUrl: `https://gw.example/api/v1/clips/${CLIP}/download?token=signed`,
      manifestUrl: `https://gw.example/api/v1/clips/${CLIP}/manifest`,
      bytes: 2048,
      percent: 100,
      policies: ['a', 'b'],
    });
    expect(mocks.of(ClipSigner).signLink).toHaveBeenCalledWith({ sub: 'u-nysa', clip: CLIP, exp: Math.floor(r.expiresAt!.getTime() / 1000) });
    await expect(sut.toDto(officer, r)).resolves.toMatchObject({ downloadUrl: null });
  });
});
