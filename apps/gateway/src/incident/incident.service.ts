import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { IncidentEntity, type AcceptanceState, type CameraEntity, type IncidentArea } from '@borderlens/database';
import type { IncidentInContext, IncidentResourceInput } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { SchedulerService } from '../common/scheduler.service';
import { AuthorizationService } from '../policy/authorization.service';
import { DeclareIncidentDto, ExtendIncidentDto } from './incident.dto';
import { CountryBorders } from './country-borders';
import { areaContains, areaProblem } from './incident-area';
import { IncidentRepository } from './incident.repository';
import { isUuid } from '../common/validation';

const HOUR_MS = 3600_000;
const MAX_RINGS = 10;

export interface IncidentChange {
  incidentId: string;
  change: 'declared' | 'extended' | 'ended' | 'expired' | AcceptanceChange;
}

/** What a country's operator does with an incident declared elsewhere or across the border. */
export type AcceptanceChange = 'accepted' | 'refused' | 'withdrawn';

/**
 * Incidents (emergencies): declared, extended and ended by authorised operators (Cedar
 * `incident.declare` / `incident.end`), expired by a job when their planned end passes. An incident's
 * jurisdiction follows from its area (country borders); it is in effect for the declaring country's
 * cameras at once, and for another country's cameras only once an authorised operator of that country
 * accepts it (`incident.accept`: dual control across the border). Cameras whose position lies in an
 * incident's area carry it in their decision context, with whether it is in effect for their country.
 */
