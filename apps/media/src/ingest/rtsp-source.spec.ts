import type { CameraState } from '@borderlens/contracts';
import { FakeProcesses, probeJson, waitFor, type FakeChild } from '../testing/fake-processes';
import { flvStream } from '../testing/h264-fixtures';
import { CameraNetworks } from '@borderlens/config';
import { RtspRelay, type RelayTarget } from './rtsp-relay';
import { RtspSource, exitReason, relayTarget } from './rtsp-source';

function setup(script: (child: FakeChild, n: number) => void, opts: Partial<{ timeoutSec: number; stableMs: number }> = {}) {
  const states: [CameraState, string | undefined][] = [];
  let n = 0;
  const processes = new FakeProcesses((child) => script(child, n++));
  const source = new RtspSource('cam-1', { report: (_id, s, r) => states.push([s, r]) }, processes, {
    url: 'rtsp://admin:pw@cam/1',
    transport: 'tcp',
    timeoutSec: opts.timeoutSec ?? 10,
    reconnectMinMs: 20,
    reconnectMaxMs: 80,
    stableMs: opts.stableMs ?? 60000,
  });
  return { states, processes, source };
}

describe('RtspSource', () => {
  it('probes, pulls, reports online and delivers config and frames to consumers', async () => {
    const { states, processes, source } = setup((c) => {
      if (c.bin === 'ffprobe') {
        c.stdout.write(probeJson());
        c.exit(0);
      } else {
        c.say("Input #0, rtsp, from 'rtsp://admin:pw@cam/1':", '  Stream #0:0: Video: h264 (Constrained Baseline), yuv420p, 1280x720, 25 fps');
        c.stdout.write(flvStream(10));
      }
    });
    const got: { sizes: string[]; frames: number } = { sizes: [], frames: 0 };
    source.subscribe({ onConfig: (cfg) => got.sizes.push(`${cfg.width}x${cfg.height}`), onFrame: () => got.frames++ });
    source.start();
    await waitFor(() => got.frames === 10, 2000, 'frames');
    expect(got.sizes).toEqual(['1280x720']);
    expect(states).toEqual([['online', undefined]]);
    expect(source.fps).toBe(25);
    const ingest = processes.of('ffmpeg')[0];
    // the camera and its password go on stdin, not on the command line (/proc/PID/cmdline)
    expect(ingest.args.join(' ')).not.toMatch(/pw|cam\/1/);
    expect(Buffer.concat(ingest.stdinData).toString()).toContain("file 'rtsp://admin:pw@cam/1'\noption rtsp_transport tcp");
    await source.stop();
    expect(ingest.killed).toContain('SIGINT');
    // a deliberate stop is not an outage
    expect(states).toEqual([['online', undefined]]);
  });

  it('reports offline with the reason when the camera drops, and reconnects with growing waits', async () => {
    const { states, processes, source } = setup((c, n) => {
      if (c.bin === 'ffprobe') {
        c.stdout.write(probeJson());
        c.exit(0);
      } else if (n === 1) {
        c.stdout.write(flvStream(3));
        setTimeout(() => {
          c.say('[rtsp @ 0x55d1c0ffee00] rtsp://***@cam/1: Connection reset by peer');
          c.exit(1);
        }, 20);
      } else {
        c.say('[tcp @ 0x5555deadbeef] Connection to tcp://cam:554?timeout=0 failed: Connection refused');
        c.exit(1);
      }
    });
    source.start();
    await waitFor(() => processes.of('ffmpeg').length >= 4, 3000, 'reconnects');
    await source.stop();
    expect(states[0]).toEqual(['online', undefined]);
    // fixed texts: a refused port and a reset look alike to users (the raw error is in the log)
    expect(states[1]).toEqual(['offline', 'connection lost: camera not reachable']);
    // the same failure again is not reported again
    expect(states.slice(2)).toEqual([['offline', 'camera not reachable']]);
    expect(source.failures).toBeGreaterThanOrEqual(3);
    // probe only once: the stream was fine
    expect(processes.of('ffprobe')).toHaveLength(1);
  });

  it('puts a camera with an unsupported codec in error, from the probe', async () => {
    const { states, processes, source } = setup((c) => {
      c.stdout.write(probeJson('hevc'));
      c.exit(0);
    });
    source.start();
    await waitFor(() => states.length > 0, 2000, 'state');
    await source.stop();
    expect(states[0]).toEqual(['error', "unsupported video codec 'hevc' (supported: h264)"]);
    expect(processes.of('ffmpeg')).toHaveLength(0);
  });

  it('puts the camera in error when the stream turns out unsupported after the probe', async () => {
    const { states, source } = setup((c) => {
      if (c.bin === 'ffprobe') {
        c.stdout.write(probeJson());
        c.exit(0);
      } else {
        c.say('  Stream #0:0: Video: mjpeg, yuvj420p, 640x480');
      }
    });
    source.start();
    await waitFor(() => states.length > 0, 2000, 'state');
    await source.stop();
    expect(states[0]).toEqual(['error', "unsupported video codec 'mjpeg' (supported: h264)"]);
  });

  it('reports an unreachable camera offline with a fixed text, never the raw probe error', async () => {
    const { states, source } = setup((c) => {
      c.say('[tcp @ 0x1234abcd] rtsp://***@cam/1: 401 Unauthorized');
      c.exit(1);
    });
    source.start();
    await waitFor(() => states.length > 0, 2000, 'state');
    await source.stop();
    expect(states[0]).toEqual(['offline', 'camera refused the credentials']);
  });

  it('checks the camera address before every connection and connects to the address it checked', async () => {
    const answers = [['10.1.2.3'], ['127.0.0.1']];
    const looked: string[] = [];
    const relays: { target: RelayTarget; port: number }[] = [];
    const states: [CameraState, string | undefined][] = [];
    const processes = new FakeProcesses((c) => {
      if (c.bin === 'ffprobe') {
        c.stdout.write(probeJson());
        c.exit(0);
      } else {
        c.stdout.write(flvStream(2));
        setTimeout(() => c.exit(1), 10);
      }
    });
    const source = new RtspSource('cam-1', { report: (_id, st, r) => states.push([st, r]) }, processes, {
      url: 'rtsp://admin:pw@camera.example:8554/1',
      transport: 'tcp',
      timeoutSec: 10,
      reconnectMinMs: 20,
      reconnectMaxMs: 40,
      network: new CameraNetworks(['10.0.0.0/8'], []),
      lookup: async (host) => (looked.push(host), answers.shift() ?? ['127.0.0.1']),
      openRelay: async (t) => {
        const r = await RtspRelay.open(t);
        relays.push({ target: t, port: r.port });
        return r;
      },
    });
    source.start();
    await waitFor(() => states.some(([st]) => st === 'error'), 3000, 'refusal on reconnect');
    await source.stop();
    // first connection: ffmpeg gets the loopback relay, which dials the checked address (not the
    // name, which could resolve elsewhere next time)
    const first = Buffer.concat(processes.of('ffmpeg')[0].stdinData).toString();
    expect(relays).toHaveLength(1);
    expect(relays[0].target).toEqual({ address: '10.1.2.3', port: 8554 });
    expect(first).toContain(`file 'rtsp://admin:pw@127.0.0.1:${relays[0].port}/1'`);
    // the name now resolves to loopback (DNS rebinding): refused before any process starts
    expect(looked.length).toBeGreaterThanOrEqual(2);
    expect(processes.of('ffmpeg')).toHaveLength(1);
    expect(states.find(([st]) => st === 'error')).toEqual(['error', 'camera address not allowed (outside cameras.allowedNetworks)']);
  });

  it('ends a connection that stops delivering video (watchdog)', async () => {
    const { states, source } = setup(
      (c) => {
        if (c.bin === 'ffprobe') {
          c.stdout.write(probeJson());
          c.exit(0);
        } else c.stdout.write(flvStream(2));
      },
      { timeoutSec: 0 },
    );
    source.start();
    await waitFor(() => states.length >= 2, 5000, 'watchdog');
    await source.stop();
    expect(states[1][0]).toBe('offline');
    expect(states[1][1]).toMatch(/connection lost: no video for \d+ s/);
  });

  it('explains exits with the last meaningful stderr line', () => {
    expect(exitReason(['Input #0, rtsp', '  Stream #0:0: Video: h264', '[rtsp @ 0xabc] method DESCRIBE failed: 404 Not Found', 'Press [q]'], 'x')).toBe(
      'method DESCRIBE failed: 404 Not Found',
    );
    expect(exitReason([], 'ffmpeg exited with 1')).toBe('ffmpeg exited with 1');
  });

  it('relays rtsps with TLS to the checked address, keeping the host name for SNI', () => {
    expect(relayTarget('rtsps://u:p@10.0.0.9/x', 'rtsps://u:p@cam.example/x')).toEqual({ address: '10.0.0.9', port: 322, tls: { servername: 'cam.example' } });
    expect(relayTarget('rtsp://[fd00::5]:8554/x', 'rtsp://cam6.example:8554/x')).toEqual({ address: 'fd00::5', port: 8554 });
  });
});
