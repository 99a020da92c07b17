import { api, startGateway, type TestGateway } from '../support/gateway';
import { ensureKeycloak } from '../support/keycloak';
import { tokens } from '../support/policy';
import { pdfText } from '../support/pdf-text';

/**
 * The real gateway (embedded database, real Keycloak users): the dry run of a clip request answers what
 * a request would get without storing anything, and the audit trail filters and exports (CSV, PDF)
 * show a reader only their part.
 */
describe('clip request dry run; audit filters and exports', () => {
  let gw: TestGateway;
  const token = tokens();
  let jesenik: string;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const body = (over: Record<string, unknown> = {}) => ({
    cameraId: jesenik,
    from: minutesAgo(10),
    to: minutesAgo(8),
    form: 'anonymized',
    purpose: 'infrastructure-damage',
    justification: 'Flood wave at the bridge',
    ...over,
  });
  const as = async (user: string, path: string, method = 'GET', b?: unknown) => api(gw.url, path, { method, token: await token(user), body: b });

  beforeAll(async () => {
    await ensureKeycloak();
    gw = await startGateway();
    const cams = (await as('jesenik.legal', '/api/v1/cameras')).body as { id: string; name: string }[];
    jesenik = cams.find((c) => c.name === 'Jeseník – Masarykovo náměstí')!.id;
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  it("answers approval by the owner's legal officer for a Nysa user on a Jeseník camera, names the range's problems, and stores nothing", async () => {
    const r = await as('nysa.municipal', '/api/v1/clip-requests/check', 'POST', body());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      outcome: 'approval',
      crossBorder: true,
      owner: { organisation: 'mesto-jesenik', country: 'CZ', role: 'legal-officer' },
      obligations: { ownerApproval: true },
    });
    expect(r.body.policies.length).toBeGreaterThan(0);
    expect(r.body.problems.map((p: { code: string }) => p.code)).toEqual(['clip_range_not_recorded']);
    const future = await as('nysa.municipal', '/api/v1/clip-requests/check', 'POST', body({ from: minutesAgo(-5), to: minutesAgo(-10) }));
    expect(future.body.problems.map((p: { code: string }) => p.code)).toEqual(['clip_range_invalid']);
    const tooLong = await as('nysa.municipal', '/api/v1/clip-requests/check', 'POST', body({ from: minutesAgo(200), to: minutesAgo(100) }));
    expect(tooLong.body.problems.map((p: { code: string }) => p.code)).toEqual(['clip_too_long']);
    expect((await as('nysa.municipal', '/api/v1/clip-requests')).body).toEqual([]);
  });

  it('answers denied with the reasons for a user the rules refuse, and 400 for a request without a justification', async () => {
    const r = await as('hzs.auditor', '/api/v1/clip-requests/check', 'POST', body());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: 'denied', code: 'clip_request_denied' });
    expect(r.body.reasons.length).toBeGreaterThan(0);
    const raw = await as('nysa.municipal', '/api/v1/clip-requests/check', 'POST', body({ form: 'raw' }));
    expect(raw.body).toMatchObject({ outcome: 'denied', code: 'clip_raw_denied' });
    expect((await as('nysa.municipal', '/api/v1/clip-requests/check', 'POST', body({ justification: '' }))).status).toBe(400);
  });

  it('filters the trail by user, organisation, camera, operation and cross-border, and exports it as CSV and PDF', async () => {
    // Refused requests are audited: a cross-border one by Nysa (a disclosure) and a Czech one by HZS.
    expect((await as('nysa.legal', '/api/v1/clip-requests', 'POST', body())).status).toBe(403);
    expect((await as('hzs.auditor', '/api/v1/clip-requests', 'POST', body())).status).toBe(403);
    const read = async (user: string, q: string) => {
      const r = await as(user, `/api/v1/audit?${q.includes('limit=') ? '' : 'limit=1000&'}${q}`);
      expect(r.status).toBe(200);
      // Entries of the system itself (the seeded data) are not what this test is about.
      return (r.body as { seq: string; actorUser: string; actorOrganisation: string; operation: string; object: string; recipient: string }[]).filter(
        (e) => e.actorUser !== 'system',
      );
    };
    const aboutCamera = await read('jesenik.legal', `camera=${jesenik}`);
    expect(new Set(aboutCamera.map((e) => e.actorUser))).toEqual(new Set(['nysa.legal', 'hzs.auditor']));
    expect((await read('jesenik.legal', `camera=${jesenik}&user=nysa.legal`)).map((e) => e.actorUser)).toEqual(['nysa.legal']);
    const cross = await read('jesenik.legal', `camera=${jesenik}&crossBorder=true`);
    expect(cross.map((e) => [e.actorUser, e.operation])).toEqual([['nysa.legal', 'disclosure']]);
    expect((await read('jesenik.legal', `camera=${jesenik}&organisation=hzs-olk`)).map((e) => e.actorUser)).toEqual(['hzs.auditor']);
    expect((await read('jesenik.legal', `camera=${jesenik}&operation=disclosure`)).map((e) => e.actorUser)).toEqual(['nysa.legal']);
    const newest = await read('jesenik.legal', 'order=desc&limit=5');
    expect(BigInt(newest[0].seq) > BigInt(newest[newest.length - 1].seq)).toBe(true);
    expect((await as('jesenik.legal', '/api/v1/audit?crossBorder=maybe')).status).toBe(400);
    // Another organisation's auditor does not see what was done with Jeseník's camera by others.
    expect((await read('hzs.auditor', `camera=${jesenik}`)).map((e) => e.actorUser)).toEqual(['hzs.auditor']);

    const csv = await fetch(`${gw.url}/api/v1/audit/export.csv?camera=${jesenik}&crossBorder=true`, { headers: { authorization: `Bearer ${await token('jesenik.legal')}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('seq,time,actorUser,actorOrganisation,actorCountry,operation,object,recipient,decision,justification,policyIds,details,prevHash,hash');
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain(',nysa.legal,gmina-nysa,PL,disclosure,');

    const pdf = await fetch(`${gw.url}/api/v1/audit/report.pdf?camera=${jesenik}`, { headers: { authorization: `Bearer ${await token('jesenik.legal')}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.toString('latin1').startsWith('%PDF-1.4')).toBe(true);
    const shown = pdfText(pdfBytes).flat();
    expect(shown).toContain(`Camera: ${jesenik}`);
    expect(shown.some((l) => /^Intact: \d+ entries checked$/.test(l))).toBe(true);
    expect(shown.filter((l) => / (CONSULTATION|DISCLOSURE) /.test(l))).toHaveLength(2);
    // Both exports are disclosures in the trail.
    const exports = (await read('jesenik.legal', 'object=audit&operation=disclosure')).filter((e) => e.actorUser === 'jesenik.legal');
    expect(exports).toHaveLength(2);
  });
});
