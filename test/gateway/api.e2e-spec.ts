import { DataSource } from 'typeorm';
import { Patterns, ServiceClient, ServiceName, ServiceTokens } from '@borderlens/contracts';
import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak, passwordToken } from '../support/keycloak';

/**
 * The gateway against the real Keycloak (password grant of demo users), the embedded PGlite
 * database and the TCP transport: the path a new installation takes.
 */
describe('gateway API (Keycloak, PGlite, TCP)', () => {
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const token = async (user: string) => (tokens[user] ??= await passwordToken(user));

  beforeAll(async () => {
    await ensureKeycloak();
    gw = await startGateway({ env: { CAMERAS_ALLOW_SPECIAL_NETWORKS: '' } });
  }, 300_000);

  afterAll(async () => {
    await gw?.close();
  });

  describe('identity', () => {
    it('answers /api/v1/me for a demo user signed in through Keycloak', async () => {
      const r = await api(gw.url, '/api/v1/me', { token: await token('nysa.municipal') });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ username: 'nysa.municipal', organisation: 'gmina-nysa', organisationName: 'Gmina Nysa', country: 'PL', roles: ['municipal'] });
    });

    it('refuses a request without a token with 401 and a JSON error', async () => {
      const r = await api(gw.url, '/api/v1/cameras');
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'unauthenticated', requestId: expect.any(String) });
    });

    it('refuses a tampered token with 401', async () => {
      const t = await token('hzs.operator');
      const [h, p, s] = t.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.organisation = 'policie-olk';
      const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      const r = await api(gw.url, '/api/v1/me', { token: forged });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toBe('token signature invalid');
    });

    it('keeps a caller-supplied request id', async () => {
      const r = await api(gw.url, '/api/v1/me', { headers: { 'x-request-id': 'req-12345' } });
      expect(r.headers.get('x-request-id')).toBe('req-12345');
      expect(r.body.error.requestId).toBe('req-12345');
    });
  });

  describe('seeded data', () => {
    it('lists the five partners', async () => {
      const r = await api(gw.url, '/api/v1/organisations', { token: await token('hzs.operator') });
      expect(r.status).toBe(200);
      expect(r.body.map((o: { id: string }) => o.id).sort()).toEqual(['gmina-glucholazy', 'gmina-nysa', 'hzs-olk', 'mesto-jesenik', 'policie-olk']);
      expect(r.body.find((o: { id: string }) => o.id === 'policie-olk')).toMatchObject({ country: 'CZ', kind: 'police', legalRegime: 'led' });
    });

    it('lists demo cameras near Jeseník, Nysa and Głuchołazy without credentials', async () => {
      const r = await api(gw.url, '/api/v1/cameras', { token: await token('glucholazy.municipal') });
      expect(r.status).toBe(200);
      const names = r.body.map((c: { name: string }) => c.name).join(' | ');
      expect(names).toMatch(/Jeseník/);
      expect(names).toMatch(/Nysa/);
      expect(names).toMatch(/Głuchołazy/);
      for (const c of r.body) {
        expect(c.latitude).toBeGreaterThan(50.1);
        expect(c.latitude).toBeLessThan(50.6);
        expect(JSON.stringify(c)).not.toMatch(/password|credentials_encrypted|pushKeyHash/i);
      }
    });

    it('answers 404 with a code for an unknown camera', async () => {
      const r = await api(gw.url, '/api/v1/cameras/00000000-0000-4000-8000-000000000000', { token: await token('hzs.operator') });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('camera_not_found');
    });
  });

  describe('camera management', () => {
    const camera = {
      name: 'Nysa – most Bolesława Chrobrego',
      kind: 'fixed',
      latitude: 50.4749,
      longitude: 17.3265,
      ingest: { type: 'rtsp', url: 'rtsp://operator:tajne%40haslo@203.0.113.7:554/h264' },
    };

    it('lets an admin register a camera of their organisation; credentials are stored encrypted and never returned', async () => {
      const r = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.admin'), body: camera });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ organisationId: 'gmina-nysa', jurisdiction: 'PL', ingest: { type: 'rtsp', url: 'rtsp://203.0.113.7:554/h264', hasCredentials: true } });
      expect(JSON.stringify(r.body)).not.toContain('haslo');
      const raw = await gw.app.get(DataSource).query('SELECT credentials_encrypted FROM cameras WHERE id = $1', [r.body.id]);
      expect(raw[0].credentials_encrypted).toMatch(/^v1\./);
      expect(raw[0].credentials_encrypted).not.toContain('haslo');
    });

    it('refuses camera registration to users without the admin role (403)', async () => {
      const r = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.municipal'), body: camera });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('role_required');
    });

    it("refuses an admin of one organisation editing or deleting another organisation's camera", async () => {
      const created = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('glucholazy.admin'), body: { ...camera, name: 'Głuchołazy – test' } });
      expect(created.status).toBe(201);
      const edit = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { method: 'PATCH', token: await token('nysa.admin'), body: { name: 'taken over' } });
      expect(edit.status).toBe(403);
      expect(edit.body.error.code).toBe('camera_manage_forbidden');
      const del = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { method: 'DELETE', token: await token('hzs.admin') });
      expect(del.status).toBe(403);
      const foreign = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.admin'), body: { ...camera, organisationId: 'gmina-glucholazy' } });
      expect(foreign.status).toBe(403);
      const still = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { token: await token('glucholazy.admin') });
      expect(still.body.name).toBe('Głuchołazy – test');
    });

    it('lets the owner admin update and delete, and audits each step', async () => {
      const t = await token('jesenik.admin');
      const created = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: t, body: { ...camera, name: 'Jeseník – test' } });
      const upd = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { method: 'PATCH', token: t, body: { name: 'Jeseník – renamed', retentionDays: 14 } });
      expect(upd.status).toBe(200);
      expect(upd.body).toMatchObject({ name: 'Jeseník – renamed', retentionDays: 14, ingest: { hasCredentials: true } });
      const del = await api(gw.url, `/api/v1/cameras/${created.body.id}`, { method: 'DELETE', token: t });
      expect(del.status).toBe(204);
      expect((await api(gw.url, `/api/v1/cameras/${created.body.id}`, { token: t })).status).toBe(404);
      const audit = await api(gw.url, `/api/v1/audit?object=camera:${created.body.id}`, { token: await token('jesenik.legal') });
      expect(audit.status).toBe(200);
      expect(audit.body.map((e: { operation: string }) => e.operation)).toEqual(['collection', 'alteration', 'erasure']);
      expect(audit.body[0]).toMatchObject({ actorUser: 'jesenik.admin', actorOrganisation: 'mesto-jesenik', actorCountry: 'CZ' });
    });

    it.each([
      ['an unknown field', { ...camera, owner: 'x' }, 'validation_failed'],
      ['an http URL', { ...camera, ingest: { type: 'rtsp', url: 'http://203.0.113.7/stream' } }, 'camera_url_scheme'],
      ['a loopback camera', { ...camera, ingest: { type: 'rtsp', url: 'rtsp://127.0.0.1:554/x' } }, 'camera_network_refused'],
      ['the cloud metadata address', { ...camera, ingest: { type: 'rtsp', url: 'rtsp://169.254.169.254/latest' } }, 'camera_network_refused'],
      ['a host name resolving to loopback', { ...camera, ingest: { type: 'rtsp', url: 'rtsp://localhost:554/x' } }, 'camera_network_refused'],
      ['an rtsp camera without URL', { ...camera, ingest: { type: 'rtsp' } }, 'camera_url_required'],
      ['a latitude out of range', { ...camera, latitude: 123 }, 'validation_failed'],
      ['a name too long', { ...camera, name: 'x'.repeat(201) }, 'validation_failed'],
    ])('refuses %s with 400', async (_what, body, code) => {
      const r = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.admin'), body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
    });

    it('refuses malformed JSON and oversized bodies with clear errors', async () => {
      const bad = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.admin'), body: '{"name": ' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_json');
      const big = await api(gw.url, '/api/v1/cameras', { method: 'POST', token: await token('nysa.admin'), body: { ...camera, name: 'x'.repeat(400_000) } });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('payload_too_large');
    });

    it('issues a push key to a drone once; media nodes resolve it over the authenticated transport', async () => {
      const r = await api(gw.url, '/api/v1/cameras', {
        method: 'POST',
        token: await token('hzs.admin'),
        body: { name: 'HZS – dron 2', kind: 'drone', latitude: 50.23, longitude: 17.2, ingest: { type: 'push', protocol: 'srt' } },
      });
      expect(r.status).toBe(201);
      expect(r.body.pushKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const again = await api(gw.url, `/api/v1/cameras/${r.body.id}`, { token: await token('hzs.admin') });
      expect(again.body.pushKey).toBeUndefined();

      const media = ServiceClient.create(gw.cfg, ServiceName.media, ServiceName.gateway);
      try {
        await expect(media.send(Patterns.gateway.resolvePushKey, { key: r.body.pushKey })).resolves.toEqual({ cameraId: r.body.id });
        await expect(media.send(Patterns.gateway.resolvePushKey, { key: 'x'.repeat(32) })).rejects.toThrow(/push key/);
        const rotated = await api(gw.url, `/api/v1/cameras/${r.body.id}/push-key`, { method: 'POST', token: await token('hzs.admin') });
        expect(rotated.status).toBe(201);
        await expect(media.send(Patterns.gateway.resolvePushKey, { key: r.body.pushKey })).rejects.toThrow(/push key/);
        await expect(media.send(Patterns.gateway.resolvePushKey, { key: rotated.body.pushKey })).resolves.toEqual({ cameraId: r.body.id });
      } finally {
        await media.close();
      }
    });

    it('refuses transport calls without a valid service token', async () => {
      const intruder = new ServiceClient(gw.cfg, ServiceName.gateway, ServiceTokens.withUnknownKey(ServiceName.media));
      try {
        await expect(intruder.send(Patterns.gateway.camerasToRecord, {})).rejects.toThrow(/service token/);
      } finally {
        await intruder.close();
      }
    });
  });

  describe('audit trail over HTTP: each reader sees its own part', () => {
    interface Entry {
      seq: string;
      actorUser: string;
      actorOrganisation: string;
      operation: string;
      object: string;
      recipient: string;
      justification: string;
      details: Record<string, any>;
      prevHash: string;
      hash: string;
    }
    const READERS: [string, string, string][] = [
      ['hzs.auditor', 'hzs-olk', 'CZ'],
      ['hzs.legal', 'hzs-olk', 'CZ'],
      ['policie.legal', 'policie-olk', 'CZ'],
      ['jesenik.legal', 'mesto-jesenik', 'CZ'],
      ['nysa.legal', 'gmina-nysa', 'PL'],
      ['glucholazy.legal', 'gmina-glucholazy', 'PL'],
    ];
    const created: Record<string, string> = {};
    let cameraOwner: Map<string, string>;
    let glucholazyRynek: string;

    beforeAll(async () => {
      // Every organisation's admin registers a camera; a Czech operator watches a Polish camera (a disclosure).
      const admins: [string, number, number][] = [
        ['hzs.admin', 50.23, 17.2],
        ['policie.admin', 50.24, 17.21],
        ['jesenik.admin', 50.23, 17.22],
        ['nysa.admin', 50.47, 17.33],
        ['glucholazy.admin', 50.31, 17.38],
      ];
      for (const [admin, latitude, longitude] of admins) {
        const r = await api(gw.url, '/api/v1/cameras', {
          method: 'POST',
          token: await token(admin),
          body: { name: `audit scope ${admin}`, kind: 'fixed', latitude, longitude, ingest: { type: 'rtsp', url: 'rtsp://198.51.100.7/stream' } },
        });
        expect(r.status).toBe(201);
        created[admin] = r.body.id;
      }
      const db = gw.app.get(DataSource);
      cameraOwner = new Map((await db.query('SELECT id, organisation_id FROM cameras')).map((c: { id: string; organisation_id: string }) => [`camera:${c.id}`, c.organisation_id]));
      glucholazyRynek = (await db.query("SELECT id FROM cameras WHERE name = 'Głuchołazy – Rynek'"))[0].id;
      // Its owner shares it live first (by default a municipal camera is shared on request only).
      const share = await api(gw.url, `/api/v1/cameras/${glucholazyRynek}/sharing`, {
        method: 'PUT',
        token: await token('glucholazy.admin'),
        body: { sharing: 'live-anonymized', reason: 'river levels for the fire services' },
      });
      expect(share.status).toBe(200);
      const watch = await api(gw.url, `/api/v1/cameras/${glucholazyRynek}/sessions`, {
        method: 'POST',
        token: await token('hzs.operator'),
        body: { form: 'anonymized', purpose: 'river level' },
      });
      expect(watch.status).toBe(201);
    });

    const read = async (user: string, query = 'limit=1000'): Promise<Entry[]> => {
      const r = await api(gw.url, `/api/v1/audit?${query}`, { token: await token(user) });
      expect(r.status).toBe(200);
      return r.body;
    };

    /** Why an entry may be shown to a reader of `org` (in `country`); undefined: it may not. */
    const entitlement = (e: Entry, org: string, country: string): string | undefined => {
      if (e.actorOrganisation === org) return 'actor';
      if (e.recipient.startsWith(`${org} (`)) return 'recipient';
      if (cameraOwner.get(e.object) === org) return 'own camera';
      if (e.object.startsWith(`policy:${country}`)) return 'own jurisdiction policy';
      return undefined;
    };

    it.each(READERS)('%s (%s) reads only what its organisation did and what was done with its cameras', async (user, org, country) => {
      const entries = await read(user);
      const foreign = entries.filter((e) => !entitlement(e, org, country));
      expect(foreign).toEqual([]);
      const objects = entries.map((e) => e.object);
      for (const [, id] of Object.entries(created)) {
        if (cameraOwner.get(`camera:${id}`) === org) expect(objects).toContain(`camera:${id}`);
        else expect(objects).not.toContain(`camera:${id}`);
      }
      // The Czech operator's view of a Polish camera: for the viewer's and the owner's readers only.
      const disclosure = entries.some((e) => e.object === `camera:${glucholazyRynek}` && e.operation === 'disclosure' && e.actorUser === 'hzs.operator');
      expect(disclosure).toBe(org === 'hzs-olk' || org === 'gmina-glucholazy');
      // Reading is itself audited, with the scope the policies gave.
      const own = (await read(user, 'object=audit&limit=1000')).filter((e) => e.actorUser === user && e.justification === 'audit trail read');
      expect(own.at(-1)).toMatchObject({ operation: 'consultation', details: expect.objectContaining({ scope: expect.objectContaining({ organisations: [org] }) }) });
    });

    it('exports the same part as JSON lines with hashes, and verifies the whole chain without showing it', async () => {
      const r = await api(gw.url, '/api/v1/audit/export', { token: await token('nysa.legal') });
      expect(r.status).toBe(200);
      const lines: Entry[] = String(r.body)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.filter((e) => !entitlement(e, 'gmina-nysa', 'PL'))).toEqual([]);
      expect(lines.some((e) => e.object === `camera:${created['nysa.admin']}`)).toBe(true);
      expect(lines.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
      const all = await api(gw.url, '/api/v1/audit/export', { token: await token('hzs.auditor') });
      const hzsSeqs = new Set(
        String(all.body)
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).seq),
      );
      expect(lines.some((e) => !hzsSeqs.has(e.seq))).toBe(true);
      const v = await api(gw.url, '/api/v1/audit/verify', { token: await token('glucholazy.legal') });
      expect(v.status).toBe(200);
      expect(v.body).toMatchObject({ ok: true, entries: expect.any(Number) });
      expect(v.body.entries).toBeGreaterThan(lines.length);
    });

    it('refuses users whom no rule lets read it (403, audited), on every route', async () => {
      for (const user of ['hzs.operator', 'nysa.municipal', 'jesenik.admin']) {
        for (const route of ['/api/v1/audit', '/api/v1/audit/verify', '/api/v1/audit/export']) {
          const r = await api(gw.url, route, { token: await token(user) });
          expect(r.status).toBe(403);
          expect(r.body.error.code).toBe('audit_read_forbidden');
        }
      }
      const refusals = (await read('hzs.auditor', 'object=audit&limit=1000')).filter((e) => e.actorUser === 'hzs.operator');
      expect(refusals.at(-1)).toMatchObject({ decision: 'deny', details: expect.objectContaining({ action: 'audit.read' }) });
    });
  });

  describe("the policies' reasons in the caller's language", () => {
    it('answers a denial with the reasons in the Accept-Language (cs, pl), English otherwise; the shape is the same', async () => {
      const t = await token('hzs.operator');
      const cameras = await api(gw.url, '/api/v1/cameras', { token: t });
      const drone = cameras.body.find((c: { name: string }) => c.name === 'HZS – dron Jeseník');
      const raw = (language?: string) =>
        api(gw.url, `/api/v1/cameras/${drone.id}/sessions`, {
          method: 'POST',
          token: t,
          body: { form: 'raw', purpose: 'patrol' },
          headers: language ? { 'accept-language': language } : {},
        });
      const cs = await raw('cs-CZ,cs;q=0.9,en;q=0.5');
      expect(cs.status).toBe(403);
      expect(cs.body.error).toMatchObject({ code: 'access_denied', details: { denial: 'forbidden', policies: ['CZ@1:cz-forbid-live-raw-without-incident'] } });
      expect(cs.body.error.details.reasons).toEqual([
        'Zakázáno pravidlem CZ „cz-forbid-live-raw-without-incident“: Neanonymizované živé video je dostupné pouze během vyhlášené mimořádné události, která se vztahuje na kameru',
      ]);
      expect(cs.body.error.message).toBe(cs.body.error.details.reasons.join('; '));
      const pl = await raw('pl');
      expect(pl.body.error.details.reasons).toEqual([
        'Zabronione przez regułę CZ „cz-forbid-live-raw-without-incident”: Obraz na żywo bez anonimizacji jest dostępny wyłącznie w trakcie ogłoszonego zdarzenia obejmującego kamerę',
      ]);
      const english = ['Forbidden by CZ rule "cz-forbid-live-raw-without-incident": Raw live video is available only during a declared incident covering the camera'];
      for (const other of ['de-DE', 'en', undefined]) expect((await raw(other)).body.error.details.reasons).toEqual(english);
    });
  });

  describe('operations', () => {
    it('serves the OpenAPI document and the browsable page without sign-in', async () => {
      const doc = await api(gw.url, '/api/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/me', '/api/v1/cameras', '/api/v1/cameras/{id}', '/api/v1/organisations', '/api/v1/audit']));
      expect(doc.body.components.schemas.CreateCameraDto.required).toEqual(expect.arrayContaining(['name', 'kind', 'latitude', 'longitude', 'ingest']));
      const page = await api(gw.url, '/api/docs');
      expect(page.status).toBe(200);
      expect(String(page.body)).toContain('swagger');
    });

    it('reports health with the database up and the other apps down: details only to an administrator', async () => {
      const r = await api(gw.url, '/api/health', { token: await token('hzs.admin') });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'degraded', checks: { database: { status: 'ok' }, media: { status: 'down' }, anonymizer: { status: 'down' } } });
      // Anyone else learns up or down only: no hosts, errors, cameras or models to map the installation.
      for (const t of [undefined, await token('hzs.operator'), 'not.a.token']) {
        const anon = await api(gw.url, '/api/health', { token: t });
        expect(anon.status).toBe(200);
        expect(anon.body).toEqual({ status: 'degraded' });
      }
      expect((await api(gw.url, '/api/health/ready')).status).toBe(200);
      expect((await api(gw.url, '/api/health/live')).status).toBe(200);
    });

    it('exposes Prometheus metrics', async () => {
      const r = await api(gw.url, '/metrics');
      expect(r.status).toBe(200);
      expect(String(r.body)).toMatch(/borderlens_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/me"/);
    });
  });
});
