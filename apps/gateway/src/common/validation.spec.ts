import { IdParam, isUuid, ParseIdPipe } from './validation';

describe('path ids', () => {
  it('recognises UUIDs only', () => {
    expect(isUuid('6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12')).toBe(true);
    expect(isUuid('6F1C2A8E-3B7D-4C59-9A1E-2D4F6B8C0E12')).toBe(true);
    for (const bad of ['', 'nope', '../6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12', '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12 ', '6f1c2a8e3b7d4c599a1e2d4f6b8c0e12'])
      expect(isUuid(bad)).toBe(false);
  });

  it("answers a non-UUID with the resource's 404 code, and passes a UUID through", () => {
    const pipe = new ParseIdPipe('clip_request');
    expect(pipe.transform('6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12')).toBe('6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12');
    expect(() => pipe.transform(undefined)).toThrow(expect.objectContaining({ code: 'clip_request_not_found' }));
    expect(() => pipe.transform('../../etc/passwd')).toThrow(
      expect.objectContaining({ code: 'clip_request_not_found', status: 404, message: "clip request '../../etc/passwd' not found" }),
    );
  });

  it('binds the pipe to the named route parameter', () => {
    class C {
      handler(_a: string, _b: string) {}
    }
    IdParam('camera')(C.prototype, 'handler', 0);
    IdParam('session', 'sessionId')(C.prototype, 'handler', 1);
    const args = Reflect.getMetadata('__routeArguments__', C, 'handler') as Record<string, { index: number; data: string; pipes: ParseIdPipe[] }>;
    const byIndex = Object.values(args).sort((a, b) => a.index - b.index);
    expect(byIndex.map((a) => a.data)).toEqual(['id', 'sessionId']);
    expect(() => byIndex[1].pipes[0].transform('x')).toThrow(expect.objectContaining({ code: 'session_not_found' }));
  });
});
