import type { Page } from 'playwright-core';
import { loadPolicyDirectory } from '@borderlens/policy';
import { editRule } from '../support/policy';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, LANGUAGES, launchBrowser, screenshot, signIn, waitUntil, type TestBrowser } from '../support/web/browser';

const SUITE = 'policy';

/**
 * The policy console in a real browser, through Keycloak's login page: a Czech legal officer edits a
 * rule, sees the validation error at its line, fixes it, sees in the simulator what the draft
 * changes, activates it after the co-signatures it needs, and rolls it back.
 */
if (insideWebNetns(__filename)) {
  describe('policy console', () => {
    let sys: TestSystem;
    let tb: TestBrowser;
    const CZ = loadPolicyDirectory().CZ.text;
    // Opens anonymized live video to Czech EMS operators and shortens raw sessions to one hour.
    const draft = editRule(
      'CZ',
      'cz-live-raw-incident',
      '@max_duration("14400")',
      '@max_duration("3600")',
      editRule('CZ', 'cz-live-anonymized-responders', '["fire", "police"]', '["fire", "police", "ems"]'),
    );
    // The same with a typo in an attribute: a schema error at a known line and column.
    const typoAt = draft.indexOf('principal.organisation.kind', draft.indexOf('@id("cz-live-anonymized-responders")'));
    const bad = draft.slice(0, typoAt) + 'principal.organisation.kindd' + draft.slice(typoAt + 'principal.organisation.kind'.length);
    const badLine = bad.slice(0, typoAt).split('\n').length;

    beforeAll(async () => {
      sys = await startSystem({ suite: SUITE });
      tb = await launchBrowser();
    }, 300_000);

    afterAll(async () => {
      await tb?.close();
      await sys?.close();
    });

    /** Waits for a selector; on failure the screenshot, the page's errors and its text say why. */
    async function see(page: Page, selector: string, errors: string[], timeout = 30_000) {
      try {
        return await page.waitForSelector(selector, { timeout });
      } catch (e) {
        await screenshot(page, SUITE, `failure-${selector.replace(/\W+/g, '_').slice(0, 40)}`).catch(() => undefined);
        const text = await page.evaluate('document.body.innerText').catch(() => '');
        throw new Error(`${(e as Error).message}\npage errors: ${errors.join('\n')}\npage text: ${String(text).slice(0, 1500)}`);
      }
    }

    /** Replaces the editor's whole text as typed input (CodeMirror sees ordinary keyboard input). */
    async function typeText(page: Page, text: string) {
      await page.click('.cm-content');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(text);
    }

    async function validation(page: Page, state: 'valid' | 'invalid') {
      await page.waitForSelector(`[data-testid=validation][data-state=${state}]`, { timeout: 20_000 });
    }

    it('a CZ legal officer edits a rule, fixes a validation error, simulates, activates with co-signatures and rolls back', async () => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'hzs.legal', 'cs', '/policy');
      try {
        await see(page, '.cm-content', errors);
        await validation(page, 'valid');
        expect(await page.textContent('[data-testid=active-version]')).toMatch(/1/);

        // A typo: the error shows at its line and column, in the list and in the editor.
        await typeText(page, bad);
        await validation(page, 'invalid');
        const problem = await page.$eval('[data-testid=problems] li.error', (li) => ({ line: Number(li.getAttribute('data-line')), text: li.textContent }));
        expect(problem.line).toBe(badLine);
        expect(problem.text).toMatch(/kindd/);
        // The problem's place links into the editor: the cursor goes to the typo, marked there.
        await page.click('[data-testid=problems] li.error button');
        await see(page, '.cm-lintRange-error', errors);
        expect(await page.textContent('.cm-activeLine')).toMatch(/kindd/);
        expect(await page.textContent('.cm-activeLineGutter')).toBe(String(badLine));
        expect(await page.isDisabled('[data-testid=save-draft]')).toBe(true);
        await screenshot(page, SUITE, 'editor-error-cs');

        // Fixed: valid again.
        await typeText(page, draft);
        await validation(page, 'valid');
        expect(await page.$('[data-testid=problems] li.error')).toBeNull();

        // The simulator compares the unsaved text with the rules in force on a camera the officer sees (their drone).
        const seen = (await sys.api<{ id: string; name: string; jurisdiction: string; sharing: string }[]>('hzs.legal', 'GET', '/api/v1/cameras')).body.filter(
          (c) => c.jurisdiction === 'CZ',
        );
        const drone = seen.find((c) => c.name === 'HZS – dron Jeseník') ?? seen[0];
        expect(drone).toBeDefined();
        await page.click('[data-testid=tab-simulator]');
        await page.selectOption('[data-testid=sim-camera]', drone.id);
        await see(page, '[data-testid=matrix-changes] tr[data-change]', errors);
        const changes = await page.$$eval('[data-testid=matrix-changes] tbody tr', (rows) =>
          rows.map((r) => [...r.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent?.trim())),
        );
        // Raw sessions during an incident shorten; EMS operators get anonymized live video where the owner shares it live.
        expect(changes).toEqual(expect.arrayContaining([[expect.stringMatching(/^CZ fire operator/), 'live.raw', 'Mimořádná událost', 'povinnosti']]));
        if (drone.sharing === 'live-anonymized') expect(changes).toEqual(expect.arrayContaining([['CZ ems operator', 'live.anonymized', 'Nyní', 'otevírá']]));
        // One decision: a fire operator during an incident gets raw video for at most an hour under the draft.
        await page.selectOption('[data-testid=sim-organisation]', 'hzs-olk');
        await page.selectOption('[data-testid=sim-role]', 'operator');
        await page.fill('[data-testid=sim-purpose]', 'povodeň');
        await page.check('[data-testid=sim-incident]');
        await page.click('[data-testid=sim-run]');
        const raw = await page.waitForSelector('[data-testid=sim-results] tr[data-action="live.raw"]');
        const cells = await raw.$$eval('td', (tds) => tds.map((td) => td.textContent ?? ''));
        expect(cells[0]).toMatch(/povoleno.*240 min/);
        expect(cells[1]).toMatch(/povoleno.*60 min/);
        expect(cells[2]).toMatch(/CZ:cz-live-raw-incident/);
        await screenshot(page, SUITE, 'simulator-cs');

        // Saved as a draft.
        await page.click('[data-testid=tab-editor]');
        await page.fill('[data-testid=draft-reason]', 'EMS se připojuje; syrové video nejvýše hodinu');
        await page.click('[data-testid=save-draft]');
        await page.waitForSelector('[data-testid=saved]');
        const versions = (await sys.api<{ version: number; state: string }[]>('hzs.legal', 'GET', '/api/v1/policies/CZ/versions')).body;
        const draftVersion = versions[0].version;
        expect(versions[0]).toMatchObject({ state: 'draft' });

        // Activation needs the town's and the police's co-signatures: the dialog says whose.
        await page.click('[data-testid=tab-history]');
        await page.click(`[data-testid=activate-${draftVersion}]`);
        await page.waitForSelector('[data-testid=confirm-dialog] [data-testid=matrix-changes]');
        await page.fill('[data-testid=confirm-reason]', 'dohoda s ZZS ze 4. 5. 2026');
        await screenshot(page, SUITE, 'activate-dialog-cs');
        await page.click('[data-testid=confirm]');
        const missing = await (await page.waitForSelector('[data-testid=cosignatures-missing]')).textContent();
        expect(missing).toMatch(/Město Jeseník/);
        expect(missing).toMatch(/Krajské ředitelství policie/);
        await page.keyboard.press('Escape');

        for (const [user, reason] of [
          ['jesenik.legal', 'Jeseník souhlasí'],
          ['policie.legal', 'Policie souhlasí'],
        ]) {
          const other = await signIn(tb.browser, sys.url, user, 'cs', '/policy');
          try {
            await other.page.click('[data-testid=tab-history]');
            await other.page.click(`[data-testid=cosignatures-${draftVersion}]`);
            await other.page.fill('[data-testid=cosign-reason]', reason);
            await other.page.click('[data-testid=cosign]');
            await see(other.page, '[data-testid=cosign-panel] [role=status]', other.errors, 60_000);
            expect(other.errors).toEqual([]);
          } finally {
            await other.context.close();
          }
        }

        await page.click(`[data-testid=activate-${draftVersion}]`);
        await page.fill('[data-testid=confirm-reason]', 'dohoda s ZZS ze 4. 5. 2026');
        await page.click('[data-testid=confirm]');
        await page.waitForSelector(`[data-testid=versions] tr[data-version="${draftVersion}"][data-state=active]`);
        expect(
          (await sys.api<{ activeVersion: number }[]>('hzs.legal', 'GET', '/api/v1/policies')).body.find((p) => (p as unknown as { jurisdiction: string }).jurisdiction === 'CZ')
            ?.activeVersion,
        ).toBe(draftVersion);

        // The text diff of version 1 and the activated draft shows the edited rule.
        await page.selectOption('[data-testid=diff-from]', '1');
        await page.selectOption('[data-testid=diff-to]', String(draftVersion));
        await waitUntil(page, `!!document.querySelector('[data-testid=text-diff] .added')`);
        expect(await page.textContent('[data-testid=text-diff] .added')).toMatch(/"ems"/);
        expect(await page.textContent('[data-testid=text-diff] .removed')).toMatch(/14400|\["fire", "police"\]/);
        await screenshot(page, SUITE, 'history-cs');

        // Rolled back to version 1, with a reason, confirmed with the matrix difference once more.
        await page.click('[data-testid=rollback-1]');
        await see(page, '[data-testid=confirm-dialog] [data-testid=matrix-changes] tr[data-change]', errors);
        await page.fill('[data-testid=confirm-reason]', 'dohoda se ZZS zatím nepodepsána');
        await page.click('[data-testid=confirm]');
        await page.waitForSelector(`[data-testid=versions] tr[data-version="${draftVersion + 1}"][data-state=active]`);
        const active = (await sys.api<{ text: string; sourceVersion: number; activationReason: string }>('hzs.legal', 'GET', '/api/v1/policies/CZ')).body;
        expect(active).toMatchObject({ sourceVersion: 1, activationReason: 'dohoda se ZZS zatím nepodepsána' });
        expect(active.text).toBe(CZ);
        // The browser logs the one refused activation (409 policy_cosignatures_missing); nothing else went wrong.
        expect(errors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
        expect(errors.filter((e) => /status of 409/.test(e))).toHaveLength(1);
      } finally {
        await context.close();
      }
    });

    it.each(LANGUAGES)('in %s: each part of the console shows no untranslated key and no serious accessibility violation', async (lang) => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'hzs.legal', lang, '/policy');
      try {
        await see(page, '.cm-content', errors);
        await validation(page, 'valid');
        // An error in the editor, so its markers are judged too.
        await typeText(page, bad);
        await validation(page, 'invalid');
        const results = [await checkScreen(page, SUITE, 'policy-editor', lang)];
        await typeText(page, draft);
        await validation(page, 'valid');
        await page.click('[data-testid=tab-simulator]');
        await page.waitForSelector('[data-testid=matrix-changes]');
        await page.click('[data-testid=sim-run]');
        await page.waitForSelector('[data-testid=sim-results]');
        results.push(await checkScreen(page, SUITE, 'policy-simulator', lang));
        await page.click('[data-testid=tab-history]');
        await page.waitForSelector('[data-testid=text-diff]');
        results.push(await checkScreen(page, SUITE, 'policy-history', lang));
        // The confirmation dialog, where an earlier version can be rolled back to (after the first test).
        if (await page.$('[data-testid=rollback-1]')) {
          await page.click('[data-testid=rollback-1]');
          await page.waitForSelector('[data-testid=confirm-dialog] [data-testid=matrix-changes]');
          results.push(await checkScreen(page, SUITE, 'policy-rollback-dialog', lang));
        }
        for (const r of results) expect({ missing: r.missing, keyLike: r.keyLike, violations: r.violations }).toEqual({ missing: [], keyLike: [], violations: [] });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}
