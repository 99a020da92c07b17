import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyEngine } from './policy-engine';
import { defaultPolicyDir } from './policy-files';
import { diffMatrix, PolicyMatrix } from './policy-matrix';
import { CAMERAS } from './testing/fixtures';

const camera = CAMERAS['cz-fire-station'];
const engine = PolicyEngine.fromDirectory();
const CZ = readFileSync(join(defaultPolicyDir(), 'CZ.cedar'), 'utf8');

function permitted(matrix: PolicyMatrix, label: string, situation: 'now' | 'incident'): string[] {
  const row = matrix.rows.find((r) => r.label === label);
  if (!row) throw new Error(`no row ${label}`);
  return Object.entries(row.cells)
    .filter(([, cell]) => cell![situation].decision === 'permit')
    .map(([action]) => action)
    .sort();
}

describe('matrix', () => {
  const matrix = engine.matrix(camera, { now: Date.UTC(2026, 5, 1, 10) });

  it("has a row per country x organisation kind x role, plus the owner organisation's roles", () => {
    expect(matrix.rows).toHaveLength(6 + 2 * 5 * 6);
    expect(matrix.versions).toEqual({ CZ: 1, PL: 1 });
    expect(matrix.rows[0].label).toBe('CZ fire operator (owner)');
  });

  it('shows what each kind of user gets now and during an incident', () => {
    // incident.accept: a CZ incident over Polish cameras, accepted on behalf of Poland.
    expect(permitted(matrix, 'PL police operator', 'now')).toEqual(['analytics.view', 'clip.request', 'incident.accept', 'live.anonymized']);
    expect(permitted(matrix, 'PL police operator', 'incident')).toEqual([
      'analytics.view',
      'clip.request',
      'incident.accept',
      'live.anonymized',
      'live.raw',
      'recording.anonymized',
    ]);
    expect(permitted(matrix, 'CZ fire admin (owner)', 'now')).toEqual(['camera.manage']);
    expect(permitted(matrix, 'CZ fire admin', 'now')).toEqual([]);
    expect(permitted(matrix, 'PL ems operator', 'incident')).toEqual([]);
    const raw = matrix.rows.find((r) => r.label === 'CZ police operator')!.cells['live.raw']!;
    expect(raw.now).toEqual({ decision: 'deny', policies: ['CZ:cz-forbid-live-raw-without-incident'] });
    expect(raw.incident).toEqual({
      decision: 'permit',
      obligations: { watermark: true, purposeRequired: true, ownerApproval: false, anonymize: false, maxDurationSec: 14400 },
      policies: ['CZ:cz-live-raw-incident'],
    });
  });

  it('accepts its own rows and actions', () => {
    const small = engine.matrix(camera, { principals: [{ country: 'PL', kind: 'fire', roles: ['operator'], ownOrganisation: false }], actions: ['live.raw'] });
    expect(small.rows).toHaveLength(1);
    expect(Object.keys(small.rows[0].cells)).toEqual(['live.raw']);
  });
});

describe('diffMatrix', () => {
  const now = Date.UTC(2026, 5, 1, 10);
  const active = engine.matrix(camera, { now });

  it('is empty for an unchanged set', () => {
    expect(diffMatrix(active, engine.withPolicies({ CZ: { version: 2, text: CZ } }).matrix(camera, { now }))).toEqual([]);
  });

  it('shows what a draft opens: on a CZ camera only CZ users gain, PL users still need a PL import rule', () => {
    const draft = `${CZ}
@id("cz-live-anonymized-ems")
@anonymize("true")
permit (principal, action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera)
when { principal.roles.contains("operator") && principal.organisation.kind == "ems" };`;
    const changes = diffMatrix(active, engine.withPolicies({ CZ: { version: 2, text: draft } }).matrix(camera, { now }));
    expect(changes.map((c) => [c.label, c.action, c.situation, c.change])).toEqual([
      ['CZ ems operator', 'live.anonymized', 'now', 'opens'],
      ['CZ ems operator', 'live.anonymized', 'incident', 'opens'],
    ]);
  });

  it('shows what a draft closes and where obligations change', () => {
    const draft = CZ.replace(
      /@id\("cz-live-raw-incident"\)\n(@[^\n]*\n)*permit[^;]*;/,
      `@id("cz-live-raw-incident")
@purpose_required("true")
@watermark("true")
@max_duration("3600")
permit (principal, action == BorderLens::Action::"live.raw", resource is BorderLens::Camera)
when { context.incident && principal.roles.contains("operator") && principal.organisation.kind == "fire" && ["CZ", "PL"].contains(principal.country) };`,
    );
    expect(draft).not.toEqual(CZ);
    const changes = diffMatrix(active, engine.withPolicies({ CZ: { version: 2, text: draft } }).matrix(camera, { now }));
    expect(changes.map((c) => [c.label, c.action, c.situation, c.change])).toEqual([
      ['CZ fire operator (owner)', 'live.raw', 'incident', 'obligations'],
      ['CZ fire operator', 'live.raw', 'incident', 'obligations'],
      ['CZ police operator', 'live.raw', 'incident', 'closes'],
      ['PL fire operator', 'live.raw', 'incident', 'obligations'],
      ['PL police operator', 'live.raw', 'incident', 'closes'],
    ]);
    expect(changes[0].after.obligations?.maxDurationSec).toBe(3600);
  });
});
