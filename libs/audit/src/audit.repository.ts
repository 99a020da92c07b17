import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, Repository, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntryEntity } from '@borderlens/database';

/** A fixed key for pg_advisory_xact_lock: appends to the chain are serialized across processes. */
const CHAIN_LOCK = 0x6175_6474; // 'audt'

/**
 * Which entries a reader may see: those whose actor belongs to one of `organisations`, whose recipient
 * is one of them, and those about the `cameras`, about clips of those cameras or requested by those
 * organisations, about incidents those organisations declared, and about the policies of `countries`
 * (the rules that decide over those cameras).
 */
export interface AuditScope {
  organisations: string[];
  cameras: string[];
  countries: string[];
}

export interface AuditFilter {
  /** Absent: every entry (the command-line verifier and the system itself). */
  scope?: AuditScope;
  object?: string;
  actorOrganisation?: string;
  /** The acting user (username). */
  actorUser?: string;
  /** Acting or receiving organisation. */
  organisation?: string;
  /** About this camera: the camera itself, its clips, or a step that names it in its details. */
  camera?: string;
  /** Only entries whose recipient lies in another country than the actor's. */
  crossBorder?: boolean;
  operation?: string;
  from?: Date;
  to?: Date;
  afterSeq?: string;
  /** Default asc (oldest first). */
  order?: 'asc' | 'desc';
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
      await m
        .createQueryBuilder()
        .insert()
        .into(AuditEntryEntity)
        .values(entry as QueryDeepPartialEntity<AuditEntryEntity>)
        .updateEntity(false)
        .execute();
      return entry;
    };
    if (manager) {
      if (!manager.queryRunner?.isTransactionActive) throw new Error('audit append needs a transaction');
      return run(manager);
    }
    return this.dataSource.transaction(run);
  }

  /** All entries (or those in `scope`) in seq order, in batches (the table can be large). */
  async *streamAll(batchSize = 1000, scope?: AuditScope): AsyncGenerator<AuditEntryEntity> {
    let after = '0';
    for (;;) {
      const q = this.repo.createQueryBuilder('a').where('a.seq > :after', { after }).orderBy('a.seq', 'ASC').limit(batchSize);
      if (scope) inScope(q, scope);
      const batch = await q.getMany();
      yield* batch;
      if (batch.length < batchSize) return;
      after = batch[batch.length - 1].seq;
    }
  }

  find(f: AuditFilter): Promise<AuditEntryEntity[]> {
    const q = this.repo
      .createQueryBuilder('a')
      .orderBy('a.seq', f.order === 'desc' ? 'DESC' : 'ASC')
      .limit(f.limit);
    if (f.scope) inScope(q, f.scope);
    if (f.afterSeq) q.andWhere('a.seq > :after', { after: f.afterSeq });
    if (f.object) q.andWhere('a.object = :object', { object: f.object });
    if (f.actorOrganisation) q.andWhere('a.actor_organisation = :org', { org: f.actorOrganisation });
    if (f.actorUser) q.andWhere('a.actor_user = :actorUser', { actorUser: f.actorUser });
    if (f.organisation) q.andWhere("(a.actor_organisation = :anyOrg OR split_part(a.recipient, ' (', 1) = :anyOrg)", { anyOrg: f.organisation });
    if (f.camera) {
      q.andWhere(
        "(a.object = :cameraObject OR a.details->>'camera' = :camera OR a.object IN (SELECT 'clip:' || r.id::text FROM clip_requests r WHERE r.camera_id::text = :camera))",
        { camera: f.camera, cameraObject: `camera:${f.camera}` },
      );
    }
    if (f.crossBorder) {
      q.andWhere(
        `(${RECIPIENT_COUNTRY} <> a.actor_country OR EXISTS (SELECT 1 FROM cameras c WHERE (a.object = 'camera:' || c.id::text OR a.details->>'camera' = c.id::text) AND c.jurisdiction <> ${RECIPIENT_COUNTRY}))`,
      );
    }
    if (f.operation) q.andWhere('a.operation = :op', { op: f.operation });
    if (f.from) q.andWhere('a.time >= :from', { from: f.from });
    if (f.to) q.andWhere('a.time < :to', { to: f.to });
    return q.getMany();
  }
}

/**
 * The country of an entry's recipient (written "organisation (CC)"). A step crosses the border when
 * that country is not the actor's, or not the jurisdiction of the camera the entry is about (footage
 * of a Czech camera disclosed to a Polish user, say).
 */
const RECIPIENT_COUNTRY = "substring(a.recipient from '\\(([A-Z]{2})\\)$')";

/** Restricts a query on audit_entries `a` to a reader's scope (arrays as parameters: empty ones match nothing). */
function inScope(q: SelectQueryBuilder<AuditEntryEntity>, scope: AuditScope): void {
  q.andWhere(
    new Brackets((w) => {
      w.where('a.actor_organisation = ANY(CAST(:scopeOrgs AS text[]))')
        .orWhere("split_part(a.recipient, ' (', 1) = ANY(CAST(:scopeOrgs AS text[]))")
        .orWhere('a.object = ANY(CAST(:scopeCameraObjects AS text[]))')
        .orWhere(
          "a.object IN (SELECT 'clip:' || r.id::text FROM clip_requests r WHERE r.camera_id::text = ANY(CAST(:scopeCameras AS text[])) OR r.requester_organisation = ANY(CAST(:scopeOrgs AS text[])))",
        )
        .orWhere("a.object IN (SELECT 'incident:' || i.id::text FROM incidents i WHERE i.organisation_id = ANY(CAST(:scopeOrgs AS text[])))")
        .orWhere("a.object LIKE 'policy:%' AND substring(a.object, 8, 2) = ANY(CAST(:scopeCountries AS text[]))");
    }),
    { scopeOrgs: scope.organisations, scopeCountries: scope.countries, scopeCameras: scope.cameras, scopeCameraObjects: scope.cameras.map((id) => `camera:${id}`) },
  );
}
