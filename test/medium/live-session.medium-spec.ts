import type { Principal } from '@borderlens/auth';
import { Patterns } from '@borderlens/contracts';
import { AuditEntryEntity, CameraEntity, LiveSessionEntity, IncidentEntity } from '@borderlens/database';
import { LiveSessionModule } from '../../apps/gateway/src/live-session/live-session.module';
import { LiveSessionReviewService } from '../../apps/gateway/src/live-session/live-session-review.service';
import { LiveSessionService } from '../../apps/gateway/src/live-session/live-session.service';
import { CameraService } from '../../apps/gateway/src/camera/camera.service';
import { IncidentService } from '../../apps/gateway/src/incident/incident.service';
import { MEDIUM_DATABASES, startMedium, type MediumApp } from '../support/medium';

const HOUR = 3600_000;
const JESENIK = 'Jeseník – Masarykovo náměstí';
const NYSA = 'Nysa – Rynek';

const user = (username: string, organisation: string, country: string, role: Principal['roles'][number]): Principal => ({
  userId: `kc-${username}`,
  username,
  name: username,
  organisation,
  country,
  roles: [role],
});
const operator = user('hzs.operator', 'hzs-olk', 'CZ', 'operator');
const jesenikAdmin = user('jesenik.admin', 'mesto-jesenik', 'CZ', 'admin');

/**
 * Live sessions on a real database, without Keycloak or a media node: opening, renewal, and the
 * review round's downgrade and end (LiveSessionService, LiveSessionReviewService, LiveSessionNotifier, LiveSessionRepository).
 */
