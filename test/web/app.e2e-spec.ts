import type { Page } from 'playwright-core';
import { insideWebNetns } from '../support/web/netns';
import { startSystem, type TestSystem } from '../support/web/system';
import { checkScreen, chooseLanguage, LANGUAGES, launchBrowser, signIn, waitUntil, type TestBrowser } from '../support/web/browser';
import { webScreens } from '../support/web/screens';

const SUITE = 'app';

if (insideWebNetns(__filename)) {
  describe('web application: serving, sign-in, languages, accessibility', () => {
    let sys: TestSystem;
    let tb: TestBrowser;

    beforeAll(async () => {
      sys = await startSystem({ suite: SUITE });
      tb = await launchBrowser();
    }, 300_000);

    afterAll(async () => {
      await tb?.close();
      await sys?.close();
    });

    it('serves the app at / and at client routes, and keeps the API (and its JSON 404) under /api', async () => {
      const root = await fetch(`${sys.url}/`);
      expect(root.status).toBe(200);
      expect(root.headers.get('content-type')).toMatch(/text\/html/);
      expect(root.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await root.text()).toMatch(/<div id="root">/);
      expect((await fetch(`${sys.url}/live`)).status).toBe(200);
      const api404 = await fetch(`${sys.url}/api/v1/no-such-thing`);
      expect(api404.status).toBe(404);
      expect(((await api404.json()) as { error: { code: string } }).error.code).toBeDefined();
      expect((await fetch(`${sys.url}/assets/no-such-file.js`)).status).toBe(404);
      const cfg = (await (await fetch(`${sys.url}/api/v1/ui-config`)).json()) as { keycloak: { clientId: string; realm: string } };
      expect(cfg.keycloak).toMatchObject({ clientId: 'borderlens-web', realm: 'borderlens' });
    });

    it.each(LANGUAGES)('in %s: every screen shows no untranslated key and no serious accessibility violation', async (lang) => {
      const { context, page, errors } = await signIn(tb.browser, sys.url, 'hzs.operator', lang);
      try {
        expect(await page.evaluate('document.documentElement.lang')).toBe(lang);
        for (const screen of webScreens()) {
          await page.goto(`${sys.url}/${screen}`);
          await page.waitForSelector('main h1');
          await settle(page);
          const check = await checkScreen(page, SUITE, screen, lang);
          expect({ screen, missing: check.missing, keyLike: check.keyLike, violations: check.violations }).toEqual({ screen, missing: [], keyLike: [], violations: [] });
        }
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('shows the user, organisation and country, and remembers the language chosen across a reload', async () => {
      const { context, page } = await signIn(tb.browser, sys.url, 'nysa.municipal', 'en');
      try {
        const user = await page.textContent('[data-testid=user]');
        expect(user).toMatch(/PL/);
        expect(user).toMatch(/Nysa/);
        await chooseLanguage(page, 'pl');
        expect(await page.textContent('nav')).toMatch(/Mapa/);
        await page.reload();
        await page.waitForSelector('[data-testid=user]');
        expect(await page.evaluate('document.documentElement.lang')).toBe('pl');
        // Sign-out ends the Keycloak session: the next visit asks for the password again.
        await page.click('[data-testid=sign-out]');
        await page.waitForSelector('#username', { timeout: 30_000 });
      } finally {
        await context.close();
      }
    });
  });
}

/** Lets lazy chunks, translations and queries finish before the page is judged. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await waitUntil(page, '!document.querySelector(".spinner")');
}
