import * as cedar from './cedar';
import { createHash } from 'node:crypto';
import { loadSchemaText } from './policy-files';
import { collectRelevance, emptyRelevance, Relevance } from './relevance';
import { Country, Obligations, PolicySource } from './policy.types';
import { PolicyReasons, reasonsOf } from './reasons';

/** Drafts larger than this are refused before parsing (the default sets are ~10 KB). */
export const MAX_POLICY_BYTES = 256 * 1024;

const NS = 'BorderLens::';

/**
 * Annotations a policy may carry; anything else is refused so that a misspelt obligation cannot vanish.
 * `reason` is English (the fallback); `reason_cs` and `reason_pl` give it in Czech and Polish (optional).
 */
export const ANNOTATIONS = ['id', 'reason', 'reason_cs', 'reason_pl', 'watermark', 'purpose_required', 'max_duration', 'owner_approval', 'anonymize'] as const;
const BOOLEAN_OBLIGATIONS = { watermark: 'watermark', purpose_required: 'purposeRequired', owner_approval: 'ownerApproval', anonymize: 'anonymize' } as const;

export type ProblemCode = 'too-large' | 'syntax' | 'schema' | 'template' | 'missing-id' | 'duplicate-id' | 'annotation' | 'foreign-policy-edit' | 'empty';

export interface PolicyProblem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  message: string;
  help?: string;
  /** @id of the policy concerned, when known. */
  policyId?: string;
  /** 1-based position in the text, when known. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface PolicySummary {
  id: string;
  effect: 'permit' | 'forbid';
  line: number;
  reason?: string;
  /** Obligations this policy sets (permits only). */
  obligations: Partial<Obligations>;
}

export interface PolicyTextReport {
  valid: boolean;
  problems: PolicyProblem[];
  policies: PolicySummary[];
}

export interface ValidateOptions {
  maxBytes?: number;
  schema?: string;
}

/** A policy set failed validation; `problems` say where and why. */
export class PolicySetError extends Error {
  constructor(
    readonly jurisdiction: Country,
    readonly problems: PolicyProblem[],
  ) {
    const first = problems.find((p) => p.severity === 'error') ?? problems[0];
    const where = first?.line ? ` (line ${first.line}, column ${first.column})` : '';
    super(`Policy set ${jurisdiction} is invalid: ${first?.message ?? 'unknown problem'}${where}`);
    this.name = 'PolicySetError';
  }
}

export interface CompiledPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  line: number;
  /** @reason (English). */
  reason?: string;
  /** @reason, @reason_cs, @reason_pl by language; pick one with pickReason. */
  reasons: PolicyReasons;
  obligations: Partial<Obligations>;
}

/** A validated, analysed policy set; evaluated by the engine. */
export interface CompiledPolicySet {
  jurisdiction: Country;
  version: number;
  /** SHA-256 of the text: equal texts share one pre-parsed set and one answer cache. */
  hash: string;
  /** The text as written (comments included). */
  text: string;
  policies: Map<string, CompiledPolicy>;
  /** Policy text by @id, as handed to Cedar. */
  byId: Record<string, string>;
  relevance: Relevance;
}

/** Checks a draft: size, syntax, schema (strict), annotations, and the policy.edit rule. */
export function validatePolicyText(jurisdiction: Country, text: string, options: ValidateOptions = {}): PolicyTextReport {
  const { problems, policies } = analyse(jurisdiction, text, options);
  return {
    valid: !problems.some((p) => p.severity === 'error'),
    problems,
    policies: policies.map(({ id, effect, line, reason, obligations }) => ({ id, effect, line, reason, obligations })),
  };
}

const compiled = new Map<string, CompiledPolicySet>();

/** Validates and analyses a policy set; throws PolicySetError when it is not valid. */
export function compilePolicySet(jurisdiction: Country, source: PolicySource, options: ValidateOptions = {}): CompiledPolicySet {
  if (!/^[A-Z]{2}$/.test(jurisdiction)) {
    throw new PolicySetError(jurisdiction, [{ severity: 'error', code: 'syntax', message: `"${jurisdiction}" is not a country code (two capital letters)` }]);
  }
  if (!Number.isInteger(source.version) || source.version < 0) {
    throw new PolicySetError(jurisdiction, [{ severity: 'error', code: 'syntax', message: `version must be a non-negative integer, got ${source.version}` }]);
  }
  const hash = createHash('sha256')
    .update(options.schema ?? '')
    .update('\0')
    .update(source.text)
    .digest('hex');
  const key = `${jurisdiction}:${source.version}:${hash}`;
  const known = compiled.get(key);
  if (known) return known;

  const { problems, policies, relevance } = analyse(jurisdiction, source.text, options);
  if (problems.some((p) => p.severity === 'error')) throw new PolicySetError(jurisdiction, problems);
  const set: CompiledPolicySet = {
    jurisdiction,
    version: source.version,
    hash,
    text: source.text,
    policies: new Map(policies.map((p) => [p.id, p])),
    byId: Object.fromEntries(policies.map((p) => [p.id, p.text])),
    relevance,
  };
  if (compiled.size > 256) compiled.clear();
  compiled.set(key, set);
  return set;
}

