import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import { CameraEntity, OrganisationEntity } from '@borderlens/database';
import { defaultSharing } from '@borderlens/policy';
import { newTestService } from '../../../../test/support/new-test-service';
import { DEMO_CAMERAS, PARTNERS } from './demo-data';
import { SeedService } from './seed.service';

describe(SeedService.name, () => {
  const setup = (seedDemoData: boolean, organisations: number) => {
    const { sut, mocks } = newTestService(SeedService, { config: { seedDemoData } });
    const m = mocks.manager;
    m.query.mockResolvedValue([]);
    m.count.mockResolvedValue(organisations);
    m.insert.mockResolvedValue({} as never);
    m.save.mockImplementation((async (_e: unknown, rows: object[]) => rows.map((r, i) => ({ ...r, id: `cam-${i}` }))) as never);
    const audit = mocks.of(AuditService);
    audit.record.mockResolvedValue(undefined as never);
    return { sut, m, audit };
  };

  it('seeds the partners and demo cameras into an empty database, offline, not recording, shared at the owner kind default', async () => {
    const { sut, m, audit } = setup(true, 0);
    await expect(sut.seed()).resolves.toBe(true);
    expect(m.query).toHaveBeenCalledWith('SELECT pg_advisory_xact_lock($1)', [expect.any(Number)]);
    expect(m.insert).toHaveBeenCalledWith(OrganisationEntity, PARTNERS);
    const saved = (m.save.mock.calls[0] as unknown[])[1] as CameraEntity[];
    expect(saved).toHaveLength(DEMO_CAMERAS.length);
    for (const [i, c] of saved.entries()) {
      const owner = PARTNERS.find((o) => o.id === DEMO_CAMERAS[i].organisationId)!;
      expect(c).toMatchObject({ name: DEMO_CAMERAS[i].name, state: 'offline', recordingEnabled: false, sharing: defaultSharing(owner.kind) });
    }
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        actor: SYSTEM_ACTOR,
        operation: 'collection',
        object: 'seed',
        details: { organisations: PARTNERS.map((p) => p.id), cameras: DEMO_CAMERAS.map((_c, i) => `cam-${i}`) },
      }),
      m,
    );
  });

  it('leaves a database that already has organisations alone', async () => {
    const { sut, m, audit } = setup(true, 3);
    await expect(sut.seed()).resolves.toBe(false);
    expect(m.insert).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('seeds at start only when seedDemoData is on', async () => {
    const off = setup(false, 0);
    await off.sut.onApplicationBootstrap();
    expect(off.m.count).not.toHaveBeenCalled();
    const on = setup(true, 0);
    await on.sut.onApplicationBootstrap();
    expect(on.m.insert).toHaveBeenCalled();
  });
});
