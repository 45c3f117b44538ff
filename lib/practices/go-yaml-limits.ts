/**
 * Limits of Go's readers (sigs.k8s.io/yaml over go-yaml v2, encoding/json) that the `yaml`
 * package does not have: what kubectl refuses, found in the text before it is parsed, so that
 * `check` refuses the same input and says why.
 */

/** go-yaml v2 and encoding/json refuse collections nested deeper than this. */
export const MAX_DEPTH = 10_000;
/** go-yaml v2 refuses an implicit (`key:`) map key longer than this, in characters. */
export const MAX_IMPLICIT_KEY = 1024;

/** Whether a UTF-16 code unit is white space as `\s` of a regular expression reads it. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** How many times `c` occurs in `text`, counting no further than `limit`. */
function occurrences(text: string, c: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(c); i >= 0 && n <= limit; i = text.indexOf(c, i + 1)) n++;
  return n;
}

const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const HASH = 35;
const BACKSLASH = 92;
const OPEN_SQUARE = 91;
const OPEN_CURLY = 123;

/** The characters the depth scan stops at (brackets, quotes, '#'); it passes over every other one. */
const STOPS = new Uint8Array(128);
for (const c of '[]{}"\'#') STOPS[c.charCodeAt(0)] = 1;

/** Where the quoted scalar that opens at `open` closes (its closing quote), or the end of the text. */
function quoteEnd(text: string, open: number, quote: number): number {
  if (quote === SINGLE_QUOTE) {
    const close = text.indexOf('\'', open + 1);
    return close < 0 ? text.length : close;
  }
  // A double quote after an odd number of backslashes is escaped.
  for (let close = text.indexOf('"', open + 1); close >= 0; close = text.indexOf('"', close + 1)) {
    let k = close - 1;
    while (k > open && text.charCodeAt(k) === BACKSLASH) k--;
    if ((close - 1 - k) % 2 === 0) return close;
  }
  return text.length;
}

/** The 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The depth of flow collections (`[`, `{`) outside quoted strings and comments, when it is
 * more than MAX_DEPTH: a text nested that deep is refused (and would exhaust the reader).
 */
export function flowDepthProblem(text: string): string | undefined {
  // A text with no more opening brackets than MAX_DEPTH cannot nest deeper: most texts.
  if (occurrences(text, '[', MAX_DEPTH) + occurrences(text, '{', MAX_DEPTH) <= MAX_DEPTH) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || STOPS[c] === 0) continue;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      i = quoteEnd(text, i, c);
    } else if (c === HASH) {
      if (i === 0 || isSpace(text.charCodeAt(i - 1))) {
        const eol = text.indexOf('\n', i + 1);
        i = (eol < 0 ? text.length : eol) - 1; // a comment runs to the end of its line
      }
    } else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > MAX_DEPTH) return `nests lists or maps more than ${MAX_DEPTH} deep (line ${lineAt(text, i)}), which Go's YAML and JSON readers refuse ("exceeded max depth"); refused`;
    } else if (depth > 0) {
      depth--; // ']' or '}'
    }
  }
  return undefined;
}

/** The number of characters (code points) of `s` from `start` to `end`. */
function characters(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > start && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff)) n++;
  }
  return n;
}

