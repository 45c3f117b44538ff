import { IConstruct } from 'constructs';
import { errorText, show } from './errors';
import { ENUM_VALUES, STRUCT_BASES, STRUCT_SHAPES } from './prop-shapes';
import { nearest } from './nearest';

// The shape check of props: every value given to a construct or a public entry point has the
// type its props struct declares (./prop-shapes.ts, generated from the declarations), so that
// props from plain JavaScript, Python, Java or Go that have the wrong type or shape are a clear
// error naming the construct path, the prop, the value and the expected type, before any code
// reads them. It checks types only; the values are validated where they are resolved.

/** What is wrong with one value: the prop path (`ports[0].name`), the value and the expected type. */
export interface ShapeProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly expected: string;
}

/**
 * Checks `props` against the struct `struct` (e.g. 'SafeDeploymentProps') and fails with the
 * library's standard error naming `kind` at the construct path of `scope`.
 * @throws when a prop has the wrong type, a required prop is missing, or a prop is unknown
 */
export function checkProps(scope: IConstruct, kind: string, struct: string, props: unknown, argument = 'props'): void {
  checkPropsAt(`${kind} at '${scope.node.path}'`, struct, props, argument);
}

/** `checkProps` where there is no construct: `where` names the call ("Guardrails.check()"). */
export function checkPropsAt(where: string, struct: string, props: unknown, argument = 'props', knownOnly = false): void {
  if (accepts(`struct:${struct}`, knownOnly)(props)) return;
  const p = shapeProblem(`struct:${struct}`, props, argument, true, knownOnly);
  if (p !== undefined) throw new Error(errorText(where, p.prop, p.value, p.expected, preview(p.value)));
}

/**
 * Refuses props that `struct` does not have (a misspelling, a prop of another kind), leaving
 * the types and required props to a later check that can name a construct path.
 */
export function checkKnownPropsAt(where: string, struct: string, props: unknown): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return;
  for (const [key, value] of Object.entries(props)) {
    if (!(key in STRUCT_SHAPES[struct]) && value !== undefined) {
      const p = unknownProp(struct, key, value, undefined);
      throw new Error(errorText(where, p.prop, p.value, p.expected, preview(p.value)));
    }
  }
}

/**
 * Checks one value against a type of ./prop-shapes.ts (`string[]`, `struct:NamedPort`, ...);
 * `prop` names the value in the message.
 */
export function checkTypeAt(where: string, type: string, value: unknown, prop: string): void {
  if (accepts(type, false)(value)) return;
  const p = shapeProblem(type, value, prop);
  if (p !== undefined) throw new Error(errorText(where, p.prop, p.value, p.expected, preview(p.value)));
}

/**
 * A construct given where one is expected (a scope), from untyped callers: `where` names the
 * call, e.g. "Guardrails.enforce()".
 */
export function checkScopeAt(where: string, prop: string, value: unknown): void {
  const node = (value as any)?.node;
  if (value === null || typeof value !== 'object' || typeof node !== 'object' || node === null || typeof node.path !== 'string') {
    throw new Error(errorText(where, prop, value, 'a construct (an App, a Chart or a construct in one)', preview(value)));
  }
}

/**
 * The first problem of `value` against `type`, or undefined; `top`: the props of a call, whose
 * fields are named alone; `knownOnly`: leave props the struct does not have to the caller.
 */
