import type { DataSource } from 'typeorm';
import type { AuditService } from '@borderlens/audit';
import type { BorderlensConfig } from '@borderlens/config';
import { loadPolicyDirectory } from '@borderlens/policy';
import { ActivePolicyService, type PolicyChange } from './active-policy.service';
import type { PolicyRepository } from './policy.repository';
import { SchedulerService } from '../common/scheduler.service';

/** The policies table as another gateway would change it. */
class FakePolicies {
  versions: Record<string, { version: number; text: string }> = Object.fromEntries(Object.entries(loadPolicyDirectory()).map(([j, s]) => [j, s]));
  async jurisdictions() {
    return Object.keys(this.versions);
  }
  async activeVersions() {
    return Object.fromEntries(Object.entries(this.versions).map(([j, v]) => [j, v.version]));
  }
  async activeTexts(only?: string[]) {
    return Object.entries(this.versions)
      .filter(([j]) => !only || only.includes(j))
      .map(([jurisdiction, v]) => ({ jurisdiction, version: v.version, text: v.text }));
  }
}

describe('ActivePolicyService', () => {
  const cfg = { incidents: { checkIntervalSec: 3600 } } as BorderlensConfig;
  const dataSource = { transaction: (fn: (m: unknown) => Promise<unknown>) => fn({ query: async () => [] }) } as unknown as DataSource;
  let repo: FakePolicies;
  let service: ActivePolicyService;

  beforeEach(async () => {
    repo = new FakePolicies();
    service = new ActivePolicyService(cfg, repo as unknown as PolicyRepository, {} as AuditService, dataSource, new SchedulerService());
    await service.onModuleInit();
  });

  afterEach(() => service.onApplicationShutdown());

  it('builds the engine from the active versions in the database', () => {
    expect(service.current().versions()).toEqual({ CZ: 1, PL: 1 });
    expect(service.cameraDetailsRead()).toEqual({ position: false, id: false });
  });

  it("applies another gateway's activation on the next check and announces it", async () => {
    const seen: PolicyChange[] = [];
    service.changes.subscribe((c) => seen.push(c));
    await service.refresh();
    expect(seen).toEqual([]);
    repo.versions.PL = { version: 4, text: repo.versions.PL.text.replace('@max_duration("14400")', '@max_duration("600")') };
    await service.refresh();
    expect(service.current().versions()).toEqual({ CZ: 1, PL: 4 });
    expect(seen).toEqual([{ jurisdiction: 'PL', version: 4 }]);
  });

  it('keeps the previous rules when a version from the database does not compile here', async () => {
    repo.versions.CZ = { version: 2, text: 'permit (' };
    await service.refresh();
    expect(service.current().versions()).toEqual({ CZ: 1, PL: 1 });
  });

  it('notices rules that read camera positions or name cameras', () => {
    const text = `${repo.versions.CZ.text}\n@id("no-border-cams")\nforbid (principal, action, resource is BorderLens::Camera) when { resource.lat.greaterThan(decimal("50.3")) };\n`;
    service.activated('CZ', 2, text);
    expect(service.cameraDetailsRead()).toEqual({ position: true, id: false });
    service.activated('CZ', 3, `${text}\n@id("one")\nforbid (principal, action, resource == BorderLens::Camera::"abc");\n`);
    expect(service.cameraDetailsRead()).toEqual({ position: true, id: true });
  });
});
