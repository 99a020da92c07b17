import { Logger, type ArgumentsHost } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';
import type { HttpErrorBody } from '@borderlens/common';
import { anonymizerErrorFilter } from './anonymizer.controller';
import { AnonymizerError } from './anonymizer.service';

const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;
const reply = (e: unknown) =>
  lastValueFrom(anonymizerErrorFilter.catch(e, rpcHost) as Observable<never>).then(
    () => undefined,
    (r: unknown) => r,
  );

describe("the anonymizer's error replies", () => {
  let error: jest.SpyInstance;
  beforeEach(() => (error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => error.mockRestore());

  it('answers its own errors with their stable code, validation with bad_request', async () => {
    await expect(reply(new AnonymizerError('unavailable', 'models not loaded yet'))).resolves.toEqual({ code: 'unavailable', message: 'models not loaded yet' });
    await expect(reply(new AnonymizerError('bad_request', 'i420 frame 10x10 needs 150 bytes, got 3'))).resolves.toEqual({
      code: 'bad_request',
      message: 'i420 frame 10x10 needs 150 bytes, got 3',
    });
    await expect(reply(new RpcException({ code: 'bad_request', message: 'width must be an integer' }))).resolves.toEqual({
      code: 'bad_request',
      message: 'width must be an integer',
    });
  });

  it('fails closed on anything else: inference_failed, never a frame', async () => {
    await expect(reply(new Error('onnxruntime: out of memory'))).resolves.toEqual({ code: 'inference_failed', message: 'onnxruntime: out of memory' });
  });

  it("is the gateway's shape over HTTP: {error: {code, message, requestId}} with the status", () => {
    const sent: { status?: number; body?: unknown } = {};
    const res = { status: (s: number) => ((sent.status = s), res), json: (b: unknown) => ((sent.body = b), res) };
    const host = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => ({ id: 'req-7' }), getResponse: () => res }) } as unknown as ArgumentsHost;
    anonymizerErrorFilter.catch(new AnonymizerError('unavailable', 'models not loaded yet'), host);
    expect(sent).toEqual({ status: 503, body: { error: { code: 'unavailable', message: 'models not loaded yet', requestId: 'req-7' } } satisfies HttpErrorBody });
  });
});
