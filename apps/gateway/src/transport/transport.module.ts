import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { ServiceAuthGuard, ServiceClient, ServiceName, ServiceTokens } from '@borderlens/contracts';

export const MEDIA_CLIENT = Symbol('MEDIA_CLIENT');
export const ANONYMIZER_CLIENT = Symbol('ANONYMIZER_CLIENT');

/** The gateway's side of the transport: its service token issuer/verifier and clients to the other apps. */
@Global()
@Module({
  providers: [
    { provide: ServiceTokens, inject: [CONFIG], useFactory: (cfg: BorderlensConfig) => ServiceTokens.forApp(cfg, ServiceName.gateway) },
    ServiceAuthGuard,
    { provide: MEDIA_CLIENT, inject: [CONFIG, ServiceTokens], useFactory: (cfg: BorderlensConfig, t: ServiceTokens) => new ServiceClient(cfg, ServiceName.media, t) },
    { provide: ANONYMIZER_CLIENT, inject: [CONFIG, ServiceTokens], useFactory: (cfg: BorderlensConfig, t: ServiceTokens) => new ServiceClient(cfg, ServiceName.anonymizer, t) },
  ],
  exports: [ServiceTokens, ServiceAuthGuard, MEDIA_CLIENT, ANONYMIZER_CLIENT],
})
export class TransportModule implements OnApplicationShutdown {
  constructor(
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
    @Inject(ANONYMIZER_CLIENT) private readonly anonymizer: ServiceClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.media.close(), this.anonymizer.close()]);
  }
}
