import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { JWK } from 'jose';
import { CheckpointRepository, checkpointIfDue, type SignedCheckpoint } from '@borderlens/audit';
import { loadSigningKey, type KeyObjectLike } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { SchedulerService } from '../common/scheduler.service';

/** The gateway's audit signing key: dataDir/audit-signing-key.json (gateways sharing the work share it). */
export function auditKeyFile(cfg: BorderlensConfig): string {
  return join(cfg.dataDir, 'audit-signing-key.json');
}

/**
 * Signs the audit chain's head every audit.checkpointEvery entries or audit.checkpointIntervalSec,
 * and hands the checkpoints to partners (their witness copies make a later rewrite visible even to
 * an operator who holds this key).
 */
@Injectable()
export class AuditCheckpointService implements OnModuleInit {
  private readonly log = new Logger(AuditCheckpointService.name);
  private key?: { privateKey: KeyObjectLike; publicJwk: JWK };
  private running?: Promise<unknown>;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: CheckpointRepository,
    scheduler: SchedulerService,
  ) {
    scheduler.every('audit-checkpoint', { everyMs: Math.min(5_000, cfg.audit.checkpointIntervalSec * 1000), run: () => this.tick() });
  }

  async onModuleInit(): Promise<void> {
    this.key = await loadSigningKey(auditKeyFile(this.cfg));
  }

  /** Makes a checkpoint if one is due (also called by tests). */
  async tick(): Promise<SignedCheckpoint | undefined> {
    if (this.running || !this.key) return undefined;
    const run = checkpointIfDue(this.repo, this.key, this.cfg.audit.checkpointEvery, this.cfg.audit.checkpointIntervalSec * 1000);
    this.running = run;
    try {
      return await run;
    } catch (e) {
      this.log.warn(`audit checkpoint failed: ${(e as Error).message}`);
      return undefined;
    } finally {
      this.running = undefined;
    }
  }

  /** Every checkpoint and the key that verifies them: what a partner keeps as witness. */
  async export(): Promise<{ jwks: { keys: JWK[] }; checkpoints: SignedCheckpoint[] }> {
    return { jwks: { keys: [this.key!.publicJwk] }, checkpoints: await this.repo.all() };
  }
}
