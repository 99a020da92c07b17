import * as cedar from './cedar';
import { createHash } from 'node:crypto';
import { buildCedarRequest, BuiltRequest } from './cedar-request';
import { loadPolicyDirectory } from './policy-files';
import { buildMatrix, MatrixOptions, PolicyMatrix } from './policy-matrix';
import { CompiledPolicySet, compilePolicySet, ValidateOptions } from './policy-set';
import { emptyRelevance, mergeRelevance, Relevance } from './relevance';
import { ENGINE_MESSAGES, pickReason, reasonLanguage } from './reasons';
import { notSharedReason } from './sharing';
import { CameraInput, Country, Decision, DecisionRequest, DenialCode, DeterminingPolicies, Obligations, PolicyRole, PolicySources } from './policy.types';

export interface PolicyEngineOptions extends ValidateOptions {
  /** IANA time zone per jurisdiction, for `context.hour` (unknown jurisdictions: UTC). */
  timeZones?: Record<Country, string>;
  /** Answers kept per policy set (identical Cedar requests are answered from memory); 0 turns this off. */
  cacheSize?: number;
  /** Send Cedar only what the policies read, with stand-in ids (default). false: everything, real ids. */
  minimizeRequests?: boolean;
}

export const DEFAULT_TIME_ZONES: Record<Country, string> = {
  CZ: 'Europe/Prague',
  PL: 'Europe/Warsaw',
  SK: 'Europe/Bratislava',
  DE: 'Europe/Berlin',
  AT: 'Europe/Vienna',
};

const DEFAULT_CACHE_SIZE = 20_000;

/** Cedar's answer for one policy set (or for a pair, with ids prefixed by jurisdiction). */
interface SetAnswer {
  allow: boolean;
  reason: string[];
  errors: { policyId: string; message: string }[];
}

/** What Cedar evaluates: a jurisdiction's set, or the export and import sets of a pair in one go. */
interface Evaluable {
  jurisdiction: string;
  hash: string;
  byId: Record<string, string>;
}

/**
 * Decides requests against one policy set per jurisdiction. Deny by default; a forbid beats any
 * permit; a request whose resource is under another country's law than the user's needs a permit from
 * both sets (the resource's: export, the user's: import). Immutable: activating a new version means
 * building a new engine (`withPolicies`) and swapping the reference.
 */
export class PolicyEngine {
  private readonly sets = new Map<Country, CompiledPolicySet>();
  private readonly relevance: Relevance;
  private readonly timeZones: Record<Country, string>;
  private readonly cacheSize: number;
  private readonly counters = { decisions: 0, evaluations: 0, cacheHits: 0 };

  /** Validates and pre-parses every set; throws PolicySetError naming the first invalid one. */
  constructor(
    sources: PolicySources,
    private readonly options: PolicyEngineOptions = {},
  ) {
    for (const [jurisdiction, source] of Object.entries(sources)) {
      this.sets.set(jurisdiction, compilePolicySet(jurisdiction, source, options));
    }
    this.relevance = options.minimizeRequests === false ? { ...emptyRelevance(), all: true } : mergeRelevance([...this.sets.values()].map((s) => s.relevance));
    this.timeZones = { ...DEFAULT_TIME_ZONES, ...options.timeZones };
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    for (const set of this.sets.values()) preparsed(set);
  }

  /** The shipped default sets (libs/policy/policies), or those of another directory. */
  static fromDirectory(dir?: string, options?: PolicyEngineOptions): PolicyEngine {
    return new PolicyEngine(loadPolicyDirectory(dir), options);
  }

  /** Jurisdictions and the version of each active set. */
  versions(): Record<Country, number> {
    return Object.fromEntries([...this.sets].map(([j, s]) => [j, s.version]));
  }

  /** Decisions made, policy-set evaluations they needed, and how many of those came from the answer cache. */
  stats(): { decisions: number; evaluations: number; cacheHits: number } {
    return { ...this.counters };
  }

  jurisdictions(): Country[] {
    return [...this.sets.keys()].sort();
  }

  /** A new engine with some sets replaced or added (activation, or a draft to simulate). */
  withPolicies(sources: PolicySources): PolicyEngine {
    const merged: PolicySources = {};
    for (const [j, set] of this.sets) merged[j] = { version: set.version, text: set.text };
    return new PolicyEngine({ ...merged, ...sources }, this.options);
  }

  /** Like decide, on the active sets with the drafts in place of (or next to) them. */
  simulate(drafts: PolicySources, request: DecisionRequest): Decision {
    return this.withPolicies(drafts).decide(request);
  }

  /** For a camera: which kinds of users (country, organisation kind, role) get which actions, now and during an incident. */
  matrix(camera: CameraInput, options: MatrixOptions = {}): PolicyMatrix {
    return buildMatrix(this, camera, options);
  }

