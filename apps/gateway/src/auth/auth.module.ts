import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { TokenVerifier } from '@borderlens/auth';
import { AuthGuard } from './auth.guard';

@Global()
@Module({
  providers: [
    { provide: TokenVerifier, inject: [CONFIG], useFactory: (cfg: BorderlensConfig) => TokenVerifier.fromConfig(cfg) },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
