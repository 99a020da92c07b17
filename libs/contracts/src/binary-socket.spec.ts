import { createServer, connect, type Server, type Socket } from 'node:net';
import { BinaryPacketSocket } from './binary-socket';

/** A loopback server whose side of each connection is a BinaryPacketSocket echoing packets back. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    const socket = new BinaryPacketSocket(s);
    socket.on('message', (m: unknown) => socket.sendMessage({ echo: m }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

function open(port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => ok(s));
    s.once('error', fail);
  });
}

describe('BinaryPacketSocket', () => {
  let srv: { server: Server; port: number };
  beforeAll(async () => (srv = await echoServer()));
  afterAll(() => new Promise((r) => srv.server.close(r)));

  it('carries packets with frames as bytes, split across reads', async () => {
    const client = new BinaryPacketSocket(await open(srv.port));
    const frame = Buffer.alloc(300_000, 7);
    const got: unknown[] = [];
    const done = new Promise<void>((r) => client.on('message', (m: unknown) => (got.push(m), got.length === 2 && r())));
    client.sendMessage({ id: 1, data: { frame } });
    client.sendMessage({ id: 2, data: 'plain' });
    await done;
    client.end();
    const first = got[0] as { echo: { id: number; data: { frame: Buffer } } };
    expect(first.echo.id).toBe(1);
    expect(Buffer.isBuffer(first.echo.data.frame) && first.echo.data.frame.equals(frame)).toBe(true);
    expect(got[1]).toEqual({ echo: { id: 2, data: 'plain' } });
  });

  it("answers a peer speaking Nest's plain JSON framing in that framing", async () => {
    const s = await open(srv.port);
    const json = JSON.stringify({ id: 3, data: 'ä' });
    const reply = new Promise<string>((r) => s.once('data', (d) => r(d.toString('utf8'))));
    s.write(`${json.length}#${json}`);
    const text = await reply;
    s.destroy();
    const body = JSON.stringify({ echo: { id: 3, data: 'ä' } });
    expect(text).toBe(`${body.length}#${body}`);
  });

  it('drops a peer announcing a packet over the limit', async () => {
    const s = await open(srv.port);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => undefined);
    s.write(Buffer.from([0x2f, 0xff, 0xff, 0xff]));
    await closed;
  });
});
