import i18n, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['cs', 'pl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'borderlens.language';

/** Every namespace file (i18n/<lang>/<ns>.json) is its own chunk, loaded when a screen needs it. */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./*/*.json');

const lazyFiles: BackendModule = {
  type: 'backend',
  init() {},
  read(lng, ns, done) {
    const load = files[`./${lng}/${ns}.json`];
    if (!load) return done(new Error(`no translations ${lng}/${ns}`), false);
    load().then(
      (m) => done(null, m.default),
      (e: Error) => done(e, false),
    );
  },
};

function isLanguage(x: string | null | undefined): x is Language {
  return !!x && (LANGUAGES as readonly string[]).includes(x);
}

/** The user's choice (remembered in this browser), else the browser's first supported language, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Keys that had no translation, for the browser tests (window.__i18nMissing). */
const missing: string[] = [];
(window as unknown as { __i18nMissing: string[] }).__i18nMissing = missing;

export async function initI18n(lng: Language): Promise<void> {
  await i18n
    .use(lazyFiles)
    .use(initReactI18next)
    .init({
      lng,
      supportedLngs: [...LANGUAGES],
      // No fallback: a missing key must show, be recorded and fail the tests, not hide behind English.
      fallbackLng: false,
      ns: ['common'],
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      saveMissing: true,
      missingKeyHandler: (lngs, ns, key) => missing.push(`${lngs.join(',')}/${ns}:${key}`),
      react: { useSuspense: true },
    });
  document.documentElement.lang = lng;
}

export async function setLanguage(lng: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export { i18n };
