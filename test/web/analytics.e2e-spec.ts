import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { buildTestVideo } from '../../apps/media/test-tools/test-video';
import { freeLoopbackPort } from '@borderlens/common';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, chooseLanguage, LANGUAGES, launchBrowser, signIn, waitUntil, type TestBrowser } from '../support/web/browser';

const SUITE = 'analytics';

/**
 * Analytics in the browser, on the real system: a simulated camera of Jeseník (people on the left
 * half of the picture, cars on the right) counted by the real anonymizer (YOLOX) through the media
 * node. Jeseník's administrator draws the zones and the line on a still (a bad zone is refused with
 * the API's words); an operator of Nysa, whom the default rules give the counts of a Czech municipal
 * camera shared for analytics but no video of it, sees live counts, a chart and the CSV export and
 * never a frame; an alert rule fires and the operator acknowledges the alert live. Every new screen
 * in cs, pl and en: no untranslated key, no serious axe violation, a screenshot.
 */
if (insideWebNetns(__filename)) {
  describe('web analytics: counts without a frame, zone editor, alerts', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    let sim: CameraSim;
    let dir: string;
    let cameraId: string;
    const NAME = 'Jeseník – analytics test';

    beforeAll(async () => {
      sys = await startSystem({
        suite: SUITE,
        // The simulated camera streams from loopback, outside the default camera networks.
        env: { CAMERAS_ALLOWED_NETWORKS: '127.0.0.0/8', ANALYTICS_CAMERAS_REFRESH_SEC: '0.5', ANALYTICS_REPORT_SEC: '0.5', MEDIA_SEGMENT_SEC: '4', MEDIA_DISK_MIN_FREE_MB: '16' },
      });
      dir = mkdtempSync(join(tmpdir(), 'bl-web-analytics-'));
      const video = await buildTestVideo(dir, { minutes: 3 });
      sim = new CameraSim(await freeLoopbackPort(), ['--file', video.file]);
      const url = await sim.start();
      const created = await sys.api<{ id: string }>('jesenik.admin', 'POST', '/api/v1/cameras', {
        name: NAME,
        kind: 'fixed',
        latitude: 50.229,
        longitude: 17.204,
        ingest: { type: 'rtsp', url },
        recordingEnabled: true,
        sharing: 'analytics',
      });
      expect(created).toMatchObject({ status: 201 });
      cameraId = created.body.id;
      tb = await launchBrowser();
    }, 300_000);

    afterAll(async () => {
      await tb?.close();
      await sim?.stop();
      await sys?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Clicks at a fraction of the editor's picture. */
    const clickAt = async (page: Page, x: number, y: number) => {
      const box = (await page.locator('[data-testid=canvas]').boundingBox())!;
      await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    };
    const addShape = async (page: Page, mode: 'zone' | 'line', name: string, points: [number, number][]) => {
      await page.check(`[data-testid=mode-${mode}]`);
      for (const [x, y] of points) await clickAt(page, x, y);
      await page.fill('[data-testid=shape-name]', name);
      await page.click('[data-testid=add-shape]');
    };

    it("lets Jeseník's administrator draw zones and a line on a still, refusing a zone that crosses itself with the API's message", async () => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'jesenik.admin', 'en', `/zones/${cameraId}`);
      try {
        await page.waitForSelector('[data-testid=zone-editor]');
        // The still: an anonymized picture of the latest recording (segments of 4 s), once one exists.
        const deadline = Date.now() + 60_000;
        await page.waitForSelector('[data-testid=still], [data-testid=no-still]');
        while (!(await page.$('[data-testid=still]')) && Date.now() < deadline) {
          await page.waitForTimeout(3000);
          await page.reload();
          await page.waitForSelector('[data-testid=still], [data-testid=no-still]', { timeout: 30_000 });
        }
        expect(await page.$('[data-testid=still]')).not.toBeNull();

        await addShape(page, 'zone', 'Bow tie', [
          [0.1, 0.1],
          [0.4, 0.9],
          [0.4, 0.1],
          [0.1, 0.9],
        ]);
        await page.click('[data-testid=save]');
        await page.waitForSelector('[data-testid=refused]');
        expect(await page.textContent('[data-testid=refused]')).toMatch(/crosses itself/);
        expect(await page.textContent('.error-box')).toMatch(/zone 'bow-tie' crosses itself/);
        await page.click('[aria-label="Remove Bow tie"]');

        await addShape(page, 'zone', 'Left half', [
          [0.01, 0.01],
          [0.49, 0.01],
          [0.49, 0.99],
          [0.01, 0.99],
        ]);
        await addShape(page, 'zone', 'Right half', [
          [0.51, 0.01],
          [0.99, 0.01],
          [0.99, 0.99],
          [0.51, 0.99],
        ]);
        await page.check('[data-testid=mode-line]');
        await clickAt(page, 0.5, 0.95);
        await clickAt(page, 0.5, 0.05);
        await page.fill('[data-testid=shape-name]', 'Middle');
        await page.fill('[data-testid=forward-name]', 'towards PL');
        await page.fill('[data-testid=backward-name]', 'towards CZ');
        await page.click('[data-testid=add-shape]');
        // A rule that will not fire here (the alert test adds one that does).
        await page.fill('[data-testid=threshold]', '50');
        await page.click('[data-testid=add-rule]');
        await page.check('[data-testid=enabled]');
        await page.click('[data-testid=save]');
        await page.waitForSelector('[data-testid=saved]');

        const cfg = await sys.api<{
          revision: number;
          enabled: boolean;
          zones: { id: string; polygon: number[][] }[];
          lines: { id: string; a: number[]; b: number[]; forwardName: string }[];
          alerts: unknown[];
        }>('jesenik.admin', 'GET', `/api/v1/analytics/cameras/${cameraId}/config`);
        expect(cfg.body).toMatchObject({ revision: 1, enabled: true });
        expect(cfg.body.zones.map((z) => z.id)).toEqual(['left-half', 'right-half']);
        expect(cfg.body.zones[0].polygon).toHaveLength(4);
        expect(cfg.body.lines).toEqual([expect.objectContaining({ id: 'middle', forwardName: 'towards PL' })]);
        expect(cfg.body.lines[0].a[1]).toBeGreaterThan(cfg.body.lines[0].b[1]);
        expect(cfg.body.alerts).toHaveLength(1);

        for (const lang of LANGUAGES) {
          await chooseLanguage(page, lang);
          await settle(page);
          await page.evaluate('window.scrollTo(0, 0)');
          const check = await checkScreen(page, SUITE, 'zones-editor', lang);
          expect({ missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        }
        expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);

    it('shows an operator of Nysa the live counts, a chart and the CSV of the Jeseník camera, and never a frame', async () => {
      // The rules: analytics yes, video no (403 on a session), no recordings and no still of this camera.
      expect((await sys.api('nysa.operator', 'POST', `/api/v1/cameras/${cameraId}/sessions`, { form: 'anonymized' })).status).toBe(403);
      expect((await sys.api('nysa.operator', 'GET', `/api/v1/analytics/cameras/${cameraId}/still`)).status).toBe(403);
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.operator', 'en', '/analytics');
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      try {
        const link = page.locator('[data-testid=analytics-camera]', { hasText: NAME });
        await link.waitFor();
        // Counts next to the camera, from the live stream.
        await page.waitForSelector(`[data-testid=camera-counts][data-camera="${cameraId}"]`, { timeout: 60_000 });
        await link.click();
        await page.waitForSelector('[data-testid=live-counts]', { timeout: 60_000 });
        // Persons on the left half of the picture, named as the administrator drew it.
        await waitUntil(page, `/Left half\\s*Persons/.test(document.querySelector('[data-testid=live-counts]').innerText)`, 60_000);
        // The first finished minute makes a chart (series refreshed by reloading).
        const deadline = Date.now() + 150_000;
        while (!(await page.$('[data-testid=chart] canvas')) && Date.now() < deadline) {
          await page.waitForTimeout(5000);
          await page.reload();
          await page.waitForSelector('[data-testid=camera-analytics]');
          await settle(page);
        }
        expect(await page.$('[data-testid=chart][data-target=left-half] canvas')).not.toBeNull();
        expect(await page.textContent('[data-testid=floor-note]')).toMatch(/“<3”/);
        for (const b of ['5m', '1h']) {
          await page.check(`input[name=bucket][value="${b}"]`);
          await page.waitForSelector('[data-testid=chart] canvas');
        }
        await page.check('input[name=bucket][value="1m"]');
        await page.waitForSelector('[data-testid=chart] canvas');

        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=csv]')]);
        const csv = readFileSync((await download.path())!, 'utf8')
          .trim()
          .split('\n');
        expect(csv[0]).toBe('time,kind,target,name,class,direction,measure,value');
        expect(csv.some((l) => /,zone,left-half,Left half,person,,occupancy,/.test(l))).toBe(true);

        // Not a frame: no picture or video element, and no request for one.
        expect(await page.evaluate('document.querySelectorAll("main img, main video, main canvas:not(.chart canvas)").length')).toBe(0);
        expect(requests.filter((u) => /\/still|\/sessions|\/recordings|whep/i.test(u))).toEqual([]);

        for (const lang of LANGUAGES) {
          await chooseLanguage(page, lang);
          await settle(page);
          const check = await checkScreen(page, SUITE, 'analytics-camera', lang);
          expect({ missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        }
        await page.goto(`${sys.url}/analytics`);
        await page.waitForSelector('main h1');
        for (const lang of LANGUAGES) {
          await chooseLanguage(page, lang);
          await settle(page);
          const check = await checkScreen(page, SUITE, 'analytics-overview', lang);
          expect({ missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        }
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);

    it("sums the counts of an incident's area in the incident view", async () => {
      const inc = await sys.api<{ id: string }>('policie.operator', 'POST', '/api/v1/incidents', {
        type: 'flood',
        severity: 3,
        title: 'Flood at Jeseník',
        area: { type: 'Circle', center: [17.204, 50.229], radiusMeters: 1000 },
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(inc).toMatchObject({ status: 201 });
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.operator', 'en', '/incidents');
      try {
        const item = page.locator(`[data-incident-id="${inc.body.id}"]`);
        await item.waitFor();
        await item.locator('[data-testid=incident-counts] summary').click();
        await item.locator('[data-testid=area-counts] table').waitFor({ timeout: 30_000 });
        const text = await item.locator('[data-testid=area-counts]').innerText();
        expect(text).toMatch(/cameras inside the area: 1 /);
        expect(text).toMatch(/most at once\s+Persons/);
        const check = await checkScreen(page, SUITE, 'incident-area', 'en');
        expect({ missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 90_000);

    it('raises an alert live on the alert list of the operator, who acknowledges it', async () => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.operator', 'en', '/alerts');
      try {
        await page.waitForSelector('[data-testid=live-state]');
        await waitUntil(page, `document.querySelector('[data-testid=live-state]').className.includes('on')`);
        expect(await page.$('[data-testid=alert]')).toBeNull();
        // The administrator adds a rule that the people on the left half pass at once.
        const cfg = await sys.api<Record<string, unknown> & { alerts: unknown[] }>('jesenik.admin', 'GET', `/api/v1/analytics/cameras/${cameraId}/config`);
        const { enabled, zones, lines, alerts } = cfg.body;
        const put = await sys.api('jesenik.admin', 'PUT', `/api/v1/analytics/cameras/${cameraId}/config`, {
          enabled,
          zones,
          lines,
          alerts: [...alerts, { id: 'people-left', name: 'People on the left', kind: 'occupancy', targetId: 'left-half', classes: ['person'], threshold: 0, durationSec: 2 }],
        });
        expect(put.status).toBe(200);
        // Live: no reload; the stream's alert event refreshes the list.
        await page.waitForSelector('[data-testid=alert]', { timeout: 60_000 });
        expect(await page.textContent('[data-testid=alert]')).toMatch(/People on the left/);
        expect(await page.textContent('[data-testid=alert]')).toMatch(NAME);
        for (const lang of LANGUAGES) {
          await chooseLanguage(page, lang);
          await settle(page);
          const check = await checkScreen(page, SUITE, 'alerts', lang);
          expect({ missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        }
        await chooseLanguage(page, 'en');
        const id = await page.getAttribute('[data-testid=alert]', 'data-alert');
        await page.click(`[data-alert="${id}"] [data-testid=acknowledge]`);
        await page.waitForSelector(`[data-alert="${id}"]`, { state: 'detached' });
        await page.check('input[name=state][value=all]');
        await page.waitForSelector(`[data-alert="${id}"] [data-testid=acknowledged]`);
        expect(await page.textContent(`[data-alert="${id}"]`)).toMatch(/Acknowledged by nysa\.operator/);
        const all = await sys.api<{ id: string; acknowledgedBy?: string }[]>('nysa.operator', 'GET', '/api/v1/analytics/alerts?state=all');
        expect(all.body.find((a) => a.id === id)).toMatchObject({ acknowledgedBy: 'nysa.operator' });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  });
}

/** Lets lazy chunks, translations and queries finish before the page is judged. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => undefined);
  await waitUntil(page, '!document.querySelector(".spinner")');
}
