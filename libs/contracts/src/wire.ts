import { Logger } from '@nestjs/common';
import { decodePacket, encodePacket } from './binary-packet';
import { RefusedCall, VerifiedCaller, type ServiceTokens } from './service-auth';
import type { ServiceName } from './patterns';

/**
 * The transport codecs that seal and open every packet between the apps (service-auth.ts). They sit
 * below the handlers, so a controller cannot forget them: a refused call reaches the guard as
 * RefusedCall, and its reply is an error whatever the handler did; a reply that is not sealed by the
 * called app for this very call becomes an error for the caller (fail closed: a refused detection
 * masks).
 */
/** NATS packets: plain JSON, or with frames as bytes (binary-packet.ts). */
export const natsPackets = {
  encode: (packet: unknown): Uint8Array => {
    const pieces = encodePacket(packet);
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  },
  decode: (raw: Uint8Array): unknown => decodePacket(raw),
};
const log = new Logger('ServiceWire');

/** Calls in flight on one side, by the transport's packet id; dropped on the last reply or after an hour. */
class InFlight<T> {
  private readonly items = new Map<string, { value: T; at: number }>();
  private swept = Date.now();
  set(id: string, value: T): void {
    const now = Date.now();
    if (now - this.swept > 60_000) {
      for (const [k, v] of this.items) if (now - v.at > 3_600_000) this.items.delete(k);
      this.swept = now;
    }
    this.items.set(id, { value, at: now });
  }
  get(id: string): T | undefined {
    return this.items.get(id)?.value;
  }
  delete(id: string): void {
    this.items.delete(id);
  }
}

interface Packet {
  id?: string;
  pattern?: unknown;
  data?: unknown;
  err?: unknown;
  response?: unknown;
  isDisposed?: boolean;
  status?: string;
}

const patternString = (p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p));

/** Server side: opens incoming calls, seals replies. `nats`: packets are bytes (NATS), else objects (TCP). */
export class ServerWire {
  private readonly calls = new InFlight<{ pattern: string; caller: ServiceName; sealId: string } | { refused: string }>();
  readonly serializer = { serialize: (packet: Packet) => this.serialize(packet) };
  readonly deserializer = { deserialize: (raw: unknown, options?: { channel?: string }) => this.deserialize(raw, options) };

  constructor(
    private readonly tokens: ServiceTokens,
    private readonly nats: boolean,
  ) {}

  private deserialize(raw: unknown, options?: { channel?: string }): Packet {
    let packet: Packet;
    try {
      packet = (this.nats ? natsPackets.decode(raw as Uint8Array) : raw) as Packet;
    } catch {
      return { pattern: options?.channel, data: { auth: new RefusedCall('undecodable packet'), data: undefined } };
    }
    if (!packet || typeof packet !== 'object') packet = {};
    // NATS routes by subject, TCP by the packet's pattern: the signature must cover the one used.
    const pattern = options?.channel ?? patternString(packet.pattern);
    try {
      const opened = this.tokens.openCall(pattern, packet.data);
      if (packet.id !== undefined) this.calls.set(String(packet.id), { pattern, caller: opened.caller, sealId: opened.id });
      return { ...packet, data: { auth: new VerifiedCaller(opened.caller, pattern, opened.id), data: opened.data } };
    } catch (e) {
      const reason = (e as Error).message;
      log.warn(`refused call of '${pattern}': ${reason}`);
      if (packet.id !== undefined) this.calls.set(String(packet.id), { refused: reason });
      return { ...packet, data: { auth: new RefusedCall(reason), data: undefined } };
    }
  }

  private serialize(packet: Packet): unknown {
    const id = packet.id === undefined ? undefined : String(packet.id);
    const call = id === undefined ? undefined : this.calls.get(id);
    let out: Packet;
    if (!call || 'refused' in call) {
      out = {
        id: packet.id,
        err: { code: 'service_unauthenticated', message: `service token refused: ${call && 'refused' in call ? call.refused : 'unknown call'}` },
        isDisposed: true,
      };
    } else if (packet.err !== undefined && packet.err !== null) {
      out = packet;
    } else {
      // A handler that returns nothing still answers with a sealed null: an unsealed reply is refused.
      out = 'response' in packet || !packet.isDisposed ? { ...packet, response: this.tokens.sealReply(call.pattern, call.caller, call.sealId, packet.response) } : packet;
    }
    if (id !== undefined && (out.isDisposed || out.err)) this.calls.delete(id);
    return this.nats ? { data: natsPackets.encode(out), headers: undefined } : out;
  }
}

/** Client side: seals outgoing calls to `target`, opens their replies. */
export class ClientWire {
  private readonly calls = new InFlight<{ pattern: string; sealId: string; answered: boolean }>();
  readonly serializer = { serialize: (packet: Packet) => this.serialize(packet) };
  readonly deserializer = { deserialize: (raw: unknown) => this.deserialize(raw) };

  constructor(
    private readonly tokens: ServiceTokens,
    private readonly target: ServiceName,
    private readonly nats: boolean,
  ) {}

  private serialize(packet: Packet): unknown {
    const pattern = patternString(packet.pattern);
    const sealed = this.tokens.sealCall(pattern, this.target, packet.data);
    if (packet.id !== undefined) this.calls.set(String(packet.id), { pattern, sealId: sealed.id, answered: false });
    const out = { ...packet, data: sealed };
    return this.nats ? { data: natsPackets.encode(out), headers: undefined } : out;
  }

  private deserialize(raw: unknown): Packet {
    let packet: Packet;
    try {
      packet = (this.nats ? natsPackets.decode(raw as Uint8Array) : raw) as Packet;
    } catch {
      return { err: 'undecodable reply', isDisposed: true };
    }
    if (!packet || typeof packet !== 'object') return { err: 'malformed reply', isDisposed: true };
    const id = packet.id === undefined ? undefined : String(packet.id);
    const call = id === undefined ? undefined : this.calls.get(id);
    // Not a call in flight (answered already, or never ours): nothing from it is believed.
    if (!call) return { id: packet.id, err: 'reply not authenticated: no such call', isDisposed: true };
    const refuse = (reason: string): Packet => {
      this.calls.delete(id!);
      log.warn(`refused reply to '${call.pattern}': ${reason}`);
      return { id: packet.id, err: `reply not authenticated: ${reason}`, isDisposed: true };
    };
    if (packet.err !== undefined && packet.err !== null) {
      this.calls.delete(id!);
      return packet;
    }
    if (packet.response === undefined) {
      if (!(call.answered && packet.isDisposed)) return refuse('unsealed reply');
      this.calls.delete(id!);
      return packet;
    }
    if (call.answered) return refuse('second reply to one call');
    try {
      const response = this.tokens.openReply(call.pattern, this.target, call.sealId, packet.response);
      call.answered = true;
      if (packet.isDisposed) this.calls.delete(id!);
      return { ...packet, response };
    } catch (e) {
      return refuse((e as Error).message);
    }
  }
}
