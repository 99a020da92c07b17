import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, chooseLanguage, LANGUAGES, launchBrowser, signIn, waitUntil, type Language, type SignedIn, type TestBrowser } from '../support/web/browser';
import { artifactsDir } from '../support/web/artifacts';
import { pdfText } from '../support/pdf-text';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';

const SUITE = 'clips';
const CAMERA = 'Jeseník – Masarykovo náměstí';
const REASON = 'Proportionate: four seconds of the square for the flood damage assessment';

/**
 * Recordings, clip requests, the legal officers' queue and the audit trail in a real browser, signed
 * in through Keycloak's page, with the real system and the Jeseník camera recording a simulated one:
 * a Gmina Nysa user requests a clip of the Jeseník camera, a Jeseník legal officer approves it, the
 * requester sees the export progress and downloads the file (its SHA-256 matches the one shown);
 * Jeseník's auditor filters the trail of Jeseník's camera, verifies it and exports it as CSV and PDF;
 * another organisation's auditor does not see those entries. Every new screen in the three languages:
 * no untranslated key, no serious or critical axe-core violation, a screenshot.
 */
if (insideWebNetns(__filename)) {
  describe('web: recordings, clip requests, approvals, audit', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    let cameraId: string;
    let requestId: string;
    /** The trail entries Jeseník's auditor saw, filtered by the camera. */
    let jesenikSeqs: string[] = [];
    let sim: CameraSim | undefined;
    const sessions: SignedIn[] = [];
    const session = async (user: string, lang: Language, path: string) => {
      const s = await signIn(tb.browser, sys.url, user, lang, path);
      sessions.push(s);
      return s;
    };

    beforeAll(async () => {
      // Two-second segments: something is recorded within seconds of the camera coming online.
      sys = await startSystem({ suite: SUITE, env: { MEDIA_SEGMENT_SEC: '2' } });
      tb = await launchBrowser();
      // Jeseník's administrator points the camera at a simulated RTSP camera on loopback showing a
      // continuous test picture (a live encoder, not a looped file: the recording must have no gaps).
      sim = new CameraSim(8556, ['--stdin'], '/jesenik');
      const url = await sim.start();
      sim.feed([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=640x360:rate=25',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-g',
        '25',
        '-bf',
        '0',
        '-pix_fmt',
        'yuv420p',
      ]);
      await new Promise((ok) => setTimeout(ok, 1500));
      cameraId = (await sys.camera('jesenik.admin', CAMERA)).id;
      const patched = await sys.api('jesenik.admin', 'PATCH', `/api/v1/cameras/${cameraId}`, { ingest: { type: 'rtsp', url }, recordingEnabled: true });
      if (patched.status !== 200) throw new Error(`camera not set up: ${patched.status} ${JSON.stringify(patched.body)}`);
      expect((await sys.camera('nysa.municipal', CAMERA)).id).toBe(cameraId);
      // Wait for at least 12 s of continuous recording.
      const until = Date.now() + 180_000;
      for (;;) {
        const r = await sys.api<{ ranges: { from: string; to: string }[] }>(
          'nysa.municipal',
          'GET',
          `/api/v1/cameras/${cameraId}/recordings?from=${new Date(Date.now() - 3600_000).toISOString()}`,
        );
        if (r.status === 200 && r.body.ranges.some((x) => Date.parse(x.to) - Date.parse(x.from) >= 12_000)) break;
        if (Date.now() > until) throw new Error(`no recording of ${CAMERA}: ${JSON.stringify(r.body)}`);
        await new Promise((ok) => setTimeout(ok, 2000));
      }
    }, 420_000);

    afterAll(async () => {
      for (const s of sessions) await s.context.close().catch(() => undefined);
      await tb?.close();
      await sim?.stop();
      await sys?.close();
    });

    it("a Gmina Nysa user picks a range on the timeline, sees anonymized previews and the rules' answer, and sends the request", async () => {
      const { page, errors } = await session('nysa.municipal', 'pl', `/clips?camera=${cameraId}`);
      await page.waitForSelector('[data-testid=range]');
      expect(await page.locator('[data-testid=gap]').count()).toBeGreaterThan(0);
      // Keyboard on the last recorded range: its last minute (or less) becomes the range.
      await page.locator('[data-testid=range]').last().focus();
      await page.keyboard.press('Enter');
      await waitUntil(page, `document.querySelector('[data-testid=to]').value !== ''`);
      // Date and time as Polish write them, whatever the browser's locale (Chromium's datetime-local ignores the page's).
      expect(await page.inputValue('[data-testid=to]')).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
      await page.waitForSelector('[data-testid=still]', { timeout: 60_000 });
      // Every preview of the pick is a picture, the last ones of a two-second segment too (they were 503).
      await waitUntil(page, `!document.querySelector('[data-testid=previews] .still.loading')`, 90_000);
      expect(
        await page.$$eval('[data-testid=previews] li > :first-child', (els) => els.map((e) => e.getAttribute('data-testid') + (e.getAttribute('data-failure') ?? ''))),
      ).toEqual(['still', 'still', 'still', 'still']);
      // A four-second clip ending where the timeline's pick ends.
      const from = await page.evaluate(`(() => {
        const to = new Date(document.querySelector('[data-testid=to]').dataset.value);
        const d = new Date(to.getTime() - 4000);
        return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
      })()`);
      await page.fill('[data-testid=from]', String(from));
      await page.selectOption('[data-testid=purpose]', 'infrastructure-damage');
      await page.fill('[data-testid=case-reference]', 'NYS-2026/117');
      await page.fill('[data-testid=justification]', 'Fala powodziowa na rynku w Jeseníku: ocena szkód dla sztabu kryzysowego');
      await page.waitForSelector('[data-testid=check][data-outcome=approval]');
      // The owner's legal officer by the organisation's name, not its id.
      await waitUntil(page, `document.querySelector('[data-testid=check]').textContent.includes('Město Jeseník (CZ)')`);
      expect(await page.textContent('[data-testid=check]')).not.toContain('mesto-jesenik');
      expect(await page.locator('[data-testid=problems]').count()).toBe(0);
      await settle(page);
      await checkAllLanguages(page, 'clips-form', ['pl', 'cs', 'en']);
      expect(await page.inputValue('[data-testid=from]')).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
      // Raw footage is refused to a municipal user from across the border, with the reasons.
      await page.check('[data-testid=form-raw]');
      await page.waitForSelector('[data-testid=check][data-outcome=denied]');
      expect(await page.locator('[data-testid=check-reasons] li').count()).toBeGreaterThan(0);
      expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
      await page.check('[data-testid=form-anonymized]');
      await page.waitForSelector('[data-testid=check][data-outcome=approval]');
      await page.click('[data-testid=submit]');
      await page.waitForSelector('[data-testid=request][data-state=submitted]');
      requestId = (await page.getAttribute('[data-testid=request]', 'data-id'))!;
      // The export may run while the next test approves: note any progress bar the page shows from now on.
      await page.evaluate(`(() => {
        window.__progressSeen = false;
        new MutationObserver(() => { if (document.querySelector('[data-testid=progress]')) window.__progressSeen = true; }).observe(document.body, { subtree: true, childList: true, attributes: true });
      })()`);
      expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    });

    it('a Jeseník legal officer finds it in the queue and approves it with a reason', async () => {
      const { page, errors } = await session('jesenik.legal', 'cs', '/clip-queue');
      const item = page.locator(`[data-testid=queue-item][data-id="${requestId}"]`);
      await item.waitFor();
      expect(await item.textContent()).toContain('NYS-2026/117');
      await settle(page);
      await checkAllLanguages(page, 'clip-queue', ['cs', 'pl', 'en']);
      await item.locator('[data-testid=reason]').fill(REASON);
      await item.locator('[data-testid=approve]').click();
      // Approved requests leave the open queue; the whole list shows it with the decision.
      await page.waitForSelector(`[data-testid=queue-item][data-id="${requestId}"]`, { state: 'detached' });
      await page.check('[data-testid=show-all]');
      await page.waitForSelector(`[data-testid=queue-item][data-id="${requestId}"]`);
      expect(await item.textContent()).toContain(REASON);
      expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    });

    it('the requester sees the export progress, downloads the clip and its SHA-256 matches the one shown', async () => {
      const { page } = sessions[0];
      const card = page.locator(`[data-testid=request][data-id="${requestId}"]`);
      // The events stream moves the card on without a reload; catch the progress bar on the way.
      let progressSeen = false;
      const until = Date.now() + 240_000;
      while ((await card.getAttribute('data-state')) !== 'ready') {
        if (await card.locator('[data-testid=progress]').count()) progressSeen = true;
        if (Date.now() > until) throw new Error(`export did not finish: ${await card.getAttribute('data-state')}`);
        if (await card.getAttribute('data-state').then((s) => s === 'failed')) throw new Error(`export failed: ${await card.textContent()}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      expect(progressSeen || (await page.evaluate('window.__progressSeen'))).toBe(true);
      const shown = (await card.locator('[data-testid=sha256]').textContent())!.trim();
      expect(shown).toMatch(/^[0-9a-f]{64}$/);
      expect(await card.locator('[data-testid=expiry]').textContent()).toMatch(/\d/);
      await settle(page);
      await checkAllLanguages(page, 'clips-ready', ['en', 'cs', 'pl']);
      const [download] = await Promise.all([page.waitForEvent('download'), card.locator('[data-testid=download]').click()]);
      const file = join(artifactsDir(SUITE), 'clip.mp4');
      await download.saveAs(file);
      const bytes = readFileSync(file);
      expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(shown);
      await card.locator('[data-testid=verified].ok').waitFor();
      const [manifestDownload] = await Promise.all([page.waitForEvent('download'), card.locator('[data-testid=manifest]').click()]);
      const manifestFile = join(artifactsDir(SUITE), 'clip.manifest.json');
      await manifestDownload.saveAs(manifestFile);
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { manifest: { requestId: string; file: { sha256: string } }; signature: string };
      expect(manifest.manifest).toMatchObject({ requestId, file: { sha256: shown } });
      expect(manifest.signature).toMatch(/^[\w-]+\.\.[\w-]+$/);
    });

    it("Jeseník's auditor filters the trail, opens an entry, verifies the chain and exports CSV and PDF", async () => {
      const { page, errors } = await session('jesenik.auditor', 'en', '/audit');
      await page.waitForSelector('[data-testid=entries]');
      await page.selectOption('[data-testid=f-camera]', cameraId);
      await page.check('[data-testid=f-cross-border]');
      await page.click('[data-testid=apply]');
      await waitUntil(page, `[...document.querySelectorAll('[data-testid=entry]')].some((r) => r.dataset.actor === 'jesenik.legal')`);
      const rows = await page.$$eval('[data-testid=entry]', (trs) =>
        trs.map((tr) => ({ seq: tr.getAttribute('data-seq')!, actor: tr.getAttribute('data-actor')!, operation: tr.getAttribute('data-operation')! })),
      );
      jesenikSeqs = rows.map((r) => r.seq);
      // Across the border: the previews shown to Nysa and the approval that discloses the clip to Nysa.
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['nysa.municipal', 'jesenik.legal']));
      const approval = rows.find((r) => r.actor === 'jesenik.legal' && r.operation === 'alteration')!;
      expect(approval).toBeDefined();
      await page.click(`[data-testid=entry][data-seq="${approval.seq}"] button`);
      expect(await page.textContent('[data-testid=details] [data-testid=justification]')).toBe(REASON);
      expect(await page.textContent('[data-testid=details] [data-testid=policies]')).toMatch(/CZ@\d+:cz-clip-approve-owner/);
      await page.click('[data-testid=verify]');
      await page.waitForSelector('[data-testid=chain][data-ok=true]');
      await settle(page);
      await checkAllLanguages(page, 'audit', ['en', 'cs', 'pl']);

      const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
      const csvFile = join(artifactsDir(SUITE), 'audit.csv');
      await csvDownload.saveAs(csvFile);
      const lines = readFileSync(csvFile, 'utf8').trim().split('\r\n');
      expect(lines[0].split(',').slice(0, 6)).toEqual(['seq', 'time', 'actorUser', 'actorOrganisation', 'actorCountry', 'operation']);
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
      ).toEqual(rows.map((r) => r.seq).sort());

      const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-pdf]')]);
      const pdfFile = join(artifactsDir(SUITE), 'audit-report.pdf');
      await pdfDownload.saveAs(pdfFile);
      const pdf = readFileSync(pdfFile);
      expect(pdf.toString('latin1').startsWith('%PDF-1.4')).toBe(true);
      const text = pdfText(pdf).flat();
      expect(text).toEqual(expect.arrayContaining([`Camera: ${cameraId}`, 'Cross-border only: yes']));
      expect(text.some((l) => /^Intact: \d+ entries checked$/.test(l))).toBe(true);
      for (const r of rows) expect(text.some((l) => l.startsWith(`#${r.seq}  `))).toBe(true);
      expect(text.some((l) => /^Generated \S+ by jesenik\.auditor \(mesto-jesenik, CZ\)$/.test(l))).toBe(true);
      expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    });

    it("an auditor of another organisation (HZS) does not see the entries Jeseník's auditor read", async () => {
      const { page } = await session('hzs.auditor', 'en', '/audit');
      await page.waitForSelector('[data-testid=entries]');
      const seen = await page.$$eval('[data-testid=entry]', (trs) => trs.map((tr) => ({ seq: tr.getAttribute('data-seq')!, actor: tr.getAttribute('data-actor')! })));
      const actors = seen.map((e) => e.actor);
      expect(actors).not.toContain('nysa.municipal');
      expect(actors).not.toContain('jesenik.legal');
      // Nor Jeseník's auditor's own reads and exports (audited as disclosures to Jeseník).
      expect(actors).not.toContain('jesenik.auditor');
      expect(jesenikSeqs.length).toBeGreaterThan(0);
      expect(seen.filter((e) => jesenikSeqs.includes(e.seq))).toEqual([]);
      // Filtered by Jeseník's camera (HZS sees it on the map): nothing but HZS's own steps.
      if (await page.locator(`[data-testid=f-camera] option[value="${cameraId}"]`).count()) {
        await page.selectOption('[data-testid=f-camera]', cameraId);
        await page.click('[data-testid=apply]');
        await settle(page);
        const filtered = await page.$$eval('[data-testid=entry]', (trs) => trs.map((tr) => tr.getAttribute('data-actor')));
        expect(filtered.filter((a) => !a?.startsWith('hzs.'))).toEqual([]);
      }
      expect(await page.textContent('body')).not.toContain(requestId);
    });
  });
}

/** The screen as it is, checked and screenshot in each language (the app remembers the choice). */
async function checkAllLanguages(page: Page, name: string, langs: readonly Language[] = LANGUAGES): Promise<void> {
  for (const lang of langs) {
    await chooseLanguage(page, lang);
    await settle(page);
    const check = await checkScreen(page, SUITE, name, lang);
    expect({ name, lang, missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ name, lang, missing: [], keyLike: [], violations: [] });
  }
}

/** Lets lazy chunks, translations and queries finish before the page is judged. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
  await waitUntil(page, '!document.querySelector(".spinner")');
}
