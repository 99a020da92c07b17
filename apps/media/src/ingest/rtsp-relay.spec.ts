import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { RelayRefused, RtspRelay, RtspReplyScanner, withSource } from './rtsp-relay';

const ok = (cseq: number, extra = '') => `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n${extra}\r\n`;

describe('RtspReplyScanner', () => {
  it('passes responses, bodies and interleaved data through, split anywhere', () => {
    const sdp = 'v=0\r\nm=video 0 RTP/AVP 96\r\n';
    const data = Buffer.concat([
      Buffer.from(ok(1, `Content-Length: ${sdp.length}\r\n`) + sdp),
      // interleaved RTP whose payload looks like a redirect: data, not a message
      Buffer.from([0x24, 0, 0, 31]),
      Buffer.from('RTSP/1.0 302 Found\r\nLocation: x'),
      Buffer.from(ok(2)),
    ]);
    for (const step of [1, 3, 7, data.length]) {
      const s = new RtspReplyScanner('10.0.0.5');
      const out: Buffer[] = [];
      for (let i = 0; i < data.length; i += step) out.push(s.push(data.subarray(i, i + step)));
      expect(Buffer.concat(out).equals(data)).toBe(true);
    }
  });

  it.each([
    ['a 302', 'RTSP/1.0 302 Found\r\nCSeq: 2\r\nLocation: rtsp://169.254.169.254/x\r\n\r\n', 'rtsp://169.254.169.254/x'],
    ['a 301', 'RTSP/1.0 301 Moved Permanently\r\nCSeq: 2\r\nlocation:rtsp://10.9.9.9/\r\n\r\n', 'rtsp://10.9.9.9/'],
    ['a 305 (use proxy)', 'RTSP/1.0 305 Use Proxy\r\nCSeq: 2\r\n\r\n', undefined],
    ['a REDIRECT request from the camera', 'REDIRECT rtsp://cam/x RTSP/1.0\r\nCSeq: 9\r\nLocation: rtsp://evil/x\r\n\r\n', 'rtsp://evil/x'],
  ])('refuses %s, passing on nothing of it', (_what, msg, location) => {
    const s = new RtspReplyScanner('10.0.0.5');
    expect(s.push(Buffer.from(ok(1))).toString()).toBe(ok(1));
    let refused: RelayRefused | undefined;
    try {
      s.push(Buffer.from(msg));
    } catch (e) {
      refused = e as RelayRefused;
    }
    expect(refused).toBeInstanceOf(RelayRefused);
    expect(refused!.refusal).toMatchObject({ reason: 'redirect', location });
  });

  it('refuses garbage and endless headers', () => {
    expect(() => new RtspReplyScanner('1.2.3.4').push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toThrow(RelayRefused);
    expect(() => new RtspReplyScanner('1.2.3.4').push(Buffer.alloc(70_000, 'a'))).toThrow('RTSP header too long');
  });

  it('names the checked address as the RTP source of every transport', () => {
    expect(withSource('RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=192.0.2.66', '10.0.0.5')).toBe(
      'RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=10.0.0.5',
    );
    const s = new RtspReplyScanner('10.0.0.5');
    expect(s.push(Buffer.from(ok(3, 'Transport: RTP/AVP;unicast;server_port=6970-6971\r\n'))).toString()).toContain(
      'Transport: RTP/AVP;unicast;server_port=6970-6971;source=10.0.0.5\r\n',
    );
  });
});

describe('RtspRelay', () => {
  it('dials only its target, relays both ways, and cuts the connection on a redirect', async () => {
    const seen: string[] = [];
    const cam = createServer((s) => {
      s.on('data', (c) => {
        seen.push(c.toString());
        s.write(seen.length === 1 ? ok(1) : 'RTSP/1.0 302 Found\r\nCSeq: 2\r\nLocation: rtsp://10.1.1.1/\r\n\r\n');
      });
    });
    cam.listen(0, '127.0.0.1');
    await once(cam, 'listening');
    const relay = await RtspRelay.open({ address: '127.0.0.1', port: (cam.address() as { port: number }).port });
    expect(relay.urlFor('rtsp://u%40:p%3A@cam.example:8554/a/b?c=1')).toBe(`rtsp://u%40:p%3A@127.0.0.1:${relay.port}/a/b?c=1`);
    const c: Socket = connect(relay.port, '127.0.0.1');
    const got: Buffer[] = [];
    c.on('data', (d) => got.push(d));
    c.write('OPTIONS rtsp://127.0.0.1/a RTSP/1.0\r\nCSeq: 1\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    c.write('DESCRIBE rtsp://127.0.0.1/a RTSP/1.0\r\nCSeq: 2\r\n\r\n');
    await once(c, 'close');
    expect(Buffer.concat(got).toString()).toBe(ok(1));
    expect(seen[0]).toContain('OPTIONS');
    expect(relay.refusal).toMatchObject({ reason: 'redirect', location: 'rtsp://10.1.1.1/' });
    await relay.close();
    cam.close();
  });

  it('refuses a target that is not an IP address', async () => {
    await expect(RtspRelay.open({ address: 'cam.example', port: 554 })).rejects.toThrow('IP address');
  });
});
