import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { PolicyRepository } from './policy.repository';

/**
 * Deciding: the active Cedar policies and every authorisation decision. The bottom of the gateway's
 * calls: cameras, incidents, live sessions, recordings, clips and analytics all import it, and it
 * depends on nothing of theirs. Writing and simulating policies is PolicyVersionsModule, above them.
 */
@Module({
  imports: [OrganisationModule],
  providers: [PolicyRepository, ActivePolicyService, AuthorizationService],
  exports: [ActivePolicyService, AuthorizationService, PolicyRepository],
})
export class PolicyModule {}
