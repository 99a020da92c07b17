import type { CameraEntity, IncidentEntity } from '@borderlens/database';
import type { CameraInput, DecisionRequest, OrganisationInput, PolicyEngine } from '@borderlens/policy';
import { newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { IncidentService } from '../incident/incident.service';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { PolicySimulatorService } from './policy-simulator.service';
import type { SimulateDto } from './policy-simulator.dto';
import { PolicyService } from './policy.service';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const camera = { id: CAM, organisationId: 'jesenik', jurisdiction: 'CZ', latitude: 50.23, longitude: 17.2 } as CameraEntity;
const cameraInput = { type: 'Camera', id: CAM, jurisdiction: 'CZ', sharing: 'on-request' } as CameraInput;
const orgs: Record<string, OrganisationInput> = {
  nysa: { id: 'nysa', kind: 'municipality', country: 'PL', regime: 'gdpr' },
  'policie-olk': { id: 'policie-olk', kind: 'police', country: 'CZ', regime: 'led' },
};
const legal = testPrincipal({ username: 'hzs.legal', roles: ['legal-officer'] });

function fakeEngine(versions: Record<string, number>) {
  return { decide: jest.fn((_r: DecisionRequest) => permit({ watermark: true })), versions: jest.fn(() => versions), matrix: jest.fn(() => ({ rows: [] })) };
}

describe(PolicySimulatorService.name, () => {
  const setup = () => {
    const { sut, mocks } = newTestService(PolicySimulatorService);
    const policies = mocks.of(PolicyService);
    const engine = fakeEngine({ CZ: 4 });
    policies.requireEdit.mockResolvedValue(permit());
    policies.engineWith.mockResolvedValue(engine as unknown as PolicyEngine);
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue(camera);
    const authz = mocks.of(AuthorizationService);
    authz.camera.mockResolvedValue(cameraInput);
    authz.organisation.mockImplementation(async (id) => orgs[id]);
    const incidents = mocks.of(IncidentService);
    return { sut, mocks, policies, engine, incidents };
  };
  const dto = (over: Partial<SimulateDto> = {}) => ({ cameraId: CAM, user: { organisationId: 'nysa', roles: ['operator'] }, actions: ['live.raw'], ...over }) as SimulateDto;

  it('decides for a simulated user of the chosen organisation, in the incidents now covering the camera, writing nothing', async () => {
    const { sut, engine, incidents, policies } = setup();
    incidents.activeNow.mockResolvedValue([]);
    incidents.covering.mockReturnValue([]);
    const r = await sut.simulate({ ...legal, language: 'pl' }, 'CZ', dto({ context: { purpose: 'flood', sharing: 'private' } as SimulateDto['context'] }));
    expect(policies.requireEdit).toHaveBeenCalledWith({ ...legal, language: 'pl' }, 'CZ');
    const req = engine.decide.mock.calls[0][0];
    expect(req).toMatchObject({
      // The reasons come in the caller's language.
      principal: { id: 'simulated-user', organisation: orgs.nysa, country: 'PL', roles: ['operator'], language: 'pl' },
      action: 'live.raw',
      resource: { ...cameraInput, sharing: 'private' },
      context: { incidents: [], purpose: 'flood' },
    });
    expect(r).toMatchObject({ versions: { CZ: 4 }, incidents: [], results: [{ action: 'live.raw', decision: 'permit', obligations: { watermark: true } }] });
  });

  it('stops at requireEdit for someone who may not edit the jurisdiction', async () => {
    const { sut, policies, engine } = setup();
    policies.requireEdit.mockRejectedValue(AppError.forbidden('no', 'policy_edit_forbidden'));
    await expect(sut.simulate(legal, 'CZ', dto())).rejects.toMatchObject({ code: 'policy_edit_forbidden' });
    expect(engine.decide).not.toHaveBeenCalled();
  });

  it('answers organisation_not_found for an unknown user or requester organisation', async () => {
    const { sut } = setup();
    await expect(sut.simulate(legal, 'CZ', dto({ user: { organisationId: 'atlantis', roles: ['operator'] } as SimulateDto['user'] }))).rejects.toMatchObject({
      code: 'organisation_not_found',
      status: 404,
    });
    await expect(sut.simulate(legal, 'CZ', dto({ context: { incident: false, requesterOrganisationId: 'atlantis' } as SimulateDto['context'] }))).rejects.toMatchObject({
      code: 'organisation_not_found',
    });
  });

  it("simulates a foreign incident not accepted in the camera's country", async () => {
    const { sut, engine } = setup();
    const r = await sut.simulate(
      legal,
      'CZ',
      dto({ context: { incident: true, incidentJurisdiction: 'PL', incidentAccepted: false, incidentDeclaredBy: 'nysa' } as SimulateDto['context'] }),
    );
    expect(r.incidents).toEqual([
      { id: 'simulated-incident', type: 'simulation', severity: 3, country: 'PL', declaringCountry: 'PL', organisation: 'nysa', countries: ['PL', 'CZ'], acceptedIn: ['PL'] },
    ]);
    expect(engine.decide.mock.calls[0][0].context!.incidents).toBe(r.incidents);
  });

  it('uses the named incidents as they are', async () => {
    const { sut, incidents } = setup();
    const i = {
      id: 'i1',
      type: 'flood',
      severity: 4,
      country: 'CZ',
      organisationId: 'hzs-olk',
      declaringCountry: 'CZ',
      countries: ['CZ'],
      acceptances: { CZ: { state: 'accepted' } },
    } as unknown as IncidentEntity;
    incidents.findMany.mockResolvedValue([i]);
    const r = await sut.simulate(legal, 'CZ', dto({ context: { incidentIds: ['i1'] } as SimulateDto['context'] }));
    expect(incidents.findMany).toHaveBeenCalledWith(['i1']);
    expect(r.incidents).toEqual([expect.objectContaining({ id: 'i1', type: 'flood', organisation: 'hzs-olk', acceptedIn: ['CZ'] })]);
  });

  it('tries each action on what it applies to: the camera, a clip of it, an incident, the policy', async () => {
    const { sut, engine } = setup();
    await sut.simulate(
      legal,
      'CZ',
      dto({
        actions: ['live.anonymized', 'clip.approve', 'incident.declare', 'policy.edit'],
        context: { incident: false, requesterOrganisationId: 'policie-olk' } as SimulateDto['context'],
      }),
    );
    expect(engine.decide.mock.calls.map((c) => c[0].resource)).toEqual([
      cameraInput,
      { type: 'Clip', id: 'simulated-clip', camera: cameraInput, requester: orgs['policie-olk'] },
      {
        type: 'Incident',
        id: 'simulated-incident',
        jurisdiction: 'CZ',
        incidentType: 'simulation',
        severity: 3,
        countries: ['CZ'],
        declaringCountry: 'CZ',
        declaringOrganisation: '',
      },
      { type: 'Policy', jurisdiction: 'CZ' },
    ]);
  });

  it('diff: needs a draft, then compares the active and draft matrices on the camera', async () => {
    const { sut, mocks, engine } = setup();
    await expect(sut.diff(legal, 'CZ', { cameraId: CAM })).rejects.toMatchObject({ code: 'draft_required', status: 400 });
    const active = fakeEngine({ CZ: 3 });
    mocks.of(ActivePolicyService).current.mockReturnValue(active as unknown as PolicyEngine);
    await expect(sut.diff(legal, 'CZ', { cameraId: CAM, draftVersion: 4 })).resolves.toEqual({ camera: CAM, activeVersions: { CZ: 3 }, draftVersions: { CZ: 4 }, changes: [] });
    expect(active.matrix).toHaveBeenCalledWith(cameraInput);
    expect(engine.matrix).toHaveBeenCalledWith(cameraInput);
  });

  it("matrix: the draft's matrix on the camera", async () => {
    const { sut, engine, policies } = setup();
    await expect(sut.matrix(legal, 'CZ', { cameraId: CAM, text: 'permit(...)' })).resolves.toEqual({ rows: [] });
    expect(policies.engineWith).toHaveBeenCalledWith(legal, 'CZ', { cameraId: CAM, text: 'permit(...)' });
    expect(engine.matrix).toHaveBeenCalledWith(cameraInput);
  });
});
