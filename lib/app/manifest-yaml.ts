import * as path from 'path';
import * as YAML from 'yaml';

/**
 * The `yaml` module that cdk8s itself uses, so that the output matches `App.synth()` even if
 * the two copies of the package ever differ.
 */
function cdk8sYaml(): typeof YAML {
  try {
    return require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));
  } catch {
    return YAML;
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
 * Renderings of strings that are not plain, made by the `yaml` package itself as a map value
 * at the first level. A multi-line rendering has its continuation lines indented by two
 * spaces; `reindent` moves them to the real column.
 */
const rendered = new Map<string, string>();
const MAX_CACHED = 100_000;

function renderString(s: string): string {
  let r = rendered.get(s);
  if (r === undefined) {
    const out = Y.stringify({ k: s }, OPTIONS);
    r = out.slice(3, -1);
    if (rendered.size >= MAX_CACHED) rendered.clear();
    rendered.set(s, r);
  }
  return r;
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

function spaces(n: number): string {
  return ' '.repeat(n);
}

/**
 * Appends the entries of a map whose keys start at `column`. With `inline`, the first entry
 * continues the current line (after `- `).
 */
function writeMap(obj: { [key: string]: unknown }, column: number, inline: boolean, out: string[]): void {
  const indent = spaces(column);
  let first = inline;
  for (const key of Object.keys(obj)) {
    if (!isPlain(key)) throw FALLBACK;
    const head = first ? key + ':' : '\n' + indent + key + ':';
    first = false;
    const v = obj[key];
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        if (v.length === 0) {
          out.push(head + ' []');
        } else {
          out.push(head);
          writeSeq(v, column + 2, false, out);
        }
      } else {
        if (!isPlainObject(v)) throw FALLBACK;
        if (Object.keys(v).length === 0) {
          out.push(head + ' {}');
        } else {
          out.push(head);
          writeMap(v as { [key: string]: unknown }, column + 2, false, out);
        }
      }
    } else {
      out.push(head + scalar(v, column));
    }
  }
}

/** Appends the items of a sequence whose dashes are at `column`. */
function writeSeq(items: unknown[], column: number, inline: boolean, out: string[]): void {
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
          writeSeq(v, column + 2, true, out);
        }
      } else {
        if (!isPlainObject(v)) throw FALLBACK;
        if (Object.keys(v).length === 0) {
          out.push(head + ' {}');
        } else {
          out.push(head + ' ');
          writeMap(v as { [key: string]: unknown }, column + 2, true, out);
        }
      }
    } else {
      out.push(head + scalar(v, column));
    }
  }
}

/**
 * Writes Kubernetes manifests as YAML, several times faster than cdk8s's `Yaml.stringify`
 * and byte for byte the same: maps, sequences, numbers, booleans and plain strings are
 * written directly; every other string is rendered once by the `yaml` package (with
 * cdk8s's options) and reused; a document with anything unusual (keys that need quotes,
 * `undefined`, non-finite numbers, class instances) goes through the `yaml` package whole.
 */
export class ManifestYaml {
  /**
   * Renders documents as a multi-document YAML string, as cdk8s's `Yaml.stringify` does:
   * documents separated by `---`, an `undefined` document as an empty line.
   * @param docs the documents
   */
  public static stringify(docs: any[]): string {
    let s = '';
    for (let i = 0; i < docs.length; i++) {
      if (i > 0) s += '---\n';
      s += docs[i] === undefined ? '\n' : ManifestYaml.stringifyDocument(docs[i]);
    }
    return s;
  }

  /**
   * Renders one document (ending with a newline).
   * @param doc the document
   */
  public static stringifyDocument(doc: any): string {
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && isPlainObject(doc) && Object.keys(doc).length > 0) {
      const out: string[] = [];
      try {
        writeMap(doc, 0, true, out);
        out.push('\n');
        return out.join('');
      } catch (e) {
        if (e !== FALLBACK) throw e;
      }
    }
    return Y.stringify(doc, OPTIONS);
  }

  private constructor() {}
}
