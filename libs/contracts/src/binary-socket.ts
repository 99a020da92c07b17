import { TcpSocket } from '@nestjs/microservices';
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { decodePacket, encodePacket } from './binary-packet';

/** Largest packet accepted (a 4K frame in yuv420p is ~12 MiB). */
export const MAX_TCP_PACKET_BYTES = 64 * 1024 * 1024;
/** Bytes queued for one slow peer before the connection is dropped (as Nest's JsonSocket). */
const MAX_SEND_BUFFER_BYTES = 128 * 1024 * 1024;
/** A peer that stops in the middle of a packet is dropped after this. */
const INCOMPLETE_PACKET_TIMEOUT_MS = 30_000;

/**
 * The TCP framing of the apps' transport (the `socketClass` of Nest's TCP client and server): each
 * packet is a 4-byte length and the packet's bytes (binary-packet.ts), so frames travel as bytes
 * instead of base64 inside JSON. Back-pressure and limits as Nest's JsonSocket.
 *
 * A peer that speaks Nest's plain JSON framing (`length#json`: any Nest TCP client without this
 * class) is answered in that framing, so it gets a clear refusal rather than a dropped connection. The
 * two cannot be confused: a plain frame starts with an ASCII digit, a binary one with a length byte
 * below 0x30 (packets are far below 768 MiB).
 */
export class BinaryPacketSocket extends TcpSocket {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private backpressured = false;
  private incompleteTimer?: NodeJS.Timeout;
  /** Set when the peer speaks the plain JSON framing: text received so far. */
  private text?: { decoder: StringDecoder; buffer: string };

  constructor(socket: Socket) {
    super(socket);
    socket.on('close', () => clearTimeout(this.incompleteTimer));
  }

  protected handleSend(message: unknown, callback?: (err?: unknown) => void): void {
    if (this.text) {
      const json = JSON.stringify(message);
      if (!this.netSocket.write(`${json.length}#${json}`, 'utf8', callback)) this.pause();
      return;
    }
    const pieces = encodePacket(message);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(pieces.reduce((n, p) => n + p.length, 0));
    const s = this.netSocket;
    s.cork();
    let flushed = s.write(head);
    pieces.forEach((p, i) => (flushed = s.write(p, i === pieces.length - 1 ? callback : undefined)));
    s.uncork();
    // As JsonSocket: a peer that does not read its replies stops being read.
    if (!flushed) this.pause();
    if (s.writableLength > MAX_SEND_BUFFER_BYTES) this.handleDataError(new Error(`peer reads too slowly (${s.writableLength} bytes queued)`), { destroy: true });
  }

  private pause(): void {
    if (this.backpressured) return;
    this.backpressured = true;
    this.netSocket.pause();
    this.netSocket.once('drain', () => {
      this.backpressured = false;
      this.netSocket.resume();
      try {
        if (this.text) this.processText();
        else this.process();
      } catch (e) {
        this.handleDataError(e as Error, { destroy: true });
      }
    });
  }

  protected handleData(data: Buffer | string): void {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (!this.text && this.buffered === 0 && chunk.length > 0 && chunk[0] >= 0x30 && chunk[0] <= 0x39) this.text = { decoder: new StringDecoder('utf8'), buffer: '' };
    if (this.text) {
      this.text.buffer += this.text.decoder.write(chunk);
      if (this.text.buffer.length > MAX_TCP_PACKET_BYTES) throw new Error('plain JSON packet too large');
      this.processText();
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.process();
  }

  private process(): void {
    while (!this.backpressured && this.buffered >= 4) {
      const first = this.chunks[0].length >= 4 ? this.chunks[0] : this.join();
      const length = first.readUInt32BE(0);
      if (length > MAX_TCP_PACKET_BYTES) {
        this.chunks = [];
        this.buffered = 0;
        throw new Error(`packet of ${length} bytes is larger than ${MAX_TCP_PACKET_BYTES}`);
      }
      if (this.buffered < 4 + length) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : this.join();
      const packet = all.subarray(4, 4 + length);
      const rest = all.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.netSocket.emit('message', decodePacket(packet) ?? {});
    }
    clearTimeout(this.incompleteTimer);
    if (this.buffered > 0) {
      this.incompleteTimer = setTimeout(() => {
        this.chunks = [];
        this.buffered = 0;
        this.handleDataError(new Error(`incomplete packet for ${INCOMPLETE_PACKET_TIMEOUT_MS} ms`), { destroy: true });
      }, INCOMPLETE_PACKET_TIMEOUT_MS);
      this.incompleteTimer.unref();
    }
  }

  /** Nest's plain framing: `<length in characters>#<JSON>`. */
  private processText(): void {
    const t = this.text!;
    while (!this.backpressured) {
      const hash = t.buffer.indexOf('#');
      if (hash < 0) break;
      const length = Number(t.buffer.slice(0, hash));
      if (!/^\d+$/.test(t.buffer.slice(0, hash)) || length > MAX_TCP_PACKET_BYTES) throw new Error('corrupted packet length');
      if (t.buffer.length < hash + 1 + length) break;
      const json = t.buffer.slice(hash + 1, hash + 1 + length);
      t.buffer = t.buffer.slice(hash + 1 + length);
      this.netSocket.emit('message', (JSON.parse(json) as unknown) ?? {});
    }
  }

  private join(): Buffer {
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}
