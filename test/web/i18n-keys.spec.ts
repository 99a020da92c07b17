import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The web app's translations: every language has the same namespace files with the same keys, no
 * value is empty, every key the code uses exists, and every key that exists is used.
 * Usage is found in the source: `t('key')` inside a component whose useTranslation names the
 * namespace, `t('ns:key')` anywhere, or a dynamic key `t(`prefix.${x}`)` which uses every key under
 * `prefix.` of that namespace. `title` of each namespace is used by the menu (app/routes.tsx).
 */
const WEB = resolve(__dirname, '../../apps/web/src');
const I18N = join(WEB, 'i18n');
const LANGS = ['cs', 'pl', 'en'];

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function namespaces(lang: string): string[] {
  return readdirSync(join(I18N, lang))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function keysOf(lang: string, ns: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(join(I18N, lang, `${ns}.json`), 'utf8')) as Tree);
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys without i18next's plural suffixes (`count_one`, `count_few` are the key `count`). */
function baseKeys(lang: string, ns: string): string[] {
  return [...new Set([...keysOf(lang, ns).keys()].map((k) => k.replace(PLURAL, '')))].sort();
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== 'generated') out.push(...sources(p));
    } else if (/\.tsx?$/.test(f)) out.push(p);
  }
  return out;
}

/** Keys the code uses: exact ones and dynamic prefixes, per namespace. */
function usage(): { exact: Map<string, Set<string>>; prefixes: Map<string, Set<string>>; where: Map<string, string> } {
  const exact = new Map<string, Set<string>>();
  const prefixes = new Map<string, Set<string>>();
  const where = new Map<string, string>();
  const add = (m: Map<string, Set<string>>, ns: string, k: string) => (m.get(ns) ?? m.set(ns, new Set()).get(ns)!).add(k);
  for (const file of sources(WEB)) {
    const text = readFileSync(file, 'utf8');
    // The namespaces a file works with: useTranslation('ns') / useTranslation(['ns', ...]); default common.
    const nsMatch = /useTranslation\(\s*(?:'([\w-]+)'|\[\s*'([\w-]+)')/.exec(text);
    const fileNs = nsMatch ? (nsMatch[1] ?? nsMatch[2]) : 'common';
    const call = /\bt\(\s*(?:'([^']+)'|"([^"]+)"|`([^`$]*)(\$\{)?)/g;
    for (const m of text.matchAll(call)) {
      const literal = m[1] ?? m[2] ?? (m[4] ? undefined : m[3]);
      const dynamic = m[4] ? m[3] : undefined;
      const raw = literal ?? dynamic ?? '';
      const [ns, key] = raw.includes(':') ? [raw.slice(0, raw.indexOf(':')), raw.slice(raw.indexOf(':') + 1)] : [fileNs, raw];
      if (literal !== undefined) {
        add(exact, ns, key);
        where.set(`${ns}:${key}`, relative(WEB, file));
      } else if (dynamic !== undefined) {
        // `${ns}:title` style (namespace itself dynamic) is the menu's `title`; otherwise a key prefix.
        if (raw === '' || raw.endsWith(':')) continue;
        add(prefixes, ns, key.replace(/\.$/, ''));
      }
    }
    // i18nKey="..." of <Trans>
    for (const m of text.matchAll(/i18nKey="([^"]+)"/g)) {
      const raw = m[1];
      const [ns, key] = raw.includes(':') ? raw.split(':') : [fileNs, raw];
      add(exact, ns, key);
      where.set(`${ns}:${key}`, relative(WEB, file));
    }
  }
  return { exact, prefixes, where };
}

describe('web app translations', () => {
  const reference = namespaces('en');

  it.each(LANGS)('%s has the same namespace files as en', (lang) => {
    expect(namespaces(lang)).toEqual(reference);
  });

  it.each(LANGS.filter((l) => l !== 'en'))('%s has exactly the keys of en, none empty', (lang) => {
    for (const ns of reference) {
      const other = keysOf(lang, ns);
      expect({ ns, keys: baseKeys(lang, ns) }).toEqual({ ns, keys: baseKeys('en', ns) });
      const empty = [...other].filter(([, v]) => !v.trim()).map(([k]) => k);
      expect({ ns, empty }).toEqual({ ns, empty: [] });
    }
  });

  it.each(LANGS)('%s has every plural form its grammar needs for each plural key', (lang) => {
    const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const ns of reference) {
      const keys = [...keysOf(lang, ns).keys()];
      const plural = new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
      for (const base of plural) {
        const missing = forms.filter((f) => !keys.includes(`${base}_${f}`));
        expect({ key: `${lang}/${ns}:${base}`, missing }).toEqual({ key: `${lang}/${ns}:${base}`, missing: [] });
      }
    }
  });

  it('every screen namespace (all but common) has a title (menu and window title)', () => {
    for (const ns of reference.filter((n) => n !== 'common')) expect({ ns, title: keysOf('en', ns).has('title') }).toEqual({ ns, title: true });
  });

  it('every key the code uses exists', () => {
    const { exact, where } = usage();
    const missing: string[] = [];
    for (const [ns, keys] of exact) {
      if (!reference.includes(ns)) {
        missing.push(...[...keys].map((k) => `${ns}:${k} (no namespace ${ns}, ${where.get(`${ns}:${k}`)})`));
        continue;
      }
      const defined = new Set(baseKeys('en', ns));
      for (const k of keys) if (!defined.has(k)) missing.push(`${ns}:${k} (${where.get(`${ns}:${k}`)})`);
    }
    expect(missing).toEqual([]);
  });

  it('every key that exists is used', () => {
    const { exact, prefixes } = usage();
    const unused: string[] = [];
    for (const ns of reference) {
      for (const k of baseKeys('en', ns)) {
        if (k === 'title') continue;
        if (exact.get(ns)?.has(k)) continue;
        if ([...(prefixes.get(ns) ?? [])].some((p) => k.startsWith(`${p}.`))) continue;
        unused.push(`${ns}:${k}`);
      }
    }
    expect(unused).toEqual([]);
  });
});
