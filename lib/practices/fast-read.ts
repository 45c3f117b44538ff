/**
 * A fast reader for the block YAML that Kubernetes tools write (cdk8s, Helm, kustomize,
 * `kubectl get -o yaml`): block mappings and sequences, plain and single-line quoted scalars,
 * literal block scalars (`|`, `|-`, `|+`), flow collections and comments.
 *
 * It reads those documents as the full reader (read.ts, the `yaml` package with go-yaml v2
 * semantics) does, without building a syntax tree with source positions: plain scalars that
 * YAML 1.1 may read as something else than a string (numbers, booleans, null) are resolved by
 * the full reader's own schema, once per distinct text. Anything outside this subset (anchors,
 * aliases, merge keys, tags, directives, folded or indented block scalars, multi-line plain or
 * quoted scalars, comments or blank lines inside flow collections, complex or non-string keys, duplicate keys, tabs
 * in indentation, Unicode line breaks) makes it give up on the whole text, which the full
 * reader then reads: the result never differs, only the speed.
 */
import { parseDocument } from 'yaml';

/** One document: its value (null when empty) and the 1-based line of its first content line. */
export interface FastDocument {
  readonly value: unknown;
  readonly line: number;
}

/**
 * Whether the text has a character that may take it out of the subset (`LEAVES_SUBSET` then
 * decides): most files have none. A search per character is quicker than one class (a regular
 * expression of one-byte characters is not searched as `indexOf` is), and text of one-byte
 * characters has none above U+00FF without a look.
 */
function hasUnusualCharacters(text: string): boolean {
  return UNUSUAL_CHARACTERS.some((c) => text.includes(c)) || BEYOND_LATIN_1.test(text);
}
const UNUSUAL_CHARACTERS = ['\t', '\r', '\f', '\v', '\u0085', '\u00a0'];
const BEYOND_LATIN_1 = /[^\x00-\xff]/;
/**
 * What takes the text out of the subset: Unicode line breaks, tabs in indentation, a lone
 * `\r`, and whitespace that JavaScript's `trim` removes but YAML keeps as content (no-break and
 * other Unicode spaces, form feed, vertical tab): the fast reader trims with `trim`, so such
 * text is left to the full reader.
 */
const LEAVES_SUBSET = /[\u0085\u2028\u2029\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]|^ *\t|\r(?!\n)/m;

/** Thrown inside the reader when the text leaves the subset. */
const GIVE_UP = new Error('outside the fast subset');

/** For a `fallback`: gives up on the whole text. */
export function giveUp(): never {
  throw GIVE_UP;
}

