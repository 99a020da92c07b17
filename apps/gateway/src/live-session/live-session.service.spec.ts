import { AuditService } from '@borderlens/audit';
import { GrantSigner } from '@borderlens/auth';
import type { CameraEntity, LiveSessionEntity } from '@borderlens/database';
import type { CameraInput, Decision, IncidentInContext, PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionRepository } from './live-session.repository';
import { GRANT_TTL_SEC, LiveSessionService, LAPSE_GRACE_SEC } from './live-session.service';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const SID = '7a1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const camera = { id: CAM, organisationId: 'jesenik', jurisdiction: 'CZ', latitude: 50.23, longitude: 17.2 } as CameraEntity;
const flood: IncidentInContext = {
  id: 'i-flood',
  type: 'flood',
  severity: 4,
  country: 'CZ',
  declaringCountry: 'CZ',
  organisation: 'hzs-olk',
  countries: ['CZ'],
  acceptedIn: ['CZ'],
};
const viewer = testPrincipal({ userId: 'u-pl', username: 'nysa.operator', organisation: 'nysa', country: 'PL' });

describe(LiveSessionService.name, () => {
  let jti = 0;
  /** `decide(action)`: the decision for live.raw or live.anonymized. */
  const setup = (decide: (action: string) => Decision) => {
    const { sut, mocks } = newTestService(LiveSessionService, { config: { media: { publicUrl: 'https://media.example/' } } });
    const authz = mocks.of(AuthorizationService);
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue(camera);
    authz.principal.mockResolvedValue({ id: viewer.userId, country: 'PL' } as PrincipalInput);
    authz.camera.mockResolvedValue({ type: 'Camera', id: CAM, jurisdiction: 'CZ' } as CameraInput);
    authz.decide.mockImplementation((_p, action) => decide(action));
    const incidents = mocks.of(IncidentService);
    incidents.activeNow.mockResolvedValue([]);
    incidents.covering.mockReturnValue([flood]);
    incidents.explain.mockReturnValue(['flood i-flood counts in CZ']);
    mocks.of(GrantSigner).sign.mockImplementation(async (_claims, ttl) => {
      jti++;
      return { token: `token-${jti}`, claims: { jti: `jti-${jti}`, exp: Math.floor(Date.now() / 1000) + (ttl ?? 60) } } as never;
    });
    const repo = mocks.of(LiveSessionRepository);
    repo.save.mockImplementation(async (g) => g);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    const notifier = mocks.of(LiveSessionNotifier);
    notifier.deliver.mockResolvedValue(true);
    return { sut, mocks, authz, repo, audit, notifier, signer: mocks.of(GrantSigner) };
  };

  it('builds the WHEP URL from the public media URL', () => {
    expect(setup(() => permit()).sut.whepUrl(CAM)).toBe(`https://media.example/whep/${CAM}`);
  });

  describe('open', () => {
    it('signs a grant for a permitted form and records a cross-border disclosure in the same transaction', async () => {
      const { sut, mocks, repo, audit, signer } = setup(() => permit({ watermark: true, maxDurationSec: 600 }));
      const s = await sut.open(viewer, CAM, { form: 'raw', purpose: ' flood ', durationSec: 1200 });
      expect(s.token).toMatch(/^token-/);
      expect(s.grant).toMatchObject({
        cameraId: CAM,
        userId: 'u-pl',
        country: 'PL',
        form: 'raw',
        requestedForm: 'raw',
        purpose: 'flood',
        state: 'active',
        incidentIds: ['i-flood'],
        policyIds: ['CZ@1:cz-rule'],
      });
      // The shorter of the requested duration and the rules' maximum.
      expect(s.grant.endsAt!.getTime() - Date.now()).toBeGreaterThan(590_000);
      expect(s.grant.endsAt!.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
      expect(signer.sign).toHaveBeenCalledWith(
        expect.objectContaining({
          sub: 'u-pl',
          cam: CAM,
          form: 'raw',
          sid: s.grant.id,
          obligations: { watermark: true, anonymize: false, ownerApproval: false, purpose: 'flood', maxDurationSec: 600 },
        }),
        GRANT_TTL_SEC,
      );
      expect(repo.save).toHaveBeenCalledWith(s.grant, mocks.manager);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'disclosure',
          recipient: 'nysa (PL)',
          decision: 'permit',
          justification: 'flood',
          details: expect.objectContaining({ action: 'live.raw', incidents: ['i-flood'], session: s.grant.id, grant: s.grant.tokens[0].jti }),
        }),
        mocks.manager,
      );
    });

    it('adds to a raw decision which incidents count for the camera', async () => {
      const { sut, authz } = setup((a) => (a === 'live.raw' ? deny('no raw') : permit()));
      await expect(sut.open(viewer, CAM, { form: 'raw' })).rejects.toMatchObject({
        code: 'access_denied',
        status: 403,
        details: { reasons: ['no raw', 'flood i-flood counts in CZ'] },
      });
      expect(authz.decide).toHaveBeenCalledWith(expect.anything(), 'live.raw', expect.anything(), expect.objectContaining({ incidents: [flood], purpose: '' }));
    });

    it('serves a raw permit that still demands anonymization anonymized', async () => {
      const { sut } = setup(() => permit({ anonymize: true }));
      await expect(sut.open(viewer, CAM, { form: 'raw' })).resolves.toMatchObject({ grant: { form: 'anonymized', requestedForm: 'raw', endsAt: null } });
    });

    it('audits a denial and answers purpose_required when only a purpose is missing, saving no session', async () => {
      const { sut, audit, repo } = setup(() => deny('state a purpose', 'purpose-required'));
      await expect(sut.open(viewer, CAM, { form: 'anonymized' })).rejects.toMatchObject({ code: 'purpose_required', status: 403 });
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ decision: 'deny', details: expect.objectContaining({ denial: 'purpose-required', action: 'live.anonymized' }) }),
        undefined,
      );
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('refuses a new session on a disabled camera (camera_disabled, 409), saving none', async () => {
      const { sut, mocks, repo } = setup(() => permit());
      mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ ...camera, disabledAt: new Date() } as CameraEntity);
      await expect(sut.open(viewer, CAM, { form: 'anonymized' })).rejects.toMatchObject({ code: 'camera_disabled', status: 409 });
      expect(repo.save).not.toHaveBeenCalled();
    });
  });

  describe('renew', () => {
    const session = (over: Partial<LiveSessionEntity> = {}) =>
      ({
        id: SID,
        cameraId: CAM,
        userId: viewer.userId,
        username: viewer.username,
        organisationId: 'nysa',
        country: 'PL',
        form: 'raw',
        requestedForm: 'raw',
        purpose: 'flood',
        durationSec: null,
        state: 'active',
        endReason: null,
        endsAt: null,
        pendingChange: null,
        expiresAt: new Date(Date.now() + 30_000),
        tokens: [{ jti: 'old', exp: Math.floor(Date.now() / 1000) + 30 }],
        ...over,
      }) as LiveSessionEntity;
    const withSession = (decide: (action: string) => Decision, g = session()) => {
      const s = setup(decide);
      s.repo.findById.mockResolvedValue(g);
      s.repo.lock.mockResolvedValue(g);
      return s;
    };

    it('issues a new grant while still permitted, keeping unexpired tokens', async () => {
      const { sut, notifier } = withSession(() => permit());
      const r = await sut.renew(viewer, CAM, SID);
      expect(r).toMatchObject({ downgraded: false, grant: { form: 'raw', pendingChange: null } });
      expect(r.grant.tokens.map((t) => t.jti)).toEqual(['old', expect.stringMatching(/^jti-/)]);
      expect(notifier.deliver).not.toHaveBeenCalled();
    });

    it('downgrades a raw session no longer permitted raw, audits the refusal and tells the media node', async () => {
      const { sut, audit, notifier } = withSession((a) => (a === 'live.raw' ? deny('incident ended') : permit()));
      const r = await sut.renew(viewer, CAM, SID);
      expect(r).toMatchObject({ downgraded: true, grant: { form: 'anonymized', pendingChange: { action: 'downgrade', reason: 'raw video is no longer permitted' } } });
      expect(audit.record.mock.calls.map((c) => [c[0].decision, c[0].details!.action])).toEqual([
        ['deny', 'live.raw'],
        ['permit', 'live.anonymized'],
      ]);
      expect(notifier.deliver).toHaveBeenCalledWith(r.grant);
    });

    it('ends a session no longer permitted at all (403) and tells the media node', async () => {
      const { sut, notifier, repo } = withSession(() => deny('sharing turned off'), session({ form: 'anonymized' }));
      await expect(sut.renew(viewer, CAM, SID)).rejects.toMatchObject({ code: 'access_denied', status: 403 });
      expect(repo.save).toHaveBeenCalledWith(
        expect.objectContaining({ state: 'ended', endReason: 'sharing turned off', pendingChange: { action: 'end', reason: 'no longer permitted' } }),
        expect.anything(),
      );
      expect(notifier.deliver).toHaveBeenCalled();
    });

    it.each([
      ['an ended session', { state: 'ended', endReason: 'x' } as Partial<LiveSessionEntity>, 'session_ended'],
      ['a session past its maximum duration', { endsAt: new Date(Date.now() - 1000) }, 'session_ended'],
      ['a grant lapsed beyond the grace period', { expiresAt: new Date(Date.now() - (LAPSE_GRACE_SEC + 5) * 1000) }, 'session_expired'],
    ])('refuses to renew %s (409)', async (_what, over, code) => {
      const { sut, authz } = withSession(() => permit(), session(over));
      await expect(sut.renew(viewer, CAM, SID)).rejects.toMatchObject({ code, status: 409 });
      expect(authz.decide).not.toHaveBeenCalled();
    });

    it("reports someone else's session, one on another camera, and a non-UUID id as session_not_found", async () => {
      const { sut, repo } = withSession(() => permit());
      await expect(sut.renew(testPrincipal({ userId: 'intruder' }), CAM, SID)).rejects.toMatchObject({ code: 'session_not_found', status: 404 });
      await expect(sut.renew(viewer, '00000000-0000-4000-8000-000000000000', SID)).rejects.toMatchObject({ code: 'session_not_found' });
      repo.findById.mockClear();
      await expect(sut.renew(viewer, CAM, 'nope')).rejects.toMatchObject({ code: 'session_not_found' });
      expect(repo.findById).not.toHaveBeenCalled();
    });
  });

  describe('end', () => {
    it('ends an active session once and tells the media node', async () => {
      const { sut, repo, notifier } = setup(() => permit());
      const g = { id: SID, cameraId: CAM, userId: viewer.userId, state: 'active' } as LiveSessionEntity;
      repo.findById.mockResolvedValue(g);
      repo.lock.mockResolvedValueOnce(g);
      await sut.end(viewer, CAM, SID);
      expect(g).toMatchObject({ state: 'ended', endReason: 'ended by the viewer', pendingChange: { action: 'end', reason: 'ended by the viewer' } });
      expect(notifier.deliver).toHaveBeenCalledWith(g);
      repo.lock.mockResolvedValueOnce(g);
      notifier.deliver.mockClear();
      await sut.end(viewer, CAM, SID);
      expect(notifier.deliver).not.toHaveBeenCalled();
    });
  });

  it('records a domestic access as a consultation without recipient', async () => {
    const { sut, audit } = setup(() => permit());
    await sut.recordAccess({ user: 'u', organisation: 'jesenik', country: 'CZ' }, 'jesenik', 'CZ', camera, permit(), {
      form: 'anonymized',
      purpose: '',
      incidents: [],
      outcome: 'permit',
    });
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ operation: 'consultation', recipient: '' }), undefined);
  });
});
