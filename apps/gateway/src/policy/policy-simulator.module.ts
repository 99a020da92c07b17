import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicySimulatorController } from './policy-simulator.controller';
import { PolicySimulatorService } from './policy-simulator.service';
import { PolicyModule } from './policy.module';

/** Separate from PolicyModule because it reads cameras and incidents, whose modules depend on PolicyModule. */
@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [PolicySimulatorController],
  providers: [PolicySimulatorService],
})
export class PolicySimulatorModule {}
