import type { CameraEntity, LiveSessionEntity } from '@borderlens/database';
import type { CameraInput, Decision, IncidentInContext, PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import { LiveSessionRepository } from './live-session.repository';
import { LiveAccessService } from './live-access.service';

describe(LiveAccessService.name, () => {
  const camera = { id: 'cam-1', jurisdiction: 'CZ', latitude: 50.23, longitude: 17.2 } as CameraEntity;
  const flood: IncidentInContext = {
    id: 'i-flood',
    type: 'flood',
    severity: 4,
    country: 'CZ',
    declaringCountry: 'CZ',
    organisation: 'hzs-olk',
    countries: ['CZ'],
    acceptedIn: ['CZ'],
  };
  const purposeRequired = deny('a purpose is required', 'purpose-required');

  /** `decide(action, purpose, incidents)`: the engine's answer for one question of the service. */
  const setup = (decide: (action: string, purpose: string, incidents: string[]) => Decision, covering: IncidentInContext[] = []) => {
    const { sut, mocks } = newTestService(LiveAccessService);
    mocks.of(CameraVisibilityService).findVisible.mockResolvedValue([camera]);
    const incidents = mocks.of(IncidentService);
    incidents.activeNow.mockResolvedValue([]);
    incidents.covering.mockReturnValue(covering);
    const authz = mocks.of(AuthorizationService);
    authz.principal.mockResolvedValue({ id: 'u', country: 'CZ' } as PrincipalInput);
    authz.camera.mockResolvedValue({ type: 'Camera', id: 'cam-1' } as CameraInput);
    authz.decide.mockImplementation((_p, action, _c, ctx) =>
      decide(
        action,
        ctx?.purpose ?? '',
        (ctx?.incidents ?? []).map((i) => i.id),
      ),
    );
    return { sut, authz, grants: mocks.of(LiveSessionRepository) };
  };

  it('shows raw when raw is permitted now without anonymization, with the covering incidents', async () => {
    const { sut } = setup((action) => (action === 'live.raw' ? permit({ watermark: true }, ['cz-live-raw-incident']) : permit()), [flood]);
    await expect(sut.cameraAccess(testPrincipal())).resolves.toEqual([
      { cameraId: 'cam-1', access: 'raw', purposeRequired: false, rawDuringIncident: true, incidentIds: ['i-flood'], reasons: [] },
    ]);
  });

  it('shows anonymized when a raw permit still demands anonymization, and raw during an incident when one would open it', async () => {
    const { sut } = setup((action, purpose, incidents) => {
      if (action === 'live.raw' && incidents.includes('map-check')) return permit();
      if (action === 'live.raw') return permit({ anonymize: true });
      return permit({ anonymize: true });
    });
    await expect(sut.cameraAccess(testPrincipal())).resolves.toMatchObject([{ access: 'anonymized', rawDuringIncident: true, incidentIds: [] }]);
  });

  it('counts a decision that only lacks a purpose as allowed, and says a purpose is required', async () => {
    const { sut } = setup((action) => (action === 'live.anonymized' ? purposeRequired : deny('only during a declared incident', 'forbidden')));
    await expect(sut.cameraAccess(testPrincipal())).resolves.toMatchObject([
      { access: 'anonymized', purposeRequired: true, rawDuringIncident: false, reasons: ['a purpose is required'] },
    ]);
  });

  it('falls back to clip requests, then to none, with the live refusal’s reasons', async () => {
    const clipOnly = setup((action) => (action === 'clip.request' ? permit() : deny('not shared live', 'not-shared')));
    await expect(clipOnly.sut.cameraAccess(testPrincipal())).resolves.toMatchObject([{ access: 'clip', reasons: ['not shared live'] }]);
    const nothing = setup(() => deny('no rule permits this'));
    await expect(nothing.sut.cameraAccess(testPrincipal())).resolves.toMatchObject([{ access: 'none', purposeRequired: false, rawDuringIncident: false }]);
  });

  it('asks about live video with no purpose, and about clips and the hypothetical incident with the map’s purpose', async () => {
    const { sut, authz } = setup(() => deny(), [flood]);
    await sut.cameraAccess(testPrincipal());
    expect(authz.decide.mock.calls.map(([, action, , ctx]) => [action, ctx?.purpose, (ctx?.incidents ?? []).map((i) => i.id)])).toEqual([
      ['live.raw', '', ['i-flood']],
      ['live.anonymized', '', ['i-flood']],
      ['live.raw', 'map', ['map-check']],
      ['clip.request', 'map', ['i-flood']],
    ]);
    expect(authz.decide.mock.calls[2][3]?.incidents).toEqual([{ id: 'map-check', type: 'any', severity: 5, country: 'CZ' }]);
  });

  it('lists the user’s sessions active or changed since a time', async () => {
    const { sut, grants } = setup(() => deny());
    const since = new Date('2026-12-03T09:00:00Z');
    grants.findForUser.mockResolvedValue([
      {
        id: 's1',
        cameraId: 'cam-1',
        form: 'anonymized',
        state: 'ended',
        endReason: 'lapsed: not renewed',
        expiresAt: new Date('2026-12-03T09:01:00Z'),
        incidentIds: null,
      } as unknown as LiveSessionEntity,
    ]);
    await expect(sut.sessions(testPrincipal({ userId: 'u-7' }), since)).resolves.toEqual([
      { sessionId: 's1', cameraId: 'cam-1', form: 'anonymized', state: 'ended', endReason: 'lapsed: not renewed', expiresAt: '2026-12-03T09:01:00.000Z', incidentIds: [] },
    ]);
    expect(grants.findForUser).toHaveBeenCalledWith('u-7', since);
  });
});
