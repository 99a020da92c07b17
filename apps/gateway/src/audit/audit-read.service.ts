import { Injectable } from '@nestjs/common';
import type { AuditScope } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import type { Decision } from '@borderlens/policy';
import { CameraRepository } from '../camera/camera.repository';
import { AppError } from '../common/app-error';
import { OrganisationRepository } from '../organisation/organisation.repository';
import { AuthorizationService, organisationInput, policyIds } from '../policy/authorization.service';

/** What a reader may see of the trail, and the rules that said so. */
export interface ReaderScope extends AuditScope {
  policyIds: string[];
}

/**
 * Who reads which part of the audit trail: the policies decide `audit.read` for every organisation and
 * every camera; a reader sees the entries of the organisations and cameras permitted (see AuditScope).
 * A reader permitted nothing is refused (403, audited).
 */
@Injectable()
export class AuditReadService {
  constructor(
    private readonly authz: AuthorizationService,
    private readonly organisations: OrganisationRepository,
    private readonly cameras: CameraRepository,
  ) {}

  async scope(p: Principal, what: string): Promise<ReaderScope> {
    const principal = await this.authz.principal(p);
    const permits: Decision[] = [];
    const permitted = (d: Decision) => d.decision === 'permit' && permits.push(d) > 0;
    const organisations = (await this.organisations.findAll()).filter((o) =>
      permitted(this.authz.decide(principal, 'audit.read', { type: 'Organisation', ...organisationInput(o) })),
    );
    const orgIds = new Set(organisations.map((o) => o.id));
    const cameras: string[] = [];
    for (const c of await this.cameras.findAll()) {
      if (orgIds.has(c.organisationId) || permitted(this.authz.decide(principal, 'audit.read', await this.authz.camera(c)))) cameras.push(c.id);
    }
    if (orgIds.size === 0 && cameras.length === 0) {
      const own = await this.authz.organisation(p.organisation);
      const denial = own ? this.authz.decide(principal, 'audit.read', { type: 'Organisation', ...own }) : undefined;
      if (denial) await this.authz.recordDecision(p, 'audit.read', denial, { operation: 'consultation', object: 'audit', justification: what });
      throw AppError.forbidden('no rule lets you read any part of the audit trail', 'audit_read_forbidden');
    }
    const countries = [...new Set(organisations.map((o) => o.country))].sort();
    return { organisations: [...orgIds].sort(), cameras, countries, policyIds: [...new Set(permits.flatMap(policyIds))].sort() };
  }
}