interface AnalysedPolicy extends CompiledPolicy {
  text: string;
  json: cedar.PolicyJson;
}

function analyse(jurisdiction: Country, text: string, options: ValidateOptions) {
  const problems: PolicyProblem[] = [];
  const policies: AnalysedPolicy[] = [];
  const relevance: Relevance = emptyRelevance();
  const result = { problems, policies, relevance };
  const maxBytes = options.maxBytes ?? MAX_POLICY_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    problems.push({ severity: 'error', code: 'too-large', message: `The policy text has ${bytes} bytes; at most ${maxBytes} are accepted` });
    return result;
  }
  const locate = locator(text);

  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') {
    for (const error of parts.errors) problems.push(fromCedar('syntax', 'error', error, locate));
    return result;
  }
  if (parts.policy_templates.length > 0) {
    problems.push({ severity: 'error', code: 'template', message: 'Policy templates (?principal, ?resource) are not supported; write static policies' });
    return result;
  }
  if (parts.policies.length === 0) {
    problems.push({ severity: 'warning', code: 'empty', message: 'The set has no policies: it denies everything' });
  }
  const schema = options.schema ?? loadSchemaText();
  const validation = cedar.validate({
    schema,
    policies: { staticPolicies: text },
    validationSettings: { mode: 'strict' },
  });
  if (validation.type === 'failure') {
    for (const error of validation.errors) problems.push(fromCedar('schema', 'error', error, locate));
    return result;
  }

  // Cedar names policies policy0, policy1, ... in text order but returns them sorted by that name.
  const textOrder = parts.policies
    .map((_, i) => `policy${i}`)
    .sort()
    .map((name) => Number(name.slice(6)));
  const ordered: string[] = [];
  parts.policies.forEach((policyText, k) => (ordered[textOrder[k]] = policyText));
  const cedarIdToId = new Map<string, string>();
  const seen = new Map<string, number>();
  let cursor = 0;
  ordered.forEach((policyText, index) => {
    const at = text.indexOf(policyText, cursor);
    if (at >= 0) cursor = at + policyText.length;
    const { line } = locate(at >= 0 ? Buffer.byteLength(text.slice(0, at), 'utf8') : 0);
    const json = cedar.policyToJson(policyText);
    if (json.type === 'failure') {
      for (const error of json.errors) problems.push(fromCedar('syntax', 'error', error, locate));
      return;
    }
    const policy = json.json;
    const annotations = policy.annotations ?? {};
    const id = annotations.id;
    const where = { line, column: 1 };
    if (!id || !id.trim()) {
      problems.push({
        severity: 'error',
        code: 'missing-id',
        message: `The ${policy.effect} policy at line ${line} has no @id("...") annotation; every rule needs a stable name for decisions and the audit trail`,
        ...where,
      });
      return;
    }
    if (seen.has(id)) {
      problems.push({ severity: 'error', code: 'duplicate-id', policyId: id, message: `@id("${id}") is used twice (lines ${seen.get(id)} and ${line})`, ...where });
      return;
    }
    seen.set(id, line);
    cedarIdToId.set(`policy${index}`, id);
    const obligations = readObligations(id, policy, line, problems);
    if (policy.effect === 'permit') checkPolicyEdit(jurisdiction, id, policy, line, problems);
    collectRelevance(policy, schema, relevance);
    const reasons = reasonsOf(annotations);
    if (!reasons.en && (reasons.cs || reasons.pl)) {
      problems.push({
        severity: 'warning',
        code: 'annotation',
        policyId: id,
        message: `"${id}" has a reason in another language but no @reason("..."): English is the fallback for every other language`,
        ...where,
      });
    }
    policies.push({ id, effect: policy.effect, line, reason: reasons.en, reasons, obligations, text: policyText, json: policy });
  });

  for (const v of validation.validationErrors) {
    problems.push({ ...fromCedar('schema', 'error', v.error, locate), policyId: cedarIdToId.get(v.policyId) });
  }
  for (const v of validation.validationWarnings) {
    problems.push({ ...fromCedar('schema', 'warning', v.error, locate), policyId: cedarIdToId.get(v.policyId) });
  }
  for (const w of validation.otherWarnings) problems.push(fromCedar('schema', 'warning', w, locate));
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}

