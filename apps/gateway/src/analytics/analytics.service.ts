import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Observable, Subject, filter, from as fromValues, map, merge, of } from 'rxjs';
import { AuditService, SYSTEM_ACTOR, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { geometryProblems, type AnalyticsCamera, type AnalyticsLive, type AnalyticsMinute, type AnalyticsMinutesReport } from '@borderlens/contracts';
import { AnalyticsConfigEntity, type AnalyticsAlertEntity, type CameraEntity } from '@borderlens/database';
import type { Decision } from '@borderlens/policy';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AppError } from '../common/app-error';
import { SchedulerService } from '../common/scheduler.service';
import { areaContains } from '../incident/incident-area';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService, denied, policyIds } from '../policy/authorization.service';
import { AlertEvaluator, type RaisedAlert } from './alert-evaluator';
import {
  BUCKETS,
  type AlertDto,
  type AnalyticsCameraDto,
  type AnalyticsConfigDto,
  type AnalyticsConfigViewDto,
  type AreaQueryDto,
  type Bucket,
  type SeriesDto,
  type SeriesQueryDto,
  type SeriesResponseDto,
} from './analytics.dto';
import { AnalyticsRepository, type BucketRow } from './analytics.repository';
import { showCount } from './small-counts';
import { isUuid } from '../common/validation';

/** Longest span one series query may cover, per bucket size (keeps a query to ~10,000 points per series). */
const MAX_BUCKETS = 10_000;
const RETENTION_CHECK_MS = 3600_000;

/** What a live stream sends: the latest counts (floored) or an alert. */
export interface LiveEvent {
  type: 'counts' | 'alert';
  data: unknown;
}

/**
 * Analytics of cameras without frames: zone and line configuration, the per-minute counts the
 * anonymizers report, time series, sums over an incident's area, live counts and alerts. Who sees a
 * camera's counts is decided by the Cedar action `analytics.view`; each query (not each bucket) is
 * written to the audit trail, and small counts are shown as "<analytics.minCount".
 */
