import { Global, Module } from '@nestjs/common';
import { SchedulerService } from './scheduler.service';

/** The one owner of the gateway's periodic timers (see SchedulerService). */
@Global()
@Module({ providers: [SchedulerService], exports: [SchedulerService] })
export class SchedulerModule {}
