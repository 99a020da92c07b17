import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { NextFunction, Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';

/**
 * What every error reply of the three apps carries: a stable machine-readable code, a message safe to
 * show, and details where they help (e.g. policy validation problems). Over the transport it is the
 * error itself; over HTTP it is wrapped with the request id:
 * `{"error": {"code", "message", "details?", "requestId"}}` with the HTTP status of the response.
 */
export interface ErrorReply {
  code: string;
  message: string;
  details?: unknown;
}

/** The JSON body of an HTTP error response (gateway, media node). */
export interface HttpErrorBody {
  error: ErrorReply & { requestId?: string };
}

/** An app's own error classes as replies (with their HTTP status); undefined for anything else. */
export type KnownErrors = (e: unknown) => (ErrorReply & { status?: number }) | undefined;

/** The stable code of an HTTP error that carries none of its own. */
export const STATUS_CODES: Readonly<Record<number, string>> = {
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

export interface MappedError {
  status: number;
  reply: ErrorReply;
  /** Not an error a caller can cause: logged, and its text is not sent (unless the app says so). */
  unexpected: boolean;
}

/**
 * The one mapping of a thrown value to a reply. An HttpException thrown with `{code, message}` (the
 * gateway's AppError, the media node's WHEP refusals) keeps its code; another HttpException gets the
 * code of its status; an RpcException's error is the reply (a bare string is a bad request); `known`
 * maps the app's own error classes; anything else is an internal error.
 */
export function mapError(e: unknown, known?: KnownErrors): MappedError {
  const own = known?.(e);
  if (own) {
    const { status = HttpStatus.BAD_REQUEST, ...reply } = own;
    return { status, reply: withoutUndefined(reply), unexpected: false };
  }
  if (e instanceof RpcException) {
    const err = e.getError();
    if (typeof err === 'string') return { status: HttpStatus.BAD_REQUEST, reply: { code: 'bad_request', message: err }, unexpected: false };
    const r = err as Partial<ErrorReply>;
    return {
      status: HttpStatus.BAD_REQUEST,
      reply: withoutUndefined({ code: String(r.code ?? 'bad_request'), message: String(r.message ?? 'request refused'), details: r.details }),
      unexpected: false,
    };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const body = e.getResponse();
    const b = (typeof body === 'object' && body ? body : {}) as { code?: unknown; message?: unknown; details?: unknown };
    const code = typeof b.code === 'string' ? b.code : (STATUS_CODES[status] ?? (status < 500 ? 'bad_request' : 'internal_error'));
    // Nest's ValidationPipe lists every problem in `message`: the caller gets one sentence.
    const message = typeof body === 'string' ? body : Array.isArray(b.message) ? 'request invalid' : String(b.message ?? e.message);
    return { status, reply: withoutUndefined({ code, message, details: typeof b.code === 'string' ? b.details : undefined }), unexpected: false };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, reply: { code: 'internal_error', message: 'internal error' }, unexpected: true };
}

export interface ErrorReplyOptions {
  /** The app's own error classes. */
  known?: KnownErrors;
  /** The reply to an unexpected error (default: internal_error without its text). */
  unexpected?: (e: unknown) => ErrorReply;
}

/**
 * Every error of an app's HTTP routes and transport handlers leaves through here: HTTP as
 * `{"error": {...}}` with the request id, the transport as the ErrorReply itself. Unexpected errors
 * are logged, not leaked. Registered globally (`useGlobalFilters`, and `inheritAppConfig` for the
 * transport) or on a transport-only app's controllers.
 */
@Catch()
export class ErrorReplyFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  constructor(private readonly options: ErrorReplyOptions = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    const { status, reply, unexpected } = mapError(exception, this.options.known);
    if (host.getType() === 'rpc') {
      if (unexpected) this.log.error({ err: exception }, 'unhandled transport error');
      return throwError(() => (unexpected && this.options.unexpected ? this.options.unexpected(exception) : reply));
    }
    const req = host.switchToHttp().getRequest<Request & { id?: string }>();
    if (unexpected) this.log.error({ err: exception, requestId: req.id }, 'unhandled error');
    sendError(host.switchToHttp().getResponse<Response>(), status, reply, req.id);
  }
}

/** Writes an HTTP error response in the one shape. */
export function sendError(res: Response, status: number, reply: ErrorReply, requestId: string | undefined): void {
  const body: HttpErrorBody = { error: { ...reply, requestId } };
  res.status(status).json(body);
}

const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is sane, else makes one; echoed in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && VALID_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Express middleware that gives every request its id (`req.id`): register it before the body parsers. */
export function requestIds(req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void {
  req.id = requestId(req, res);
  next();
}

/** Express error middleware for the body parsers (bad JSON, too large, wrong charset), in the same shape. */
export function bodyErrors(err: { type?: string; status?: number } | undefined, req: Request & { id?: string }, res: Response, next: NextFunction): void {
  if (!err?.type || !err.status || err.status >= 500) return next(err);
  const tooLarge = err.type === 'entity.too.large';
  const invalid = err.type === 'entity.parse.failed';
  sendError(
    res,
    err.status,
    {
      code: tooLarge ? 'payload_too_large' : invalid ? 'invalid_json' : 'bad_request',
      message: tooLarge ? 'request body too large' : invalid ? 'request body is not valid JSON' : 'request body could not be read',
    },
    req.id,
  );
}

function withoutUndefined(r: ErrorReply): ErrorReply {
  return r.details === undefined ? { code: r.code, message: r.message } : r;
}
