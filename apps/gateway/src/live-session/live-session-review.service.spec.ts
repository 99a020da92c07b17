import { Subject } from 'rxjs';
import { SYSTEM_ACTOR } from '@borderlens/audit';
import type { CameraEntity, LiveSessionEntity } from '@borderlens/database';
import type { CameraInput, Decision, OrganisationInput } from '@borderlens/policy';
import { deny, newTestService, permit } from '../../../../test/support/new-test-service';
import { CameraService } from '../camera/camera.service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { SchedulerService } from '../common/scheduler.service';
import { IncidentService } from '../incident/incident.service';
import { ActivePolicyService } from '../policy/active-policy.service';
import { AuthorizationService } from '../policy/authorization.service';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionReviewService } from './live-session-review.service';
import { LiveSessionRepository } from './live-session.repository';
import { LiveSessionService } from './live-session.service';

const camera = { id: 'cam-1', jurisdiction: 'CZ' } as CameraEntity;
const session = (over: Partial<LiveSessionEntity> = {}) =>
  ({
    id: 'g1',
    cameraId: 'cam-1',
    userId: 'u1',
    username: 'nysa.operator',
    organisationId: 'nysa',
    country: 'PL',
    roles: ['operator'],
    form: 'raw',
    state: 'active',
    purpose: 'flood',
    ...over,
  }) as LiveSessionEntity;

