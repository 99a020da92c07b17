/**
 * The vocabulary of BorderLens policies (see policies/borderlens.cedarschema) and the shapes that go
 * in and out of the policy engine. The gateway maps its entities onto these plain objects.
 */

export const ACTIONS = [
  'live.anonymized',
  'live.raw',
  'recording.anonymized',
  'recording.raw',
  'clip.request',
  'clip.approve',
  'analytics.view',
  'incident.declare',
  'incident.accept',
  'incident.end',
  'camera.manage',
  'policy.edit',
  'audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

export const ORGANISATION_KINDS = ['fire', 'police', 'municipality', 'municipal-police', 'ems'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const REGIMES = ['gdpr', 'led'] as const;
export type Regime = (typeof REGIMES)[number];

export const ROLES = ['operator', 'municipal', 'legal-officer', 'admin', 'auditor', 'supervisory-authority'] as const;
export type Role = (typeof ROLES)[number];

export const CAMERA_KINDS = ['fixed', 'mobile', 'drone'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

/**
 * What the owner organisation shares of a camera with other organisations, from least to most: its
 * administrators decide (docs/legal.md). The rules read it as `resource.sharing`, and the engine caps
 * every decision with it, so rules can forbid more but never allow more than the owner shares.
 *   private          the owner only
 *   analytics        partners see counts (analytics.view)
 *   on-request       partners also obtain recordings: clips the owner approves (and recordings during an
 *                    incident, as the rules say); responders watch it live during an incident in effect for
 *                    the camera's country
 *   live-anonymized  partner responders also watch anonymized live video (with a stated purpose)
 */
export const SHARING_LEVELS = ['private', 'analytics', 'on-request', 'live-anonymized'] as const;
export type SharingLevel = (typeof SHARING_LEVELS)[number];

/** The level a camera starts with: municipal cameras on request (with counts), police and fire cameras live anonymized. */
export function defaultSharing(ownerKind: OrganisationKind): SharingLevel {
  return ownerKind === 'municipality' || ownerKind === 'municipal-police' ? 'on-request' : 'live-anonymized';
}

export type ResourceType = 'Camera' | 'Clip' | 'Policy' | 'Incident' | 'Organisation';

/** Which resource types each action applies to (mirrors `appliesTo` in the schema). */
export const ACTION_RESOURCES: Record<Action, readonly ResourceType[]> = {
  'live.anonymized': ['Camera'],
  'live.raw': ['Camera'],
  'recording.anonymized': ['Camera'],
  'recording.raw': ['Camera'],
  'clip.request': ['Camera'],
  'analytics.view': ['Camera'],
  'camera.manage': ['Camera'],
  'clip.approve': ['Clip'],
  'incident.declare': ['Incident'],
  'incident.accept': ['Incident'],
  'incident.end': ['Incident'],
  'policy.edit': ['Policy'],
  'audit.read': ['Organisation', 'Camera'],
};

/** A country code (ISO 3166-1 alpha-2, upper case). A jurisdiction is a country. */
export type Country = string;

export interface OrganisationInput {
  id: string;
  kind: OrganisationKind;
  country: Country;
  regime: Regime;
}

export interface PrincipalInput {
  /** User id (Keycloak subject). */
  id: string;
  organisation: OrganisationInput;
  /** Defaults to the organisation's country. */
  country?: Country;
  /** Roles; unknown role names are passed on as they are (a policy may name them). */
  roles: readonly string[];
  /**
   * The language the user reads the decision's reasons in: "cs", "pl", "en", or an Accept-Language
   * header (the best supported one); anything else, or none, gives English. The rules never see it.
   */
  language?: string;
}

export interface CameraInput {
  type: 'Camera';
  id: string;
  owner: OrganisationInput;
  /** Country whose law governs the footage (usually the owner's). */
  jurisdiction: Country;
  kind: CameraKind;
  /** WGS84 degrees. */
  lat: number;
  lon: number;
  /** What its owner shares with other organisations (default: defaultSharing of the owner's kind). */
  sharing?: SharingLevel;
}

export interface ClipInput {
  type: 'Clip';
  id: string;
  camera: Omit<CameraInput, 'type'>;
  /** Organisation of the user who requested the clip. */
  requester: OrganisationInput;
}

export interface PolicyResourceInput {
  type: 'Policy';
  jurisdiction: Country;
  /** Defaults to the jurisdiction. */
  id?: string;
}

export interface IncidentResourceInput {
  type: 'Incident';
  /** Use any placeholder (e.g. 'new') when deciding whether an incident may be declared. */
  id: string;
  /**
   * The country whose rules decide: for declaring and extending, the incident's own jurisdiction (the
   * country of its area, or the declaring user's for an area across a border); for accepting, refusing,
   * withdrawing and ending, the country on whose behalf the user acts.
   */
  jurisdiction: Country;
  incidentType: string;
  /** 1 (minor) .. 5 (disaster). */
  severity: number;
  /** Countries whose land the area touches (default: the jurisdiction alone). */
  countries?: readonly Country[];
  /** Country of the declaring user (default: the jurisdiction). */
  declaringCountry?: Country;
  /** Organisation of the declaring user ("" when not known). */
  declaringOrganisation?: string;
}

export interface OrganisationResourceInput extends OrganisationInput {
  type: 'Organisation';
}

export type ResourceInput = CameraInput | ClipInput | PolicyResourceInput | IncidentResourceInput | OrganisationResourceInput;

/**
 * An incident in force whose area covers the camera. It counts for the camera (context.incident) only
 * when it is in effect for the camera's country: declared by that country or accepted by it.
 */
export interface IncidentInContext {
  id: string;
  /** fire | flood | accident | missing-person | ... */
  type: string;
  /** 1 (minor) .. 5 (disaster). */
  severity: number;
  /** The incident's jurisdiction (the country of its area, or the declaring user's across a border). */
  country: Country;
  /** Organisation of the declaring user ("" when not known). */
  organisation?: string;
  /** Country of the declaring user (default: country). */
  declaringCountry?: Country;
  /** Countries whose land the area touches (default: [country]). */
  countries?: readonly Country[];
  /** Countries for which it is in effect: the declaring one and those that accepted it (default: [declaringCountry]). */
  acceptedIn?: readonly Country[];
  /** Countries that refused it or withdrew their acceptance. */
  refusedIn?: readonly Country[];
}

export interface ContextInput {
  /** Incidents in force covering the camera, whether or not in effect for its country (empty or absent: none). */
  incidents?: readonly IncidentInContext[];
  /** Purpose stated by the user. */
  purpose?: string;
  /** Requested duration in seconds. */
  durationSec?: number;
  /** Time of the request (default: now). */
  now?: Date | number;
}

export interface DecisionRequest {
  principal: PrincipalInput;
  action: Action;
  resource: ResourceInput;
  context?: ContextInput;
}

/** What a permit obliges the gateway and the media node to do; the strictest rule wins. */
export interface Obligations {
  /** Burn the viewer's identity and the time into the video. */
  watermark: boolean;
  /** A purpose must be stated (a request without one is denied). */
  purposeRequired: boolean;
  /** Longest session or clip in seconds; absent when no rule limits it. */
  maxDurationSec?: number;
  /** The camera owner's legal officer must approve first. */
  ownerApproval: boolean;
  /** Faces and plates stay redacted. */
  anonymize: boolean;
}

/** How a jurisdiction's set took part in a decision. */
export type PolicyRole = 'local' | 'export' | 'import';

export interface DeterminingPolicies {
  jurisdiction: Country;
  version: number;
  role: PolicyRole;
  /** This set's own answer. */
  decision: 'permit' | 'deny';
  /** Ids (@id) of the policies that decided: the permits that applied, or the forbids. */
  ids: string[];
}

export type DenialCode = 'no-permit' | 'forbidden' | 'purpose-required' | 'no-policy-set' | 'foreign-policy-edit' | 'not-shared';

export interface Decision {
  decision: 'permit' | 'deny';
  /** Why, in words that may be shown to the user, in the principal's language (rules' @reason_cs / @reason_pl, else @reason). */
  reasons: string[];
  /** Machine-readable cause of a deny (the first that applied). */
  denial?: DenialCode;
  /** One entry per jurisdiction consulted. */
  policies: DeterminingPolicies[];
  /** On permit: the combined obligations. On deny: all false (none apply). */
  obligations: Obligations;
  /** Evaluation errors (a policy that fails to evaluate is skipped, as Cedar does). */
  errors: string[];
}

/** A jurisdiction's policy text and its version number. */
export interface PolicySource {
  version: number;
  text: string;
}

export type PolicySources = Record<Country, PolicySource>;

/** Bad input from the caller (unknown action, wrong resource, malformed values): a 4xx. */
export class PolicyRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyRequestError';
  }
}
