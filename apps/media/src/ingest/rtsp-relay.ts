import { connect as tcpConnect, createServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where the relay dials: the address the camera's host was checked to be, never anything else. */
export interface RelayTarget {
  /** The checked IP address. */
  address: string;
  port: number;
  /** rtsps: TLS to the camera (the relay speaks TLS, ffmpeg plain RTSP on loopback). */
  tls?: { servername?: string };
}

/** Why the relay cut a camera connection; `location` is where the camera wanted ffmpeg to go. */
export interface RelayRefusal {
  reason: 'redirect' | 'malformed';
  detail: string;
  location?: string;
}

/** Largest RTSP header block accepted from a camera (a real one is a few hundred bytes). */
const MAX_HEADER_BYTES = 64 * 1024;
/** ffprobe and ffmpeg each open one connection per attempt; a few more are harmless, hundreds are not. */
const MAX_CONNECTIONS = 4;

/**
 * A loopback TCP relay for one connection attempt to an RTSP camera. ffmpeg (and ffprobe) are given
 * `rtsp://127.0.0.1:<relay port>/...` instead of the camera, so the only host they can reach is this
 * relay, and the relay dials only the checked address. On the way back it reads the camera's RTSP
 * messages (between interleaved `$` data frames) and cuts the connection before ffmpeg sees a 3xx
 * response or a server REDIRECT request: ffmpeg would otherwise follow it to any host. For UDP
 * transport it names the checked address as the RTP `source`, so ffmpeg sends its UDP (NAT
 * punch-through, RTCP) to the camera and not to a host or loopback port the camera chose.
 */
export class RtspRelay {
  /** Set when a camera connection was cut (the first reason). */
  refusal?: RelayRefusal;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly target: RelayTarget,
  ) {}

  static open(target: RelayTarget): Promise<RtspRelay> {
    if (!isIP(target.address)) return Promise.reject(new Error(`relay target must be an IP address, got '${target.address}'`));
    return new Promise((resolve, reject) => {
      let relay: RtspRelay | undefined;
      const server = createServer({ pauseOnConnect: true }, (client) => relay?.accept(client));
      server.maxConnections = MAX_CONNECTIONS;
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        relay = new RtspRelay(server, (server.address() as { port: number }).port, target);
        resolve(relay);
      });
    });
  }

  /** The URL ffmpeg gets: the camera's path, query and credentials, on the relay's loopback port. */
  urlFor(cameraUrl: string): string {
    const u = new URL(cameraUrl);
    const out = new URL(`rtsp://127.0.0.1:${this.port}`);
    out.username = u.username;
    out.password = u.password;
    out.pathname = u.pathname;
    out.search = u.search;
    return out.toString();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: Socket): void {
    if (this.closed) return void client.destroy();
    const t = this.target;
    const camera = t.tls
      ? tlsConnect({ host: t.address, port: t.port, servername: t.tls.servername && !isIP(t.tls.servername) ? t.tls.servername : undefined, rejectUnauthorized: false })
      : tcpConnect({ host: t.address, port: t.port });
    for (const s of [client, camera]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      // An error on one side ends both: ffmpeg sees the connection drop, as it would without us.
      s.on('error', () => (client.destroy(), camera.destroy()));
    }
    // The camera hanging up: what it sent still reaches ffmpeg, then ffmpeg sees the end.
    camera.on('close', () => client.end());
    client.on('close', () => camera.destroy());
    camera.setNoDelay(true);
    client.setNoDelay(true);
    camera.once(t.tls ? 'secureConnect' : 'connect', () => client.resume());
    // ffmpeg's requests go to the camera as they are (their URLs name the relay; cameras answer by path).
    client.pipe(camera);
    const scanner = new RtspReplyScanner(this.target.address);
    camera.on('data', (chunk: Buffer) => {
      let out: Buffer;
      try {
        out = scanner.push(chunk);
      } catch (e) {
        if (!(e instanceof RelayRefused)) throw e;
        this.refusal ??= e.refusal;
        // Nothing of the refused message reaches ffmpeg: it sees the connection end.
        client.destroy();
        camera.destroy();
        return;
      }
      if (out.length && !client.write(out)) {
        camera.pause();
        client.once('drain', () => camera.resume());
      }
    });
  }
}

