import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyEngine } from './policy-engine';
import { defaultPolicyDir } from './policy-files';
import { MAX_POLICY_BYTES, PolicySetError, validatePolicyText } from './policy-set';

const CZ = readFileSync(join(defaultPolicyDir(), 'CZ.cedar'), 'utf8');
const PL = readFileSync(join(defaultPolicyDir(), 'PL.cedar'), 'utf8');

const LIVE = 'action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera';

describe('validatePolicyText', () => {
  it('accepts the shipped sets and lists their rules', () => {
    for (const [j, text] of [
      ['CZ', CZ],
      ['PL', PL],
    ]) {
      const report = validatePolicyText(j, text);
      expect(report.problems).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.policies.length).toBeGreaterThanOrEqual(15);
    }
    const raw = validatePolicyText('CZ', CZ).policies.find((p) => p.id === 'cz-live-raw-incident');
    expect(raw).toMatchObject({ effect: 'permit', obligations: { purposeRequired: true, watermark: true, maxDurationSec: 14400 } });
    expect(CZ.split('\n')[raw!.line - 1]).toBe('@id("cz-live-raw-incident")');
  });

  it('reports a syntax error with line and column (counting characters, not UTF-8 bytes)', () => {
    const text = ['// Pravidla pro Jeseník – žluťoučký kůň', '@id("broken")', `permit (principal, ${LIVE})`, 'when { principal.roles.contains("operator") && };'].join('\n');
    const report = validatePolicyText('CZ', text);
    expect(report.valid).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ severity: 'error', code: 'syntax', line: 4, column: 48 });
    expect(report.problems[0].message).toMatch(/unexpected token `}`/);
  });

  it('reports schema violations (strict mode) with the rule id and position', () => {
    const text = [
      '@id("uses-unknown-attribute")',
      `permit (principal, ${LIVE})`,
      'when { principal.organization.kind == "fire" };',
      '',
      '@id("compares-string-with-number")',
      `permit (principal, ${LIVE})`,
      'when { resource.jurisdiction == 3 };',
      '',
      '@id("unknown-action")',
      'permit (principal, action == BorderLens::Action::"live.hd", resource);',
    ].join('\n');
    const report = validatePolicyText('CZ', text);
    expect(report.valid).toBe(false);
    const schema = report.problems.filter((p) => p.code === 'schema' && p.severity === 'error');
    expect(schema.map((p) => [p.policyId, p.line])).toEqual([
      ['uses-unknown-attribute', 3],
      ['compares-string-with-number', 7],
      ['unknown-action', 10],
    ]);
    expect(schema[0]).toMatchObject({ column: 8, help: expect.stringContaining('organisation') });
  });

  it('refuses a rule that could grant policy.edit on its policies to another country', () => {
    const text = [
      '@id("legal-officers-edit")',
      'permit (principal, action == BorderLens::Action::"policy.edit", resource)',
      'when { principal.roles.contains("legal-officer") };',
    ].join('\n');
    const report = validatePolicyText('CZ', text);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'foreign-policy-edit',
        policyId: 'legal-officers-edit',
        line: 1,
        message: '"legal-officers-edit" could grant policy.edit on CZ policies to users of another country',
      }),
    ]);
  });

  it('also catches policy.edit hidden in a catch-all rule or an action list, or guarded only by an "||"', () => {
    const catchAll = '@id("admins-do-all") permit (principal, action, resource) when { principal.roles.contains("admin") };';
    const list = '@id("list") permit (principal, action in [BorderLens::Action::"audit.read", BorderLens::Action::"policy.edit"], resource);';
    const weak =
      '@id("weak") permit (principal, action == BorderLens::Action::"policy.edit", resource) when { principal.country == resource.jurisdiction || principal.roles.contains("admin") };';
    for (const text of [catchAll, list, weak]) {
      expect(validatePolicyText('CZ', text).problems.map((p) => p.code)).toContain('foreign-policy-edit');
    }
  });

  it('accepts policy.edit guarded by the country, either spelled with resource.jurisdiction or the country code', () => {
    const guarded =
      '@id("g1") permit (principal, action == BorderLens::Action::"policy.edit", resource) when { principal.roles.contains("legal-officer") && resource.jurisdiction == principal.country };';
    const literal =
      '@id("g2") permit (principal, action == BorderLens::Action::"policy.edit", resource) when { principal.country == "PL" && principal.roles.contains("legal-officer") };';
    const unless = '@id("g3") permit (principal, action, resource is BorderLens::Policy) unless { principal.country != resource.jurisdiction };';
    const otherResource = '@id("g4") permit (principal, action, resource is BorderLens::Camera) when { principal.roles.contains("admin") };';
    expect(validatePolicyText('PL', guarded).problems).toEqual([]);
    expect(validatePolicyText('PL', literal).problems).toEqual([]);
    expect(validatePolicyText('PL', unless).problems).toEqual([]);
    expect(validatePolicyText('PL', otherResource).problems).toEqual([]);
    // The literal names this set's country: in the CZ set it would let PL users edit CZ policies.
    expect(validatePolicyText('CZ', literal).problems.map((p) => p.code)).toEqual(['foreign-policy-edit']);
  });

  it('refuses oversized drafts before parsing them', () => {
    const big = `// ${'x'.repeat(MAX_POLICY_BYTES)}\n`;
    const report = validatePolicyText('CZ', big);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'too-large', message: `The policy text has ${MAX_POLICY_BYTES + 4} bytes; at most ${MAX_POLICY_BYTES} are accepted` }),
    ]);
    expect(validatePolicyText('CZ', CZ, { maxBytes: 1000 }).problems[0].code).toBe('too-large');
  });

  it('requires a unique @id on every rule', () => {
    const text = [`permit (principal, ${LIVE});`, `@id("a") permit (principal, ${LIVE});`, `@id("a") forbid (principal, ${LIVE});`].join('\n');
    const problems = validatePolicyText('CZ', text).problems;
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['missing-id', 1],
      ['duplicate-id', 3],
    ]);
  });

  it('checks obligation annotations', () => {
    const text = [
      `@id("a") @watermrk("true") permit (principal, ${LIVE});`,
      `@id("b") @max_duration("4h") permit (principal, ${LIVE});`,
      `@id("c") @anonymize("yes") permit (principal, ${LIVE});`,
      `@id("d") @watermark("true") forbid (principal, ${LIVE}) when { context.incident };`,
    ].join('\n');
    const problems = validatePolicyText('CZ', text).problems;
    expect(problems.map((p) => [p.severity, p.code, p.policyId, p.line])).toEqual([
      ['error', 'annotation', 'a', 1],
      ['error', 'annotation', 'b', 2],
      ['error', 'annotation', 'c', 3],
      ['warning', 'annotation', 'd', 4],
    ]);
    expect(problems[1].message).toBe('@max_duration("4h") on "b" must be a whole number of seconds (1 to 999999999)');
  });

  it('accepts @reason_cs and @reason_pl (optional); warns when a rule has them without the English @reason, the fallback', () => {
    const text = [
      `@id("a") @reason("Why") @reason_cs("Proč") @reason_pl("Dlaczego") permit (principal, ${LIVE});`,
      `@id("b") @reason("Why") forbid (principal, ${LIVE}) when { context.incident };`,
      `@id("c") permit (principal, ${LIVE});`,
      `@id("d") @reason_cs("Proč") @reason_de("Warum") permit (principal, ${LIVE});`,
    ].join('\n');
    const report = validatePolicyText('CZ', text);
    expect(report.problems.map((p) => [p.severity, p.code, p.policyId, p.line])).toEqual([
      ['error', 'annotation', 'd', 4],
      ['warning', 'annotation', 'd', 4],
    ]);
    expect(report.problems[0].message).toMatch(/^Unknown annotation @reason_de on "d"; known: .*@reason_cs, @reason_pl/);
    expect(report.policies[0]).toMatchObject({ id: 'a', reason: 'Why' });
  });

  it('refuses templates, warns about an empty set', () => {
    expect(validatePolicyText('CZ', `@id("t") permit (principal == ?principal, ${LIVE});`).problems.map((p) => p.code)).toEqual(['template']);
    const empty = validatePolicyText('CZ', '// nothing yet\n');
    expect(empty).toMatchObject({ valid: true, problems: [expect.objectContaining({ severity: 'warning', code: 'empty' })] });
  });
});

