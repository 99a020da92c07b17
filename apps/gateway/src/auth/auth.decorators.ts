import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from '@borderlens/auth';

export const PUBLIC_KEY = 'borderlens:public';
export const ROLES_KEY = 'borderlens:roles';

/** The route needs no sign-in (health, OpenAPI, key sets). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The signed-in caller; on a @Public() route undefined unless a valid token came with the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
