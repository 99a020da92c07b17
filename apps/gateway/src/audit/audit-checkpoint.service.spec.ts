import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointRepository, verifyCheckpoints, type SignedCheckpoint } from '@borderlens/audit';
import { newTestService } from '../../../../test/support/new-test-service';
import { SchedulerService } from '../common/scheduler.service';
import { AuditCheckpointService, auditKeyFile } from './audit-checkpoint.service';

describe(AuditCheckpointService.name, () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'bl-checkpoint-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The chain's head and the latest checkpoint as the database would answer them. */
  const setup = (head: { seq: string; hash: string } | undefined, latest: { seq: string; time: Date } | undefined) => {
    const { sut, mocks } = newTestService(AuditCheckpointService, { config: { dataDir, audit: { checkpointEvery: 100, checkpointIntervalSec: 60 } } });
    const inserted: SignedCheckpoint[] = [];
    const repo = mocks.of(CheckpointRepository);
    repo.head.mockImplementation(async () => head);
    repo.latest.mockImplementation(async () => latest);
    repo.insert.mockImplementation(async (cp) => void inserted.push(cp));
    const scheduler = mocks.of(SchedulerService);
    return { sut, mocks, repo, scheduler, inserted };
  };

  it('makes nothing before its key is loaded', async () => {
    const { sut, repo } = setup({ seq: '5', hash: 'h5' }, undefined);
    await expect(sut.tick()).resolves.toBeUndefined();
    expect(repo.head).not.toHaveBeenCalled();
  });

  it('signs the first head with a key kept in the data directory, verifiable with the exported key', async () => {
    const { sut, mocks, repo, scheduler, inserted } = setup({ seq: '5', hash: 'h5' }, undefined);
    await sut.onModuleInit();
    try {
      expect(existsSync(auditKeyFile(mocks.config))).toBe(true);
      const cp = await sut.tick();
      expect(cp).toMatchObject({ seq: '5', hash: 'h5' });
      expect(inserted).toEqual([cp]);
      repo.all.mockResolvedValue([cp!]);
      const exported = await sut.export();
      expect(exported.jwks.keys[0]).not.toHaveProperty('d');
      const report = await verifyCheckpoints(exported.checkpoints, exported.jwks, { entries: 5 } as never, async (seq) => (seq === '5' ? 'h5' : undefined));
      expect(report).toMatchObject({ ok: true, lastSeq: '5' });
    } finally {
      await scheduler.onModuleDestroy();
    }
  });

  it('waits until enough entries or time have passed since the last checkpoint', async () => {
    const recent = new Date();
    const notDue = setup({ seq: '50', hash: 'h50' }, { seq: '10', time: recent });
    await notDue.sut.onModuleInit();
    await expect(notDue.sut.tick()).resolves.toBeUndefined();
    await notDue.scheduler.onModuleDestroy();
    expect(notDue.inserted).toEqual([]);

    const byCount = setup({ seq: '110', hash: 'h110' }, { seq: '10', time: recent });
    await byCount.sut.onModuleInit();
    await expect(byCount.sut.tick()).resolves.toMatchObject({ seq: '110' });
    await byCount.scheduler.onModuleDestroy();

    const byTime = setup({ seq: '11', hash: 'h11' }, { seq: '10', time: new Date(Date.now() - 61_000) });
    await byTime.sut.onModuleInit();
    await expect(byTime.sut.tick()).resolves.toMatchObject({ seq: '11' });
    await byTime.scheduler.onModuleDestroy();
  });

  it('survives a failed checkpoint (logged), and makes none while one is running', async () => {
    const { sut, repo, scheduler } = setup({ seq: '5', hash: 'h5' }, undefined);
    await sut.onModuleInit();
    try {
      repo.head.mockRejectedValueOnce(new Error('database gone'));
      await expect(sut.tick()).resolves.toBeUndefined();
      const [a, b] = await Promise.all([sut.tick(), sut.tick()]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
    } finally {
      await scheduler.onModuleDestroy();
    }
  });

  it('runs as the scheduled job audit-checkpoint, at most every 5 s', async () => {
    const { sut, scheduler, inserted } = setup({ seq: '5', hash: 'h5' }, undefined);
    await sut.onModuleInit();
    expect(scheduler.names()).toEqual(['audit-checkpoint']);
    await scheduler.run('audit-checkpoint');
    expect(inserted).toMatchObject([{ seq: '5', hash: 'h5' }]);
    await scheduler.onModuleDestroy();
  });
});
