import * as cedar from './cedar';

/**
 * What the policies of a set can read: attributes by entity type, context fields, and the entity types
 * they name by id. Cedar spends most of a decision parsing the request's entities, so the engine sends
 * only what is read; and ids of types no policy names are replaced by stand-ins, so equal situations of
 * different users and cameras make the same request (and hit the answer cache). Over-approximates:
 * when a type cannot be told, the attribute is kept on every type.
 */
export interface Relevance {
  /** Could not analyse: send everything. */
  all: boolean;
  /** Attribute names by entity type (full name); '*' for attributes of an unknown type. */
  attrs: Map<string, Set<string>>;
  context: Set<string>;
  /** The context is used as a whole (e.g. compared to a record). */
  wholeContext: boolean;
  /** Entity types some policy names by id. */
  literalTypes: Set<string>;
}

export function emptyRelevance(): Relevance {
  return { all: false, attrs: new Map(), context: new Set(), wholeContext: false, literalTypes: new Set() };
}

export function mergeRelevance(list: Relevance[]): Relevance {
  const out = emptyRelevance();
  for (const r of list) {
    out.all ||= r.all;
    out.wholeContext ||= r.wholeContext;
    for (const [type, names] of r.attrs) names.forEach((n) => addAttr(out, type, n));
    r.context.forEach((n) => out.context.add(n));
    r.literalTypes.forEach((t) => out.literalTypes.add(t));
  }
  return out;
}

/** Is attribute `name` of entity type `type` (full name) read by some policy? */
export function readsAttr(r: Relevance, type: string, name: string): boolean {
  return r.all || !!r.attrs.get(type)?.has(name) || !!r.attrs.get('*')?.has(name);
}

export function readsContext(r: Relevance, name: string): boolean {
  return r.all || r.wholeContext || r.context.has(name);
}

interface SchemaInfo {
  /** For each entity type, its attributes: the entity type an attribute refers to, or null for other values. */
  attrs: Map<string, Map<string, string | null>>;
  principalTypes: string[];
  resourceTypes: string[];
}

const schemaInfos = new Map<string, SchemaInfo>();

