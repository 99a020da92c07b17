import { Injectable } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import type { CameraEntity } from '@borderlens/database';
import { ACTION_RESOURCES, ACTIONS, type Action, type CameraInput, type Decision, type PrincipalInput } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { isUuid } from '../common/validation';
import { AuthorizationService } from '../policy/authorization.service';
import { CameraRepository } from './camera.repository';

/**
 * Actions tried to decide whether a user sees a camera, most often permitted first (the check stops
 * at the first permit): every action on cameras.
 */
const VISIBILITY_ACTIONS: Action[] = ['live.anonymized', 'clip.request', 'camera.manage', 'audit.read', 'analytics.view', 'recording.anonymized', 'live.raw', 'recording.raw'];
if (VISIBILITY_ACTIONS.length !== ACTIONS.filter((a) => ACTION_RESOURCES[a].includes('Camera')).length) throw new Error('VISIBILITY_ACTIONS must list every camera action');

/** New use of a disabled camera (live sessions, clip requests) is refused; what it recorded stays. */
export function assertEnabled(camera: CameraEntity): void {
  if (camera.disabledAt) throw AppError.conflict('camera_disabled', `camera '${camera.name}' is disabled by its administrators`, { camera: camera.name });
}

/**
 * Finding cameras: by id (for the services that decide on them themselves), those a user sees, and
 * those a user manages (Cedar `camera.manage`). Reads only; the other camera services build on it.
 */
@Injectable()
export class CameraVisibilityService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly authz: AuthorizationService,
  ) {}

  findAll(): Promise<CameraEntity[]> {
    return this.cameras.findAll();
  }

  async findOne(id: string): Promise<CameraEntity> {
    const camera = isUuid(id) ? await this.cameras.findById(id) : null;
    if (!camera) throw AppError.notFound('camera', id);
    return camera;
  }

  /** The cameras the user sees: those on which some action could be permitted to them (see canSee). */
  async findVisible(p: Principal): Promise<CameraEntity[]> {
    const principal = await this.authz.principal(p);
    // Cameras alike for the rules (same owner, jurisdiction and kind, unless the rules read more) share one answer.
    const reads = this.authz.cameraDetailsRead();
    const answers = new Map<string, boolean>();
    const visible: CameraEntity[] = [];
    for (const c of await this.cameras.findAll()) {
      const key = [c.organisationId, c.jurisdiction, c.kind, c.sharing, ...(reads.position ? [c.latitude, c.longitude] : []), ...(reads.id ? [c.id] : [])].join('|');
      let seen = answers.get(key);
      if (seen === undefined) answers.set(key, (seen = this.canSee(principal, await this.authz.camera(c))));
      if (seen) visible.push(c);
    }
    return visible;
  }

  /** One camera, if the user sees it (404 otherwise, so that cameras hidden from them stay unknown). */
  async findOneVisible(p: Principal, id: string): Promise<CameraEntity> {
    const camera = await this.findOne(id);
    if (!this.canSee(await this.authz.principal(p), await this.authz.camera(camera))) throw AppError.notFound('camera', id);
    return camera;
  }

  /**
   * Whether some action on the camera could be permitted to the user: now or during an incident
   * covering it, with a purpose stated. Answers repeat across cameras, so the engine's answer cache
   * serves most of them.
   */
  canSee(principal: PrincipalInput, camera: CameraInput): boolean {
    const incident = { id: 'visibility-check', type: 'any', severity: 5, country: camera.jurisdiction };
    for (const incidents of [[incident], []]) {
      for (const action of VISIBILITY_ACTIONS) {
        if (this.authz.decide(principal, action, camera, { incidents, purpose: 'visibility check' }).decision === 'permit') return true;
      }
    }
    return false;
  }

  /** One camera the user may manage, with the permit (for the audit entry of the change). */
  async findManaged(p: Principal, id: string): Promise<{ camera: CameraEntity; allowed: Decision }> {
    const camera = await this.findOne(id);
    return { camera, allowed: await this.assertCanManage(p, camera) };
  }

  /** Cedar `camera.manage` (by default: administrators of the owner organisation), on the camera as given. */
  async assertCanManage(p: Principal, camera: CameraEntity): Promise<Decision> {
    return this.authz.require(p, 'camera.manage', await this.authz.camera(camera), { code: 'camera_manage_forbidden', object: `camera:${camera.id}` });
  }
}
