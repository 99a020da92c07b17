/**
 * Demo cameras for a new installation (`demo.cameras`, on by default, off in production): so that the
 * map has online cameras and the live wall plays within a minute of `npm start`, two seeded demo
 * cameras get a real stream, through the same API and ingest paths a real installation uses:
 * - "Jeseník – Masarykovo náměstí": a fixed camera served over RTSP on loopback by GStreamer's RTSP
 *   server (the tests' camera simulator), its URL set by Jeseník's administrator;
 * - "HZS – dron Jeseník": a drone publishing over RTMP with a push key issued to HZS's administrator.
 * The video shows the evaluation images' people and cars (../shared/eval) when they exist, so the
 * anonymization is visible; otherwise a generated test picture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { CameraSim } from '../../media/test-tools/camera-sim';
import { demoVideo } from './demo-video';
import { DemoApi } from './demo-api';

const log = pino({ base: { app: 'demo' } });

/** The seeded cameras that get a stream, and the demo administrators who set them up (docs/identity.md). */
export const DEMO_STREAMS = {
  fixed: { camera: 'Jeseník – Masarykovo náměstí', admin: 'jesenik.admin', path: '/jesenik-namesti' },
  drone: { camera: 'HZS – dron Jeseník', admin: 'hzs.admin' },
};

/** Restarts a child process with growing pauses while the demo runs (a publisher refused while the media node starts, say). */
class Supervised {
  private child?: ChildProcess;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly name: string,
    private readonly start: () => ChildProcess | Promise<ChildProcess>,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      const began = Date.now();
      try {
        this.child = await this.start();
        const code = await new Promise<number | null>((r) => this.child!.once('exit', r));
        if (this.stopped) return;
        log.warn({ stream: this.name, code }, 'demo stream ended; restarting');
      } catch (e) {
        log.warn({ stream: this.name, err: (e as Error).message }, 'demo stream failed; retrying');
      }
      this.failures = Date.now() - began > 30_000 ? 0 : this.failures + 1;
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(this.failures, 5)));
    }
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill('SIGTERM');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  const cfg: BorderlensConfig = loadConfig();
  if (!cfg.demo.cameras) {
    log.info('demo.cameras is off: no demo streams');
    return;
  }
  const dir = join(cfg.dataDir, 'demo');
  mkdirSync(dir, { recursive: true });
  const video = await demoVideo(dir);
  log.info({ video: video.file, source: video.source }, 'demo video ready');

  const api = new DemoApi(cfg);
  await api.waitUntilReady();

  const streams: Supervised[] = [];
  // The fixed camera: the RTSP server plays the video in a loop from stdin (stream copy, no encoding).
  const sim = new CameraSim(cfg.demo.rtspPort, ['--stdin'], DEMO_STREAMS.fixed.path);
  streams.push(
    new Supervised('rtsp', async () => {
      await sim.stop();
      const url = await sim.start();
      const feeder = sim.feed(['-stream_loop', '-1', '-i', video.file, '-c', 'copy']);
      // The camera is pointed here once video flows: a first probe of a silent stream fails.
      await sleep(2000);
      await api.pointCameraAt(DEMO_STREAMS.fixed.admin, DEMO_STREAMS.fixed.camera, url);
      log.info({ camera: DEMO_STREAMS.fixed.camera, url }, 'demo RTSP camera streaming');
      return feeder;
    }),
  );
  // The drone: a fresh push key each start (the previous one is revoked), handed to the publisher only.
  streams.push(
    new Supervised('rtmp', async () => {
      const key = await api.issuePushKey(DEMO_STREAMS.drone.admin, DEMO_STREAMS.drone.camera);
      const url = `rtmp://127.0.0.1:${cfg.media.rtmpPort}/live/${key}`;
      const publisher = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', video.file, '-c', 'copy', '-f', 'flv', url], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      log.info({ camera: DEMO_STREAMS.drone.camera }, 'demo drone publishing over RTMP');
      return publisher;
    }),
  );

  const stop = () => {
    for (const s of streams) s.stop();
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await Promise.all(streams.map((s) => s.run()));
}

if (require.main === module) {
  main().catch((e: Error) => {
    log.error({ err: e.message }, 'demo cameras stopped');
    process.exit(1);
  });
}
