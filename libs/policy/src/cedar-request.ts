import type { Context, EntityJson, EntityUidJson, TypeAndId } from './cedar';
import { readsAttr, readsContext, Relevance } from './relevance';
import {
  ACTION_RESOURCES,
  ACTIONS,
  CAMERA_KINDS,
  CameraInput,
  ClipInput,
  Country,
  DecisionRequest,
  IncidentInContext,
  ORGANISATION_KINDS,
  OrganisationInput,
  PolicyRequestError,
  REGIMES,
  SHARING_LEVELS,
  defaultSharing,
} from './policy.types';

const NS = 'BorderLens::';
const ACTION_SET = new Set<string>(ACTIONS);
const KIND_SET = new Set<string>(ORGANISATION_KINDS);
const REGIME_SET = new Set<string>(REGIMES);
const CAMERA_KIND_SET = new Set<string>(CAMERA_KINDS);
const SHARING_SET = new Set<string>(SHARING_LEVELS);
const COUNTRY = /^[A-Z]{2}$/;
export const MAX_PURPOSE_CHARS = 2000;

/** A Cedar request as it is sent to the evaluator, and its text (the key of the answer cache). */
export interface CedarCall {
  principal: TypeAndId;
  action: TypeAndId;
  resource: TypeAndId;
  context: Context;
  entities: EntityJson[];
}

export interface BuiltRequest {
  call: CedarCall;
  key: string;
  principalCountry: Country;
  resourceJurisdiction: Country;
  purpose: string;
}

export type HourOf = (jurisdiction: Country, epochSec: number) => number;

/**
 * Turns a decision request into the smallest Cedar request that evaluates the same way under the given
 * policies: attributes no policy reads are left out (Cedar spends most of its time parsing entities),
 * and ids of entity types no policy names are renamed in order of appearance (equality and membership
 * between them are kept), so that equal situations of different users give the same cache key.
 */
