import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CameraEntity, PolicyEntity, PolicyVersionEntity } from '@borderlens/database';

/** The `policies` table (one row per jurisdiction, pointing at its active version) and `policy_versions`. */
@Injectable()
export class PolicyRepository {
  constructor(
    @InjectRepository(PolicyEntity) private readonly policies: Repository<PolicyEntity>,
    @InjectRepository(PolicyVersionEntity) private readonly versions: Repository<PolicyVersionEntity>,
    @InjectRepository(CameraEntity) private readonly cameras: Repository<CameraEntity>,
  ) {}

  /** The cameras whose footage a jurisdiction's rules govern (to find whose decisions a draft changes). */
  camerasUnder(jurisdiction: string): Promise<CameraEntity[]> {
    return this.cameras.findBy({ jurisdiction });
  }

  findAll(): Promise<PolicyEntity[]> {
    return this.policies.find({ order: { jurisdiction: 'ASC' } });
  }

  findOne(jurisdiction: string): Promise<PolicyEntity | null> {
    return this.policies.findOneBy({ jurisdiction });
  }

  /** Active version number per jurisdiction: polled to notice activations made by other gateways. */
  async activeVersions(): Promise<Record<string, number>> {
    const rows = await this.policies.find({ select: { jurisdiction: true, activeVersion: true } });
    return Object.fromEntries(rows.filter((r) => r.activeVersion !== null).map((r) => [r.jurisdiction, r.activeVersion!]));
  }

  /** Texts of the active versions (all, or those of some jurisdictions). */
  async activeTexts(jurisdictions?: string[]): Promise<PolicyVersionEntity[]> {
    const q = this.versions.createQueryBuilder('v').innerJoin(PolicyEntity, 'p', 'p.jurisdiction = v.jurisdiction AND p.active_version = v.version');
    if (jurisdictions) q.where('v.jurisdiction IN (:...jurisdictions)', { jurisdictions });
    return q.getMany();
  }

  listVersions(jurisdiction: string, withDrafts: boolean): Promise<PolicyVersionEntity[]> {
    const q = this.versions
      .createQueryBuilder('v')
      .select([
        'v.id',
        'v.jurisdiction',
        'v.version',
        'v.state',
        'v.createdBy',
        'v.reason',
        'v.createdAt',
        'v.activatedAt',
        'v.activatedBy',
        'v.activationReason',
        'v.sourceVersion',
        'v.cosignatures',
      ])
      .where('v.jurisdiction = :jurisdiction', { jurisdiction })
      .orderBy('v.version', 'DESC');
    if (!withDrafts) q.andWhere("v.state <> 'draft'");
    return q.getMany();
  }

  findVersion(jurisdiction: string, version: number, manager?: EntityManager): Promise<PolicyVersionEntity | null> {
    return (manager?.getRepository(PolicyVersionEntity) ?? this.versions).findOneBy({ jurisdiction, version });
  }

  /** The jurisdiction's row, locked until the transaction ends: activations and version numbers are serialized. */
  lock(jurisdiction: string, manager: EntityManager): Promise<PolicyEntity | null> {
    return manager.getRepository(PolicyEntity).createQueryBuilder('p').setLock('pessimistic_write').where('p.jurisdiction = :jurisdiction', { jurisdiction }).getOne();
  }

  async nextVersion(jurisdiction: string, manager: EntityManager): Promise<number> {
    const [row] = await manager.query('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policy_versions WHERE jurisdiction = $1', [jurisdiction]);
    return Number(row.next);
  }

  saveVersion(version: PolicyVersionEntity, manager: EntityManager): Promise<PolicyVersionEntity> {
    return manager.getRepository(PolicyVersionEntity).save(version);
  }

  /** The previously active version becomes retired. */
  async retireActive(jurisdiction: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(PolicyVersionEntity).update({ jurisdiction, state: 'active' }, { state: 'retired' });
  }

  savePolicy(policy: PolicyEntity, manager: EntityManager): Promise<PolicyEntity> {
    return manager.getRepository(PolicyEntity).save(policy);
  }

  async jurisdictions(manager: EntityManager): Promise<string[]> {
    return (await manager.getRepository(PolicyEntity).find({ select: { jurisdiction: true } })).map((p) => p.jurisdiction);
  }
}
