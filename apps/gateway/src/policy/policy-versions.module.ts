import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicySimulatorController } from './policy-simulator.controller';
import { PolicySimulatorService } from './policy-simulator.service';
import { PolicyController } from './policy.controller';
import { PolicyModule } from './policy.module';
import { PolicyService } from './policy.service';

/**
 * Writing policies: the policy versions API (drafts, validation, activation with co-signing, rollback)
 * and the simulator of a draft. The simulator evaluates a draft on real cameras and incidents, so this
 * sits above CameraModule and IncidentModule, which decide with PolicyModule below them: calls go one
 * way (versions -> cameras, incidents -> deciding), with no module that exists only to break a cycle.
 */
@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [PolicyController, PolicySimulatorController],
  providers: [PolicyService, PolicySimulatorService],
})
export class PolicyVersionsModule {}
