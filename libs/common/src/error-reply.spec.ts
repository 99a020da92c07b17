import { BadRequestException, HttpException, HttpStatus, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';
import { bodyErrors, ErrorReplyFilter, mapError, requestId, type HttpErrorBody } from './error-reply';

class TeapotError extends Error {}

/** What a response received: status and JSON body. */
function fakeResponse() {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    status(s: number) {
      sent.status = s;
      return res;
    },
    json(b: unknown) {
      sent.body = b;
      return res;
    },
    setHeader(k: string, v: string) {
      sent.headers[k.toLowerCase()] = v;
    },
  };
  return { res, sent };
}

const httpHost = (res: unknown, id = 'req-1') =>
  ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => ({ id }), getResponse: () => res }) }) as unknown as ArgumentsHost;
const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;
const rejection = (o: void | Observable<never>) =>
  lastValueFrom(o as Observable<never>).then(
    () => undefined,
    (e: unknown) => e,
  );

describe('mapError (one mapping of errors to replies)', () => {
  it('keeps the code, message and details of an HttpException thrown with a code (AppError, WHEP refusals)', () => {
    expect(mapError(new NotFoundException({ code: 'session_not_found', message: 'no such WHEP session' }))).toEqual({
      status: 404,
      reply: { code: 'session_not_found', message: 'no such WHEP session' },
      unexpected: false,
    });
    expect(mapError(new HttpException({ code: 'policy_invalid', message: 'bad', details: [{ line: 1 }] }, 400)).reply).toEqual({
      code: 'policy_invalid',
      message: 'bad',
      details: [{ line: 1 }],
    });
  });

  it("gives another HttpException its status's code, and one sentence for a validation list", () => {
    expect(mapError(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS))).toMatchObject({ status: 429, reply: { code: 'too_many_requests', message: 'slow down' } });
    expect(mapError(new BadRequestException(['a must be a string', 'b must be a number'])).reply).toEqual({ code: 'bad_request', message: 'request invalid' });
    expect(mapError(new HttpException('odd', 418)).reply.code).toBe('bad_request');
    expect(mapError(new HttpException('down', 502)).reply.code).toBe('internal_error');
  });

  it("takes an RpcException's error as the reply (a bare string is a bad request)", () => {
    expect(mapError(new RpcException({ code: 'service_unauthenticated', message: 'service token refused' })).reply).toEqual({
      code: 'service_unauthenticated',
      message: 'service token refused',
    });
    expect(mapError(new RpcException('state must be online')).reply).toEqual({ code: 'bad_request', message: 'state must be online' });
  });

  it("maps the app's own errors, and hides anything else as an internal error", () => {
    const known = (e: unknown) => (e instanceof TeapotError ? { status: 418, code: 'teapot', message: e.message } : undefined);
    expect(mapError(new TeapotError('short and stout'), known)).toEqual({ status: 418, reply: { code: 'teapot', message: 'short and stout' }, unexpected: false });
    expect(mapError(new Error('password=hunter2'), known)).toEqual({ status: 500, reply: { code: 'internal_error', message: 'internal error' }, unexpected: true });
  });
});

describe(ErrorReplyFilter.name, () => {
  let error: jest.SpyInstance;
  beforeEach(() => (error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => error.mockRestore());

  it('answers HTTP as {"error": {code, message, requestId}} with the status', () => {
    const { res, sent } = fakeResponse();
    new ErrorReplyFilter().catch(new NotFoundException({ code: 'camera_not_found', message: "camera 'x' not found" }), httpHost(res, 'abc'));
    expect(sent).toMatchObject({ status: 404, body: { error: { code: 'camera_not_found', message: "camera 'x' not found", requestId: 'abc' } } satisfies HttpErrorBody });
    expect(error).not.toHaveBeenCalled();
  });

  it('logs an unexpected error and answers 500 internal_error without its text', () => {
    const { res, sent } = fakeResponse();
    new ErrorReplyFilter().catch(new Error('secret detail'), httpHost(res));
    expect(sent).toEqual({ status: 500, body: { error: { code: 'internal_error', message: 'internal error', requestId: 'req-1' } }, headers: {} });
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('answers the transport with the reply itself, {code, message}', async () => {
    const filter = new ErrorReplyFilter({ known: (e) => (e instanceof TeapotError ? { code: 'teapot', message: e.message } : undefined) });
    await expect(rejection(filter.catch(new TeapotError('tip me'), rpcHost))).resolves.toEqual({ code: 'teapot', message: 'tip me' });
    await expect(rejection(filter.catch(new NotFoundException({ code: 'incident_not_found', message: 'gone' }), rpcHost))).resolves.toEqual({
      code: 'incident_not_found',
      message: 'gone',
    });
    await expect(rejection(filter.catch(new Error('boom'), rpcHost))).resolves.toEqual({ code: 'internal_error', message: 'internal error' });
  });

  it("lets an app choose its reply to the unexpected (the anonymizer's inference_failed)", async () => {
    const filter = new ErrorReplyFilter({ unexpected: (e) => ({ code: 'inference_failed', message: (e as Error).message }) });
    await expect(rejection(filter.catch(new Error('onnxruntime: out of memory'), rpcHost))).resolves.toEqual({ code: 'inference_failed', message: 'onnxruntime: out of memory' });
  });
});

describe('request ids and body errors', () => {
  it('keeps a sane X-Request-Id, replaces anything else, and echoes it', () => {
    const { res, sent } = fakeResponse();
    expect(requestId({ headers: { 'x-request-id': 'abc-1.2_3' } } as never, res as never)).toBe('abc-1.2_3');
    expect(sent.headers['x-request-id']).toBe('abc-1.2_3');
    expect(requestId({ headers: { 'x-request-id': 'no spaces <b>' } } as never, res as never)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a body that is not JSON or too large in the same shape', () => {
    const { res, sent } = fakeResponse();
    const next = jest.fn();
    bodyErrors({ type: 'entity.parse.failed', status: 400 }, { id: 'r9' } as never, res as never, next);
    expect(sent).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', message: 'request body is not valid JSON', requestId: 'r9' } } });
    bodyErrors({ type: 'entity.too.large', status: 413 }, { id: 'r9' } as never, res as never, next);
    expect(sent).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    bodyErrors(undefined, {} as never, res as never, next);
    expect(next).toHaveBeenCalledWith(undefined);
  });
});
