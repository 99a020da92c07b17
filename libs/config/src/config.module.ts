import { DynamicModule, Global, Module } from '@nestjs/common';
import { loadConfig } from './load-config';
import type { BorderlensConfig } from './config.types';

export const CONFIG = Symbol('BORDERLENS_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Provides the loaded configuration under the CONFIG token (inject with @Inject(CONFIG)). */
  static forRoot(config: BorderlensConfig = loadConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
