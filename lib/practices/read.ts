/**
 * Reading manifests the way kubectl does. Kubernetes reads YAML with sigs.k8s.io/yaml, a
 * YAML 1.1 reader (go-yaml v2), so this reader follows it rather than YAML 1.2:
 *
 * - `<<` merge keys are resolved (keys after a merge key override it); a merge key that sets a
 *   field an earlier entry set is refused, since readers disagree on it (merge-keys.ts);
 * - `y`, `Y`, `yes`, `Yes`, `YES`, `on`, `On`, `ON` are `true`, and `n`, `N`, `no`, `No`,
 *   `NO`, `off`, `Off`, `OFF` are `false` (also as map keys, which then read `"true"` and
 *   `"false"`);
 * - `0777` is octal, `0b101` binary, `0x1F` hexadecimal, `0o17` octal; `_` inside numbers is
 *   ignored;
 * - timestamps (`2024-01-05`) and base-60 numbers (`1:30`) stay strings, as go-yaml v2 returns
 *   them;
 * - a number too large for a float (`1e400`) stays a string, as go-yaml v2 returns it;
 * - excessive aliasing is refused as go-yaml v2 refuses it (an alias bomb): when more than 100
 *   decoded nodes come from aliases, more than 1,000 nodes are decoded in all, and the share from
 *   aliases is above the allowed ratio (99% up to 400,000 nodes, falling to 10% at 4,000,000);
 * - a `%YAML` directive other than `%YAML 1.1` is refused ("found incompatible YAML document");
 * - a key given twice in one map is an error (kubectl's strict field validation refuses it).
 *
 * Block YAML as Kubernetes tools write it is read by a fast reader of that subset
 * (fast-read.ts), which gives the same values; anything else by the `yaml` package.
 *
 * Every document must be an object with `apiVersion` and `kind`; `kind: List` documents
 * (kubectl output) are expanded, nested Lists included. Whatever cannot be read is returned
 * as a problem, never skipped without a word.
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, Scalar, visit } from 'yaml';
import { fastDocuments, giveUp } from './fast-read';
import { flowDepthProblem, jsonStream, longImplicitKeyProblem, loneSurrogateAt } from './go-yaml-limits';
import { aliasOrMergeProblem, mergeOverride, mergeOverrideProblem } from './merge-keys';
import { ManifestInput } from './model';
import { isObject } from './objects';
import { notAString } from './rules/yaml-types';

/** Nodes decoded from aliases that go-yaml v2 allows in any document, whatever the ratio. */
export const MAX_ALIAS_COUNT = 100;
const ALIAS_RATIO_LOW = 400000;
const ALIAS_RATIO_HIGH = 4000000;

/** The share of decoded nodes that may come from aliases after `decoded` nodes (go-yaml v2's allowedAliasRatio). */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= ALIAS_RATIO_LOW) return 0.99;
  if (decoded >= ALIAS_RATIO_HIGH) return 0.10;
  return 0.99 - 0.89 * ((decoded - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

/**
 * Whether decoding a document aliases excessively, counted as go-yaml v2 counts it: every node
 * decoded (the document, keys, values, items, an alias and what it expands to), and those
 * decoded inside an alias's expansion. Stops as soon as go-yaml would.
 */
function excessiveAliasing(doc: Document): boolean {
  const targets = new Map<unknown, unknown>();
  const anchors = new Map<string, unknown>();
  let hasAlias = false;
  visit(doc, (_key, node) => {
    if (isAlias(node)) { hasAlias = true; targets.set(node, anchors.get(node.source)); return; }
    const anchor = (node as any)?.anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node);
  });
  if (!hasAlias) return false;
  let decoded = 1;
  let aliased = 0;
  const walk = (node: unknown, inAlias: boolean): boolean => {
    decoded++;
    if (inAlias) aliased++;
    if (aliased > MAX_ALIAS_COUNT && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) return true;
    if (isAlias(node)) return walk(targets.get(node), true);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const mergeKey = isScalar(pair.key) && pair.key.value === '<<';
        if (!mergeKey && walk(pair.key, inAlias)) return true;
        if (mergeKey && isSeq(pair.value)) {
          for (const item of pair.value.items) if (walk(item, inAlias)) return true;
        } else if (walk(pair.value, inAlias)) return true;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (walk(item, inAlias)) return true;
    }
    return false;
  };
  return walk(doc.contents, false);
}
/** How deep `kind: List` objects may nest. */
const MAX_LIST_DEPTH = 10;

