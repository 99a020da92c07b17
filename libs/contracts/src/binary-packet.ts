/**
 * Packets between the apps with binary payloads (frames) carried as bytes, not as base64 inside JSON.
 *
 * A packet holding a Uint8Array (a Buffer) anywhere is written as
 *   MAGIC | u32 json length | JSON | u32 count | (u32 length | bytes) x count
 * where the JSON has a placeholder {"$bin": i} in place of the i-th byte array. A packet without one
 * stays plain JSON (what NATS tools, and the wire tests, read). Packets are sealed one layer up
 * (service-auth.ts): the seal signs the digest of every byte array, so nothing here is trusted.
 */

/** First bytes of a packet with byte arrays: a NUL, which no JSON text starts with. */
export const BINARY_PACKET_MAGIC = Buffer.from([0x00, 0x42, 0x4c, 0x31]); // \0 B L 1
/** Byte arrays one packet may carry. */
export const MAX_PACKET_BINARIES = 64;
const BIN_KEY = '$bin';

export class BinaryPacketError extends Error {}

/** JSON of `value` with its byte arrays taken out (placeholders in their place). */
export function stringifyWithBinaries(value: unknown): { json: string; binaries: Buffer[] } {
  const binaries: Buffer[] = [];
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // Buffer.toJSON has already run on `v`: the holder still has the original.
    const original = this[key];
    if (original instanceof Uint8Array) {
      if (binaries.length >= MAX_PACKET_BINARIES) throw new BinaryPacketError(`more than ${MAX_PACKET_BINARIES} byte arrays in one packet`);
      binaries.push(Buffer.isBuffer(original) ? original : Buffer.from(original.buffer, original.byteOffset, original.byteLength));
      return { [BIN_KEY]: binaries.length - 1 };
    }
    // An object of its own with the placeholder key would be taken for a byte array on the other side.
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, BIN_KEY)) {
      throw new BinaryPacketError(`an object key '${BIN_KEY}' cannot be sent`);
    }
    return v;
  });
  return { json: json ?? 'null', binaries };
}

/**
 * Parses JSON written by stringifyWithBinaries: each placeholder becomes its byte array, each of
 * which must be used exactly once; with no byte arrays given, a placeholder is an error.
 */
export function parseWithBinaries(json: string, binaries: readonly Uint8Array[]): unknown {
  const used = new Set<number>();
  const value = JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, BIN_KEY)) {
      const i = (v as Record<string, unknown>)[BIN_KEY];
      if (Object.keys(v).length !== 1 || typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= binaries.length || used.has(i)) {
        throw new BinaryPacketError('bad byte array reference');
      }
      used.add(i);
      const b = binaries[i];
      return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    return v;
  }) as unknown;
  if (used.size !== binaries.length) throw new BinaryPacketError('unreferenced byte array');
  return value;
}

/** The packet as bytes, in pieces (a socket writes them without joining). */
export function encodePacket(packet: unknown): Buffer[] {
  const { json, binaries } = stringifyWithBinaries(packet);
  if (!binaries.length) return [Buffer.from(json, 'utf8')];
  const text = Buffer.from(json, 'utf8');
  const head = Buffer.allocUnsafe(BINARY_PACKET_MAGIC.length + 8);
  BINARY_PACKET_MAGIC.copy(head, 0);
  head.writeUInt32BE(text.length, 4);
  const count = Buffer.allocUnsafe(4 + 4 * binaries.length);
  count.writeUInt32BE(binaries.length, 0);
  const out: Buffer[] = [head.subarray(0, 8), text, count.subarray(0, 4)];
  binaries.forEach((b, i) => {
    count.writeUInt32BE(b.length, 4 + 4 * i);
    out.push(count.subarray(4 + 4 * i, 8 + 4 * i), b);
  });
  return out;
}

/** A packet from its bytes (plain JSON or with byte arrays); the byte arrays are views into `raw`. */
export function decodePacket(raw: Uint8Array): unknown {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (buf.length < BINARY_PACKET_MAGIC.length || !buf.subarray(0, BINARY_PACKET_MAGIC.length).equals(BINARY_PACKET_MAGIC)) {
    return parseWithBinaries(buf.toString('utf8'), []);
  }
  let at = BINARY_PACKET_MAGIC.length;
  const u32 = () => {
    if (at + 4 > buf.length) throw new BinaryPacketError('truncated packet');
    const v = buf.readUInt32BE(at);
    at += 4;
    return v;
  };
  const take = (n: number) => {
    if (at + n > buf.length) throw new BinaryPacketError('truncated packet');
    const b = buf.subarray(at, at + n);
    at += n;
    return b;
  };
  const json = take(u32()).toString('utf8');
  const count = u32();
  if (count > MAX_PACKET_BINARIES) throw new BinaryPacketError('too many byte arrays');
  const binaries: Buffer[] = [];
  for (let i = 0; i < count; i++) binaries.push(take(u32()));
  if (at !== buf.length) throw new BinaryPacketError('trailing bytes after the packet');
  return parseWithBinaries(json, binaries);
}
