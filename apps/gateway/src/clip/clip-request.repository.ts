import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ClipRequestEntity, type ClipState } from '@borderlens/database';

/** Clip requests (the workflow's state, the export job's state, the signed manifest). */
@Injectable()
export class ClipRequestRepository {
  constructor(@InjectRepository(ClipRequestEntity) private readonly repo: Repository<ClipRequestEntity>) {}

  findById(id: string): Promise<ClipRequestEntity | null> {
    return this.repo.findOneBy({ id });
  }

  lock(id: string, manager: EntityManager): Promise<ClipRequestEntity | null> {
    return manager.getRepository(ClipRequestEntity).createQueryBuilder('r').setLock('pessimistic_write').where('r.id = :id', { id }).getOne();
  }

  save(r: ClipRequestEntity, manager: EntityManager): Promise<ClipRequestEntity> {
    return manager.getRepository(ClipRequestEntity).save(r);
  }

  /** A user's own requests, newest first. */
  findByRequester(userId: string, limit: number): Promise<ClipRequestEntity[]> {
    return this.repo.find({ where: { requesterId: userId }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** Requests in some states, the nearest answer deadline first (none last), then the oldest. */
  findInStates(states: ClipState[], limit: number): Promise<ClipRequestEntity[]> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.state IN (:...states)', { states })
      .orderBy('r.deadlineAt', 'ASC', 'NULLS LAST')
      .addOrderBy('r.createdAt', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Work for the export job, one row each, locked (SKIP LOCKED keeps gateways sharing a database off each other's rows). */
  lockNextJob(manager: EntityManager, where: string, params: Record<string, unknown>): Promise<ClipRequestEntity | null> {
    return manager
      .getRepository(ClipRequestEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where(where, params)
      .orderBy('r.updatedAt', 'ASC')
      .getOne();
  }

  findIds(states: ClipState[]): Promise<{ id: string }[]> {
    return this.repo.find({ select: { id: true }, where: { state: In(states) }, order: { updatedAt: 'ASC' }, take: 100 });
  }
}
