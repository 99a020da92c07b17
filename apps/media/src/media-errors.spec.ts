import { NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { lastValueFrom, type Observable } from 'rxjs';
import { ErrorReplyFilter, type HttpErrorBody } from '@borderlens/common';
import { ClipError, ClipNotFound } from './clip/clip.service';
import { mediaErrors } from './media-errors';

const filter = new ErrorReplyFilter({ known: mediaErrors });
const rpc = (e: unknown) =>
  lastValueFrom(filter.catch(e, { getType: () => 'rpc' } as unknown as ArgumentsHost) as Observable<never>).then(
    () => undefined,
    (r: unknown) => r,
  );
function http(e: unknown): { status?: number; body?: unknown } {
  const sent: { status?: number; body?: unknown } = {};
  const res = { status: (s: number) => ((sent.status = s), res), json: (b: unknown) => ((sent.body = b), res) };
  filter.catch(e, { getType: () => 'http', switchToHttp: () => ({ getRequest: () => ({ id: 'req-m' }), getResponse: () => res }) } as unknown as ArgumentsHost);
  return sent;
}

describe("the media node's error replies", () => {
  it('answers clip errors over the transport with bad_request and not_found', async () => {
    await expect(rpc(new ClipError('at most 900 s'))).resolves.toEqual({ code: 'bad_request', message: 'at most 900 s' });
    await expect(rpc(new ClipNotFound('no clip export c1'))).resolves.toEqual({ code: 'not_found', message: 'no clip export c1' });
  });

  it("answers WHEP refusals over HTTP in the gateway's shape", () => {
    expect(http(new NotFoundException({ code: 'session_not_found', message: 'no such WHEP session' }))).toEqual({
      status: 404,
      body: { error: { code: 'session_not_found', message: 'no such WHEP session', requestId: 'req-m' } } satisfies HttpErrorBody,
    });
    expect(http(new ClipNotFound('no clip c2'))).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'no clip c2', requestId: 'req-m' } } });
  });
});