describe(LiveSessionReviewService.name, () => {
  /** `decide(form)`: the decision on live video in that form now. */
  const setup = (decide: (form: string) => Decision, live: LiveSessionEntity[] = [session()]) => {
    const { sut, mocks } = newTestService(LiveSessionReviewService, { config: { incidents: { checkIntervalSec: 3600 } } });
    const repo = mocks.of(LiveSessionRepository);
    repo.endLapsed.mockResolvedValue(0);
    repo.findLive.mockResolvedValue(live);
    repo.findPending.mockResolvedValue([]);
    repo.purgeEnded.mockResolvedValue(undefined);
    repo.save.mockImplementation(async (g) => g);
    repo.lock.mockImplementation(async (id) => ({ ...live.find((g) => g.id === id)! }));
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue(camera);
    const authz = mocks.of(AuthorizationService);
    authz.organisation.mockResolvedValue({ id: 'nysa', country: 'PL' } as OrganisationInput);
    authz.camera.mockResolvedValue({ type: 'Camera', id: 'cam-1' } as CameraInput);
    mocks.of(IncidentService).activeNow.mockResolvedValue([]);
    const sessions = mocks.of(LiveSessionService);
    sessions.decideLive.mockImplementation((_p, form) => ({ decision: decide(form), incidents: [] }));
    sessions.recordAccess.mockResolvedValue(undefined as never);
    const notifier = mocks.of(LiveSessionNotifier);
    notifier.deliver.mockResolvedValue(true);
    return { sut, mocks, repo, sessions, notifier };
  };

  it('ends lapsed sessions, retries pending notices and purges old ended sessions every round', async () => {
    const pending = session({ id: 'g2', pendingChange: { action: 'end', reason: 'x' } });
    const { sut, repo, notifier, mocks } = setup(() => permit(), []);
    repo.findPending.mockResolvedValue([pending]);
    const t0 = Date.now();
    await sut.review();
    const lapsedBefore = repo.endLapsed.mock.calls[0][0].getTime();
    expect(lapsedBefore).toBeGreaterThanOrEqual(t0 - 30_000 - 50);
    expect(lapsedBefore).toBeLessThanOrEqual(Date.now() - 30_000);
    expect(repo.purgeEnded.mock.calls[0][0].getTime()).toBeLessThanOrEqual(Date.now() - 24 * 3600_000);
    expect(notifier.deliver).toHaveBeenCalledWith(pending);
    // No live session: nothing to decide.
    expect(mocks.of(IncidentService).activeNow).not.toHaveBeenCalled();
  });

  it('leaves a session that is still permitted alone', async () => {
    const { sut, repo, sessions } = setup(() => permit());
    await sut.review();
    expect(sessions.decideLive).toHaveBeenCalledTimes(1);
    expect(repo.save).not.toHaveBeenCalled();
  });

  it('downgrades a raw session to anonymized, audits both decisions by the system and tells the media node', async () => {
    const { sut, repo, sessions, notifier } = setup((form) => (form === 'raw' ? deny('incident ended') : permit()));
    await sut.review();
    const change = { action: 'downgrade', reason: 'raw video is no longer permitted: incident ended' };
    expect(repo.save).toHaveBeenCalledWith(expect.objectContaining({ id: 'g1', form: 'anonymized', state: 'active', pendingChange: change }), expect.anything());
    expect(sessions.recordAccess.mock.calls.map((c) => [c[0], c[4].decision, c[5].form, c[5].outcome, c[5].viewer])).toEqual([
      [SYSTEM_ACTOR, 'deny', 'raw', 'downgrade', 'nysa.operator'],
      [SYSTEM_ACTOR, 'permit', 'anonymized', 'permit', 'nysa.operator'],
    ]);
    expect(notifier.deliver).toHaveBeenCalledWith(expect.objectContaining({ pendingChange: change }));
  });

  it('ends a session permitted in no form', async () => {
    const { sut, repo, notifier } = setup(() => deny('sharing turned off'), [session({ form: 'anonymized' })]);
    await sut.review();
    const change = { action: 'end', reason: 'anonymized video is no longer permitted: sharing turned off' };
    expect(repo.save).toHaveBeenCalledWith(expect.objectContaining({ state: 'ended', endReason: change.reason, pendingChange: change }), expect.anything());
    expect(notifier.deliver).toHaveBeenCalledTimes(1);
  });

  it('ends a raw session on a disabled camera even where the rules permit it, without a downgrade', async () => {
    const { sut, mocks, repo, sessions } = setup(() => permit());
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue({ ...camera, disabledAt: new Date() } as CameraEntity);
    await sut.review();
    const change = { action: 'end', reason: 'raw video is no longer permitted: the camera was disabled by its administrators' };
    expect(repo.save).toHaveBeenCalledWith(expect.objectContaining({ state: 'ended', endReason: change.reason, pendingChange: change }), expect.anything());
    expect(sessions.decideLive).toHaveBeenCalledTimes(1);
    expect(sessions.recordAccess.mock.calls.map((c) => [c[4].decision, c[5].outcome])).toEqual([['deny', 'end']]);
  });

  it('does nothing to a session renewed or ended by another gateway meanwhile', async () => {
    const { sut, repo, notifier } = setup(() => deny());
    repo.lock.mockResolvedValue(session({ form: 'anonymized' }));
    await sut.review();
    repo.lock.mockResolvedValue(session({ state: 'ended' }));
    await sut.review();
    expect(repo.save).not.toHaveBeenCalled();
    expect(notifier.deliver).not.toHaveBeenCalled();
  });

  it('skips a session whose camera or organisation is gone', async () => {
    const { sut, mocks, sessions } = setup(() => deny());
    mocks.of(CameraVisibilityService).findOne.mockRejectedValue(AppError.notFound('camera', 'cam-1'));
    await sut.review();
    expect(sessions.decideLive).not.toHaveBeenCalled();
  });

  it('survives a failed round, and runs once more when asked during a round', async () => {
    const { sut, repo } = setup(() => permit(), []);
    repo.endLapsed.mockRejectedValueOnce(new Error('database gone'));
    await expect(sut.review()).resolves.toBeUndefined();
    const first = sut.review();
    const second = sut.review();
    const third = sut.review();
    await Promise.all([first, second, third]);
    // The failed round, then one round and a single repeat for the two requests made during it.
    expect(repo.endLapsed).toHaveBeenCalledTimes(3);
  });

  it('reviews at once when an incident, a policy, a camera sharing level or whether a camera is disabled changes, and stops at shutdown', async () => {
    const { sut, mocks, repo } = setup(() => permit(), []);
    const incidents = new Subject<unknown>();
    const policies = new Subject<unknown>();
    const sharing = new Subject<unknown>();
    const disabled = new Subject<unknown>();
    Object.assign(mocks.of(IncidentService), { changes: incidents });
    Object.assign(mocks.of(ActivePolicyService), { changes: policies });
    Object.assign(mocks.of(CameraService), { sharingChanges: sharing, disabledChanges: disabled });
    sut.onModuleInit();
    for (const s of [incidents, policies, sharing, disabled]) {
      const before = repo.endLapsed.mock.calls.length;
      s.next({});
      await new Promise((r) => setImmediate(r));
      expect(repo.endLapsed.mock.calls.length).toBeGreaterThan(before);
    }
    sut.onApplicationShutdown();
    await mocks.of(SchedulerService).onModuleDestroy();
    const after = repo.endLapsed.mock.calls.length;
    incidents.next({});
    await sut.review();
    expect(repo.endLapsed.mock.calls.length).toBe(after);
  });
});
