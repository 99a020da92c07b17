import { combineObligations, PolicyEngine } from './policy-engine';
import { CameraInput, DecisionRequest, PolicyRequestError } from './policy.types';
import { CAMERAS, FLOOD, ORGS, user } from './testing/fixtures';

const LIVE = 'action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera';
const RAW = 'action == BorderLens::Action::"live.raw", resource is BorderLens::Camera';

const czCamera = CAMERAS['cz-fire-station'];
const czOperator = user('pcr-olk', 'operator');
const plOperator = user('kpp-nysa', 'operator');

function live(principal = plOperator, resource: CameraInput = czCamera, extra: Partial<DecisionRequest> = {}): DecisionRequest {
  return { principal, action: 'live.anonymized', resource, ...extra };
}

describe('PolicyEngine.decide', () => {
  it('denies by default', () => {
    const engine = new PolicyEngine({ CZ: { version: 1, text: '' } });
    const d = engine.decide(live(czOperator));
    expect(d).toMatchObject({ decision: 'deny', denial: 'no-permit', reasons: ['No CZ rule permits live.anonymized for this user and resource'] });
    expect(d.policies).toEqual([{ jurisdiction: 'CZ', version: 1, role: 'local', decision: 'deny', ids: [] }]);
  });

  it('a forbid beats any permit', () => {
    const text = `
      @id("everyone-sees") @watermark("true")
      permit (principal, ${LIVE});
      @id("no-drones") @reason("Drone footage is not shared")
      forbid (principal, ${LIVE}) when { resource.kind == "drone" };`;
    const engine = new PolicyEngine({ CZ: { version: 7, text } });
    expect(engine.decide(live(czOperator)).decision).toBe('permit');
    const d = engine.decide(live(user('mesto-jesenik', 'municipal'), CAMERAS['cz-jesenik-drone']));
    expect(d).toMatchObject({
      decision: 'deny',
      denial: 'forbidden',
      reasons: ['Forbidden by CZ rule "no-drones": Drone footage is not shared'],
      policies: [{ jurisdiction: 'CZ', version: 7, role: 'local', decision: 'deny', ids: ['no-drones'] }],
    });
  });

  describe('across the border both sets must permit', () => {
    const exportsOnly = `@id("cz-export") permit (principal, ${LIVE});`;
    const importsOnly = `@id("pl-import") permit (principal, ${LIVE}) when { resource.jurisdiction == "CZ" };`;
    const nothing = `@id("pl-raw-only") permit (principal, ${RAW});`;

    it('export and import: permit, naming both rules', () => {
      const engine = new PolicyEngine({ CZ: { version: 1, text: exportsOnly }, PL: { version: 2, text: importsOnly } });
      const d = engine.decide(live());
      expect(d.decision).toBe('permit');
      expect(d.policies).toEqual([
        { jurisdiction: 'CZ', version: 1, role: 'export', decision: 'permit', ids: ['cz-export'] },
        { jurisdiction: 'PL', version: 2, role: 'import', decision: 'permit', ids: ['pl-import'] },
      ]);
    });

    it("export without import: deny, the viewer's set refused", () => {
      const engine = new PolicyEngine({ CZ: { version: 1, text: exportsOnly }, PL: { version: 1, text: nothing } });
      const d = engine.decide(live());
      expect(d).toMatchObject({ decision: 'deny', denial: 'no-permit' });
      expect(d.reasons).toEqual(['No PL rule permits live.anonymized on resources under CZ law (import into PL)']);
    });

    it("import without export: deny, the camera's set refused", () => {
      const engine = new PolicyEngine({
        CZ: { version: 1, text: `@id("cz-locals") permit (principal, ${LIVE}) when { principal.country == "CZ" };` },
        PL: { version: 1, text: importsOnly },
      });
      expect(engine.decide(live(czOperator)).decision).toBe('permit');
      const d = engine.decide(live());
      expect(d.decision).toBe('deny');
      expect(d.reasons).toEqual(['No CZ rule permits live.anonymized for users from PL (export from CZ)']);
    });

    it("when one side forbids, the other side's own verdict is still reported", () => {
      const czForbids = `@id("cz-ok") permit (principal, ${LIVE}); @id("cz-no-police") forbid (principal, ${LIVE}) when { principal.organisation.kind == "police" };`;
      const plPermits = `@id("pl-ok") permit (principal, ${LIVE}); @id("pl-no-drones") forbid (principal, ${LIVE}) when { resource.kind == "drone" };`;
      const engine = new PolicyEngine({ CZ: { version: 1, text: czForbids }, PL: { version: 1, text: plPermits } });
      expect(engine.decide(live()).policies).toEqual([
        { jurisdiction: 'CZ', version: 1, role: 'export', decision: 'deny', ids: ['cz-no-police'] },
        { jurisdiction: 'PL', version: 1, role: 'import', decision: 'permit', ids: ['pl-ok'] },
      ]);
      // Shared live by its owner, so that only the rules decide.
      const drone = { ...CAMERAS['cz-jesenik-drone'], sharing: 'live-anonymized' as const };
      expect(engine.decide(live(user('psp-nysa', 'operator'), drone)).policies).toEqual([
        { jurisdiction: 'CZ', version: 1, role: 'export', decision: 'permit', ids: ['cz-ok'] },
        { jurisdiction: 'PL', version: 1, role: 'import', decision: 'deny', ids: ['pl-no-drones'] },
      ]);
      expect(engine.decide(live(plOperator, drone)).policies.map((p) => p.ids)).toEqual([['cz-no-police'], ['pl-no-drones']]);
      expect(engine.decide(live(user('psp-nysa', 'operator'))).policies.map((p) => [p.decision, p.ids])).toEqual([
        ['permit', ['cz-ok']],
        ['permit', ['pl-ok']],
      ]);
    });

    it('a viewer from a country without a set is denied', () => {
      const engine = new PolicyEngine({ CZ: { version: 1, text: exportsOnly } });
      const slovak = { id: 'sk-user', organisation: { id: 'hazz-zilina', kind: 'fire' as const, country: 'SK', regime: 'gdpr' as const }, roles: ['operator'] };
      const d = engine.decide(live(slovak));
      expect(d).toMatchObject({ decision: 'deny', denial: 'no-policy-set', reasons: ['No policy set is configured for SK'] });
    });

    it('the same country is decided by its own set alone', () => {
      const engine = new PolicyEngine({ CZ: { version: 1, text: exportsOnly }, PL: { version: 1, text: nothing } });
      expect(engine.decide(live(czOperator)).policies.map((p) => [p.jurisdiction, p.role])).toEqual([['CZ', 'local']]);
    });
  });

  describe('obligations: the strictest wins', () => {
    it('combines annotations of all deciding permits of both sets', () => {
      const cz = `
        @id("cz-a") @max_duration("3600") @watermark("false")
        permit (principal, ${RAW});
        @id("cz-b") @max_duration("7200") @anonymize("true")
        permit (principal, ${RAW}) when { context.incident };`;
      const pl = `
        @id("pl-a") @max_duration("900") @watermark("true") @purpose_required("true")
        permit (principal, ${RAW});`;
      const engine = new PolicyEngine({ CZ: { version: 1, text: cz }, PL: { version: 1, text: pl } });
      const d = engine.decide({ principal: plOperator, action: 'live.raw', resource: czCamera, context: { incidents: [FLOOD], purpose: 'flood' } });
      expect(d.decision).toBe('permit');
      expect(d.policies.map((p) => p.ids)).toEqual([['cz-a', 'cz-b'], ['pl-a']]);
      expect(d.obligations).toEqual({ watermark: true, purposeRequired: true, ownerApproval: false, anonymize: true, maxDurationSec: 900 });

      const local = engine.decide({ principal: czOperator, action: 'live.raw', resource: czCamera, context: { incidents: [FLOOD] } });
      expect(local.obligations).toEqual({ watermark: false, purposeRequired: false, ownerApproval: false, anonymize: true, maxDurationSec: 3600 });
    });

    it('combineObligations: any true wins, the shortest duration wins, absent means unlimited', () => {
      expect(combineObligations([])).toEqual({ watermark: false, purposeRequired: false, ownerApproval: false, anonymize: false });
      expect(combineObligations([{ ownerApproval: true, maxDurationSec: 60 }, { ownerApproval: false }, { maxDurationSec: 30, watermark: true }])).toEqual({
        watermark: true,
        purposeRequired: false,
        ownerApproval: true,
        anonymize: false,
        maxDurationSec: 30,
      });
    });

    it('a purpose-required permit denies a request without a purpose', () => {
      const engine = new PolicyEngine({ CZ: { version: 1, text: `@id("why") @purpose_required("true") permit (principal, ${LIVE});` } });
      expect(engine.decide(live(czOperator))).toMatchObject({ decision: 'deny', denial: 'purpose-required' });
      expect(engine.decide(live(czOperator, czCamera, { context: { purpose: 'exercise' } })).decision).toBe('permit');
    });
  });

  it('context: incidents, purpose, duration and the local hour reach the policies', () => {
    const text = `
      @id("night-shift") permit (principal, ${LIVE}) when { context.hour >= 22 || context.hour < 6 };
      @id("big-floods") permit (principal, ${RAW}) when {
        context.incidentTypes.contains("flood") && context.incidentSeverity >= 4 &&
        context.incidentCountries.contains("CZ") && context.durationSec <= 600 && context.purpose like "*flood*" };`;
    const engine = new PolicyEngine({ CZ: { version: 1, text } });
    // 2026-01-15 22:30 in Prague is 21:30 UTC.
    expect(engine.decide(live(czOperator, czCamera, { context: { now: Date.UTC(2026, 0, 15, 21, 30) } })).decision).toBe('permit');
    expect(engine.decide(live(czOperator, czCamera, { context: { now: Date.UTC(2026, 0, 15, 20, 30) } })).decision).toBe('deny');
    // Summer time: 05:30 in Prague is 03:30 UTC.
    expect(engine.decide(live(czOperator, czCamera, { context: { now: new Date(Date.UTC(2026, 6, 1, 3, 30)) } })).decision).toBe('permit');

    const raw = (context: DecisionRequest['context']) => engine.decide({ principal: czOperator, action: 'live.raw', resource: czCamera, context }).decision;
    expect(raw({ incidents: [FLOOD], durationSec: 600, purpose: 'flood rescue' })).toBe('permit');
    expect(raw({ incidents: [{ ...FLOOD, severity: 3 }], durationSec: 600, purpose: 'flood rescue' })).toBe('deny');
    expect(raw({ incidents: [FLOOD], durationSec: 601, purpose: 'flood rescue' })).toBe('deny');
    expect(raw({ incidents: [FLOOD], durationSec: 600, purpose: 'fire' })).toBe('deny');
    expect(raw({ incidents: [{ ...FLOOD, type: 'fire' }, FLOOD], durationSec: 60, purpose: 'flood' })).toBe('permit');
  });

  it('a rule that fails to evaluate is skipped and reported under its set and id', () => {
    const text = `@id("overflows") permit (principal, ${LIVE}) when { context.durationSec * 9223372036854775807 > 0 };
      @id("plain") permit (principal, ${LIVE}) when { principal.roles.contains("operator") };`;
    const engine = new PolicyEngine({ CZ: { version: 1, text }, PL: { version: 1, text } });
    const local = engine.decide(live(czOperator, czCamera, { context: { durationSec: 2 } }));
    expect(local).toMatchObject({ decision: 'permit', policies: [{ ids: ['plain'] }] });
    expect(local.errors).toEqual([expect.stringMatching(/^CZ rule "overflows": .*overflow/)]);
    const cross = engine.decide(live(plOperator, czCamera, { context: { durationSec: 2 } }));
    expect(cross.errors).toEqual([expect.stringMatching(/^CZ rule "overflows": /), expect.stringMatching(/^PL rule "overflows": /)]);
    expect(cross.decision).toBe('permit');
  });

  it('rules naming particular users or organisations see the real ids', () => {
    const text = `
      @id("alice") permit (principal == BorderLens::User::"alice", ${LIVE});
      @id("hzs") permit (principal in BorderLens::Organisation::"hzs-olk", ${RAW});`;
    const engine = new PolicyEngine({ CZ: { version: 1, text } });
    const alice = { ...czOperator, id: 'alice' };
    const bob = { ...czOperator, id: 'bob' };
    expect(engine.decide(live(alice)).decision).toBe('permit');
    expect(engine.decide(live(bob)).decision).toBe('deny');
    const raw = (principal: typeof alice) => engine.decide({ principal, action: 'live.raw', resource: czCamera }).decision;
    expect(raw(user('hzs-olk', 'operator'))).toBe('permit');
    expect(raw(bob)).toBe('deny');
  });

  it('ownership (principal in resource.owner) holds only for members of the owner organisation', () => {
    const text = `@id("own") permit (principal, ${LIVE}) when { principal in resource.owner };`;
    const engine = new PolicyEngine({ CZ: { version: 1, text } });
    expect(engine.decide(live(user('hzs-olk', 'operator'))).decision).toBe('permit');
    expect(engine.decide(live(czOperator)).decision).toBe('deny');
    // Same kind and country, another organisation.
    expect(engine.decide(live({ ...user('hzs-olk', 'operator'), organisation: { ...ORGS['hzs-olk'], id: 'hzs-msk' } })).decision).toBe('deny');
  });

  it('positions are decimals', () => {
    const text = `@id("north") permit (principal, ${LIVE}) when { resource.lat.greaterThan(decimal("50.3")) };`;
    const engine = new PolicyEngine({ CZ: { version: 1, text }, PL: { version: 1, text } });
    expect(engine.decide(live(czOperator, czCamera)).decision).toBe('deny');
    expect(engine.decide(live(plOperator, { ...CAMERAS['pl-nysa-rynek'], sharing: 'live-anonymized' })).decision).toBe('permit');
  });

  it('refuses malformed requests with PolicyRequestError', () => {
    const engine = PolicyEngine.fromDirectory();
    const bad: [unknown, string][] = [
      [{ ...live(), action: 'live.hd' }, 'unknown action "live.hd"'],
      [{ ...live(), action: 'policy.edit' }, 'policy.edit applies to Policy, not to Camera'],
      [{ ...live(), resource: { ...czCamera, jurisdiction: 'cz' } }, 'resource.jurisdiction must be a country code such as "CZ", got "cz"'],
      [{ ...live(), resource: { ...czCamera, kind: 'satellite' } }, 'resource.kind "satellite" is not one of fixed, mobile, drone'],
      [{ ...live(), resource: { ...czCamera, lat: 91 } }, 'resource.lat/lon must be WGS84 degrees'],
      [{ ...live(), principal: { ...plOperator, organisation: { ...ORGS['kpp-nysa'], kind: 'army' } } }, 'principal.organisation.kind "army" is not one of'],
      [{ ...live(), principal: { ...plOperator, roles: 'operator' } }, 'principal.roles must be an array of strings'],
      [{ ...live(), context: { incidents: [{ ...FLOOD, severity: 9 }] } }, 'context.incidents[0].severity must be a whole number from 1 to 5'],
      [{ ...live(), context: { durationSec: -1 } }, 'context.durationSec must be a whole number'],
      [{ ...live(), context: { purpose: 'x'.repeat(2001) } }, 'context.purpose must be a string of at most 2000 characters'],
      [{ ...live(), context: { now: Number.NaN } }, 'context.now must be a Date or epoch milliseconds'],
    ];
    for (const [request, message] of bad) {
      expect(() => engine.decide(request as DecisionRequest)).toThrow(PolicyRequestError);
      expect(() => engine.decide(request as DecisionRequest)).toThrow(message);
    }
  });
});

