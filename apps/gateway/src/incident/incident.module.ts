import { Module } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CameraModule } from '../camera/camera.module';
import { PolicyModule } from '../policy/policy.module';
import { IncidentController } from './incident.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';
import { CountryBorders } from './country-borders';

@Module({
  imports: [PolicyModule, CameraModule],
  controllers: [IncidentController],
  providers: [
    IncidentRepository,
    IncidentService,
    // Loaded once at start; an unreadable borders file stops start-up with its name.
    { provide: CountryBorders, useFactory: (cfg: BorderlensConfig) => CountryBorders.load(cfg.incidents.bordersFile), inject: [CONFIG] },
  ],
  exports: [IncidentService],
})
export class IncidentModule {}
