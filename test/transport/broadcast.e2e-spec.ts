import { randomUUID } from 'node:crypto';
import { testKeyDir } from '../support/service-keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceAuthGuard, ServiceClient, ServiceName, ServiceTokens, serverTransport, type GrantChange } from '@borderlens/contracts';
import { ClipService } from '../../apps/media/src/clip/clip.service';
import { StillService } from '../../apps/media/src/clip/still.service';
import { WhepConnectionService } from '../../apps/media/src/egress/whep-connection.service';
import { IngestService } from '../../apps/media/src/ingest/ingest.service';
import { LiveService } from '../../apps/media/src/live/live.service';
import { RecorderService } from '../../apps/media/src/recording/recorder.service';
import { MediaMessages } from '../../apps/media/src/transport/media.messages';
import { NATS_TEST_URL } from '../support/gateway';

/** What one stand-in media node saw through the real MediaMessages handlers. */
interface NodeLog {
  index: number;
  grantChanges: GrantChange[];
  healthCalls: number;
}

/**
 * A media node on NATS with the real MediaMessages controller (so the real decorator options) and the
 * real service-token guard; the services behind it are stubs that record what reached them.
 */
async function startMediaNode(cfg: BorderlensConfig, log: NodeLog): Promise<INestMicroservice> {
  const whep = {
    grantChanged: (change: GrantChange) => {
      log.grantChanges.push(change);
      return { sessions: log.index };
    },
    // health reports list().length as `sessions`: the node's index tells which node answered.
    list: () => {
      log.healthCalls++;
      return new Array(log.index).fill({});
    },
  };
  const recording = { diskAlarm: null, recording: () => [] };
  @Module({
    controllers: [MediaMessages],
    providers: [
      ServiceAuthGuard,
      { provide: ServiceTokens, useValue: ServiceTokens.forApp(cfg, ServiceName.media) },
      { provide: WhepConnectionService, useValue: whep },
      { provide: LiveService, useValue: { status: () => ({}) } },
      { provide: IngestService, useValue: { list: () => [] } },
      { provide: RecorderService, useValue: recording },
      { provide: ClipService, useValue: {} },
      { provide: StillService, useValue: {} },
    ],
  })
  class StubMediaModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(StubMediaModule, { ...serverTransport(cfg, ServiceName.media), logger: false });
  await app.listen();
  return app;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/** Two media nodes behind one NATS server: grant changes reach both, other calls only one. */
describe('NATS with two media nodes', () => {
  let dataDir: string;
  let cfg: BorderlensConfig;
  const logs: NodeLog[] = [1, 2].map((index) => ({ index, grantChanges: [], healthCalls: 0 }));
  const nodes: INestMicroservice[] = [];
  let client: ServiceClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bl-broadcast-'));
    cfg = loadConfig({ BORDERLENS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NATS_URL: NATS_TEST_URL, SERVICE_KEY_DIR: testKeyDir(dataDir) }, undefined);
    for (const log of logs) nodes.push(await startMediaNode(cfg, log));
    client = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    for (const n of nodes) await n.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers media.grant-changed to every media node, and the first reply answers', async () => {
    const change: GrantChange = { jti: randomUUID(), action: 'end', reason: 'incident ended' };
    const reply = await client.send<{ sessions: number }>(Patterns.media.grantChanged, change);
    expect([1, 2]).toContain(reply.sessions);
    await until(() => logs.every((l) => l.grantChanges.length > 0));
    for (const log of logs) expect(log.grantChanges).toEqual([change]);
  });

  it('still gives media.health to one node of the queue group only', async () => {
    const before = logs.map((l) => l.healthCalls);
    const calls = 10;
    const replies = await Promise.all(Array.from({ length: calls }, () => client.send<{ sessions: number }>(Patterns.media.health, {})));
    for (const r of replies) expect([1, 2]).toContain(r.sessions);
    // Give a (wrongly) second subscriber time to handle the same requests too.
    await new Promise((r) => setTimeout(r, 300));
    const handled = logs.map((l, i) => l.healthCalls - before[i]);
    expect(handled[0] + handled[1]).toBe(calls);
  });
});
