import { generateKeyPairSync } from 'node:crypto';
import { decodePacket, encodePacket } from './binary-packet';
import { Patterns } from './patterns';
import { ServiceTokens } from './service-auth';

function pair(): { media: ServiceTokens; anonymizer: ServiceTokens } {
  const m = generateKeyPairSync('ed25519');
  const a = generateKeyPairSync('ed25519');
  return {
    media: new ServiceTokens({ self: 'media', privateKey: m.privateKey, publicKeys: { anonymizer: a.publicKey } } as never),
    anonymizer: new ServiceTokens({ self: 'anonymizer', privateKey: a.privateKey, publicKeys: { media: m.publicKey } } as never),
  };
}

/** What crosses the wire: the sealed call inside a transport packet, encoded and decoded. */
function overTheWire(packet: unknown): unknown {
  return decodePacket(Buffer.concat(encodePacket(packet)));
}

describe('binary packets', () => {
  const frame = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 255));

  it('carries byte arrays as bytes beside the JSON, and plain packets as plain JSON', () => {
    const pieces = encodePacket({ id: '1', data: { width: 4, frame, more: [new Uint8Array([1, 2, 3])] } });
    const joined = Buffer.concat(pieces);
    expect(joined.length).toBeLessThan(frame.length + 200);
    expect(joined.includes(frame)).toBe(true);
    const back = decodePacket(joined) as { data: { frame: Buffer; more: Buffer[] } };
    expect(Buffer.isBuffer(back.data.frame)).toBe(true);
    expect(back.data.frame.equals(frame)).toBe(true);
    expect([...back.data.more[0]]).toEqual([1, 2, 3]);
    expect(Buffer.concat(encodePacket({ a: 1 })).toString()).toBe('{"a":1}');
    expect(decodePacket(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
  });

  it('refuses truncated, padded and inconsistent packets, and objects that look like placeholders', () => {
    const joined = Buffer.concat(encodePacket({ frame }));
    expect(() => decodePacket(joined.subarray(0, joined.length - 1))).toThrow(/truncated/);
    expect(() => decodePacket(Buffer.concat([joined, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodePacket(Buffer.from('{"frame":{"$bin":0}}'))).toThrow(/byte array reference/);
    expect(() => encodePacket({ user: { $bin: 0 } })).toThrow(/cannot be sent/);
  });

  it('seals byte arrays: a call with a frame opens with the same bytes', () => {
    const { media, anonymizer } = pair();
    const sealed = media.sealCall(Patterns.anonymizer.detect, 'anonymizer', { width: 10, height: 100, format: 'i420', data: frame });
    expect(sealed.body).not.toContain(frame.toString('base64').slice(0, 40));
    const opened = anonymizer.openCall(Patterns.anonymizer.detect, (overTheWire({ data: sealed }) as { data: unknown }).data);
    expect((opened.data as { data: Buffer }).data.equals(frame)).toBe(true);
  });

  it.each([
    ['a changed byte of the frame', (m: { bins: Buffer[] }) => (m.bins[0][10] ^= 1)],
    ['a frame swapped for another of the same size', (m: { bins: Buffer[] }) => (m.bins[0] = Buffer.alloc(frame.length))],
    ['the frame dropped', (m: { bins?: Buffer[] }) => delete m.bins],
    ['a frame added', (m: { bins: Buffer[] }) => m.bins.push(Buffer.from([1]))],
  ])('refuses a sealed call with %s', (_what, tamper) => {
    const { media, anonymizer } = pair();
    const sealed = media.sealCall(Patterns.anonymizer.detect, 'anonymizer', { data: frame });
    const wire = (overTheWire({ data: sealed }) as { data: { bins: Buffer[] } }).data;
    wire.bins = wire.bins.map((b) => Buffer.from(b));
    tamper(wire);
    expect(() => anonymizer.openCall(Patterns.anonymizer.detect, wire)).toThrow(/bad signature|byte array/);
  });
});