/** Words YAML 1.1 reads as booleans or null; other plain scalars starting with a letter are strings. */
const WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~']);
/** Plain scalars that may be numbers (or timestamps, base-60 numbers, .inf, .nan) to YAML 1.1. */
const NUMERIC = /^[-+]?(?:[0-9.][0-9a-fA-FxXoObB_.:eE+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;
const LONGEST_WORD = 5;
/** Table by character code (ASCII) of the characters in `chars`. */
function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
/** First characters of `WORDS`. */
const WORD_START = charTable([...WORDS].map((w) => w[0]).join(''));
/** Characters a plain scalar value cannot start with in the subset ('-' only when alone or before a space). */
const PLAIN_VALUE_START = charTable('&*!>%@`?:,-#');
/** Characters a plain key cannot start with in the subset. */
const PLAIN_KEY_START = charTable('&*!|>%@`?:,-#[]{}<');
const CACHE_LIMIT = 100000;
/** Slots of the table of keys read (a power of two). */
const KEY_SLOTS = 4096;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const PLUS = 43;
const DOT = 46;
const PERCENT = 37;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const DASH = 45;
const OPEN_SQUARE = 91;
const CLOSE_SQUARE = 93;
const OPEN_CURLY = 123;
const CLOSE_CURLY = 125;
const COMMA = 44;
const COLON = 58;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BACKSLASH = 92;

/**
 * Reads documents of the subset; undefined when the text leaves it (then read it with the full
 * reader). `fallback` reads one document's text that leaves the subset (anchors, say) with the
 * full reader; it calls `giveUp()` when that document has a problem, so that the full reader
 * reads the whole text and words the problem as usual.
 */
export function fastDocuments(text: string, options: object, fallback?: (segment: string) => unknown): FastDocument[] | undefined {
  if (hasUnusualCharacters(text) && LEAVES_SUBSET.test(text)) return undefined;
  try {
    return new FastReader(text, options, fallback).documents();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/**
 * The lines of the document being read are held as offsets into the text, not as strings:
 * line `n` runs from `bases[n]` to `ends[n]` (its line break and a `\r` before it left out),
 * and its content (after the indentation, and after `- ` when read as a compact mapping)
 * starts at `starts[n]`, `indents[n]` columns in.
 */
class FastReader {
  private readonly bases: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  private pos = 0;
  private end = 0;
  private readonly cache = new Map<string, unknown>();
  /** Plain keys read so far, by a hash of their characters (`plainKey`). */
  private readonly keys: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);
  /** Whether the text has a tab anywhere: when not, no key or value needs a look for one. */
  private readonly tabs: boolean;

  constructor(private readonly text: string, private readonly options: object, private readonly fallback?: (segment: string) => unknown) {
    this.tabs = text.includes('\t');
  }

  /** Splits the text at document markers, then reads each document's lines (only one document's lines are held at a time). */
  public documents(): FastDocument[] {
    const docs: FastDocument[] = [];
    const text = this.text;
    let start = 0;
    let startLine = 1;
    let marked = false;
    for (let at = lineStartingWith(text, '---', 0); at >= 0; at = lineStartingWith(text, '---', at + 3)) {
      const eol = text.indexOf('\n', at);
      const line = text.slice(at, eol < 0 ? text.length : eol).replace(/\r$/, '');
      const after = line.slice(3);
      if (after !== '' && after[0] !== ' ') continue; // `---x` is a plain scalar
      if (after.trim() !== '' && !after.trim().startsWith('#')) throw GIVE_UP;
      // The document's lines, then the marker's.
      startLine += this.document(docs, start, at, startLine, marked) + (eol < 0 ? 0 : 1);
      start = eol < 0 ? text.length : eol + 1;
      marked = true;
    }
    this.document(docs, start, text.length, startLine, marked);
    return docs;
  }

  /**
   * Reads the document in text[from, to); returns its number of lines (of line breaks, when it
   * ends with one, as it does before a marker).
   */
  private document(docs: FastDocument[], from: number, to: number, firstLine: number, marked: boolean): number {
    const text = this.text;
    let n = 0;
    for (let at = from; at < to; n++) {
      let eol = text.indexOf('\n', at);
      if (eol < 0 || eol > to) eol = to;
      const end = eol > at && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
      let start = at;
      while (start < end && text.charCodeAt(start) === SPACE) start++;
      // Document end markers and directives leave the subset.
      if (start === at && start < end && (text.charCodeAt(at) === PERCENT || (text.charCodeAt(at) === DOT && text.startsWith('...', at)))) throw GIVE_UP;
      this.bases[n] = at;
      this.starts[n] = start;
      this.ends[n] = end;
      this.indents[n] = start - at;
      at = eol + 1;
    }
    this.end = n;
    let first = 0;
    while (first < n && this.isEmpty(first)) first++;
    if (!marked && first === n) return n; // nothing before the first marker: no document
    this.pos = 0;
    let value: unknown;
    try {
      value = first === n ? null : this.node(-1);
      this.skipEmpty();
      if (this.pos < this.end) throw GIVE_UP;
    } catch (e) {
      if (e !== GIVE_UP || this.fallback === undefined) throw e;
      value = this.fallback(text.slice(from, to));
    }
    docs.push({ value, line: firstLine + first });
    return n;
  }

  /** Line `n` after its indentation (and its `- `, read as a compact mapping). */
  private lineText(n: number): string {
    return this.text.slice(this.starts[n], this.ends[n]);
  }

  /** Whether line `n` is blank or a comment only. */
  private isEmpty(n: number): boolean {
    return this.starts[n] === this.ends[n] || this.text.charCodeAt(this.starts[n]) === HASH;
  }

  /** Whether line `n` is a sequence entry (`- x`, or `-` alone). */
  private isSeqEntryAt(n: number): boolean {
    const s = this.starts[n];
    return this.text.charCodeAt(s) === DASH && (s + 1 === this.ends[n] || this.text.charCodeAt(s + 1) === SPACE);
  }

  private skipEmpty(): void {
    while (this.pos < this.end && this.isEmpty(this.pos)) this.pos++;
  }

  /** The block node starting at the next content line, more indented than `parent`. */
  private node(parent: number): unknown {
    this.skipEmpty();
    if (this.pos >= this.end) return null;
    const l = this.pos;
    if (this.indents[l] <= parent) return null;
    if (this.isSeqEntryAt(l)) return this.sequence(this.indents[l]);
    const c = this.text.charCodeAt(this.starts[l]);
    if (c === OPEN_CURLY || c === OPEN_SQUARE) {
      this.pos++;
      return this.flow(this.lineText(l), parent);
    }
    return this.mapping(this.indents[l]);
  }

  /** The next content line if it stands at `indent`; -1 at the end of the block; gives up when it is deeper. */
  private entryAt(indent: number): number {
    this.skipEmpty();
    if (this.pos >= this.end) return -1;
    const at = this.indents[this.pos];
    if (at < indent) return -1;
    if (at > indent) throw GIVE_UP;
    return this.pos;
  }

  private mapping(indent: number): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = {};
    for (let l = this.entryAt(indent); l >= 0; l = this.entryAt(indent)) {
      if (this.isSeqEntryAt(l)) break; // a sequence at the key's indentation ends the mapping
      // The key and the value are cut from the text directly: no string for the whole line.
      const text = this.text;
      const s = this.starts[l];
      const e = this.ends[l];
      const q = text.charCodeAt(s);
      const colon = q === DOUBLE_QUOTE || q === SINGLE_QUOTE ? quotedKeyColon(this.lineText(l), s) : plainKeyColon(text, s, e);
      if (colon < 0) throw GIVE_UP;
      const key = q === DOUBLE_QUOTE || q === SINGLE_QUOTE ? this.key(trimEndOf(text.slice(s, colon))) : this.plainKey(s, colon);
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw GIVE_UP;
      this.pos++;
      let r = colon + 1;
      while (r < e && text.charCodeAt(r) === SPACE) r++;
      const c = r < e ? text.charCodeAt(r) : -1;
      if (c === TAB) throw GIVE_UP;
      if (c === -1 || c === HASH) {
        this.skipEmpty();
        const next = this.pos;
        out[key] = next < this.end && this.indents[next] === indent && this.isSeqEntryAt(next) ? this.sequence(indent) : this.node(indent);
      } else {
        out[key] = this.inline(text.slice(r, e), indent);
      }
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let l = this.entryAt(indent); l >= 0; l = this.entryAt(indent)) {
      if (!this.isSeqEntryAt(l)) break;
      const line = this.lineText(l);
      let offset = 1;
      while (line.charCodeAt(offset) === SPACE) offset++;
      const rest = line.slice(offset);
      if (rest === '' || rest[0] === '#') {
        this.pos++;
        out.push(this.node(indent));
      } else if (isSeqEntry(rest)) {
        throw GIVE_UP;
      } else if (rest[0] === '{' || rest[0] === '[') {
        this.pos++;
        out.push(this.inline(rest, indent));
      } else if (keyColon(rest) >= 0) {
        // `- key: value`: a mapping whose keys stand at the column of `key`.
        this.indents[l] += offset;
        this.starts[l] += offset;
        out.push(this.mapping(this.indents[l]));
      } else {
        this.pos++;
        out.push(this.inline(rest, indent));
      }
    }
    return out;
  }

  /** A value on the line of its key or dash (already passed); `parent`: the indentation of that key or dash. */
  private inline(rest: string, parent: number): unknown {
    const c = rest[0];
    if (c === '"' || c === '\'') {
      const q = quoted(rest);
      if (!q || !isTrailer(rest.slice(q.length))) throw GIVE_UP;
      return q.value;
    }
    if (c === '|') return this.literal(rest, parent);
    if (c === '{' || c === '[') return this.flow(rest, parent);
    if (PLAIN_VALUE_START[rest.charCodeAt(0)] === 1 && !(c === '-' && rest.length > 1 && rest[1] !== ' ')) throw GIVE_UP;
    const hash = rest.indexOf(' #');
    const plain = trimEndOf(hash >= 0 ? rest.slice(0, hash) : rest);
    if (plain.includes(': ') || plain.charCodeAt(plain.length - 1) === COLON || (this.tabs && plain.includes('\t'))) throw GIVE_UP;
    return this.plain(plain);
  }

  /**
   * A flow collection that starts at `first` (the rest of a line already passed) and may go on
   * over the next lines, each indented deeper than `parent` (as the yaml package writes long
   * ones): its lines are joined with a space, as YAML folds line breaks between flow entries
   * and inside plain scalars. Gives up on blank or comment lines inside it and on a quoted
   * scalar that goes on over lines (their folding differs).
   */
  private flow(first: string, parent: number): unknown {
    let depth = 0;
    let text = first;
    for (let line = first; ; ) {
      depth = flowDepth(line, depth);
      if (depth <= 0) break;
      if (this.pos >= this.end) throw GIVE_UP;
      const next = this.pos;
      if (this.isEmpty(next) || this.indents[next] <= parent) throw GIVE_UP;
      this.pos++;
      line = this.lineText(next);
      text += ' ' + line;
    }
    const f = this.flowAt(text);
    if (!isTrailer(text.slice(f.end))) throw GIVE_UP;
    return f.value;
  }

  /**
   * A flow collection at the start of `text` (`{requests: {cpu: 100m}}`, `[a, "b"]`), its lines
   * joined: its value and where it ends in `text`. Plain scalars are resolved as in block context (YAML
   * 1.1); keys are strings. Gives up on what the subset leaves out: anchors, aliases, tags,
   * explicit keys (`?`), keys without a value, pairs inside sequences, empty entries (`[a,,b]`,
   * a trailing comma), comments, tabs and duplicate keys.
   */
  private flowAt(text: string): { value: unknown; end: number } {
    if (text.includes('\t')) throw GIVE_UP;
    let i = 0;
    const spaces = () => { while (text.charCodeAt(i) === 32) i++; };
    const scalar = (inMap: boolean, isKey: boolean): unknown => {
      const c = text[i];
      if (c === '"' || c === '\'') {
        const q = quoted(text, i);
        if (!q) throw GIVE_UP;
        i += q.length;
        return q.value;
      }
      if (c === undefined || '&*!|>%@`?:,#[]{}'.includes(c) || (c === '-' && (text[i + 1] === ' ' || text[i + 1] === undefined))) throw GIVE_UP;
      const start = i;
      for (; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === COMMA || ch === CLOSE_SQUARE || ch === CLOSE_CURLY || ch === OPEN_SQUARE || ch === OPEN_CURLY) break;
        if (ch === COLON) {
          const next = text.charCodeAt(i + 1);
          if (next === SPACE || next === COMMA || next === CLOSE_CURLY || next === CLOSE_SQUARE || i + 1 === text.length) break;
        }
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) throw GIVE_UP;
      }
      const plain = text.slice(start, i).trimEnd();
      if ('[{'.includes(text[i] ?? '') || (text[i] === ':' && !(inMap && isKey))) throw GIVE_UP;
      return isKey ? this.key(plain) : this.plain(plain);
    };
    const node = (): unknown => {
      spaces();
      const c = text[i];
      if (c !== '{' && c !== '[') return scalar(false, false);
      i++;
      spaces();
      const close = c === '{' ? '}' : ']';
      const out: any = c === '{' ? {} : [];
      if (text[i] === close) { i++; return out; }
      for (;;) {
        spaces();
        if (c === '{') {
          const k = scalar(true, true);
          if (typeof k !== 'string' || Object.prototype.hasOwnProperty.call(out, k) || k === '__proto__') throw GIVE_UP;
          spaces();
          if (text[i] !== ':' || text[i + 1] !== ' ') throw GIVE_UP;
          i++;
          spaces();
          if (text[i] === ',' || text[i] === '}') throw GIVE_UP;
          out[k] = node();
        } else {
          out.push(node());
        }
        spaces();
        if (text[i] === close) { i++; return out; }
        if (text[i] !== ',') throw GIVE_UP;
        i++;
        spaces();
        if (text[i] === close || text[i] === ',') throw GIVE_UP;
      }
    };
    const value = node();
    return { value, end: i };
  }

  /** A literal block scalar `|`, `|-` or `|+` (no indentation indicator). */
  private literal(header: string, parent: number): string {
    const m = /^\|([-+]?)\s*(?:#.*)?$/.exec(header);
    if (!m) throw GIVE_UP;
    const body: string[] = [];
    let contentIndent = -1;
    let maxBlank = 0;
    while (this.pos < this.end) {
      const raw = this.text.slice(this.bases[this.pos], this.ends[this.pos]);
      const indent = this.indents[this.pos];
      const blank = raw.trim() === '';
      if (!blank) {
        if (contentIndent < 0) {
          if (indent <= parent || indent < maxBlank) break;
          contentIndent = indent;
        } else if (indent < contentIndent) break;
        body.push(raw.slice(contentIndent));
      } else {
        if (contentIndent < 0) maxBlank = Math.max(maxBlank, raw.length);
        body.push(contentIndent >= 0 && raw.length > contentIndent ? raw.slice(contentIndent) : '');
      }
      this.pos++;
    }
    if (contentIndent < 0 && maxBlank > parent + 1) throw GIVE_UP;
    // Trailing blank lines belong to the scalar only with keep chomping (`|+`).
    let last = body.length;
    while (last > 0 && body[last - 1] === '') last--;
    const content = body.slice(0, last).join('\n');
    if (m[1] === '+') return body.length === 0 ? '' : body.join('\n') + '\n';
    if (m[1] === '-') return content;
    return last === 0 ? '' : content + '\n';
  }

  private plain(text: string): unknown {
    const c = text.charCodeAt(0);
    const word = text.length <= LONGEST_WORD && WORD_START[c] === 1 && WORDS.has(text);
    if (!word && !(((c >= DIGIT_0 && c <= DIGIT_9) || c === DASH || c === PLUS || c === DOT) && NUMERIC.test(text))) return text;
    if (text.startsWith('...') || text.startsWith('---')) return text; // markers only at the start of a line
    const cached = this.cache.get(text);
    if (cached !== undefined || this.cache.has(text)) return cached;
    const doc = parseDocument(text, this.options);
    if (doc.errors.length > 0) throw GIVE_UP;
    const value = doc.toJS();
    if (typeof value === 'object' && value !== null) throw GIVE_UP;
    if (this.cache.size < CACHE_LIMIT) this.cache.set(text, value);
    return value;
  }

  /** A key: a string only (keys YAML 1.1 reads as numbers, booleans or null are left to the full reader). */
  /**
   * The plain key text[s, end): keys repeat from object to object (`name`, `labels`...), so a
   * key read before is found by a hash of its characters and compared in place, without
   * cutting a new string out of the text.
   */
  private plainKey(s: number, end: number): string {
    const text = this.text;
    let h = end - s;
    for (let i = s; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    const slot = h & (KEY_SLOTS - 1);
    const known = this.keys[slot];
    if (known !== undefined && known.length === end - s && sameAt(text, s, known)) return known;
    const cut = text.slice(s, end);
    const key = this.key(trimEndOf(cut));
    if (key === cut) this.keys[slot] = key;
    return key;
  }

  private key(text: string): string {
    if (text[0] === '"' || text[0] === '\'') {
      const q = quoted(text);
      if (!q || q.length !== text.length) throw GIVE_UP;
      return q.value;
    }
    if (PLAIN_KEY_START[text.charCodeAt(0)] === 1 || text.includes(' #') || (this.tabs && text.includes('\t'))) throw GIVE_UP;
    const value = this.plain(text);
    if (typeof value !== 'string') throw GIVE_UP;
    return value;
  }
}

/**
 * The bracket depth after a line of a flow collection that had `depth` open before it: 0 or
 * less once the collection closes (the rest of the line is not read). Brackets inside quoted
 * scalars do not count; a quoted scalar left open at the end of the line gives up.
 */
function flowDepth(line: string, depth: number): number {
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === DOUBLE_QUOTE || ch === SINGLE_QUOTE) {
      i = quotedEnd(line, i);
      if (i < 0) throw GIVE_UP;
    } else if (ch === OPEN_CURLY || ch === OPEN_SQUARE) {
      depth++;
    } else if (ch === CLOSE_CURLY || ch === CLOSE_SQUARE) {
      if (--depth <= 0) return depth;
    } else if (ch === HASH && (i === 0 || line.charCodeAt(i - 1) === SPACE)) {
      throw GIVE_UP;
    }
  }
  return depth;
}

