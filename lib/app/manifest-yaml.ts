import * as path from 'path';
import type * as YAML from 'yaml';
import { useManifestWriter } from '../core/synthesis';

/**
 * The `yaml` module that cdk8s itself uses (and has loaded already): the output then matches
 * `App.synth()` even if the two copies of the package ever differ, and a second copy of the
 * package (some 70 modules) is not loaded at start-up.
 */
function cdk8sYaml(): typeof YAML {
  try {
    return require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));
  } catch {
    return require('yaml');
  }
}

const Y = cdk8sYaml();
// The options of cdk8s's `Yaml.stringify`.
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

// Strings that every YAML 1.1 and 1.2 parser reads back as the same string when written
// plain, and that the `yaml` package writes plain: a letter, '_' or '/' first (so never a
// number, date or indicator), then no space, '#', quote, bracket or comma, and no ':' last.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@=+-]*(?::[A-Za-z0-9_./@=+-]+)*$/;
// Words that YAML 1.1 or 1.2 reads as booleans or null; and 'e5', 'E+3' (1.1 floats).
const KEYWORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
]);

const EXPONENT = /^[eE][-+]?[0-9]+$/;

function isPlain(s: string): boolean {
  return PLAIN.test(s) && !KEYWORDS.has(s) && !EXPONENT.test(s);
}

/** Thrown inside the fast path when a document needs the general emitter. */
class Fallback {}
const FALLBACK = new Fallback();

/**
 * Tests of the YAML 1.2 core schema types (the `yaml-1.1` mode of cdk8s writes e.g. `0o17`
 * plain, which a YAML 1.2 parser reads as the number 15).
 */
const CORE_TYPES: RegExp[] = ((): RegExp[] => {
  const schema = new Y.Document(null, { version: '1.2' }).schema as unknown as { tags: Array<{ default?: boolean; tag: string; test?: RegExp }> };
  return schema.tags.filter((t) => t.default && t.test && t.tag !== 'tag:yaml.org,2002:str').map((t) => t.test!);
})();

/**
 * Renderings of strings that are not plain, made by the `yaml` package itself as a map value
 * at the first level (so the bytes are cdk8s's), except where those bytes would not read
 * back as the same string (a YAML 1.2 number written plain, a line of spaces in a block
 * scalar): double-quoted then. A multi-line rendering has its continuation lines
 * indented by two spaces; `reindent` moves them to the real column.
 */
const rendered = new Map<string, string>();
const renderedKeys = new Map<string, string>();
const MAX_CACHED = 100_000;
/** The longest implicit (`key:`) map key, in characters, that YAML readers take. */
const MAX_IMPLICIT_KEY = 1024;

/**
 * A YAML double-quoted string, exact in YAML 1.1 and 1.2: JSON's escapes, plus escapes for
 * what JSON leaves raw but YAML does not read back (C1 controls, the 1.1 line breaks NEL,
 * LS and PS, byte order marks).
 */
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A line of only spaces or tabs: read as an empty line inside a block scalar. */
const BLANK_LINE = /(^|\n)[ \t]+(\n|$)/;

/**
 * Characters that Go's YAML 1.1 reader (sigs.k8s.io/yaml, which Kubernetes and kubectl use)
 * refuses or reads differently unless escaped, even inside double quotes: C0 and C1 controls
 * but tab and line breaks, DEL, the line breaks NEL, LS and PS of YAML 1.1, byte order marks
 * and the non-characters U+FFFE and U+FFFF. The `yaml` package writes some of them raw.
 */
const NEEDS_ESCAPE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/**
 * Plain scalars that Go's YAML 1.1 reader resolves to a number although the `yaml` package's
 * YAML 1.1 schema writes them plain as strings: it drops every '_' and then parses an integer
 * the way Go's strconv does with base 0 (so "0O17", "0X1f" and "0B1" are numbers), or a float.
 */
function goReadsAsNumber(s: string): boolean {
  if (!/^[-+.0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, '');
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain)
    || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain);
}

