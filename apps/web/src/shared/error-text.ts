import type { i18n as I18n } from 'i18next';
import { formatDateTime, localeOf } from '../i18n/format';

/** A refusal of the API as the gateway sends it: `{error: {code, message, details?}}` (ApiError is one). */
export interface Refusal {
  code: string;
  message: string;
  details?: unknown;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/**
 * The text of a refusal in the UI's language: the app's text for its code (common:errorCode.<code>),
 * filled with the named values of its details (dates and numbers in the user's locale, a country by its
 * name); the server's (English) message for a code the app has no text for. The one place that decides
 * what an API error says; a denial's reasons (details.reasons) come translated already and are shown
 * beside it by the caller.
 */
export function errorText(e: Refusal, i18n: Pick<I18n, 't' | 'exists' | 'language'>): string {
  // exists() first: an unknown code is not a missing translation (the browser tests fail on those).
  if (!i18n.exists(`common:errorCode.${e.code}`)) return e.message;
  return i18n.t(`common:errorCode.${e.code}`, { replace: namedValues(e.details, i18n) });
}

function namedValues(details: unknown, i18n: Pick<I18n, 't' | 'exists' | 'language'>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!details || typeof details !== 'object' || Array.isArray(details)) return out;
  const locale = localeOf(i18n.language);
  for (const [name, v] of Object.entries(details)) {
    if (typeof v === 'number') out[name] = new Intl.NumberFormat(locale).format(v);
    else if (typeof v !== 'string') continue;
    else if (ISO_TIME.test(v) && !Number.isNaN(Date.parse(v))) out[name] = formatDateTime(locale, v);
    else if (name === 'country' && i18n.exists(`common:country.${v}`)) out[name] = i18n.t(`common:country.${v}`);
    else out[name] = v;
  }
  return out;
}
