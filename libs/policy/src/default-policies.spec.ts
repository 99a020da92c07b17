import { PolicyEngine } from './policy-engine';
import { loadPolicyDirectory } from './policy-files';
import { compilePolicySet } from './policy-set';
import { Action, ACTIONS, CameraInput, ResourceInput } from './policy.types';
import { CAMERAS, FLOOD, ORGS, user } from './testing/fixtures';

/**
 * The default CZ and PL policies, row by row: role x organisation (kind and country) x camera x
 * incident or not, with the actions each row is permitted written out; every action not listed must
 * be denied. Requests carry a purpose, so purpose-required rules show as permitted here.
 *
 * Resources per action: the camera itself; for clip.approve a clip of the camera; for incident.* an
 * incident in the camera's country; for policy.edit the policy set of the camera's country.
 */
const TABLE = `
# camera           organisation       role           incident  permitted
cz-fire-station    hzs-olk            operator       no        live.anonymized recording.anonymized recording.raw clip.request analytics.view incident.declare incident.end
cz-fire-station    hzs-olk            operator       yes       live.anonymized live.raw recording.anonymized recording.raw clip.request analytics.view incident.declare incident.end
cz-fire-station    hzs-olk            municipal      no        recording.anonymized
cz-fire-station    hzs-olk            municipal      yes       recording.anonymized
cz-fire-station    hzs-olk            legal-officer  no        clip.approve policy.edit audit.read
cz-fire-station    hzs-olk            legal-officer  yes       clip.approve policy.edit audit.read
cz-fire-station    hzs-olk            admin          no        camera.manage
cz-fire-station    hzs-olk            admin          yes       camera.manage
cz-fire-station    hzs-olk            auditor        no        audit.read
cz-fire-station    hzs-olk            auditor        yes       audit.read
cz-fire-station    pcr-olk            operator       no        live.anonymized clip.request analytics.view incident.declare incident.end
cz-fire-station    pcr-olk            operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.declare incident.end
cz-fire-station    pcr-olk            municipal      no        -
cz-fire-station    pcr-olk            municipal      yes       -
cz-fire-station    pcr-olk            legal-officer  no        policy.edit
cz-fire-station    pcr-olk            legal-officer  yes       policy.edit
cz-fire-station    pcr-olk            admin          no        -
cz-fire-station    pcr-olk            admin          yes       -
cz-fire-station    pcr-olk            auditor        no        -
cz-fire-station    pcr-olk            auditor        yes       -
cz-fire-station    mesto-jesenik      operator       no        clip.request analytics.view
cz-fire-station    mesto-jesenik      operator       yes       clip.request analytics.view
cz-fire-station    mesto-jesenik      municipal      no        clip.request analytics.view
cz-fire-station    mesto-jesenik      municipal      yes       clip.request analytics.view
cz-fire-station    mesto-jesenik      legal-officer  no        policy.edit
cz-fire-station    mesto-jesenik      legal-officer  yes       policy.edit
cz-fire-station    mesto-jesenik      admin          no        -
cz-fire-station    mesto-jesenik      admin          yes       -
cz-fire-station    mesto-jesenik      auditor        no        -
cz-fire-station    mesto-jesenik      auditor        yes       -
cz-fire-station    mp-jesenik         operator       no        clip.request analytics.view
cz-fire-station    mp-jesenik         operator       yes       clip.request analytics.view
cz-fire-station    mp-jesenik         municipal      no        clip.request analytics.view
cz-fire-station    mp-jesenik         municipal      yes       clip.request analytics.view
cz-fire-station    mp-jesenik         legal-officer  no        policy.edit
cz-fire-station    mp-jesenik         legal-officer  yes       policy.edit
cz-fire-station    mp-jesenik         admin          no        -
cz-fire-station    mp-jesenik         admin          yes       -
cz-fire-station    mp-jesenik         auditor        no        -
cz-fire-station    mp-jesenik         auditor        yes       -
cz-fire-station    zzs-olk            operator       no        -
cz-fire-station    zzs-olk            operator       yes       -
cz-fire-station    zzs-olk            municipal      no        -
cz-fire-station    zzs-olk            municipal      yes       -
cz-fire-station    zzs-olk            legal-officer  no        policy.edit
cz-fire-station    zzs-olk            legal-officer  yes       policy.edit
cz-fire-station    zzs-olk            admin          no        -
cz-fire-station    zzs-olk            admin          yes       -
cz-fire-station    zzs-olk            auditor        no        -
cz-fire-station    zzs-olk            auditor        yes       -
cz-fire-station    psp-nysa           operator       no        live.anonymized clip.request analytics.view incident.accept
cz-fire-station    psp-nysa           operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.accept
cz-fire-station    psp-nysa           municipal      no        -
cz-fire-station    psp-nysa           municipal      yes       -
cz-fire-station    psp-nysa           legal-officer  no        -
cz-fire-station    psp-nysa           legal-officer  yes       -
cz-fire-station    psp-nysa           admin          no        -
cz-fire-station    psp-nysa           admin          yes       -
cz-fire-station    psp-nysa           auditor        no        -
cz-fire-station    psp-nysa           auditor        yes       -
cz-fire-station    kpp-nysa           operator       no        live.anonymized clip.request analytics.view incident.accept
cz-fire-station    kpp-nysa           operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.accept
cz-fire-station    kpp-nysa           municipal      no        -
cz-fire-station    kpp-nysa           municipal      yes       -
cz-fire-station    kpp-nysa           legal-officer  no        -
cz-fire-station    kpp-nysa           legal-officer  yes       -
cz-fire-station    kpp-nysa           admin          no        -
cz-fire-station    kpp-nysa           admin          yes       -
cz-fire-station    kpp-nysa           auditor        no        -
cz-fire-station    kpp-nysa           auditor        yes       -
cz-fire-station    gmina-nysa         operator       no        clip.request analytics.view incident.accept
cz-fire-station    gmina-nysa         operator       yes       clip.request analytics.view incident.accept
cz-fire-station    gmina-nysa         municipal      no        clip.request analytics.view
cz-fire-station    gmina-nysa         municipal      yes       clip.request analytics.view
cz-fire-station    gmina-nysa         legal-officer  no        -
cz-fire-station    gmina-nysa         legal-officer  yes       -
cz-fire-station    gmina-nysa         admin          no        -
cz-fire-station    gmina-nysa         admin          yes       -
cz-fire-station    gmina-nysa         auditor        no        -
cz-fire-station    gmina-nysa         auditor        yes       -
cz-fire-station    sm-nysa            operator       no        clip.request analytics.view incident.accept
cz-fire-station    sm-nysa            operator       yes       clip.request analytics.view incident.accept
cz-fire-station    sm-nysa            municipal      no        clip.request analytics.view
cz-fire-station    sm-nysa            municipal      yes       clip.request analytics.view
cz-fire-station    sm-nysa            legal-officer  no        -
cz-fire-station    sm-nysa            legal-officer  yes       -
cz-fire-station    sm-nysa            admin          no        -
cz-fire-station    sm-nysa            admin          yes       -
cz-fire-station    sm-nysa            auditor        no        -
cz-fire-station    sm-nysa            auditor        yes       -
cz-fire-station    ratownictwo-opole  operator       no        -
cz-fire-station    ratownictwo-opole  operator       yes       -
cz-fire-station    ratownictwo-opole  municipal      no        -
cz-fire-station    ratownictwo-opole  municipal      yes       -
cz-fire-station    ratownictwo-opole  legal-officer  no        -
cz-fire-station    ratownictwo-opole  legal-officer  yes       -
cz-fire-station    ratownictwo-opole  admin          no        -
cz-fire-station    ratownictwo-opole  admin          yes       -
cz-fire-station    ratownictwo-opole  auditor        no        -
cz-fire-station    ratownictwo-opole  auditor        yes       -
pl-nysa-rynek      hzs-olk            operator       no        clip.request analytics.view incident.accept
pl-nysa-rynek      hzs-olk            operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.accept
pl-nysa-rynek      hzs-olk            municipal      no        -
pl-nysa-rynek      hzs-olk            municipal      yes       -
pl-nysa-rynek      hzs-olk            legal-officer  no        -
pl-nysa-rynek      hzs-olk            legal-officer  yes       -
pl-nysa-rynek      hzs-olk            admin          no        -
pl-nysa-rynek      hzs-olk            admin          yes       -
pl-nysa-rynek      hzs-olk            auditor        no        -
pl-nysa-rynek      hzs-olk            auditor        yes       -
pl-nysa-rynek      pcr-olk            operator       no        clip.request analytics.view incident.accept
pl-nysa-rynek      pcr-olk            operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.accept
pl-nysa-rynek      pcr-olk            municipal      no        -
pl-nysa-rynek      pcr-olk            municipal      yes       -
pl-nysa-rynek      pcr-olk            legal-officer  no        -
pl-nysa-rynek      pcr-olk            legal-officer  yes       -
pl-nysa-rynek      pcr-olk            admin          no        -
pl-nysa-rynek      pcr-olk            admin          yes       -
pl-nysa-rynek      pcr-olk            auditor        no        -
pl-nysa-rynek      pcr-olk            auditor        yes       -
pl-nysa-rynek      mesto-jesenik      operator       no        clip.request analytics.view
pl-nysa-rynek      mesto-jesenik      operator       yes       clip.request analytics.view
pl-nysa-rynek      mesto-jesenik      municipal      no        clip.request analytics.view
pl-nysa-rynek      mesto-jesenik      municipal      yes       clip.request analytics.view
pl-nysa-rynek      mesto-jesenik      legal-officer  no        -
pl-nysa-rynek      mesto-jesenik      legal-officer  yes       -
pl-nysa-rynek      mesto-jesenik      admin          no        -
pl-nysa-rynek      mesto-jesenik      admin          yes       -
pl-nysa-rynek      mesto-jesenik      auditor        no        -
pl-nysa-rynek      mesto-jesenik      auditor        yes       -
pl-nysa-rynek      mp-jesenik         operator       no        clip.request analytics.view
pl-nysa-rynek      mp-jesenik         operator       yes       clip.request analytics.view
pl-nysa-rynek      mp-jesenik         municipal      no        clip.request analytics.view
pl-nysa-rynek      mp-jesenik         municipal      yes       clip.request analytics.view
pl-nysa-rynek      mp-jesenik         legal-officer  no        -
pl-nysa-rynek      mp-jesenik         legal-officer  yes       -
pl-nysa-rynek      mp-jesenik         admin          no        -
pl-nysa-rynek      mp-jesenik         admin          yes       -
pl-nysa-rynek      mp-jesenik         auditor        no        -
pl-nysa-rynek      mp-jesenik         auditor        yes       -
pl-nysa-rynek      zzs-olk            operator       no        -
pl-nysa-rynek      zzs-olk            operator       yes       -
pl-nysa-rynek      zzs-olk            municipal      no        -
pl-nysa-rynek      zzs-olk            municipal      yes       -
pl-nysa-rynek      zzs-olk            legal-officer  no        -
pl-nysa-rynek      zzs-olk            legal-officer  yes       -
pl-nysa-rynek      zzs-olk            admin          no        -
pl-nysa-rynek      zzs-olk            admin          yes       -
pl-nysa-rynek      zzs-olk            auditor        no        -
pl-nysa-rynek      zzs-olk            auditor        yes       -
pl-nysa-rynek      psp-nysa           operator       no        clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      psp-nysa           operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      psp-nysa           municipal      no        -
pl-nysa-rynek      psp-nysa           municipal      yes       -
pl-nysa-rynek      psp-nysa           legal-officer  no        policy.edit
pl-nysa-rynek      psp-nysa           legal-officer  yes       policy.edit
pl-nysa-rynek      psp-nysa           admin          no        -
pl-nysa-rynek      psp-nysa           admin          yes       -
pl-nysa-rynek      psp-nysa           auditor        no        -
pl-nysa-rynek      psp-nysa           auditor        yes       -
pl-nysa-rynek      kpp-nysa           operator       no        clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      kpp-nysa           operator       yes       live.anonymized live.raw recording.anonymized clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      kpp-nysa           municipal      no        -
pl-nysa-rynek      kpp-nysa           municipal      yes       -
pl-nysa-rynek      kpp-nysa           legal-officer  no        policy.edit
pl-nysa-rynek      kpp-nysa           legal-officer  yes       policy.edit
pl-nysa-rynek      kpp-nysa           admin          no        -
pl-nysa-rynek      kpp-nysa           admin          yes       -
pl-nysa-rynek      kpp-nysa           auditor        no        -
pl-nysa-rynek      kpp-nysa           auditor        yes       -
pl-nysa-rynek      gmina-nysa         operator       no        live.anonymized recording.anonymized clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      gmina-nysa         operator       yes       live.anonymized recording.anonymized clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      gmina-nysa         municipal      no        live.anonymized recording.anonymized clip.request analytics.view
pl-nysa-rynek      gmina-nysa         municipal      yes       live.anonymized recording.anonymized clip.request analytics.view
pl-nysa-rynek      gmina-nysa         legal-officer  no        clip.approve policy.edit audit.read
pl-nysa-rynek      gmina-nysa         legal-officer  yes       clip.approve policy.edit audit.read
pl-nysa-rynek      gmina-nysa         admin          no        camera.manage
pl-nysa-rynek      gmina-nysa         admin          yes       camera.manage
pl-nysa-rynek      gmina-nysa         auditor        no        audit.read
pl-nysa-rynek      gmina-nysa         auditor        yes       audit.read
pl-nysa-rynek      sm-nysa            operator       no        clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      sm-nysa            operator       yes       clip.request analytics.view incident.declare incident.end
pl-nysa-rynek      sm-nysa            municipal      no        clip.request analytics.view
pl-nysa-rynek      sm-nysa            municipal      yes       clip.request analytics.view
pl-nysa-rynek      sm-nysa            legal-officer  no        policy.edit
pl-nysa-rynek      sm-nysa            legal-officer  yes       policy.edit
pl-nysa-rynek      sm-nysa            admin          no        -
pl-nysa-rynek      sm-nysa            admin          yes       -
pl-nysa-rynek      sm-nysa            auditor        no        -
pl-nysa-rynek      sm-nysa            auditor        yes       -
pl-nysa-rynek      ratownictwo-opole  operator       no        -
pl-nysa-rynek      ratownictwo-opole  operator       yes       -
pl-nysa-rynek      ratownictwo-opole  municipal      no        -
pl-nysa-rynek      ratownictwo-opole  municipal      yes       -
pl-nysa-rynek      ratownictwo-opole  legal-officer  no        policy.edit
pl-nysa-rynek      ratownictwo-opole  legal-officer  yes       policy.edit
pl-nysa-rynek      ratownictwo-opole  admin          no        -
pl-nysa-rynek      ratownictwo-opole  admin          yes       -
pl-nysa-rynek      ratownictwo-opole  auditor        no        -
pl-nysa-rynek      ratownictwo-opole  auditor        yes       -
`;

