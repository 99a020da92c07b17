import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { IncidentEntity } from '@borderlens/database';

@Injectable()
export class IncidentRepository {
  constructor(@InjectRepository(IncidentEntity) private readonly repo: Repository<IncidentEntity>) {}

  findById(id: string): Promise<IncidentEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<IncidentEntity[]> {
    return ids.length ? this.repo.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** In force at `now`: started, not past the planned end, not ended. */
  findActive(now: Date): Promise<IncidentEntity[]> {
    return this.repo.find({ where: { endedAt: IsNull(), startsAt: LessThanOrEqual(now), endsAt: MoreThan(now) }, order: { startsAt: 'ASC' } });
  }

  /** Not ended yet (in force, or starting later). */
  findOpen(): Promise<IncidentEntity[]> {
    return this.repo.find({ where: { endedAt: IsNull() }, order: { startsAt: 'DESC' } });
  }

  findRecent(limit: number): Promise<IncidentEntity[]> {
    return this.repo.find({ order: { startsAt: 'DESC' }, take: limit });
  }

  lock(id: string, manager: EntityManager): Promise<IncidentEntity | null> {
    return manager.getRepository(IncidentEntity).createQueryBuilder('i').setLock('pessimistic_write').where('i.id = :id', { id }).getOne();
  }

  /** Open incidents past their planned end, locked; rows another gateway is expiring are skipped. */
  lockDue(now: Date, manager: EntityManager): Promise<IncidentEntity[]> {
    return manager
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('i.ended_at IS NULL AND i.ends_at <= :now', { now })
      .getMany();
  }

  save(incident: IncidentEntity, manager: EntityManager): Promise<IncidentEntity> {
    return manager.getRepository(IncidentEntity).save(incident);
  }
}
