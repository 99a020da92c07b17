/**
 * Date and time as typed in the page's language, for text fields that replace <input
 * type="datetime-local">: Chromium draws those in the browser's locale and ignores `lang` (a Czech
 * page in an American browser showed 12/03/2026, 02:05:09 PM). The value stays the one of
 * datetime-local (YYYY-MM-DDTHH:mm[:ss], the browser's time zone), so the screens keep their model.
 *
 * All three languages write day, month, year: Czech `3. 12. 2026 9:05` (ČSN 01 6910), Polish
 * `03.12.2026 09:05`, British English `03/12/2026 09:05`. Parsing is lenient: any of those
 * separators, one-digit parts, and ISO `2026-12-03T09:05` (pasted, or filled by tests).
 */

type Style = { sep: string; pad: boolean };
const STYLES: Record<string, Style> = { cs: { sep: '. ', pad: false }, pl: { sep: '.', pad: true }, en: { sep: '/', pad: true } };
const two = (n: number) => String(n).padStart(2, '0');

/** A datetime-local value as text in `lang`; '' for '' or an unreadable value. */
export function formatDateTimeInput(value: string, lang: string, seconds: boolean): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return '';
  const [y, mo, d, h, mi, s] = [m[1], Number(m[2]), Number(m[3]), Number(m[4]), m[5], m[6] ?? '00'];
  const st = STYLES[lang] ?? STYLES.en;
  const p = (n: number) => (st.pad ? two(n) : String(n));
  return `${p(d)}${st.sep}${p(mo)}${st.sep}${y} ${p(h)}:${mi}${seconds ? `:${s}` : ''}`;
}

/** Text typed in any of the languages (or ISO) as a datetime-local value; null when it is no valid date and time. */
export function parseDateTimeInput(text: string, seconds: boolean): string | null {
  const t = text.trim();
  const time = String.raw`(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?`;
  const iso = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})[T\s]+${time}$`).exec(t);
  const dmy = new RegExp(String.raw`^(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}),?\s+${time}$`).exec(t);
  const m = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : null;
  const hms = (iso ?? dmy)?.slice(4, 7);
  if (!m || !hms) return null;
  const [y, mo, d] = m.map(Number);
  const [h, mi, s] = [Number(hms[0]), Number(hms[1]), Number(hms[2] ?? 0)];
  // Rejects 31. 2., 24:00 and 10:61 (Date would roll them over).
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}${seconds ? `:${two(s)}` : ''}`;
}