interface Row {
  camera: string;
  organisation: string;
  role: string;
  incident: boolean;
  permitted: Set<string>;
}

function parse(table: string): Row[] {
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [camera, organisation, role, incident, ...permitted] = line.split(/\s+/);
      if (!CAMERAS[camera] || !ORGS[organisation] || !['yes', 'no'].includes(incident)) throw new Error(`bad table row: ${line}`);
      for (const a of permitted) if (a !== '-' && !(ACTIONS as readonly string[]).includes(a)) throw new Error(`unknown action ${a} in: ${line}`);
      return { camera, organisation, role, incident: incident === 'yes', permitted: new Set(permitted.filter((a) => a !== '-')) };
    });
}

function resourceFor(action: Action, camera: CameraInput): ResourceInput {
  if (action === 'clip.approve') return { type: 'Clip', id: 'clip-1', camera, requester: ORGS['kpp-nysa'] };
  if (action === 'incident.declare' || action === 'incident.end' || action === 'incident.accept') {
    return { type: 'Incident', id: 'incident-1', jurisdiction: camera.jurisdiction, incidentType: 'flood', severity: 3 };
  }
  if (action === 'policy.edit') return { type: 'Policy', jurisdiction: camera.jurisdiction };
  return camera;
}

const rows = parse(TABLE);
const engine = PolicyEngine.fromDirectory();
const uncached = PolicyEngine.fromDirectory(undefined, { cacheSize: 0 });

