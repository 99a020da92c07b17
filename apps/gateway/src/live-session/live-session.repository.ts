import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import { LiveSessionEntity, type PendingGrantChange } from '@borderlens/database';

/** Live sessions (table live_sessions): what a viewer opens, with the grants issued for it. */
@Injectable()
export class LiveSessionRepository {
  constructor(@InjectRepository(LiveSessionEntity) private readonly repo: Repository<LiveSessionEntity>) {}

  findById(id: string): Promise<LiveSessionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  lock(id: string, manager: EntityManager): Promise<LiveSessionEntity | null> {
    return manager.getRepository(LiveSessionEntity).createQueryBuilder('g').setLock('pessimistic_write').where('g.id = :id', { id }).getOne();
  }

  save(grant: LiveSessionEntity, manager: EntityManager): Promise<LiveSessionEntity> {
    return manager.getRepository(LiveSessionEntity).save(grant);
  }

  /** Sessions still running: re-decided every round. */
  findLive(): Promise<LiveSessionEntity[]> {
    return this.repo.findBy({ state: 'active' });
  }

  /** A user's sessions running now or changed since `since` (their live wall follows them). */
  findForUser(userId: string, since: Date): Promise<LiveSessionEntity[]> {
    return this.repo.createQueryBuilder('g').where("g.user_id = :userId AND (g.state = 'active' OR g.updated_at >= :since)", { userId, since }).getMany();
  }

  /** Sessions whose change the media node has not confirmed yet. */
  findPending(): Promise<LiveSessionEntity[]> {
    return this.repo.findBy({ pendingChange: Not(IsNull()) });
  }

  /** Clears a delivered change, unless a newer one replaced it meanwhile. */
  async clearPending(id: string, delivered: PendingGrantChange): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(LiveSessionEntity)
      .set({ pendingChange: null })
      .where('id = :id AND pending_change = CAST(:delivered AS jsonb)', { id, delivered: JSON.stringify(delivered) })
      .execute();
  }

  /** Sessions not renewed in time have lapsed (their tokens expired, so the media node ended them). */
  async endLapsed(before: Date): Promise<number> {
    const r = await this.repo
      .createQueryBuilder()
      .update(LiveSessionEntity)
      .set({ state: 'ended', endReason: 'lapsed: not renewed', pendingChange: null })
      .where("state = 'active' AND expires_at < :before", { before })
      .execute();
    return r.affected ?? 0;
  }

  /** Ended sessions are kept a while for support, then removed (the audit trail keeps every decision). */
  async purgeEnded(before: Date): Promise<void> {
    await this.repo.createQueryBuilder().delete().from(LiveSessionEntity).where("state = 'ended' AND pending_change IS NULL AND updated_at < :before", { before }).execute();
  }
}
