/**
 * The structural check of Kubernetes' built-in objects against their OpenAPI schema
 * (schema/k8s-openapi.json, written by scripts/k8s-schema.js from Kubernetes' own spec): JSON
 * types, unknown fields (as the API server's strict field validation), required fields, enum
 * values, int32/int64 bounds, int-or-string and quantities, then the rules of single
 * definitions the schema cannot say (structural.ts).
 *
 * The data is read once, on first use, and compiled into one map of fields per definition, so
 * that checking an object is one walk with a map lookup per field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nearest } from '../nearest';
import { unquotedYamlReading } from '../yaml-words';
import { quantityProblem } from './rules';
import { DEFINITION_RULES, EMPTY_IS_UNSET, MINIMUMS } from './structural';

/** Where findings of the walk go. */
export interface SchemaFindings {
  /** `value` at `field` is refused; `expected` says what is allowed. */
  bad(field: string, value: unknown, expected: string): void;
  /** A finding at `field` whose words are not "value; expected ...". */
  say(field: string, message: string): void;
  /**
   * The Kubernetes minor version the object targets (lib/core/validation/target.ts): rules an
   * API server relaxed in a later version hold until the target reaches it. Unset: 27.
   */
  targetMinor?(): number;
}

type Scalar = 'string' | 'boolean' | 'int32' | 'int64' | 'integer' | 'number' | 'quantity' | 'int-or-string' | 'any';

interface Type {
  readonly scalar?: Scalar;
  readonly def?: Definition;
  /** Items of a list. */
  readonly list?: Type;
  /** Values of a map. */
  readonly map?: Type;
}

interface Field {
  readonly name: string;
  readonly type: Type;
  readonly enum?: readonly string[];
  /** The least integer the API server accepts. */
  readonly min?: number;
  /** Whether "" means unset: the API server defaults the field, or its validation takes "" (EMPTY_IS_UNSET). */
  readonly emptyIsUnset?: boolean;
}

interface Definition {
  readonly name: string;
  /** The definition's short name, as messages show it (`Container`). */
  readonly short: string;
  readonly fields: Map<string, Field>;
  readonly required: readonly string[];
}

