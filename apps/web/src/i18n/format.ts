import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { cs: 'cs-CZ', pl: 'pl-PL', en: 'en-GB' };

/** The Intl locale of a UI language (cs -> cs-CZ). */
export function localeOf(language: string): string {
  return LOCALES[language] ?? language;
}

/** A date and time as the app shows them (short date, short time). */
export function formatDateTime(locale: string, d: string | number | Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(d));
}

/** Dates, times, numbers and durations in the user's language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  return {
    locale,
    dateTime: (d: string | number | Date) => formatDateTime(locale, d),
    time: (d: string | number | Date) => new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(new Date(d)),
    number: (n: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n),
    /** A remaining or elapsed time as h:mm:ss or m:ss (language-neutral digits, locale separators not needed). */
    duration: (ms: number) => formatDuration(ms),
  };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}