function schemaInfo(schemaText: string): SchemaInfo {
  let info = schemaInfos.get(schemaText);
  if (info) return info;
  info = { attrs: new Map(), principalTypes: [], resourceTypes: [] };
  const json = cedar.schemaToJsonWithResolvedTypes(schemaText);
  if (json.type === 'failure') throw new Error(`The Cedar schema does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  const principals = new Set<string>();
  const resources = new Set<string>();
  for (const [namespace, def] of Object.entries(json.json)) {
    const prefix = namespace ? `${namespace}::` : '';
    for (const [name, type] of Object.entries(def.entityTypes)) {
      const attrs = new Map<string, string | null>();
      const shape = (type as { shape?: { attributes?: Record<string, { type: string; name?: string }> } }).shape;
      for (const [attr, t] of Object.entries(shape?.attributes ?? {})) attrs.set(attr, t.type === 'Entity' && t.name ? t.name : null);
      info.attrs.set(prefix + name, attrs);
    }
    for (const action of Object.values(def.actions)) {
      action.appliesTo?.principalTypes.forEach((t) => principals.add(t));
      action.appliesTo?.resourceTypes.forEach((t) => resources.add(t));
    }
  }
  info.principalTypes = [...principals];
  info.resourceTypes = [...resources];
  schemaInfos.set(schemaText, info);
  return info;
}

/** Adds what one policy reads to `r`. */
export function collectRelevance(policy: cedar.PolicyJson, schemaText: string, r: Relevance): void {
  const schema = schemaInfo(schemaText);
  const vars = { principal: scopeTypes(policy.principal, schema.principalTypes), resource: scopeTypes(policy.resource, schema.resourceTypes) };
  for (const scope of [policy.principal, policy.resource]) {
    if ('entity' in scope && scope.entity) r.literalTypes.add(entityOf(scope.entity).type);
    if (scope.op === 'is' && scope.in && 'entity' in scope.in) r.literalTypes.add(entityOf(scope.in.entity).type);
  }
  const walker = new Walker(r, schema, vars);
  for (const clause of policy.conditions) walker.expr(clause.body);
}

function scopeTypes(scope: cedar.PrincipalConstraint, all: string[]): string[] {
  if (scope.op === 'is') return [scope.entity_type];
  if (scope.op === '==' && 'entity' in scope) return [entityOf(scope.entity).type];
  return all;
}

function entityOf(e: cedar.EntityUidJson): cedar.TypeAndId {
  return '__entity' in e ? e.__entity : e;
}

function addAttr(r: Relevance, type: string, name: string): void {
  let names = r.attrs.get(type);
  if (!names) r.attrs.set(type, (names = new Set()));
  names.add(name);
}

class Walker {
  constructor(
    private readonly r: Relevance,
    private readonly schema: SchemaInfo,
    private readonly vars: { principal: string[]; resource: string[] },
  ) {}

  expr(e: cedar.Expr): void {
    const keys = Object.keys(e);
    if (keys.length !== 1) return void (this.r.all = true);
    const k = keys[0];
    // A Cedar expression node: each key has its own shape, narrowed by the switch below.
    const v = (e as Record<string, any>)[k]; // eslint-disable-line @typescript-eslint/no-explicit-any
    switch (k) {
      case 'Value':
        return this.value(v);
      case 'Var':
        if (v === 'context') this.r.wholeContext = true;
        return;
      case 'Slot':
        return;
      case '.':
        return this.access(v.left, [v.attr]);
      case 'has':
        return this.access(v.left, Array.isArray(v.attr) ? v.attr : [v.attr]);
      case 'Set':
        return v.forEach((x: cedar.Expr) => this.expr(x));
      case 'Record':
        return Object.values(v as Record<string, cedar.Expr>).forEach((x) => this.expr(x));
      case 'is':
        this.expr(v.left);
        if (v.in) this.expr(v.in);
        return;
      case 'like':
        return this.expr(v.left);
      case 'if-then-else':
        return [v.if, v.then, v.else].forEach((x: cedar.Expr) => this.expr(x));
      default:
        // Extension calls carry an array of arguments; operators carry arg or left/right.
        if (Array.isArray(v)) return v.forEach((x: cedar.Expr) => this.expr(x));
        if (v && typeof v === 'object' && ('arg' in v || 'left' in v)) {
          if (v.arg) this.expr(v.arg);
          if (v.left) this.expr(v.left);
          if (v.right) this.expr(v.right);
          return;
        }
        this.r.all = true;
    }
  }

  /** `x.attr` / `x has attr`: record what is read, on the type(s) of x when they can be told. */
  private access(left: cedar.Expr, attrs: string[]): void {
    if (isVar(left, 'context')) {
      attrs.forEach((a) => this.r.context.add(a));
      return;
    }
    const types = this.typesOf(left);
    for (const type of types ?? ['*']) attrs.forEach((a) => addAttr(this.r, type, a));
    this.expr(left);
  }

  /** Entity types an expression may evaluate to, or undefined when unknown (or not an entity). */
  private typesOf(e: cedar.Expr): string[] | undefined {
    if (isVar(e, 'principal')) return this.vars.principal;
    if (isVar(e, 'resource')) return this.vars.resource;
    const dot = (e as { '.'?: { left: cedar.Expr; attr: string } })['.'];
    if (dot && Object.keys(e).length === 1) {
      const left = this.typesOf(dot.left);
      if (!left) return undefined;
      const out = new Set<string>();
      for (const t of left) {
        const target = this.schema.attrs.get(t)?.get(dot.attr);
        if (target === undefined) continue; // this type has no such attribute
        if (target === null) return undefined;
        out.add(target);
      }
      return [...out];
    }
    const value = (e as { Value?: { __entity?: cedar.TypeAndId } }).Value;
    if (value && typeof value === 'object' && value.__entity) return [value.__entity.type];
    return undefined;
  }

  private value(v: unknown): void {
    if (Array.isArray(v)) return v.forEach((x) => this.value(x));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ('__entity' in o) return void this.r.literalTypes.add((o.__entity as cedar.TypeAndId).type);
    if ('__extn' in o) return;
    Object.values(o).forEach((x) => this.value(x));
  }
}

function isVar(e: cedar.Expr, name: string): boolean {
  return (e as { Var?: string }).Var === name && Object.keys(e).length === 1;
}