interface Data {
  readonly kinds: { [apiVersion: string]: { [kind: string]: string } };
  readonly definitions: { [name: string]: { properties: { [field: string]: string }; required?: string[]; enum?: { [field: string]: string[] } } };
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2 ** 63;

/** The schema data file, shipped with the package (`schema/` next to `lib/` and `build/`). */
export const SCHEMA_FILE = path.join(__dirname, '..', '..', '..', 'schema', 'k8s-openapi.json');

interface Compiled {
  readonly kinds: Map<string, Definition>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const data: Data = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const defs = new Map<string, Definition>();
  for (const name of Object.keys(data.definitions)) {
    defs.set(name, { name, short: name.slice(name.lastIndexOf('.') + 1), fields: new Map(), required: data.definitions[name].required ?? [] });
  }
  const parse = (code: string): Type => {
    if (code.startsWith('[]')) return { list: parse(code.slice(2)) };
    if (code.startsWith('{}')) return { map: parse(code.slice(2)) };
    if (code.startsWith('@')) {
      const def = defs.get(code.slice(1));
      if (!def) throw new Error(`${SCHEMA_FILE}: no definition ${code.slice(1)}`);
      return { def };
    }
    return { scalar: code as Scalar };
  };
  for (const [name, d] of Object.entries(data.definitions)) {
    const def = defs.get(name)!;
    const mins = MINIMUMS[name] ?? {};
    const empty = EMPTY_IS_UNSET[name] ?? [];
    for (const [field, code] of Object.entries(d.properties)) {
      def.fields.set(field, { name: field, type: parse(code), enum: d.enum?.[field], min: mins[field], emptyIsUnset: empty.includes(field) || undefined });
    }
  }
  const kinds = new Map<string, Definition>();
  for (const [apiVersion, byKind] of Object.entries(data.kinds)) {
    for (const [kind, name] of Object.entries(byKind)) kinds.set(`${apiVersion}/${kind}`, defs.get(name)!);
  }
  return { kinds };
}

function schema(): Compiled {
  return compiled ??= compile();
}

/** Whether `apiVersion` + `kind` is a built-in kind of Kubernetes (in the schema data). */
export function isBuiltinKind(apiVersion: unknown, kind: unknown): boolean {
  return schema().kinds.has(`${apiVersion}/${kind}`);
}

/**
 * Checks a built-in object against its schema; does nothing for other kinds.
 * @returns whether the kind is built in.
 */
export function checkSchema(obj: unknown, findings: SchemaFindings): boolean {
  if (!isObject(obj)) return false;
  const def = schema().kinds.get(`${obj.apiVersion}/${obj.kind}`);
  if (!def) return false;
  walkDefinition(def, obj, '', findings);
  return true;
}

function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function walkDefinition(def: Definition, v: unknown, field: string, f: SchemaFindings): void {
  if (!isObject(v)) { f.bad(field, v, `an object (${def.short})${yamlHint(v)}`); return; }
  for (const key in v) {
    const spec = def.fields.get(key);
    if (spec === undefined) { f.say(join(field, key), unknownField(def, key)); continue; }
    const x = v[key];
    if (x === null || x === undefined || (x === '' && spec.emptyIsUnset)) continue;
    walkChild(spec.type, x, field, key, f, spec);
  }
  for (const key of def.required) {
    if (v[key] === undefined || v[key] === null) f.bad(join(field, key), undefined, `a value: ${def.short}.${key} is required`);
  }
  const rule = DEFINITION_RULES[def.name];
  if (rule) rule(v, field, f);
}

/**
 * `walkType` of the field `key` (a list item when a number) of `field`. The field's path is
 * written only when needed: most fields are scalars that pass.
 */
function walkChild(t: Type, x: unknown, field: string, key: string | number, f: SchemaFindings, spec?: Field): void {
  if (t.scalar === undefined) { walkType(t, x, childPath(field, key), f, spec); return; }
  const problem = scalarProblem(t.scalar, x, spec);
  if (problem !== undefined) f.bad(childPath(field, key), x, problem);
}

function childPath(field: string, key: string | number): string {
  return typeof key === 'number' ? `${field}[${key}]` : join(field, key);
}

function walkType(t: Type, x: unknown, field: string, f: SchemaFindings, spec?: Field): void {
  if (t.def) { walkDefinition(t.def, x, field, f); return; }
  if (t.list) {
    if (!Array.isArray(x)) { f.bad(field, x, `a list${yamlHint(x)}`); return; }
    for (let i = 0; i < x.length; i++) if (x[i] !== null && x[i] !== undefined) walkChild(t.list, x[i], field, i, f, spec);
    return;
  }
  if (t.map) {
    if (!isObject(x)) { f.bad(field, x, `a map${yamlHint(x)}`); return; }
    for (const key in x) if (x[key] !== null && x[key] !== undefined) walkChild(t.map, x[key], field, key, f);
    return;
  }
  const problem = scalarProblem(t.scalar!, x, spec);
  if (problem !== undefined) f.bad(field, x, problem);
}

/** What a scalar field allows, when `x` is not that; undefined when it is. */
function scalarProblem(scalar: Scalar, x: unknown, spec: Field | undefined): string | undefined {
  switch (scalar) {
    case 'string':
      if (typeof x !== 'string') return `a string${spec?.enum ? ` (one of ${spec.enum.join(', ')})` : ''}${yamlHint(x)}`;
      if (spec?.enum && !spec.enum.includes(x)) return enumProblem(spec.enum, x);
      return undefined;
    case 'boolean':
      return typeof x === 'boolean' ? undefined : `true or false${yamlHint(x, 'boolean')}`;
    case 'int32':
      return intProblem(x, spec?.min ?? INT32_MIN, INT32_MAX);
    case 'int64':
    case 'integer':
      return intProblem(x, spec?.min ?? -INT64_MAX, INT64_MAX);
    case 'number':
      return typeof x === 'number' && Number.isFinite(x) ? undefined : `a number${yamlHint(x, 'number')}`;
    case 'quantity': {
      // The API server's quantity decoder trims spaces around the amount.
      const text = typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : x;
      return quantityProblem(text) === undefined ? undefined : `a quantity such as "250m", "0.5", "128Mi" or "1Gi"${yamlHint(x)}`;
    }
    case 'int-or-string':
      if (typeof x === 'string') return undefined;
      if (typeof x === 'number') {
        const min = spec?.min ?? INT32_MIN;
        return Number.isInteger(x) && x >= min && x <= INT32_MAX ? undefined : `an integer from ${min} to ${INT32_MAX} or a string such as "25%"`;
      }
      return `an integer or a string${yamlHint(x)}`;
    default:
      return undefined;
  }
}

function intProblem(x: unknown, min: number, max: number): string | undefined {
  if (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max) return undefined;
  const range = min === 0 ? 'a whole number of at least 0' : min === 1 ? 'a whole number of at least 1'
    : max === INT32_MAX ? 'a whole number that fits 32 bits (int32)' : 'a whole number that fits 64 bits (int64)';
  return typeof x === 'number' ? range : `${range}${yamlHint(x, 'number')}`;
}

function enumProblem(values: readonly string[], x: string): string {
  const near = values.find((v) => v.toLowerCase() === x.toLowerCase());
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return `one of ${list}${near ? ` (${JSON.stringify(near)}: the values are case-sensitive)` : ''}`;
}

/**
 * Why a YAML value came out as the wrong JSON type. A string where a number or boolean is
 * wanted was quoted, or written in a form the YAML reader does not take as one (`0o17` to a
 * YAML 1.1 reader); a string where anything else is wanted needs no hint.
 */
function yamlHint(x: unknown, wanted?: 'number' | 'boolean'): string {
  const unquoted = unquotedYamlReading(x);
  if (unquoted !== undefined) return ` (${unquoted})`;
  if (typeof x === 'string') {
    if (wanted === 'number') return ' (a string, not a number: write a decimal number without quotes in YAML)';
    if (wanted === 'boolean') return ' (a string, not a boolean: write true or false without quotes in YAML)';
    return '';
  }
  if (Array.isArray(x)) return ', not a list';
  if (isObject(x)) return ', not an object';
  return '';
}

function unknownField(def: Definition, key: string): string {
  const known = [...def.fields.keys()];
  const near = nearest(key, known, 3); // within 2 edits, or only the letter case
  return `field ${JSON.stringify(key)} is unknown in ${def.short}: the API server's strict field validation refuses it`
    + (near ? ` (did you mean ${JSON.stringify(near)}?)` : `; known fields: ${known.join(', ')}`);
}

