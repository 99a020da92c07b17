import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from '@borderlens/database';
import { CheckpointRepository } from './audit-checkpoint';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntryEntity])],
  providers: [AuditRepository, AuditService, CheckpointRepository],
  exports: [AuditService, CheckpointRepository],
})
export class AuditModule {}