/** What one file or stream gave: the objects, and the problems that make the input unreadable. */
export interface ReadResult {
  readonly inputs: ManifestInput[];
  /** Messages, each starting with the source. */
  readonly problems: string[];
  /** Line (1-based) where each source (`file#2`, `file[0]`) starts. */
  readonly lines: Map<string, number>;
  /** What was read differently from how some readers would, told but not an error (JSON read as YAML). */
  readonly notes: string[];
  /** The text that was read, by file (or `<stdin>`): to find the line of a field later (`FieldLines`). */
  readonly texts: Map<string, string>;
  /**
   * What could still be made of documents refused as input errors (a key given twice, a tab):
   * never checked, but other objects may be judged against them (a Service's pods), so that a
   * refused document leaves no follow-on finding ("selects no pods") on the objects around it.
   */
  readonly unreadable: ManifestInput[];
}

/**
 * Finds the line of a field (`spec.template.spec.containers[0].image`) of an object in the text
 * it was read from, whatever the input: a file, standard input, a document of a multi-document
 * stream, an item of a `kind: List` (`file#2[0]`). When the field is not in the text (a missing
 * probe), the line of its deepest ancestor that is (the container). Each document is parsed
 * once, however many fields are asked of it.
 */
export class FieldLines {
  private readonly docs = new Map<string, { doc: Document; counter: LineCounter } | undefined>();

  /** `texts`: file -> text (ReadResult.texts); `lines`: source -> first line of its document (ReadResult.lines). */
  constructor(private readonly texts: ReadonlyMap<string, string>, private readonly lines: ReadonlyMap<string, number>) {}

  /** The 1-based line of `field` of the object read from `source`, else of the object, else undefined (an unknown source). */
  public lineOf(source: string, field: string | undefined): number | undefined {
    const docLine = this.lines.get(source);
    if (docLine === undefined) return undefined;
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(source)!;
    const file = m[1].replace(/#\d+$/, '');
    const parsed = this.document(file, docLine);
    if (!parsed) return docLine;
    const keys: string[] = [];
    for (const i of m[2].match(/\d+/g) ?? []) keys.push('items', i);
    let found: number | undefined;
    let node: any = parsed.doc.contents;
    const path = [...keys, ...(field ?? '').split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')];
    for (const [depth, key] of path.entries()) {
      const pair = isMap(node) ? node.items.find((p: any) => String(p.key?.value ?? p.key) === key) : undefined;
      const child: any = isMap(node) ? pair?.value : isSeq(node) && /^\d+$/.test(key) ? node.items[Number(key)] : undefined;
      const at = (pair?.key as any)?.range?.[0] ?? child?.range?.[0];
      if (at === undefined) break;
      if (depth >= keys.length - 1) found = parsed.counter.linePos(at).line;
      node = child;
    }
    return found === undefined ? docLine : docLine + found - 1;
  }

  private document(file: string, docLine: number): { doc: Document; counter: LineCounter } | undefined {
    const k = `${docLine}|${file}`;
    if (this.docs.has(k)) return this.docs.get(k);
    const text = this.texts.get(file);
    let parsed: { doc: Document; counter: LineCounter } | undefined;
    if (text !== undefined) {
      // From the document's first line to the next document marker.
      let start = 0;
      for (let line = 1; line < docLine && start >= 0; line++) {
        const nl = text.indexOf('\n', start);
        start = nl < 0 ? -1 : nl + 1;
      }
      if (start >= 0) {
        const marker = /^(---|\.\.\.)(\s|$)/m;
        const rest = text.slice(start);
        const end = marker.exec(rest);
        const counter = new LineCounter();
        const doc = parseDocument(end ? rest.slice(0, end.index) : rest, { lineCounter: counter, version: '1.1', uniqueKeys: false });
        parsed = { doc, counter };
      }
    }
    this.docs.set(k, parsed);
    return parsed;
  }
}

/**
 * Why text that kubectl first reads as JSON (its first non-space character is '{') is not
 * JSON, or undefined. kubectl 1.33 and later then read it as YAML (which accepts a trailing
 * comma or a comment); kubectl 1.32 and older, and JSON tools, refuse it.
 */
function notJsonProblem(text: string): string | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return String((e as Error).message ?? e).split('\n')[0];
  }
}