function isSeqEntry(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

/** Whether what follows a quoted scalar on its line is nothing or a comment. */
function isTrailer(rest: string): boolean {
  const t = rest.trimStart();
  return t === '' || (t[0] === '#' && rest.length > t.length);
}

/** Where the key of `key: rest` (or `key:`) ends: its ':', the first followed by a space or the end, outside quotes; -1 when there is none. */
function keyColon(text: string): number {
  let at: number;
  if (text[0] === '"' || text[0] === '\'') {
    const q = quoted(text);
    if (!q) return -1;
    at = q.length;
    if (text[at] !== ':') return -1;
  } else {
    at = -1;
    for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
      if (i + 1 === text.length || text.charCodeAt(i + 1) === SPACE) { at = i; break; }
    }
    if (at <= 0) return -1;
  }
  if (at + 1 < text.length && text.charCodeAt(at + 1) !== SPACE) return -1;
  return at;
}

/**
 * Where the plain key of the line text[s, e) ends: `keyColon` of that line, as an offset into
 * `text`; -1 when there is none.
 */
function plainKeyColon(text: string, s: number, e: number): number {
  for (let i = text.indexOf(':', s); i >= 0 && i < e; i = text.indexOf(':', i + 1)) {
    if (i + 1 === e || text.charCodeAt(i + 1) === SPACE) return i > s ? i : -1;
  }
  return -1;
}

