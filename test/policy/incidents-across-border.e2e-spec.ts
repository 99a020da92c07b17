import { verifyGrant, grantKeys } from '@borderlens/auth';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { auditOf, eventually, FakeMedia, tokens } from '../support/policy';

const HOUR = 3600_000;
// The Bělá / Biała valley from Jeseník to Głuchołazy: across the CZ-PL border.
const VALLEY = {
  type: 'Polygon',
  coordinates: [
    [
      [17.18, 50.21],
      [17.42, 50.21],
      [17.42, 50.33],
      [17.18, 50.33],
      [17.18, 50.21],
    ],
  ],
};

/**
 * Dual control across the border, end to end: real Keycloak users, PostgreSQL, a stand-in media node.
 * A Czech incident over Polish cameras unlocks raw video there only once a Polish operator accepts it;
 * refusing, withdrawing and ending from either side take raw video away again.
 */
describe('incidents across the border: dual control (Keycloak, PostgreSQL, TCP)', () => {
  let temp: TempDatabase;
  let gw: TestGateway;
  let media: FakeMedia;
  const token = tokens();
  const cams: Record<string, { id: string }> = {};
  const JESENIK = 'Jeseník – Masarykovo náměstí';
  const GLUCHOLAZY = 'Głuchołazy – Rynek';

  beforeAll(async () => {
    await ensureKeycloak();
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url, env: { INCIDENTS_CHECK_INTERVAL_SEC: '0.5' } });
    media = new FakeMedia(gw.cfg);
    await media.start();
    for (const c of (await api(gw.url, '/api/v1/cameras', { token: await token('hzs.operator') })).body) cams[c.name] = c;
  }, 300_000);

  afterAll(async () => {
    await gw?.close();
    await media?.stop();
    await temp?.drop();
  });

  const post = async (user: string, path: string, body: unknown) => api(gw.url, path, { method: 'POST', token: await token(user), body });
  const declare = (user: string, body: Record<string, unknown> = {}) =>
    post(user, '/api/v1/incidents', { type: 'flood', severity: 4, title: 'Povodeň / Powódź', area: VALLEY, endsAt: new Date(Date.now() + 2 * HOUR), ...body });
  const act = (user: string, id: string, what: 'accept' | 'refuse' | 'withdraw' | 'end', reason = 'agreed with the other side by phone') =>
    post(user, `/api/v1/incidents/${id}/${what}`, { reason });
  const raw = (user: string, camera: string) => post(user, `/api/v1/cameras/${cams[camera].id}/sessions`, { form: 'raw', purpose: 'flood on the Bělá' });
  const keys = () => grantKeys(`${gw.url}/api/v1/grants/jwks`);
  // Raw video taken away: downgraded to anonymized, or ended where the owner does not share anonymized
  // live video outside an incident (the default of municipal cameras: on request).
  const rawTakenAway = async (grant: string) => {
    const { jti } = await verifyGrant(grant, keys());
    return eventually(async () => media.changes.some((c) => c.jti === jti && (c.action === 'downgrade' || c.action === 'end')), 15_000);
  };

  it('a Czech incident across the border is in effect in CZ at once and waits for Poland', async () => {
    const r = await declare('hzs.operator');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      jurisdiction: 'CZ',
      countries: ['CZ', 'PL'],
      crossBorder: true,
      declaringCountry: 'CZ',
      awaitingAcceptance: ['PL'],
      acceptances: [expect.objectContaining({ country: 'CZ', state: 'accepted', by: 'hzs.operator' })],
    });
    expect((await raw('hzs.operator', JESENIK)).status).toBe(201);
    const pl = await raw('hzs.operator', GLUCHOLAZY);
    expect(pl.status).toBe(403);
    expect(pl.body.error.message).toMatch(/awaits acceptance by an authorised operator of PL/);
    await act('hzs.operator', r.body.id, 'end', 'test over');
  });

  it('accepting: only operators the rules name, audited; raw then opens on Polish cameras, explained', async () => {
    const id = (await declare('hzs.operator')).body.id;
    const municipal = await act('nysa.municipal', id, 'accept');
    expect(municipal.status).toBe(403);
    expect(municipal.body.error.code).toBe('incident_accept_forbidden');
    expect((await act('hzs.operator', id, 'accept')).body.error.code).toBe('incident_declared_by_your_country');
    expect((await post('nysa.operator', `/api/v1/incidents/${id}/accept`, {})).body.error.code).toBe('validation_failed');
    const ok = await act('nysa.operator', id, 'accept', 'Nysa crisis staff agree');
    expect(ok.status).toBe(200);
    expect(ok.body.awaitingAcceptance).toEqual([]);
    expect(ok.body.acceptances).toEqual(
      expect.arrayContaining([expect.objectContaining({ country: 'PL', state: 'accepted', organisationId: 'gmina-nysa', by: 'nysa.operator', reason: 'Nysa crisis staff agree' })]),
    );
    expect((await act('nysa.operator', id, 'accept')).body.error.code).toBe('incident_already_accepted');
    const r = await raw('hzs.operator', GLUCHOLAZY);
    expect(r.status).toBe(201);
    expect(r.body.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^raw: incident "Povodeň \/ Powódź" .* declared by hzs-olk \(CZ\) at \d\d:\d\d UTC, accepted for PL by gmina-nysa \(nysa.operator\) at \d\d:\d\d UTC$/,
        ),
      ]),
    );
    const trail = await auditOf(gw.url, await token('hzs.auditor'), `incident:${id}`);
    expect(trail.map((e) => [e.actorUser, e.decision, e.details.change])).toEqual([
      ['hzs.operator', 'permit', 'declared'],
      ['nysa.municipal', 'deny', undefined],
      ['nysa.operator', 'permit', 'accepted'],
    ]);
    // The owner of the Polish camera reads the raw access and why it was permitted.
    const camera = await auditOf(gw.url, await token('glucholazy.legal'), `camera:${cams[GLUCHOLAZY].id}`);
    expect(camera.at(-1)).toMatchObject({
      actorUser: 'hzs.operator',
      operation: 'disclosure',
      decision: 'permit',
      details: expect.objectContaining({ action: 'live.raw', incidents: [id] }),
    });
    await act('hzs.operator', id, 'end', 'test over');
  });

  it('refusing keeps Polish cameras closed', async () => {
    const id = (await declare('hzs.operator')).body.id;
    expect((await act('nysa.operator', id, 'refuse', 'no flooding on our side')).status).toBe(200);
    expect((await act('nysa.operator', id, 'refuse')).body.error.code).toBe('incident_already_refused');
    const pl = await raw('hzs.operator', GLUCHOLAZY);
    expect(pl.status).toBe(403);
    expect(pl.body.error.message).toMatch(/refused for PL by gmina-nysa/);
    expect((await raw('hzs.operator', JESENIK)).status).toBe(201);
    await act('hzs.operator', id, 'end', 'test over');
  });

  it('withdrawing the acceptance takes raw video away on Polish cameras only, within seconds', async () => {
    const id = (await declare('hzs.operator')).body.id;
    await act('nysa.operator', id, 'accept');
    const pl = await raw('hzs.operator', GLUCHOLAZY);
    const cz = await raw('hzs.operator', JESENIK);
    expect([pl.status, cz.status]).toEqual([201, 201]);
    expect((await act('nysa.operator', id, 'withdraw', 'water receding on our side')).status).toBe(200);
    expect(await rawTakenAway(pl.body.grant)).toBe(true);
    const { jti } = await verifyGrant(cz.body.grant, keys());
    expect(media.changes.some((c) => c.jti === jti)).toBe(false);
    expect((await act('nysa.operator', id, 'withdraw')).body.error.code).toBe('incident_not_accepted');
    await act('hzs.operator', id, 'end', 'test over');
  });

  it.each([
    ['the declaring side (CZ)', 'policie.operator'],
    ['the accepting side (PL)', 'nysa.operator'],
  ])('ending by %s ends raw video on both sides', async (_side, ender) => {
    const id = (await declare('hzs.operator')).body.id;
    await act('nysa.operator', id, 'accept');
    const pl = await raw('hzs.operator', GLUCHOLAZY);
    const cz = await raw('hzs.operator', JESENIK);
    expect([pl.status, cz.status]).toEqual([201, 201]);
    const ended = await act(ender, id, 'end', 'over');
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ state: 'ended', endedBy: ender });
    expect(await rawTakenAway(pl.body.grant)).toBe(true);
    expect(await rawTakenAway(cz.body.grant)).toBe(true);
  });

  it('a country that never accepted it cannot end it, and a Czech operator cannot declare over Poland alone', async () => {
    const id = (await declare('hzs.operator')).body.id;
    const end = await act('nysa.operator', id, 'end');
    expect(end.status).toBe(403);
    expect(end.body.error.code).toBe('incident_end_forbidden');
    const over = await declare('hzs.operator', { area: { type: 'Circle', center: [17.3841, 50.3133], radiusMeters: 800 } });
    expect(over.status).toBe(403);
    expect(over.body.error.code).toBe('incident_declare_forbidden');
    // Declared by Poland over its own cameras: in effect there, and for Czech cameras only once CZ accepts.
    const pl = await declare('nysa.operator', { title: 'Powódź', area: VALLEY });
    expect(pl.status).toBe(201);
    expect(pl.body).toMatchObject({ jurisdiction: 'PL', awaitingAcceptance: ['CZ'] });
    expect((await raw('hzs.operator', GLUCHOLAZY)).status).toBe(201);
    await act('hzs.operator', id, 'end', 'test over');
    expect((await raw('hzs.operator', JESENIK)).status).toBe(403);
    expect((await act('policie.operator', pl.body.id, 'accept', 'HZS agrees')).status).toBe(200);
    expect((await raw('hzs.operator', JESENIK)).status).toBe(201);
  });

  it('answers unknown incidents with 404 and keeps the chain intact', async () => {
    expect((await act('nysa.operator', '00000000-0000-4000-8000-000000000000', 'accept')).status).toBe(404);
    expect((await api(gw.url, '/api/v1/audit/verify', { token: await token('hzs.auditor') })).body).toMatchObject({ ok: true });
  });
});
