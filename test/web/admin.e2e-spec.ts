import type { ChildProcess } from 'node:child_process';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { publish } from '../support/media/publisher';
import { checkScreen, LANGUAGES, launchBrowser, screenshot, signIn, waitUntil, type TestBrowser } from '../support/web/browser';

const SUITE = 'admin';

/**
 * Administration in a real browser, through Keycloak's login page: a Gmina Nysa administrator adds a
 * camera (a simulated RTSP camera on loopback), tests its connection through the media node, adds a
 * drone, gets its push key with the RTMP and SRT URLs, and sees the drone come online when a
 * simulated drone publishes with that key. Disabling a camera (with a reason) shows it disabled and
 * refuses live sessions on it; enabling brings it back online.
 */
if (insideWebNetns(__filename)) {
  describe('administration', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    let rtsp: string;
    const drones: ChildProcess[] = [];

    beforeAll(async () => {
      // The simulated cameras listen on loopback: an allowed camera network here (and only here).
      sys = await startSystem({ suite: SUITE, env: { CAMERAS_ALLOWED_NETWORKS: '127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16' } });
      tb = await launchBrowser();
      rtsp = await sys.cameraStream(18554);
    }, 300_000);

    afterAll(async () => {
      for (const d of drones) d.kill('SIGKILL');
      await tb?.close();
      await sys?.close();
    });

    it('an administrator adds a camera, tests the connection, issues a push key and sees the drone come online', async () => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.admin', 'pl', '/admin');
      try {
        await page.waitForSelector('[data-testid=add-camera]');
        // The RTSP camera, with the statutory cap of Polish municipal cameras shown by the retention.
        await page.click('[data-testid=add-camera]');
        await page.fill('[data-testid=camera-name]', 'Nysa – most Bolesława Chrobrego');
        await page.fill('[data-testid=camera-lat]', '50.4729');
        await page.fill('[data-testid=camera-lon]', '17.3316');
        await page.fill('[data-testid=camera-url]', rtsp);
        expect(await page.textContent('[data-testid=retention-cap]')).toMatch(/92/);
        await page.fill('[data-testid=camera-retention]', '30');
        // An address outside the camera networks: refused, in Polish, naming the host (details.host).
        await page.fill('[data-testid=camera-url]', 'rtsp://8.8.8.8/stream');
        await page.click('[data-testid=camera-save]');
        const refusal = await page.waitForSelector('dialog .error-box');
        expect(await refusal.textContent()).toContain('Adres 8.8.8.8 jest niedozwolony dla kamer');
        await screenshot(page, SUITE, 'camera-refused-pl');
        await page.fill('[data-testid=camera-url]', rtsp);
        await page.click('[data-testid=camera-save]');
        const row = '[data-testid=cameras] tr[data-camera="Nysa – most Bolesława Chrobrego"]';
        await page.waitForSelector(row);
        await page.click(`${row} [data-testid=probe]`);
        const probe = await page.waitForSelector(`${row} [data-testid=probe-result][data-ok]`, { timeout: 30_000 });
        expect(await probe.getAttribute('data-ok')).toBe('true');
        expect(await probe.textContent()).toMatch(/H264.*\d+×\d+/);
        await screenshot(page, SUITE, 'camera-probed-pl');

        // A camera that is not there: the reason, not a raw network error.
        const dead = await sys.api<{ id: string }>('nysa.admin', 'POST', '/api/v1/cameras', {
          name: 'Nysa – wyłączona',
          kind: 'fixed',
          latitude: 50.47,
          longitude: 17.33,
          ingest: { type: 'rtsp', url: 'rtsp://127.0.0.1:18555/none' },
          recordingEnabled: false,
        });
        expect(dead.status).toBe(201);
        const deadRow = '[data-testid=cameras] tr[data-camera="Nysa – wyłączona"]';
        await page.waitForSelector(deadRow);
        await page.click(`${deadRow} [data-testid=probe]`);
        const failed = await page.waitForSelector(`${deadRow} [data-testid=probe-result][data-ok]`, { timeout: 30_000 });
        expect(await failed.getAttribute('data-ok')).toBe('false');
        expect(await failed.textContent()).toMatch(/camera not reachable/);

        // The drone: its push key and URLs are shown once.
        await page.click('[data-testid=add-camera]');
        await page.fill('[data-testid=camera-name]', 'Nysa – dron OSP');
        await page.selectOption('[data-testid=camera-kind]', 'drone');
        await page.fill('[data-testid=camera-lat]', '50.4737');
        await page.fill('[data-testid=camera-lon]', '17.334');
        await page.selectOption('[data-testid=camera-ingest]', 'push');
        await page.click('[data-testid=camera-save]');
        await page.waitForSelector('[data-testid=push-key-panel]');
        const key = (await page.textContent('[data-testid=push-key-panel] [data-testid=push-key]'))!.trim();
        const rtmpUrl = (await page.textContent('[data-testid=push-rtmp]'))!.trim();
        expect(rtmpUrl).toBe(`rtmp://127.0.0.1:${1935}/live/${key}`);
        expect(await page.textContent('[data-testid=push-srt]')).toContain(`streamid=${key}`);
        await screenshot(page, SUITE, 'push-key-pl');
        await page.click('[data-testid=push-key-close]');

        // A simulated drone publishes with the key: the row turns online.
        const droneRow = '[data-testid=cameras] tr[data-camera="Nysa – dron OSP"]';
        expect(await page.getAttribute(droneRow, 'data-state')).not.toBe('online');
        drones.push(publish(rtmpUrl, 'flv').child);
        await page.waitForSelector(`${droneRow}[data-state=online]`, { timeout: 45_000 });
        await screenshot(page, SUITE, 'drone-online-pl');

        // Rotating issues a new key, shown once again.
        await page.click(`${droneRow} [data-testid=rotate-key]`);
        const newKey = (await (await page.waitForSelector('[data-testid=push-key-panel] [data-testid=push-key]')).textContent())!.trim();
        expect(newKey).not.toBe(key);
        await page.click('[data-testid=push-key-close]');

        // Disabled with a reason: shown disabled, its media node stops pulling it, live sessions are refused.
        const bridge = await sys.camera('nysa.admin', 'Nysa – most Bolesława Chrobrego');
        await page.waitForSelector(`${row}[data-state=online]`, { timeout: 45_000 });
        await page.click(`${row} [data-testid=disable]`);
        await page.fill('[data-testid=disable-reason]', 'naprawa masztu');
        await screenshot(page, SUITE, 'camera-disable-pl');
        await page.click('[data-testid=disable-confirm]');
        await page.waitForSelector(`${row}[data-state=disabled]`);
        expect(await page.textContent(row)).toContain('naprawa masztu');
        await screenshot(page, SUITE, 'camera-disabled-pl');
        const refused = await sys.api<{ error: { code: string } }>('nysa.municipal', 'POST', `/api/v1/cameras/${bridge.id}/sessions`, { form: 'anonymized', purpose: 'kontrola' });
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('camera_disabled');
        // The media node no longer holds it (its health, shown to administrators, lists the cameras it pulls).
        const pulled = async () =>
          (await sys.api<{ checks: { media: { info: { cameras: { cameraId: string }[] } } } }>('nysa.admin', 'GET', '/api/health')).body.checks.media.info.cameras.map(
            (c) => c.cameraId,
          );
        expect(await pulled()).not.toContain(bridge.id);
        // Enabled again: its media node takes it up and it comes back online.
        await page.click(`${row} [data-testid=enable]`);
        await page.fill('[data-testid=disable-reason]', 'maszt naprawiony');
        await page.click('[data-testid=disable-confirm]');
        await page.waitForSelector(`${row}:not([data-state=disabled])`);
        await page.waitForSelector(`${row}[data-state=online]`, { timeout: 45_000 });
        expect(await pulled()).toContain(bridge.id);

        // Sharing changes with a reason; delete asks first.
        await page.click(`${row} [data-testid=sharing]`);
        await page.check('[data-testid=sharing-dialog] input[value=analytics]');
        await page.fill('[data-testid=sharing-reason]', 'tylko liczniki do czasu zawarcia porozumienia');
        await page.click('[data-testid=sharing-save]');
        await waitUntil(page, `!document.querySelector('[data-testid=sharing-dialog]')`);
        const cams = (await sys.api<{ name: string; sharing: string }[]>('nysa.admin', 'GET', '/api/v1/cameras')).body;
        expect(cams.find((c) => c.name === 'Nysa – most Bolesława Chrobrego')?.sharing).toBe('analytics');
        await page.click(`${deadRow} [data-testid=delete]`);
        await page.click('[data-testid=delete-confirm]');
        await page.waitForSelector(deadRow, { state: 'detached' });
        // The browser logs the one refused address (400 camera_network_refused); nothing else went wrong.
        expect(errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e))).toEqual([]);
        expect(errors.filter((e) => /status of 400/.test(e))).toHaveLength(1);
      } catch (e) {
        // What the page showed when it failed: a screenshot, its errors and its text.
        await screenshot(page, SUITE, 'failure').catch(() => undefined);
        const text = await page.evaluate('document.body.innerText').catch(() => '');
        throw new Error(`${(e as Error).message}\npage errors: ${errors.join('\n')}\npage text: ${String(text).slice(0, 2000)}`);
      } finally {
        await context.close();
      }
    });

    it('refuses a retention above the statutory cap with its reason', async () => {
      const r = await sys.api<{ error: { code: string; details: { maxDays: number } } }>('nysa.admin', 'POST', '/api/v1/cameras', {
        name: 'x',
        kind: 'fixed',
        latitude: 50.47,
        longitude: 17.33,
        ingest: { type: 'rtsp', url: rtsp },
        retentionDays: 120,
      });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'retention_exceeds_cap', details: { maxDays: 92 } });
      const caps = await sys.api<{ jurisdiction: string; maxDays: number }[]>('hzs.operator', 'GET', '/api/v1/cameras/retention-caps');
      expect(caps.body).toEqual([expect.objectContaining({ jurisdiction: 'PL', maxDays: 92 })]);
      // Only administrators who may manage the camera test its connection.
      const cam = await sys.camera('nysa.admin', 'Nysa – Rynek');
      expect((await sys.api('nysa.operator', 'POST', `/api/v1/cameras/${cam.id}/probe`)).status).toBe(403);
      expect((await sys.api('glucholazy.admin', 'POST', `/api/v1/cameras/${cam.id}/probe`)).status).toBe(403);
    });

    it.each(LANGUAGES)('in %s: the screen and its dialogs show no untranslated key and no serious accessibility violation', async (lang) => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'nysa.admin', lang, '/admin');
      try {
        await page.waitForSelector('[data-testid=cameras]');
        // The statute behind the cap is cited in the page's language.
        const statute = { cs: 'polského zákona ze dne 8. března 1990', pl: 'ustawy z dnia 8 marca 1990 r. o samorządzie gminnym', en: 'Polish Act of 8 March 1990' }[lang];
        expect(await page.textContent('[data-testid=caps]')).toContain(statute);
        const results = [await checkScreen(page, SUITE, 'admin', lang)];
        await page.click('[data-testid=add-camera]');
        await page.waitForSelector('[data-testid=camera-dialog]');
        results.push(await checkScreen(page, SUITE, 'admin-add-camera', lang));
        await page.keyboard.press('Escape');
        const rynek = '[data-testid=cameras] tr[data-camera="Nysa – Rynek"]';
        await page.click(`${rynek} [data-testid=sharing]`);
        results.push(await checkScreen(page, SUITE, 'admin-sharing', lang));
        await page.keyboard.press('Escape');
        await page.click(`${rynek} [data-testid=disable]`);
        await page.waitForSelector('[data-testid=disable-dialog]');
        results.push(await checkScreen(page, SUITE, 'admin-disable', lang));
        // The dialogs end alike: a change that needs a reason waits for one (blanks are none), Cancel closes and changes nothing.
        for (const [open, dialog, reason, confirm] of [
          ['disable', 'disable-dialog', 'disable-reason', 'disable-confirm'],
          ['sharing', 'sharing-dialog', 'sharing-reason', 'sharing-save'],
        ]) {
          if (!(await page.$(`[data-testid=${dialog}]`))) await page.click(`${rynek} [data-testid=${open}]`);
          expect(await page.isDisabled(`[data-testid=${confirm}]`)).toBe(true);
          await page.fill(`[data-testid=${reason}]`, '   ');
          expect(await page.isDisabled(`[data-testid=${confirm}]`)).toBe(true);
          await page.fill(`[data-testid=${reason}]`, 'x');
          expect(await page.isDisabled(`[data-testid=${confirm}]`)).toBe(false);
          await page.click(`[data-testid=${dialog}] [data-testid=dialog-cancel]`);
          await page.waitForSelector(`[data-testid=${dialog}]`, { state: 'detached' });
        }
        await page.click(`${rynek} [data-testid=delete]`);
        await page.waitForSelector('[data-testid=delete-dialog]');
        results.push(await checkScreen(page, SUITE, 'admin-delete', lang));
        expect(await page.isDisabled('[data-testid=delete-confirm]')).toBe(false);
        await page.click('[data-testid=delete-dialog] [data-testid=dialog-cancel]');
        await page.waitForSelector('[data-testid=delete-dialog]', { state: 'detached' });
        expect(await page.getAttribute(rynek, 'data-state')).not.toBe('disabled');
        // On to the map without a reload: the organisations the administration screen fetched serve it too (one shape in the cache).
        await page.click('nav a[data-screen=map]');
        await page.waitForSelector('[data-testid=camera-list] li');
        expect(await page.textContent('[data-testid=camera-list]')).toContain('Gmina Nysa');
        for (const r of results) expect({ missing: r.missing, keyLike: r.keyLike, violations: r.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}
