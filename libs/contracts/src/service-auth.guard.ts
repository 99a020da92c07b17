import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ServiceTokens } from './service-auth';

export const SERVICE_TOKENS = Symbol('SERVICE_TOKENS');

/**
 * Refuses transport messages without a valid service token. Handlers read their payload with
 * `@Payload('data')`.
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly log = new Logger(ServiceAuthGuard.name);

  constructor(private readonly tokens: ServiceTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    const message = context.switchToRpc().getData() as { auth?: unknown } | undefined;
    try {
      await this.tokens.verify(message?.auth);
      return true;
    } catch (e) {
      this.log.warn(`refused transport call: ${(e as Error).message}`);
      throw new RpcException({ code: 'service_unauthenticated', message: 'service token missing or invalid' });
    }
  }
}
