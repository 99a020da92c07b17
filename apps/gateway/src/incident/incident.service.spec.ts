import type { DataSource } from 'typeorm';
import type { AuditInput, AuditService } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import type { BorderlensConfig } from '@borderlens/config';
import type { IncidentEntity } from '@borderlens/database';
import type { AuthorizationService } from '../policy/authorization.service';
import type { DeclareIncidentDto } from './incident.dto';
import type { IncidentRepository } from './incident.repository';
import { CountryBorders } from './country-borders';
import { IncidentService, type IncidentChange } from './incident.service';
import { SchedulerService } from '../common/scheduler.service';

const HOUR = 3600_000;
const operator: Principal = { userId: 'u1', username: 'hzs.operator', name: 'Operator', organisation: 'hzs-olk', country: 'CZ', roles: ['operator'] };

/** In-memory incidents table. */
class MemoryIncidents {
  rows: IncidentEntity[] = [];
  async save(i: IncidentEntity) {
    if (!i.id) i.id = `00000000-0000-4000-8000-${String(this.rows.length + 1).padStart(12, '0')}`;
    if (!this.rows.includes(i)) this.rows.push(i);
    return i;
  }
  async lockDue(now: Date) {
    return this.rows.filter((i) => !i.endedAt && i.endsAt <= now);
  }
  async findActive(now: Date) {
    return this.rows.filter((i) => !i.endedAt && i.startsAt <= now && i.endsAt > now);
  }
}

const borders = CountryBorders.load();

