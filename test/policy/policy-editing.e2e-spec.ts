import { ACTIONS, loadPolicyDirectory } from '@borderlens/policy';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { auditOf, editRule, tokens } from '../support/policy';

/**
 * A legal officer writes, tests, activates and rolls back the rules of their jurisdiction through the
 * API (real Keycloak, embedded PGlite).
 */
describe('policy editing (Keycloak, PGlite)', () => {
  let gw: TestGateway;
  const token = tokens();
  let camera: { id: string; name: string };
  const CZ = loadPolicyDirectory().CZ.text;
  // Opens anonymized live video to Czech EMS operators and shortens raw sessions to one hour.
  const draftText = editRule(
    'CZ',
    'cz-live-raw-incident',
    '@max_duration("14400")',
    '@max_duration("3600")',
    editRule('CZ', 'cz-live-anonymized-responders', '["fire", "police"]', '["fire", "police", "ems"]'),
  );
  let draftVersion: number;

  beforeAll(async () => {
    await ensureKeycloak();
    gw = await startGateway();
    const cams = await api(gw.url, '/api/v1/cameras', { token: await token('hzs.operator') });
    // A police camera: shared live anonymized with partner responders by default.
    camera = cams.body.find((c: { name: string }) => c.name.startsWith('Mikulovice'));
  }, 300_000);

  afterAll(async () => {
    await gw?.close();
  });

  const post = async (user: string, path: string, body: unknown) => api(gw.url, path, { method: 'POST', token: await token(user), body });

  it('seeds CZ and PL from the shipped files as active version 1, audited', async () => {
    const r = await api(gw.url, '/api/v1/policies', { token: await token('hzs.legal') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { jurisdiction: 'CZ', activeVersion: 1, updatedAt: expect.any(String), canEdit: true },
      { jurisdiction: 'PL', activeVersion: 1, updatedAt: expect.any(String), canEdit: false },
    ]);
    const active = await api(gw.url, '/api/v1/policies/CZ', { token: await token('nysa.municipal') });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ jurisdiction: 'CZ', version: 1, state: 'active', text: CZ, createdBy: 'system' });
    expect(active.body.policies.map((p: { id: string }) => p.id)).toContain('cz-live-raw-incident');
    const schema = await api(gw.url, '/api/v1/policies/schema', { token: await token('nysa.municipal') });
    expect(schema.body.schema).toContain('namespace BorderLens');
    const audit = await auditOf(gw.url, await token('hzs.auditor'), 'policy:CZ@1');
    expect(audit).toEqual([expect.objectContaining({ actorUser: 'system', operation: 'alteration', decision: 'activated', policyIds: ['CZ@1'] })]);
  });

  it('answers invalid Cedar with the line and column of each problem', async () => {
    const bad =
      '@id("a")\npermit (principal, action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera)\nwhen { principal.roles.contains("operator") &&& true };\n';
    const r = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text: bad });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('policy_invalid');
    expect(r.body.error.message).toMatch(/^the policy text is invalid: line 3, column \d+: /);
    const [problem] = r.body.error.details;
    expect(problem).toMatchObject({ severity: 'error', code: 'syntax', line: 3 });
    const line3 = bad.split('\n')[2];
    expect(problem.column).toBeGreaterThanOrEqual(line3.indexOf('&&&') + 1);
    expect(problem.column).toBeLessThanOrEqual(line3.indexOf('true') + 1);
  });

  it('validates drafts against the schema, naming the attribute and where it is', async () => {
    const text = CZ.replace('["fire", "police"].contains(principal.organisation.kind)', '["fire", "police"].contains(principal.organisation.kindd)');
    const line = text.slice(0, text.indexOf('organisation.kindd')).split('\n').length;
    const r = await post('hzs.legal', '/api/v1/policies/CZ/validate', { text });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.problems).toEqual([expect.objectContaining({ code: 'schema', line, help: expect.stringMatching(/kind/) })]);
    expect(r.body.problems[0].message).toMatch(/kindd/);
    const d = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text });
    expect(d.status).toBe(400);
    expect(d.body.error).toMatchObject({ code: 'policy_invalid', message: expect.stringContaining(`line ${line}, column`) });
  });

  it('refuses a draft that would let another country edit these policies', async () => {
    const text =
      CZ +
      '\n@id("everyone-edits")\npermit (principal, action == BorderLens::Action::"policy.edit", resource is BorderLens::Policy)\nwhen { principal.roles.contains("legal-officer") };\n';
    const r = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('policy_foreign_edit');
    expect(r.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'foreign-policy-edit', policyId: 'everyone-edits', line: CZ.split('\n').length + 1 })]),
    );
  });

  it('refuses an oversized draft with 413', async () => {
    const r = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text: CZ + '\n// ' + 'x'.repeat(300_000) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
  });

  it("refuses the rules of one country to the other country's legal officers, and to operators; the refusal is audited", async () => {
    const foreign = await post('nysa.legal', '/api/v1/policies/CZ/drafts', { text: draftText });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('policy_edit_forbidden');
    expect(foreign.body.error.details).toMatchObject({ denial: 'foreign-policy-edit' });
    const operator = await post('hzs.operator', '/api/v1/policies/CZ/drafts', { text: draftText });
    expect(operator.status).toBe(403);
    expect(operator.body.error.details.policies).toEqual(['CZ@1']);
    expect((await post('nysa.legal', '/api/v1/policies/CZ/validate', { text: draftText })).status).toBe(403);
    expect((await post('nysa.legal', '/api/v1/policies/CZ/simulate', { user: { organisationId: 'hzs-olk', roles: ['operator'] }, cameraId: camera.id })).status).toBe(403);
    expect((await post('nysa.legal', '/api/v1/policies/CZ/versions/1/activate', { reason: 'take-over' })).status).toBe(403);
    const audit = await auditOf(gw.url, await token('hzs.auditor'), 'policy:CZ');
    expect(audit.filter((e) => e.decision === 'deny').map((e) => e.actorUser)).toEqual(expect.arrayContaining(['nysa.legal', 'hzs.operator']));
    // PL's own officer may.
    expect((await post('nysa.legal', '/api/v1/policies/PL/validate', { text: loadPolicyDirectory().PL.text })).body.valid).toBe(true);
  });

  it('stores a valid draft, visible only to those who may edit', async () => {
    const r = await post('hzs.legal', '/api/v1/policies/CZ/drafts', { text: draftText, reason: 'EMS joins the responders; raw sessions at most one hour' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ jurisdiction: 'CZ', state: 'draft', createdBy: 'hzs.legal' });
    draftVersion = r.body.version;
    expect(draftVersion).toBeGreaterThan(1);
    const mine = await api(gw.url, '/api/v1/policies/CZ/versions', { token: await token('hzs.legal') });
    expect(mine.body.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [draftVersion, 'draft'],
      [1, 'active'],
    ]);
    const theirs = await api(gw.url, '/api/v1/policies/CZ/versions', { token: await token('hzs.operator') });
    expect(theirs.body.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await api(gw.url, `/api/v1/policies/CZ/versions/${draftVersion}`, { token: await token('hzs.operator') })).status).toBe(404);
    const full = await api(gw.url, `/api/v1/policies/CZ/versions/${draftVersion}`, { token: await token('hzs.legal') });
    expect(full.body.text).toBe(draftText);
  });

  it('simulates the active rules and the draft for a user, camera and context', async () => {
    const request = { user: { organisationId: 'hzs-olk', roles: ['operator'] }, cameraId: camera.id, actions: ['live.raw'] };
    const outside = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { ...request, context: { incident: false, purpose: 'flood watch' } });
    expect(outside.status).toBe(200);
    expect(outside.body.results).toEqual([
      expect.objectContaining({
        action: 'live.raw',
        decision: 'deny',
        denial: 'forbidden',
        policies: [expect.objectContaining({ jurisdiction: 'CZ', version: 1, ids: ['cz-forbid-live-raw-without-incident'] })],
      }),
    ]);
    const inside = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { ...request, context: { incident: true, purpose: 'flood watch' } });
    expect(inside.body.results[0]).toMatchObject({ decision: 'permit', obligations: { watermark: true, purposeRequired: true, maxDurationSec: 14400 } });
    const noPurpose = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { ...request, context: { incident: true } });
    expect(noPurpose.body.results[0]).toMatchObject({ decision: 'deny', denial: 'purpose-required' });
    const draft = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { ...request, draftVersion, context: { incident: true, purpose: 'flood watch' } });
    expect(draft.body.versions).toEqual({ CZ: draftVersion, PL: 1 });
    expect(draft.body.results[0]).toMatchObject({ decision: 'permit', obligations: { maxDurationSec: 3600 } });
    // An unsaved text too, with every camera action by default.
    const inline = await post('hzs.legal', '/api/v1/policies/CZ/simulate', {
      user: { organisationId: 'gmina-nysa', roles: ['municipal'] },
      cameraId: camera.id,
      text: draftText,
      context: { incident: true, purpose: 'x' },
    });
    expect(inline.body.versions.CZ).toBe(0);
    const byAction = Object.fromEntries(inline.body.results.map((r: { action: string; decision: string }) => [r.action, r.decision]));
    // Every action, with the incident's jurisdiction, acceptance and the camera's sharing level stated.
    const simulate = (body: object) => post('hzs.legal', '/api/v1/policies/CZ/simulate', { cameraId: camera.id, ...body });
    const every = await simulate({ user: { organisationId: 'hzs-olk', roles: ['legal-officer'] } });
    expect(every.body.results.map((r: { action: string }) => r.action)).toEqual([...ACTIONS]);
    expect(Object.fromEntries(every.body.results.map((r: { action: string; decision: string }) => [r.action, r.decision]))).toMatchObject({
      'policy.edit': 'permit',
      'clip.approve': 'deny',
      'audit.read': 'deny',
      'incident.declare': 'deny',
    });
    const notShared = await simulate({ user: { organisationId: 'hzs-olk', roles: ['operator'] }, actions: ['live.anonymized'], context: { sharing: 'analytics', purpose: 'x' } });
    expect(notShared.body.results[0]).toMatchObject({ decision: 'deny', denial: 'not-shared' });
    const pending = await simulate({
      user: { organisationId: 'hzs-olk', roles: ['operator'] },
      actions: ['live.raw'],
      context: { incident: true, incidentJurisdiction: 'PL', incidentDeclaredBy: 'gmina-nysa', incidentAccepted: false, purpose: 'x' },
    });
    expect(pending.body.results[0]).toMatchObject({ decision: 'deny', denial: 'forbidden' });
    expect(pending.body.incidents[0]).toMatchObject({ country: 'PL', organisation: 'gmina-nysa', acceptedIn: ['PL'] });
    const accepted = await simulate({
      user: { organisationId: 'hzs-olk', roles: ['operator'] },
      actions: ['live.raw'],
      context: { incident: true, incidentJurisdiction: 'PL', incidentAccepted: true, purpose: 'x' },
    });
    expect(accepted.body.results[0]).toMatchObject({ decision: 'permit' });
    // Municipal staff get no live view of another organisation's cameras; they request clips.
    expect(byAction).toMatchObject({ 'live.anonymized': 'deny', 'live.raw': 'deny', 'clip.request': 'permit', 'camera.manage': 'deny' });
  });

  it('shows what the draft opens and closes on a camera before activation', async () => {
    const matrix = await post('hzs.legal', '/api/v1/policies/CZ/matrix', { cameraId: camera.id });
    expect(matrix.status).toBe(200);
    const row = matrix.body.matrix.rows.find((r: { label: string }) => r.label === 'CZ fire operator');
    expect(row.cells['live.raw']).toMatchObject({ now: { decision: 'deny' }, incident: { decision: 'permit' } });
    const diff = await post('hzs.legal', '/api/v1/policies/CZ/matrix/diff', { cameraId: camera.id, draftVersion });
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ camera: camera.id, activeVersions: { CZ: 1, PL: 1 }, draftVersions: { CZ: draftVersion, PL: 1 } });
    const changes = diff.body.changes as { label: string; action: string; situation: string; change: string }[];
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'CZ ems operator', action: 'live.anonymized', situation: 'now', change: 'opens' }),
        expect.objectContaining({ label: 'CZ fire operator', action: 'live.raw', situation: 'incident', change: 'obligations' }),
      ]),
    );
    // Nothing else changes: a Polish EMS operator still lacks the PL import permit.
    for (const c of changes) {
      const expected =
        (c.label === 'CZ ems operator' && c.action === 'live.anonymized' && c.change === 'opens') ||
        (c.action === 'live.raw' && c.situation === 'incident' && c.change === 'obligations');
      expect({ ...c, expected }).toMatchObject({ expected: true });
    }
    const none = await post('hzs.legal', '/api/v1/policies/CZ/matrix/diff', { cameraId: camera.id });
    expect(none.body.error.code).toBe('draft_required');
  });

  it('needs the co-signature of the legal officers of other organisations whose cameras the draft affects', async () => {
    const path = `/api/v1/policies/CZ/versions/${draftVersion}`;
    // Raw sessions shorten on every Czech camera, live video opens on the police camera: the town and the police must agree.
    const alone = await post('hzs.legal', `${path}/activate`, { reason: 'agreed with the regional EMS on 2026-05-04' });
    expect(alone.status).toBe(409);
    expect(alone.body.error).toMatchObject({ code: 'policy_cosignatures_missing', details: { missing: ['mesto-jesenik', 'policie-olk'] } });
    expect(alone.body.error.message).toMatch(/changes decisions on cameras of mesto-jesenik, policie-olk/);
    const status = await api(gw.url, `${path}/cosignatures`, { token: await token('hzs.legal') });
    expect(status.body).toMatchObject({
      jurisdiction: 'CZ',
      version: draftVersion,
      required: ['mesto-jesenik', 'policie-olk'],
      cosignatures: [],
      missing: ['mesto-jesenik', 'policie-olk'],
    });
    expect((await post('hzs.operator', `${path}/cosign`, { reason: 'x' })).body.error.code).toBe('policy_cosign_forbidden');
    expect((await post('nysa.legal', `${path}/cosign`, { reason: 'x' })).body.error.code).toBe('policy_cosignature_not_needed');
    expect((await post('jesenik.legal', `${path}/cosign`, {})).body.error.code).toBe('validation_failed');
    const town = await post('jesenik.legal', `${path}/cosign`, { reason: 'Jeseník agrees: shorter raw sessions' });
    expect(town.status).toBe(200);
    expect(town.body.cosignatures).toEqual([expect.objectContaining({ organisationId: 'mesto-jesenik', by: 'jesenik.legal', reason: 'Jeseník agrees: shorter raw sessions' })]);
    expect((await post('jesenik.legal', `${path}/cosign`, { reason: 'again' })).body.error.code).toBe('policy_already_cosigned');
    const still = await post('hzs.legal', `${path}/activate`, { reason: 'x' });
    expect(still.body.error.details.missing).toEqual(['policie-olk']);
    expect((await post('policie.legal', `${path}/cosign`, { reason: 'Police agree: EMS may watch the crossing' })).status).toBe(200);
  });

  it('activates the draft with a reason: audited with who and why, in force at once', async () => {
    const r = await post('hzs.legal', `/api/v1/policies/CZ/versions/${draftVersion}/activate`, { reason: 'agreed with the regional EMS on 2026-05-04' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: draftVersion, state: 'active', activatedBy: 'hzs.legal', activationReason: 'agreed with the regional EMS on 2026-05-04' });
    const list = await api(gw.url, '/api/v1/policies', { token: await token('hzs.operator') });
    expect(list.body.find((p: { jurisdiction: string }) => p.jurisdiction === 'CZ').activeVersion).toBe(draftVersion);
    const versions = await api(gw.url, '/api/v1/policies/CZ/versions', { token: await token('hzs.legal') });
    expect(versions.body.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [draftVersion, 'active'],
      [1, 'retired'],
    ]);
    const sim = await post('hzs.legal', '/api/v1/policies/CZ/simulate', {
      user: { organisationId: 'hzs-olk', roles: ['operator'] },
      cameraId: camera.id,
      actions: ['live.raw'],
      context: { incident: true, purpose: 'x' },
    });
    expect(sim.body.results[0].obligations.maxDurationSec).toBe(3600);
    const audit = await auditOf(gw.url, await token('hzs.auditor'), `policy:CZ@${draftVersion}`);
    expect(audit.map((e) => [e.actorUser, e.decision, e.details.state])).toEqual([
      ['hzs.legal', 'permit', 'draft'],
      ['hzs.legal', 'deny', 'draft'],
      ['jesenik.legal', 'cosigned', 'draft'],
      ['hzs.legal', 'deny', 'draft'],
      ['policie.legal', 'cosigned', 'draft'],
      ['hzs.legal', 'permit', 'active'],
    ]);
    expect(audit.at(-1).details.cosignatures.map((c: { organisationId: string }) => c.organisationId)).toEqual(['mesto-jesenik', 'policie-olk']);
    expect(audit.at(-1)).toMatchObject({
      operation: 'alteration',
      justification: 'agreed with the regional EMS on 2026-05-04',
      policyIds: ['CZ@1:cz-policy-edit-own-jurisdiction'],
    });
    // Only drafts are activated.
    const again = await post('hzs.legal', `/api/v1/policies/CZ/versions/${draftVersion}/activate`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('policy_version_not_draft');
    expect((await post('hzs.legal', '/api/v1/policies/CZ/versions/999/activate', { reason: 'x' })).status).toBe(404);
    expect((await post('hzs.legal', `/api/v1/policies/CZ/versions/${draftVersion}/activate`, {})).body.error.code).toBe('validation_failed');
  });

  it('rolls back to an earlier version as a new version, audited', async () => {
    const r = await post('hzs.legal', '/api/v1/policies/CZ/rollback', { toVersion: 1, reason: 'EMS agreement not signed yet' });
    expect(r.status).toBe(201);
    const rolled = r.body.version;
    expect(rolled).toBe(draftVersion + 1);
    expect(r.body).toMatchObject({ state: 'active', sourceVersion: 1, activatedBy: 'hzs.legal', activationReason: 'EMS agreement not signed yet' });
    const active = await api(gw.url, '/api/v1/policies/CZ', { token: await token('hzs.operator') });
    expect(active.body).toMatchObject({ version: rolled, text: CZ });
    const sim = await post('hzs.legal', '/api/v1/policies/CZ/simulate', {
      user: { organisationId: 'hzs-olk', roles: ['operator'] },
      cameraId: camera.id,
      actions: ['live.raw'],
      context: { incident: true, purpose: 'x' },
    });
    expect(sim.body).toMatchObject({ versions: { CZ: rolled }, results: [{ obligations: { maxDurationSec: 14400 } }] });
    const audit = await auditOf(gw.url, await token('hzs.auditor'), `policy:CZ@${rolled}`);
    expect(audit).toEqual([
      expect.objectContaining({
        actorUser: 'hzs.legal',
        justification: 'EMS agreement not signed yet',
        details: expect.objectContaining({ rollbackTo: 1, previous: draftVersion }),
      }),
    ]);
    const same = await post('hzs.legal', '/api/v1/policies/CZ/rollback', { toVersion: rolled, reason: 'x' });
    expect(same.body.error.code).toBe('policy_version_active');
    expect((await post('hzs.legal', '/api/v1/policies/CZ/rollback', { toVersion: 77, reason: 'x' })).status).toBe(404);
  });

  it('answers unknown jurisdictions, cameras and organisations with 404', async () => {
    expect((await api(gw.url, '/api/v1/policies/SK', { token: await token('hzs.legal') })).body.error.code).toBe('policy_not_found');
    expect((await api(gw.url, '/api/v1/policies/cz', { token: await token('hzs.legal') })).status).toBe(404);
    const cam = await post('hzs.legal', '/api/v1/policies/CZ/simulate', {
      user: { organisationId: 'hzs-olk', roles: ['operator'] },
      cameraId: '00000000-0000-4000-8000-000000000000',
    });
    expect(cam.body.error.code).toBe('camera_not_found');
    const org = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { user: { organisationId: 'nowhere', roles: ['operator'] }, cameraId: camera.id });
    expect(org.body.error.code).toBe('organisation_not_found');
    const role = await post('hzs.legal', '/api/v1/policies/CZ/simulate', { user: { organisationId: 'hzs-olk', roles: ['king'] }, cameraId: camera.id });
    expect(role.body.error.code).toBe('validation_failed');
  });
});