export function shapeProblem(type: string, value: unknown, prop: string, top = false, knownOnly = false): ShapeProblem | undefined {
  const optional = type.endsWith('?');
  const t = optional ? type.slice(0, -1) : type;
  if (value === undefined) {
    return optional ? undefined : { prop, value, expected: `${describe(t)}: ${prop} is required` };
  }
  if (value === null) return { prop, value, expected: `${describe(t)}${optional ? `, or no ${prop} at all` : ''} (not null)` };
  const wrong = (hint = '') => ({ prop, value, expected: describe(t) + hint });

  if (t === 'any') return undefined;
  if (t === 'string') return typeof value === 'string' ? undefined : wrong(quoteHint(value));
  if (t === 'number') {
    if (typeof value !== 'number') return wrong(typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)) ? ` (write ${Number(value)}, not ${JSON.stringify(value)})` : '');
    return Number.isFinite(value) ? undefined : { prop, value, expected: 'a finite number' };
  }
  if (t === 'boolean') return typeof value === 'boolean' ? undefined : wrong();
  if (t.endsWith('[]')) {
    const element = t.slice(0, -2);
    if (!Array.isArray(value)) return wrong(isPlainObject(value) && element.startsWith('struct:') ? ` (a list, e.g. [${preview(value)}], not one object)` : '');
    for (let i = 0; i < value.length; i++) {
      const p = shapeProblem(element, value[i], `${prop}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (t.startsWith('{')) {
    if (!isPlainObject(value)) return wrong(Array.isArray(value) ? ' (a map of keys to values, not a list)' : '');
    const element = t.slice(1, -1);
    for (const key of Object.keys(value as object)) {
      const p = shapeProblem(element, (value as any)[key], `${prop}.${key}`);
      if (p) return p;
    }
    return undefined;
  }
  const [form, name] = t.split(':');
  if (form === 'enum') {
    return Object.values(ENUM_VALUES[name]).includes(value as string) ? undefined : wrong();
  }
  if (form === 'class') return isInstanceOf(value, name) ? undefined : wrong();
  if (form === 'object') return typeof value === 'object' && !Array.isArray(value) ? undefined : wrong();
  if (form === 'struct') {
    if (!isPlainObject(value) && !(typeof value === 'object' && !Array.isArray(value))) return wrong();
    const fields = STRUCT_SHAPES[name];
    for (const key of Object.keys(value as object)) {
      if (!knownOnly && !(key in fields) && (value as any)[key] !== undefined) return unknownProp(name, key, (value as any)[key], top ? undefined : prop);
    }
    for (const [key, fieldType] of Object.entries(fields)) {
      const p = shapeProblem(fieldType, (value as any)[key], top ? key : `${prop}.${key}`);
      // A hint that repeats the value ("quote it: ...") goes too.
      if (p) return SECRET_FIELDS.has(`${name}.${key}`) ? { ...p, value: new Hidden(p.value), expected: p.expected.replace(/ \((quote it:|write) .*\)$/, '') } : p;
    }
    return undefined;
  }
  throw new Error(`unknown prop type ${type}`);
}

/** Whether a value has a type: the same verdict as `shapeProblem(...) === undefined`, without its messages. */
type Accept = (value: unknown) => boolean;

const ACCEPT = new Map<string, Accept>();
const ACCEPT_KNOWN_ONLY = new Map<string, Accept>();

/**
 * The check of `type` (a type of ./prop-shapes.ts), made once per type from the table and kept:
 * the props of every construct pass it without the type strings being parsed or messages
 * built. It accepts exactly what `shapeProblem` accepts; where it refuses, `shapeProblem`
 * finds the problem and words it (a type the table does not know is refused here, and
 * `shapeProblem` throws for it where it would have).
 */
function accepts(type: string, knownOnly: boolean): Accept {
  const cache = knownOnly ? ACCEPT_KNOWN_ONLY : ACCEPT;
  let check = cache.get(type);
  if (check === undefined) {
    check = compile(type, knownOnly);
    cache.set(type, check);
  }
  return check;
}

function compile(type: string, knownOnly: boolean): Accept {
  const optional = type.endsWith('?');
  const t = optional ? type.slice(0, -1) : type;
  const present = compilePresent(t, knownOnly);
  return optional
    ? (v) => v === undefined || (v !== null && present(v))
    : (v) => v !== undefined && v !== null && present(v);
}

/** The check of a value that is neither undefined nor null. */
function compilePresent(t: string, knownOnly: boolean): Accept {
  if (t === 'any') return () => true;
  if (t === 'string') return (v) => typeof v === 'string';
  if (t === 'number') return (v) => typeof v === 'number' && Number.isFinite(v);
  if (t === 'boolean') return (v) => typeof v === 'boolean';
  if (t.endsWith('[]')) {
    const element = t.slice(0, -2);
    return (v) => {
      if (!Array.isArray(v)) return false;
      const each = accepts(element, false);
      for (let i = 0; i < v.length; i++) if (!each(v[i])) return false;
      return true;
    };
  }
  if (t.startsWith('{')) {
    const element = t.slice(1, -1);
    return (v) => {
      if (!isPlainObject(v)) return false;
      const each = accepts(element, false);
      for (const key of Object.keys(v as object)) if (!each((v as any)[key])) return false;
      return true;
    };
  }
  const [form, name] = t.split(':');
  if (form === 'enum' && ENUM_VALUES[name] !== undefined) {
    const members = new Set<unknown>(Object.values(ENUM_VALUES[name]));
    return (v) => members.has(v);
  }
  if (form === 'class') return (v) => isInstanceOf(v, name);
  if (form === 'object') return (v) => typeof v === 'object' && !Array.isArray(v);
  if (form === 'struct' && STRUCT_SHAPES[name] !== undefined) {
    const shape = STRUCT_SHAPES[name];
    // Made on first use: structs refer to one another.
    let fields: Array<[string, Accept]> | undefined;
    return (v) => {
      if (typeof v !== 'object' || Array.isArray(v)) return false;
      const value = v as { [key: string]: unknown };
      if (!knownOnly) {
        for (const key of Object.keys(value)) if (!(key in shape) && value[key] !== undefined) return false;
      }
      fields ??= Object.entries(shape).map(([key, fieldType]) => [key, accepts(fieldType, false)]);
      for (const [key, check] of fields) if (!check(value[key])) return false;
      return true;
    };
  }
  return () => false;
}

/** A prop that `struct` does not have: a misspelling, or a prop of another kind. */
function unknownProp(struct: string, key: string, value: unknown, prop: string | undefined): ShapeProblem {
  const path = prop === undefined ? key : `${prop}.${key}`;
  const why = FOREIGN_REASONS.get(struct)?.get(key);
  if (why !== undefined) return { prop: path, value, expected: why };
  const fields = Object.keys(STRUCT_SHAPES[struct]);
  const owner = siblingProps(struct).has(key) ? Object.keys(STRUCT_SHAPES).find((s) => s !== struct && key in STRUCT_SHAPES[s] && (STRUCT_BASES[s] ?? []).some((b) => (STRUCT_BASES[struct] ?? []).includes(b))) : undefined;
  const near = nearest(key, fields);
  return {
    prop: prop === undefined ? `prop ${key}` : path,
    value,
    expected: `a prop of ${struct}${owner ? ` (${key} is a prop of ${owner} only)` : near ? ` (did you mean ${near}?)` : `, one of ${fields.join(', ')}`}`,
  };
}

const FOREIGN_REASONS = new Map<string, Map<string, string>>();

/**
 * Says why props of another kind mean nothing for `struct`, so that giving one is an error
 * that explains itself: `why(prop)` fits after "expected", e.g. "no replicas on a SafeJob:
 * its pods run to completion ...".
 */
export function explainForeignProps(struct: string, props: readonly string[], why: (prop: string) => string): void {
  const reasons = FOREIGN_REASONS.get(struct) ?? new Map<string, string>();
  for (const p of props) reasons.set(p, why(p));
  FOREIGN_REASONS.set(struct, reasons);
}

const SIBLING_PROPS = new Map<string, Set<string>>();

/**
 * Props of the structs that share a base with `struct`, and that `struct` has not: the props
 * of the other workload kinds for SafeJobProps, of a sidecar for InitContainerProps.
 */
export function siblingProps(struct: string): Set<string> {
  let out = SIBLING_PROPS.get(struct);
  if (out === undefined) {
    const bases = new Set(STRUCT_BASES[struct] ?? []);
    out = new Set<string>();
    for (const [other, otherBases] of Object.entries(STRUCT_BASES)) {
      if (other === struct || !otherBases.some((b) => bases.has(b))) continue;
      for (const key of Object.keys(STRUCT_SHAPES[other])) if (!(key in STRUCT_SHAPES[struct])) out.add(key);
    }
    SIBLING_PROPS.set(struct, out);
  }
  return out;
}

/** The type in words, for "expected ...". */
export function describe(type: string): string {
  const t = type.endsWith('?') ? type.slice(0, -1) : type;
  if (t === 'any') return 'any value';
  if (t === 'string') return 'a string';
  if (t === 'number') return 'a number';
  if (t === 'boolean') return 'true or false (a boolean, not a string)';
  if (t.endsWith('[]')) return `a list of ${plural(t.slice(0, -2))}`;
  if (t.startsWith('{')) return `a map of string keys to ${plural(t.slice(1, -1))}`;
  const [form, name] = t.split(':');
  if (form === 'enum') {
    const members = Object.keys(ENUM_VALUES[name]);
    const names = `${members.slice(0, -1).join(', ')}${members.length > 1 ? ' or ' : ''}${members[members.length - 1]}`;
    return `${name}.${names} (${Object.values(ENUM_VALUES[name]).map((v) => JSON.stringify(v)).join(', ')})`;
  }
  if (form === 'class') return `a ${name}${CLASS_EXAMPLES[name] ? ` such as ${CLASS_EXAMPLES[name]}` : ''}`;
  if (form === 'object') return `an object implementing ${name}`;
  return `an object with the props of ${name}`;
}

function plural(element: string): string {
  if (element === 'string') return 'strings';
  if (element === 'number') return 'numbers';
  if (element === 'boolean') return 'booleans';
  if (element === 'any') return 'values';
  const [form, name] = element.split(':');
  if (form === 'class' || form === 'object') return `${name}s`;
  if (form === 'struct') return `objects with the props of ${name}`;
  return describe(element);
}

/** How to make a value of the classes users pass most often. */
const CLASS_EXAMPLES: { [name: string]: string } = {
  Duration: 'Duration.seconds(30)',
  Size: 'Size.gibibytes(10)',
  Cpu: 'Cpu.millis(500)',
  ResourcePreset: 'ResourcePreset.SMALL',
  NetworkPeer: 'NetworkPeer.pods({ app: \'gateway\' })',
  KubernetesVersion: 'KubernetesVersion.V1_30',
  Profile: 'Profile.RESTRICTED',
  SecretStoreRef: 'SecretStoreRef.secretStore(\'<name>\')',
};

function quoteHint(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: ${JSON.stringify(String(value))})` : '';
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * An instance of the class named `name`, matched by name along the prototype chain: two copies
 * of a dependency (cdk8s in the app and in the library) make instanceof fail where the value
 * is right.
 */
function isInstanceOf(value: unknown, name: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (let p = Object.getPrototypeOf(value); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === name) return true;
  }
  return false;
}

/** Fields whose values are probably secrets: an error names their shape, never their content. */
const SECRET_FIELDS = new Set(['SealedSecretSourceProps.encryptedData']);

/** A value an error message must not show (it may be a plain secret): only its shape. */
class Hidden {
  constructor(private readonly value: unknown) {}
  public toString(): string {
    const v = this.value;
    if (typeof v === 'string') return `(${v.length} characters, not shown)`;
    if (Array.isArray(v)) return '(a list, not shown)';
    return `(${v === null ? 'null' : typeof v}, not shown)`;
  }
}

/** A value for an error message: objects that are not plain data by their class. */
function preview(value: unknown): string {
  if (value instanceof Hidden) return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isPlainObject(value)) {
    return `(a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'object'})`;
  }
  return show(value);
}

