import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { GrantSigner, grantKeys, verifyGrant } from '@borderlens/auth';
import { loadPolicyDirectory } from '@borderlens/policy';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { activatePolicy, auditOf, editRule, eventually, FakeMedia, tokens } from '../support/policy';

const HOUR = 3600_000;
const circle = (lon: number, lat: number, radiusMeters: number) => ({ type: 'Circle', center: [lon, lat], radiusMeters });

/**
 * Incidents, live sessions and their grants end to end: real Keycloak, PostgreSQL, a stand-in media
 * node on the TCP transport that records the grant changes it is told about, and a second gateway on
 * the same database.
 */
describe('incidents, live sessions and grants (Keycloak, PostgreSQL, TCP)', () => {
  let temp: TempDatabase;
  let gw: TestGateway;
  let gw2: TestGateway;
  let media: FakeMedia;
  let db: DataSource;
  const token = tokens();
  const cams: Record<string, { id: string; organisationId: string; jurisdiction: string }> = {};

  beforeAll(async () => {
    await ensureKeycloak();
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url, env: { INCIDENTS_CHECK_INTERVAL_SEC: '0.5', GATEWAY_BODY_LIMIT: '1mb' } });
    media = new FakeMedia(gw.cfg);
    await media.start();
    db = gw.app.get(DataSource);
    // A second gateway sharing the database, the secrets and the grant key (as a deployment would).
    const dataDir = mkdtempSync(join(tmpdir(), 'bl-gw2-'));
    cpSync(gw.cfg.dataDir, dataDir, { recursive: true });
    gw2 = await startGateway({
      databaseUrl: temp.url,
      env: { BORDERLENS_DATA_DIR: dataDir, INCIDENTS_CHECK_INTERVAL_SEC: '0.5', TRANSPORT_MEDIA_PORT: String(gw.cfg.transport.mediaPort) },
    });
    const list = await api(gw.url, '/api/v1/cameras', { token: await token('hzs.operator') });
    for (const c of list.body) cams[c.name] = c;
  }, 300_000);

  afterAll(async () => {
    await gw2?.close();
    await gw?.close();
    await media?.stop();
    await temp?.drop();
  });

  const JESENIK = 'Jeseník – Masarykovo náměstí';
  const GLUCHOLAZY = 'Głuchołazy – Rynek';
  const NYSA = 'Nysa – Rynek';
  const post = async (user: string, path: string, body: unknown, url = gw.url) => api(url, path, { method: 'POST', token: await token(user), body });
  const open = (user: string, camera: string, body: unknown) => post(user, `/api/v1/cameras/${cams[camera].id}/sessions`, body);
  const renew = (user: string, camera: string, session: string) => post(user, `/api/v1/cameras/${cams[camera].id}/sessions/${session}/renew`, {});
  const declare = (user: string, body: Record<string, unknown> = {}) =>
    post(user, '/api/v1/incidents', {
      type: 'flood',
      severity: 4,
      title: 'Povodeň – Bělá',
      area: circle(17.2047, 50.2293, 1500),
      endsAt: new Date(Date.now() + 2 * HOUR),
      ...body,
    });
  const keys = () => grantKeys(`${gw.url}/api/v1/grants/jwks`);
  const sessionRow = async (id: string) => (await db.query('SELECT form, state, pending_change FROM live_sessions WHERE id = $1', [id]))[0];

  describe('grant keys', () => {
    it('publishes the public key that verifies grants, without sign-in', async () => {
      const r = await api(gw.url, '/api/v1/grants/jwks');
      expect(r.status).toBe(200);
      expect(r.body.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) })]);
      expect(r.body.keys[0].d).toBeUndefined();
      expect((await api(gw2.url, '/api/v1/grants/jwks')).body).toEqual(r.body);
    });
  });

  describe('cameras under the policies', () => {
    it('lists only the cameras on which some action could be permitted to the caller', async () => {
      const names = async (user: string) => (await api(gw.url, '/api/v1/cameras', { token: await token(user) })).body.map((c: { organisationId: string }) => c.organisationId);
      expect(new Set(await names('nysa.admin'))).toEqual(new Set(['gmina-nysa']));
      expect(new Set(await names('hzs.auditor'))).toEqual(new Set(['hzs-olk']));
      expect((await names('hzs.operator')).length).toBe(8);
      const hidden = await api(gw.url, `/api/v1/cameras/${cams[JESENIK].id}`, { token: await token('nysa.admin') });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe('camera_not_found');
    });

    it('refuses a retention above the statutory cap: Polish municipal cameras keep at most 3 months (92 days at the longest)', async () => {
      const body = { name: 'Nysa – test retention', kind: 'fixed', latitude: 50.47, longitude: 17.33, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.30/stream' } };
      const tooLong = await post('nysa.admin', '/api/v1/cameras', { ...body, retentionDays: 120 });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toMatchObject({ code: 'retention_exceeds_cap', details: { maxDays: 92, maxMonths: 3, source: expect.stringContaining('Art. 9a') } });
      const ok = await post('nysa.admin', '/api/v1/cameras', { ...body, retentionDays: 90 });
      expect(ok.status).toBe(201);
      const registered = await auditOf(gw.url, await token('nysa.legal'), `camera:${ok.body.id}`);
      expect(registered).toEqual([expect.objectContaining({ actorUser: 'nysa.admin', operation: 'collection', policyIds: ['PL@1:pl-camera-manage-owner'] })]);
      const patch = await api(gw.url, `/api/v1/cameras/${ok.body.id}`, { method: 'PATCH', token: await token('nysa.admin'), body: { retentionDays: 93 } });
      expect(patch.body.error.code).toBe('retention_exceeds_cap');
      const cz = await post('jesenik.admin', '/api/v1/cameras', { ...body, name: 'Jeseník – test retention', latitude: 50.23, longitude: 17.2, retentionDays: 120 });
      expect(cz.status).toBe(201);
      expect(cz.body.retentionDays).toBe(120);
    });
  });

  describe('live sessions', () => {
    const share = async (user: string, camera: string, body: unknown) =>
      api(gw.url, `/api/v1/cameras/${cams[camera].id}/sharing`, { method: 'PUT', token: await token(user), body });

    it('shares a municipal camera live only once its owner decides so (PUT sharing, audited with the reason)', async () => {
      // Default of a municipal camera: on request; partners' operators get no standing live view.
      expect((await api(gw.url, `/api/v1/cameras/${cams[JESENIK].id}`, { token: await token('hzs.operator') })).body.sharing).toBe('on-request');
      const before = await open('hzs.operator', JESENIK, { form: 'anonymized', purpose: 'river level' });
      expect(before.status).toBe(403);
      expect(before.body.error.details.denial).toBe('not-shared');
      expect((await share('hzs.admin', JESENIK, { sharing: 'live-anonymized', reason: 'not ours' })).status).toBe(403);
      expect((await share('jesenik.admin', JESENIK, { sharing: 'everything', reason: 'x' })).body.error.code).toBe('validation_failed');
      expect((await share('jesenik.admin', JESENIK, { sharing: 'live-anonymized' })).body.error.code).toBe('validation_failed');
      const patch = await api(gw.url, `/api/v1/cameras/${cams[JESENIK].id}`, { method: 'PATCH', token: await token('jesenik.admin'), body: { sharing: 'private' } });
      expect(patch.body.error.code).toBe('validation_failed');
      for (const [admin, camera] of [
        ['jesenik.admin', JESENIK],
        ['glucholazy.admin', GLUCHOLAZY],
      ]) {
        const r = await share(admin, camera, { sharing: 'live-anonymized', reason: 'agreed with the fire services for the flood season' });
        expect(r.status).toBe(200);
        expect(r.body.sharing).toBe('live-anonymized');
      }
      const audit = await auditOf(gw.url, await token('jesenik.legal'), `camera:${cams[JESENIK].id}`);
      expect(audit.at(-1)).toMatchObject({
        actorUser: 'jesenik.admin',
        operation: 'alteration',
        justification: 'agreed with the fire services for the flood season',
        details: expect.objectContaining({ change: 'sharing', from: 'on-request', to: 'live-anonymized' }),
      });
    });

    it('asks a partner for a purpose (403 purpose_required)', async () => {
      const r = await open('hzs.operator', JESENIK, { form: 'anonymized' });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('purpose_required');
    });

    it('grants anonymized live video with a short-lived grant the media node can verify, audited as a consultation', async () => {
      const r = await open('hzs.operator', JESENIK, { form: 'anonymized', purpose: 'river level' });
      expect(r.status).toBe(201);
      const id = cams[JESENIK].id;
      expect(r.body).toMatchObject({
        cameraId: id,
        form: 'anonymized',
        whepUrl: `${gw.cfg.media.publicUrl}/whep/${id}`,
        renewAfterSec: 30,
        policies: ['CZ@1:cz-live-anonymized-responders'],
        downgraded: false,
      });
      const claims = await verifyGrant(r.body.grant, keys());
      expect(claims).toMatchObject({ cam: id, form: 'anonymized', org: 'hzs-olk', country: 'CZ', obligations: { anonymize: true }, sid: r.body.sessionId });
      expect(claims.exp - Date.now() / 1000).toBeGreaterThan(50);
      expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(60);
      const audit = await auditOf(gw.url, await token('hzs.auditor'), `camera:${id}`);
      expect(audit.at(-1)).toMatchObject({
        actorUser: 'hzs.operator',
        operation: 'consultation',
        decision: 'permit',
        recipient: '',
        policyIds: ['CZ@1:cz-live-anonymized-responders'],
        details: expect.objectContaining({ action: 'live.anonymized', session: r.body.sessionId, grant: claims.jti }),
      });
    });

    it("records access across the border as a disclosure to the viewer organisation, with both countries' rules", async () => {
      const r = await open('hzs.operator', GLUCHOLAZY, { form: 'anonymized', purpose: 'river level at the border' });
      expect(r.status).toBe(201);
      expect(r.body.policies).toEqual(['PL@1:pl-live-anonymized-responders', 'CZ@1:cz-live-anonymized-responders']);
      const audit = await auditOf(gw.url, await token('hzs.auditor'), `camera:${cams[GLUCHOLAZY].id}`);
      expect(audit.at(-1)).toMatchObject({ operation: 'disclosure', recipient: 'hzs-olk (CZ)', justification: 'river level at the border', decision: 'permit' });
    });

    it('denies raw video outside an incident with the reasons, and audits the denial', async () => {
      const r = await open('hzs.operator', JESENIK, { form: 'raw', purpose: 'checking the square' });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'access_denied', details: { denial: 'forbidden', policies: ['CZ@1:cz-forbid-live-raw-without-incident'] } });
      expect(r.body.error.message).toMatch(/only during a declared incident/);
      const municipal = await open('jesenik.municipal', JESENIK, { form: 'raw', purpose: 'x' });
      expect(municipal.status).toBe(403);
      // The camera owner's legal officer reads every access to it.
      const audit = await auditOf(gw.url, await token('jesenik.legal'), `camera:${cams[JESENIK].id}`);
      expect(audit.slice(-2).map((e) => [e.actorUser, e.decision, e.details.action])).toEqual([
        ['hzs.operator', 'deny', 'live.raw'],
        ['jesenik.municipal', 'deny', 'live.raw'],
      ]);
    });
  });

  describe('incidents', () => {
    it.each([
      [
        'an open polygon',
        {
          area: {
            type: 'Polygon',
            coordinates: [
              [
                [17.2, 50.2],
                [17.21, 50.2],
                [17.21, 50.21],
                [17.2, 50.22],
              ],
            ],
          },
        },
        'incident_area_invalid',
      ],
      ['an area of another shape', { area: { type: 'MultiPolygon', coordinates: [] } }, 'incident_area_invalid'],
      ['a circle of 100 km', { area: circle(17.2, 50.2, 100_000) }, 'incident_area_invalid'],
      ['a circle with extra members', { area: { ...circle(17.2, 50.2, 100), colour: 'red' } }, 'incident_area_invalid'],
      ['a planned end 48 hours away', { endsAt: new Date(Date.now() + 48 * HOUR) }, 'incident_too_long'],
      ['a planned end in the past', { endsAt: new Date(Date.now() - HOUR) }, 'incident_end_invalid'],
      ['severity 6', { severity: 6 }, 'validation_failed'],
      ['an unknown field', { colour: 'red' }, 'validation_failed'],
    ])('refuses %s with 400', async (_what, body, code) => {
      const r = await declare('hzs.operator', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
    });

    it('lets only operators of fire and police declare, in their own country', async () => {
      const municipal = await declare('nysa.municipal');
      expect(municipal.status).toBe(403);
      expect(municipal.body.error.code).toBe('incident_declare_forbidden');
      // An area wholly in Poland is a Polish incident, whoever declares it.
      const foreign = await declare('hzs.operator', { area: circle(17.3841, 50.3133, 800) });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.code).toBe('incident_declare_forbidden');
      const named = await declare('hzs.operator', { jurisdiction: 'CZ' });
      expect(named.body.error.code).toBe('validation_failed');
    });
  });

  describe('raw video during an incident', () => {
    let incident: string;
    let session: string;
    const jtis: string[] = [];

    it('an operator declares an incident; the cameras in its area carry it', async () => {
      const r = await declare('hzs.operator');
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ type: 'flood', severity: 4, jurisdiction: 'CZ', declaredBy: 'hzs.operator', organisationId: 'hzs-olk', state: 'active' });
      incident = r.body.id;
      const read = await api(gw.url, `/api/v1/incidents/${incident}`, { token: await token('hzs.operator') });
      expect(read.body.cameraIds).toEqual(expect.arrayContaining([cams[JESENIK].id, cams['Jeseník – most přes Bělou, Lipovská'].id]));
      expect(read.body.cameraIds).not.toContain(cams[NYSA].id);
      const listed = await api(gw2.url, '/api/v1/incidents', { token: await token('nysa.municipal') });
      expect(listed.body.map((i: { id: string }) => i.id)).toContain(incident);
    });

    it('permits raw video inside the area only with a purpose, with watermark and time limit', async () => {
      const noPurpose = await open('hzs.operator', JESENIK, { form: 'raw' });
      expect(noPurpose.status).toBe(403);
      expect(noPurpose.body.error.code).toBe('purpose_required');
      const outside = await open('hzs.operator', NYSA, { form: 'raw', purpose: 'flood' });
      expect(outside.status).toBe(403);
      const r = await open('hzs.operator', JESENIK, { form: 'raw', purpose: 'people on the bridge', durationSec: 1200 });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        form: 'raw',
        policies: ['CZ@1:cz-live-raw-incident'],
        obligations: { watermark: true, purpose: 'people on the bridge', maxDurationSec: 14400 },
      });
      expect(new Date(r.body.endsAt).getTime() - Date.now()).toBeGreaterThan(1100_000);
      const claims = await verifyGrant(r.body.grant, keys());
      expect(claims).toMatchObject({ form: 'raw', obligations: { watermark: true, purpose: 'people on the bridge' } });
      session = r.body.sessionId;
      jtis.push(claims.jti);
      const audit = await auditOf(gw.url, await token('hzs.auditor'), `camera:${cams[JESENIK].id}`);
      expect(audit.at(-1)).toMatchObject({
        actorUser: 'hzs.operator',
        decision: 'permit',
        justification: 'people on the bridge',
        policyIds: ['CZ@1:cz-live-raw-incident'],
        details: expect.objectContaining({ action: 'live.raw', incidents: [incident] }),
      });
    });

    it('renews the raw grant while the incident lasts', async () => {
      const r = await renew('hzs.operator', JESENIK, session);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ sessionId: session, form: 'raw', downgraded: false });
      const claims = await verifyGrant(r.body.grant, keys());
      expect(jtis).not.toContain(claims.jti);
      // the same session: the media node takes the renewed grant for the running WHEP session
      expect(claims.sid).toBe(session);
      jtis.push(claims.jti);
    });

    it('downgrades the raw session within seconds after the incident ends, tells the media node and audits it', async () => {
      const ended = await post('hzs.operator', `/api/v1/incidents/${incident}/end`, { reason: 'water receding' });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ state: 'ended', endedBy: 'hzs.operator', endReason: 'water receding' });
      const t0 = Date.now();
      const told = await eventually(async () => jtis.every((j) => media.changes.some((c) => c.jti === j && c.action === 'downgrade')));
      expect(told).toBe(true);
      console.log(`raw session downgraded and media node told ${Date.now() - t0} ms after the incident ended`);
      expect(media.changes.find((c) => c.jti === jtis[0])!.reason).toMatch(/no longer permitted/);
      expect(await sessionRow(session)).toMatchObject({ form: 'anonymized', state: 'active', pending_change: null });
      const audit = await auditOf(gw.url, await token('jesenik.legal'), `camera:${cams[JESENIK].id}`);
      const downgrade = audit.find((e) => e.decision === 'downgrade' && e.details.session === session);
      expect(downgrade).toMatchObject({
        actorUser: 'system',
        policyIds: ['CZ@1:cz-forbid-live-raw-without-incident'],
        justification: 'people on the bridge',
        details: expect.objectContaining({ viewer: 'hzs.operator' }),
      });
      const incidentAudit = await auditOf(gw.url, await token('hzs.auditor'), `incident:${incident}`);
      expect(incidentAudit.map((e) => [e.actorUser, e.operation, e.details.change])).toEqual([
        ['hzs.operator', 'collection', 'declared'],
        ['hzs.operator', 'alteration', 'ended'],
      ]);
    });

    it('renews the downgraded session as anonymized only', async () => {
      const r = await renew('hzs.operator', JESENIK, session);
      expect(r.status).toBe(200);
      expect(r.body.form).toBe('anonymized');
      expect((await verifyGrant(r.body.grant, keys())).form).toBe('anonymized');
      expect((await post('hzs.operator', `/api/v1/incidents/${incident}/end`, { reason: 'again' })).body.error.code).toBe('incident_ended');
    });
  });

  it('keeps telling a media node that was down until it answers', async () => {
    const incident = (await declare('policie.operator', { type: 'accident', title: 'Nehoda I/44' })).body.id;
    const r = await open('policie.operator', JESENIK, { form: 'raw', purpose: 'accident on the square' });
    expect(r.status).toBe(201);
    const jti = (await verifyGrant(r.body.grant, keys())).jti;
    await media.stop();
    await post('policie.operator', `/api/v1/incidents/${incident}/end`, { reason: 'cleared' });
    expect(await eventually(async () => (await sessionRow(r.body.sessionId)).form === 'anonymized')).toBe(true);
    expect((await sessionRow(r.body.sessionId)).pending_change).toMatchObject({ action: 'downgrade' });
    expect(media.changes.some((c) => c.jti === jti)).toBe(false);
    await media.start();
    expect(await eventually(async () => media.changes.some((c) => c.jti === jti && c.action === 'downgrade'), 15_000)).toBe(true);
    expect(await eventually(async () => (await sessionRow(r.body.sessionId)).pending_change === null)).toBe(true);
  });

  it('expires an incident at its planned end and re-decides its raw sessions', async () => {
    const incident = (await declare('hzs.operator', { title: 'short', endsAt: new Date(Date.now() + 4000) })).body.id;
    const r = await open('hzs.operator', JESENIK, { form: 'raw', purpose: 'short check' });
    expect(r.status).toBe(201);
    const jti = (await verifyGrant(r.body.grant, keys())).jti;
    expect(await eventually(async () => media.changes.some((c) => c.jti === jti && c.action === 'downgrade'), 15_000)).toBe(true);
    // Raw access ends at the planned end itself; the expiry job records the end within a round.
    const read = await eventually(async () => {
      const i = await api(gw.url, `/api/v1/incidents/${incident}`, { token: await token('hzs.operator') });
      return i.body.endedBy ? i.body : null;
    });
    expect(read).toMatchObject({ state: 'ended', endedBy: 'system', endReason: 'planned end reached' });
    const audit = await auditOf(gw.url, await token('hzs.auditor'), `incident:${incident}`);
    expect(audit.filter((e) => e.decision === 'expired')).toHaveLength(1);
  });

  it('extends an incident with a reason, within the configured maximum', async () => {
    const incident = (await declare('hzs.operator', { title: 'long' })).body.id;
    const tooFar = await post('hzs.operator', `/api/v1/incidents/${incident}/extend`, { endsAt: new Date(Date.now() + 30 * HOUR), reason: 'more rain' });
    expect(tooFar.body.error.code).toBe('incident_too_long');
    const earlier = await post('hzs.operator', `/api/v1/incidents/${incident}/extend`, { endsAt: new Date(Date.now() + HOUR), reason: 'x' });
    expect(earlier.body.error.code).toBe('incident_extension_invalid');
    const foreign = await post('nysa.legal', `/api/v1/incidents/${incident}/extend`, { endsAt: new Date(Date.now() + 10 * HOUR), reason: 'x' });
    expect(foreign.status).toBe(403);
    const ok = await post('hzs.operator', `/api/v1/incidents/${incident}/extend`, { endsAt: new Date(Date.now() + 10 * HOUR), reason: 'more rain expected' });
    expect(ok.status).toBe(200);
    expect(new Date(ok.body.endsAt).getTime()).toBeGreaterThan(Date.now() + 9 * HOUR);
    const audit = await auditOf(gw.url, await token('hzs.auditor'), `incident:${incident}`);
    expect(audit.at(-1)).toMatchObject({ actorUser: 'hzs.operator', justification: 'more rain expected', details: expect.objectContaining({ change: 'extended' }) });
    await post('hzs.operator', `/api/v1/incidents/${incident}/end`, { reason: 'done' });
  });

  it('re-decides raw sessions when a policy version is activated, and a second gateway applies it too', async () => {
    const incident = (await declare('hzs.operator', { title: 'policy change' })).body.id;
    const r = await open('hzs.operator', JESENIK, { form: 'raw', purpose: 'policy change test' });
    expect(r.status).toBe(201);
    const jti = (await verifyGrant(r.body.grant, keys())).jti;
    // Raw video for the police only: the fire service's session must lose it.
    const text = editRule('CZ', 'cz-live-raw-incident', '["fire", "police"]', '["police"]');
    const draft = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text, reason: 'raw for police only' });
    expect(draft.status).toBe(201);
    const t0 = Date.now();
    expect((await activatePolicy(gw.url, token, 'hzs.legal', 'CZ', draft.body.version)).status).toBe(200);
    expect(await eventually(async () => media.changes.some((c) => c.jti === jti && c.action === 'downgrade'))).toBe(true);
    console.log(`raw session downgraded ${Date.now() - t0} ms after the policy activation`);
    const seen = await eventually(async () => {
      const sim = await post(
        'hzs.legal',
        '/api/v1/policies/CZ/simulate',
        { user: { organisationId: 'hzs-olk', roles: ['operator'] }, cameraId: cams[JESENIK].id, actions: ['live.raw'], context: { incident: true, purpose: 'x' } },
        gw2.url,
      );
      return sim.body.versions?.CZ === draft.body.version ? sim.body : null;
    });
    console.log(`second gateway decided with the new version ${Date.now() - t0} ms after the activation`);
    expect(seen).toMatchObject({ results: [{ decision: 'deny' }] });
    const denied = await open('hzs.operator', JESENIK, { form: 'raw', purpose: 'again' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.policies).toEqual([`CZ@${draft.body.version}`]);
    expect((await post('hzs.legal', '/api/v1/policies/CZ/rollback', { toVersion: 1, reason: 'test over' })).status).toBe(201);
    await post('hzs.operator', `/api/v1/incidents/${incident}/end`, { reason: 'done' });
  });

  it('ends anonymized sessions within seconds when the owner stops sharing the camera live, like a policy activation', async () => {
    const share = async (sharing: string) =>
      api(gw.url, `/api/v1/cameras/${cams[GLUCHOLAZY].id}/sharing`, { method: 'PUT', token: await token('glucholazy.admin'), body: { sharing, reason: 'test' } });
    const r = await open('hzs.operator', GLUCHOLAZY, { form: 'anonymized', purpose: 'river level at the border' });
    expect(r.status).toBe(201);
    const jti = (await verifyGrant(r.body.grant, keys())).jti;
    const t0 = Date.now();
    expect((await share('analytics')).status).toBe(200);
    expect(await eventually(async () => media.changes.some((c) => c.jti === jti && c.action === 'end'))).toBe(true);
    console.log(`anonymized session ended ${Date.now() - t0} ms after the owner stopped sharing live`);
    expect(media.changes.find((c) => c.jti === jti)!.reason).toMatch(/no longer permitted: The camera's owner shares it as "analytics"/);
    expect(await sessionRow(r.body.sessionId)).toMatchObject({ state: 'ended' });
    const audit = await auditOf(gw.url, await token('glucholazy.legal'), `camera:${cams[GLUCHOLAZY].id}`);
    expect(audit.find((e) => e.decision === 'end' && e.details.session === r.body.sessionId)).toMatchObject({
      actorUser: 'system',
      details: expect.objectContaining({ action: 'live.anonymized', denial: 'not-shared', viewer: 'hzs.operator' }),
    });
    expect((await renew('hzs.operator', GLUCHOLAZY, r.body.sessionId)).status).toBe(409);
    expect((await share('live-anonymized')).status).toBe(200);
  });

  describe('grants the media node must refuse', () => {
    it('refuses altered, foreign-signed and expired grants', async () => {
      const r = await open('hzs.operator', JESENIK, { form: 'anonymized', purpose: 'grant test' });
      const [h, p, s] = String(r.body.grant).split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const altered = [h, Buffer.from(JSON.stringify({ ...payload, form: 'raw' })).toString('base64url'), s].join('.');
      await expect(verifyGrant(altered, keys())).rejects.toThrow(/signature/);
      const claims = { sub: 'x', name: 'x', org: 'hzs-olk', country: 'CZ', cam: cams[JESENIK].id, form: 'raw' as const, obligations: {} };
      const keyDir = mkdtempSync(join(tmpdir(), 'bl-key-'));
      try {
        const stranger = await GrantSigner.fromFile(join(keyDir, 'key.json'));
        await expect(verifyGrant((await stranger.sign(claims, 60)).token, keys())).rejects.toThrow();
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
      }
      const own = await GrantSigner.fromFile(join(gw.cfg.dataDir, 'grant-signing-key.json'));
      await expect(verifyGrant((await own.sign(claims, 60)).token, keys())).resolves.toMatchObject({ form: 'raw' });
      await expect(verifyGrant((await own.sign(claims, -30)).token, keys())).rejects.toThrow(/exp/);
    });
  });

  describe('bad input', () => {
    it('answers unknown cameras and sessions with 404, bad bodies with 400', async () => {
      expect((await post('hzs.operator', '/api/v1/cameras/00000000-0000-4000-8000-000000000000/sessions', { form: 'anonymized' })).body.error.code).toBe('camera_not_found');
      expect(
        (
          await api(gw.url, '/api/v1/cameras/00000000-0000-4000-8000-000000000000/sharing', {
            method: 'PUT',
            token: await token('jesenik.admin'),
            body: { sharing: 'private', reason: 'x' },
          })
        ).body.error.code,
      ).toBe('camera_not_found');
      expect((await post('hzs.operator', '/api/v1/cameras/not-a-camera/sessions', { form: 'anonymized' })).status).toBe(404);
      expect((await open('hzs.operator', JESENIK, { form: 'hd' })).body.error.code).toBe('validation_failed');
      expect((await open('hzs.operator', JESENIK, { form: 'raw', durationSec: 0 })).body.error.code).toBe('validation_failed');
      expect((await renew('hzs.operator', JESENIK, '00000000-0000-4000-8000-000000000000')).body.error.code).toBe('session_not_found');
      const mine = await open('hzs.operator', JESENIK, { form: 'anonymized', purpose: 'session test' });
      expect((await renew('policie.operator', JESENIK, mine.body.sessionId)).status).toBe(404);
      expect((await renew('hzs.operator', NYSA, mine.body.sessionId)).status).toBe(404);
      const del = await api(gw.url, `/api/v1/cameras/${cams[JESENIK].id}/sessions/${mine.body.sessionId}`, { method: 'DELETE', token: await token('hzs.operator') });
      expect(del.status).toBe(204);
      const after = await renew('hzs.operator', JESENIK, mine.body.sessionId);
      expect(after.status).toBe(409);
      expect(after.body.error.code).toBe('session_ended');
    });

    it('refuses a policy text larger than the engine accepts with 413 policy_too_large', async () => {
      const r = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text: loadPolicyDirectory().CZ.text + '\n// ' + 'x'.repeat(300_000) });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('policy_too_large');
    });

    it('keeps the audit chain intact through all of this', async () => {
      const r = await api(gw.url, '/api/v1/audit/verify', { token: await token('hzs.auditor') });
      expect(r.body).toMatchObject({ ok: true });
    });
  });
});
