import type { PolicyEngine } from './policy-engine';
import {
  Action,
  ACTIONS,
  CameraInput,
  Country,
  IncidentInContext,
  Obligations,
  ORGANISATION_KINDS,
  OrganisationInput,
  OrganisationKind,
  Regime,
  ResourceInput,
  ROLES,
} from './policy.types';

/** A kind of user: one row of the matrix. */
export interface PrincipalTemplate {
  country: Country;
  kind: OrganisationKind;
  roles: string[];
  /** A member of the organisation owning the camera (otherwise another organisation of that kind). */
  ownOrganisation: boolean;
  /** Default: led for police, gdpr otherwise. */
  regime?: Regime;
}

export interface MatrixOptions {
  /** Default: every country with a set (and the camera's) x every organisation kind x each single role, plus each role within the owner organisation. */
  principals?: PrincipalTemplate[];
  /** Default: all actions. */
  actions?: Action[];
  /** The incident assumed for the "incident" column (default: a severity-3 incident declared in the camera's country). */
  incident?: IncidentInContext;
  /** Purpose given in every simulated request (default: a placeholder, so purpose-required rules show as permitted). */
  purpose?: string;
  now?: Date | number;
}

export interface MatrixCell {
  decision: 'permit' | 'deny';
  obligations?: Obligations;
  /** Deciding rules as "CZ:rule-id". */
  policies: string[];
}

export interface MatrixRow {
  /** e.g. "PL police operator", "CZ fire admin (owner)". */
  label: string;
  principal: PrincipalTemplate;
  cells: Partial<Record<Action, { now: MatrixCell; incident: MatrixCell }>>;
}

export interface PolicyMatrix {
  camera: string;
  versions: Record<Country, number>;
  actions: Action[];
  rows: MatrixRow[];
}

export interface MatrixChange {
  label: string;
  action: Action;
  situation: 'now' | 'incident';
  change: 'opens' | 'closes' | 'obligations';
  before: MatrixCell;
  after: MatrixCell;
}

export function defaultPrincipals(engine: PolicyEngine, camera: CameraInput): PrincipalTemplate[] {
  const countries = [...new Set([...engine.jurisdictions(), camera.jurisdiction])].sort();
  const rows: PrincipalTemplate[] = [];
  for (const role of ROLES) rows.push({ country: camera.owner.country, kind: camera.owner.kind, roles: [role], ownOrganisation: true, regime: camera.owner.regime });
  for (const country of countries) {
    for (const kind of ORGANISATION_KINDS) {
      for (const role of ROLES) rows.push({ country, kind, roles: [role], ownOrganisation: false });
    }
  }
  return rows;
}

export function principalLabel(p: PrincipalTemplate): string {
  return `${p.country} ${p.kind} ${p.roles.join('+') || '(no role)'}${p.ownOrganisation ? ' (owner)' : ''}`;
}

export function buildMatrix(engine: PolicyEngine, camera: CameraInput, options: MatrixOptions): PolicyMatrix {
  const actions = options.actions ?? [...ACTIONS];
  const principals = options.principals ?? defaultPrincipals(engine, camera);
  const incident: IncidentInContext = options.incident ?? { id: 'simulated-incident', type: 'simulation', severity: 3, country: camera.jurisdiction };
  const purpose = options.purpose ?? 'simulation';
  const now = options.now ?? Date.now();
  const requester: OrganisationInput = { id: 'simulated-requester', kind: 'police', country: camera.jurisdiction, regime: 'led' };

  const rows = principals.map((template): MatrixRow => {
    const organisation: OrganisationInput = template.ownOrganisation
      ? camera.owner
      : {
          id: `simulated-${template.country}-${template.kind}`,
          kind: template.kind,
          country: template.country,
          regime: template.regime ?? (template.kind === 'police' ? 'led' : 'gdpr'),
        };
    const principal = { id: `simulated-user`, organisation, country: template.country, roles: template.roles };
    const cells: MatrixRow['cells'] = {};
    for (const action of actions) {
      const resource = resourceFor(action, camera, incident, requester);
      const cell = (incidents: IncidentInContext[]): MatrixCell => {
        const d = engine.decide({ principal, action, resource, context: { incidents, purpose, now } });
        const policies = d.policies.flatMap((p) => p.ids.map((id) => `${p.jurisdiction}:${id}`));
        return d.decision === 'permit' ? { decision: 'permit', obligations: d.obligations, policies } : { decision: 'deny', policies };
      };
      cells[action] = { now: cell([]), incident: cell([incident]) };
    }
    return { label: principalLabel(template), principal: template, cells };
  });
  return { camera: camera.id, versions: engine.versions(), actions, rows };
}

/** The resource each action is tried on, derived from the camera. */
function resourceFor(action: Action, camera: CameraInput, incident: IncidentInContext, requester: OrganisationInput): ResourceInput {
  switch (action) {
    case 'clip.approve':
      return { type: 'Clip', id: `${camera.id}:clip`, camera, requester };
    case 'incident.declare':
    case 'incident.accept':
    case 'incident.end':
      return { type: 'Incident', id: incident.id, jurisdiction: camera.jurisdiction, incidentType: incident.type, severity: incident.severity };
    case 'policy.edit':
      return { type: 'Policy', jurisdiction: camera.jurisdiction };
    default:
      return camera;
  }
}

/** What a draft would open or close compared with the active matrix (rows matched by label). */
export function diffMatrix(active: PolicyMatrix, draft: PolicyMatrix): MatrixChange[] {
  const changes: MatrixChange[] = [];
  const before = new Map(active.rows.map((r) => [r.label, r]));
  for (const row of draft.rows) {
    const old = before.get(row.label);
    if (!old) continue;
    for (const action of draft.actions) {
      for (const situation of ['now', 'incident'] as const) {
        const a = old.cells[action]?.[situation];
        const b = row.cells[action]?.[situation];
        if (!a || !b) continue;
        let change: MatrixChange['change'] | undefined;
        if (a.decision !== b.decision) change = b.decision === 'permit' ? 'opens' : 'closes';
        else if (a.decision === 'permit' && JSON.stringify(a.obligations) !== JSON.stringify(b.obligations)) change = 'obligations';
        if (change) changes.push({ label: row.label, action, situation, change, before: a, after: b });
      }
    }
  }
  return changes;
}
