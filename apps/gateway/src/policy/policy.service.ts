import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { PolicyVersionEntity, type PolicyCosignature, type PolicyEntity } from '@borderlens/database';
import {
  ACTION_RESOURCES,
  ACTIONS,
  diffMatrix,
  loadSchemaText,
  PolicySetError,
  validatePolicyText,
  type Action,
  type Decision,
  type PolicyEngine,
  type PolicyProblem,
  type PolicyTextReport,
} from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { ActivePolicyService } from './active-policy.service';
import { AuthorizationService } from './authorization.service';
import { PolicyRepository } from './policy.repository';

/** Actions on cameras: a draft that decides one of them differently on a camera affects the camera's owner. */
const CAMERA_ACTIONS: Action[] = ACTIONS.filter((a) => ACTION_RESOURCES[a].includes('Camera'));

/** Who must co-sign a version before it is activated, and who has. */
export interface CosignatureStatus {
  required: string[];
  cosignatures: PolicyCosignature[];
  missing: string[];
}

/** A draft to evaluate: a stored version, inline text, or (neither) the active set. */
export interface DraftSource {
  draftVersion?: number;
  text?: string;
}

/** Reading, writing, activating and rolling back the policy versions of each jurisdiction. */
@Injectable()
export class PolicyService {
  constructor(
    private readonly repo: PolicyRepository,
    private readonly active: ActivePolicyService,
    private readonly authz: AuthorizationService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  schema(): string {
    return loadSchemaText();
  }

  async list(p: Principal): Promise<{ policy: PolicyEntity; canEdit: boolean }[]> {
    const principal = await this.authz.principal(p);
    return (await this.repo.findAll()).map((policy) => ({
      policy,
      canEdit: this.authz.decide(principal, 'policy.edit', { type: 'Policy', jurisdiction: policy.jurisdiction }).decision === 'permit',
    }));
  }

  async findOne(jurisdiction: string): Promise<PolicyEntity> {
    const policy = /^[A-Z]{2}$/.test(jurisdiction) ? await this.repo.findOne(jurisdiction) : null;
    if (!policy) throw AppError.notFound('policy', jurisdiction);
    return policy;
  }

  async activeVersion(jurisdiction: string): Promise<PolicyVersionEntity> {
    const policy = await this.findOne(jurisdiction);
    const v = policy.activeVersion === null ? null : await this.repo.findVersion(jurisdiction, policy.activeVersion);
    if (!v) throw AppError.notFound('policy_version', `${jurisdiction}@active`);
    return v;
  }

  /** Drafts are work in progress: only those who may edit the jurisdiction's rules see them. */
  async versions(p: Principal, jurisdiction: string): Promise<PolicyVersionEntity[]> {
    await this.findOne(jurisdiction);
    return this.repo.listVersions(jurisdiction, await this.canEdit(p, jurisdiction));
  }

  async version(p: Principal, jurisdiction: string, version: number): Promise<PolicyVersionEntity> {
    await this.findOne(jurisdiction);
    const v = await this.repo.findVersion(jurisdiction, version);
    if (!v || (v.state === 'draft' && !(await this.canEdit(p, jurisdiction)))) throw AppError.notFound('policy_version', `${jurisdiction}@${version}`);
    return v;
  }

  report(jurisdiction: string, text: string): PolicyTextReport {
    return validatePolicyText(jurisdiction, text);
  }

  /** Validates a text without storing it (for the editor). */
  async validate(p: Principal, jurisdiction: string, text: string): Promise<PolicyTextReport> {
    await this.requireEdit(p, jurisdiction);
    return this.report(jurisdiction, text);
  }

  /** Stores a valid text as a new draft version; an invalid one is refused with its problems. */
  async createDraft(p: Principal, jurisdiction: string, text: string, reason = ''): Promise<{ version: PolicyVersionEntity; problems: PolicyProblem[] }> {
    const decision = await this.requireEdit(p, jurisdiction);
    const report = this.report(jurisdiction, text);
    if (!report.valid) throw invalidPolicy(report.problems);
    const version = await this.dataSource.transaction(async (m) => {
      await this.lockOrFail(jurisdiction, m);
      const v = m.create(PolicyVersionEntity, {
        jurisdiction,
        version: await this.repo.nextVersion(jurisdiction, m),
        text,
        state: 'draft',
        createdBy: p.username,
        reason: reason.trim(),
        activatedAt: null,
        activatedBy: null,
        activationReason: null,
        sourceVersion: null,
      });
      const saved = await this.repo.saveVersion(v, m);
      await this.authz.recordDecision(
        p,
        'policy.edit',
        decision,
        {
          operation: 'alteration',
          object: `policy:${jurisdiction}@${saved.version}`,
          justification: saved.reason || 'draft written',
          details: { state: 'draft', rules: report.policies.length },
        },
        m,
      );
      return saved;
    });
    return { version, problems: report.problems };
  }

  /** Puts a draft into force; the previously active version is retired. */
  async activate(p: Principal, jurisdiction: string, version: number, reason: string): Promise<PolicyVersionEntity> {
    const decision = await this.requireEdit(p, jurisdiction);
    // Texts are immutable: whose cameras the draft affects is computed before the transaction (which
    // must not wait for other connections), the co-signatures are read inside it.
    const draft = await this.repo.findVersion(jurisdiction, version);
    const required = draft?.state === 'draft' ? await this.requiredCosigners(p, draft) : [];
    const saved = await this.dataSource.transaction(async (m) => {
      const policy = await this.lockOrFail(jurisdiction, m);
      const v = await this.repo.findVersion(jurisdiction, version, m);
      if (!v) throw AppError.notFound('policy_version', `${jurisdiction}@${version}`);
      if (v.state !== 'draft') {
        throw AppError.conflict('policy_version_not_draft', `${jurisdiction}@${version} is ${v.state}; only drafts are activated (use rollback to bring back an earlier version)`);
      }
      this.compile(jurisdiction, version, v.text);
      // No legal officer changes the rules over another controller's footage alone.
      const { missing } = cosignatureStatus(required, v);
      if (missing.length) return { refused: { missing, required } };
      const previous = policy.activeVersion;
      await this.repo.retireActive(jurisdiction, m);
      Object.assign(v, { state: 'active', activatedAt: new Date(), activatedBy: p.username, activationReason: reason.trim() });
      await this.repo.saveVersion(v, m);
      Object.assign(policy, { activeVersion: version, updatedAt: new Date() });
      await this.repo.savePolicy(policy, m);
      await this.authz.recordDecision(
        p,
        'policy.edit',
        decision,
        {
          operation: 'alteration',
          object: `policy:${jurisdiction}@${version}`,
          justification: reason.trim(),
          details: { state: 'active', previous, cosignatures: v.cosignatures },
        },
        m,
      );
      return v;
    });
    if ('refused' in saved) {
      const { missing, required } = saved.refused;
      await this.audit.record({
        actor: actorOf(p),
        operation: 'alteration',
        object: `policy:${jurisdiction}@${version}`,
        decision: 'deny',
        policyIds: [],
        justification: reason.trim(),
        details: { state: 'draft', cosignaturesMissing: missing, cosignaturesRequired: required },
      });
      throw AppError.conflict(
        'policy_cosignatures_missing',
        `${jurisdiction}@${version} changes decisions on cameras of ${missing.join(', ')}; their legal officers must co-sign it first (POST /api/v1/policies/${jurisdiction}/versions/${version}/cosign)`,
        { missing, required },
      );
    }
    this.active.activated(jurisdiction, saved.version, saved.text);
    return saved;
  }

  /** Who must co-sign the version (other organisations whose cameras it affects) and who has. */
  async cosignatures(p: Principal, jurisdiction: string, version: number): Promise<CosignatureStatus> {
    const v = await this.version(p, jurisdiction, version);
    return cosignatureStatus(await this.requiredCosigners(p, v), v);
  }

  /**
   * A legal officer of an organisation whose cameras the draft decides differently co-signs it;
   * audited. Others get 409 policy_cosignature_not_needed.
   */
  async cosign(p: Principal, jurisdiction: string, version: number, reason: string): Promise<PolicyVersionEntity> {
    if (!p.roles.includes('legal-officer')) throw AppError.forbidden('only legal officers co-sign policy versions', 'policy_cosign_forbidden');
    await this.findOne(jurisdiction);
    const draft = await this.repo.findVersion(jurisdiction, version);
    const affected = draft?.state === 'draft' ? await this.affectedOrganisations(jurisdiction, draft.version, draft.text) : [];
    return this.dataSource.transaction(async (m) => {
      await this.lockOrFail(jurisdiction, m);
      const v = await this.repo.findVersion(jurisdiction, version, m);
      if (!v) throw AppError.notFound('policy_version', `${jurisdiction}@${version}`);
      if (v.state !== 'draft') throw AppError.conflict('policy_version_not_draft', `${jurisdiction}@${version} is ${v.state}; only drafts are co-signed`);
      if ((v.cosignatures ?? []).some((c) => c.organisationId === p.organisation))
        throw AppError.conflict('policy_already_cosigned', `${p.organisation} has already co-signed ${jurisdiction}@${version}`);
      if (!affected.includes(p.organisation)) {
        throw AppError.conflict('policy_cosignature_not_needed', `${jurisdiction}@${version} decides nothing differently on cameras of ${p.organisation}`, { affected });
      }
      const cosignature: PolicyCosignature = { organisationId: p.organisation, by: p.username, at: new Date().toISOString(), reason: reason.trim() };
      v.cosignatures = [...(v.cosignatures ?? []), cosignature];
      await this.repo.saveVersion(v, m);
      await this.audit.record(
        {
          actor: actorOf(p),
          operation: 'alteration',
          object: `policy:${jurisdiction}@${version}`,
          decision: 'cosigned',
          policyIds: [],
          justification: cosignature.reason,
          details: { state: 'draft', organisation: p.organisation },
        },
        m,
      );
      return v;
    });
  }

  /**
   * Owners (other than the activator's organisation) of the jurisdiction's cameras on which the text
   * decides some camera action differently from the active rules, for some kind of user, now or
   * during an incident (the matrix difference).
   */
  async affectedOrganisations(jurisdiction: string, version: number, text: string): Promise<string[]> {
    const active = this.active.current();
    const draft = this.withDraft(active, jurisdiction, version, text);
    const now = Date.now();
    const owners = new Set<string>();
    const seen = new Set<string>();
    for (const c of await this.repo.camerasUnder(jurisdiction)) {
      if (owners.has(c.organisationId)) continue;
      const key = [c.organisationId, c.kind, c.sharing, c.latitude, c.longitude].join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      const camera = await this.authz.camera(c);
      if (diffMatrix(active.matrix(camera, { actions: CAMERA_ACTIONS, now }), draft.matrix(camera, { actions: CAMERA_ACTIONS, now })).length) owners.add(c.organisationId);
    }
    return [...owners].sort();
  }

  /** Organisations that must co-sign before the user activates the version: the affected ones other than the user's. */
  private async requiredCosigners(p: Principal, v: PolicyVersionEntity): Promise<string[]> {
    return (await this.affectedOrganisations(v.jurisdiction, v.version, v.text)).filter((o) => o !== p.organisation);
  }

  /** Brings back the text of an earlier version as a new active version (history is never rewritten). */
  async rollback(p: Principal, jurisdiction: string, toVersion: number, reason: string): Promise<PolicyVersionEntity> {
    const decision = await this.requireEdit(p, jurisdiction);
    const saved = await this.dataSource.transaction(async (m) => {
      const policy = await this.lockOrFail(jurisdiction, m);
      const source = await this.repo.findVersion(jurisdiction, toVersion, m);
      if (!source) throw AppError.notFound('policy_version', `${jurisdiction}@${toVersion}`);
      if (source.state === 'draft') throw AppError.conflict('policy_version_not_activated', `${jurisdiction}@${toVersion} was never active; activate the draft instead`);
      if (source.version === policy.activeVersion) throw AppError.conflict('policy_version_active', `${jurisdiction}@${toVersion} is already the active version`);
      const version = await this.repo.nextVersion(jurisdiction, m);
      this.compile(jurisdiction, version, source.text);
      const previous = policy.activeVersion;
      await this.repo.retireActive(jurisdiction, m);
      const now = new Date();
      const v = await this.repo.saveVersion(
        m.create(PolicyVersionEntity, {
          jurisdiction,
          version,
          text: source.text,
          state: 'active',
          createdBy: p.username,
          reason: `rollback to version ${toVersion}`,
          activatedAt: now,
          activatedBy: p.username,
          activationReason: reason.trim(),
          sourceVersion: toVersion,
        }),
        m,
      );
      Object.assign(policy, { activeVersion: version, updatedAt: now });
      await this.repo.savePolicy(policy, m);
      await this.authz.recordDecision(
        p,
        'policy.edit',
        decision,
        { operation: 'alteration', object: `policy:${jurisdiction}@${version}`, justification: reason.trim(), details: { state: 'active', rollbackTo: toVersion, previous } },
        m,
      );
      return v;
    });
    this.active.activated(jurisdiction, saved.version, saved.text);
    return saved;
  }

  /**
   * The active engine with the jurisdiction's draft in place: a stored version, an inline text
   * (version 0: unsaved), or the active set itself when neither is given.
   */
  async engineWith(p: Principal, jurisdiction: string, draft: DraftSource): Promise<PolicyEngine> {
    const engine = this.active.current();
    if (draft.text !== undefined && draft.draftVersion !== undefined) throw AppError.badRequest('draft_ambiguous', 'give either draftVersion or text, not both');
    if (draft.text !== undefined) {
      const report = this.report(jurisdiction, draft.text);
      if (!report.valid) throw invalidPolicy(report.problems);
      return this.withDraft(engine, jurisdiction, 0, draft.text);
    }
    if (draft.draftVersion !== undefined) {
      const v = await this.version(p, jurisdiction, draft.draftVersion);
      return this.withDraft(engine, jurisdiction, v.version, v.text);
    }
    return engine;
  }

  async canEdit(p: Principal, jurisdiction: string): Promise<boolean> {
    return this.authz.decide(await this.authz.principal(p), 'policy.edit', { type: 'Policy', jurisdiction }).decision === 'permit';
  }

  /** policy.edit on the jurisdiction's policies (legal officers of that country by default), else 403. */
  async requireEdit(p: Principal, jurisdiction: string): Promise<Decision> {
    await this.findOne(jurisdiction);
    return this.authz.require(p, 'policy.edit', { type: 'Policy', jurisdiction }, { code: 'policy_edit_forbidden', object: `policy:${jurisdiction}` });
  }

  private async lockOrFail(jurisdiction: string, m: Parameters<PolicyRepository['lock']>[1]): Promise<PolicyEntity> {
    const policy = await this.repo.lock(jurisdiction, m);
    if (!policy) throw AppError.notFound('policy', jurisdiction);
    return policy;
  }

  /** The set must still compile (the schema may have changed since the draft was written). */
  private compile(jurisdiction: string, version: number, text: string): void {
    this.withDraft(this.active.current(), jurisdiction, version, text);
  }

  private withDraft(engine: PolicyEngine, jurisdiction: string, version: number, text: string): PolicyEngine {
    try {
      return engine.withPolicies({ [jurisdiction]: { version, text } });
    } catch (e) {
      if (e instanceof PolicySetError) throw invalidPolicy(e.problems);
      throw e;
    }
  }
}

function cosignatureStatus(required: string[], v: PolicyVersionEntity): CosignatureStatus {
  const cosignatures = v.cosignatures ?? [];
  const signed = new Set(cosignatures.map((c) => c.organisationId));
  return { required, cosignatures, missing: required.filter((o) => !signed.has(o)) };
}

/** 400 (413 when too large) naming the first error with its line and column; all problems in details. */
export function invalidPolicy(problems: PolicyProblem[]): AppError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems[0];
  const where = first?.line ? `line ${first.line}, column ${first.column}: ` : '';
  const message = `the policy text is invalid: ${where}${first?.message ?? 'unknown problem'}`;
  if (errors.some((p) => p.code === 'too-large')) return new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'policy_too_large', first.message, problems);
  if (errors.some((p) => p.code === 'foreign-policy-edit')) {
    const f = errors.find((p) => p.code === 'foreign-policy-edit')!;
    return AppError.badRequest(
      'policy_foreign_edit',
      `the draft could let users of another country edit these policies: line ${f.line}, column ${f.column}: ${f.message}`,
      problems,
    );
  }
  return AppError.badRequest('policy_invalid', message, problems);
}
