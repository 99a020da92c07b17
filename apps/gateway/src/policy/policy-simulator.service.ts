import { Injectable } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import { diffMatrix, type Action, type IncidentInContext, type PolicyMatrix } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { CameraService } from '../camera/camera.service';
import { IncidentService, toContext } from '../incident/incident.service';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { CAMERA_ACTIONS, DraftChoiceDto, MatrixDiffDto, SimulateDto, SimulationDto } from './policy-simulator.dto';
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
    private readonly cameras: CameraService,
    private readonly incidents: IncidentService,
  ) {}

  async simulate(p: Principal, jurisdiction: string, dto: SimulateDto): Promise<SimulationDto> {
    await this.policies.requireEdit(p, jurisdiction);
    const engine = await this.policies.engineWith(p, jurisdiction, dto);
    const camera = await this.cameras.findOne(dto.cameraId);
    const cameraInput = await this.authz.camera(camera);
    const organisation = await this.authz.organisation(dto.user.organisationId);
    if (!organisation) throw AppError.notFound('organisation', dto.user.organisationId);
    const principal = { id: 'simulated-user', organisation, country: dto.user.country ?? organisation.country, roles: dto.user.roles };
    const c = dto.context ?? {};
    let incidents: IncidentInContext[];
    if (c.incidentIds?.length) {
      incidents = (await this.incidents.findMany(c.incidentIds)).map(toContext);
    } else if (c.incident !== undefined) {
      incidents = c.incident ? [{ id: 'simulated-incident', type: 'simulation', severity: 3, country: camera.jurisdiction }] : [];
    } else {
      incidents = this.incidents.covering(camera, await this.incidents.activeNow());
    }
    const actions: Action[] = dto.actions?.length ? dto.actions : CAMERA_ACTIONS;
    const results = actions.map((action) => {
      const d = engine.decide({ principal, action, resource: cameraInput, context: { incidents, purpose: c.purpose ?? '', durationSec: c.durationSec, now: c.time ?? new Date() } });
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
