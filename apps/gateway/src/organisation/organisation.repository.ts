import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OrganisationEntity } from '@borderlens/database';

@Injectable()
export class OrganisationRepository {
  constructor(@InjectRepository(OrganisationEntity) private readonly repo: Repository<OrganisationEntity>) {}

  findAll(): Promise<OrganisationEntity[]> {
    return this.repo.find({ order: { country: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<OrganisationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async insertMany(orgs: Partial<OrganisationEntity>[]): Promise<void> {
    await this.repo.insert(orgs);
  }
}
