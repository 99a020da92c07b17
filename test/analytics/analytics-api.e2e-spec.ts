import { DataSource } from 'typeorm';
import { Patterns, ServiceClient, ServiceName, type AnalyticsCamera, type AnalyticsMinute } from '@borderlens/contracts';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';

/**
 * The analytics API against the real gateway (Keycloak users, PGlite, Cedar default rules, TCP
 * transport), with the anonymizer's reports sent over the transport as an anonymizer node would.
 *
 * Relies on the default rules cz-analytics / pl-analytics (municipal staff of a municipality see the
 * analytics of every camera) and cz-live-anonymized-municipal (municipal staff see anonymized live
 * video only of municipal cameras): nysa.municipal may see the counts of the police camera at the
 * Mikulovice crossing but not its video.
 */
describe('analytics API', () => {
  let gw: TestGateway;
  let anonymizer: ServiceClient;
  let media: ServiceClient;
  let cameraId: string;
  const tokens: Record<string, string> = {};
  const token = async (user: string) => (tokens[user] ??= await passwordToken(user));
  const minute = (m: number) => new Date(Date.UTC(2026, 11, 2, 10, m, 0)).toISOString();

  const config = {
    enabled: true,
    zones: [
      {
        id: 'queue',
        name: 'Queue towards PL',
        polygon: [
          [0.1, 0.5],
          [0.6, 0.5],
          [0.6, 0.95],
          [0.1, 0.95],
        ],
      },
    ],
    lines: [{ id: 'border', name: 'Border line', a: [0.5, 0.9], b: [0.5, 0.1], forwardName: 'towards PL', backwardName: 'towards CZ' }],
    alerts: [{ id: 'crowd', name: 'Crowd in the queue', kind: 'occupancy', targetId: 'queue', classes: ['person'], threshold: 4, durationSec: 2 }],
  };

  beforeAll(async () => {
    await ensureKeycloak();
    gw = await startGateway({ env: { ANALYTICS_MIN_COUNT: '3' } });
    anonymizer = ServiceClient.create(gw.cfg, ServiceName.anonymizer, ServiceName.gateway);
    media = ServiceClient.create(gw.cfg, ServiceName.media, ServiceName.gateway);
    const cams = await api(gw.url, '/api/v1/cameras', { token: await token('policie.admin') });
    cameraId = cams.body.find((c: { name: string }) => /Mikulovice/.test(c.name)).id;
  }, 300_000);

  afterAll(async () => {
    await anonymizer?.close();
    await media?.close();
    await gw?.close();
  });

  const put = async (user: string, body: unknown) => api(gw.url, `/api/v1/analytics/cameras/${cameraId}/config`, { method: 'PUT', token: await token(user), body });

  it.each([
    [
      'self-intersecting zone',
      {
        zones: [
          {
            id: 'z',
            name: 'Z',
            polygon: [
              [0.1, 0.1],
              [0.9, 0.9],
              [0.9, 0.1],
              [0.1, 0.9],
            ],
          },
        ],
      },
      'geometry_self_intersecting',
    ],
    [
      'zone outside the picture',
      {
        zones: [
          {
            id: 'z',
            name: 'Z',
            polygon: [
              [0.1, 0.1],
              [1.2, 0.1],
              [0.5, 0.8],
            ],
          },
        ],
      },
      'geometry_outside_picture',
    ],
    [
      'zone with too many points',
      {
        zones: [
          { id: 'z', name: 'Z', polygon: Array.from({ length: 40 }, (_, i) => [0.5 + 0.4 * Math.cos((i / 40) * 2 * Math.PI), 0.5 + 0.4 * Math.sin((i / 40) * 2 * Math.PI)]) },
        ],
      },
      'geometry_too_many_points',
    ],
    ['line outside the picture', { lines: [{ id: 'l', name: 'L', a: [-0.1, 0.5], b: [0.5, 0.5] }] }, 'geometry_outside_picture'],
    ['alert on a zone that does not exist', { alerts: [{ ...config.alerts[0], targetId: 'nowhere' }] }, 'alert_target_unknown'],
  ])('refuses a %s with 400 and a clear code, storing nothing', async (_what, change, code) => {
    const r = await put('policie.admin', { ...config, ...change });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    const now = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/config`, { token: await token('policie.admin') });
    expect(now.body.revision).toBe(0);
  });

  it("lets only the owner's administrators configure (admin of another organisation: 403)", async () => {
    expect((await put('nysa.admin', config)).status).toBe(403);
    expect((await put('nysa.municipal', config)).status).toBe(403);
    const r = await put('policie.admin', config);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cameraId, enabled: true, revision: 1, zones: config.zones });
  });

  it('tells media nodes which cameras to sample, with their geometry', async () => {
    const cams = await media.send<AnalyticsCamera[]>(Patterns.gateway.analyticsCameras, {});
    expect(cams).toEqual([{ cameraId, revision: 1, zones: config.zones, lines: config.lines }]);
  });

  it('stores reported minutes and serves them as a series with the small-count floor, to a user without any video right', async () => {
    const rows: AnalyticsMinute[] = [];
    // Minutes 0..9: crossings forward = minute index (0, 1, 2, ...), occupancy max = 2 then 6.
    for (let m = 0; m < 10; m++) {
      rows.push({ cameraId, minute: minute(m), kind: 'line', targetId: 'border', cls: 'car', direction: 'forward', crossings: m, samples: 120 });
      rows.push({ cameraId, minute: minute(m), kind: 'zone', targetId: 'queue', cls: 'person', occupancyMax: m < 5 ? 2 : 6, occupancyAvg: 1.5, samples: 120 });
    }
    await expect(anonymizer.send(Patterns.gateway.analyticsMinutes, { minutes: rows })).resolves.toEqual({ stored: 20 });
    // A retry of the same minutes replaces them (counts are not doubled).
    await anonymizer.send(Patterns.gateway.analyticsMinutes, { minutes: rows.slice(0, 2) });

    const user = await token('nysa.municipal');
    const q = `from=${minute(0)}&to=${minute(10)}`;
    const one = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series?${q}&bucket=1m`, { token: user });
    expect(one.status).toBe(200);
    const crossings = one.body.series.find((s: { kind: string }) => s.kind === 'line');
    expect(crossings).toMatchObject({ targetId: 'border', name: 'Border line', cls: 'car', direction: 'forward', measure: 'crossings' });
    expect(crossings.points.map((p: { value: unknown }) => p.value)).toEqual([0, '<3', '<3', 3, 4, 5, 6, 7, 8, 9]);
    const five = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series?${q}&bucket=5m`, { token: user });
    const zone = five.body.series.find((s: { kind: string }) => s.kind === 'zone');
    expect(zone.points).toEqual([
      { t: minute(0), value: '<3' },
      { t: minute(5), value: 6 },
    ]);
    expect(five.body.series.find((s: { kind: string }) => s.kind === 'line').points.map((p: { value: unknown }) => p.value)).toEqual([10, 35]);

    // No video for this user: the session request is refused.
    const video = await api(gw.url, `/api/v1/cameras/${cameraId}/sessions`, { method: 'POST', token: user, body: { form: 'anonymized' } });
    expect(video.status).toBe(403);
  });

  it('exports CSV with the floor applied, and refuses a user the rules do not allow (the camera stays unknown to them: 404)', async () => {
    const csv = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series.csv?from=${minute(0)}&to=${minute(3)}&bucket=1m`, { token: await token('nysa.municipal') });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toBe('time,kind,target,name,class,direction,measure,value');
    expect(lines).toContain(`${minute(1)},line,border,Border line,car,forward,crossings,<3`);
    // glucholazy.admin: an administrator of another organisation; the default rules give analytics to operators and municipal staff only.
    const refused = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series?from=${minute(0)}&to=${minute(3)}`, { token: await token('glucholazy.admin') });
    expect(refused.status).toBe(404);
  });

  it('audits one entry per query, not one per bucket', async () => {
    const ds = gw.app.get(DataSource);
    const count = async () =>
      Number((await ds.query(`SELECT count(*) AS n FROM audit_entries WHERE object = $1 AND details->>'action' = 'analytics.view'`, [`camera:${cameraId}`]))[0].n);
    const before = await count();
    const r = await api(gw.url, `/api/v1/analytics/cameras/${cameraId}/series?from=${minute(0)}&to=${minute(10)}&bucket=1m`, { token: await token('nysa.municipal') });
    expect(r.body.series[0].points.length).toBe(10);
    expect(await count()).toBe(before + 1);
    const [entry] = await ds.query(`SELECT operation, recipient, policy_ids FROM audit_entries WHERE object = $1 ORDER BY seq DESC LIMIT 1`, [`camera:${cameraId}`]);
    // A Polish user reading a Czech camera: a disclosure to their organisation.
    expect(entry.operation).toBe('disclosure');
    expect(JSON.stringify(entry.policy_ids)).toMatch(/analytics/);
  });

  it('streams live counts as server-sent events (floored), raises an alert after the rule duration, lists and acknowledges it', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${gw.url}/api/v1/analytics/cameras/${cameraId}/live`, { headers: { authorization: `Bearer ${await token('nysa.municipal')}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (re: RegExp) => {
      const until = Date.now() + 10_000;
      while (!re.test(text)) {
        if (Date.now() > until) throw new Error(`no ${re} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += Buffer.from(value).toString();
      }
    };
    const t0 = Date.now();
    const live = (dt: number, persons: number) => ({
      live: [
        {
          cameraId,
          at: new Date(t0 + dt).toISOString(),
          zones: [{ targetId: 'queue', cls: 'person', count: persons }],
          crossings: [{ targetId: 'border', cls: 'car', direction: 'forward', count: 1 }],
        },
      ],
      minutes: [],
    });
    await anonymizer.send(Patterns.gateway.analyticsMinutes, live(0, 5));
    await readUntil(/event: counts/);
    expect(text).toMatch(/"count":5/);
    expect(text).toMatch(/"count":"<3"/);
    await anonymizer.send(Patterns.gateway.analyticsMinutes, live(1000, 6));
    await anonymizer.send(Patterns.gateway.analyticsMinutes, live(2500, 7));
    await readUntil(/event: alert/);
    ctrl.abort();

    const list = await api(gw.url, '/api/v1/analytics/alerts', { token: await token('nysa.municipal') });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ cameraId, ruleId: 'crowd', value: 7 });
    // A user who may not see this camera's analytics does not see its alerts.
    expect((await api(gw.url, '/api/v1/analytics/alerts', { token: await token('glucholazy.admin') })).body).toEqual([]);
    const ack = await api(gw.url, `/api/v1/analytics/alerts/${list.body[0].id}/acknowledge`, { method: 'POST', token: await token('nysa.municipal') });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedBy).toBe('nysa.municipal');
    expect((await api(gw.url, `/api/v1/analytics/alerts/${list.body[0].id}/acknowledge`, { method: 'POST', token: await token('nysa.municipal') })).status).toBe(409);
    expect((await api(gw.url, '/api/v1/analytics/alerts', { token: await token('nysa.municipal') })).body).toEqual([]);
  });

  it('sums the cameras inside an incident area', async () => {
    const inc = await api(gw.url, '/api/v1/incidents', {
      method: 'POST',
      token: await token('policie.operator'),
      body: {
        type: 'flood',
        severity: 3,
        title: 'Flood at Mikulovice',
        area: { type: 'Circle', center: [17.3253, 50.3017], radiusMeters: 2000 },
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    expect(inc.status).toBe(201);
    const r = await api(gw.url, `/api/v1/analytics/area?incidentId=${inc.body.id}&from=${minute(0)}&to=${minute(10)}&bucket=1h`, { token: await token('nysa.municipal') });
    expect(r.status).toBe(200);
    expect(r.body.cameraIds).toEqual([cameraId]);
    const line = r.body.series.find((s: { kind: string; direction?: string }) => s.kind === 'line' && s.direction === 'forward');
    expect(line.points).toEqual([{ t: minute(0), value: 45 }]);
  });
});
