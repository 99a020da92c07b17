import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../../../apps/media/test-tools/browser';
import { DEMO_PASSWORD } from '../keycloak';
import { artifactsDir } from './artifacts';

export { launchBrowser, type TestBrowser };
export const LANGUAGES = ['cs', 'pl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const BROWSER_LOCALE: Record<Language, string> = { cs: 'cs-CZ', pl: 'pl-PL', en: 'en-GB' };

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged (checked by the suites: the app must not fail silently). */
  errors: string[];
}

/**
 * A fresh browser context in `lang` (the browser's language, which the app follows until the user
 * picks another) signed in as `user` through Keycloak's own login page, landing in the app.
 */
export async function signIn(browser: Browser, baseUrl: string, user: string, lang: Language = 'en', path = '/'): Promise<SignedIn> {
  const context = await browser.newContext({ locale: BROWSER_LOCALE[lang], viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(baseUrl + path);
  // Keycloak's login page (the realm's theme): username, password, submit.
  await page.waitForSelector('#username', { timeout: 30_000 });
  await page.fill('#username', user);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(baseUrl), { timeout: 30_000 }), page.click('#kc-login')]);
  await page.waitForSelector('[data-testid=user]', { timeout: 30_000 });
  return { context, page, errors };
}

/** Chooses the language in the header (remembered by the app). */
export async function chooseLanguage(page: Page, lang: Language): Promise<void> {
  await page.selectOption('[data-testid=language]', lang);
  await waitUntil(page, `document.documentElement.lang === '${lang}'`);
}

/**
 * Waits until a JavaScript expression is truthy in the page. page.waitForFunction evaluates with
 * eval(), which the app's Content-Security-Policy forbids; page.evaluate goes through DevTools.
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the app's Content-Security-Policy does not block it.
  await page.evaluate(AXE);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Translation keys the app could not find (recorded by the app's i18n setup in window.__i18nMissing). */
export async function missingTranslations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__i18nMissing || []')) as string[];
}

/**
 * Text on the page that looks like an untranslated key (`ns:key` or `some.key.path`). Text inside
 * `translate="no"` (user names such as jesenik.legal, identifiers, hashes), code and pre (Cedar text) is
 * data, not a key.
 */
export async function keyLikeText(page: Page): Promise<string[]> {
  const text = await page.evaluate(`(() => {
    let t = document.body.innerText;
    // Line by line: a block's innerText alone and inside the page's may differ in white space.
    for (const el of document.querySelectorAll('[translate="no"], code, pre')) {
      if (el.innerText) t = t.split(el.innerText).join(' ');
      for (const line of el.innerText.split('\\n').map((l) => l.trim()).filter(Boolean)) t = t.split(line).join(' ');
    }
    return t;
  })()`);
  const hits = String(text).match(/\b[a-z]+(?:[:.][a-zA-Z]+){1,}\b/g) ?? [];
  // Domain names, versions and file names are not keys.
  return hits.filter((h) => !/^(?:[\w-]+\.)+(?:cz|pl|com|org|eu|js|json|onnx|png)$/.test(h));
}

export async function screenshot(page: Page, suite: string, name: string): Promise<string> {
  const file = join(artifactsDir(suite), `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export interface ScreenCheck {
  missing: string[];
  keyLike: string[];
  violations: AxeViolation[];
  screenshot: string;
}

/**
 * What every screen must pass in every language: no missing translation, no key-like text, no
 * serious or critical axe-core violation; and a screenshot as a test artifact
 * (<artifacts>/<suite>/<screen>-<lang>.png).
 */
export async function checkScreen(page: Page, suite: string, screen: string, lang: Language): Promise<ScreenCheck> {
  return {
    missing: await missingTranslations(page),
    keyLike: await keyLikeText(page),
    violations: await axeViolations(page),
    screenshot: await screenshot(page, suite, `${screen}-${lang}`),
  };
}
