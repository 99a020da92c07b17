import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { BorderlensConfig } from '@borderlens/config';
import { serviceSecret } from '@borderlens/config';
import { ServiceName } from './patterns';
import { ServiceTokens, type ServiceEnvelope } from './service-auth';
import { clientTransport } from './transport';

/** Error a remote app returned (or the transport raised), with the pattern that failed. */
export class ServiceCallError extends Error {
  constructor(readonly pattern: string, message: string) {
    super(`${pattern}: ${message}`);
    this.name = 'ServiceCallError';
  }
}

/** Authenticated request/reply client for one other app. */
export class ServiceClient {
  private readonly proxy: ClientProxy;

  constructor(
    private readonly cfg: BorderlensConfig,
    private readonly target: ServiceName,
    private readonly tokens: ServiceTokens,
  ) {
    this.proxy = ClientProxyFactory.create(clientTransport(cfg, target));
  }

  static create(cfg: BorderlensConfig, self: ServiceName, target: ServiceName): ServiceClient {
    return new ServiceClient(cfg, target, new ServiceTokens(serviceSecret(cfg), self));
  }

  async send<TReply, TData = unknown>(pattern: string, data: TData, timeoutMs = this.cfg.transport.timeoutMs): Promise<TReply> {
    const envelope: ServiceEnvelope<TData> = { auth: await this.tokens.tokenFor(this.target), data };
    try {
      return await firstValueFrom(this.proxy.send<TReply>(pattern, envelope).pipe(timeout(timeoutMs)));
    } catch (e) {
      const message = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
      throw new ServiceCallError(pattern, message);
    }
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}
