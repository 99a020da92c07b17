import { Patterns } from '@borderlens/contracts';
import { newTestService } from '../../../../test/support/new-test-service';
import { HealthService } from './health.service';

describe(HealthService.name, () => {
  const setup = (db: boolean, media: boolean, anonymizer: boolean) => {
    const { sut, mocks } = newTestService(HealthService);
    mocks.dataSource.query.mockImplementation(async () => (db ? [{ '?column?': 1 }] : Promise.reject(new Error('connection refused'))));
    mocks.media.send.mockImplementation(async () => (media ? { node: 'm1' } : Promise.reject(new Error('media: timeout'))));
    mocks.anonymizer.send.mockImplementation(async () => (anonymizer ? { models: 2 } : Promise.reject(new Error('anonymizer: timeout'))));
    return { sut, mocks };
  };

  it('is ok when all three answer, and keeps no database rows in the report', async () => {
    const { sut, mocks } = setup(true, true, true);
    const r = await sut.report();
    expect(r.status).toBe('ok');
    expect(r.checks.database).toEqual({ status: 'ok', ms: expect.any(Number) });
    expect(r.checks.media).toMatchObject({ status: 'ok', info: { node: 'm1' } });
    expect(mocks.media.send).toHaveBeenCalledWith(Patterns.media.health, {}, 1500);
    expect(mocks.anonymizer.send).toHaveBeenCalledWith(Patterns.anonymizer.health, {}, 1500);
  });

  it.each([
    [false, true, true, 'down'],
    [true, false, true, 'degraded'],
    [true, true, false, 'degraded'],
    [false, false, false, 'down'],
  ])('database %s, media %s, anonymizer %s: %s', async (db, media, anonymizer, status) => {
    const { sut } = setup(db, media, anonymizer);
    const r = await sut.report();
    expect(r.status).toBe(status);
    if (!db) expect(r.checks.database).toMatchObject({ status: 'down', error: 'connection refused' });
  });

  it('answers whether the database is up', async () => {
    await expect(setup(true, false, false).sut.databaseUp()).resolves.toBe(true);
    await expect(setup(false, true, true).sut.databaseUp()).resolves.toBe(false);
  });
});
