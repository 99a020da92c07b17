import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import type { BorderlensConfig } from '@borderlens/config';
import { parseWithBinaries, stringifyWithBinaries } from './binary-packet';
import { mayCall, patternOwner, type ServiceName } from './patterns';
import { loadServiceKeyring, type ServiceKeyring } from './service-keys';

/**
 * Every call and every reply between the apps is sealed: the body travels as a JSON string signed
 * (Ed25519, the sender's own key) together with the pattern, sender, receiver, a unique id and an
 * expiry. The receiver checks the signature with the sender's public key, the pattern it was routed
 * by, that the sender may call that pattern (PatternCallers), the expiry, and that the id is new.
 * A reply names the id of its call and is signed by the app that was called.
 * Byte arrays in the body (frames) travel beside it as bytes (`bins`, binary-packet.ts): the body
 * holds placeholders, and the signature covers the SHA-256 of each byte array in order.
 */
export interface SealedMessage {
  v: 1;
  kind: 'call' | 'reply';
  from: string;
  to: string;
  /** Unique id of the call (a reply carries its call's id). */
  id: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  body: string;
  sig: string;
  /** Byte arrays the body refers to (absent when it has none). */
  bins?: Uint8Array[];
}

/** How long a sealed message is valid; with `MAX_SKEW_MS` for clocks of different machines. */
export const SEAL_VALIDITY_MS = 30_000;
const MAX_SKEW_MS = 5_000;

/** The authenticated caller of a call, as the deserializer hands it to the guard (never from JSON). */
export class VerifiedCaller {
  constructor(
    readonly app: ServiceName,
    readonly pattern: string,
    readonly id: string,
  ) {}
}

/** A call that was refused on receipt; the guard turns it into an error reply. */
export class RefusedCall {
  constructor(readonly reason: string) {}
}

/** What a handler receives: `@Payload('data')` is the verified body. */
export interface ServiceEnvelope<T> {
  auth: VerifiedCaller | RefusedCall;
  data: T;
}

function signedText(kind: string, pattern: string, from: string, to: string, id: string, exp: number, body: string, bins: readonly Uint8Array[] = []): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  // A line per byte array only when there are some: a message without keeps its signed text.
  const binLines = bins.map((b) => `\nbin ${b.byteLength} ${createHash('sha256').update(b).digest('hex')}`).join('');
  return Buffer.from(`borderlens-wire-1\n${kind}\n${pattern}\n${from}\n${to}\n${id}\n${exp}\n${digest}${binLines}`);
}

export class ServiceTokens {
  readonly self: ServiceName;
  /** Ids of calls already accepted, until they expire: a replayed call is refused. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly keys: ServiceKeyring) {
    this.self = keys.self;
  }

  /** The keyring of `self` from configuration (transport.keyDir). */
  static forApp(cfg: BorderlensConfig, self: ServiceName): ServiceTokens {
    return new ServiceTokens(loadServiceKeyring(cfg, self));
  }

  /** A key of its own that no other app knows, claiming to be `self`: what an intruder holds (tests). */
  static withUnknownKey(self: ServiceName): ServiceTokens {
    return new ServiceTokens({ self, privateKey: generateKeyPairSync('ed25519').privateKey, publicKeys: {} });
  }

  /** Seals a call of `pattern` to `to`. */
  sealCall(pattern: string, to: string, data: unknown): SealedMessage {
    return this.seal('call', pattern, to, randomBytes(16).toString('base64url'), data);
  }

  /** Seals the reply to call `id` of `pattern` from `to`. */
  sealReply(pattern: string, to: string, id: string, data: unknown): SealedMessage {
    return this.seal('reply', pattern, to, id, data);
  }

  private seal(kind: 'call' | 'reply', pattern: string, to: string, id: string, data: unknown): SealedMessage {
    const exp = Date.now() + SEAL_VALIDITY_MS;
    const { json: body, binaries } = stringifyWithBinaries(data === undefined ? null : data);
    const sig = sign(null, signedText(kind, pattern, this.self, to, id, exp, body, binaries), this.keys.privateKey).toString('base64url');
    return { v: 1, kind, from: this.self, to, id, exp, body, sig, ...(binaries.length ? { bins: binaries } : {}) };
  }

  /**
   * Opens a call routed to us by `pattern`: returns the caller and body; throws with the reason when
   * it is unsigned, forged, for another app or pattern, from an app not allowed to call it, expired
   * or replayed.
   */
  openCall(pattern: string, message: unknown): { caller: ServiceName; id: string; data: unknown } {
    const m = this.check('call', pattern, message);
    if (patternOwner(pattern) !== this.self) throw new Error(`pattern '${pattern}' is not served by ${this.self}`);
    if (!mayCall(m.from, pattern)) throw new Error(`${m.from} may not call '${pattern}'`);
    this.forgetExpired();
    if (this.seen.has(m.id)) throw new Error('replayed call');
    this.seen.set(m.id, m.exp + MAX_SKEW_MS);
    return { caller: m.from as ServiceName, id: m.id, data: parseWithBinaries(m.body, m.bins ?? []) };
  }

  /** Opens the reply of `from` to our call `id` of `pattern`; throws when it is not exactly that. */
  openReply(pattern: string, from: string, id: string, message: unknown): unknown {
    const m = this.check('reply', pattern, message);
    if (m.from !== from) throw new Error(`reply from ${m.from}, expected ${from}`);
    if (m.id !== id) throw new Error('reply to another call');
    return parseWithBinaries(m.body, m.bins ?? []);
  }

  private check(kind: 'call' | 'reply', pattern: string, message: unknown): SealedMessage {
    const m = message as Partial<SealedMessage> | null | undefined;
    if (!m || typeof m !== 'object' || m.v !== 1 || m.kind !== kind) throw new Error(`not a sealed ${kind}`);
    const { from, to, id, exp, body, sig } = m;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof id !== 'string' || typeof exp !== 'number' || typeof body !== 'string' || typeof sig !== 'string') {
      throw new Error(`malformed sealed ${kind}`);
    }
    const bins = m.bins ?? [];
    if (!Array.isArray(bins) || !bins.every((b) => b instanceof Uint8Array)) throw new Error(`malformed sealed ${kind}`);
    if (to !== this.self) throw new Error(`${kind} for ${to}, not ${this.self}`);
    const key = this.keys.publicKeys[from as ServiceName];
    if (!key) throw new Error(`unknown sender '${from}'`);
    if (!verify(null, signedText(kind, pattern, from, to, id, exp, body, bins), key, Buffer.from(sig, 'base64url'))) {
      throw new Error(`bad signature (sender, pattern or body do not match)`);
    }
    const now = Date.now();
    if (exp < now) throw new Error(`expired ${kind}`);
    if (exp > now + SEAL_VALIDITY_MS + MAX_SKEW_MS) throw new Error(`${kind} valid too long`);
    return m as SealedMessage;
  }

  private forgetExpired(): void {
    if (this.seen.size < 1024) return;
    const now = Date.now();
    for (const [id, until] of this.seen) if (until < now) this.seen.delete(id);
  }
}
