import { Controller, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceAuthGuard, ServiceClient, ServiceName, ServiceTokens, serverTransport } from '@borderlens/contracts';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

/** A stand-in media node for this test only: answers media.health behind the real service-token guard. */
@Controller()
@UseGuards(ServiceAuthGuard)
class FakeMediaHealth {
  @MessagePattern(Patterns.media.health)
  health(@Payload('data') _data: unknown) {
    return { status: 'ok', node: 'fake-media' };
  }
}

async function startFakeMedia(cfg: BorderlensConfig): Promise<INestMicroservice> {
  @Module({ controllers: [FakeMediaHealth], providers: [ServiceAuthGuard, { provide: ServiceTokens, useValue: ServiceTokens.forApp(cfg, ServiceName.media) }] })
  class FakeMediaModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(FakeMediaModule, { ...serverTransport(cfg, ServiceName.media), logger: false });
  await app.listen();
  return app;
}

/** Calls between the apps over both transports, with PostgreSQL as the database. */
describe.each([
  ['TCP', false],
  ['NATS', true],
])('transport %s (PostgreSQL)', (_name, nats) => {
  let gw: TestGateway;
  let temp: TempDatabase;
  let media: INestMicroservice;

  beforeAll(async () => {
    await ensureKeycloak();
    temp = await createTempDatabase();
    gw = await startGateway({ databaseUrl: temp.url, nats });
    media = await startFakeMedia(gw.cfg);
  }, 300_000);

  afterAll(async () => {
    await media?.close();
    await gw?.close();
    await temp?.drop();
  });

  it('lets a media node fetch camera ingest settings with decrypted credentials', async () => {
    const created = await api(gw.url, '/api/v1/cameras', {
      method: 'POST',
      token: await passwordToken('policie.admin'),
      body: { name: 'Mikulovice – test', kind: 'fixed', latitude: 50.3, longitude: 17.32, ingest: { type: 'rtsp', url: 'rtsp://viewer:p%40ss@198.51.100.20:554/live' } },
    });
    expect(created.status).toBe(201);
    const client = ServiceClient.create(gw.cfg, ServiceName.media, ServiceName.gateway);
    try {
      const info = await client.send<{ ingest: { url: string } }>(Patterns.gateway.cameraIngest, { cameraId: created.body.id });
      expect(info).toMatchObject({ id: created.body.id, ingest: { type: 'rtsp', url: 'rtsp://viewer:p%40ss@198.51.100.20:554/live', rtspTransport: 'tcp' } });
      await client.send(Patterns.gateway.cameraState, { cameraId: created.body.id, state: 'error', reason: 'codec not supported: hevc' });
      const seen = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { token: await passwordToken('hzs.operator') });
      expect(seen.body).toMatchObject({ state: 'error', stateReason: 'codec not supported: hevc' });
      await expect(client.send(Patterns.gateway.cameraIngest, { cameraId: 'nope' })).rejects.toThrow(/camera 'nope' not found/);
    } finally {
      await client.close();
    }
  });

  it('reaches the media node and reports it in health', async () => {
    const r = await api(gw.url, '/api/health', { token: await passwordToken('hzs.admin') });
    expect(r.body.checks.media).toMatchObject({ status: 'ok' });
    expect(r.body.checks.anonymizer).toMatchObject({ status: 'down' });
  });

  it('is refused by the other apps with a wrong service secret', async () => {
    const intruder = new ServiceClient(gw.cfg, ServiceName.media, ServiceTokens.withUnknownKey(ServiceName.gateway));
    try {
      await expect(intruder.send(Patterns.media.health, {})).rejects.toThrow(/service token/);
    } finally {
      await intruder.close();
    }
  });
});
