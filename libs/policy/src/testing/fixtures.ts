import { CameraInput, OrganisationInput, PrincipalInput } from '../policy.types';

/** The project's partners (and their neighbours) as the tests see them. */
export const ORGS: Record<string, OrganisationInput> = {
  'hzs-olk': { id: 'hzs-olk', kind: 'fire', country: 'CZ', regime: 'gdpr' },
  'pcr-olk': { id: 'pcr-olk', kind: 'police', country: 'CZ', regime: 'led' },
  'mesto-jesenik': { id: 'mesto-jesenik', kind: 'municipality', country: 'CZ', regime: 'gdpr' },
  'mp-jesenik': { id: 'mp-jesenik', kind: 'municipal-police', country: 'CZ', regime: 'led' },
  'zzs-olk': { id: 'zzs-olk', kind: 'ems', country: 'CZ', regime: 'gdpr' },
  'psp-nysa': { id: 'psp-nysa', kind: 'fire', country: 'PL', regime: 'gdpr' },
  'kpp-nysa': { id: 'kpp-nysa', kind: 'police', country: 'PL', regime: 'led' },
  'gmina-nysa': { id: 'gmina-nysa', kind: 'municipality', country: 'PL', regime: 'gdpr' },
  'sm-nysa': { id: 'sm-nysa', kind: 'municipal-police', country: 'PL', regime: 'led' },
  'ratownictwo-opole': { id: 'ratownictwo-opole', kind: 'ems', country: 'PL', regime: 'gdpr' },
};

export const CAMERAS: Record<string, CameraInput> = {
  'cz-fire-station': { type: 'Camera', id: 'cz-fire-station', owner: ORGS['hzs-olk'], jurisdiction: 'CZ', kind: 'fixed', lat: 50.2295, lon: 17.2047 },
  'pl-nysa-rynek': { type: 'Camera', id: 'pl-nysa-rynek', owner: ORGS['gmina-nysa'], jurisdiction: 'PL', kind: 'fixed', lat: 50.4737, lon: 17.3345 },
  'cz-jesenik-drone': { type: 'Camera', id: 'cz-jesenik-drone', owner: ORGS['mesto-jesenik'], jurisdiction: 'CZ', kind: 'drone', lat: 50.2301, lon: 17.2 },
};

export function user(org: string, ...roles: string[]): PrincipalInput {
  return { id: `${roles.join('+')}@${org}`, organisation: ORGS[org], roles };
}

export const FLOOD = { id: 'flood-2026-09', type: 'flood', severity: 4, country: 'CZ' };
