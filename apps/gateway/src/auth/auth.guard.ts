import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenError, TokenVerifier, type Principal, type Role } from '@borderlens/auth';
import { reasonLanguage } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

/**
 * Every HTTP route needs a valid Keycloak bearer token (401 otherwise) unless marked @Public();
 * @Roles() then requires one of the roles (403 otherwise). On a public route a valid token, when
 * sent, still names the caller (health details for administrators); an invalid one is ignored there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    // The caller's language (the policies' reasons are given in it), beside what the token says.
    const language = reasonLanguage(req.headers['accept-language']);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      if (match)
        req.principal = await this.verifier.verify(match[1]).then(
          (p) => ({ ...p, language }),
          () => undefined,
        );
      return true;
    }
    if (!match) throw new AppError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'a bearer token is required');
    try {
      req.principal = { ...(await this.verifier.verify(match[1])), language };
    } catch (e) {
      const message = e instanceof TokenError ? e.message : 'token invalid';
      throw new AppError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !roles.some((r) => req.principal!.roles.includes(r))) {
      throw AppError.forbidden(`this needs one of the roles: ${roles.join(', ')}`, 'role_required');
    }
    return true;
  }
}
