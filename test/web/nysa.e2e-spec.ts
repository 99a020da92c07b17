import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, chooseLanguage, launchBrowser, signIn, type TestBrowser } from '../support/web/browser';
import { expectPlaying, setWall, tileState, waitForTile } from '../support/web/wall';

const SUITE = 'nysa';
const NYSA = 'Nysa – Rynek';
const JESENIK = 'Jeseník – Masarykovo náměstí';

/**
 * A Gmina Nysa municipal user (nysa.municipal). Under the current sharing rules (libs/policy/policies:
 * PL pl-live-anonymized-own; CZ shares no live video of a Czech town's cameras with a Polish
 * municipality's staff) they watch their own town's camera anonymized, are refused a Jeseník camera
 * and raw video, with the policies' reasons shown, and keep watching past the first grant's expiry.
 */
if (insideWebNetns(__filename)) {
  describe('live wall as a Gmina Nysa municipal user', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      sys = await startSystem({ suite: SUITE });
      const url = await sys.cameraStream(8554, '/nysa');
      const nysa = await sys.camera('nysa.admin', NYSA);
      const r = await sys.api('nysa.admin', 'PATCH', `/api/v1/cameras/${nysa.id}`, { ingest: { type: 'rtsp', url } });
      expect({ status: r.status, body: r.body }).toMatchObject({ status: 200 });
      ids.nysa = nysa.id;
      ids.jesenik = (await sys.camera('jesenik.admin', JESENIK)).id;
      tb = await launchBrowser();
    }, 300_000);

    afterAll(async () => {
      await tb?.close();
      await sys?.close();
    });

    it('sees on the map exactly the cameras the policies let them see, and live video only of their own town', async () => {
      const api = await sys.api<{ id: string; name: string; organisationId: string }[]>('nysa.municipal', 'GET', '/api/v1/cameras');
      const access = await sys.api<{ cameraId: string; access: string; reasons: string[] }[]>('nysa.municipal', 'GET', '/api/v1/live/cameras');
      const { context, page } = await signIn(tb.browser, sys.url, 'nysa.municipal', 'pl', '/map');
      try {
        await page.waitForSelector('[data-testid=camera-list] li[data-access]:not([data-access=""])');
        const shown = (await page.$$eval('[data-testid=camera-list] li', (lis) => lis.map((li) => [li.getAttribute('data-camera-id'), li.getAttribute('data-access')]))) as [
          string,
          string,
        ][];
        // The list is the policies' answer (GET /api/v1/cameras), no camera more or less.
        expect(shown.map(([id]) => id).sort()).toEqual(api.body.map((c) => c.id).sort());
        const byId = new Map(shown);
        // Live only on Gmina Nysa's own cameras, anonymized; nothing raw; Jeseník's camera not live.
        for (const c of api.body) {
          const a = byId.get(c.id);
          if (c.organisationId === 'gmina-nysa') expect([c.name, a]).toEqual([c.name, 'anonymized']);
          else expect([c.name, a]).not.toEqual([c.name, 'anonymized']);
          expect(a).not.toBe('raw');
        }
        expect(byId.get(ids.jesenik)).not.toBe('anonymized');
        expect(access.body.find((a) => a.cameraId === ids.nysa)?.access).toBe('anonymized');
        const check = await checkScreen(page, SUITE, 'map', 'pl');
        expect(check.violations).toEqual([]);

        // The policies' reasons follow the UI's language (Accept-Language): Polish, then Czech once
        // chosen; the API asked without a language answers in English.
        expect(access.body.find((a) => a.cameraId === ids.nysa)?.reasons).toEqual([expect.stringMatching(/^Permitted by PL rule "pl-live-anonymized-own": Operators and staff/)]);
        const item = `[data-testid=camera-list] li[data-camera-id="${ids.nysa}"]`;
        await page.click(`${item} .cam-name`);
        const reasons = () => page.locator(`${item} .reasons li`).allTextContents();
        await page.locator(`${item} .reasons li`).first().waitFor({ state: 'attached' });
        expect(await reasons()).toEqual([
          'Dozwolone przez regułę PL „pl-live-anonymized-own”: Operatorzy i pracownicy właściciela kamery (w tym jego straż gminna) oglądają obraz z jego kamer w postaci zanonimizowanej',
        ]);
        await chooseLanguage(page, 'cs');
        const czech = 'Povoleno pravidlem PL „pl-live-anonymized-own“: Operátoři a zaměstnanci vlastníka kamery (včetně jeho obecní policie) sledují jeho kamery anonymizovaně';
        for (const until = Date.now() + 15_000; (await reasons())[0] !== czech && Date.now() < until;) await new Promise((r) => setTimeout(r, 200));
        expect(await reasons()).toEqual([czech]);
      } finally {
        await context.close();
      }
    });

    it('plays Nysa anonymized, is refused Jeseník and raw with the reasons, and keeps playing past the first grant expiry', async () => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.municipal', 'en', '/map');
      try {
        // Chosen on the map: the camera goes to the wall.
        await page.click(`[data-testid=camera-list] li[data-camera-id="${ids.nysa}"] [data-testid=watch]`);
        await page.waitForURL(/\/live$/);
        const first = await expectPlaying(page, 0, 90_000);
        expect(first.form).toBe('anonymized');
        expect(first.badge).toBe('ANONYMIZED');

        // Tiles are kept across reloads: add Jeseník's camera and Nysa raw, reload.
        await setWall(page, sys.url, 4, [ids.nysa, ids.jesenik, ids.nysa], ['anonymized', 'anonymized', 'raw']);
        const jesenik = await waitForTile(page, 1, (s) => s.phase === 'denied', 30_000);
        expect(jesenik.reasons.length).toBeGreaterThan(0);
        const raw = await waitForTile(page, 2, (s) => s.phase === 'denied', 30_000);
        expect(raw.reasons.join(' ')).toMatch(/anonymi[sz]ed only|raw|incident/i);
        const playing = await expectPlaying(page, 0, 90_000);
        await checkScreen(page, SUITE, 'live-denied', 'en').then((c) => expect(c.violations).toEqual([]));

        // Past the first grant's expiry (60 s): still the same session, playing, its grant renewed.
        const expires = Date.parse(playing.expiresAt);
        await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now()) + 5000));
        const later = await expectPlaying(page, 0, 10_000);
        expect(later.sessionId).toBe(playing.sessionId);
        expect(Date.parse(later.expiresAt)).toBeGreaterThan(expires);
        expect(later.frames).toBeGreaterThan(playing.frames);
        expect((await tileState(page, 0)).badge).toBe('ANONYMIZED');
        expect(errors.filter((e) => !/403|Forbidden/.test(e))).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);
  });
}
