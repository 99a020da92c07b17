import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import type { AuditOperation, CameraEntity, OrganisationEntity } from '@borderlens/database';
import {
  PolicyRequestError,
  type Action,
  type CameraInput,
  type ContextInput,
  type Decision,
  type OrganisationInput,
  type PrincipalInput,
  type ResourceInput,
} from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { ActivePolicyService } from './active-policy.service';

const ORGANISATIONS_TTL_MS = 30_000;

/** Rules behind a decision as `CZ@3:rule-id`; a set that decided without a matching rule as `CZ@3`. */
export function policyIds(d: Decision): string[] {
  return d.policies.flatMap((p) => (p.ids.length ? p.ids.map((id) => `${p.jurisdiction}@${p.version}:${id}`) : [`${p.jurisdiction}@${p.version}`]));
}

export function organisationInput(o: OrganisationEntity): OrganisationInput {
  return { id: o.id, kind: o.kind, country: o.country, regime: o.legalRegime };
}

export interface RequireOptions {
  context?: ContextInput;
  /** Stable error code of the 403. */
  code: string;
  /** Audit object of the refusal, e.g. `camera:<id>`. */
  object: string;
  justification?: string;
}

/**
 * Every authorisation decision of the gateway goes through here: principals and cameras are mapped onto
 * the policy vocabulary (organisation kind and legal regime come from the organisations table) and the
 * active Cedar policies decide.
 */
@Injectable()
export class AuthorizationService {
  private organisations = new Map<string, OrganisationInput>();
  private loadedAt = 0;

  constructor(
    private readonly active: ActivePolicyService,
    private readonly organisationRepo: OrganisationRepository,
    private readonly audit: AuditService,
  ) {}

  /** An organisation as the policies see it (cached; reloaded when unknown or older than 30 s). */
  async organisation(id: string): Promise<OrganisationInput | undefined> {
    if (!this.organisations.has(id) || Date.now() - this.loadedAt > ORGANISATIONS_TTL_MS) {
      const all = await this.organisationRepo.findAll();
      this.organisations = new Map(all.map((o) => [o.id, organisationInput(o)]));
      this.loadedAt = Date.now();
    }
    return this.organisations.get(id);
  }

  async principal(p: Principal): Promise<PrincipalInput> {
    const organisation = await this.organisation(p.organisation);
    if (!organisation) throw AppError.forbidden(`your organisation '${p.organisation}' is not registered in BorderLens`, 'organisation_unknown');
    return { id: p.userId, organisation, country: p.country || organisation.country, roles: p.roles, language: p.language };
  }

  /** A camera as the policies see it (without a sharing level: its owner kind's default). */
  async camera(c: Pick<CameraEntity, 'id' | 'organisationId' | 'jurisdiction' | 'kind' | 'latitude' | 'longitude'> & Partial<Pick<CameraEntity, 'sharing'>>): Promise<CameraInput> {
    const owner = await this.organisation(c.organisationId);
    if (!owner) throw new Error(`camera ${c.id} belongs to unknown organisation ${c.organisationId}`);
    return { type: 'Camera', id: c.id, owner, jurisdiction: c.jurisdiction, kind: c.kind, lat: c.latitude, lon: c.longitude, sharing: c.sharing };
  }

  cameraDetailsRead() {
    return this.active.cameraDetailsRead();
  }

  /** The active policies' decision. Malformed input (e.g. an unknown action) is the caller's 400. */
  decide(principal: PrincipalInput, action: Action, resource: ResourceInput, context?: ContextInput): Decision {
    try {
      return this.active.current().decide({ principal, action, resource, context });
    } catch (e) {
      if (e instanceof PolicyRequestError) throw AppError.badRequest('decision_request_invalid', e.message);
      throw e;
    }
  }

  /** Decides; on deny records the refusal in the audit trail and throws 403 with the reasons. */
  async require(p: Principal, action: Action, resource: ResourceInput, opts: RequireOptions): Promise<Decision> {
    const decision = this.decide(await this.principal(p), action, resource, opts.context);
    if (decision.decision === 'deny') {
      await this.recordDecision(p, action, decision, { operation: 'consultation', object: opts.object, justification: opts.justification });
      throw denied(decision, opts.code);
    }
    return decision;
  }

  /** Writes one decision (permit or deny) to the audit trail. */
  recordDecision(
    p: Principal,
    action: Action,
    d: Decision,
    entry: { operation: AuditOperation; object: string; justification?: string; recipient?: string; details?: Record<string, unknown> },
    manager?: Parameters<AuditService['record']>[1],
  ) {
    return this.audit.record(
      {
        actor: actorOf(p),
        operation: entry.operation,
        object: entry.object,
        justification: entry.justification ?? '',
        recipient: entry.recipient,
        decision: d.decision,
        policyIds: policyIds(d),
        details: { action, reasons: d.reasons, ...(d.denial ? { denial: d.denial } : {}), ...entry.details },
      },
      manager,
    );
  }
}

/** 403 carrying what the user may see: the reasons and the rules. */
export function denied(d: Decision, code: string): AppError {
  return new AppError(HttpStatus.FORBIDDEN, code, d.reasons.join('; ') || 'not permitted', { denial: d.denial, reasons: d.reasons, policies: policyIds(d) });
}
