/**
 * Merge keys (`<<`) that readers resolve differently. Go's YAML reader (go-yaml v2, used by
 * sigs.k8s.io/yaml, so by kubectl and Helm) applies a mapping's entries in order, a merge key's
 * like any other: a `<<` that comes after a key, or after another `<<`, that already set a field
 * replaces its value. YAML libraries that follow the merge-key spec (go-yaml v3, so kustomize,
 * and the `yaml` package this checker reads with) keep the value set first (in most cases), and strict readers
 * (sigs.k8s.io/yaml's YAMLToJSONStrict) refuse the file ("key already set in map"). Such a file
 * is an input error, like a key given twice. A merge key that comes first, followed by keys that
 * override it (`<<: *defaults` then `image: x`), means the same to every reader and is fine.
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Node } from 'yaml';

/** What the first ambiguous merge of a document is: where, which key, and the value Go applies. */
export interface MergeOverride {
  /** Field path of the mapping (`spec.template.spec.containers[0].securityContext`), '' at the top. */
  readonly path: string;
  readonly key: string;
  /** Offsets in the text of the `<<` and of the earlier key that set the field. */
  readonly mergeAt: number;
  readonly firstAt: number;
  /** The value the later merge gives, as JSON (what kubectl applies). */
  readonly goValue: string;
}

/** Whether a key is the merge key: the `yaml` package reads a plain `<<` as a symbol when merge keys are on. */
function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const v = node.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

function keyText(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

/** The mappings a merge key's value brings in (a map, an alias of one, or a list of them), first one first. */
function mergedMaps(doc: Document, value: unknown): Node[] {
  const target = isAlias(value) ? value.resolve(doc) : value;
  if (isMap(target)) return [target];
  if (isSeq(target)) return target.items.flatMap((item) => mergedMaps(doc, item));
  return [];
}

/** The keys a merged mapping provides (its own, then those of its own merge keys), with their value nodes. */
function providedKeys(doc: Document, map: Node, out: Map<string, unknown>, seen: Set<Node>): void {
  if (!isMap(map) || seen.has(map)) return;
  seen.add(map);
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      for (const m of mergedMaps(doc, pair.value)) providedKeys(doc, m, out, seen);
    } else if (!out.has(keyText(pair.key))) {
      out.set(keyText(pair.key), pair.value);
    }
  }
}

function asJson(doc: Document, node: unknown): string {
  const value = isScalar(node) ? node.value : (node as any)?.toJS?.(doc) ?? null;
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The first merge key of a document that sets a field an earlier entry of its mapping already set, or undefined. */
export function mergeOverride(doc: Document): MergeOverride | undefined {
  const walk = (node: unknown, path: string, seen: Set<unknown>): MergeOverride | undefined => {
    if (isAlias(node) || seen.has(node)) return undefined; // an alias's target is checked where it is defined
    seen.add(node);
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const found = walk(item, `${path}[${i}]`, seen);
        if (found) return found;
      }
      return undefined;
    }
    if (!isMap(node)) return undefined;
    const setAt = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const at = (pair.key as any)?.range?.[0] ?? 0;
      if (isMergeKey(pair.key)) {
        const provided = new Map<string, unknown>();
        for (const m of mergedMaps(doc, pair.value)) providedKeys(doc, m, provided, new Set());
        for (const [key, value] of provided) {
          const first = setAt.get(key);
          if (first !== undefined) return { path, key, mergeAt: at, firstAt: first, goValue: asJson(doc, value) };
        }
        for (const key of provided.keys()) setAt.set(key, at);
        continue;
      }
      const key = keyText(pair.key);
      if (!setAt.has(key)) setAt.set(key, at);
      const found = walk(pair.value, path === '' ? key : `${path}.${key}`, seen);
      if (found) return found;
    }
    return undefined;
  };
  return walk(doc.contents, '', new Set());
}

/** The 1-based line of an offset in a text. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The input error for a merge that readers resolve differently (`mergeOverride`); `text`: the text the document's offsets are in. */
export function mergeOverrideProblem(m: MergeOverride, text: string): string {
  const where = m.path === '' ? 'at the top level' : `in ${m.path}`;
  return `is not valid YAML: ${where}, the merge key << at line ${lineAt(text, m.mergeAt)} sets "${m.key}" again after line ${lineAt(text, m.firstAt)} set it. `
    + `Go's YAML reader (kubectl, Helm) applies the later value, ${m.goValue}; readers that follow the merge-key spec keep the first; a strict reader refuses the file ("key already set in map"). `
    + `Refused as an input error, like any key given twice: set "${m.key}" once, or put the merge key first`;
}

/** What a node is, in the words of an error: `5`, `null`, `"x"`, `a list of 1`. */
function nodeWords(node: unknown): string {
  if (node === null || node === undefined) return 'nothing (null)';
  if (isScalar(node)) return node.value === null ? 'null' : `the scalar ${JSON.stringify(node.value)?.slice(0, 40)}`;
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return `the alias *${node.source}`;
  return String(node);
}

/**
 * The first alias of a document whose anchor is not set before it, or merge key whose value
 * is not a mapping, an alias of one, or a list of those: go-yaml refuses both ("unknown anchor
 * 'x' referenced", "map merge requires map or sequence of maps as the value"). Returns the
 * problem in words (`text`: the text the document's offsets are in), or undefined.
 */
export function aliasOrMergeProblem(doc: Document, text: string): string | undefined {
  const anchors = new Map<string, Node>();
  let problem: string | undefined;
  const isMapLike = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap(anchors.get(n.source)));
  const open = new Set<Node>();
  const walk = (node: unknown): void => {
    if (problem !== undefined || node === null || typeof node !== 'object') return;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const line = lineAt(text, node.range?.[0] ?? 0);
      if (target === undefined) {
        problem = `is not valid YAML: the alias *${node.source} at line ${line} names no anchor set before it; `
          + `go-yaml refuses it ("unknown anchor '${node.source}' referenced"): set &${node.source} on a value above, or write the value`;
      } else if (open.has(target)) {
        problem = `is not valid YAML: the alias *${node.source} at line ${line} is inside the value its anchor names; `
          + `go-yaml refuses it ("anchor '${node.source}' value contains itself")`;
      }
      return;
    }
    // go-yaml sets an anchor when its node starts.
    const anchor = (node as any).anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node as Node);
    open.add(node as Node);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        walk(pair.key);
        walk(pair.value);
        if (problem !== undefined) return;
        if (isMergeKey(pair.key)) {
          const v = pair.value;
          const ok = isMapLike(v) || (isSeq(v) && v.items.every(isMapLike));
          if (!ok) {
            const bad = isSeq(v) ? v.items.find((i) => !isMapLike(i)) : v;
            const words = isAlias(bad) ? `${nodeWords(bad)} of ${nodeWords(anchors.get(bad.source))}` : nodeWords(bad);
            problem = `is not valid YAML: the merge key << at line ${lineAt(text, (pair.key as any)?.range?.[0] ?? 0)} takes ${isSeq(v) ? `a list holding ${words}` : words}; `
              + 'a merge takes a mapping, an alias of one, or a list of those, and go-yaml refuses anything else ("map merge requires map or sequence of maps as the value")';
            return;
          }
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
    open.delete(node as Node);
  };
  walk(doc.contents);
  return problem;
}