@Injectable()
export class AnalyticsService implements OnModuleDestroy {
  private readonly log = new Logger(AnalyticsService.name);
  private readonly live = new Map<string, AnalyticsLive>();
  private readonly events = new Subject<{ cameraId: string; event: LiveEvent }>();
  private readonly alerts = new AlertEvaluator();
  private configs = new Map<string, AnalyticsConfigEntity>();
  private configsAt = 0;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: AnalyticsRepository,
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    scheduler: SchedulerService,
  ) {
    scheduler.every('analytics-retention', { everyMs: RETENTION_CHECK_MS, run: () => this.retention(), failure: 'analytics retention failed' });
  }

  onModuleDestroy(): void {
    this.events.complete();
  }

  // ----- configuration -----

  async getConfig(p: Principal, cameraId: string): Promise<AnalyticsConfigViewDto> {
    const camera = await this.cameras.findOneVisible(p, cameraId);
    const principal = await this.authz.principal(p);
    const input = await this.authz.camera(camera);
    const context = await this.context(camera);
    const may = (['analytics.view', 'camera.manage'] as const).some((a) => this.authz.decide(principal, a, input, context).decision === 'permit');
    if (!may) throw denied(this.authz.decide(principal, 'analytics.view', input, context), 'analytics_forbidden');
    return view(camera.id, await this.repo.findConfig(camera.id));
  }

  /** Replaces a camera's analytics configuration: the owner's administrators (Cedar camera.manage). */
  async putConfig(p: Principal, cameraId: string, dto: AnalyticsConfigDto): Promise<AnalyticsConfigViewDto> {
    const camera = await this.cameras.findOne(cameraId);
    const decision = await this.authz.require(p, 'camera.manage', await this.authz.camera(camera), { code: 'analytics_manage_forbidden', object: `camera:${camera.id}` });
    const problems = geometryProblems(dto);
    if (problems.length) throw AppError.badRequest(problems[0].code, problems.map((x) => x.message).join('; '), problems);
    for (const rule of dto.alerts) {
      const targets = rule.kind === 'occupancy' ? dto.zones : dto.lines;
      if (!targets.some((t) => t.id === rule.targetId)) {
        throw AppError.badRequest(
          'alert_target_unknown',
          `alert rule '${rule.id}' names ${rule.kind === 'occupancy' ? 'zone' : 'line'} '${rule.targetId}', which is not configured`,
        );
      }
    }
    const saved = await this.dataSource.transaction(async (m) => {
      const existing = await m.getRepository(AnalyticsConfigEntity).findOne({ where: { cameraId: camera.id }, lock: { mode: 'pessimistic_write' } });
      const c = existing ?? Object.assign(new AnalyticsConfigEntity(), { cameraId: camera.id, revision: 0 });
      Object.assign(c, { enabled: dto.enabled, zones: dto.zones, lines: dto.lines, alerts: dto.alerts, revision: c.revision + 1, updatedBy: p.username || p.userId });
      const s = await this.repo.saveConfig(c, m);
      await this.authz.recordDecision(
        p,
        'camera.manage',
        decision,
        {
          operation: 'alteration',
          object: `camera:${camera.id}`,
          details: { change: 'analytics configuration', enabled: dto.enabled, zones: dto.zones.length, lines: dto.lines.length, alerts: dto.alerts.length, revision: s.revision },
        },
        m,
      );
      return s;
    });
    this.configsAt = 0;
    return view(camera.id, saved);
  }

  /**
   * For the media nodes: cameras with analytics on, less those disabled by their administrators (a
   * disabled camera is not pulled, so there is nothing to sample; its configuration stays for when it
   * is enabled again).
   */
  async analyticsCameras(): Promise<AnalyticsCamera[]> {
    return (await this.repo.findEnabled()).filter((c) => !c.camera?.disabledAt).map((c) => ({ cameraId: c.cameraId, revision: c.revision, zones: c.zones, lines: c.lines }));
  }

  // ----- reports from the anonymizers -----

  /** Stores finished minutes, keeps the latest live counts, and raises alerts. */
  async ingest(report: AnalyticsMinutesReport): Promise<{ stored: number }> {
    const configs = await this.enabledConfigs();
    // Minutes of a camera whose analytics were switched off (or that is gone) are dropped.
    const minutes = (report.minutes ?? []).filter((m) => configs.has(m.cameraId));
    await this.repo.upsertMinutes(minutes);
    const raised: RaisedAlert[] = [];
    const byMinute = new Map<string, AnalyticsMinute[]>();
    for (const m of minutes) {
      const k = `${m.cameraId}|${m.minute}`;
      byMinute.set(k, [...(byMinute.get(k) ?? []), m]);
    }
    for (const [k, rows] of byMinute) {
      const [cameraId, minute] = k.split('|');
      raised.push(...this.alerts.minute(cameraId, minute, rows, configs.get(cameraId)!.alerts));
    }
    for (const l of report.live ?? []) {
      const c = configs.get(l.cameraId);
      if (!c) continue;
      const prev = this.live.get(l.cameraId);
      if (prev && prev.at > l.at) continue;
      this.live.set(l.cameraId, l);
      this.events.next({ cameraId: l.cameraId, event: { type: 'counts', data: this.liveView(l) } });
      raised.push(...this.alerts.live(l, c.alerts));
    }
    for (const a of raised) await this.raise(a);
    return { stored: minutes.length };
  }

  private async raise(a: RaisedAlert): Promise<void> {
    // The text is shown to every reader of the camera's analytics: a small count keeps its floor there too.
    const shown = showCount(a.value, this.cfg.analytics.minCount);
    const message = `${a.rule.name}: ${a.rule.kind === 'occupancy' ? `${shown} in zone '${a.rule.targetId}'` : `${shown} crossings per minute of line '${a.rule.targetId}'`} (threshold ${a.rule.threshold}, for ${a.rule.durationSec} s)`;
    const alert = await this.dataSource.transaction(async (m) => {
      const saved = await this.repo.saveAlert({ cameraId: a.cameraId, ruleId: a.rule.id, message, value: a.value, raisedAt: a.at, acknowledgedAt: null, acknowledgedBy: null }, m);
      await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'collection',
          object: `analytics-alert:${saved.id}`,
          justification: 'analytics alert rule',
          decision: 'raise',
          policyIds: [],
          details: { camera: a.cameraId, rule: a.rule.id, value: a.value, threshold: a.rule.threshold },
        },
        m,
      );
      return saved;
    });
    this.log.warn(`alert on camera ${a.cameraId}: ${message}`);
    this.events.next({ cameraId: a.cameraId, event: { type: 'alert', data: alertView(alert, this.cfg.analytics.minCount) } });
  }

  // ----- queries -----

  async series(p: Principal, cameraId: string, q: SeriesQueryDto): Promise<SeriesResponseDto> {
    const { from, to, bucket, sec } = this.span(q);
    const camera = await this.cameras.findOneVisible(p, cameraId);
    await this.authorizeView(p, camera, { query: 'series', from: from.toISOString(), to: to.toISOString(), bucket });
    const config = await this.repo.findConfig(camera.id);
    const rows = await this.repo.buckets([camera.id], from, to, sec);
    const names = new Map<string, string>([...(config?.zones ?? []), ...(config?.lines ?? [])].map((t) => [t.id, t.name]));
    return {
      cameraId: camera.id,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      minCount: this.cfg.analytics.minCount,
      series: this.toSeries(
        rows,
        (r) => r.targetId,
        (id) => names.get(id) ?? id,
      ),
    };
  }

  /** The sum over the cameras inside an incident's area whose analytics the caller may see. */
  async area(p: Principal, q: AreaQueryDto): Promise<SeriesResponseDto> {
    const { from, to, bucket, sec } = this.span(q);
    const incident = await this.incidents.findOne(q.incidentId);
    const principal = await this.authz.principal(p);
    const active = await this.incidents.activeNow();
    const enabled = await this.enabledConfigs(true);
    const inside: CameraEntity[] = [];
    const decisions: Decision[] = [];
    for (const c of await this.cameras.findAll()) {
      if (!enabled.has(c.id) || !areaContains(incident.area, c.latitude, c.longitude)) continue;
      const d = this.authz.decide(principal, 'analytics.view', await this.authz.camera(c), { incidents: this.incidents.covering(c, active), now: new Date() });
      if (d.decision === 'permit') {
        inside.push(c);
        decisions.push(d);
      }
    }
    // One entry for the whole query, naming the cameras summed.
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: `incident:${incident.id}`,
      justification: '',
      decision: 'permit',
      policyIds: [...new Set(decisions.flatMap(policyIds))],
      details: { action: 'analytics.view', query: 'area', cameras: inside.map((c) => c.id), from: from.toISOString(), to: to.toISOString(), bucket },
    });
    const rows = await this.repo.buckets(
      inside.map((c) => c.id),
      from,
      to,
      sec,
    );
    return {
      incidentId: incident.id,
      cameraIds: inside.map((c) => c.id),
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      minCount: this.cfg.analytics.minCount,
      series: this.toSeries(
        rows,
        () => '*',
        () => 'all cameras in the area',
      ),
    };
  }

  async csv(p: Principal, cameraId: string, q: SeriesQueryDto): Promise<string> {
    const s = await this.series(p, cameraId, q);
    const lines = ['time,kind,target,name,class,direction,measure,value'];
    for (const x of s.series) for (const pt of x.points) lines.push([pt.t, x.kind, x.targetId, csvField(x.name), x.cls, x.direction ?? '', x.measure, String(pt.value)].join(','));
    return lines.join('\n') + '\n';
  }

  /** Live counts of a camera: the latest at once, then every report, and alerts; audited once when the stream opens. */
  async liveStream(p: Principal, cameraId: string): Promise<Observable<LiveEvent>> {
    const camera = await this.cameras.findOneVisible(p, cameraId);
    await this.authorizeView(p, camera, { query: 'live' });
    const latest = this.live.get(camera.id);
    return merge(
      latest ? of<LiveEvent>({ type: 'counts', data: this.liveView(latest) }) : of<LiveEvent>(),
      this.events.pipe(
        filter((e) => e.cameraId === camera.id),
        map((e) => e.event),
      ),
    );
  }

  /**
   * Which cameras the caller may read counts of (`view`) or configure (`manage`), and whether counting
   * is on: the web app asks before it opens a chart or the editor, so it never asks for what it may not
   * see. Names no count, so it is not audited.
   */
  async cameraList(p: Principal): Promise<AnalyticsCameraDto[]> {
    const enabled = await this.enabledConfigs(true);
    return (await this.decideAll(p, ['analytics.view', 'camera.manage']))
      .filter((x) => x.permits.size)
      .map((x) => ({ cameraId: x.camera.id, enabled: enabled.has(x.camera.id), view: x.permits.has('analytics.view'), manage: x.permits.has('camera.manage') }));
  }

  /**
   * Live counts and alerts of every camera with analytics on whose counts the caller may see, in one
   * stream (a map or an alert list needs all of them; browsers allow few connections per server):
   * the latest counts of each at once, then every report. Audited once, when the stream opens.
   */
  async liveAll(p: Principal): Promise<Observable<LiveEvent>> {
    const enabled = await this.enabledConfigs(true);
    const permitted = (await this.decideAll(p, ['analytics.view'])).filter((x) => x.permits.size && enabled.has(x.camera.id));
    const ids = new Set(permitted.map((x) => x.camera.id));
    await this.audit.record({
      actor: actorOf(p),
      operation: permitted.some((x) => x.camera.jurisdiction !== (p.country || '')) ? 'disclosure' : 'consultation',
      object: 'analytics:live',
      justification: '',
      decision: 'permit',
      policyIds: [...new Set(permitted.flatMap((x) => policyIds(x.permits.get('analytics.view')!)))],
      details: { action: 'analytics.view', query: 'live-all', cameras: [...ids] },
    });
    const latest = [...ids].map((id) => this.live.get(id)).filter((l): l is AnalyticsLive => !!l);
    return merge(
      fromValues(latest.map((l): LiveEvent => ({ type: 'counts', data: this.liveView(l) }))),
      this.events.pipe(
        filter((e) => ids.has(e.cameraId)),
        map((e) => e.event),
      ),
    );
  }

  async listAlerts(p: Principal, state: 'open' | 'all' = 'open'): Promise<AlertDto[]> {
    const ids = (await this.decideAll(p, ['analytics.view'])).filter((x) => x.permits.size).map((x) => x.camera.id);
    return (await this.repo.findAlerts(ids, state === 'open')).map((a) => alertView(a, this.cfg.analytics.minCount));
  }

  /** The permits of the caller for these actions on every camera (decided, not audited). */
  private async decideAll(p: Principal, actions: ('analytics.view' | 'camera.manage')[]): Promise<{ camera: CameraEntity; permits: Map<string, Decision> }[]> {
    const principal = await this.authz.principal(p);
    const active = await this.incidents.activeNow();
    const out: { camera: CameraEntity; permits: Map<string, Decision> }[] = [];
    for (const c of await this.cameras.findAll()) {
      const input = await this.authz.camera(c);
      const context = { incidents: this.incidents.covering(c, active), now: new Date() };
      const permits = new Map<string, Decision>();
      for (const a of actions) {
        const d = this.authz.decide(principal, a, input, context);
        if (d.decision === 'permit') permits.set(a, d);
      }
      out.push({ camera: c, permits });
    }
    return out;
  }

  async acknowledge(p: Principal, alertId: string): Promise<AlertDto> {
    const alert = isUuid(alertId) ? await this.repo.findAlert(alertId) : null;
    if (!alert) throw AppError.notFound('alert', alertId);
    const camera = await this.cameras.findOne(alert.cameraId);
    const input = await this.authz.camera(camera);
    const decision = this.authz.decide(await this.authz.principal(p), 'analytics.view', input, await this.context(camera));
    // An alert of a camera whose analytics the user may not see stays unknown to them.
    if (decision.decision !== 'permit') throw AppError.notFound('alert', alertId);
    await this.dataSource.transaction(async (m) => {
      if (!(await this.repo.acknowledge(alert.id, p.username || p.userId, m)))
        throw AppError.conflict('alert_already_acknowledged', `alert '${alert.id}' was already acknowledged`);
      await this.authz.recordDecision(
        p,
        'analytics.view',
        decision,
        { operation: 'alteration', object: `analytics-alert:${alert.id}`, details: { change: 'acknowledged', camera: camera.id } },
        m,
      );
    });
    return alertView((await this.repo.findAlert(alert.id))!, this.cfg.analytics.minCount);
  }

  // ----- helpers -----

  /** analytics.view on the camera (403 analytics_forbidden, audited), and one audit entry for the query. */
  private async authorizeView(p: Principal, camera: CameraEntity, details: Record<string, unknown>): Promise<void> {
    const decision = await this.authz.require(p, 'analytics.view', await this.authz.camera(camera), {
      code: 'analytics_forbidden',
      object: `camera:${camera.id}`,
      context: await this.context(camera),
    });
    const crossBorder = (p.country || '') !== camera.jurisdiction;
    await this.authz.recordDecision(p, 'analytics.view', decision, {
      operation: crossBorder ? 'disclosure' : 'consultation',
      object: `camera:${camera.id}`,
      ...(crossBorder ? { recipient: `${p.organisation} (${p.country})` } : {}),
      details,
    });
  }

  private async context(camera: CameraEntity) {
    return { incidents: this.incidents.covering(camera, await this.incidents.activeNow()), now: new Date() };
  }

  private span(q: SeriesQueryDto): { from: Date; to: Date; bucket: Bucket; sec: number } {
    const bucket = q.bucket ?? '5m';
    const sec = BUCKETS[bucket];
    const from = new Date(Math.floor(Date.parse(q.from) / (sec * 1000)) * sec * 1000);
    const to = new Date(Date.parse(q.to));
    if (!(to > from)) throw AppError.badRequest('analytics_range_invalid', "'to' must be later than 'from'");
    if ((to.getTime() - from.getTime()) / 1000 / sec > MAX_BUCKETS)
      throw AppError.badRequest('analytics_range_too_long', `at most ${MAX_BUCKETS} buckets of ${bucket} per query: choose a larger bucket or a shorter range`, {
        maxBuckets: MAX_BUCKETS,
        bucket,
      });
    return { from, to, bucket, sec };
  }

  /** Rows into series: zones give occupancy (most at once; summed over cameras and zones for an area), lines crossings. */
  private toSeries(rows: BucketRow[], target: (r: BucketRow) => string, name: (id: string) => string): SeriesDto[] {
    const series = new Map<string, { s: SeriesDto; values: Map<string, number> }>();
    for (const r of rows) {
      const id = target(r);
      const key = `${r.kind}|${id}|${r.cls}|${r.direction}`;
      let e = series.get(key);
      if (!e) {
        e = {
          s: {
            kind: r.kind,
            targetId: id,
            name: name(id),
            cls: r.cls as SeriesDto['cls'],
            ...(r.direction ? { direction: r.direction as SeriesDto['direction'] } : {}),
            measure: r.kind === 'zone' ? 'occupancy' : 'crossings',
            points: [],
          },
          values: new Map(),
        };
        series.set(key, e);
      }
      const t = r.bucket.toISOString();
      e.values.set(t, (e.values.get(t) ?? 0) + (r.kind === 'zone' ? r.occupancyMax : r.crossings));
    }
    const min = this.cfg.analytics.minCount;
    return [...series.values()].map(({ s, values }) => ({
      ...s,
      points: [...values.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t, value: showCount(v, min) })),
    }));
  }

  private liveView(l: AnalyticsLive) {
    const min = this.cfg.analytics.minCount;
    return {
      cameraId: l.cameraId,
      at: l.at,
      minCount: min,
      zones: l.zones.map((z) => ({ ...z, count: showCount(z.count, min) })),
      crossings: l.crossings.map((c) => ({ ...c, count: showCount(c.count, min) })),
    };
  }

  /** Enabled configurations by camera, cached for a few seconds (reports arrive every couple of seconds). */
  private async enabledConfigs(fresh = false): Promise<Map<string, AnalyticsConfigEntity>> {
    if (fresh || Date.now() - this.configsAt > 5000) {
      this.configs = new Map((await this.repo.findEnabled()).map((c) => [c.cameraId, c]));
      this.configsAt = Date.now();
    }
    return this.configs;
  }

  private async retention(): Promise<void> {
    const n = await this.repo.deleteMinutesBefore(new Date(Date.now() - this.cfg.analytics.retentionDays * 86400_000));
    if (n) this.log.log(`analytics retention: ${n} minutes older than ${this.cfg.analytics.retentionDays} days deleted`);
  }
}

function view(cameraId: string, c: AnalyticsConfigEntity | null): AnalyticsConfigViewDto {
  return {
    cameraId,
    enabled: c?.enabled ?? false,
    zones: c?.zones ?? [],
    lines: c?.lines ?? [],
    alerts: c?.alerts ?? [],
    revision: c?.revision ?? 0,
    ...(c?.updatedAt ? { updatedAt: c.updatedAt.toISOString() } : {}),
  };
}

function alertView(a: AnalyticsAlertEntity, minCount: number): AlertDto {
  return {
    id: a.id,
    cameraId: a.cameraId,
    ruleId: a.ruleId,
    message: a.message,
    value: showCount(a.value, minCount),
    raisedAt: a.raisedAt.toISOString(),
    ...(a.acknowledgedAt ? { acknowledgedAt: a.acknowledgedAt.toISOString(), acknowledgedBy: a.acknowledgedBy ?? '' } : {}),
  };
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
