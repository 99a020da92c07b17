import i18next, { type i18n as I18n } from 'i18next';
import cs from '../i18n/cs/common.json';
import en from '../i18n/en/common.json';
import pl from '../i18n/pl/common.json';
import { errorText } from './error-text';

/** The app's own translations (common namespace), set up as the web app does (no fallback, missing keys recorded), without a browser. */
async function i18nIn(lng: 'cs' | 'pl' | 'en', missing: string[] = []): Promise<I18n> {
  const i18n = i18next.createInstance();
  await i18n.init({
    saveMissing: true,
    missingKeyHandler: (_lngs, ns, key) => missing.push(`${ns}:${key}`),
    lng,
    fallbackLng: false,
    ns: ['common'],
    defaultNS: 'common',
    resources: { cs: { common: cs }, pl: { common: pl }, en: { common: en } },
    interpolation: { escapeValue: false },
  });
  return i18n;
}

describe('errorText', () => {
  it('gives the text of a known code in the UI language, with the named values of its details', async () => {
    const refusal = { code: 'camera_disabled', message: "camera 'Jeseník náměstí' is disabled by its administrators", details: { camera: 'Jeseník náměstí' } };
    expect(errorText(refusal, await i18nIn('cs'))).toBe('Kameru Jeseník náměstí vypnuli její správci.');
    expect(errorText(refusal, await i18nIn('pl'))).toBe('Kamera Jeseník náměstí została wyłączona przez jej administratorów.');
    expect(errorText(refusal, await i18nIn('en'))).toBe('Camera Jeseník náměstí is disabled by its administrators.');
  });

  it('writes numbers and dates of the details in the locale of the UI, and a country by its name', async () => {
    const beyond = {
      code: 'clip_range_beyond_retention',
      message: 'recordings of this camera are kept 30 days: …',
      details: { retentionDays: 30, retainedFrom: '2026-11-03T13:05:00.000Z' },
    };
    const when = new Intl.DateTimeFormat('cs-CZ', { dateStyle: 'short', timeStyle: 'short' }).format(new Date('2026-11-03T13:05:00.000Z'));
    expect(errorText(beyond, await i18nIn('cs'))).toBe(`Doba uchovávání záznamů této kamery: dnů 30. Úsek musí začínat po ${when}.`);
    expect(errorText({ code: 'analytics_range_too_long', message: 'at most 10000 buckets', details: { maxBuckets: 10_000, bucket: '1m' } }, await i18nIn('en'))).toBe(
      'At most 10,000 steps per query: choose a longer step or a shorter period.',
    );
    expect(errorText({ code: 'incident_already_accepted', message: 'PL has already accepted this incident', details: { country: 'PL' } }, await i18nIn('pl'))).toBe(
      'Kraj Polska już zaakceptował zdarzenie; aby to zmienić, wycofaj akceptację.',
    );
  });

  it("falls back to the server's message for a code the app has no text for, recording no missing key", async () => {
    const missing: string[] = [];
    const i18n = await i18nIn('cs', missing);
    expect(errorText({ code: 'something_new', message: 'something new went wrong' }, i18n)).toBe('something new went wrong');
    expect(missing).toEqual([]);
    // What the app records for a key it lacks (and the browser tests fail on); errorText asks first.
    const lacking = 'common:errorCode.something_new';
    i18n.t(lacking);
    expect(missing).toEqual(['common:errorCode.something_new']);
  });

  it('ignores details that are no named values (lists, nested objects)', async () => {
    const invalid = { code: 'policy_invalid', message: 'line 3: unexpected token', details: [{ line: 3, message: 'unexpected token' }] };
    expect(errorText(invalid, await i18nIn('en'))).toBe('The rules contain errors: correct them first.');
    const reasons = { code: 'recordings_forbidden', message: 'the rules do not let you', details: { reasons: ['x'], policies: ['CZ@1:a'] } };
    expect(errorText(reasons, await i18nIn('pl'))).toBe('Zasady nie pozwalają ci oglądać nagrań tej kamery ani o nie wnioskować.');
  });
});
