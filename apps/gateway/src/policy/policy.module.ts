import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { PolicyController } from './policy.controller';
import { PolicyRepository } from './policy.repository';
import { PolicyService } from './policy.service';

/** The active Cedar policies, every authorisation decision, and the policy versions API. */
@Module({
  imports: [OrganisationModule],
  controllers: [PolicyController],
  providers: [PolicyRepository, ActivePolicyService, AuthorizationService, PolicyService],
  exports: [ActivePolicyService, AuthorizationService, PolicyService],
})
export class PolicyModule {}
