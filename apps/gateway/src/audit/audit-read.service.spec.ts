import type { CameraEntity, OrganisationEntity } from '@borderlens/database';
import type { CameraInput, OrganisationInput, PrincipalInput, ResourceInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraRepository } from '../camera/camera.repository';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { AuthorizationService } from '../policy/authorization.service';
import { AuditReadService } from './audit-read.service';

describe(AuditReadService.name, () => {
  const org = (id: string, country: string) => ({ id, country, kind: 'municipality', legalRegime: 'gdpr' }) as OrganisationEntity;
  const orgs = [org('nysa', 'PL'), org('jesenik', 'CZ'), org('hzs-olk', 'CZ')];
  const cam = (id: string, organisationId: string) => ({ id, organisationId, jurisdiction: 'CZ', kind: 'fixed', latitude: 50, longitude: 17 }) as CameraEntity;
  const cams = [cam('c-nysa', 'nysa'), cam('c-jes-1', 'jesenik'), cam('c-jes-2', 'jesenik')];
  const reader = testPrincipal({ organisation: 'hzs-olk', roles: ['auditor'] });
  const principalInput = { id: reader.userId } as PrincipalInput;

  /** `permitted` names the organisations and cameras the rules let the reader see. */
  const setup = (permitted: string[]) => {
    const { sut, mocks } = newTestService(AuditReadService);
    const authz = mocks.of(AuthorizationService);
    mocks.of(OrganisationRepository).findAll.mockResolvedValue(orgs);
    mocks.of(CameraRepository).findAll.mockResolvedValue(cams);
    authz.principal.mockResolvedValue(principalInput);
    authz.camera.mockImplementation(async (c) => ({ type: 'Camera', id: c.id }) as CameraInput);
    authz.organisation.mockImplementation(async (id) => ({ id }) as OrganisationInput);
    authz.decide.mockImplementation((_p, _a, r: ResourceInput) => (permitted.includes((r as { id: string }).id) ? permit({}, [`rule-${(r as { id: string }).id}`]) : deny()));
    authz.recordDecision.mockResolvedValue(undefined as never);
    return { sut, authz };
  };

  it("sees a permitted organisation's entries and all its cameras, plus cameras permitted one by one", async () => {
    const { sut, authz } = setup(['jesenik', 'c-nysa']);
    await expect(sut.scope(reader, 'audit list')).resolves.toEqual({
      organisations: ['jesenik'],
      cameras: ['c-nysa', 'c-jes-1', 'c-jes-2'],
      countries: ['CZ'],
      policyIds: ['CZ@1:rule-c-nysa', 'CZ@1:rule-jesenik'],
    });
    // The cameras of a permitted organisation need no decision of their own.
    expect(authz.camera.mock.calls.map((c) => c[0].id)).toEqual(['c-nysa']);
    expect(authz.decide).toHaveBeenCalledWith(principalInput, 'audit.read', expect.objectContaining({ type: 'Organisation', id: 'nysa', country: 'PL', regime: 'gdpr' }));
  });

  it('refuses a reader permitted nothing (audit_read_forbidden, 403) and audits the denial', async () => {
    const { sut, authz } = setup([]);
    await expect(sut.scope(reader, 'audit export')).rejects.toMatchObject({ code: 'audit_read_forbidden', status: 403 });
    expect(authz.recordDecision).toHaveBeenCalledWith(reader, 'audit.read', expect.objectContaining({ decision: 'deny' }), {
      operation: 'consultation',
      object: 'audit',
      justification: 'audit export',
    });
  });

  it('still refuses, without an audit entry, a reader whose organisation is unknown', async () => {
    const { sut, authz } = setup([]);
    authz.organisation.mockResolvedValue(undefined);
    await expect(sut.scope(reader, 'audit list')).rejects.toMatchObject({ code: 'audit_read_forbidden' });
    expect(authz.recordDecision).not.toHaveBeenCalled();
  });
});
