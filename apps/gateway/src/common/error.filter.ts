import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { NextFunction, Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { AppError } from './app-error';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** Every HTTP error leaves as JSON with a stable code; unexpected errors are logged, not leaked. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return throwError(() => rpcError(exception, this.log));
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let code = 'internal_error';
    let message = 'internal error';
    let details: unknown;
    if (exception instanceof AppError) {
      status = exception.getStatus();
      code = exception.code;
      message = exception.message;
      details = exception.details;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      code = CODES[status] ?? (status < 500 ? 'bad_request' : 'internal_error');
      const body = exception.getResponse();
      message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      if (Array.isArray((body as { message?: unknown }).message)) message = 'request invalid';
    } else {
      this.log.error({ err: exception, requestId: req.id }, 'unhandled error');
    }
    res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}), requestId: req.id } });
  }
}

/** Transport errors carry the same stable code and message as HTTP ones. */
function rpcError(e: unknown, log: Logger): { code: string; message: string } {
  if (e instanceof RpcException) {
    const err = e.getError();
    return typeof err === 'string' ? { code: 'bad_request', message: err } : (err as { code: string; message: string });
  }
  if (e instanceof AppError) return { code: e.code, message: e.message };
  log.error({ err: e }, 'unhandled transport error');
  return { code: 'internal_error', message: 'internal error' };
}

/** Express error middleware for the JSON body parser (bad JSON, too large, wrong charset). */
export function bodyErrors(err: { type?: string; status?: number } | undefined, req: Request & { id?: string }, res: Response, next: NextFunction): void {
  if (!err?.type || !err.status || err.status >= 500) return next(err);
  const tooLarge = err.type === 'entity.too.large';
  res.status(err.status).json({
    error: {
      code: tooLarge ? 'payload_too_large' : err.type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request',
      message: tooLarge ? 'request body too large' : err.type === 'entity.parse.failed' ? 'request body is not valid JSON' : 'request body could not be read',
      requestId: req.id,
    },
  });
}
