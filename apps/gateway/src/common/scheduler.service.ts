import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

export interface JobOptions {
  /** Time between two timer runs, in ms. */
  everyMs: number;
  /** The round itself. It may throw: the error is logged and the job runs again on its next tick. */
  run: () => Promise<unknown> | unknown;
  /** Run once as soon as the application has started, not only after the first interval. */
  atStart?: boolean;
  /** What the log line says when a round fails (default: `<name> failed`). */
  failure?: string;
}

interface Job extends JobOptions {
  name: string;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  /** A run was asked for while one was running: start another right after it. */
  again?: Promise<void>;
}

/**
 * The gateway's timers, all in one place: each periodic job (incident expiry, policy refresh, live
 * session review, audit checkpoints, clip jobs, analytics retention) registers here with a name and
 * an interval and keeps its logic in its own service. A job never overlaps itself (a tick during a
 * run is skipped), its errors are logged and never thrown, and every timer stops when the application
 * shuts down, after the rounds in flight have finished (onModuleDestroy: before the database closes).
 * Timers start when the application has bootstrapped, so a job registered in onModuleInit never runs
 * before every module is initialised. Tests drive jobs with `run(name)` (or jest's fake timers).
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(SchedulerService.name);
  private readonly jobs = new Map<string, Job>();
  private started = false;
  private stopped = false;

  /** Registers a periodic job; its timer starts at bootstrap (at once when the application runs already). */
  every(name: string, options: JobOptions): void {
    if (this.jobs.has(name)) throw new Error(`scheduler: a job named '${name}' is registered already`);
    if (!(options.everyMs > 0)) throw new Error(`scheduler: job '${name}' needs a positive interval, not ${options.everyMs}`);
    const job: Job = { name, ...options };
    this.jobs.set(name, job);
    if (this.started && !this.stopped) this.arm(job);
  }

  /**
   * Runs the job now, or once more right after the run in progress (requests during one run share
   * that one extra run). Resolves when the run asked for has finished; never rejects. Nothing runs
   * once the scheduler has stopped.
   */
  run(name: string): Promise<void> {
    const job = this.job(name);
    if (this.stopped) return Promise.resolve();
    if (!job.running) return this.start(job);
    job.again ??= job.running.then(() => {
      job.again = undefined;
      if (this.stopped) return undefined;
      return job.running ?? this.start(job);
    });
    return job.again;
  }

  /** The names of the registered jobs. */
  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** Whether a round of the job is running now. */
  isRunning(name: string): boolean {
    return !!this.job(name).running;
  }

  onApplicationBootstrap(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const job of this.jobs.values()) this.arm(job);
  }

  /** Stops every timer and waits for the rounds in flight (and their queued repeats). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) clearInterval(job.timer);
    await Promise.all([...this.jobs.values()].map((j) => Promise.all([j.running, j.again])));
  }

  private arm(job: Job): void {
    job.timer = setInterval(() => {
      // A tick while the previous round still runs is dropped: the job never overlaps itself.
      if (!job.running) void this.start(job);
    }, job.everyMs);
    job.timer.unref();
    if (job.atStart) void this.run(job.name);
  }

  private start(job: Job): Promise<void> {
    const running = (async () => {
      try {
        await job.run();
      } catch (e) {
        this.log.warn(`${job.failure ?? `${job.name} failed`}: ${(e as Error).message}`);
      }
    })().finally(() => {
      if (job.running === running) job.running = undefined;
    });
    job.running = running;
    return running;
  }

  private job(name: string): Job {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`scheduler: no job named '${name}'`);
    return job;
  }
}
