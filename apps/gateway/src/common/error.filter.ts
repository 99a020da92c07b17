import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
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

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
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
      // body-parser errors (too large, bad JSON) arrive with a type.
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      code = exception.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_json';
      message = exception.type === 'entity.too.large' ? 'request body too large' : 'request body is not valid JSON';
    } else {
      this.log.error({ err: exception, requestId: req.id }, 'unhandled error');
    }
    res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}), requestId: req.id } });
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string' && typeof (e as { status?: unknown }).status === 'number' && (e as { status: number }).status < 500;
}
