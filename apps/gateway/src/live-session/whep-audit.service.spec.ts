import { AuditService } from '@borderlens/audit';
import type { WhepRefusalEvent, WhepSessionEvent } from '@borderlens/contracts';
import type { CameraEntity, LiveSessionEntity } from '@borderlens/database';
import { newTestService } from '../../../../test/support/new-test-service';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { LiveSessionRepository } from './live-session.repository';
import { WhepAuditService } from './whep-audit.service';

describe(WhepAuditService.name, () => {
  const SESSION_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
  const CAMERA_ID = '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
  const camera = { id: CAMERA_ID, jurisdiction: 'CZ' } as CameraEntity;
  const grant = (over: Partial<LiveSessionEntity> = {}) =>
    ({
      id: SESSION_ID,
      username: 'hzs.operator',
      organisationId: 'hzs-olk',
      country: 'CZ',
      purpose: 'flood watch',
      policyIds: ['cz-rule'],
      incidentIds: ['i1'],
      ...over,
    }) as LiveSessionEntity;
  const start = (over: Partial<WhepSessionEvent> = {}): WhepSessionEvent => ({
    kind: 'start',
    session: 'whep-1',
    gatewaySession: SESSION_ID,
    grant: 'jti-1',
    cameraId: CAMERA_ID,
    viewer: { sub: 'kc-sub', name: 'Media Name', org: 'media-org', country: 'PL' },
    form: 'anonymized',
    purpose: 'from media',
    at: '2026-12-03T10:00:00Z',
    ...over,
  });
  const refused = (over: Partial<WhepRefusalEvent> = {}): WhepRefusalEvent => ({
    kind: 'refused',
    cause: 'grant_expired',
    status: 401,
    request: 'offer',
    cameraIds: [CAMERA_ID],
    viewer: { source: '127.0.0.1' },
    count: 3,
    from: '2026-12-03T10:00:00Z',
    to: '2026-12-03T10:00:05Z',
    ...over,
  });

  const setup = () => {
    const { sut, mocks } = newTestService(WhepAuditService);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue({} as never);
    return { sut, audit, grants: mocks.of(LiveSessionRepository), cameras: mocks.of(CameraVisibilityService) };
  };

  describe('record', () => {
    it.each([
      ['not a list', { events: [] }],
      ['too many events', Array.from({ length: 1001 }, () => refused())],
      ['an unknown kind', [{ ...start(), kind: 'paused' }]],
      ['a session without a form', [{ ...start(), form: 'hd' }]],
      ['a refusal of an unknown request', [{ ...refused(), request: 'peek' }]],
      ['a refusal without cameras', [{ ...refused(), cameraIds: 'c1' }]],
      ['an event without a viewer', [{ ...start(), viewer: null }]],
    ])('refuses %s without writing anything', async (_what, events) => {
      const { sut, audit } = setup();
      await expect(sut.record(events)).rejects.toMatchObject({ code: 'events_invalid' });
      await expect(sut.record(events)).rejects.toBeInstanceOf(AppError);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('answers how many events it wrote, one audit entry each', async () => {
      const { sut, audit, grants, cameras } = setup();
      grants.findById.mockResolvedValue(grant());
      cameras.findOne.mockResolvedValue(camera);
      await expect(sut.record([start(), refused(), start({ kind: 'end', durationSec: 42, reason: 'closed' })])).resolves.toBe(3);
      expect(audit.record).toHaveBeenCalledTimes(3);
    });
  });

  describe('a session event', () => {
    it('names the viewer from the gateway session, not from the media node report', async () => {
      const { sut, audit, grants, cameras } = setup();
      grants.findById.mockResolvedValue(grant());
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start()]);
      expect(grants.findById).toHaveBeenCalledWith(SESSION_ID);
      expect(audit.record).toHaveBeenCalledWith({
        actor: { user: 'hzs.operator', organisation: 'hzs-olk', country: 'CZ' },
        operation: 'consultation',
        object: `camera:${CAMERA_ID}`,
        justification: 'flood watch',
        recipient: '',
        decision: 'permit',
        policyIds: ['cz-rule'],
        details: {
          event: 'whep.session.start',
          action: 'live.anonymized',
          form: 'anonymized',
          whepSession: 'whep-1',
          session: SESSION_ID,
          grant: 'jti-1',
          incidents: ['i1'],
          at: '2026-12-03T10:00:00Z',
        },
      });
    });

    it('is a disclosure to the viewer’s organisation when the viewer is under another country’s law', async () => {
      const { sut, audit, grants, cameras } = setup();
      grants.findById.mockResolvedValue(grant({ username: 'nysa.municipal', organisationId: 'um-nysa', country: 'PL' }));
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start({ form: 'raw' })]);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          operation: 'disclosure',
          recipient: 'um-nysa (PL)',
          details: expect.objectContaining({ action: 'live.raw', form: 'raw' }),
        }),
      );
    });

    it('falls back to the media node’s viewer, and marks it so, when the gateway has no session', async () => {
      const { sut, audit, grants, cameras } = setup();
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start({ gatewaySession: 'not-a-uuid' })]);
      expect(grants.findById).not.toHaveBeenCalled();
      const entry = audit.record.mock.calls[0][0];
      expect(entry.actor).toEqual({ user: 'Media Name', organisation: 'media-org', country: 'PL' });
      expect(entry.operation).toBe('disclosure');
      expect(entry.justification).toBe('from media');
      expect(entry.policyIds).toEqual([]);
      expect(entry.details).toMatchObject({ viewerReportedByMediaNode: true, incidents: [] });
    });

    it('falls back to the viewer when the session id names no session', async () => {
      const { sut, audit, grants, cameras } = setup();
      grants.findById.mockResolvedValue(null);
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start()]);
      expect(audit.record.mock.calls[0][0].details).toMatchObject({ viewerReportedByMediaNode: true });
    });

    it('records an unknown viewer by address, and an unknown camera as a consultation', async () => {
      const { sut, audit, cameras } = setup();
      cameras.findOne.mockRejectedValue(AppError.notFound('camera', CAMERA_ID));
      await sut.record([start({ gatewaySession: undefined, viewer: { source: '10.0.0.9' } })]);
      const entry = audit.record.mock.calls[0][0];
      expect(entry.actor).toEqual({ user: 'unknown (10.0.0.9)', organisation: 'unknown', country: '--' });
      expect(entry.operation).toBe('consultation');
      expect(entry.details).not.toHaveProperty('session');
    });

    it('writes the end with its duration, reason and every grant it ran on', async () => {
      const { sut, audit, grants, cameras } = setup();
      grants.findById.mockResolvedValue(grant());
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start({ kind: 'end', durationSec: 'x' as never, reason: 'renewal refused', grants: ['jti-1', 'jti-2'] })]);
      expect(audit.record.mock.calls[0][0].details).toMatchObject({ event: 'whep.session.end', durationSec: 0, reason: 'renewal refused', grants: ['jti-1', 'jti-2'] });
    });

    it('cuts what the media node sends to the column sizes', async () => {
      const { sut, audit, cameras } = setup();
      cameras.findOne.mockResolvedValue(camera);
      await sut.record([start({ gatewaySession: undefined, session: 'w'.repeat(500), purpose: 'p'.repeat(5000), viewer: { sub: 's', org: 'o'.repeat(100), country: 'POL' } })]);
      const entry = audit.record.mock.calls[0][0];
      expect(entry.details!.whepSession).toHaveLength(64);
      expect(entry.justification).toHaveLength(2000);
      expect(entry.actor).toEqual({ user: 's', organisation: 'o'.repeat(64), country: 'PO' });
    });
  });

  describe('a refusal event', () => {
    it('is one denied consultation with the count of attempts in its window', async () => {
      const { sut, audit, grants, cameras } = setup();
      await sut.record([refused()]);
      expect(grants.findById).not.toHaveBeenCalled();
      expect(cameras.findOne).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledWith({
        actor: { user: 'unknown (127.0.0.1)', organisation: 'unknown', country: '--' },
        operation: 'consultation',
        object: `camera:${CAMERA_ID}`,
        justification: 'WHEP offer refused: grant_expired (3 times)',
        decision: 'deny',
        details: {
          event: 'whep.refused',
          cause: 'grant_expired',
          status: 401,
          request: 'offer',
          count: 3,
          from: '2026-12-03T10:00:00Z',
          to: '2026-12-03T10:00:05Z',
          cameras: [CAMERA_ID],
          source: '127.0.0.1',
        },
      });
    });

    it('names the viewer from the gateway session and counts at least one attempt', async () => {
      const { sut, audit, grants } = setup();
      grants.findById.mockResolvedValue(grant());
      await sut.record([refused({ request: 'renew', count: 0, gatewaySession: SESSION_ID, grant: 'jti-9', viewer: {} })]);
      const entry = audit.record.mock.calls[0][0];
      expect(entry.actor).toEqual({ user: 'hzs.operator', organisation: 'hzs-olk', country: 'CZ' });
      expect(entry.justification).toBe('WHEP renew refused: grant_expired');
      expect(entry.details).toMatchObject({ count: 1, grant: 'jti-9', session: SESSION_ID });
    });

    it('lists at most five cameras, and an unknown one when none was named', async () => {
      const { sut, audit } = setup();
      await sut.record([refused({ cameraIds: ['a', 'b', 'c', 'd', 'e', 'f'] }), refused({ cameraIds: [] })]);
      expect(audit.record.mock.calls[0][0].details!.cameras).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(audit.record.mock.calls[1][0].object).toBe('camera:unknown');
    });
  });
});
