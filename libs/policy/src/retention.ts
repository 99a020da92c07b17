import { Country, OrganisationKind } from './policy.types';

/** A statutory cap on how long a camera's recordings may be kept. */
export interface RetentionCap {
  jurisdiction: Country;
  /** Owner organisation kinds the cap applies to. */
  ownerKinds: readonly OrganisationKind[];
  maxDays: number;
  source: string;
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
    // "not longer than 3 months": 90 days never exceeds three calendar months.
    maxDays: 90,
    source: 'Art. 9a(3) of the Polish Act of 8 March 1990 on municipal self-government (ustawa o samorządzie gminnym)',
  },
];

/** The longest retention allowed for recordings of a camera, or undefined when no statute caps it. */
export function maxRetentionDays(jurisdiction: Country, ownerKind: OrganisationKind, caps: readonly RetentionCap[] = RETENTION_CAPS): number | undefined {
  let max: number | undefined;
  for (const cap of caps) {
    if (cap.jurisdiction === jurisdiction && cap.ownerKinds.includes(ownerKind)) max = Math.min(max ?? Infinity, cap.maxDays);
  }
  return max;
}

/** The retention to apply: the requested one, lowered to the statutory cap. */
export function capRetentionDays(requestedDays: number, jurisdiction: Country, ownerKind: OrganisationKind): number {
  const cap = maxRetentionDays(jurisdiction, ownerKind);
  return cap === undefined ? requestedDays : Math.min(requestedDays, cap);
}
