import { Logger } from '@nestjs/common';
import { SchedulerService } from './scheduler.service';

/** A job whose rounds the test finishes by hand. */
function manualJob() {
  const finish: (() => void)[] = [];
  let calls = 0;
  const run = jest.fn(() => {
    calls++;
    return new Promise<void>((resolve) => finish.push(resolve));
  });
  return { run, finish, calls: () => calls, endRound: () => finish.shift()!() };
}

const flush = () => new Promise((r) => setImmediate(r));

describe(SchedulerService.name, () => {
  let scheduler: SchedulerService;
  beforeEach(() => (scheduler = new SchedulerService()));
  afterEach(() => jest.useRealTimers());

  it('starts no timer before bootstrap, then runs each job every interval', async () => {
    jest.useFakeTimers();
    const run = jest.fn(async () => undefined);
    scheduler.every('expiry', { everyMs: 1000, run });
    await jest.advanceTimersByTimeAsync(5000);
    expect(run).not.toHaveBeenCalled();
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(999);
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3000);
    expect(run).toHaveBeenCalledTimes(4);
    await scheduler.onModuleDestroy();
  });

  it('arms a job registered after bootstrap at once, and runs an atStart job immediately', async () => {
    jest.useFakeTimers();
    scheduler.onApplicationBootstrap();
    const late = jest.fn(async () => undefined);
    const eager = jest.fn(async () => undefined);
    scheduler.every('late', { everyMs: 500, run: late });
    scheduler.every('eager', { everyMs: 10_000, run: eager, atStart: true });
    await jest.advanceTimersByTimeAsync(0);
    expect(eager).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(late).toHaveBeenCalledTimes(1);
    await scheduler.onModuleDestroy();
  });

  it('never overlaps a job with itself: ticks during a round are dropped', async () => {
    jest.useFakeTimers();
    const job = manualJob();
    scheduler.every('slow', { everyMs: 100, run: job.run });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1000);
    expect(job.calls()).toBe(1);
    expect(scheduler.isRunning('slow')).toBe(true);
    job.endRound();
    await jest.advanceTimersByTimeAsync(100);
    expect(job.calls()).toBe(2);
    job.endRound();
    await scheduler.onModuleDestroy();
  });

  it('keeps jobs apart: one slow job does not hold back another', async () => {
    jest.useFakeTimers();
    const slow = manualJob();
    const fast = jest.fn(async () => undefined);
    scheduler.every('slow', { everyMs: 100, run: slow.run });
    scheduler.every('fast', { everyMs: 100, run: fast });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(300);
    expect(slow.calls()).toBe(1);
    expect(fast).toHaveBeenCalledTimes(3);
    slow.endRound();
    await scheduler.onModuleDestroy();
  });

  it('run(name) runs now; requests during a round share one extra round right after it', async () => {
    const job = manualJob();
    scheduler.every('review', { everyMs: 60_000, run: job.run });
    const first = scheduler.run('review');
    const second = scheduler.run('review');
    const third = scheduler.run('review');
    expect(second).toBe(third);
    await flush();
    expect(job.calls()).toBe(1);
    job.endRound();
    await first;
    await flush();
    expect(job.calls()).toBe(2);
    job.endRound();
    await Promise.all([second, third]);
    expect(job.calls()).toBe(2);
    expect(scheduler.isRunning('review')).toBe(false);
  });

  it('logs a failed round instead of throwing, and runs the job again next time', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      let n = 0;
      scheduler.every('flaky', {
        everyMs: 1000,
        run: () => {
          if (++n === 1) throw new Error('database gone');
          return Promise.reject(new Error('still gone'));
        },
        failure: 'flaky job failed, retrying',
      });
      await expect(scheduler.run('flaky')).resolves.toBeUndefined();
      await expect(scheduler.run('flaky')).resolves.toBeUndefined();
      expect(n).toBe(2);
      expect(warn.mock.calls.map((c) => c[0])).toEqual(['flaky job failed, retrying: database gone', 'flaky job failed, retrying: still gone']);
      scheduler.every('plain', { everyMs: 1000, run: () => Promise.reject(new Error('x')) });
      await scheduler.run('plain');
      expect(warn).toHaveBeenLastCalledWith('plain failed: x');
    } finally {
      warn.mockRestore();
    }
  });

  it('at shutdown stops every timer and waits for the rounds in flight; nothing runs afterwards', async () => {
    jest.useFakeTimers();
    const job = manualJob();
    scheduler.every('review', { everyMs: 100, run: job.run });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(100);
    const queued = scheduler.run('review');
    let stopped = false;
    const stopping = scheduler.onModuleDestroy().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    job.endRound();
    await stopping;
    await queued;
    // The repeat asked for before shutdown is dropped, and no timer fires any more.
    await jest.advanceTimersByTimeAsync(1000);
    await scheduler.run('review');
    expect(job.calls()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('refuses a second job of the same name, a job without a positive interval, and an unknown name', () => {
    scheduler.every('a', { everyMs: 1, run: () => undefined });
    expect(() => scheduler.every('a', { everyMs: 1, run: () => undefined })).toThrow(/registered already/);
    expect(() => scheduler.every('b', { everyMs: 0, run: () => undefined })).toThrow(/positive interval/);
    expect(() => scheduler.run('nope')).toThrow(/no job named 'nope'/);
    expect(scheduler.names()).toEqual(['a']);
  });
});
