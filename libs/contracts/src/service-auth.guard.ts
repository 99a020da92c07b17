import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { RefusedCall, VerifiedCaller } from './service-auth';

/**
 * Lets a transport message reach its handler only when the transport codec (wire.ts) verified it:
 * signed by an app allowed to call this pattern, fresh and not replayed. Handlers read their payload
 * with `@Payload('data')` and may read the caller from `@Payload('auth')`.
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly log = new Logger(ServiceAuthGuard.name);

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    const message = context.switchToRpc().getData() as { auth?: unknown } | undefined;
    if (message?.auth instanceof VerifiedCaller) return true;
    const reason = message?.auth instanceof RefusedCall ? message.auth.reason : 'not sealed';
    this.log.warn(`refused transport call: ${reason}`);
    throw new RpcException({ code: 'service_unauthenticated', message: `service token refused: ${reason}` });
  }
}