/** Where the key of a block map entry that starts at `start` of `line` ends (its ':'), or -1. */
function keyEnd(line: string, start: number): number {
  const q = line[start];
  if (q === '"' || q === '\'') {
    for (let i = start + 1; i < line.length; i++) {
      if (q === '"' && line[i] === '\\') { i++; continue; }
      if (line[i] === q) {
        if (q === '\'' && line[i + 1] === '\'') { i++; continue; }
        const m = /^[ \t]*:(?=[ \t]|$)/.exec(line.slice(i + 1));
        return m ? i + m[0].length : -1;
      }
    }
    return -1;
  }
  const m = /:(?=[ \t]|$)/.exec(line.slice(start));
  if (!m) return -1;
  const hash = line.slice(start).search(/[ \t]#/);
  return hash >= 0 && hash < m.index ? -1 : start + m.index;
}

/** Whether a line of `text` has more than `length` UTF-16 code units (its line break not counted). */
function hasLineLongerThan(text: string, length: number): boolean {
  let start = 0;
  for (let eol = text.indexOf('\n'); eol >= 0; eol = text.indexOf('\n', start)) {
    if (eol - start > length) return true;
    start = eol + 1;
  }
  return text.length - start > length;
}

/** A line whose value is a block scalar (`key: |`, `- >-`), whose content follows, indented. */
const BLOCK_SCALAR_START = /(?:^ *(?:- +)*|:[ \t]+|-[ \t]+)[|>][-+0-9]*[ \t]*(?:#.*)?$/;

/**
 * An implicit block map key of more than MAX_IMPLICIT_KEY characters, outside block scalars
 * and flow collections: go-yaml refuses it ("mapping values are not allowed in this context").
 */
export function longImplicitKeyProblem(text: string): string | undefined {
  if (!hasLineLongerThan(text, MAX_IMPLICIT_KEY)) return undefined;
  const lines = text.split('\n');
  let scalarIndent = -1; // the indentation of the line that opened a block scalar, while in one
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    const indent = /^ */.exec(line)![0].length;
    if (scalarIndent >= 0) {
      if (line.trim() === '' || indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    // The content after the indentation and any `- ` sequence markers.
    const start = /^ *(?:- +)*/.exec(line)![0].length;
    const first = line[start];
    if (BLOCK_SCALAR_START.test(line)) scalarIndent = indent;
    if (line.length <= MAX_IMPLICIT_KEY || first === undefined || '#?[{|>%'.includes(first) || line.startsWith('---', start)) continue;
    const end = keyEnd(line, start);
    if (end >= 0 && characters(line, start, end) > MAX_IMPLICIT_KEY) {
      return `has a map key of ${characters(line, start, end)} characters on line ${n + 1}, written as an implicit key (\`key: value\`); Go's YAML reader refuses implicit keys over ${MAX_IMPLICIT_KEY} characters ("mapping values are not allowed in this context"): write it as an explicit key, \`? key\` then \`: value\` on the next line`;
    }
  }
  return undefined;
}

/** A UTF-16 surrogate without its partner: only an escape (`"\ud800"`) can make one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** An escape of a surrogate code point, in YAML (`\ud800`, `\U0000d800`) or JSON. */
const SURROGATE_ESCAPE = /\\(u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** The last text searched for a surrogate escape, and whether it has one. */
let searched: string | undefined;
let hasEscape = false;

/** The path of a string (key or value) in `value` that holds a lone surrogate, or undefined. */
export function loneSurrogateAt(text: string, value: unknown): string | undefined {
  // Asked once per object of a text: the text is searched once, not once per object.
  if (text !== searched) {
    searched = text;
    hasEscape = SURROGATE_ESCAPE.test(text);
  }
  if (!hasEscape) return undefined;
  const walk = (v: unknown, at: string): string | undefined => {
    if (typeof v === 'string') return LONE_SURROGATE.test(v) ? at : undefined;
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { const r = walk(v[i], `${at}[${i}]`); if (r) return r; }
      return undefined;
    }
    for (const [k, x] of Object.entries(v)) {
      const here = at === '' ? k : `${at}.${k}`;
      if (LONE_SURROGATE.test(k)) return `${here} (the key)`;
      const r = walk(x, here);
      if (r) return r;
    }
    return undefined;
  };
  return walk(value, '');
}

/**
 * The values of a JSON stream (`{...}{...}` or one object a line, as kubectl reads it), with
 * the line each starts on; undefined when the text is not a stream of JSON values.
 */
export function jsonStream(text: string): Array<{ value: unknown; line: number }> | undefined {
  const out: Array<{ value: unknown; line: number }> = [];
  let i = 0;
  let line = 1;
  const skipSpace = () => { while (i < text.length && /\s/.test(text[i])) { if (text[i] === '\n') line++; i++; } };
  skipSpace();
  while (i < text.length) {
    if (text[i] !== '{' && text[i] !== '[') return undefined;
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\n') line++;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) { i++; break; }
    }
    if (depth !== 0) return undefined;
    try {
      out.push({ value: JSON.parse(text.slice(start, i)), line: startLine });
    } catch {
      return undefined;
    }
    skipSpace();
  }
  return out.length > 1 ? out : undefined;
}