describe('IncidentService', () => {
  const cfg = { incidents: { maxDurationHours: 24, maxRadiusKm: 50, checkIntervalSec: 3600 } } as BorderlensConfig;
  let repo: MemoryIncidents;
  let decided: unknown[];
  let audited: AuditInput[];
  let service: IncidentService;

  beforeEach(() => {
    repo = new MemoryIncidents();
    decided = [];
    audited = [];
    const authz = {
      require: async (_p: Principal, action: string, resource: unknown) => {
        decided.push({ action, resource });
        return { decision: 'permit', reasons: [], policies: [], obligations: {}, errors: [] };
      },
      recordDecision: async () => undefined,
    } as unknown as AuthorizationService;
    const audit = { record: async (e: AuditInput) => audited.push(e) } as unknown as AuditService;
    const dataSource = { transaction: (fn: (m: unknown) => Promise<unknown>) => fn({ create: (_: unknown, v: object) => ({ ...v }) }) } as unknown as DataSource;
    service = new IncidentService(cfg, repo as unknown as IncidentRepository, authz, audit, dataSource, borders, new SchedulerService());
  });

  const dto = (over: Partial<DeclareIncidentDto> = {}): DeclareIncidentDto =>
    ({
      type: 'flood',
      severity: 4,
      title: 'Bělá',
      area: { type: 'Circle', center: [17.2047, 50.2293], radiusMeters: 1500 },
      endsAt: new Date(Date.now() + 2 * HOUR),
      ...over,
    }) as DeclareIncidentDto;

  it.each([
    ['a Circle with a string radius', { area: { type: 'Circle', center: [17.2, 50.2], radiusMeters: '100' } }, 'incident_area_invalid'],
    ['a Circle without centre', { area: { type: 'Circle', radiusMeters: 100 } }, 'incident_area_invalid'],
    [
      'a Polygon with too few positions',
      {
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [17.2, 50.2],
              [17.3, 50.2],
              [17.2, 50.2],
            ],
          ],
        },
      },
      'incident_area_invalid',
    ],
    [
      'a Polygon of eleven rings',
      {
        area: {
          type: 'Polygon',
          coordinates: Array(11).fill([
            [17.2, 50.2],
            [17.3, 50.2],
            [17.3, 50.3],
            [17.2, 50.2],
          ]),
        },
      },
      'incident_area_invalid',
    ],
    ['a Point', { area: { type: 'Point', coordinates: [17.2, 50.2] } }, 'incident_area_invalid'],
    ['an end beyond the maximum', { endsAt: new Date(Date.now() + 25 * HOUR) }, 'incident_too_long'],
    ['an end before the start', { startsAt: new Date(Date.now() + 3 * HOUR) }, 'incident_end_invalid'],
    ['a start two days ago', { startsAt: new Date(Date.now() - 48 * HOUR) }, 'incident_start_invalid'],
  ])('refuses %s before deciding anything', async (_what, over, code) => {
    await expect(service.declare(operator, dto(over as Partial<DeclareIncidentDto>))).rejects.toMatchObject({ code });
    expect(decided).toEqual([]);
  });

  it('names the limit it refuses by: the maximum duration (details.maxHours), the maximum radius (details.maxRadiusKm)', async () => {
    await expect(service.declare(operator, dto({ endsAt: new Date(Date.now() + 25 * HOUR) }))).rejects.toMatchObject({ code: 'incident_too_long', details: { maxHours: 24 } });
    await expect(service.declare(operator, dto({ startsAt: new Date(Date.now() - 48 * HOUR) }))).rejects.toMatchObject({
      code: 'incident_start_invalid',
      details: { maxHours: 24 },
    });
    await expect(service.declare(operator, dto({ area: { type: 'Circle', center: [17.2, 50.2], radiusMeters: 60_000 } } as Partial<DeclareIncidentDto>))).rejects.toMatchObject({
      code: 'incident_area_invalid',
      details: { maxRadiusKm: 50 },
    });
  });

  it("decides incident.declare in the area's country and stores only the area's own members", async () => {
    const changes: IncidentChange[] = [];
    service.changes.subscribe((c) => changes.push(c));
    const i = await service.declare(operator, dto());
    expect(decided).toEqual([
      {
        action: 'incident.declare',
        resource: {
          type: 'Incident',
          id: 'new',
          jurisdiction: 'CZ',
          incidentType: 'flood',
          severity: 4,
          countries: ['CZ'],
          declaringCountry: 'CZ',
          declaringOrganisation: 'hzs-olk',
        },
      },
    ]);
    expect(i).toMatchObject({
      country: 'CZ',
      countries: ['CZ'],
      declaringCountry: 'CZ',
      declaredBy: 'hzs.operator',
      organisationId: 'hzs-olk',
      area: { type: 'Circle', center: [17.2047, 50.2293], radiusMeters: 1500 },
    });
    expect(i.acceptances).toEqual({ CZ: expect.objectContaining({ state: 'accepted', organisationId: 'hzs-olk', by: 'hzs.operator', reason: 'declared' }) });
    expect(changes).toEqual([{ incidentId: i.id, change: 'declared' }]);
  });

  it("takes the jurisdiction from the area, not from the user: a Czech user's area in Poland is a Polish incident", async () => {
    await service.declare(operator, dto({ area: { type: 'Circle', center: [17.3841, 50.3133], radiusMeters: 800 } }));
    expect(decided).toEqual([{ action: 'incident.declare', resource: expect.objectContaining({ jurisdiction: 'PL', countries: ['PL'], declaringCountry: 'CZ' }) }]);
  });

  it('refuses an area in no known country', async () => {
    await expect(service.declare(operator, dto({ area: { type: 'Circle', center: [18.5, 55.5], radiusMeters: 800 } }))).rejects.toMatchObject({ code: 'incident_outside_borders' });
    expect(decided).toEqual([]);
  });

  it('gives cameras in the area the incident as decision context', async () => {
    const i = await service.declare(operator, dto());
    const active = await service.activeNow();
    expect(service.covering({ latitude: 50.2336, longitude: 17.1953 }, active)).toEqual([
      { id: i.id, type: 'flood', severity: 4, country: 'CZ', organisation: 'hzs-olk', declaringCountry: 'CZ', countries: ['CZ'], acceptedIn: ['CZ'], refusedIn: [] },
    ]);
    expect(service.covering({ latitude: 50.4737, longitude: 17.334 }, active)).toEqual([]);
  });

  it('expires incidents past their planned end, as the system, audited', async () => {
    const i = await service.declare(operator, dto());
    i.endsAt = new Date(Date.now() - 1000);
    const changes: IncidentChange[] = [];
    service.changes.subscribe((c) => changes.push(c));
    await service.expireDue();
    expect(i).toMatchObject({ endedBy: 'system', endReason: 'planned end reached', endedAt: i.endsAt });
    expect(audited).toEqual([expect.objectContaining({ object: `incident:${i.id}`, decision: 'expired', operation: 'alteration' })]);
    expect(changes).toEqual([{ incidentId: i.id, change: 'expired' }]);
    await service.expireDue();
    expect(audited).toHaveLength(1);
  });
});