@Injectable()
export class IncidentService implements OnApplicationShutdown {
  private readonly log = new Logger(IncidentService.name);
  private expiring?: Promise<void>;
  /** Emits after an incident was declared, extended, ended or expired here (grants are re-decided on it). */
  readonly changes = new Subject<IncidentChange>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: IncidentRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly borders: CountryBorders,
    scheduler: SchedulerService,
  ) {
    scheduler.every('incident-expiry', { everyMs: cfg.incidents.checkIntervalSec * 1000, run: () => this.expireDue() });
  }

  onApplicationShutdown(): void {
    this.changes.complete();
  }

  /** Incidents in force now, straight from the database (so every gateway decides on the same ones). */
  activeNow(): Promise<IncidentEntity[]> {
    return this.repo.findActive(new Date());
  }

  /** The incidents among `incidents` whose area holds the camera, as the policies see them. */
  covering(camera: Pick<CameraEntity, 'latitude' | 'longitude'>, incidents: IncidentEntity[]): IncidentInContext[] {
    return incidents.filter((i) => areaContains(i.area, camera.latitude, camera.longitude)).map(toContext);
  }

  /**
   * Why raw video of the camera is or is not unlocked, in words: for each incident in force covering it,
   * who declared it and whether (and by whom, when) the camera's country accepted it.
   */
  explain(camera: Pick<CameraEntity, 'latitude' | 'longitude' | 'jurisdiction'>, incidents: IncidentEntity[]): string[] {
    const country = camera.jurisdiction;
    return incidents
      .filter((i) => areaContains(i.area, camera.latitude, camera.longitude))
      .map((i) => {
        const head = `incident "${i.title}" (${i.id}) declared by ${i.organisationId} (${i.declaringCountry}) at ${hhmm(i.startsAt)}`;
        const a = i.acceptances?.[country];
        if (country === i.declaringCountry) return `raw: ${head}`;
        if (a?.state === 'accepted') return `raw: ${head}, accepted for ${country} by ${a.organisationId} (${a.by}) at ${hhmm(new Date(a.at))}`;
        if (a) return `no raw: ${head}, ${a.state === 'refused' ? 'refused' : 'acceptance withdrawn'} for ${country} by ${a.organisationId} (${a.by}) at ${hhmm(new Date(a.at))}`;
        return `no raw: ${head}, awaits acceptance by an authorised operator of ${country}`;
      });
  }

  list(state: 'open' | 'all' = 'open'): Promise<IncidentEntity[]> {
    return state === 'all' ? this.repo.findRecent(500) : this.repo.findOpen();
  }

  async findOne(id: string): Promise<IncidentEntity> {
    const incident = isUuid(id) ? await this.repo.findById(id) : null;
    if (!incident) throw AppError.notFound('incident', id);
    return incident;
  }

  async findMany(ids: string[]): Promise<IncidentEntity[]> {
    const bad = ids.find((id) => !isUuid(id));
    if (bad) throw AppError.notFound('incident', bad);
    const found = await this.repo.findByIds(ids);
    const missing = ids.find((id) => !found.some((i) => i.id === id));
    if (missing) throw AppError.notFound('incident', missing);
    return found;
  }

  async declare(p: Principal, dto: DeclareIncidentDto): Promise<IncidentEntity> {
    const area = this.checkArea(dto.area);
    const now = new Date();
    const startsAt = dto.startsAt ?? now;
    const maxMs = this.cfg.incidents.maxDurationHours * HOUR_MS;
    if (startsAt.getTime() < now.getTime() - maxMs) {
      throw AppError.badRequest('incident_start_invalid', `startsAt may lie at most ${this.cfg.incidents.maxDurationHours} hours in the past`, {
        maxHours: this.cfg.incidents.maxDurationHours,
      });
    }
    this.checkEnd(dto.endsAt, startsAt > now ? startsAt : now);
    const countries = this.borders.countriesOf(area);
    if (countries.length === 0) throw AppError.badRequest('incident_outside_borders', 'the area lies in no country known to BorderLens (incidents.bordersFile)');
    // Within one country: that country's incident. Across a border: the declaring side's, and every other
    // country it touches must accept it before it counts for that country's cameras.
    const jurisdiction = countries.length === 1 || !countries.includes(p.country) ? countries[0] : p.country;
    const resource: IncidentResourceInput = {
      type: 'Incident',
      id: 'new',
      jurisdiction,
      incidentType: dto.type,
      severity: dto.severity,
      countries,
      declaringCountry: p.country,
      declaringOrganisation: p.organisation,
    };
    const decision = await this.authz.require(p, 'incident.declare', resource, { code: 'incident_declare_forbidden', object: 'incident:new', justification: dto.title });
    const saved = await this.dataSource.transaction(async (m) => {
      const incident = m.create(IncidentEntity, {
        type: dto.type,
        severity: dto.severity,
        title: dto.title.trim(),
        area,
        organisationId: p.organisation,
        country: jurisdiction,
        countries,
        declaringCountry: p.country,
        // Declaring is the declaring country's acceptance.
        acceptances: { [p.country]: { state: 'accepted', organisationId: p.organisation, by: p.username, at: now.toISOString(), reason: 'declared' } },
        declaredBy: p.username,
        startsAt,
        endsAt: dto.endsAt,
        endedAt: null,
        endedBy: null,
        endReason: null,
      });
      const i = await this.repo.save(incident, m);
      await this.authz.recordDecision(
        p,
        'incident.declare',
        decision,
        {
          operation: 'collection',
          object: `incident:${i.id}`,
          justification: `incident declared: ${i.title}`,
          details: {
            change: 'declared',
            type: i.type,
            severity: i.severity,
            area: i.area,
            countries: i.countries,
            jurisdiction: i.country,
            startsAt: i.startsAt,
            endsAt: i.endsAt,
          },
        },
        m,
      );
      return i;
    });
    this.changed(saved.id, 'declared');
    return saved;
  }

  async extend(p: Principal, id: string, dto: ExtendIncidentDto): Promise<IncidentEntity> {
    const incident = await this.findOne(id);
    const decision = await this.authz.require(p, 'incident.declare', resourceOf(incident), {
      code: 'incident_extend_forbidden',
      object: `incident:${id}`,
      justification: dto.reason,
    });
    const saved = await this.dataSource.transaction(async (m) => {
      const i = await this.lockOpen(id, m);
      if (dto.endsAt <= i.endsAt)
        throw AppError.badRequest('incident_extension_invalid', `endsAt must be later than the current planned end (${i.endsAt.toISOString()})`, {
          endsAt: i.endsAt.toISOString(),
        });
      this.checkEnd(dto.endsAt, new Date());
      const previous = i.endsAt;
      i.endsAt = dto.endsAt;
      await this.repo.save(i, m);
      await this.authz.recordDecision(
        p,
        'incident.declare',
        decision,
        { operation: 'alteration', object: `incident:${id}`, justification: dto.reason.trim(), details: { change: 'extended', previousEndsAt: previous, endsAt: i.endsAt } },
        m,
      );
      return i;
    });
    this.changed(id, 'extended');
    return saved;
  }

  /**
   * Ends the incident for every country. Either side may: the declaring country's operators, or those of
   * a country that accepted it (decided by that country's rules), and raw access ends on both sides.
   */
  async end(p: Principal, id: string, reason: string): Promise<IncidentEntity> {
    const incident = await this.findOne(id);
    const acceptedHere = p.country !== incident.country && incident.acceptances?.[p.country]?.state === 'accepted';
    const resource = acceptedHere ? { ...resourceOf(incident), jurisdiction: p.country } : resourceOf(incident);
    const decision = await this.authz.require(p, 'incident.end', resource, { code: 'incident_end_forbidden', object: `incident:${id}`, justification: reason });
    const saved = await this.dataSource.transaction(async (m) => {
      const i = await this.lockOpen(id, m);
      Object.assign(i, { endedAt: new Date(), endedBy: p.username, endReason: reason.trim() });
      await this.repo.save(i, m);
      await this.authz.recordDecision(
        p,
        'incident.end',
        decision,
        { operation: 'alteration', object: `incident:${id}`, justification: reason.trim(), details: { change: 'ended', plannedEnd: i.endsAt } },
        m,
      );
      return i;
    });
    this.changed(id, 'ended');
    return saved;
  }

  /**
   * The user's country accepts the incident (it then counts for that country's cameras), refuses it, or
   * withdraws an acceptance (raw sessions on its cameras lose raw within a review round). Decided by
   * `incident.accept` on the incident as declared; audited with the reason.
   */
  async decideAcceptance(p: Principal, id: string, change: AcceptanceChange, reason: string): Promise<IncidentEntity> {
    const incident = await this.findOne(id);
    const country = p.country;
    if (country === incident.declaringCountry) {
      throw AppError.conflict('incident_declared_by_your_country', `incident ${id} was declared in ${country}; it is in effect there already (end it to stop it)`, { country });
    }
    const object = `incident:${id}`;
    const decision = await this.authz.require(p, 'incident.accept', resourceOf(incident), {
      code: `incident_${change === 'accepted' ? 'accept' : change === 'refused' ? 'refuse' : 'withdraw'}_forbidden`,
      object,
      justification: reason,
    });
    const saved = await this.dataSource.transaction(async (m) => {
      const i = await this.lockOpen(id, m);
      const current = i.acceptances?.[country]?.state;
      const conflict = ACCEPTANCE_CONFLICTS[change](current);
      if (conflict) throw AppError.conflict(conflict.code, conflict.message(country), { country });
      const state: AcceptanceState = change;
      i.acceptances = { ...i.acceptances, [country]: { state, organisationId: p.organisation, by: p.username, at: new Date().toISOString(), reason: reason.trim() } };
      await this.repo.save(i, m);
      await this.authz.recordDecision(
        p,
        'incident.accept',
        decision,
        { operation: 'alteration', object, justification: reason.trim(), details: { change, country, previous: current ?? 'pending' } },
        m,
      );
      return i;
    });
    this.changed(id, change);
    return saved;
  }

  /** Ends the incidents whose planned end passed (the job runs in every gateway; row locks keep it single). */
  expireDue(): Promise<void> {
    this.expiring ??= this.doExpire()
      .catch((e) => this.log.warn(`incident expiry failed, retrying next round: ${(e as Error).message}`))
      .finally(() => (this.expiring = undefined));
    return this.expiring;
  }

  private async doExpire(): Promise<void> {
    const expired = await this.dataSource.transaction(async (m) => {
      const due = await this.repo.lockDue(new Date(), m);
      for (const i of due) {
        Object.assign(i, { endedAt: i.endsAt, endedBy: SYSTEM_ACTOR.user, endReason: 'planned end reached' });
        await this.repo.save(i, m);
        await this.audit.record(
          {
            actor: SYSTEM_ACTOR,
            operation: 'alteration',
            object: `incident:${i.id}`,
            decision: 'expired',
            justification: 'planned end reached',
            details: { change: 'expired', endsAt: i.endsAt },
          },
          m,
        );
      }
      return due;
    });
    for (const i of expired) {
      this.log.log(`incident ${i.id} (${i.title}) expired`);
      this.changed(i.id, 'expired');
    }
  }

  private async lockOpen(id: string, m: Parameters<IncidentRepository['lock']>[1]): Promise<IncidentEntity> {
    const i = await this.repo.lock(id, m);
    if (!i) throw AppError.notFound('incident', id);
    if (i.endedAt || i.endsAt <= new Date()) throw AppError.conflict('incident_ended', `incident ${id} has already ended`);
    return i;
  }

  private changed(incidentId: string, change: IncidentChange['change']): void {
    this.changes.next({ incidentId, change });
  }

  private checkEnd(endsAt: Date, from: Date): void {
    const now = Date.now();
    if (endsAt.getTime() <= now || endsAt <= from) throw AppError.badRequest('incident_end_invalid', 'endsAt must lie in the future, after startsAt');
    const max = this.cfg.incidents.maxDurationHours;
    if (endsAt.getTime() > now + max * HOUR_MS) {
      throw AppError.badRequest('incident_too_long', `the planned end may lie at most ${max} hours from now (incidents.maxDurationHours); extend the incident later if needed`, {
        maxHours: max,
      });
    }
  }

  /** A GeoJSON Polygon or a Circle, within the size limits; stored without any other member. */
  private checkArea(raw: unknown): IncidentArea {
    const a = raw as Record<string, unknown>;
    const invalid = (why: string) => AppError.badRequest('incident_area_invalid', why, { maxRadiusKm: this.cfg.incidents.maxRadiusKm });
    let area: IncidentArea;
    if (a.type === 'Circle') {
      if (Object.keys(a).some((k) => !['type', 'center', 'radiusMeters'].includes(k))) throw invalid('a Circle area has only type, center and radiusMeters');
      if (typeof a.radiusMeters !== 'number') throw invalid('area.radiusMeters must be a number');
      area = { type: 'Circle', center: a.center as [number, number], radiusMeters: a.radiusMeters };
    } else if (a.type === 'Polygon') {
      if (Object.keys(a).some((k) => !['type', 'coordinates'].includes(k))) throw invalid('a Polygon area has only type and coordinates');
      if (Array.isArray(a.coordinates) && a.coordinates.length > MAX_RINGS) throw invalid(`a polygon may have at most ${MAX_RINGS} rings`);
      area = { type: 'Polygon', coordinates: a.coordinates as number[][][] };
    } else {
      throw invalid('area must be a GeoJSON Polygon or a Circle {type, center: [lon, lat], radiusMeters}');
    }
    const problem = areaProblem(area, this.cfg.incidents.maxRadiusKm * 1000);
    if (problem) throw invalid(problem);
    return area;
  }
}