describe('engine construction and drafts', () => {
  it('refuses an invalid set with PolicySetError carrying the problems', () => {
    let error: unknown;
    try {
      new PolicyEngine({ CZ: { version: 1, text: CZ }, PL: { version: 2, text: 'permit (principal, action, resource' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicySetError);
    expect((error as PolicySetError).jurisdiction).toBe('PL');
    expect((error as PolicySetError).problems[0]).toMatchObject({ code: 'syntax', line: 1 });
    expect((error as Error).message).toMatch(/^Policy set PL is invalid: .* \(line 1, column \d+\)$/);
  });

  it('refuses a jurisdiction that is not a country code, and a bad version', () => {
    expect(() => new PolicyEngine({ cz: { version: 1, text: CZ } })).toThrow('"cz" is not a country code');
    expect(() => new PolicyEngine({ CZ: { version: -1, text: CZ } })).toThrow('version must be a non-negative integer');
  });

  it('simulate refuses an invalid draft and leaves the active engine as it was', () => {
    const engine = new PolicyEngine({ CZ: { version: 3, text: CZ } });
    const draft = { CZ: { version: 4, text: '@id("x") permit (principal, action, resource);' } };
    const request = {
      principal: { id: 'u', organisation: { id: 'o', kind: 'fire' as const, country: 'CZ', regime: 'gdpr' as const }, roles: ['operator'] },
      action: 'live.anonymized' as const,
      resource: { type: 'Policy' as const, jurisdiction: 'CZ' },
    };
    expect(() => engine.simulate(draft, { ...request, action: 'policy.edit' })).toThrow(PolicySetError);
    expect(engine.versions()).toEqual({ CZ: 3 });
  });
});