/** Whether a rendering of `s` by the `yaml` package would not read back as `s` in YAML 1.1 (Go) or 1.2. */
function needsDoubleQuotes(s: string, r: string): boolean {
  if (NEEDS_ESCAPE.test(r)) return true;
  if (r === s) return CORE_TYPES.some((t) => t.test(s)) || goReadsAsNumber(s);
  // A block scalar: a line of only blanks reads as an empty line; a first line starting with
  // a tab is refused by Go's reader.
  return (r[0] === '|' || r[0] === '>') && (BLANK_LINE.test(s) || s[0] === '\t');
}

function remember(cache: Map<string, string>, s: string, r: string): string {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(s, r);
  return r;
}

/** A UTF-16 surrogate without its partner: not a character, so not encodable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Thrown for a string that no YAML reader of Kubernetes accepts, whatever the quoting. */
class Unwritable extends Error {}

function renderString(s: string): string {
  let r = rendered.get(s);
  if (r !== undefined) return r;
  const lone = LONE_SURROGATE.exec(s);
  if (lone) {
    throw new Unwritable(`the string ${JSON.stringify(s.length > 60 ? s.slice(0, 60) + '...' : s)} holds an unpaired UTF-16 surrogate `
      + `(U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}), which is not a character: `
      + 'the API server, kubectl and every YAML reader of Kubernetes refuse the whole file. Remove it or pair it');
  }
  r = Y.stringify({ k: s }, OPTIONS).slice(3, -1);
  if (needsDoubleQuotes(s, r)) r = doubleQuoted(s);
  return remember(rendered, s, r);
}

/** A map key that is not plain, as the `yaml` package writes it (one line), or double-quoted. */
function renderKey(k: string): string {
  let r = renderedKeys.get(k);
  if (r !== undefined) return r;
  // What the `yaml` package leaves raw and Go's reader needs escaped (a byte order mark at the
  // start of a document would also be dropped).
  if (NEEDS_ESCAPE.test(k) && NEEDS_ESCAPE.test(Y.stringify(k, OPTIONS))) return remember(renderedKeys, k, doubleQuoted(k));
  // An explicit `? |` key, or a document marker (quoted or not depending on the depth).
  if (/[\n\r]/.test(k) || /^(%|---|\.\.\.)/.test(k)) throw FALLBACK;
  const out = Y.stringify({ [k]: 1 }, OPTIONS);
  if (!out.endsWith(': 1\n') || out.startsWith('? ') || out.indexOf('\n') !== out.length - 1) throw FALLBACK;
  r = out.slice(0, -4);
  // '<<' is a merge key in YAML 1.1.
  if (r === k && (k === '<<' || needsDoubleQuotes(k, r))) r = doubleQuoted(k);
  return remember(renderedKeys, k, r);
}

function reindent(r: string, column: number): string {
  if (column === 0 || !r.includes('\n')) return r;
  return r.replace(/\n(?=[^\n])/g, '\n' + ' '.repeat(column));
}

/** A scalar after `key:` or `-` (with the leading space), for content at `column` + 2. */
function scalar(v: unknown, column: number): string {
  switch (typeof v) {
    case 'string':
      return ' ' + (isPlain(v) ? v : reindent(renderString(v), column));
    case 'number':
      if (!Number.isFinite(v) || Object.is(v, -0)) throw FALLBACK;
      return ' ' + JSON.stringify(v);
    case 'boolean':
      return v ? ' true' : ' false';
    default:
      if (v === null) return ' null';
      throw FALLBACK;
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const INDENTS: string[] = [];
function spaces(n: number): string {
  return INDENTS[n] ?? (INDENTS[n] = ' '.repeat(n));
}

// Pieces of the document being written (the writer is synchronous and never re-entered).
let out: string[] = [];

/**
 * Appends the entries of a map whose keys start at `column`. With `inline`, the first entry
 * continues the current line (after `- `).
 */
function writeMap(obj: { [key: string]: unknown }, column: number, inline: boolean): void {
  const indent = spaces(column);
  let first = inline;
  for (const key of Object.keys(obj)) {
    const k = isPlain(key) ? key : renderKey(key);
    // Go's reader takes a key of more than 1024 characters only as an explicit `? key`; the
    // `yaml` package writes it so from 1025 UTF-16 units (never fewer than the characters).
    const explicit = k.length > MAX_IMPLICIT_KEY;
    const head = (first ? '' : '\n' + indent) + (explicit ? `? ${k}\n${indent}:` : k + ':');
    first = false;
    const v = obj[key];
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        if (v.length === 0) {
          out.push(head + ' []');
        } else {
          out.push(explicit ? head + ' ' : head);
          writeSeq(v, column + 2, explicit);
        }
      } else {
        if (!isPlainObject(v)) throw FALLBACK;
        if (Object.keys(v).length === 0) {
          out.push(head + ' {}');
        } else {
          out.push(explicit ? head + ' ' : head);
          writeMap(v as { [key: string]: unknown }, column + 2, explicit);
        }
      }
    } else {
      out.push(head + scalar(v, column));
    }
  }
}

