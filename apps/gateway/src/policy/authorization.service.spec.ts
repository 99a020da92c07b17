import { AuditService } from '@borderlens/audit';
import type { CameraEntity, OrganisationEntity } from '@borderlens/database';
import { PolicyRequestError, type PolicyEngine, type ResourceInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService, policyIds } from './authorization.service';

const hzs = { id: 'hzs-olk', kind: 'fire', country: 'CZ', legalRegime: 'gdpr' } as OrganisationEntity;
const nysa = { id: 'nysa', kind: 'municipality', country: 'PL', legalRegime: 'gdpr' } as OrganisationEntity;
const camera = { id: 'c1', organisationId: 'nysa', jurisdiction: 'PL', kind: 'fixed', latitude: 50.47, longitude: 17.33, sharing: 'on-request' } as CameraEntity;
const resource = { type: 'Camera', id: 'c1' } as ResourceInput;

describe(AuthorizationService.name, () => {
  const setup = () => {
    const { sut, mocks } = newTestService(AuthorizationService);
    const orgs = mocks.of(OrganisationRepository);
    orgs.findAll.mockResolvedValue([hzs, nysa]);
    const engine = { decide: jest.fn() };
    mocks.of(ActivePolicyService).current.mockReturnValue(engine as unknown as PolicyEngine);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    return { sut, orgs, engine, audit };
  };

  it('names the rules behind a decision, or the set alone when no rule matched', () => {
    const d = permit();
    d.policies = [
      { jurisdiction: 'CZ', version: 3, role: 'export', decision: 'permit', ids: ['a', 'b'] },
      { jurisdiction: 'PL', version: 7, role: 'import', decision: 'deny', ids: [] },
    ];
    expect(policyIds(d)).toEqual(['CZ@3:a', 'CZ@3:b', 'PL@7']);
  });

  it('maps organisations and cameras onto the policy vocabulary, loading the organisations once', async () => {
    const { sut, orgs } = setup();
    await expect(sut.camera(camera)).resolves.toEqual({
      type: 'Camera',
      id: 'c1',
      owner: { id: 'nysa', kind: 'municipality', country: 'PL', regime: 'gdpr' },
      jurisdiction: 'PL',
      kind: 'fixed',
      lat: 50.47,
      lon: 17.33,
      sharing: 'on-request',
    });
    await expect(sut.organisation('hzs-olk')).resolves.toEqual({ id: 'hzs-olk', kind: 'fire', country: 'CZ', regime: 'gdpr' });
    expect(orgs.findAll).toHaveBeenCalledTimes(1);
  });

  it('reloads the organisations for an unknown id, and refuses a camera of an unknown owner', async () => {
    const { sut, orgs } = setup();
    await expect(sut.organisation('atlantis')).resolves.toBeUndefined();
    await expect(sut.camera({ ...camera, organisationId: 'atlantis' })).rejects.toThrow('camera c1 belongs to unknown organisation atlantis');
    expect(orgs.findAll).toHaveBeenCalledTimes(2);
  });

  it("takes the principal's country from the token, else from the organisation", async () => {
    const { sut } = setup();
    await expect(sut.principal(testPrincipal({ country: 'PL' }))).resolves.toMatchObject({ id: 'u-operator', country: 'PL', organisation: { id: 'hzs-olk' }, roles: ['operator'] });
    await expect(sut.principal(testPrincipal({ country: '' }))).resolves.toMatchObject({ country: 'CZ' });
  });

  it("passes the caller's language on (the reasons come in it)", async () => {
    const { sut } = setup();
    await expect(sut.principal(testPrincipal({ language: 'cs' }))).resolves.toMatchObject({ language: 'cs' });
  });

  it('refuses a user of an unregistered organisation (organisation_unknown, 403)', async () => {
    const { sut } = setup();
    await expect(sut.principal(testPrincipal({ organisation: 'atlantis' }))).rejects.toMatchObject({ code: 'organisation_unknown', status: 403 });
  });

  it("answers a malformed request to the engine as the caller's 400, and passes other errors on", () => {
    const { sut, engine } = setup();
    engine.decide.mockImplementationOnce(() => {
      throw new PolicyRequestError('unknown action');
    });
    expect(() => sut.decide({} as never, 'live.raw', resource)).toThrow(expect.objectContaining({ code: 'decision_request_invalid', status: 400 }));
    engine.decide.mockImplementationOnce(() => {
      throw new Error('wasm trap');
    });
    expect(() => sut.decide({} as never, 'live.raw', resource)).toThrow('wasm trap');
  });

  it('require: passes a permit through without auditing', async () => {
    const { sut, engine, audit } = setup();
    const d = permit({ watermark: true });
    engine.decide.mockReturnValue(d);
    await expect(sut.require(testPrincipal(), 'live.anonymized', resource, { code: 'live_forbidden', object: 'camera:c1', context: { purpose: 'x' } as never })).resolves.toBe(d);
    expect(engine.decide).toHaveBeenCalledWith(expect.objectContaining({ action: 'live.anonymized', resource, context: { purpose: 'x' } }));
    expect(audit.record).not.toHaveBeenCalled();
  });

  it("require: audits a deny as a consultation and throws 403 with the caller's code, the reasons and the rules", async () => {
    const { sut, engine, audit } = setup();
    engine.decide.mockReturnValue(deny('purpose needed', 'purpose-required'));
    const p = testPrincipal();
    await expect(sut.require(p, 'live.raw', resource, { code: 'live_forbidden', object: 'camera:c1', justification: 'flood' })).rejects.toMatchObject({
      code: 'live_forbidden',
      status: 403,
      message: 'purpose needed',
      details: { denial: 'purpose-required', reasons: ['purpose needed'], policies: ['CZ@1'] },
    });
    expect(audit.record).toHaveBeenCalledWith(
      {
        actor: { user: p.username, organisation: p.organisation, country: p.country },
        operation: 'consultation',
        object: 'camera:c1',
        justification: 'flood',
        recipient: undefined,
        decision: 'deny',
        policyIds: ['CZ@1'],
        details: { action: 'live.raw', reasons: ['purpose needed'], denial: 'purpose-required' },
      },
      undefined,
    );
  });
});