function readObligations(id: string, policy: cedar.PolicyJson, line: number, problems: PolicyProblem[]): Partial<Obligations> {
  const obligations: Partial<Obligations> = {};
  const bad = (message: string) => problems.push({ severity: 'error', code: 'annotation', policyId: id, message, line, column: 1 });
  for (const [name, value] of Object.entries(policy.annotations ?? {})) {
    if (!(ANNOTATIONS as readonly string[]).includes(name)) {
      bad(`Unknown annotation @${name} on "${id}"; known: ${ANNOTATIONS.map((a) => '@' + a).join(', ')}`);
      continue;
    }
    if (name === 'id' || name === 'reason' || name.startsWith('reason_')) continue;
    if (policy.effect === 'forbid') {
      problems.push({
        severity: 'warning',
        code: 'annotation',
        policyId: id,
        message: `@${name} on the forbid "${id}" has no effect: obligations come from permits`,
        line,
        column: 1,
      });
      continue;
    }
    if (name === 'max_duration') {
      if (!/^[1-9][0-9]{0,8}$/.test(value)) bad(`@max_duration("${value}") on "${id}" must be a whole number of seconds (1 to 999999999)`);
      else obligations.maxDurationSec = Number(value);
      continue;
    }
    if (value !== 'true' && value !== 'false') {
      bad(`@${name}("${value}") on "${id}" must be "true" or "false"`);
      continue;
    }
    obligations[BOOLEAN_OBLIGATIONS[name as keyof typeof BOOLEAN_OBLIGATIONS]] = value === 'true';
  }
  return obligations;
}

/**
 * A permit that could apply to `policy.edit` on a Policy must require, as a top-level condition, that
 * the user's country is the policy's jurisdiction. This is checked on the syntax (sound but strict):
 * a rule that cannot be shown safe this way is refused with a hint. The engine also refuses such
 * requests whatever the policies say.
 */
function checkPolicyEdit(jurisdiction: Country, id: string, policy: cedar.PolicyJson, line: number, problems: PolicyProblem[]): void {
  const action = policy.action;
  const isEdit = (e: cedar.EntityUidJson) => entityOf(e).id === 'policy.edit';
  const coversEdit =
    action.op === 'All' ||
    (action.op === '==' && 'entity' in action && isEdit(action.entity)) ||
    (action.op === 'in' && ('entity' in action ? [action.entity] : action.entities).some(isEdit));
  if (!coversEdit) return;
  const resource = policy.resource;
  if (resource.op === 'is' && resource.entity_type !== `${NS}Policy`) return;
  if (resource.op === '==' && 'entity' in resource && entityOf(resource.entity).type !== `${NS}Policy`) return;

  const guarded = policy.conditions.some((clause) =>
    conjuncts(clause.body).some((e) => (clause.kind === 'when' ? sameCountry(e, '==', jurisdiction) : sameCountry(e, '!=', jurisdiction))),
  );
  if (guarded) return;
  problems.push({
    severity: 'error',
    code: 'foreign-policy-edit',
    policyId: id,
    line,
    column: 1,
    message: `"${id}" could grant policy.edit on ${jurisdiction} policies to users of another country`,
    help: 'Add `principal.country == resource.jurisdiction` to its when clause (as a top-level `&&` condition), or limit the rule to other actions or resources.',
  });
}

function entityOf(e: cedar.EntityUidJson): cedar.TypeAndId {
  return '__entity' in e ? e.__entity : e;
}

/** Top-level `&&` operands of an expression. */
function conjuncts(e: cedar.Expr): cedar.Expr[] {
  const and = (e as { '&&'?: { left: cedar.Expr; right: cedar.Expr } })['&&'];
  return and ? [...conjuncts(and.left), ...conjuncts(and.right)] : [e];
}

/** `principal.country OP resource.jurisdiction` or `principal.country OP "<jurisdiction>"` (either side). */
function sameCountry(e: cedar.Expr, op: '==' | '!=', jurisdiction: Country): boolean {
  const cmp = (e as Record<string, { left: cedar.Expr; right: cedar.Expr }>)[op];
  if (!cmp || Object.keys(e).length !== 1) return false;
  const isAttr = (x: cedar.Expr, v: string, attr: string) => {
    const dot = (x as { '.'?: { left: cedar.Expr; attr: string } })['.'];
    return !!dot && dot.attr === attr && (dot.left as { Var?: string }).Var === v;
  };
  const isTarget = (x: cedar.Expr) => isAttr(x, 'resource', 'jurisdiction') || (x as { Value?: unknown }).Value === jurisdiction;
  return (isAttr(cmp.left, 'principal', 'country') && isTarget(cmp.right)) || (isAttr(cmp.right, 'principal', 'country') && isTarget(cmp.left));
}

type Locate = (byteOffset: number) => { line: number; column: number };

/** Cedar reports byte offsets into the UTF-8 text; users want lines and columns. */
function locator(text: string): Locate {
  const buf = Buffer.from(text, 'utf8');
  return (byteOffset) => {
    const before = buf.subarray(0, Math.max(0, Math.min(byteOffset, buf.length))).toString('utf8');
    const lines = before.split('\n');
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  };
}

function fromCedar(code: ProblemCode, severity: 'error' | 'warning', error: cedar.DetailedError, locate: Locate): PolicyProblem {
  const problem: PolicyProblem = { severity, code, message: error.message };
  if (error.help) problem.help = error.help;
  const span = error.sourceLocations?.[0];
  if (span) {
    const start = locate(span.start);
    const end = locate(span.end);
    Object.assign(problem, { line: start.line, column: start.column, endLine: end.line, endColumn: end.column });
    if (span.label) problem.help = problem.help ? `${span.label}; ${problem.help}` : span.label;
  }
  return problem;
}
