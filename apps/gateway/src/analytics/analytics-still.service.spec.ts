import { AuditService } from '@borderlens/audit';
import { Patterns } from '@borderlens/contracts';
import type { CameraEntity } from '@borderlens/database';
import type { CameraInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { AuthorizationService } from '../policy/authorization.service';
import { RecordingService } from '../recording/recording.service';
import { AnalyticsStillService } from './analytics-still.service';

describe(AnalyticsStillService.name, () => {
  const CAM = '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
  const camera = { id: CAM, organisationId: 'mesto-jesenik', jurisdiction: 'CZ' } as CameraEntity;
  const admin = testPrincipal({ username: 'jesenik.admin', organisation: 'mesto-jesenik', roles: ['admin'] });
  const ago = (ms: number) => new Date(Date.now() - ms);

  const setup = () => {
    const { sut, mocks } = newTestService(AnalyticsStillService);
    mocks.of(CameraVisibilityService).findOne.mockResolvedValue(camera);
    const authz = mocks.of(AuthorizationService);
    authz.camera.mockResolvedValue({ type: 'Camera', id: CAM } as CameraInput);
    authz.require.mockResolvedValue(permit({}, ['cz-manage']));
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue({} as never);
    return { sut, authz, audit, recordings: mocks.of(RecordingService), media: mocks.media };
  };

  it('cuts a still a second before the end of the latest recording, audited as a consultation', async () => {
    const { sut, authz, audit, recordings, media } = setup();
    const end = ago(60_000);
    recordings.ranges.mockResolvedValue({
      ranges: [
        { from: ago(1800_000), to: ago(1200_000) },
        { from: ago(600_000), to: end },
      ],
      gaps: [],
    });
    media.send.mockResolvedValue({ cameraId: CAM, at: 'x', jpeg: 'AAAA', masked: true } as never);
    await expect(sut.still(admin, CAM, 640)).resolves.toEqual({ cameraId: CAM, at: 'x', jpeg: 'AAAA', masked: true });
    expect(authz.require).toHaveBeenCalledWith(admin, 'camera.manage', { type: 'Camera', id: CAM }, { code: 'analytics_manage_forbidden', object: `camera:${CAM}` });
    const [, from, to] = recordings.ranges.mock.calls[0];
    expect(to.getTime() - from.getTime()).toBe(3600_000);
    const at = new Date(end.getTime() - 1000).toISOString();
    expect(media.send).toHaveBeenCalledWith(Patterns.media.recordingStill, { cameraId: CAM, at, width: 640 }, 20_000);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        operation: 'consultation',
        object: `camera:${CAM}`,
        decision: 'permit',
        policyIds: ['CZ@1:cz-manage'],
        details: { action: 'analytics.still', form: 'anonymized', at, masked: true },
      }),
    );
  });

  it.each([
    ['nothing was recorded in the last hour', []],
    ['the latest recording is shorter than a second', [{ from: ago(10_500), to: ago(10_000) }]],
  ])('answers no still when %s', async (_what, ranges) => {
    const { sut, audit, recordings, media } = setup();
    recordings.ranges.mockResolvedValue({ ranges, gaps: [] });
    await expect(sut.still(admin, CAM, 640)).resolves.toBeNull();
    expect(media.send).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('refuses those who may not manage the camera before looking for recordings', async () => {
    const { sut, authz, recordings } = setup();
    authz.require.mockRejectedValue(AppError.forbidden(deny().reasons[0], 'analytics_manage_forbidden'));
    await expect(sut.still(testPrincipal(), CAM, 640)).rejects.toMatchObject({ code: 'analytics_manage_forbidden' });
    expect(recordings.ranges).not.toHaveBeenCalled();
  });

  it('answers 503 media_unavailable, unaudited, when no media node cuts the still', async () => {
    const { sut, audit, recordings, media } = setup();
    recordings.ranges.mockResolvedValue({ ranges: [{ from: ago(600_000), to: ago(60_000) }], gaps: [] });
    media.send.mockRejectedValue(new Error('timeout'));
    await expect(sut.still(admin, CAM, 640)).rejects.toMatchObject({ code: 'media_unavailable' });
    expect(audit.record).not.toHaveBeenCalled();
  });
});
