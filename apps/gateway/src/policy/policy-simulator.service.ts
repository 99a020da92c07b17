import { Injectable } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import { ACTIONS, diffMatrix, type Action, type CameraInput, type IncidentInContext, type OrganisationInput, type PolicyMatrix, type ResourceInput } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService, toContext } from '../incident/incident.service';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { DraftChoiceDto, MatrixDiffDto, SimulateDto, SimulationDto } from './policy-simulator.dto';
import { PolicyService } from './policy.service';

/**
 * Evaluates a draft (or the active set) without activating it: single decisions for a chosen user,
 * camera and context, and the matrix of who gets what on a camera. Legal officers of the jurisdiction
 * only (policy.edit). Nothing here is a real access, so nothing is written to the audit trail.
 */
@Injectable()
export class PolicySimulatorService {
  constructor(
    private readonly policies: PolicyService,
    private readonly active: ActivePolicyService,
    private readonly authz: AuthorizationService,
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
  ) {}

  async simulate(p: Principal, jurisdiction: string, dto: SimulateDto): Promise<SimulationDto> {
    await this.policies.requireEdit(p, jurisdiction);
    const engine = await this.policies.engineWith(p, jurisdiction, dto);
    const camera = await this.cameras.findOne(dto.cameraId);
    const c = dto.context ?? {};
    const cameraInput: CameraInput = { ...(await this.authz.camera(camera)), ...(c.sharing ? { sharing: c.sharing } : {}) };
    const organisation = await this.authz.organisation(dto.user.organisationId);
    if (!organisation) throw AppError.notFound('organisation', dto.user.organisationId);
    // The simulated user's reasons come in the caller's language.
    const principal = { id: 'simulated-user', organisation, country: dto.user.country ?? organisation.country, roles: dto.user.roles, language: p.language };
    let incidents: IncidentInContext[];
    if (c.incidentIds?.length) {
      incidents = (await this.incidents.findMany(c.incidentIds)).map(toContext);
    } else if (c.incident !== undefined) {
      const country = c.incidentJurisdiction ?? camera.jurisdiction;
      const accepted = country === camera.jurisdiction || c.incidentAccepted !== false;
      incidents = c.incident
        ? [
            {
              id: 'simulated-incident',
              type: 'simulation',
              severity: 3,
              country,
              declaringCountry: country,
              organisation: c.incidentDeclaredBy ?? '',
              countries: [...new Set([country, camera.jurisdiction])],
              acceptedIn: accepted ? [...new Set([country, camera.jurisdiction])] : [country],
            },
          ]
        : [];
    } else {
      incidents = this.incidents.covering(camera, await this.incidents.activeNow());
    }
    const actions: Action[] = dto.actions?.length ? dto.actions : [...ACTIONS];
    let requester: OrganisationInput = { id: 'simulated-requester', kind: 'police', country: camera.jurisdiction, regime: 'led' };
    if (c.requesterOrganisationId) {
      const found = await this.authz.organisation(c.requesterOrganisationId);
      if (!found) throw AppError.notFound('organisation', c.requesterOrganisationId);
      requester = found;
    }
    const incident = incidents[0];
    const results = actions.map((action) => {
      const resource = simulatedResource(action, cameraInput, jurisdiction, requester, incident);
      const d = engine.decide({ principal, action, resource, context: { incidents, purpose: c.purpose ?? '', durationSec: c.durationSec, now: c.time ?? new Date() } });
      return { action, decision: d.decision, reasons: d.reasons, ...(d.denial ? { denial: d.denial } : {}), policies: d.policies, obligations: d.obligations, errors: d.errors };
    });
    return { versions: engine.versions(), incidents, results };
  }

  async matrix(p: Principal, jurisdiction: string, dto: DraftChoiceDto & { cameraId: string }): Promise<PolicyMatrix> {
    await this.policies.requireEdit(p, jurisdiction);
    const engine = await this.policies.engineWith(p, jurisdiction, dto);
    return engine.matrix(await this.authz.camera(await this.cameras.findOne(dto.cameraId)));
  }

  /** What the draft would open or close on the camera compared with the active rules. */
  async diff(p: Principal, jurisdiction: string, dto: DraftChoiceDto & { cameraId: string }): Promise<MatrixDiffDto> {
    await this.policies.requireEdit(p, jurisdiction);
    if (dto.draftVersion === undefined && dto.text === undefined) throw AppError.badRequest('draft_required', 'give draftVersion or text to compare with the active rules');
    const draft = await this.policies.engineWith(p, jurisdiction, dto);
    const camera = await this.authz.camera(await this.cameras.findOne(dto.cameraId));
    const active = this.active.current();
    return { camera: camera.id, activeVersions: active.versions(), draftVersions: draft.versions(), changes: diffMatrix(active.matrix(camera), draft.matrix(camera)) };
  }
}

/** What an action is tried on in a simulation, derived from the camera (and the incident in the context). */
function simulatedResource(action: Action, camera: CameraInput, jurisdiction: string, requester: OrganisationInput, incident: IncidentInContext | undefined): ResourceInput {
  switch (action) {
    case 'clip.approve':
      return { type: 'Clip', id: 'simulated-clip', camera, requester };
    case 'incident.declare':
    case 'incident.accept':
    case 'incident.end': {
      const country = incident?.country ?? camera.jurisdiction;
      return {
        type: 'Incident',
        id: incident?.id ?? 'simulated-incident',
        jurisdiction: country,
        incidentType: incident?.type ?? 'simulation',
        severity: incident?.severity ?? 3,
        countries: incident?.countries ?? [country],
        declaringCountry: incident?.declaringCountry ?? country,
        declaringOrganisation: incident?.organisation ?? '',
      };
    }
    case 'policy.edit':
      return { type: 'Policy', jurisdiction };
    default:
      return camera;
  }
}