const ACCEPTANCE_CONFLICTS: Record<AcceptanceChange, (current: AcceptanceState | undefined) => { code: string; message: (country: string) => string } | null> = {
  accepted: (c) => (c === 'accepted' ? { code: 'incident_already_accepted', message: (country) => `${country} has already accepted this incident` } : null),
  refused: (c) =>
    c === 'accepted'
      ? { code: 'incident_already_accepted', message: (country) => `${country} has accepted this incident; withdraw the acceptance instead` }
      : c === 'refused'
        ? { code: 'incident_already_refused', message: (country) => `${country} has already refused this incident` }
        : null,
  withdrawn: (c) => (c !== 'accepted' ? { code: 'incident_not_accepted', message: (country) => `${country} has not accepted this incident; there is nothing to withdraw` } : null),
};

/** An incident as the policies see it in a camera's context (whether it counts is decided per camera country). */
export function toContext(i: IncidentEntity): IncidentInContext {
  const byState = (state: AcceptanceState) =>
    Object.entries(i.acceptances ?? {})
      .filter(([, a]) => a.state === state)
      .map(([c]) => c);
  return {
    id: i.id,
    type: i.type,
    severity: i.severity,
    country: i.country,
    organisation: i.organisationId,
    declaringCountry: i.declaringCountry,
    countries: i.countries,
    acceptedIn: byState('accepted'),
    refusedIn: [...byState('refused'), ...byState('withdrawn')],
  };
}

export function resourceOf(i: IncidentEntity): IncidentResourceInput {
  return {
    type: 'Incident',
    id: i.id,
    jurisdiction: i.country,
    incidentType: i.type,
    severity: i.severity,
    countries: i.countries,
    declaringCountry: i.declaringCountry,
    declaringOrganisation: i.organisationId,
  };
}

function hhmm(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}