  decide(request: DecisionRequest): Decision {
    const built = buildCedarRequest(request, this.relevance, this.hourOf);
    this.counters.decisions++;
    const { action } = request;
    const from = built.principalCountry;
    const to = built.resourceJurisdiction;
    const language = reasonLanguage(request.principal.language);

    // Invariant kept here as well as in the validator: only a jurisdiction's own users edit its policies.
    if (action === 'policy.edit' && from !== to) {
      return deny('foreign-policy-edit', [ENGINE_MESSAGES.foreignPolicyEdit(language, to)], []);
    }

    const consulted: [Country, PolicyRole][] =
      from === to
        ? [[to, 'local']]
        : [
            [to, 'export'],
            [from, 'import'],
          ];
    const policies: DeterminingPolicies[] = [];
    const reasons: string[] = [];
    const errors: string[] = [];
    const permits: { set: CompiledPolicySet; id: string; role: PolicyRole }[] = [];
    let denial: DenialCode | undefined;

    const answers = this.answers(consulted, built);
    for (const [jurisdiction, role] of consulted) {
      const set = this.sets.get(jurisdiction);
      const answer = answers.get(jurisdiction);
      if (!set || !answer) {
        reasons.push(ENGINE_MESSAGES.noPolicySet(language, jurisdiction));
        denial = 'no-policy-set';
        continue;
      }
      for (const e of answer.errors) errors.push(`${jurisdiction} rule "${e.policyId}": ${e.message}`);
      policies.push({ jurisdiction, version: set.version, role, decision: answer.allow ? 'permit' : 'deny', ids: answer.reason });
      if (answer.allow) {
        for (const id of answer.reason) permits.push({ set, id, role });
      } else if (answer.reason.length > 0) {
        for (const id of answer.reason) reasons.push(ENGINE_MESSAGES.forbidden(language, jurisdiction, id, pickReason(set.policies.get(id)?.reasons, language)));
        if (denial !== 'no-policy-set') denial = 'forbidden';
      } else {
        reasons.push(ENGINE_MESSAGES.noPermit(language, jurisdiction, role, action, from, to));
        denial ??= 'no-permit';
      }
    }
    // The owner's sharing level bounds what any rule can open to other organisations. A forbid
    // explains itself first; a missing permit is explained by the level when the level also refuses.
    const notShared = request.resource.type === 'Camera' ? notSharedReason(request.principal, action, request.resource, request.context, language) : null;
    if (notShared && (!denial || denial === 'no-permit')) return deny('not-shared', [notShared, ...reasons], policies, errors);
    if (denial) return deny(denial, reasons, policies, errors);

    const obligations = combineObligations(permits.map((p) => p.set.policies.get(p.id)?.obligations ?? {}));
    if (obligations.purposeRequired && built.purpose.trim() === '') {
      const rules = permits.filter((p) => p.set.policies.get(p.id)?.obligations.purposeRequired).map((p) => ({ jurisdiction: p.set.jurisdiction, id: p.id }));
      return deny('purpose-required', [ENGINE_MESSAGES.purposeRequired(language, action, rules)], policies, errors);
    }
    for (const p of permits) reasons.push(ENGINE_MESSAGES.permitted(language, p.set.jurisdiction, p.id, p.role, pickReason(p.set.policies.get(p.id)?.reasons, language)));
    return { decision: 'permit', reasons, policies, obligations, errors };
  }

  /**
   * Each consulted set's own answer. Across the border both sets are evaluated in one Cedar call (most
   * of a call's cost is parsing the request, not the rules); only when one set forbids does the other
   * need a call of its own, to tell whether it would have permitted.
   */
  private answers(consulted: [Country, PolicyRole][], built: BuiltRequest): Map<Country, SetAnswer> {
    const out = new Map<Country, SetAnswer>();
    const sets = consulted.map(([j]) => this.sets.get(j)).filter((s): s is CompiledPolicySet => !!s);
    if (sets.length < 2) {
      for (const set of sets) out.set(set.jurisdiction, this.evaluate(set, built));
      return out;
    }
    const both = this.evaluate(pairOf(sets[0], sets[1]), built);
    for (const set of sets) {
      const prefix = `${set.jurisdiction}:`;
      const own = (ids: string[]) => ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
      const reason = own(both.reason);
      const errors = both.errors.filter((e) => e.policyId.startsWith(prefix)).map((e) => ({ ...e, policyId: e.policyId.slice(prefix.length) }));
      if (both.allow) out.set(set.jurisdiction, { allow: reason.length > 0, reason, errors });
      else if (both.reason.length === 0 || reason.length > 0) out.set(set.jurisdiction, { allow: false, reason, errors });
      else out.set(set.jurisdiction, this.evaluate(set, built)); // the other set forbade; this one's own verdict is unknown
    }
    return out;
  }

