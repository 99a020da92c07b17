import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { CameraEntity } from '@borderlens/database';

@Injectable()
export class CameraRepository {
  constructor(@InjectRepository(CameraEntity) private readonly repo: Repository<CameraEntity>) {}

  findAll(): Promise<CameraEntity[]> {
    return this.repo.find({ order: { organisationId: 'ASC', name: 'ASC' } });
  }

  findById(id: string): Promise<CameraEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByPushKeyHash(hash: string): Promise<CameraEntity | null> {
    return this.repo.findOneBy({ pushKeyHash: hash });
  }

  /** Cameras to record: recording on, and not disabled. */
  findRecording(): Promise<CameraEntity[]> {
    return this.repo.findBy({ recordingEnabled: true, disabledAt: IsNull() });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  save(camera: CameraEntity, manager: EntityManager): Promise<CameraEntity> {
    return manager.getRepository(CameraEntity).save(camera);
  }

  async remove(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(CameraEntity).delete({ id });
  }

  async setState(id: string, state: CameraEntity['state'], reason: string | null): Promise<boolean> {
    const r = await this.repo.update({ id }, { state, stateReason: reason });
    return (r.affected ?? 0) > 0;
  }
}
