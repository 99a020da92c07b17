import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { BorderlensConfig } from '@borderlens/config';
import { ServiceName } from './patterns';
import { ServiceTokens } from './service-auth';
import { clientTransport } from './transport';

/** Error a remote app returned (or the transport raised), with the pattern that failed. */
export class ServiceCallError extends Error {
  constructor(
    readonly pattern: string,
    message: string,
    /** The remote app's error code (RpcException({ code, message })), e.g. not_found; none for the transport's errors. */
    readonly code?: string,
  ) {
    super(`${pattern}: ${message}`);
    this.name = 'ServiceCallError';
  }
}

/**
 * Authenticated request/reply client for one other app: each call is sealed with this app's key, and
 * only a reply sealed by `target` for that very call is returned (wire.ts); anything else throws.
 */
export class ServiceClient {
  private readonly proxy: ClientProxy;

  constructor(
    private readonly cfg: BorderlensConfig,
    private readonly target: ServiceName,
    readonly tokens: ServiceTokens,
  ) {
    this.proxy = ClientProxyFactory.create(clientTransport(cfg, target, tokens));
  }

  static create(cfg: BorderlensConfig, self: ServiceName, target: ServiceName): ServiceClient {
    return new ServiceClient(cfg, target, ServiceTokens.forApp(cfg, self));
  }

  async send<TReply, TData = unknown>(pattern: string, data: TData, timeoutMs = this.cfg.transport.timeoutMs): Promise<TReply> {
    try {
      return await firstValueFrom(this.proxy.send<TReply>(pattern, data).pipe(timeout(timeoutMs)));
    } catch (e) {
      const message = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
      const code = typeof e === 'object' && e && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
      throw new ServiceCallError(pattern, message, code);
    }
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}