/** Template actions (`{{ ... }}`) outside quotes or block scalars can make a text unreadable, or read as maps: said when a text has any. */
const TEMPLATE_ACTION = /\{\{-?\s*(?:[.$]|if\b|else\b|end\b|range\b|with\b|define\b|include\b|template\b|toYaml\b|-?\}\}|\/\*)/;

/**
 * Where the first map key that is a map or a list starts (`{{ .Values.port }}` unquoted is a
 * flow map whose key is a flow map), or undefined. The yaml package would turn such a key into
 * a string; go-yaml reads it, and the conversion to JSON refuses it.
 */
function collectionKeyOffset(doc: Document): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Pair: (_key, pair) => {
      if (isMap(pair.key) || isSeq(pair.key)) {
        at = (pair.key as any).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

/** A template action that uses Helm's own objects (`{{ .Values.x }}`, `{{ include "x" . }}`): a chart's template, not its output. */
const HELM_ACTION = /\{\{-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|(?:include|template)\s+")[^}\n]{0,60}\}?\}?/;

/** A hint for a Helm chart's own files (Chart.yaml, values.yaml), which are no manifests. */
function helmChartFileHint(source: string): string {
  const name = source.split(/[\\/]/).pop() ?? source;
  return /^(Chart|values(-[\w.-]+)?|requirements)\.ya?ml$/.test(name)
    ? `; ${name} is a file of a Helm chart, not a manifest: check the rendered chart (helm template <chart> | cdk8s-guardrails check -)`
    : '';
}

/** A hint for YAML that does not parse and holds Go template actions: an unrendered Helm chart. */
function templateHint(text: string): string {
  const m = TEMPLATE_ACTION.exec(text);
  if (!m) return '';
  const line = text.slice(0, m.index).split('\n').length;
  return `; it holds template actions ({{ ... }} on line ${line}): it looks like an unrendered Helm chart or Go template; render it first (helm template <chart> | cdk8s-guardrails check -) and check the output`;
}

/**
 * The yaml package's error message on one line: its first line (`... at line 5, column 3:`)
 * without the colon that introduced its excerpt, then the line of the excerpt that the
 * excerpt's caret points at, when it is not blank.
 */
export function yamlErrorText(message: string): string {
  const [first, ...rest] = message.split('\n');
  const head = first.replace(/:\s*$/, '');
  const caret = rest.findIndex((l) => /^\s*\^+\s*$/.test(l));
  const excerpt = caret > 0 ? rest[caret - 1].trim() : '';
  return excerpt === '' ? head : `${head} (${excerpt})`;
}

const TAG_FLOAT = 'tag:yaml.org,2002:float';
const TAG_INT = 'tag:yaml.org,2002:int';

/** go-yaml v2 returns a float it cannot represent (1e400) as the string it read. */
function finiteOrString(tag: any): any {
  return {
    ...tag,
    resolve: (str: string, onError: any, opt: any) => {
      const v = tag.resolve(str, onError, opt);
      const n = v instanceof Scalar ? v.value : v;
      return typeof n === 'number' && Number.isFinite(n) ? v : str;
    },
  };
}

/** Integer forms Go's strconv.ParseInt(s, 0, 64) reads and the YAML 1.1 schema does not: 0o17, 0O17, 0X1F, 0B101. */
const GO_INT_PREFIXES = {
  identify: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  default: true,
  tag: TAG_INT,
  format: 'GO',
  test: /^[-+]?0(?:[oO][0-7_]+|X[0-9a-fA-F_]+|B[01_]+)$/,
  resolve: (str: string) => {
    const sign = str[0] === '-' ? -1 : 1;
    const body = str.replace(/^[-+]/, '').replace(/_/g, '').toLowerCase();
    return sign * Number(body);
  },
};

const TAG_BINARY = 'tag:yaml.org,2002:binary';
const TAG_MERGE = 'tag:yaml.org,2002:merge';

/**
 * go-yaml v2 decodes a `!!binary` scalar into the string of its bytes (the JSON that
 * Kubernetes sees holds that text; bytes that are not UTF-8 become U+FFFD), not into bytes.
 */
function binaryAsText(tag: any): any {
  return {
    ...tag,
    resolve: (src: string, onError: (message: string) => void) => {
      const bytes = tag.resolve(src, onError);
      return bytes instanceof Uint8Array ? new TextDecoder('utf-8').decode(bytes) : bytes;
    },
  };
}

function goYamlTags(tags: any[]): any[] {
  const out = tags
    // go-yaml v2 keeps timestamps and base-60 numbers as strings when decoding into JSON-like values.
    .filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')
    .map((t) => (t.tag === TAG_FLOAT && !t.test.test('.inf') ? finiteOrString(t) : t.tag === TAG_BINARY ? binaryAsText(t) : t));
  return [...out, GO_INT_PREFIXES];
}

/** Options that make the `yaml` package read as sigs.k8s.io/yaml does. */
export const KUBERNETES_YAML_OPTIONS = {
  version: '1.1' as const,
  // Problems are the reader's to word: the yaml package writes none to the process's warnings.
  logLevel: 'error' as const,
  merge: true,
  uniqueKeys: true,
  customTags: goYamlTags,
};

/**
 * Decodes file bytes as UTF-8 text (a UTF-8 byte order mark is dropped). UTF-32, UTF-16, binary
 * data and invalid UTF-8 are problems: kubectl reads UTF-8 manifests.
 */
export function decodeText(bytes: Uint8Array, source: string): { text?: string; problem?: string } {
  // UTF-32 byte order marks first: FF FE 00 00 starts like UTF-16's.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    return { problem: `${source}: is UTF-32 text; manifests are read as UTF-8 (convert it, e.g. iconv -f UTF-32 -t UTF-8)` };
  }
  if (isUtf16(bytes)) {
    return { problem: `${source}: is UTF-16 text; manifests are read as UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)` };
  }
  if (bytes.includes(0)) return { problem: `${source}: is binary data (it contains NUL bytes), not YAML or JSON` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: `${source}: is not valid UTF-8 text, so it is not a YAML or JSON manifest` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/** Bytes of ASCII text (tab, line breaks, printable characters). */
function isAsciiText(b: number): boolean {
  return b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f);
}

/**
 * Whether bytes are UTF-16: a byte order mark (FF FE, FE FF), or the pattern ASCII text takes
 * in UTF-16 without one: over the first bytes (up to 64), every other byte NUL and the others
 * ASCII text characters. Other bytes with NULs (`\x00\x01\x02...`) are binary data.
 */
function isUtf16(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 2) return false;
  for (const nul of [0, 1]) {
    let pattern = true;
    for (let i = 0; i < n && pattern; i++) pattern = (i % 2 === nul) ? bytes[i] === 0 : isAsciiText(bytes[i]);
    if (pattern) return true;
  }
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list (a YAML sequence or JSON array)';
  return `a ${typeof value} (${JSON.stringify(value)?.slice(0, 40)})`;
}

/**
 * Parses one file's text (or standard input) into manifests. Empty documents between
 * others are allowed (Helm writes them); a source with no object at all is a problem.
 */
export function readManifestText(text: string, source: string): ReadResult {
  const inputs: ManifestInput[] = [];
  const problems: string[] = [];
  const lines = new Map<string, number>();
  const texts = new Map([[source, text]]);
  const notes: string[] = [];
  const unreadable: ManifestInput[] = [];
  let emptyLists = 0;
  if (text.trim() === '') return { inputs, problems: [`${source}: is empty: there is no manifest to check`], lines, texts, notes, unreadable };
  const tooDeep = flowDepthProblem(text);
  if (tooDeep !== undefined) return { inputs, problems: [`${source}: ${tooDeep}`], lines, texts, notes, unreadable };
  // `{{- if ... }}` is a template, not JSON.
  const notJson = text.trimStart().startsWith('{{') ? undefined : notJsonProblem(text);
  const asJson = /^\s*\{/.test(text) && notJson === undefined;
  if (notJson !== undefined) {
    // Concatenated objects: kubectl's JSON decoder reads them one after another.
    const stream = jsonStream(text);
    if (stream !== undefined) {
      stream.forEach((v, i) => addObject(v.value, `${source}#${i + 1}`, v.line, 0));
      return done();
    }
  }
  const longKey = asJson ? undefined : longImplicitKeyProblem(text);
  if (longKey !== undefined) return { inputs, problems: [`${source}: ${longKey}`], lines, texts, notes, unreadable };
  if (notJson !== undefined) {
    notes.push(`${source}: starts like JSON but is not valid JSON (${notJson}); read as YAML, as kubectl 1.33 and later read it (kubectl 1.32 and older, and JSON tools, refuse it)`);
  }
  const fast = fastDocuments(text, KUBERNETES_YAML_OPTIONS, (segment) => {
    // One document outside the fast subset: read by the full reader, or the whole text is.
    const docs = parseAllDocuments(segment, KUBERNETES_YAML_OPTIONS as any);
    const doc = Array.isArray(docs) && docs.length === 1 ? docs[0] : undefined;
    if (!doc || doc.errors.length > 0 || doc.directives?.yaml?.explicit || collectionKeyOffset(doc) !== undefined || aliasOrMergeProblem(doc, segment) || excessiveAliasing(doc) || mergeOverride(doc)) giveUp();
    try {
      return doc.toJS({ maxAliasCount: -1 }) ?? null;
    } catch {
      return giveUp(); // the full reader tells what is wrong
    }
  });
  if (fast !== undefined) {
    fast.forEach((doc, i) => {
      if (doc.value !== null) addObject(doc.value, fast.length > 1 ? `${source}#${i + 1}` : source, doc.line, 0);
    });
    return done();
  }
  const docs = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS as any);
  const list: any[] = Array.isArray(docs) ? docs : [docs];
  // Documents come in order: newlines are counted once across the text.
  let offsetSeen = 0;
  let lineSeen = 1;
  const lineOf = (offset: number) => {
    for (let i = offsetSeen; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) lineSeen++;
    offsetSeen = offset;
    return lineSeen;
  };
  list.forEach((doc, i) => {
    const at = list.length > 1 ? `${source}#${i + 1}` : source;
    const contentsStart = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lineOf(contentsStart);
    if (doc.errors && doc.errors.length > 0) {
      problems.push(`${at}: is not valid YAML: ${yamlErrorText(String(doc.errors[0].message))}${templateHint(text)}`);
      salvage(doc, at);
      return;
    }
    // A version the reader does not know (1.0, 2.0) is kept as 1.1 with a warning: take the
    // version from the warning then.
    const unsupported = (doc.warnings ?? []).map((w: any) => /^Unsupported YAML version (\S+)/.exec(String(w.message))).find((m: any) => m);
    const declared = unsupported ? unsupported[1] : doc.directives?.yaml?.explicit ? doc.directives.yaml.version : undefined;
    if (declared !== undefined && declared !== '1.1') {
      problems.push(`${at}: declares %YAML ${declared}; Kubernetes reads YAML 1.1 only and refuses it ("found incompatible YAML document"): remove the directive`);
      return;
    }
    const complexKey = collectionKeyOffset(doc);
    if (complexKey !== undefined) {
      problems.push(`${at}: has a map key that is itself a map or a list (line ${lineOf(complexKey)}), which Kubernetes cannot read (kubectl: "json: unsupported type"); refused${templateHint(text)}`);
      salvage(doc, at);
      return;
    }
    const refused = aliasOrMergeProblem(doc, text);
    if (refused !== undefined) {
      problems.push(`${at}: ${refused}`);
      salvage(doc, at);
      return;
    }
    if (excessiveAliasing(doc)) {
      problems.push(`${at}: expands YAML aliases excessively (an alias bomb), as go-yaml refuses: more than ${MAX_ALIAS_COUNT} nodes from aliases, and most of the document; refused`);
      return;
    }
    const merged = mergeOverride(doc);
    if (merged !== undefined) {
      problems.push(`${at}: ${mergeOverrideProblem(merged, text)}`);
      salvage(doc, at);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (e) {
      problems.push(`${at}: cannot be read: ${String((e as Error).message ?? e).split('\n')[0]}`);
      return;
    }
    if (value === null || value === undefined) return; // an empty document
    addObject(value, at, line, 0);
  });
  return done();

  function done(): ReadResult {
    const helm = problems.length === 0 ? HELM_ACTION.exec(text) : null;
    if (helm) {
      notes.push(`${source}: holds Helm template actions (${helm[0]} on line ${text.slice(0, helm.index).split('\n').length}); if it is a template of a chart, check the rendered chart instead (helm template <chart> | cdk8s-guardrails check -)`);
    }
    if (inputs.length === 0 && problems.length === 0) {
      // `kubectl get ... -o yaml` prints an empty List when nothing matched.
      problems.push(`${source}: has no Kubernetes object (${emptyLists > 0 ? `an empty ${emptyLists === 1 ? 'List' : 'Lists'}, items: [], as kubectl get prints when nothing matched` : 'only empty documents'})`);
    }
    return { inputs, problems, lines, texts, notes, unreadable };
  }

  /** Keeps what a refused document still reads as, when it is an object with a kind and a name (`ReadResult.unreadable`). */
  function salvage(doc: Document, at: string): void {
    let value: any;
    try {
      value = doc.toJS({ maxAliasCount: -1 });
    } catch {
      // A merge key the reader cannot apply: read again with `<<` as a plain key.
      try {
        const range = doc.range ?? [0, text.length, text.length];
        value = parseDocument(text.slice(range[0], range[2]), { ...KUBERNETES_YAML_OPTIONS, merge: false, uniqueKeys: false, customTags: (tags: any[]) => goYamlTags(tags).filter((t) => t.tag !== TAG_MERGE) } as any).toJS({ maxAliasCount: -1 });
      } catch {
        return;
      }
    }
    if (isObject(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string' && isObject(value.metadata) && typeof value.metadata.name === 'string') {
      unreadable.push({ manifest: value, source: at });
    }
  }

  function addObject(value: unknown, at: string, line: number, depth: number): void {
    if (!isObject(value) || Array.isArray(value)) {
      problems.push(`${at}: is ${describe(value)}, not a Kubernetes object; kubectl reads one object (or a kind: List) per document`);
      return;
    }
    const missing = ['apiVersion', 'kind'].filter((f) => typeof value[f] !== 'string' || value[f] === '');
    if (missing.length > 0) {
      problems.push(`${at}: has no ${missing.join(' and ')}${missing.length === 1 && value[missing[0]] !== undefined ? ` (it is ${JSON.stringify(value[missing[0]])}, not a string)` : ''}, so kubectl cannot tell what it is${helmChartFileHint(source)}`);
      return;
    }
    if (value.kind.endsWith('List') && Array.isArray(value.items)) {
      if (depth >= MAX_LIST_DEPTH) {
        problems.push(`${at}: Lists nest more than ${MAX_LIST_DEPTH} deep`);
        return;
      }
      value.items.forEach((item: unknown, j: number) => addObject(item, `${at}[${j}]`, line, depth + 1));
      if (value.items.length === 0) emptyLists++;
      return;
    }
    const meta = value.metadata;
    if (isObject(meta) && meta.name !== undefined && meta.name !== null && typeof meta.name !== 'string') {
      const what = notAString(meta.name) ?? `${JSON.stringify(meta.name)}, ${Array.isArray(meta.name) ? 'a list' : `a ${typeof meta.name}`}, not a string`;
      problems.push(`${at}: ${value.kind} has metadata.name ${what}; the API server requires a string name`);
      return;
    }
    const surrogate = loneSurrogateAt(text, value);
    if (surrogate !== undefined && !asJson) {
      problems.push(`${at}: has an escape of a lone UTF-16 surrogate (such as "\\ud800") in ${surrogate}, which is not a character; Go's YAML reader refuses it ("found invalid Unicode character escape code")`);
      return;
    }
    if (surrogate !== undefined) {
      notes.push(`${at}: has an escape of a lone UTF-16 surrogate (such as "\\ud800") in ${surrogate}; Go's JSON reader replaces it with U+FFFD, so the object applied differs from the file`);
    }
    if (!isObject(meta) || ((typeof meta.name !== 'string' || meta.name === '') && (typeof meta.generateName !== 'string' || meta.generateName === ''))) {
      const given = isObject(meta) && meta.name !== undefined && typeof meta.name !== 'string' ? notAString(meta.name) : undefined;
      problems.push(given !== undefined
        ? `${at}: ${value.kind} has metadata.name ${given}; the API server requires a string name`
        : `${at}: ${value.kind} has no metadata.name, which the API server requires`);
      return;
    }
    lines.set(at, line);
    inputs.push({ manifest: value, source: at });
  }
}
