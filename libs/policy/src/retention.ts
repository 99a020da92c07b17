import { Country, OrganisationKind } from './policy.types';
import type { ReasonLanguage } from './reasons';

/** A statutory cap on how long a camera's recordings may be kept, in calendar months per recording. */
export interface RetentionCap {
  jurisdiction: Country;
  /** Owner organisation kinds the cap applies to. */
  ownerKinds: readonly OrganisationKind[];
  maxMonths: number;
  /** The statute, cited in each language the UI speaks (pick one with pickReason). */
  source: Record<ReasonLanguage, string>;
}

/**
 * Statutory caps on recording retention (see docs/legal.md). Where no cap is listed the camera's own
 * retention (and the configured default) applies, and the controller must still justify it (storage
 * limitation, GDPR Art. 5(1)(e); Directive 2016/680 Art. 4(1)(e)).
 */
export const RETENTION_CAPS: readonly RetentionCap[] = [
  {
    jurisdiction: 'PL',
    ownerKinds: ['municipality', 'municipal-police'],
    // "not longer than 3 months", counted per recording in calendar months (Civil Code Art. 112):
    // 90 days would keep a recording of 31 January until 1 May.
    maxMonths: 3,
    source: {
      en: 'Art. 9a(3) of the Polish Act of 8 March 1990 on municipal self-government (ustawa o samorządzie gminnym); months counted per Art. 112 of the Polish Civil Code',
      cs: 'čl. 9a odst. 3 polského zákona ze dne 8. března 1990 o obecní samosprávě (ustawa o samorządzie gminnym); měsíce se počítají podle čl. 112 polského občanského zákoníku',
      pl: 'art. 9a ust. 3 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym; miesiące liczone zgodnie z art. 112 Kodeksu cywilnego',
    },
  },
];

/** The statutory cap in months on recordings of a camera, or undefined when no statute caps it. */
export function maxRetentionMonths(jurisdiction: Country, ownerKind: OrganisationKind, caps: readonly RetentionCap[] = RETENTION_CAPS): number | undefined {
  let max: number | undefined;
  for (const cap of caps) {
    if (cap.jurisdiction === jurisdiction && cap.ownerKinds.includes(ownerKind)) max = Math.min(max ?? Infinity, cap.maxMonths);
  }
  return max;
}

/**
 * `t` plus `months` calendar months (UTC): the same day of the month, or the month's last day when it
 * has no such day (31 January + 3 months = 30 April), as Art. 112 of the Polish Civil Code counts and
 * as PostgreSQL's `+ make_interval(months => n)` computes.
 */
export function addMonths(t: Date, months: number): Date {
  const y = t.getUTCFullYear(),
    m = t.getUTCMonth() + months,
    d = t.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const r = new Date(t);
  r.setUTCFullYear(y, m, Math.min(d, last));
  return r;
}

/** The most days any period of `months` calendar months spans (3 months: 92, July to October). */
export function longestMonthsInDays(months: number): number {
  let max = 0;
  for (let day = 0; day < 4 * 366; day++) {
    const from = new Date(Date.UTC(2024, 0, 1 + day));
    max = Math.max(max, Math.round((addMonths(from, months).getTime() - from.getTime()) / 86_400_000));
  }
  return max;
}

/**
 * The longest retention in days a camera may be configured with: no recording outlives the cap anyway
 * (it is also deleted at its own months' end), so a longer setting would only mislead.
 */
export function maxRetentionDays(jurisdiction: Country, ownerKind: OrganisationKind, caps: readonly RetentionCap[] = RETENTION_CAPS): number | undefined {
  const months = maxRetentionMonths(jurisdiction, ownerKind, caps);
  return months === undefined ? undefined : longestMonthsInDays(months);
}

/** When a recording that ended at `endedAt` must be gone: its camera's retention, or the statutory months if sooner. */
export function retentionEnd(endedAt: Date, retentionDays: number, capMonths?: number): Date {
  const byDays = new Date(endedAt.getTime() + retentionDays * 86_400_000);
  if (capMonths === undefined) return byDays;
  const byMonths = addMonths(endedAt, capMonths);
  return byMonths < byDays ? byMonths : byDays;
}

/**
 * The oldest moment whose recording is still kept at `now`, to the day on the months' side (a range
 * check may refuse a recording a few hours before it is deleted, never accept one already gone).
 */
export function retainedFrom(now: Date, retentionDays: number, capMonths?: number): Date {
  const byDays = new Date(now.getTime() - retentionDays * 86_400_000);
  if (capMonths === undefined) return byDays;
  // addMonths is not invertible at month ends (30 and 31 January both end on 30 April): step forward.
  let t = addMonths(now, -capMonths);
  while (addMonths(t, capMonths) <= now) t = new Date(t.getTime() + 86_400_000);
  return t > byDays ? t : byDays;
}