describe('default policies (CZ, PL): the access table', () => {
  it('covers every organisation x role x incident for each camera', () => {
    expect(rows).toHaveLength(2 * 10 * 5 * 2);
    expect(new Set(rows.map((r) => `${r.camera} ${r.organisation} ${r.role} ${r.incident}`)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [`${r.camera} | ${r.organisation} ${r.role} | incident: ${r.incident ? 'yes' : 'no'}`, r] as const))('%s', (_, row) => {
    const camera = CAMERAS[row.camera];
    const principal = user(row.organisation, row.role);
    const context = { incidents: row.incident ? [{ ...FLOOD, country: camera.jurisdiction }] : [], purpose: 'flood response' };
    const permitted: string[] = [];
    for (const action of ACTIONS) {
      const decision = engine.decide({ principal, action, resource: resourceFor(action, camera), context });
      if (decision.decision === 'permit') permitted.push(action);
      // The answer cache must never change an outcome.
      const fresh = uncached.decide({ principal, action, resource: resourceFor(action, camera), context });
      expect(fresh).toEqual(decision);
      expect(decision.errors).toEqual([]);
      expect(decision.reasons.length).toBeGreaterThan(0);
    }
    expect(permitted.sort()).toEqual([...row.permitted].sort());
  });
});

describe('default policies: obligations and reasons', () => {
  const camera = CAMERAS['cz-fire-station'];

  it('raw live across the border during an incident: purpose, watermark, 4 h, from both sets', () => {
    const d = engine.decide({
      principal: user('kpp-nysa', 'operator'),
      action: 'live.raw',
      resource: camera,
      context: { incidents: [FLOOD], purpose: 'search for a missing person', durationSec: 600 },
    });
    expect(d.decision).toBe('permit');
    expect(d.obligations).toEqual({ watermark: true, purposeRequired: true, ownerApproval: false, anonymize: false, maxDurationSec: 14400 });
    expect(d.policies).toEqual([
      { jurisdiction: 'CZ', version: 1, role: 'export', decision: 'permit', ids: ['cz-live-raw-incident'] },
      { jurisdiction: 'PL', version: 1, role: 'import', decision: 'permit', ids: ['pl-live-raw-incident'] },
    ]);
  });

  it('raw live without a purpose is denied with a clear reason', () => {
    const d = engine.decide({ principal: user('pcr-olk', 'operator'), action: 'live.raw', resource: camera, context: { incidents: [FLOOD], purpose: '  ' } });
    expect(d.decision).toBe('deny');
    expect(d.denial).toBe('purpose-required');
    expect(d.reasons).toEqual(['A purpose must be given for live.raw (required by CZ "cz-live-raw-incident")']);
  });

  it('raw live outside an incident is forbidden, naming the guard rule', () => {
    const d = engine.decide({ principal: user('pcr-olk', 'operator'), action: 'live.raw', resource: camera, context: { purpose: 'patrol' } });
    expect(d).toMatchObject({ decision: 'deny', denial: 'forbidden' });
    expect(d.reasons[0]).toMatch(/^Forbidden by CZ rule "cz-forbid-live-raw-without-incident": Raw live video is available only during a declared incident/);
    expect(d.obligations).toEqual({ watermark: false, purposeRequired: false, ownerApproval: false, anonymize: false });
  });

  it('every shipped rule gives its reason in English, Czech and Polish; a Czech user reads the Czech one', () => {
    const sources = Object.entries(loadPolicyDirectory());
    expect(sources.map(([j]) => j)).toEqual(['CZ', 'PL']);
    for (const [j, source] of sources) {
      for (const { id, reasons } of compilePolicySet(j, source).policies.values()) {
        expect([id, Object.keys(reasons).sort()]).toEqual([id, ['cs', 'en', 'pl']]);
        expect([id, new Set(Object.values(reasons)).size]).toEqual([id, 3]);
      }
    }
    const request = { action: 'live.raw' as const, resource: camera, context: { purpose: 'patrol' } };
    const cs = engine.decide({ ...request, principal: { ...user('pcr-olk', 'operator'), language: 'cs' } });
    expect(cs.reasons[0]).toBe(
      'Zakázáno pravidlem CZ „cz-forbid-live-raw-without-incident“: Neanonymizované živé video je dostupné pouze během vyhlášené mimořádné události, která se vztahuje na kameru',
    );
    const pl = engine.decide({ ...request, principal: { ...user('gmina-nysa', 'municipal'), language: 'pl' } });
    expect(pl.reasons).toContain('Zabronione przez regułę PL „pl-forbid-raw-for-municipal”: Gminy i straże gminne widzą wyłącznie obraz zanonimizowany');
  });

  it("clip requests need the owner legal officer's approval", () => {
    const d = engine.decide({ principal: user('gmina-nysa', 'municipal'), action: 'clip.request', resource: camera, context: { purpose: 'vandalism report' } });
    expect(d.decision).toBe('permit');
    expect(d.obligations).toEqual({ watermark: true, purposeRequired: true, ownerApproval: true, anonymize: false, maxDurationSec: 3600 });
  });

  it("anonymized live of a partner's camera: anonymize, and a purpose (LED Art. 25 justification)", () => {
    const without = engine.decide({ principal: user('psp-nysa', 'operator'), action: 'live.anonymized', resource: camera });
    expect(without).toMatchObject({ decision: 'deny', denial: 'purpose-required' });
    const d = engine.decide({ principal: user('psp-nysa', 'operator'), action: 'live.anonymized', resource: camera, context: { purpose: 'forest fire near the border' } });
    expect(d.decision).toBe('permit');
    expect(d.obligations).toEqual({ watermark: false, purposeRequired: true, ownerApproval: false, anonymize: true });
    expect(d.reasons).toEqual([
      'Permitted by CZ rule "cz-live-anonymized-responders" (export): Fire and police operators of CZ and PL watch anonymized live video of partners\' cameras that their owners share live, for a stated purpose',
      'Permitted by PL rule "pl-live-anonymized-responders" (import): Fire and police operators of CZ and PL watch anonymized live video of partners\' cameras that their owners share live, for a stated purpose',
    ]);
  });

  it('anonymized live of its own camera: no purpose needed', () => {
    const d = engine.decide({ principal: user('hzs-olk', 'operator'), action: 'live.anonymized', resource: camera });
    expect(d).toMatchObject({ decision: 'permit', obligations: { purposeRequired: false, anonymize: true } });
  });

  it('a cross-border deny says which side refused', () => {
    const d = engine.decide({ principal: user('ratownictwo-opole', 'operator'), action: 'live.anonymized', resource: camera });
    expect(d.reasons).toEqual([
      'No CZ rule permits live.anonymized for users from PL (export from CZ)',
      'No PL rule permits live.anonymized on resources under CZ law (import into PL)',
    ]);
  });

  it('policy.edit is never granted across the border', () => {
    const d = engine.decide({ principal: user('kpp-nysa', 'legal-officer'), action: 'policy.edit', resource: { type: 'Policy', jurisdiction: 'CZ' } });
    expect(d).toMatchObject({ decision: 'deny', denial: 'foreign-policy-edit', policies: [] });
  });

  it('audit trail of an organisation: its own auditors and legal officers only', () => {
    const hzs = { type: 'Organisation' as const, ...ORGS['hzs-olk'] };
    expect(engine.decide({ principal: user('hzs-olk', 'auditor'), action: 'audit.read', resource: hzs }).decision).toBe('permit');
    expect(engine.decide({ principal: user('hzs-olk', 'legal-officer'), action: 'audit.read', resource: hzs }).decision).toBe('permit');
    expect(engine.decide({ principal: user('hzs-olk', 'operator'), action: 'audit.read', resource: hzs }).decision).toBe('deny');
    expect(engine.decide({ principal: user('pcr-olk', 'auditor'), action: 'audit.read', resource: hzs }).decision).toBe('deny');
    expect(engine.decide({ principal: user('kpp-nysa', 'legal-officer'), action: 'audit.read', resource: hzs }).decision).toBe('deny');
    // Not another organisation's cameras, even in the same country.
    expect(engine.decide({ principal: user('mesto-jesenik', 'legal-officer'), action: 'audit.read', resource: camera }).decision).toBe('deny');
    expect(engine.decide({ principal: user('hzs-olk', 'legal-officer'), action: 'audit.read', resource: camera }).decision).toBe('permit');
  });

  it('audit trail: a supervisory authority reads its own country by an explicit rule, not the other', () => {
    const authority = user('mesto-jesenik', 'supervisory-authority');
    const pl = { type: 'Organisation' as const, ...ORGS['gmina-nysa'] };
    expect(engine.decide({ principal: authority, action: 'audit.read', resource: { type: 'Organisation', ...ORGS['pcr-olk'] } })).toMatchObject({
      decision: 'permit',
      policies: [expect.objectContaining({ ids: ['cz-audit-read-supervisory-authority'] })],
    });
    expect(engine.decide({ principal: authority, action: 'audit.read', resource: camera })).toMatchObject({
      decision: 'permit',
      policies: [expect.objectContaining({ ids: ['cz-audit-read-camera-supervisory-authority'] })],
    });
    expect(engine.decide({ principal: authority, action: 'audit.read', resource: pl }).decision).toBe('deny');
    expect(engine.decide({ principal: authority, action: 'audit.read', resource: CAMERAS['pl-nysa-rynek'] }).decision).toBe('deny');
  });

  it("municipal staff get no standing live view of another municipality's cameras (territorial competence), only clips and counts", () => {
    const drone = CAMERAS['cz-jesenik-drone'];
    const nysa = user('gmina-nysa', 'municipal');
    expect(engine.decide({ principal: nysa, action: 'live.anonymized', resource: drone, context: { purpose: 'curious' } })).toMatchObject({
      decision: 'deny',
      denial: 'not-shared',
    });
    expect(engine.decide({ principal: nysa, action: 'clip.request', resource: drone, context: { purpose: 'vandalism report' } }).decision).toBe('permit');
    const raw = engine.decide({ principal: nysa, action: 'live.raw', resource: drone, context: { incidents: [FLOOD], purpose: 'flood' } });
    expect(raw).toMatchObject({ decision: 'deny', denial: 'forbidden' });
    // Unless its owner shares it live: then the rules still name who (responders only).
    const shared = { ...drone, sharing: 'live-anonymized' as const };
    expect(engine.decide({ principal: nysa, action: 'live.anonymized', resource: shared, context: { purpose: 'curious' } }).decision).toBe('deny');
    expect(engine.decide({ principal: user('kpp-nysa', 'operator'), action: 'live.anonymized', resource: shared, context: { purpose: 'pursuit' } }).decision).toBe('permit');
  });

  it("the owner's sharing level caps every rule: private shares nothing, even during an incident", () => {
    const fire = { ...camera, sharing: 'private' as const };
    // A rule text that opens everything to everyone still cannot open a private camera.
    const all = (id: string) => `@id("${id}") permit (principal, action, resource is BorderLens::Camera);`;
    const open = new PolicyEngine({ CZ: { version: 1, text: all('cz-all') }, PL: { version: 1, text: all('pl-all') } });
    for (const action of ['live.anonymized', 'live.raw', 'recording.anonymized', 'recording.raw', 'clip.request', 'analytics.view'] as const) {
      const d = open.decide({ principal: user('pcr-olk', 'operator'), action, resource: fire, context: { incidents: [FLOOD], purpose: 'flood' } });
      expect(d).toMatchObject({ decision: 'deny', denial: 'not-shared' });
      expect(d.reasons[0]).toMatch(/shares it as "private"/);
      expect(engine.decide({ principal: user('pcr-olk', 'operator'), action, resource: fire, context: { incidents: [FLOOD], purpose: 'flood' } }).decision).toBe('deny');
    }
    // The owner's own staff are not capped.
    expect(engine.decide({ principal: user('hzs-olk', 'operator'), action: 'live.anonymized', resource: fire }).decision).toBe('permit');
    // analytics: counts only.
    const counts = { ...camera, sharing: 'analytics' as const };
    expect(engine.decide({ principal: user('pcr-olk', 'operator'), action: 'analytics.view', resource: counts }).decision).toBe('permit');
    expect(engine.decide({ principal: user('pcr-olk', 'operator'), action: 'clip.request', resource: counts, context: { purpose: 'x' } }).denial).toBe('not-shared');
  });
});
