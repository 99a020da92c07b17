import type { Page } from 'playwright-core';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, chooseLanguage, launchBrowser, signIn, type TestBrowser } from '../support/web/browser';
import { expectPlaying, tileState, waitForTile } from '../support/web/wall';

const SUITE = 'incident';
const JESENIK = 'Jeseník – Masarykovo náměstí';
const DRONE = 'HZS – dron Jeseník';

/**
 * The first start and an emergency, as `npm start` runs them (apps/demo streams Jeseník's square
 * over RTSP and HZS's drone over RTMP): the HZS operator watches the drone anonymized, declares an
 * incident by drawing a circle over the Jeseník cameras' cluster on the map, watches it RAW with the red
 * badge, ends the incident in another tab, and sees the wall downgrade to ANONYMIZED without a
 * reload, the picture hidden from the switch until a frame of the anonymized stream arrives.
 */
if (insideWebNetns(__filename)) {
  describe('incident declared on the map, raw video, downgrade when it ends (HZS operator)', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      sys = await startSystem({ suite: SUITE, demo: true });
      tb = await launchBrowser();
      ids.jesenik = (await sys.camera('hzs.operator', JESENIK)).id;
      ids.drone = (await sys.camera('hzs.operator', DRONE)).id;
      // The demo cameras come online within a minute of the start.
      const until = Date.now() + 120_000;
      for (;;) {
        const { body } = await sys.api<{ id: string; state: string }[]>('hzs.operator', 'GET', '/api/v1/cameras');
        const online = body.filter((c) => c.state === 'online').map((c) => c.id);
        if (online.includes(ids.jesenik) && online.includes(ids.drone)) break;
        if (Date.now() > until) throw new Error(`demo cameras not online: ${JSON.stringify(body.map((c) => [c.id, c.state]))}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }, 300_000);

    afterAll(async () => {
      await tb?.close();
      await sys?.close();
    });

    it('first start: the demo operator sees online cameras and watches the demo drone anonymized', async () => {
      const { context, page } = await signIn(tb.browser, sys.url, 'hzs.operator', 'cs', '/map');
      try {
        await page.waitForSelector(`[data-testid=camera-list] li[data-camera-id="${ids.drone}"][data-access=anonymized]`);
        await page.click(`[data-testid=camera-list] li[data-camera-id="${ids.drone}"] [data-testid=watch]`);
        await page.waitForURL(/\/live$/);
        const s = await expectPlaying(page, 0, 90_000);
        expect(s.badge).toBe('ANONYMIZOVÁNO');
        await checkScreen(page, SUITE, 'live-drone', 'cs').then((c) => expect(c.violations).toEqual([]));
      } finally {
        await context.close();
      }
    }, 180_000);

    it('declares by drawing, watches RAW with the badge, ends it in another tab and sees the tile downgrade without reload', async () => {
      const { context, page: incidents } = await signIn(tb.browser, sys.url, 'hzs.operator', 'en', '/incidents');
      try {
        // The cameras cluster as on the map screen: the Jeseník square and the drone, a few hundred
        // metres apart, share one cluster at the region's zoom.
        const cluster = await incidents.waitForSelector(`[data-testid=map] [data-camera-ids~="${ids.jesenik}"]`);
        expect((await cluster.getAttribute('data-camera-ids'))!.split(' ')).toContain(ids.drone);
        expect(Number(await cluster.getAttribute('data-cluster-size'))).toBeGreaterThanOrEqual(2);
        for (const lang of ['cs', 'pl'] as const) {
          await chooseLanguage(incidents, lang);
          await checkScreen(incidents, SUITE, 'incidents-clustered', lang).then((c) => expect(c).toMatchObject({ missing: [], keyLike: [], violations: [] }));
        }
        await chooseLanguage(incidents, 'en');
        // Draw a circle centred on that cluster, 60 px wide: while drawing, a click on it draws.
        await incidents.click('[data-testid=draw-circle]');
        const box = (await (await incidents.waitForSelector(`[data-testid=map] [data-camera-ids~="${ids.jesenik}"]`)).boundingBox())!;
        const cx = box.x + box.width / 2;
        const cy = box.y + box.height / 2;
        await incidents.mouse.click(cx, cy);
        await incidents.mouse.move(cx + 40, cy);
        await incidents.mouse.click(cx + 60, cy);
        expect(await incidents.textContent('[data-testid=area-summary]')).toMatch(/Circle, radius/);
        await incidents.fill('[data-testid=incident-title]', 'Flood on the Bělá');
        await incidents.click('[data-testid=declare-submit]');
        const item = await incidents.waitForSelector('[data-testid=incidents-open] li:has-text("Flood on the Bělá")', { timeout: 15_000 });
        const incidentId = (await item.getAttribute('data-incident-id'))!;
        // The cameras it covers: the Jeseník square among them.
        await incidents.click(`[data-incident-id="${incidentId}"] summary`);
        expect(await incidents.textContent(`[data-incident-id="${incidentId}"] [data-testid=covered]`)).toContain(JESENIK);
        await checkScreen(incidents, SUITE, 'incidents-declared', 'en').then((c) => expect(c.violations).toEqual([]));

        // The map now offers raw video of the cameras in the area. The drone is HZS's own: outside the
        // incident it stays watchable anonymized, so its session is downgraded, not ended, when the
        // incident ends (the Jeseník square is shared on request only: its raw session would end).
        const wall = await context.newPage();
        await wall.goto(`${sys.url}/map`);
        await wall.waitForSelector(`[data-testid=camera-list] li[data-camera-id="${ids.jesenik}"][data-access=raw]`, { timeout: 30_000 });
        await wall.waitForSelector(`[data-testid=camera-list] li[data-camera-id="${ids.drone}"][data-access=raw]`, { timeout: 30_000 });
        await checkScreen(wall, SUITE, 'map-incident', 'en').then((c) => expect(c.violations).toEqual([]));
        await wall.click(`[data-testid=camera-list] li[data-camera-id="${ids.drone}"] [data-testid=watch-raw]`);
        await wall.waitForURL(/\/live$/);
        const tile = await tileIndexOf(wall, ids.drone);
        // Where the rules want a purpose for raw video, the tile asks for one.
        const asked = await waitForTile(wall, tile, (s) => s.phase === 'purpose' || s.phase === 'playing', 60_000);
        if (asked.phase === 'purpose') {
          await checkScreen(wall, SUITE, 'live-purpose', 'en').then((c) => expect(c.violations).toEqual([]));
          await wall.fill(`[data-tile="${tile}"] [data-testid=purpose]`, 'flood: people on the square');
          await wall.click(`[data-tile="${tile}"] form.purpose button[type=submit]`);
        }
        const raw = await expectPlaying(wall, tile, 90_000);
        expect(raw.form).toBe('raw');
        expect(raw.badge).toMatch(/^RAW · \d+:\d\d(:\d\d)? · Flood on the Bělá$/);
        // The tile's header offers what fits the video it shows: raw now, so "Watch anonymized".
        const watchAnonymized = `[data-tile="${tile}"] .tile-head [data-testid=watch-anonymized]`;
        expect(await wall.$(watchAnonymized)).not.toBeNull();
        await checkScreen(wall, SUITE, 'live-raw', 'en').then((c) => expect(c.violations).toEqual([]));

        // Watch every change of the tile from now on.
        await recordTile(wall, tile);
        const endedAt = Date.now();
        await incidents.bringToFront();
        await incidents.click(`[data-incident-id="${incidentId}"] [data-testid=end]`);
        await incidents.fill(`[data-incident-id="${incidentId}"] [data-testid=reason]`, 'water receded');
        await incidents.click(`[data-incident-id="${incidentId}"] [data-testid=confirm]`);
        await incidents.waitForSelector(`[data-testid=incidents-history] [data-incident-id="${incidentId}"]`, { timeout: 15_000 });

        // The wall (never reloaded) shows ANONYMIZED within seconds, and plays on.
        await wall.bringToFront();
        const down = await waitForTile(wall, tile, (s) => s.form === 'anonymized' && s.phase === 'playing', 20_000);
        expect(down.badge).toBe('ANONYMIZED');
        expect(down.sessionId).toBe(raw.sessionId);
        const log = await recorded(wall);
        const switchAt = log.find((e) => e.phase === 'switching');
        expect(switchAt).toBeDefined();
        expect(switchAt!.t - endedAt).toBeLessThan(10_000);
        // From the switch until a new frame was presented the video was hidden: the last raw frame never stayed on screen.
        const shown = log.find((e) => e.t >= switchAt!.t && e.phase === 'playing');
        expect(shown).toBeDefined();
        for (const e of log.filter((x) => x.t >= switchAt!.t && x.t < shown!.t)) expect(e.hidden).toBe(true);
        expect(shown!.frames).toBeGreaterThan(switchAt!.frames);
        expect(shown!.badge).toBe('ANONYMIZED');
        await expectPlaying(wall, tile, 30_000);
        expect((await tileState(wall, tile)).form).toBe('anonymized');
        // Anonymized already: the header no longer offers to watch it anonymized.
        expect(await wall.$(watchAnonymized)).toBeNull();
        await checkScreen(wall, SUITE, 'live-downgraded', 'en').then((c) => expect(c.violations).toEqual([]));
      } finally {
        await context.close();
      }
    }, 300_000);
  });
}

async function tileIndexOf(page: Page, cameraId: string): Promise<number> {
  await page.waitForSelector(`[data-tile][data-camera-id="${cameraId}"]`);
  return Number(await page.getAttribute(`[data-tile][data-camera-id="${cameraId}"]`, 'data-tile'));
}

interface Entry {
  t: number;
  phase: string;
  hidden: boolean;
  frames: number;
  badge: string;
}

/** Records, in the page, every change of the tile's phase and each presented frame, with whether the video was visible. */
async function recordTile(page: Page, i: number): Promise<void> {
  await page.evaluate(`(() => {
    const tile = document.querySelector('[data-tile="${i}"]');
    const player = tile.querySelector('.player');
    const video = player.querySelector('video');
    const log = (window.__tileLog = []);
    const note = () => log.push({
      t: Date.now(),
      phase: player.getAttribute('data-phase'),
      hidden: !!player.querySelector('[data-testid=cover]'),
      frames: Number(video.dataset.frames || 0),
      badge: (tile.querySelector('[data-testid=badge]') || {}).textContent || '',
    });
    new MutationObserver(note).observe(tile, { attributes: true, subtree: true, childList: true, characterData: true });
    const frame = () => { note(); video.requestVideoFrameCallback(frame); };
    video.requestVideoFrameCallback(frame);
  })()`);
}

async function recorded(page: Page): Promise<Entry[]> {
  return (await page.evaluate('window.__tileLog')) as Entry[];
}