export class RelayRefused extends Error {
  constructor(readonly refusal: RelayRefusal) {
    super(refusal.detail);
  }
}

/**
 * Reads what a camera sends on the RTSP connection and passes on whole messages: interleaved data
 * (`$`, channel, 16-bit length, payload) untouched, RTSP responses and server requests after their
 * header is checked. Throws RelayRefused on a 3xx response, a REDIRECT request or an unreadable header.
 */
export class RtspReplyScanner {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of the current message body or interleaved payload still to pass through as they come. */
  private passthrough = 0;

  constructor(private readonly sourceAddress: string) {}

  push(chunk: Buffer): Buffer {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length) {
      if (this.passthrough > 0) {
        const n = Math.min(this.passthrough, this.buf.length);
        out.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.passthrough -= n;
        continue;
      }
      if (this.buf[0] === 0x24) {
        if (this.buf.length < 4) break;
        this.passthrough = 4 + this.buf.readUInt16BE(2);
        continue;
      }
      // Blank lines between messages are allowed (RFC 2326 10.1 keep-alives send them).
      if (this.buf[0] === 0x0d || this.buf[0] === 0x0a) {
        out.push(this.buf.subarray(0, 1));
        this.buf = this.buf.subarray(1);
        continue;
      }
      const end = headerEnd(this.buf);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) throw new RelayRefused({ reason: 'malformed', detail: 'RTSP header too long' });
        break;
      }
      const head = this.buf.subarray(0, end).toString('latin1');
      this.buf = this.buf.subarray(end);
      const { text, bodyLength } = this.check(head);
      out.push(Buffer.from(text, 'latin1'));
      this.passthrough = bodyLength;
    }
    return Buffer.concat(out);
  }

  /** Checks one header block; returns it (possibly with the Transport rewritten) and its body length. */
  private check(head: string): { text: string; bodyLength: number } {
    const lines = head.split(/\r?\n/);
    const first = lines[0];
    const status = /^RTSP\/\d\.\d\s+(\d{3})\b/.exec(first);
    const location = lines.map((l) => /^location\s*:\s*(.*)$/i.exec(l)?.[1].trim()).find((v) => v);
    if (status && status[1].startsWith('3')) {
      throw new RelayRefused({ reason: 'redirect', detail: `camera answered ${first.trim().slice(0, 100)}`, location });
    }
    if (!status) {
      const method = /^([A-Z_]+)\s+\S+\s+RTSP\/\d\.\d$/.exec(first.trim());
      if (!method) throw new RelayRefused({ reason: 'malformed', detail: `unreadable RTSP message: ${first.slice(0, 100)}` });
      if (method[1] === 'REDIRECT') throw new RelayRefused({ reason: 'redirect', detail: 'camera sent a REDIRECT request', location });
    }
    let bodyLength = 0;
    const rewritten = lines.map((l) => {
      const cl = /^content-length\s*:\s*(\d+)\s*$/i.exec(l);
      if (cl) bodyLength = Number(cl[1]);
      const tr = /^(transport\s*:\s*)(.*)$/i.exec(l);
      return tr ? tr[1] + withSource(tr[2], this.sourceAddress) : l;
    });
    return { text: rewritten.join('\r\n'), bodyLength };
  }
}

/** Index just past the blank line ending an RTSP header block, or -1. */
function headerEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/** Every transport spec of a Transport header with `source=` set to the checked address. */
export function withSource(value: string, address: string): string {
  return value
    .split(',')
    .map((spec) =>
      [
        ...spec
          .trim()
          .split(';')
          .filter((p) => !/^source=/i.test(p.trim())),
        `source=${address}`,
      ].join(';'),
    )
    .join(',');
}
