import { IConstruct } from 'constructs';

/**
 * The store behind `GuardrailsDefaults`: defaults set on a scope (an App, a Chart, an
 * IsolatedNamespace), read by the constructs below it. Plain, validated data; the public
 * class validates, the constructs read. Not construct context: cdk8s refuses context on a
 * construct that has children already.
 */
export interface ScopeDefaults {
  readonly [key: string]: unknown;
  readonly skip?: { readonly [ruleId: string]: string };
}

const STORE = new WeakMap<IConstruct, ScopeDefaults>();
/** Constructs that have read their defaults: a later `set` above them would not reach them. */
const READERS = new WeakSet<IConstruct>();

export function setScopeDefaults(scope: IConstruct, defaults: ScopeDefaults): void {
  STORE.set(scope, defaults);
}

export function hasScopeDefaults(scope: IConstruct): boolean {
  return STORE.has(scope);
}

/** Scope -> the constructs its own constructor made (itself included), marked by `markOwnConstructs`. */
const OWN = new WeakMap<IConstruct, ReadonlySet<IConstruct>>();

/**
 * Called at the end of the constructor of a construct that is also a defaults scope (an
 * IsolatedNamespace): what it made itself does not stop defaults from being set on it later.
 * Those objects keep the defaults of the scopes above it.
 */
export function markOwnConstructs(scope: IConstruct): void {
  OWN.set(scope, new Set(scope.node.findAll()));
}

/**
 * The first construct under `scope` that has read its defaults already; the scope itself and
 * the constructs its own constructor made do not count.
 */
export function firstReader(scope: IConstruct): IConstruct | undefined {
  const own = OWN.get(scope);
  return scope.node.findAll().find((c) => c !== scope && !own?.has(c) && READERS.has(c));
}


/** What reaches a construct: each value and skip with the depth of its scope (0 = nearest). */
export interface Inherited {
  readonly values: { [key: string]: unknown };
  readonly skip: { [ruleId: string]: string };
  readonly depth: { [keyOrSkip: string]: number };
}

/**
 * The nearest default of each of `keys` for `construct`, and the nearest reason of each rule
 * of `ruleIds` switched off for every construct of the scope. `depth` holds, for each key and
 * for each `skip.<rule>`, how far up its scope is.
 */
export function inherited(construct: IConstruct, keys: readonly string[], ruleIds: readonly string[]): Inherited {
  READERS.add(construct);
  return inheritedAt(construct.node.scopes.slice(0, -1), keys, ruleIds);
}

/** The same for a construct created under the last of `scopes` (root first). */
export function inheritedAt(scopes: readonly IConstruct[], keys: readonly string[], ruleIds: readonly string[]): Inherited {
  const values: { [key: string]: unknown } = {};
  const skip: { [ruleId: string]: string } = {};
  const depth: { [key: string]: number } = {};
  const chain = [...scopes].reverse().map((c) => STORE.get(c)).filter((d): d is ScopeDefaults => d !== undefined);
  chain.forEach((d, n) => {
    for (const k of keys) {
      if (values[k] === undefined && d[k] !== undefined) { values[k] = d[k]; depth[k] = n; }
    }
    for (const [id, reason] of Object.entries(d.skip ?? {})) {
      if (ruleIds.includes(id) && skip[id] === undefined) { skip[id] = reason; depth[`skip.${id}`] = n; }
    }
  });
  return { values, skip, depth };
}

/**
 * `props` with the defaults that reach `construct` filled in: an explicit prop wins, then the
 * nearest scope's default. `skip` is merged rule by rule, the construct's own reasons first.
 */
export function withDefaults<T extends { readonly skip?: { [ruleId: string]: string } }>(construct: IConstruct, props: T, keys: readonly string[], ruleIds: readonly string[], adjust?: (merged: any, skip: { [ruleId: string]: string }, from: Inherited) => void): T {
  const from = inherited(construct, keys, ruleIds);
  if (Object.keys(from.values).length === 0 && Object.keys(from.skip).length === 0) return props;
  const merged: any = { ...props };
  for (const [k, v] of Object.entries(from.values)) if (merged[k] === undefined) merged[k] = v;
  const skip = { ...from.skip };
  if (adjust) adjust(merged, skip, from);
  merged.skip = props.skip !== undefined && (props.skip === null || typeof props.skip !== 'object') ? props.skip : { ...skip, ...(props.skip ?? {}) };
  if (Object.keys(merged.skip ?? {}).length === 0 && props.skip === undefined) delete merged.skip;
  return merged as T;
}
