import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { PolicyEntity, PolicyVersionEntity } from '@borderlens/database';
import { defaultPolicyDir, loadPolicyDirectory, PolicyEngine, type PolicySources } from '@borderlens/policy';
import { SchedulerService } from '../common/scheduler.service';
import { PolicyRepository } from './policy.repository';

const SEED_LOCK = 0x706f_6c79; // 'poly'

/** A jurisdiction's active version changed (here or in another gateway). */
export interface PolicyChange {
  jurisdiction: string;
  version: number;
}

/** Which camera details the active rules could depend on besides owner, jurisdiction and kind. */
export interface CameraDetailsRead {
  position: boolean;
  id: boolean;
}

/**
 * Holds the policy engine built from the active version of every jurisdiction. Several gateways share
 * one database: each polls the active version numbers and rebuilds its engine when another gateway
 * activated something, so that all of them decide alike within one check interval.
 */
@Injectable()
export class ActivePolicyService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(ActivePolicyService.name);
  private engine!: PolicyEngine;
  private texts: Record<string, string> = {};
  private detailsRead: CameraDetailsRead = { position: true, id: true };
  private refreshing?: Promise<void>;
  /** Emits after the engine changed; grants are re-decided on it. */
  readonly changes = new Subject<PolicyChange>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: PolicyRepository,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    scheduler: SchedulerService,
  ) {
    // Runs from bootstrap on, after onModuleInit built the engine.
    scheduler.every('policy-refresh', { everyMs: cfg.incidents.checkIntervalSec * 1000, run: () => this.refresh() });
  }

  async onModuleInit(): Promise<void> {
    await this.seed();
    const sources = await this.loadSources();
    // Fail closed: a gateway whose active policies do not compile must not decide anything.
    this.use(new PolicyEngine(sources), sources);
    this.log.log(
      `active policies: ${Object.entries(this.engine.versions())
        .map(([j, v]) => `${j}@${v}`)
        .join(', ')}`,
    );
  }

  onApplicationShutdown(): void {
    this.changes.complete();
  }

  /** The engine to decide with now (immutable; replaced as a whole on activation). */
  current(): PolicyEngine {
    return this.engine;
  }

  /**
   * Whether the active rules could read a camera's position or name a camera by id. Found by looking
   * for the words in the texts (comments included, so the answer errs towards "yes"); lets callers
   * decide once per kind of camera instead of once per camera.
   */
  cameraDetailsRead(): CameraDetailsRead {
    return this.detailsRead;
  }

  /** Puts an activation made here into effect at once (after its transaction committed). */
  activated(jurisdiction: string, version: number, text: string): void {
    if (this.engine.versions()[jurisdiction] === version) return;
    const sources = { [jurisdiction]: { version, text } };
    this.use(this.engine.withPolicies(sources), sources);
    this.changes.next({ jurisdiction, version });
  }

  private use(engine: PolicyEngine, sources: PolicySources): void {
    this.engine = engine;
    for (const [j, s] of Object.entries(sources)) this.texts[j] = s.text;
    const all = Object.values(this.texts).join('\n');
    this.detailsRead = { position: /\b(lat|lon)\b/.test(all), id: /Camera\s*::/.test(all) };
  }

  /** Rebuilds the engine when the active versions in the database differ from the engine's. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((e) => this.log.warn(`could not check for policy activations: ${(e as Error).message}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const inDb = await this.repo.activeVersions();
    const mine = this.engine.versions();
    const changed = Object.keys(inDb).filter((j) => inDb[j] !== mine[j]);
    if (changed.length === 0) return;
    const sources = await this.loadSources(changed);
    try {
      this.use(this.engine.withPolicies(sources), sources);
    } catch (e) {
      // Another gateway validated it, so this means a different library version: keep the old rules.
      this.log.error(`policy activation could not be applied here, keeping the previous rules: ${(e as Error).message}`);
      return;
    }
    for (const [jurisdiction, s] of Object.entries(sources)) {
      this.log.log(`policy ${jurisdiction}@${s.version} activated by another gateway`);
      this.changes.next({ jurisdiction, version: s.version });
    }
  }

  private async loadSources(jurisdictions?: string[]): Promise<PolicySources> {
    const rows = await this.repo.activeTexts(jurisdictions);
    return Object.fromEntries(rows.map((v) => [v.jurisdiction, { version: v.version, text: v.text }]));
  }

  /**
   * Every jurisdiction shipped in libs/policy/policies that the database does not know yet starts with
   * the shipped text as its active version 1 (so a new database gets CZ and PL; a later release that
   * ships another country adds it).
   */
  private async seed(): Promise<void> {
    const shipped = loadPolicyDirectory(defaultPolicyDir());
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const known = new Set(await this.repo.jurisdictions(m));
      for (const [jurisdiction, source] of Object.entries(shipped)) {
        if (known.has(jurisdiction)) continue;
        const now = new Date();
        await this.repo.savePolicy(m.create(PolicyEntity, { jurisdiction, activeVersion: 1, updatedAt: now }), m);
        await this.repo.saveVersion(
          m.create(PolicyVersionEntity, {
            jurisdiction,
            version: 1,
            text: source.text,
            state: 'active',
            createdBy: SYSTEM_ACTOR.user,
            reason: 'default policies shipped with BorderLens',
            activatedAt: now,
            activatedBy: SYSTEM_ACTOR.user,
            activationReason: 'initial policies of a new installation',
            sourceVersion: null,
          }),
          m,
        );
        await this.audit.record(
          {
            actor: SYSTEM_ACTOR,
            operation: 'alteration',
            object: `policy:${jurisdiction}@1`,
            decision: 'activated',
            justification: 'default policies shipped with BorderLens',
            policyIds: [`${jurisdiction}@1`],
          },
          m,
        );
        this.log.log(`seeded the default ${jurisdiction} policies as version 1`);
      }
    });
  }
}
