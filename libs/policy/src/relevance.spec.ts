import { PolicyEngine } from './policy-engine';
import { Action, ACTIONS, CameraInput, DecisionRequest, ResourceInput } from './policy.types';
import { CAMERAS, FLOOD, ORGS, user } from './testing/fixtures';

/**
 * The engine sends Cedar only the attributes the policies read, with stand-in ids. These rules read
 * the request in many ways; every decision must equal the one made with the full request.
 */
const TRICKY = `
@id("has-and-nested") permit (principal, action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera)
when { resource has owner && resource.owner.country == principal.organisation.country && principal.organisation.regime == "gdpr" };

@id("same-organisation") permit (principal, action == BorderLens::Action::"recording.anonymized", resource is BorderLens::Camera)
when { principal.organisation == resource.owner };

@id("if-then-else-entity") permit (principal, action == BorderLens::Action::"analytics.view", resource)
when { (if context.incident then resource.owner else principal.organisation).kind == "fire" };

@id("clip-requester") permit (principal, action == BorderLens::Action::"clip.approve", resource is BorderLens::Clip)
when { resource.requester == principal.organisation || resource.camera.kind == "drone" };

@id("incident-details") permit (principal, action in [BorderLens::Action::"incident.declare", BorderLens::Action::"incident.end"], resource)
when { resource.type == "flood" && resource.severity >= context.incidentSeverity };

@id("drone-north") permit (principal, action == BorderLens::Action::"live.raw", resource)
when { resource.kind == "drone" && resource.lat.greaterThan(decimal("50.0")) && context.incidentIds.contains("flood-2026-09") };

@id("dual-control") permit (principal, action == BorderLens::Action::"incident.accept", resource)
when {
  context.incidentPending ||
  context.coveringIncidents.contains({ id: "flood-2026-09", jurisdiction: "CZ", countries: ["CZ"], declaringCountry: "CZ", declaringOrganisation: "", accepted: true }) ||
  resource.declaringCountry == principal.country ||
  resource.countries.contains("PL")
};

@id("named") permit (principal in BorderLens::Organisation::"kpp-nysa", action == BorderLens::Action::"clip.request", resource);

@id("forbid-ems-orgs") forbid (principal, action, resource is BorderLens::Organisation)
when { resource.kind == "ems" || principal.roles.containsAny(["auditor"]) == false };

@id("audit-own") permit (principal, action == BorderLens::Action::"audit.read", resource)
when { principal in resource || (resource is BorderLens::Camera && principal in resource.owner) };
`;

function resources(action: Action, camera: CameraInput): ResourceInput[] {
  switch (action) {
    case 'clip.approve':
      return [ORGS['kpp-nysa'], ORGS['hzs-olk']].map((requester) => ({ type: 'Clip', id: 'clip', camera, requester }));
    case 'incident.declare':
    case 'incident.end':
    case 'incident.accept':
      return [3, 5].map((severity) => ({
        type: 'Incident',
        id: 'i',
        jurisdiction: camera.jurisdiction,
        incidentType: 'flood',
        severity,
        countries: severity === 5 ? ['CZ', 'PL'] : undefined,
        declaringCountry: severity === 5 ? 'PL' : undefined,
      }));
    case 'policy.edit':
      return [{ type: 'Policy', jurisdiction: camera.jurisdiction }];
    case 'audit.read':
      return [camera, { type: 'Organisation', ...camera.owner }, { type: 'Organisation', ...ORGS['zzs-olk'] }];
    default:
      return [camera];
  }
}

/** Declared in PL across the border, not accepted by CZ: in effect for Polish cameras only. */
const FOREIGN_FLOOD = { ...FLOOD, id: 'flood-pl', country: 'PL', organisation: 'gmina-nysa', countries: ['CZ', 'PL'] };

describe('minimal Cedar requests', () => {
  const sources = { CZ: { version: 1, text: TRICKY }, PL: { version: 1, text: TRICKY } };
  const minimal = new PolicyEngine(sources);
  const full = new PolicyEngine(sources, { minimizeRequests: false, cacheSize: 0 });
  const defaults = PolicyEngine.fromDirectory();
  const defaultsFull = PolicyEngine.fromDirectory(undefined, { minimizeRequests: false, cacheSize: 0 });

  const requests: DecisionRequest[] = [];
  for (const org of Object.keys(ORGS)) {
    for (const roles of [['operator'], ['auditor', 'legal-officer'], ['municipal']]) {
      for (const camera of Object.values(CAMERAS)) {
        for (const action of ACTIONS) {
          for (const resource of resources(action, camera)) {
            for (const incidents of [[], [FLOOD], [FOREIGN_FLOOD]]) requests.push({ principal: user(org, ...roles), action, resource, context: { incidents, purpose: 'test' } });
          }
        }
      }
    }
  }

  it('decide the same as full requests, for tricky rules and for the defaults', () => {
    let permits = 0;
    for (const request of requests) {
      const d = minimal.decide(request);
      expect({ request, decision: d }).toEqual({ request, decision: full.decide(request) });
      expect({ request, decision: defaults.decide(request) }).toEqual({ request, decision: defaultsFull.decide(request) });
      if (d.decision === 'permit') permits++;
    }
    // The rules above must actually permit a fair share, or the comparison proves little.
    expect(permits).toBeGreaterThan(requests.length / 10);
    expect(minimal.stats().cacheHits).toBeGreaterThan(0);
  });
});
