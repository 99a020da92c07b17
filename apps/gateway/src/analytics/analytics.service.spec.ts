import { firstValueFrom, take, toArray } from 'rxjs';
import { AuditService } from '@borderlens/audit';
import type { AnalyticsAlertRule, AnalyticsLive } from '@borderlens/contracts';
import type { AnalyticsAlertEntity, AnalyticsConfigEntity, CameraEntity } from '@borderlens/database';
import type { CameraInput, PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import type { AnalyticsConfigDto } from './analytics.dto';
import { AnalyticsRepository, type BucketRow } from './analytics.repository';
import { AnalyticsService } from './analytics.service';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const ALERT = '8b1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const camera = { id: CAM, organisationId: 'nysa', jurisdiction: 'PL', latitude: 50.47, longitude: 17.33 } as CameraEntity;
const zone = {
  id: 'z1',
  name: 'Bridge, "east"',
  polygon: [
    [0.1, 0.1],
    [0.9, 0.1],
    [0.9, 0.9],
  ],
};
const line = { id: 'l1', name: 'Border', a: [0.1, 0.5], b: [0.9, 0.5] };
const rule: AnalyticsAlertRule = { id: 'r1', name: 'Crowd', kind: 'occupancy', targetId: 'z1', classes: ['person'], threshold: 10, durationSec: 0 };
const config = { cameraId: CAM, enabled: true, zones: [zone], lines: [line], alerts: [rule], revision: 3 } as unknown as AnalyticsConfigEntity;
const nysaUser = testPrincipal({ username: 'nysa.municipal', organisation: 'nysa', country: 'PL', roles: ['municipal'] });
const czUser = testPrincipal({ username: 'hzs.operator', organisation: 'hzs-olk', country: 'CZ' });

describe(AnalyticsService.name, () => {
  const setup = () => {
    const { sut, mocks } = newTestService(AnalyticsService, { config: { analytics: { minCount: 3 } } });
    const repo = mocks.of(AnalyticsRepository);
    const cameras = mocks.of(CameraVisibilityService);
    cameras.findOneVisible.mockResolvedValue(camera);
    cameras.findOne.mockResolvedValue(camera);
    const authz = mocks.of(AuthorizationService);
    authz.principal.mockResolvedValue({ id: 'u' } as PrincipalInput);
    authz.camera.mockResolvedValue({ type: 'Camera', id: CAM } as CameraInput);
    authz.require.mockResolvedValue(permit({}, ['view']));
    authz.recordDecision.mockResolvedValue(undefined as never);
    const incidents = mocks.of(IncidentService);
    incidents.activeNow.mockResolvedValue([]);
    incidents.covering.mockReturnValue([]);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    repo.findEnabled.mockResolvedValue([config]);
    repo.upsertMinutes.mockResolvedValue(undefined);
    return { sut, mocks, repo, authz, audit };
  };

  describe('configuration', () => {
    it('shows the configuration to whoever may view or manage analytics, and refuses others (analytics_forbidden)', async () => {
      const { sut, repo, authz } = setup();
      repo.findConfig.mockResolvedValue(null);
      authz.decide.mockImplementation((_p, a) => (a === 'camera.manage' ? permit() : deny('no analytics')));
      await expect(sut.getConfig(nysaUser, CAM)).resolves.toEqual({ cameraId: CAM, enabled: false, zones: [], lines: [], alerts: [], revision: 0 });
      authz.decide.mockReturnValue(deny('no analytics'));
      await expect(sut.getConfig(nysaUser, CAM)).rejects.toMatchObject({ code: 'analytics_forbidden', status: 403 });
    });

    const dto = (over: Partial<AnalyticsConfigDto> = {}) => ({ enabled: true, zones: [zone], lines: [line], alerts: [rule], ...over }) as unknown as AnalyticsConfigDto;

    it('saves the next revision under a row lock and records the manage decision', async () => {
      const { sut, mocks, repo, authz } = setup();
      const findOne = jest.fn().mockResolvedValue({ ...config });
      mocks.manager.getRepository.mockReturnValue({ findOne } as never);
      repo.saveConfig.mockImplementation(async (c) => ({ ...c, updatedAt: new Date('2026-12-02T10:00:00Z') }) as AnalyticsConfigEntity);
      const v = await sut.putConfig(nysaUser, CAM, dto({ enabled: false }));
      expect(v).toMatchObject({ cameraId: CAM, enabled: false, revision: 4, updatedAt: '2026-12-02T10:00:00.000Z' });
      expect(findOne).toHaveBeenCalledWith({ where: { cameraId: CAM }, lock: { mode: 'pessimistic_write' } });
      expect(repo.saveConfig.mock.calls[0][0]).toMatchObject({ updatedBy: 'nysa.municipal', revision: 4 });
      expect(authz.recordDecision).toHaveBeenCalledWith(
        nysaUser,
        'camera.manage',
        expect.anything(),
        expect.objectContaining({ operation: 'alteration', details: expect.objectContaining({ revision: 4, zones: 1 }) }),
        mocks.manager,
      );
    });

    it('refuses bad geometry and alert rules on targets that are not configured, before writing', async () => {
      const { sut, mocks } = setup();
      await expect(
        sut.putConfig(
          nysaUser,
          CAM,
          dto({
            zones: [
              {
                ...zone,
                polygon: [
                  [0.1, 0.1],
                  [0.2, 0.2],
                ],
              },
            ] as never,
          }),
        ),
      ).rejects.toMatchObject({ code: 'geometry_too_few_points', status: 400 });
      await expect(sut.putConfig(nysaUser, CAM, dto({ alerts: [{ ...rule, targetId: 'nowhere' }] }))).rejects.toMatchObject({ code: 'alert_target_unknown', status: 400 });
      await expect(sut.putConfig(nysaUser, CAM, dto({ alerts: [{ ...rule, kind: 'crossing-rate', targetId: 'z1' }] }))).rejects.toMatchObject({ code: 'alert_target_unknown' });
      expect(mocks.dataSource.transaction).not.toHaveBeenCalled();
    });

    it('requires camera.manage to change the configuration', async () => {
      const { sut, authz } = setup();
      authz.require.mockRejectedValue(AppError.forbidden('no', 'analytics_manage_forbidden'));
      await expect(sut.putConfig(czUser, CAM, dto())).rejects.toMatchObject({ code: 'analytics_manage_forbidden' });
      expect(authz.require).toHaveBeenCalledWith(czUser, 'camera.manage', expect.anything(), { code: 'analytics_manage_forbidden', object: `camera:${CAM}` });
    });
  });

  describe('media nodes', () => {
    it('lists the cameras with analytics on to sample, leaving out those disabled by their administrators', async () => {
      const { sut, repo } = setup();
      const OTHER = '7a1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
      repo.findEnabled.mockResolvedValue([
        { ...config, camera: { ...camera, disabledAt: null } },
        { ...config, cameraId: OTHER, camera: { ...camera, id: OTHER, disabledAt: new Date('2026-12-02T09:00:00Z') } },
      ] as unknown as AnalyticsConfigEntity[]);
      await expect(sut.analyticsCameras()).resolves.toEqual([{ cameraId: CAM, revision: 3, zones: [zone], lines: [line] }]);
    });
  });

  describe('reports from the anonymizers', () => {
    const live = (at: string, count: number): AnalyticsLive => ({ cameraId: CAM, at, zones: [{ targetId: 'z1', cls: 'person', count }], crossings: [] });

    it('stores minutes of cameras with analytics on only', async () => {
      const { sut, repo } = setup();
      const minute = { minute: '2026-12-02T10:00:00.000Z', kind: 'line', targetId: 'l1', cls: 'person', direction: 'in', crossings: 2, samples: 60 } as const;
      await expect(
        sut.ingest({
          minutes: [
            { ...minute, cameraId: CAM },
            { ...minute, cameraId: 'switched-off' },
          ],
        } as never),
      ).resolves.toEqual({ stored: 1 });
      expect(repo.upsertMinutes).toHaveBeenCalledWith([{ ...minute, cameraId: CAM }]);
    });

    it('streams the latest live counts with small counts floored, ignores older reports, and raises alerts (audited)', async () => {
      const { sut, repo, audit } = setup();
      repo.saveAlert.mockImplementation(async (a) => ({ ...a, id: ALERT }) as AnalyticsAlertEntity);
      await sut.ingest({ live: [live('2026-12-02T10:00:02Z', 2)] } as never);
      const stream = await sut.liveStream(nysaUser, CAM);
      const events = firstValueFrom(stream.pipe(take(3), toArray()));
      await sut.ingest({ live: [live('2026-12-02T10:00:01Z', 7)] } as never);
      await sut.ingest({ live: [live('2026-12-02T10:00:03Z', 12)] } as never);
      const [first, second, alert] = await events;
      expect(first).toEqual({
        type: 'counts',
        data: { cameraId: CAM, at: '2026-12-02T10:00:02Z', minCount: 3, zones: [{ targetId: 'z1', cls: 'person', count: '<3' }], crossings: [] },
      });
      expect(second).toMatchObject({ type: 'counts', data: { at: '2026-12-02T10:00:03Z', zones: [{ count: 12 }] } });
      expect(alert).toMatchObject({ type: 'alert', data: { id: ALERT, ruleId: 'r1', value: 12, message: "Crowd: 12 in zone 'z1' (threshold 10, for 0 s)" } });
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ operation: 'collection', object: `analytics-alert:${ALERT}`, decision: 'raise' }), expect.anything());
    });

    it('keeps the small-count floor in an alert: a lone person at a crossing reads "<3" in its text and value', async () => {
      const { sut, repo } = setup();
      const lone = { ...rule, name: 'Anyone', threshold: 0 };
      repo.findEnabled.mockResolvedValue([{ ...config, alerts: [lone] } as unknown as AnalyticsConfigEntity]);
      repo.saveAlert.mockImplementation(async (a) => ({ ...a, id: ALERT }) as AnalyticsAlertEntity);
      const stream = await sut.liveStream(nysaUser, CAM);
      const events = firstValueFrom(stream.pipe(take(2), toArray()));
      await sut.ingest({ live: [live('2026-12-02T10:00:04Z', 1)] } as never);
      const [, alert] = await events;
      expect(alert).toMatchObject({ type: 'alert', data: { value: '<3', message: "Anyone: <3 in zone 'z1' (threshold 0, for 0 s)" } });
      expect(JSON.stringify(alert)).not.toMatch(/\b1 in zone/);
    });
  });

  describe('queries', () => {
    const rows: BucketRow[] = [
      { cameraId: CAM, bucket: new Date('2026-12-02T10:05:00Z'), kind: 'zone', targetId: 'z1', cls: 'person', direction: '', crossings: 0, occupancyMax: 2 },
      { cameraId: CAM, bucket: new Date('2026-12-02T10:00:00Z'), kind: 'zone', targetId: 'z1', cls: 'person', direction: '', crossings: 0, occupancyMax: 5 },
      { cameraId: CAM, bucket: new Date('2026-12-02T10:00:00Z'), kind: 'line', targetId: 'l1', cls: 'car', direction: 'in', crossings: 0, occupancyMax: 0 },
    ];
    const q = { from: '2026-12-02T10:02:00Z', to: '2026-12-02T11:00:00Z', bucket: '5m' } as const;

    it('answers series by target with names, buckets aligned and small counts floored; a cross-border query is a disclosure', async () => {
      const { sut, repo, authz } = setup();
      repo.findConfig.mockResolvedValue(config);
      repo.buckets.mockResolvedValue(rows);
      const s = await sut.series(czUser, CAM, q as never);
      expect(repo.buckets).toHaveBeenCalledWith([CAM], new Date('2026-12-02T10:00:00Z'), new Date('2026-12-02T11:00:00Z'), 300);
      expect(s.series).toEqual([
        {
          kind: 'zone',
          targetId: 'z1',
          name: 'Bridge, "east"',
          cls: 'person',
          measure: 'occupancy',
          points: [
            { t: '2026-12-02T10:00:00.000Z', value: 5 },
            { t: '2026-12-02T10:05:00.000Z', value: '<3' },
          ],
        },
        { kind: 'line', targetId: 'l1', name: 'Border', cls: 'car', direction: 'in', measure: 'crossings', points: [{ t: '2026-12-02T10:00:00.000Z', value: 0 }] },
      ]);
      expect(authz.recordDecision).toHaveBeenCalledWith(
        czUser,
        'analytics.view',
        expect.anything(),
        expect.objectContaining({ operation: 'disclosure', recipient: 'hzs-olk (CZ)', details: expect.objectContaining({ query: 'series' }) }),
      );
    });

    it('writes CSV with quoted names', async () => {
      const { sut, repo } = setup();
      repo.findConfig.mockResolvedValue(config);
      repo.buckets.mockResolvedValue(rows.slice(1, 2));
      await expect(sut.csv(nysaUser, CAM, q as never)).resolves.toBe(
        'time,kind,target,name,class,direction,measure,value\n2026-12-02T10:00:00.000Z,zone,z1,"Bridge, ""east""",person,,occupancy,5\n',
      );
    });

    it.each([
      [{ from: '2026-12-02T11:00:00Z', to: '2026-12-02T10:00:00Z' }, 'analytics_range_invalid'],
      [{ from: '2026-01-01T00:00:00Z', to: '2026-12-02T10:00:00Z', bucket: '1m' }, 'analytics_range_too_long'],
    ])('refuses the range %j (%s, 400) before any lookup', async (range, code) => {
      const { sut, mocks } = setup();
      await expect(sut.series(nysaUser, CAM, range as never)).rejects.toMatchObject({ code, status: 400 });
      expect(mocks.of(CameraVisibilityService).findOneVisible).not.toHaveBeenCalled();
    });

    it('names the limit of a range too long (analytics_range_too_long details)', async () => {
      await expect(setup().sut.series(nysaUser, CAM, { from: '2026-01-01T00:00:00Z', to: '2026-12-02T10:00:00Z', bucket: '1m' } as never)).rejects.toMatchObject({
        details: { maxBuckets: expect.any(Number), bucket: '1m' },
      });
    });

    it('lists the alerts of the cameras whose analytics the user may view', async () => {
      const { sut, mocks, repo, authz } = setup();
      mocks.of(CameraVisibilityService).findAll.mockResolvedValue([camera, { ...camera, id: 'other' } as CameraEntity]);
      authz.camera.mockImplementation(async (c) => ({ type: 'Camera', id: c.id }) as CameraInput);
      authz.decide.mockImplementation((_p, _a, r) => ((r as CameraInput).id === CAM ? permit() : deny()));
      repo.findAlerts.mockResolvedValue([]);
      await sut.listAlerts(nysaUser, 'all');
      expect(repo.findAlerts).toHaveBeenCalledWith([CAM], false);
    });
  });

  describe('acknowledge', () => {
    const alert = {
      id: ALERT,
      cameraId: CAM,
      ruleId: 'r1',
      message: 'm',
      value: 12,
      raisedAt: new Date('2026-12-02T10:00:00Z'),
      acknowledgedAt: null,
      acknowledgedBy: null,
    } as AnalyticsAlertEntity;

    it('acknowledges once, audited; a second time is alert_already_acknowledged (409)', async () => {
      const { sut, mocks, repo, authz } = setup();
      authz.decide.mockReturnValue(permit());
      repo.findAlert.mockResolvedValueOnce(alert).mockResolvedValueOnce({ ...alert, acknowledgedAt: new Date('2026-12-02T10:01:00Z'), acknowledgedBy: 'nysa.municipal' });
      repo.acknowledge.mockResolvedValueOnce(true);
      await expect(sut.acknowledge(nysaUser, ALERT)).resolves.toMatchObject({ id: ALERT, acknowledgedBy: 'nysa.municipal', acknowledgedAt: '2026-12-02T10:01:00.000Z' });
      expect(repo.acknowledge).toHaveBeenCalledWith(ALERT, 'nysa.municipal', mocks.manager);
      expect(authz.recordDecision).toHaveBeenCalledWith(
        nysaUser,
        'analytics.view',
        expect.anything(),
        expect.objectContaining({ object: `analytics-alert:${ALERT}` }),
        mocks.manager,
      );
      repo.findAlert.mockResolvedValueOnce(alert);
      repo.acknowledge.mockResolvedValueOnce(false);
      await expect(sut.acknowledge(nysaUser, ALERT)).rejects.toMatchObject({ code: 'alert_already_acknowledged', status: 409 });
    });

    it('keeps alerts of cameras the user may not view unknown (alert_not_found), like ids that are not UUIDs', async () => {
      const { sut, repo, authz } = setup();
      repo.findAlert.mockResolvedValue(alert);
      authz.decide.mockReturnValue(deny());
      await expect(sut.acknowledge(czUser, ALERT)).rejects.toMatchObject({ code: 'alert_not_found', status: 404 });
      repo.findAlert.mockClear();
      await expect(sut.acknowledge(czUser, 'x')).rejects.toMatchObject({ code: 'alert_not_found' });
      expect(repo.findAlert).not.toHaveBeenCalled();
    });
  });
});
