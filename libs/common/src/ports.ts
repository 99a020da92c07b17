import { createServer } from 'node:net';

/**
 * A TCP port free on loopback now: the system picks one, we close it and hand out its number. For
 * listeners we cannot give port 0 (ffmpeg, nats-server); another process may take it meanwhile.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
