import { loadPolicyDirectory, PolicyEngine, validatePolicyText } from '@borderlens/policy';
import { policyIds } from './authorization.service';
import { invalidPolicy } from './policy.service';

const CZ = loadPolicyDirectory().CZ.text;

describe('invalidPolicy', () => {
  it('names the first error with its line and column, and keeps every problem', () => {
    const text = CZ.replace('principal.roles.contains("operator") &&', 'principal.roles.contains("operator") &&&');
    const { problems } = validatePolicyText('CZ', text);
    const e = invalidPolicy(problems);
    expect(e.getStatus()).toBe(400);
    expect(e.code).toBe('policy_invalid');
    const line = text.slice(0, text.indexOf('&&&')).split('\n').length;
    expect(e.message).toMatch(new RegExp(`^the policy text is invalid: line ${line}, column \\d+: `));
    expect(e.details).toBe(problems);
  });

  it('answers 413 for a text over the size limit', () => {
    const e = invalidPolicy(validatePolicyText('CZ', CZ, { maxBytes: 1000 }).problems);
    expect(e.getStatus()).toBe(413);
    expect(e.code).toBe('policy_too_large');
  });

  it('has its own code for rules that would open policy.edit to another country', () => {
    const text = `${CZ}\n@id("all-officers")\npermit (principal, action == BorderLens::Action::"policy.edit", resource is BorderLens::Policy)\nwhen { principal.roles.contains("legal-officer") };\n`;
    const e = invalidPolicy(validatePolicyText('CZ', text).problems);
    expect(e.code).toBe('policy_foreign_edit');
    expect(e.message).toContain(`line ${CZ.split('\n').length + 1}`);
  });
});

describe('policyIds', () => {
  const engine = PolicyEngine.fromDirectory();
  const hzs = { id: 'hzs-olk', kind: 'fire' as const, country: 'CZ', regime: 'gdpr' as const };
  const nysa = { id: 'gmina-nysa', kind: 'municipality' as const, country: 'PL', regime: 'gdpr' as const };
  // Shared live by its owner (a municipal camera is shared on request by default).
  const camera = { type: 'Camera' as const, id: 'c1', owner: nysa, jurisdiction: 'PL', kind: 'fixed' as const, lat: 50.47, lon: 17.33, sharing: 'live-anonymized' as const };

  it('names each deciding rule with its jurisdiction and version, export first', () => {
    const d = engine.decide({ principal: { id: 'u', organisation: hzs, roles: ['operator'] }, action: 'live.anonymized', resource: camera, context: { purpose: 'river level' } });
    expect(policyIds(d)).toEqual(['PL@1:pl-live-anonymized-responders', 'CZ@1:cz-live-anonymized-responders']);
  });

  it('names the set consulted when no rule matched', () => {
    const d = engine.decide({ principal: { id: 'u', organisation: nysa, roles: ['admin'] }, action: 'live.anonymized', resource: camera });
    expect(d.decision).toBe('deny');
    expect(policyIds(d)).toEqual(['PL@1']);
  });
});
