import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntryEntity } from '@borderlens/database';

/** A fixed key for pg_advisory_xact_lock: appends to the chain are serialized across processes. */
const CHAIN_LOCK = 0x6175_6474; // 'audt'

export interface AuditFilter {
  object?: string;
  actorOrganisation?: string;
  operation?: string;
  from?: Date;
  to?: Date;
  afterSeq?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(AuditEntryEntity) private readonly repo: Repository<AuditEntryEntity>,
  ) {}

  /**
   * Runs `build` with the chain head under an exclusive lock and inserts what it returns, inside
   * `manager`'s transaction when given (so the entry commits or rolls back with the change it records).
   */
  async append(build: (last: { seq: string; hash: string } | null) => AuditEntryEntity, manager?: EntityManager): Promise<AuditEntryEntity> {
    const run = async (m: EntityManager) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
      const rows: { seq: string; hash: string }[] = await m.query('SELECT a.seq::text AS seq, a.hash FROM audit_entries a ORDER BY a.seq DESC LIMIT 1');
      const entry = build(rows[0] ?? null);
      // A plain INSERT: an entry is never updated (the database refuses it anyway).
      await m.createQueryBuilder().insert().into(AuditEntryEntity).values(entry as QueryDeepPartialEntity<AuditEntryEntity>).updateEntity(false).execute();
      return entry;
    };
    if (manager) {
      if (!manager.queryRunner?.isTransactionActive) throw new Error('audit append needs a transaction');
      return run(manager);
    }
    return this.dataSource.transaction(run);
  }

  /** All entries in seq order, in batches (the table can be large). */
  async *streamAll(batchSize = 1000): AsyncGenerator<AuditEntryEntity> {
    let after = '0';
    for (;;) {
      const batch = await this.repo
        .createQueryBuilder('a')
        .where('a.seq > :after', { after })
        .orderBy('a.seq', 'ASC')
        .limit(batchSize)
        .getMany();
      yield* batch;
      if (batch.length < batchSize) return;
      after = batch[batch.length - 1].seq;
    }
  }

  find(f: AuditFilter): Promise<AuditEntryEntity[]> {
    const q = this.repo.createQueryBuilder('a').orderBy('a.seq', 'ASC').limit(f.limit);
    if (f.afterSeq) q.andWhere('a.seq > :after', { after: f.afterSeq });
    if (f.object) q.andWhere('a.object = :object', { object: f.object });
    if (f.actorOrganisation) q.andWhere('a.actor_organisation = :org', { org: f.actorOrganisation });
    if (f.operation) q.andWhere('a.operation = :op', { op: f.operation });
    if (f.from) q.andWhere('a.time >= :from', { from: f.from });
    if (f.to) q.andWhere('a.time < :to', { to: f.to });
    return q.getMany();
  }
}
