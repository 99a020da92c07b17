import { Injectable } from '@nestjs/common';
import type { OrganisationEntity } from '@borderlens/database';
import { AppError } from '../common/app-error';
import { OrganisationRepository } from './organisation.repository';

@Injectable()
export class OrganisationService {
  constructor(private readonly repo: OrganisationRepository) {}

  findAll(): Promise<OrganisationEntity[]> {
    return this.repo.findAll();
  }

  async findOne(id: string): Promise<OrganisationEntity> {
    const org = await this.repo.findById(id);
    if (!org) throw AppError.notFound('organisation', id);
    return org;
  }
}