describe('PolicyEngine versions and drafts', () => {
  const v1 = `@id("ops") permit (principal, ${LIVE}) when { principal.roles.contains("operator") };`;
  const v2 = `@id("ops-fire") permit (principal, ${LIVE}) when { principal.roles.contains("operator") && principal.organisation.kind == "fire" };`;

  it('simulate decides on the draft without touching the active engine; withPolicies activates', () => {
    const engine = new PolicyEngine({ CZ: { version: 1, text: v1 } });
    const police = live(czOperator);
    expect(engine.decide(police).decision).toBe('permit');
    const simulated = engine.simulate({ CZ: { version: 2, text: v2 } }, police);
    expect(simulated).toMatchObject({ decision: 'deny', policies: [{ jurisdiction: 'CZ', version: 2 }] });
    expect(engine.decide(police).decision).toBe('permit');

    const next = engine.withPolicies({ CZ: { version: 2, text: v2 } });
    expect(next.versions()).toEqual({ CZ: 2 });
    expect(next.decide(police).decision).toBe('deny');
    expect(next.decide(live(user('hzs-olk', 'operator'))).decision).toBe('permit');
    // Rolling back is activating the earlier text again.
    expect(next.withPolicies({ CZ: { version: 3, text: v1 } }).decide(police).decision).toBe('permit');
  });

  it("keeps deciding correctly when many drafts cycle through Cedar's pre-parsed slots", () => {
    const engine = new PolicyEngine({ CZ: { version: 1, text: v1 } });
    for (let i = 0; i < 40; i++) {
      const draft = `@id("d${i}") permit (principal, ${LIVE}) when { principal.country == "${i % 2 ? 'CZ' : 'PL'}" };`;
      expect(engine.simulate({ CZ: { version: 2, text: draft } }, live(czOperator)).decision).toBe(i % 2 ? 'permit' : 'deny');
    }
    expect(engine.decide(live(czOperator))).toMatchObject({ decision: 'permit', policies: [{ ids: ['ops'] }] });
  });

  it('loads the shipped defaults', () => {
    expect(PolicyEngine.fromDirectory().versions()).toEqual({ CZ: 1, PL: 1 });
  });
});