/** Appends the items of a sequence whose dashes are at `column`. */
function writeSeq(items: unknown[], column: number, inline: boolean): void {
  const indent = spaces(column);
  for (let i = 0; i < items.length; i++) {
    const head = inline && i === 0 ? '-' : '\n' + indent + '-';
    if (!(i in items)) throw FALLBACK; // a hole
    const v = items[i];
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        if (v.length === 0) {
          out.push(head + ' []');
        } else {
          out.push(head + ' ');
          writeSeq(v, column + 2, true);
        }
      } else {
        if (!isPlainObject(v)) throw FALLBACK;
        if (Object.keys(v).length === 0) {
          out.push(head + ' {}');
        } else {
          out.push(head + ' ');
          writeMap(v as { [key: string]: unknown }, column + 2, true);
        }
      }
    } else {
      out.push(head + scalar(v, column));
    }
  }
}

/**
 * Writes Kubernetes manifests as YAML, several times faster than cdk8s's `Yaml.stringify`
 * and with the same bytes: maps, sequences, numbers, booleans and plain strings are written
 * directly; every other string is rendered once by the `yaml` package (with cdk8s's
 * options) and reused; a document with anything a manifest does not have (`undefined`,
 * non-finite numbers, class instances, keys with line breaks) goes through the `yaml`
 * package whole.
 *
 * The only difference: strings that cdk8s writes so that they do not read back the same,
 * with the JavaScript reader or with the Go YAML 1.1 reader that Kubernetes and kubectl use
 * (sigs.k8s.io/yaml), are double-quoted with escapes: `0o17` (written plain, a YAML 1.2
 * number), `0X1F`, `0O17` and `0B1` (numbers to Go), text with a line of only spaces (a block
 * scalar reads it as an empty line) or whose first line starts with a tab (Go refuses the
 * block scalar), a `<<` key (a YAML 1.1 merge), and text with characters that Go refuses or
 * reads as line breaks unless escaped (DEL, C1 controls, NEL U+0085, LS U+2028, PS U+2029,
 * byte order marks, U+FFFE, U+FFFF).
 */
export class ManifestYaml {
  /**
   * Renders documents as a multi-document YAML string, as cdk8s's `Yaml.stringify` does:
   * documents separated by `---`, an `undefined` document as an empty line.
   * @param docs the documents
   */
  public static stringify(docs: any[]): string {
    const parts: string[] = [];
    for (const doc of docs) parts.push(doc === undefined ? '\n' : ManifestYaml.stringifyDocument(doc));
    return parts.join('---\n');
  }

  /**
   * Renders one document (ending with a newline).
   * @param doc the document
   */
  public static stringifyDocument(doc: any): string {
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && isPlainObject(doc) && Object.keys(doc).length > 0) {
      out = [];
      try {
        writeMap(doc, 0, true);
        out.push('\n');
        return out.join('');
      } catch (e) {
        if (e instanceof Unwritable) {
          const m = doc.metadata ?? {};
          throw new Error(`ManifestYaml: cannot write ${doc.kind ?? 'a document'} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}: ${e.message}.`);
        }
        if (e !== FALLBACK) throw e;
      } finally {
        out = [];
      }
    }
    return Y.stringify(doc, OPTIONS);
  }

  private constructor() {}
}

// A plain cdk8s App that the library watches writes with ManifestYaml too.
useManifestWriter((docs) => ManifestYaml.stringify(docs));