export function buildCedarRequest(req: DecisionRequest, relevance: Relevance, hourOf: HourOf): BuiltRequest {
  if (!req || typeof req !== 'object') throw new PolicyRequestError('request must be an object');
  const { principal, action, resource } = req;
  if (!ACTION_SET.has(action)) throw new PolicyRequestError(`unknown action "${action}"; known: ${ACTIONS.join(', ')}`);
  if (!resource || typeof resource !== 'object') throw new PolicyRequestError('resource is missing');
  if (!ACTION_RESOURCES[action].includes(resource.type)) {
    throw new PolicyRequestError(`${action} applies to ${ACTION_RESOURCES[action].join(' or ')}, not to ${String(resource.type)}`);
  }
  if (!principal || typeof principal !== 'object') throw new PolicyRequestError('principal is missing');
  const b = new EntityBuilder(relevance);

  checkId('principal.id', principal.id);
  const principalOrg = b.organisation(principal.organisation, 'principal.organisation');
  const principalCountry = principal.country ?? principal.organisation.country;
  checkCountry('principal.country', principalCountry);
  if (!Array.isArray(principal.roles) || principal.roles.some((r) => typeof r !== 'string')) {
    throw new PolicyRequestError('principal.roles must be an array of strings');
  }
  const principalUid = b.uid('User', principal.id);
  b.add(principalUid, { organisation: () => ({ __entity: principalOrg }), country: () => principalCountry, roles: () => [...new Set(principal.roles)].sort() }, [principalOrg]);

  let resourceUid: TypeAndId;
  let jurisdiction: Country;
  switch (resource.type) {
    case 'Camera':
      resourceUid = b.camera(resource, 'resource');
      jurisdiction = resource.jurisdiction;
      break;
    case 'Clip': {
      checkId('resource.id', resource.id);
      const clip: ClipInput = resource;
      if (!clip.camera || typeof clip.camera !== 'object') throw new PolicyRequestError('resource.camera is missing');
      const camera = b.camera({ ...clip.camera, type: 'Camera' }, 'resource.camera');
      const owner = b.organisation(clip.camera.owner, 'resource.camera.owner');
      const requester = b.organisation(clip.requester, 'resource.requester');
      jurisdiction = clip.camera.jurisdiction;
      resourceUid = b.uid('Clip', clip.id);
      b.add(resourceUid, {
        camera: () => ({ __entity: camera }),
        owner: () => ({ __entity: owner }),
        jurisdiction: () => jurisdiction,
        requester: () => ({ __entity: requester }),
      });
      break;
    }
    case 'Policy':
      checkCountry('resource.jurisdiction', resource.jurisdiction);
      jurisdiction = resource.jurisdiction;
      resourceUid = b.uid('Policy', resource.id ?? resource.jurisdiction);
      b.add(resourceUid, { jurisdiction: () => jurisdiction });
      break;
    case 'Incident': {
      checkId('resource.id', resource.id);
      checkCountry('resource.jurisdiction', resource.jurisdiction);
      checkSeverity('resource.severity', resource.severity);
      if (typeof resource.incidentType !== 'string') throw new PolicyRequestError('resource.incidentType must be a string');
      jurisdiction = resource.jurisdiction;
      const countries = resource.countries ?? [jurisdiction];
      countries.forEach((c, i) => checkCountry(`resource.countries[${i}]`, c));
      const declaringCountry = resource.declaringCountry ?? jurisdiction;
      checkCountry('resource.declaringCountry', declaringCountry);
      resourceUid = b.uid('Incident', resource.id);
      b.add(resourceUid, {
        jurisdiction: () => jurisdiction,
        type: () => resource.incidentType,
        severity: () => resource.severity,
        countries: () => uniqueSorted([...countries]),
        declaringCountry: () => declaringCountry,
        declaringOrganisation: () => resource.declaringOrganisation ?? '',
      });
      break;
    }
    case 'Organisation':
      resourceUid = b.organisation(resource, 'resource');
      jurisdiction = resource.country;
      break;
    default:
      throw new PolicyRequestError(`unknown resource type "${String((resource as { type: unknown }).type)}"`);
  }

  const ctx = req.context ?? {};
  const incidents = ctx.incidents ?? [];
  if (!Array.isArray(incidents)) throw new PolicyRequestError('context.incidents must be an array');
  for (const [i, incident] of incidents.entries()) {
    checkId(`context.incidents[${i}].id`, incident?.id);
    checkSeverity(`context.incidents[${i}].severity`, incident.severity);
    checkCountry(`context.incidents[${i}].country`, incident.country);
    if (typeof incident.type !== 'string') throw new PolicyRequestError(`context.incidents[${i}].type must be a string`);
    if (incident.declaringCountry !== undefined) checkCountry(`context.incidents[${i}].declaringCountry`, incident.declaringCountry);
    for (const key of ['countries', 'acceptedIn', 'refusedIn'] as const) {
      const list = incident[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new PolicyRequestError(`context.incidents[${i}].${key} must be an array of country codes`);
      list.forEach((c, k) => checkCountry(`context.incidents[${i}].${key}[${k}]`, c));
    }
  }
  // Only incidents in effect for the resource's country count: declared by it or accepted by it. One
  // declared by another country's operator, or across the border, waits for that country's acceptance.
  const covering = incidents.map((i) => ({ incident: i, accepted: acceptedIn(i).includes(jurisdiction), refused: (i.refusedIn ?? []).includes(jurisdiction) }));
  const inEffect = covering.filter((c) => c.accepted).map((c) => c.incident);
  const purpose = ctx.purpose ?? '';
  if (typeof purpose !== 'string' || purpose.length > MAX_PURPOSE_CHARS) {
    throw new PolicyRequestError(`context.purpose must be a string of at most ${MAX_PURPOSE_CHARS} characters`);
  }
  const durationSec = ctx.durationSec ?? 0;
  if (!Number.isInteger(durationSec) || durationSec < 0 || durationSec > 1e9) {
    throw new PolicyRequestError('context.durationSec must be a whole number of seconds (0 to 1e9)');
  }
  const nowMs = ctx.now === undefined ? Date.now() : ctx.now instanceof Date ? ctx.now.getTime() : ctx.now;
  if (!Number.isFinite(nowMs)) throw new PolicyRequestError('context.now must be a Date or epoch milliseconds');
  const nowSec = Math.floor(nowMs / 1000);

  const keep = (name: string) => readsContext(relevance, name);
  const context: Context = {};
  if (keep('incident')) context.incident = inEffect.length > 0;
  if (keep('incidentPending')) context.incidentPending = covering.some((c) => !c.accepted && !c.refused);
  if (keep('incidentIds')) context.incidentIds = uniqueSorted(inEffect.map((i) => i.id));
  if (keep('incidentTypes')) context.incidentTypes = uniqueSorted(inEffect.map((i) => i.type));
  if (keep('incidentCountries')) context.incidentCountries = uniqueSorted(inEffect.map((i) => i.country));
  if (keep('incidentSeverity')) context.incidentSeverity = inEffect.reduce((max, i) => Math.max(max, i.severity), 0);
  if (keep('coveringIncidents')) {
    context.coveringIncidents = covering
      .map(({ incident: i, accepted }) => ({
        id: i.id,
        jurisdiction: i.country,
        countries: uniqueSorted([...(i.countries ?? [i.country])]),
        declaringCountry: i.declaringCountry ?? i.country,
        declaringOrganisation: i.organisation ?? '',
        accepted,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  if (keep('purpose')) context.purpose = purpose;
  if (keep('durationSec')) context.durationSec = durationSec;
  if (keep('now')) context.now = nowSec;
  if (keep('hour')) context.hour = hourOf(jurisdiction, nowSec);

  const call: CedarCall = {
    principal: principalUid,
    action: { type: `${NS}Action`, id: action },
    resource: resourceUid,
    context,
    entities: b.entities,
  };
  return { call, key: JSON.stringify(call), principalCountry, resourceJurisdiction: jurisdiction, purpose };
}

type Attrs = Record<string, () => EntityJson['attrs'][string]>;

class EntityBuilder {
  readonly entities: EntityJson[] = [];
  private readonly renamed = new Map<string, string>();
  private readonly added = new Set<string>();
  private next = 0;

  constructor(private readonly relevance: Relevance) {}

  /** The id Cedar sees: the real one if a policy names this type by id, otherwise a stand-in. */
  uid(type: string, id: string): TypeAndId {
    const full = NS + type;
    if (this.relevance.all || this.relevance.literalTypes.has(full)) return { type: full, id };
    const key = `${type}\u0000${id}`;
    let alias = this.renamed.get(key);
    if (alias === undefined) this.renamed.set(key, (alias = `~${this.next++}`));
    return { type: full, id: alias };
  }

  /** Adds an entity once, with only the attributes some policy reads (entities without any are left out). */
  add(uid: TypeAndId, attrs: Attrs, parents: EntityUidJson[] = []): void {
    const key = `${uid.type}\u0000${uid.id}`;
    if (this.added.has(key)) return;
    this.added.add(key);
    const kept: EntityJson['attrs'] = {};
    let any = parents.length > 0;
    for (const name in attrs) {
      if (readsAttr(this.relevance, uid.type, name)) {
        kept[name] = attrs[name]();
        any = true;
      }
    }
    if (any) this.entities.push({ uid, attrs: kept, parents });
  }

  organisation(o: OrganisationInput, path: string): TypeAndId {
    if (!o || typeof o !== 'object') throw new PolicyRequestError(`${path} is missing`);
    checkId(`${path}.id`, o.id);
    if (!KIND_SET.has(o.kind)) throw new PolicyRequestError(`${path}.kind "${o.kind}" is not one of ${ORGANISATION_KINDS.join(', ')}`);
    checkCountry(`${path}.country`, o.country);
    if (!REGIME_SET.has(o.regime)) throw new PolicyRequestError(`${path}.regime "${o.regime}" is not one of ${REGIMES.join(', ')}`);
    const uid = this.uid('Organisation', o.id);
    this.add(uid, { kind: () => o.kind, country: () => o.country, regime: () => o.regime });
    return uid;
  }

  camera(c: CameraInput, path: string): TypeAndId {
    checkId(`${path}.id`, c.id);
    checkCountry(`${path}.jurisdiction`, c.jurisdiction);
    if (!CAMERA_KIND_SET.has(c.kind)) throw new PolicyRequestError(`${path}.kind "${c.kind}" is not one of ${CAMERA_KINDS.join(', ')}`);
    if (!(Math.abs(c.lat) <= 90) || !(Math.abs(c.lon) <= 180)) throw new PolicyRequestError(`${path}.lat/lon must be WGS84 degrees`);
    if (c.sharing !== undefined && !SHARING_SET.has(c.sharing)) throw new PolicyRequestError(`${path}.sharing "${c.sharing}" is not one of ${SHARING_LEVELS.join(', ')}`);
    const owner = this.organisation(c.owner, `${path}.owner`);
    const uid = this.uid('Camera', c.id);
    this.add(uid, {
      owner: () => ({ __entity: owner }),
      jurisdiction: () => c.jurisdiction,
      kind: () => c.kind,
      lat: () => ({ __extn: { fn: 'decimal', arg: c.lat.toFixed(4) } }),
      lon: () => ({ __extn: { fn: 'decimal', arg: c.lon.toFixed(4) } }),
      sharing: () => c.sharing ?? defaultSharing(c.owner.kind),
    });
    return uid;
  }
}

/** The countries for which an incident is in effect (by default: the one that declared it). */
export function acceptedIn(i: IncidentInContext): readonly Country[] {
  return i.acceptedIn ?? [i.declaringCountry ?? i.country];
}

function uniqueSorted(values: string[]): string[] {
  return values.length < 2 ? values : [...new Set(values)].sort();
}

function checkId(path: string, id: unknown): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw new PolicyRequestError(`${path} must be a non-empty string`);
}

function checkCountry(path: string, country: unknown): void {
  if (typeof country !== 'string' || !COUNTRY.test(country)) throw new PolicyRequestError(`${path} must be a country code such as "CZ", got ${JSON.stringify(country)}`);
}

function checkSeverity(path: string, severity: unknown): void {
  if (!Number.isInteger(severity) || (severity as number) < 1 || (severity as number) > 5) throw new PolicyRequestError(`${path} must be a whole number from 1 to 5`);
}