  private evaluate(set: Evaluable, built: BuiltRequest): SetAnswer {
    const cache = this.cacheSize > 0 ? answersOf(set) : undefined;
    this.counters.evaluations++;
    const cached = cache?.get(built.key);
    if (cached) {
      this.counters.cacheHits++;
      return cached;
    }
    const result = cedar.statefulIsAuthorized({ ...built.call, preparsedPolicySetId: preparsed(set) });
    if (result.type === 'failure') {
      // Malformed request data (the builder checks it, so this is a bug): fail closed.
      return { allow: false, reason: [], errors: result.errors.map((e) => ({ policyId: '(request)', message: e.message })) };
    }
    const { decision, diagnostics } = result.response;
    const answer: SetAnswer = {
      allow: decision === 'allow',
      reason: diagnostics.reason.slice().sort(),
      errors: diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })),
    };
    if (cache && answer.errors.length === 0) {
      if (cache.size >= this.cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(built.key, answer);
    }
    return answer;
  }

  private readonly hourOf = (jurisdiction: Country, epochSec: number): number => localHour(this.timeZones[jurisdiction] ?? 'UTC', epochSec);
}

/** Any true wins; the shortest duration wins. */
export function combineObligations(list: Partial<Obligations>[]): Obligations {
  const out: Obligations = { watermark: false, purposeRequired: false, ownerApproval: false, anonymize: false };
  for (const o of list) {
    out.watermark ||= !!o.watermark;
    out.purposeRequired ||= !!o.purposeRequired;
    out.ownerApproval ||= !!o.ownerApproval;
    out.anonymize ||= !!o.anonymize;
    if (o.maxDurationSec !== undefined) out.maxDurationSec = Math.min(out.maxDurationSec ?? Infinity, o.maxDurationSec);
  }
  return out;
}

const NO_OBLIGATIONS: Obligations = Object.freeze({ watermark: false, purposeRequired: false, ownerApproval: false, anonymize: false });

function deny(denial: DenialCode, reasons: string[], policies: DeterminingPolicies[], errors: string[] = []): Decision {
  return { decision: 'deny', denial, reasons, policies, obligations: { ...NO_OBLIGATIONS }, errors };
}

// Cedar keeps pre-parsed sets in the WebAssembly instance and cannot drop them, so a fixed pool of
// slots is reused (least recently prepared first): active sets plus the drafts being simulated.
const SLOTS = 32;
const slotByHash = new Map<string, string>();

function preparsed(set: Evaluable): string {
  let slot = slotByHash.get(set.hash);
  if (slot) {
    // Most recently used last.
    slotByHash.delete(set.hash);
    slotByHash.set(set.hash, slot);
    return slot;
  }
  if (slotByHash.size >= SLOTS) {
    const [oldHash, oldSlot] = slotByHash.entries().next().value as [string, string];
    slotByHash.delete(oldHash);
    slot = oldSlot;
  } else {
    slot = `borderlens-${slotByHash.size}`;
  }
  const result = cedar.preparsePolicySet(slot, { staticPolicies: set.byId });
  if (result.type === 'failure') throw new Error(`Cedar could not pre-parse the ${set.jurisdiction} set: ${result.errors.map((e) => e.message).join('; ')}`);
  slotByHash.set(set.hash, slot);
  return slot;
}

const answerCaches = new WeakMap<Evaluable, Map<string, SetAnswer>>();

function answersOf(set: Evaluable): Map<string, SetAnswer> {
  let cache = answerCaches.get(set);
  if (!cache) answerCaches.set(set, (cache = new Map()));
  return cache;
}

const pairs = new Map<string, Evaluable>();

/** Both sets as one, their rule ids prefixed with the jurisdiction ("CZ:cz-live-raw-incident"). */
function pairOf(a: CompiledPolicySet, b: CompiledPolicySet): Evaluable {
  const key = `${a.jurisdiction}:${a.hash}|${b.jurisdiction}:${b.hash}`;
  let pair = pairs.get(key);
  if (!pair) {
    const byId: Record<string, string> = {};
    for (const set of [a, b]) for (const [id, text] of Object.entries(set.byId)) byId[`${set.jurisdiction}:${id}`] = text;
    pair = { jurisdiction: `${a.jurisdiction}+${b.jurisdiction}`, hash: createHash('sha256').update(key).digest('hex'), byId };
    if (pairs.size >= 64) pairs.clear();
    pairs.set(key, pair);
  }
  return pair;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
const hourCache = new Map<string, number>();

function localHour(timeZone: string, epochSec: number): number {
  // Quarter hours: every time zone offset is a multiple of 15 minutes.
  const key = `${timeZone}:${Math.floor(epochSec / 900)}`;
  let hour = hourCache.get(key);
  if (hour === undefined) {
    let format = hourFormats.get(timeZone);
    if (!format) hourFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' })));
    hour = Number(format.format(new Date(epochSec * 1000)));
    if (hourCache.size > 1000) hourCache.clear();
    hourCache.set(key, hour);
  }
  return hour;
}