describe.each(MEDIUM_DATABASES)('live sessions on %s', (kind) => {
  let app: MediumApp;
  let grants: LiveSessionService;
  let review: LiveSessionReviewService;
  let incidents: IncidentService;
  const cams: Record<string, string> = {};

  beforeAll(async () => {
    app = await startMedium(kind, [LiveSessionModule]);
    grants = app.get(LiveSessionService);
    review = app.get(LiveSessionReviewService);
    incidents = app.get(IncidentService);
    for (const c of await app.dataSource.getRepository(CameraEntity).find()) cams[c.name] = c.id;
    // The owner shares its camera live, anonymized (a municipal camera is shared on request by default).
    await app.get(CameraService).setSharing(jesenikAdmin, cams[JESENIK], { sharing: 'live-anonymized', reason: 'flood season' });
  }, 60_000);

  afterAll(() => app?.close());

  beforeEach(() => {
    app.media.send.mockReset();
    app.media.send.mockResolvedValue({} as never);
  });

  const row = (id: string) => app.dataSource.getRepository(LiveSessionEntity).findOneByOrFail({ id });
  const lastAudit = async (session: string) =>
    (await app.dataSource.getRepository(AuditEntryEntity).find({ order: { seq: 'ASC' } })).filter((e) => (e.details as { session?: string })?.session === session);
  const declare = () =>
    incidents.declare(operator, {
      type: 'flood',
      severity: 4,
      title: 'Povodeň – Bělá',
      area: { type: 'Circle', center: [17.2047, 50.2293], radiusMeters: 1500 } as never,
      endsAt: new Date(Date.now() + 2 * HOUR),
    });
  const told = () => app.media.send.mock.calls.filter((c) => c[0] === Patterns.media.grantChanged).map((c) => c[1] as { jti: string; action: string });

  it('opens an anonymized session with a purpose, saved with its grant and audited in the same transaction', async () => {
    await expect(grants.open(operator, cams[JESENIK], { form: 'anonymized' })).rejects.toMatchObject({ code: 'purpose_required' });
    const s = await grants.open(operator, cams[JESENIK], { form: 'anonymized', purpose: 'river level' });
    expect(s.grant).toMatchObject({ form: 'anonymized', state: 'active', purpose: 'river level', policyIds: ['CZ@1:cz-live-anonymized-responders'] });
    expect(await row(s.grant.id)).toMatchObject({
      form: 'anonymized',
      state: 'active',
      userId: 'kc-hzs.operator',
      pendingChange: null,
      tokens: [expect.objectContaining({ jti: expect.any(String) })],
    });
    expect((await lastAudit(s.grant.id)).map((e) => [e.operation, e.decision])).toEqual([['consultation', 'permit']]);
  });

  it('refuses raw video outside an incident, audited, and saves no session', async () => {
    const before = await app.dataSource.getRepository(LiveSessionEntity).count();
    await expect(grants.open(operator, cams[JESENIK], { form: 'raw', purpose: 'checking the square' })).rejects.toMatchObject({ code: 'access_denied' });
    expect(await app.dataSource.getRepository(LiveSessionEntity).count()).toBe(before);
  });

  it('renews raw during an incident, then the review round downgrades it when the incident ends and tells the media node', async () => {
    const incident = await declare();
    await expect(grants.open(operator, cams[NYSA], { form: 'raw', purpose: 'flood' })).rejects.toMatchObject({ code: 'access_denied' });
    const opened = await grants.open(operator, cams[JESENIK], { form: 'raw', purpose: 'people on the bridge', durationSec: 1200 });
    expect(opened.grant).toMatchObject({ form: 'raw', incidentIds: [incident.id] });
    const renewed = await grants.renew(operator, cams[JESENIK], opened.grant.id);
    expect(renewed).toMatchObject({ downgraded: false, grant: { id: opened.grant.id, form: 'raw' } });
    const jtis = (await row(opened.grant.id)).tokens.map((t) => t.jti);
    expect(jtis).toHaveLength(2);
    expect(told()).toEqual([]);

    await incidents.end(operator, incident.id, 'water receding');
    await review.review();
    expect(await row(opened.grant.id)).toMatchObject({ form: 'anonymized', state: 'active', pendingChange: null });
    expect(told()).toEqual(jtis.map((jti) => ({ jti, action: 'downgrade', reason: expect.stringMatching(/^raw video is no longer permitted/) })));
    const audit = await lastAudit(opened.grant.id);
    expect(audit.slice(-2).map((e) => [e.actorUser, e.decision, (e.details as { action: string }).action])).toEqual([
      ['system', 'downgrade', 'live.raw'],
      ['system', 'permit', 'live.anonymized'],
    ]);

    const after = await grants.renew(operator, cams[JESENIK], opened.grant.id);
    expect(after).toMatchObject({ downgraded: false, grant: { form: 'anonymized' } });
  });

  it('downgrades at renewal when the incident ran out before a review round saw it', async () => {
    const incident = await declare();
    const opened = await grants.open(operator, cams[JESENIK], { form: 'raw', purpose: 'bridge' });
    // The planned end passes (the expiry timer has not run yet: no change event, no review round).
    await app.dataSource.getRepository(IncidentEntity).update(incident.id, { startsAt: new Date(Date.now() - 2 * HOUR), endsAt: new Date(Date.now() - 1000) });
    const renewed = await grants.renew(operator, cams[JESENIK], opened.grant.id);
    expect(renewed).toMatchObject({ downgraded: true, grant: { form: 'anonymized' } });
    expect(await row(opened.grant.id)).toMatchObject({ form: 'anonymized', pendingChange: null });
    expect(told()).toContainEqual({ jti: opened.grant.tokens[0].jti, action: 'downgrade', reason: 'raw video is no longer permitted' });
    const audit = await lastAudit(opened.grant.id);
    expect(audit.slice(-2).map((e) => [e.decision, (e.details as { action: string; renewal?: boolean }).action, (e.details as { renewal?: boolean }).renewal])).toEqual([
      ['deny', 'live.raw', true],
      ['permit', 'live.anonymized', true],
    ]);
  });

  it('keeps a change pending while the media node does not answer, and delivers it on a later round', async () => {
    const incident = await declare();
    const opened = await grants.open(operator, cams[JESENIK], { form: 'raw', purpose: 'bridge' });
    app.media.send.mockRejectedValue(new Error('no responders'));
    await incidents.end(operator, incident.id, 'over');
    await review.review();
    expect(await row(opened.grant.id)).toMatchObject({ form: 'anonymized', pendingChange: { action: 'downgrade' } });
    app.media.send.mockResolvedValue({} as never);
    await review.review();
    expect(await row(opened.grant.id)).toMatchObject({ pendingChange: null });
  });

  it('ends anonymized sessions when the owner stops sharing, and refuses to renew them', async () => {
    const opened = await grants.open(operator, cams[JESENIK], { form: 'anonymized', purpose: 'river level' });
    await app.get(CameraService).setSharing(jesenikAdmin, cams[JESENIK], { sharing: 'on-request', reason: 'season over' });
    await review.review();
    expect(await row(opened.grant.id)).toMatchObject({ state: 'ended', endReason: expect.stringMatching(/^anonymized video is no longer permitted/), pendingChange: null });
    expect(told()).toContainEqual({ jti: opened.grant.tokens[0].jti, action: 'end', reason: expect.any(String) });
    await expect(grants.renew(operator, cams[JESENIK], opened.grant.id)).rejects.toMatchObject({ code: 'session_ended' });
    await app.get(CameraService).setSharing(jesenikAdmin, cams[JESENIK], { sharing: 'live-anonymized', reason: 'again' });
  });

  it('ends sessions not renewed in time (lapsed) and answers renewals of them with session_expired or session_ended', async () => {
    const a = await grants.open(operator, cams[JESENIK], { form: 'anonymized', purpose: 'river level' });
    const b = await grants.open(operator, cams[JESENIK], { form: 'anonymized', purpose: 'river level' });
    const expired = new Date(Date.now() - 5 * 60_000);
    await app.dataSource.getRepository(LiveSessionEntity).update({ id: a.grant.id }, { expiresAt: expired });
    await expect(grants.renew(operator, cams[JESENIK], a.grant.id)).rejects.toMatchObject({ code: 'session_expired' });
    await review.review();
    expect(await row(a.grant.id)).toMatchObject({ state: 'ended', endReason: 'lapsed: not renewed' });
    expect(await row(b.grant.id)).toMatchObject({ state: 'active' });
    await expect(grants.renew(operator, cams[JESENIK], a.grant.id)).rejects.toMatchObject({ code: 'session_ended' });
  });

  it('reports another user’s session, or one of another camera, as unknown', async () => {
    const s = await grants.open(operator, cams[JESENIK], { form: 'anonymized', purpose: 'river level' });
    await expect(grants.renew(user('policie.operator', 'policie-olk', 'CZ', 'operator'), cams[JESENIK], s.grant.id)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(grants.renew(operator, cams[NYSA], s.grant.id)).rejects.toMatchObject({ code: 'session_not_found' });
    await grants.end(operator, cams[JESENIK], s.grant.id);
    expect(await row(s.grant.id)).toMatchObject({ state: 'ended', endReason: 'ended by the viewer', pendingChange: null });
    expect(told()).toEqual([{ jti: s.grant.tokens[0].jti, action: 'end', reason: 'ended by the viewer' }]);
  });
});