/** `keyColon` of a line that starts with a quote, as an offset into the text where the line starts at `s`. */
function quotedKeyColon(line: string, s: number): number {
  const at = keyColon(line);
  return at < 0 ? -1 : s + at;
}

/** `text.trimEnd()`, without a copy when it ends in neither a space nor other whitespace. */
function trimEndOf(text: string): string {
  const c = text.charCodeAt(text.length - 1);
  return c === SPACE || c < 33 || c > 126 ? text.trimEnd() : text;
}

/** Where the single-line quoted scalar at `from` in `text` ends (its closing quote), or -1 when it does not end on the line. */
function quotedEnd(text: string, from: number): number {
  const quote = text.charCodeAt(from);
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && quote === DOUBLE_QUOTE) { i++; continue; }
    if (c !== quote) continue;
    if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) { i++; continue; }
    return i;
  }
  return -1;
}

/** A single-line quoted scalar at `from` in `text`: its value and length, or undefined. */
function quoted(text: string, from = 0): { value: string; length: number } | undefined {
  if (text.charCodeAt(from) === SINGLE_QUOTE) {
    for (let i = from + 1; i < text.length; i++) {
      if (text.charCodeAt(i) !== SINGLE_QUOTE) continue;
      if (text.charCodeAt(i + 1) === SINGLE_QUOTE) { i++; continue; }
      const body = text.slice(from + 1, i);
      return { value: body.includes('\'\'') ? body.replace(/''/g, '\'') : body, length: i + 1 - from };
    }
    return undefined;
  }
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) { i++; continue; }
    if (c !== DOUBLE_QUOTE) continue;
    const body = text.slice(from + 1, i);
    if (!body.includes('\\')) return { value: body, length: i + 1 - from };
    // JSON's escapes mean the same in YAML; YAML's others (\x, \e, \N, \_, ...) go to the full reader.
    try {
      return { value: JSON.parse(`"${body}"`), length: i + 1 - from };
    } catch {
      throw GIVE_UP;
    }
  }
  return undefined;
}

/** Where the first line at or after `from` that starts with `prefix` starts; -1 when none does. */
function lineStartingWith(text: string, prefix: string, from: number): number {
  if (from === 0 && text.startsWith(prefix)) return 0;
  const at = text.indexOf(`\n${prefix}`, from === 0 ? 0 : from - 1);
  return at < 0 ? -1 : at + 1;
}

/** Whether `text` holds `part` at `at` (a loop over a few characters is quicker than `startsWith` at a position). */
function sameAt(text: string, at: number, part: string): boolean {
  for (let i = 0; i < part.length; i++) if (text.charCodeAt(at + i) !== part.charCodeAt(i)) return false;
  return true;
}
