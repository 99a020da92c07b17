import { AuditService } from '@borderlens/audit';
import { Patterns, ServiceCallError } from '@borderlens/contracts';
import type { CameraEntity } from '@borderlens/database';
import { retainedFrom, type Action, type CameraInput, type PrincipalInput } from '@borderlens/policy';
import { deny, newTestService, permit, testPrincipal } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import { RecordingAccessService } from './recording-access.service';
import { RecordingService } from './recording.service';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const camera = { id: CAM, organisationId: 'nysa', jurisdiction: 'PL', retentionDays: 200, latitude: 50.47, longitude: 17.33 } as CameraEntity;
const DAY = 86_400_000;

describe(RecordingAccessService.name, () => {
  /** `permitted`: the browse actions the rules permit; `country`: the viewer's. */
  const setup = (permitted: Action[], country = 'PL') => {
    const { sut, mocks } = newTestService(RecordingAccessService);
    const authz = mocks.of(AuthorizationService);
    mocks.of(CameraVisibilityService).findOneVisible.mockResolvedValue(camera);
    mocks.of(IncidentService).activeNow.mockResolvedValue([]);
    mocks.of(IncidentService).covering.mockReturnValue([]);
    authz.principal.mockResolvedValue({ id: 'u', country } as PrincipalInput);
    authz.camera.mockResolvedValue({ type: 'Camera', id: CAM, jurisdiction: 'PL', owner: { id: 'nysa', kind: 'municipality', country: 'PL', regime: 'gdpr' } } as CameraInput);
    authz.decide.mockImplementation((_p, action) => (permitted.includes(action) ? permit({}, [action]) : deny(`no ${action}`)));
    authz.recordDecision.mockResolvedValue(undefined as never);
    const recordings = mocks.of(RecordingService);
    recordings.ranges.mockResolvedValue({ ranges: [], gaps: [] });
    return { sut, mocks, authz, recordings, audit: mocks.of(AuditService) };
  };
  const user = testPrincipal({ organisation: 'nysa', country: 'PL', roles: ['municipal'] });

  describe('ranges', () => {
    it('lists the permitted actions and starts at what Polish municipal retention keeps (3 months, not 200 days)', async () => {
      const { sut, recordings, authz } = setup(['recording.anonymized', 'clip.request']);
      const before = Date.now();
      const r = await sut.ranges(user, CAM);
      expect(r.actions).toEqual(['recording.anonymized', 'clip.request']);
      const kept = new Date(r.retainedFrom).getTime();
      expect(kept).toBeGreaterThanOrEqual(retainedFrom(new Date(before), 200, 3).getTime());
      expect(kept).toBeGreaterThan(before - 93 * DAY);
      expect(r.from).toBe(r.retainedFrom);
      expect(recordings.ranges).toHaveBeenCalledWith(CAM, new Date(r.from), new Date(r.to));
      expect(authz.decide).toHaveBeenCalledWith(
        expect.anything(),
        'clip.request',
        expect.anything(),
        expect.objectContaining({ purpose: 'choosing a range of recordings', incidents: [] }),
      );
    });

    it('answers the given window as ISO times with its ranges and gaps', async () => {
      const { sut, recordings } = setup(['clip.request']);
      const from = new Date('2026-12-01T00:00:00Z');
      const to = new Date('2026-12-01T01:00:00Z');
      recordings.ranges.mockResolvedValue({ ranges: [{ from, to: new Date('2026-12-01T00:30:00Z') }], gaps: [{ from: new Date('2026-12-01T00:30:00Z'), to }] });
      await expect(sut.ranges(user, CAM, from, to)).resolves.toMatchObject({
        cameraId: CAM,
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-01T01:00:00.000Z',
        ranges: [{ from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T00:30:00.000Z' }],
        gaps: [{ from: '2026-12-01T00:30:00.000Z', to: '2026-12-01T01:00:00.000Z' }],
        actions: ['clip.request'],
      });
    });

    it.each([
      ['an end before the start', new Date('2026-12-02T00:00:00Z'), new Date('2026-12-01T00:00:00Z')],
      ['an empty window', new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')],
      ['more than a year', new Date('2025-01-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')],
    ])('refuses %s (range_invalid, 400)', async (_what, from, to) => {
      const { sut, recordings } = setup(['clip.request']);
      await expect(sut.ranges(user, CAM, from, to)).rejects.toMatchObject({ code: 'range_invalid', status: 400 });
      expect(recordings.ranges).not.toHaveBeenCalled();
    });

    it('refuses a user no browse action is permitted to (recordings_forbidden, 403) and audits the clip.request denial', async () => {
      const { sut, authz } = setup([]);
      await expect(sut.ranges(user, CAM)).rejects.toMatchObject({ code: 'recordings_forbidden', status: 403, details: { reasons: ['no clip.request'] } });
      expect(authz.recordDecision).toHaveBeenCalledWith(user, 'clip.request', expect.objectContaining({ decision: 'deny' }), {
        operation: 'consultation',
        object: `camera:${CAM}`,
        justification: 'choosing a range of recordings',
      });
    });

    it('passes on the 404 of a camera the user does not see', async () => {
      const { sut, mocks } = setup(['clip.request']);
      mocks.of(CameraVisibilityService).findOneVisible.mockRejectedValue(Object.assign(new Error('camera not found'), { code: 'camera_not_found' }));
      await expect(sut.ranges(user, CAM)).rejects.toMatchObject({ code: 'camera_not_found' });
    });
  });

  describe('still', () => {
    const at = new Date('2026-12-01T00:10:00Z');
    const still = { jpeg: 'AAAA', masked: 2, width: 320, height: 180 };

    it('asks the media node for an anonymized still of a recorded moment and audits a consultation', async () => {
      const { sut, mocks, recordings, audit } = setup(['recording.anonymized']);
      recordings.covers.mockResolvedValue(true);
      mocks.media.send.mockResolvedValue(still);
      audit.record.mockResolvedValue(undefined as never);
      await expect(sut.still(user, CAM, at, 320)).resolves.toBe(still);
      expect(recordings.covers).toHaveBeenCalledWith(CAM, at, new Date(at.getTime() + 1000));
      expect(mocks.media.send).toHaveBeenCalledWith(Patterns.media.recordingStill, { cameraId: CAM, at: at.toISOString(), width: 320 }, 20_000);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'consultation',
          recipient: '',
          decision: 'permit',
          policyIds: ['CZ@1:recording.anonymized'],
          details: { action: 'recording.still', form: 'anonymized', at: at.toISOString(), masked: 2 },
        }),
      );
    });

    it("is a disclosure to the viewer's organisation across the border", async () => {
      const { sut, mocks, recordings, audit } = setup(['clip.request'], 'CZ');
      recordings.covers.mockResolvedValue(true);
      mocks.media.send.mockResolvedValue(still);
      audit.record.mockResolvedValue(undefined as never);
      await sut.still(testPrincipal({ organisation: 'hzs-olk', country: 'CZ' }), CAM, at, 320);
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ operation: 'disclosure', recipient: 'hzs-olk (CZ)' }));
    });

    it('refuses a moment that was not recorded (clip_range_not_recorded, 400) without asking the media node', async () => {
      const { sut, mocks, recordings } = setup(['clip.request']);
      recordings.covers.mockResolvedValue(false);
      await expect(sut.still(user, CAM, at, 320)).rejects.toMatchObject({ code: 'clip_range_not_recorded', status: 400 });
      expect(mocks.media.send).not.toHaveBeenCalled();
    });

    it('answers still_not_found (404) when the media node has no frame there, and audits nothing', async () => {
      const { sut, mocks, recordings, audit } = setup(['clip.request']);
      recordings.covers.mockResolvedValue(true);
      mocks.media.send.mockRejectedValue(new ServiceCallError(Patterns.media.recordingStill, 'no decodable frame of camera c at t', 'not_found'));
      await expect(sut.still(user, CAM, at, 320)).rejects.toMatchObject({ code: 'still_not_found', status: 404 });
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('answers media_unavailable (503) when the media node fails, and audits nothing', async () => {
      const { sut, mocks, recordings, audit } = setup(['clip.request']);
      recordings.covers.mockResolvedValue(true);
      mocks.media.send.mockRejectedValue(new Error('timeout'));
      await expect(sut.still(user, CAM, at, 320)).rejects.toMatchObject({ code: 'media_unavailable', status: 503 });
      expect(audit.record).not.toHaveBeenCalled();
    });
  });
});
