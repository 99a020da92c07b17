import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import { CameraEntity, OrganisationEntity } from '@borderlens/database';
import { defaultSharing } from '@borderlens/policy';
import { DEMO_CAMERAS, PARTNERS } from './demo-data';

const SEED_LOCK = 0x7365_6564; // 'seed'

/** On an empty database, seeds the partners and demo cameras so a new install shows a working system. */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly log = new Logger(SeedService.name);

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.cfg.seedDemoData) await this.seed();
  }

  async seed(): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      if ((await m.count(OrganisationEntity)) > 0) return false;
      await m.insert(OrganisationEntity, PARTNERS);
      const cameras = await m.save(
        CameraEntity,
        DEMO_CAMERAS.map((c) =>
          m.create(CameraEntity, { ...c, sharing: defaultSharing(PARTNERS.find((o) => o.id === c.organisationId)!.kind), state: 'offline', recordingEnabled: false }),
        ),
      );
      await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'collection',
          object: 'seed',
          decision: 'done',
          justification: 'demo data for a new installation',
          details: { organisations: PARTNERS.map((p) => p.id), cameras: cameras.map((c) => c.id) },
        },
        m,
      );
      this.log.log(`seeded ${PARTNERS.length} organisations and ${cameras.length} demo cameras`);
      return true;
    });
  }
}
