import { SYSTEM_ACTOR } from '@borderlens/audit';
import type { RecordingSegmentReport } from '@borderlens/contracts';
import type { RecordingSegmentEntity } from '@borderlens/database';
import { AuditService } from '@borderlens/audit';
import { newTestService } from '../../../../test/support/new-test-service';
import { RecordingRepository } from './recording.repository';
import { RecordingService } from './recording.service';

const CAM = '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const CAM2 = '7f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12';
const t = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s));

describe(RecordingService.name, () => {
  const setup = () => {
    const { sut, mocks } = newTestService(RecordingService);
    return { sut, mocks, repo: mocks.of(RecordingRepository), audit: mocks.of(AuditService) };
  };
  const report = (over: Partial<RecordingSegmentReport> = {}): RecordingSegmentReport =>
    ({
      cameraId: CAM,
      mediaNode: 'media-2',
      path: 'cam/2026-12-02T10-00-00.ts',
      startedAt: t(0).toISOString(),
      endedAt: t(10).toISOString(),
      bytes: 1234,
      ...over,
    }) as RecordingSegmentReport;

  describe('index', () => {
    it('stores a valid report, bytes as a string, and answers its id', async () => {
      const { sut, repo } = setup();
      repo.insert.mockResolvedValue('seg-1');
      await expect(sut.index(report())).resolves.toBe('seg-1');
      expect(repo.insert).toHaveBeenCalledWith({ cameraId: CAM, mediaNode: 'media-2', path: 'cam/2026-12-02T10-00-00.ts', startedAt: t(0), endedAt: t(10), bytes: '1234' });
    });

    it('files a report without a node under the default node', async () => {
      const { sut, repo } = setup();
      repo.insert.mockResolvedValue('seg-1');
      await sut.index(report({ mediaNode: '' }));
      expect(repo.insert.mock.calls[0][0]).toMatchObject({ mediaNode: 'media' });
    });

    it.each([
      ['no report', undefined],
      ['a camera id that is not a UUID', { cameraId: '../x' }],
      ['an absolute path', { path: '/etc/passwd' }],
      ['a path leaving the directory', { path: 'cam/../../x.ts' }],
      ['an empty path', { path: '' }],
      ['a path over 500 characters', { path: 'a/'.repeat(251) }],
      ['an end before the start', { startedAt: t(10).toISOString(), endedAt: t(0).toISOString() }],
      ['a start that is no time', { startedAt: 'yesterday' }],
      ['negative bytes', { bytes: -1 }],
      ['fractional bytes', { bytes: 1.5 }],
    ])('refuses %s (segment_invalid, 400) without storing', async (_what, over) => {
      const { sut, repo } = setup();
      await expect(sut.index(over === undefined ? (undefined as never) : report(over as Partial<RecordingSegmentReport>))).rejects.toMatchObject({
        code: 'segment_invalid',
        status: 400,
      });
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it('answers camera_not_found for a camera the database does not know (foreign key), and passes other errors on', async () => {
      const { sut, repo } = setup();
      repo.insert.mockRejectedValueOnce(Object.assign(new Error('fk'), { code: '23503' }));
      await expect(sut.index(report())).rejects.toMatchObject({ code: 'camera_not_found', status: 404 });
      repo.insert.mockRejectedValueOnce(new Error('disk full'));
      await expect(sut.index(report())).rejects.toThrow('disk full');
    });
  });

  it('merges the overlapping segments into ranges and gaps, and covers only a window without gaps', async () => {
    const { sut, repo } = setup();
    repo.findOverlapping.mockResolvedValue([
      { startedAt: t(0), endedAt: t(10) },
      { startedAt: t(11), endedAt: t(20) },
      { startedAt: t(30), endedAt: t(40) },
    ] as RecordingSegmentEntity[]);
    await expect(sut.ranges(CAM, t(0), t(40))).resolves.toEqual({
      ranges: [
        { from: t(0), to: t(20) },
        { from: t(30), to: t(40) },
      ],
      gaps: [{ from: t(20), to: t(30) }],
    });
    expect(repo.findOverlapping).toHaveBeenCalledWith(CAM, t(0), t(40));
    await expect(sut.covers(CAM, t(0), t(20))).resolves.toBe(true);
    await expect(sut.covers(CAM, t(0), t(40))).resolves.toBe(false);
    repo.findOverlapping.mockResolvedValue([]);
    await expect(sut.covers(CAM, t(0), t(1))).resolves.toBe(false);
  });

  it.each([
    [{ mediaNode: 'm2', limit: 20 }, 'm2', 20],
    [{ limit: 0 }, 'media', 500],
    [{ limit: 99999 }, 'media', 5000],
    [{ limit: 'lots' }, 'media', 500],
    [undefined, 'media', 500],
  ])('lists expired segments of %j on node %s, at most %d', async (q, node, limit) => {
    const { sut, repo } = setup();
    repo.findExpired.mockResolvedValue([]);
    await sut.expired(q as never);
    expect(repo.findExpired).toHaveBeenCalledWith(node, limit);
  });

  it('drops erased segments from the index and audits one erasure per camera, in the same transaction', async () => {
    const { sut, mocks, repo, audit } = setup();
    const rows = [
      { id: 'a', cameraId: CAM, startedAt: t(10), endedAt: t(20) },
      { id: 'b', cameraId: CAM, startedAt: t(0), endedAt: t(10) },
      { id: 'c', cameraId: CAM2, startedAt: t(5), endedAt: t(6) },
    ] as RecordingSegmentEntity[];
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    repo.findByIds.mockResolvedValue(rows);
    repo.deleteByIds.mockResolvedValue(undefined as never);
    audit.record.mockResolvedValue(undefined as never);
    await expect(sut.erased({ ids: [...ids, 'not-an-id', 7] } as never)).resolves.toBe(3);
    expect(repo.findByIds).toHaveBeenCalledWith(ids, mocks.manager);
    expect(repo.deleteByIds).toHaveBeenCalledWith(['a', 'b', 'c'], mocks.manager);
    expect(audit.record.mock.calls).toEqual([
      [
        {
          actor: SYSTEM_ACTOR,
          operation: 'erasure',
          object: `camera:${CAM}`,
          decision: 'done',
          justification: 'retention period elapsed',
          details: { segments: 2, from: t(0).toISOString(), to: t(20).toISOString() },
        },
        mocks.manager,
      ],
      [
        {
          actor: SYSTEM_ACTOR,
          operation: 'erasure',
          object: `camera:${CAM2}`,
          decision: 'done',
          justification: 'retention period elapsed',
          details: { segments: 1, from: t(5).toISOString(), to: t(6).toISOString() },
        },
        mocks.manager,
      ],
    ]);
  });

  it('does nothing for an erasure report without valid ids', async () => {
    const { sut, mocks } = setup();
    await expect(sut.erased({ ids: ['x'] } as never)).resolves.toBe(0);
    await expect(sut.erased(undefined as never)).resolves.toBe(0);
    expect(mocks.dataSource.transaction).not.toHaveBeenCalled();
  });
});
