import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastDocuments } from '../../lib/practices/fast-read';
import { KUBERNETES_YAML_OPTIONS, readManifestText } from '../../lib/practices/read';
import { flowStyleYaml } from '../../bench/yaml-styles';

/** A generator of random values (maps, lists and the given scalars), repeatable from its seed. */
function randomValues(atoms: readonly unknown[], seed: number): (depth: number) => any {
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  const gen = (d: number): any => {
    const r = rnd(10);
    if (d > 3 || r < 4) return atoms[rnd(atoms.length)];
    if (r < 7) return Object.fromEntries(Array.from({ length: rnd(4) + 1 }, () => [rnd(3) === 0 ? String(atoms[rnd(atoms.length)]) : `k${rnd(20)}`, gen(d + 1)]));
    return Array.from({ length: rnd(4) }, () => gen(d + 1));
  };
  return gen;
}

/** What the full reader gives for each document (or 'error'). */
function full(text: string): unknown {
  const docs = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS as any) as any[];
  return docs.some((d) => d.errors.length > 0) ? 'error' : docs.map((d) => d.toJS({ maxAliasCount: -1 }) ?? null);
}

const IN_SUBSET: Array<[string, string]> = [
  ['literal block scalars and chomping', 'a: |\n  x\n\n  y\n   \n\nb: |-\n  z\n\n\nc: |+\n  k\n\n\nd: |\n\n\ne: 1\n'],
  ['YAML 1.1 scalars as go-yaml reads them', 'a: "x\\ty\\u00e9"\nb: \'it\'\'s\'\nc: -1\nd: 0777\ne: 0o17\nf: 1e400\ng: 1:30\nh: 2024-01-05\ni: .inf\nj: yes\nk: ~\nl:\nm: "yes"\nq: off\no: 0x1F\np: ...\n'],
  ['sequences, compact mappings, nested nodes', 'list:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\nx:\n  - a # c\n  - "b" # c\n  -   c:   1\n      e: 2\n'],
  ['empty documents between markers', '---\n---\na: 1\n---\n# only a comment\n'],
  ['comments, colons and hashes inside scalars', 'a: b#c\nd: "e" #x\nf: http://x:80/y\n"quoted key": 1\n\'k2\': 2\ncmd:\n- sh\n- -c\n- |\n  echo hi\n  # not a comment\nafter: {}\nlist: []\n'],
  ['CRLF line ends', 'a: x\r\nb: |\r\n  y\r\n'],
  ['flow collections over lines, as the yaml package writes long ones', 'a: {b: 1,\n  c: [x,\n    y z]}\nt:\n  {\n    spec:\n      {\n        containers:\n          [\n            { name: a, image: "x:1" }\n          ]\n      }\n  }\n'],
  ['flow collections on one line', 'a: {b: 1, c: [yes, "no", \'x, y\'], d: {}, e: []}\nres: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 1Gi}} # c\nl:\n- {name: a, image: "nginx:1.2", ports: [{containerPort: 80}]}\n- [1, -1, 0777, 1e400, ~, on, off, 1:30, http://x:80/y, a b, -x]\n- [ ]\n'],
];

const OUTSIDE: Array<[string, string]> = [
  ['anchors and aliases', 'a: &x 1\nb: *x\n'],
  ['merge keys', 'd: &d {p: 1}\ne:\n  <<: *d\n'],
  ['blank lines inside flow collections', 'a: {b: 1,\n\n  c: 2}\n'],
  ['quoted scalars over lines inside flow collections', 'a: [b, "c\n  d"]\n'],
  ['flow collections less indented than their key', 'a:\n  b: {c: 1,\n  d: 2}\n'],
  ['flow keys without values', 'a: {b, c: 1}\n'],
  ['flow pairs in sequences', 'a: [b: 1]\n'],
  ['empty flow entries', 'a: [b, , c]\nd: {e: 1,}\n'],
  ['anchors in flow', 'a: {b: &x 1, c: *x}\n'],
  ['comments in flow', 'a: [b, # c\n  d]\n'],
  ['a flow collection with more after it', 'a: {b: 1} c\n'],
  ['duplicate flow keys', 'a: {b: 1, b: 2}\n'],
  ['folded scalars', 'a: >\n  x\n  y\n'],
  ['multi-line plain scalars', 'a: one\n  two\n'],
  ['boolean keys', 'yes: 1\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['directives', '%YAML 1.1\n---\na: 1\n'],
  ['a document end marker after the first document', 'a: 1\n...\n---\nb: 2\n'],
  ['a directive after the first document', 'a: 1\n...\n%YAML 1.1\n---\nb: 2\n'],
  ['tags', 'a: !!str 1\n'],
  ['tab indentation', 'a:\n\tb: 1\n'],
  ['a NEL inside a quoted scalar', 'a: "x\u0085y"\n'],
  ['a no-break space after a plain value (YAML keeps it)', 'image: nginx:1.25.3\u00a0\n'],
  ['a no-break space after a key', 'name\u00a0: web\n'],
  ['a no-break space before a value', 'a: \u00a0b\n'],
  ['an em space in a flow collection', 'a: [b\u2003, c]\n'],
  ['a form feed after a value', 'a: b\f\n'],
  ['a vertical tab after a value', 'a: b\v\n'],
  ['a no-break space after a quoted scalar', 'a: "b"\u00a0\n'],
  ['a line of a no-break space inside a literal block', 'a: |\n  x\n\u00a0\n  y\n'],
  ['a tab after the colon', 'a:\tb\n'],
];

/** Whitespace that JavaScript's trim removes and YAML keeps: every value keeps it, as the full reader does. */
const KEPT_SPACES: Array<[string, string, unknown]> = [
  ['a no-break space', 'image: nginx:1.25.3\u00a0\n', { image: 'nginx:1.25.3\u00a0' }],
  ['an em space', 'name: web\u2003\n', { name: 'web\u2003' }],
  ['a form feed', 'a: b\f\n', { a: 'b\f' }],
  ['a no-break space in a key', 'name\u00a0: web\n', { 'name\u00a0': 'web' }],
];

describe('the fast reader gives what the full reader gives, or leaves the text to it', () => {
  it.each(IN_SUBSET)('reads %s itself, with the same values', (_t, text) => {
    const fast = fastDocuments(text, KUBERNETES_YAML_OPTIONS);
    expect(fast).toBeDefined();
    expect(fast!.map((d) => d.value)).toEqual(full(text));
  });

  it('gives each document the line of its first content, as the full reader does', () => {
    const texts = [
      'a: 1\n---\n\n# c\nb: 2\n--- # marker comment\nc: 3\n',
      '---\n---\nx: ---y\n---\n\n\nz: 1\n',
      'a: 1\r\n---\r\nb: |\r\n  l1\r\n  l2\r\n---\r\nc: 3\r\n',
    ];
    for (const text of texts) {
      const docs = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS as any) as any[];
      const expected = docs.filter((d) => d.toJS() !== null).map((d) => text.slice(0, d.contents.range[0]).split('\n').length);
      const fast = fastDocuments(text, KUBERNETES_YAML_OPTIONS);
      expect(fast).toBeDefined();
      expect(fast!.filter((d) => d.value !== null).map((d) => d.line)).toEqual(expected);
    }
  });

  it.each(OUTSIDE)('leaves %s to the full reader', (_t, text) => {
    expect(fastDocuments(text, KUBERNETES_YAML_OPTIONS)).toBeUndefined();
  });

  it.each(KEPT_SPACES)('keeps %s in the value, as the full reader and go-yaml do', (_t, text, value) => {
    expect(full(text)).toEqual([value]);
    const r = readManifestText(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ${text}`, 'x.yaml');
    expect(r.inputs[0].manifest.data).toEqual(value);
  });

  it('gives the full reader\'s values on 2,000 random documents written in several styles', () => {
    const atoms = ['', ' ', 'yes', 'no', 'on', 'y', '~', 'null', '1', '-1', '0777', '0x1F', '1e400', '1.5', '1:30', '2024-01-05', 'a: b', 'a #b', '#x', '- x', '"q"', '\'s\'', 'multi\nline\n', 'trail\n\n', '\nlead', '  sp  ', 'é', 'x\\y', '{a}', '*r', '&a', '!t', '%d', '|', '>', '---', '...', 'key:', 'http://x:80', '-', '?', 'True', '+1', '0b101', '.inf', 'v1.2.3', 12, -3, 1.25, true, null];
    const gen = randomValues(atoms, 7);
    let fast = 0;
    for (let i = 0; i < 500; i++) {
      for (const opts of [{ version: '1.1' }, {}, { indentSeq: false }, { lineWidth: 0 }]) {
        const text = stringify({ a: gen(0) }, opts as any) + '---\n' + stringify(gen(0), opts as any);
        const docs = fastDocuments(text, KUBERNETES_YAML_OPTIONS);
        if (docs === undefined) continue;
        fast++;
        expect(docs.map((d) => d.value), text).toEqual(full(text));
      }
    }
    expect(fast).toBeGreaterThan(500);
  });

  it('gives the full reader\'s values on 2,000 random documents with flow collections inside', () => {
    const atoms = ['', 'yes', 'no', 'on', '~', 'null', '1', '-1', '0777', '0x1F', '1e400', '1.5', '1:30', '2024-01-05', 'a b', 'a #b', 'a,b', 'a: b', 'a:b', 'x]', '{a}', '"q"', '\'s\'', 'é', '-', '-x', '---', '...', '*r', '&a', '!t', '?', 'key:', 'http://x:80', '100m', '128Mi', 12, -3, 1.25, true, null];
    const gen = randomValues(atoms, 11);
    // Collections below the top whose items are scalars or flow collections, in flow style.
    const flowText = (value: unknown, opts: object) => flowStyleYaml(value, 1, opts);
    let fast = 0;
    for (let i = 0; i < 500; i++) {
      for (const opts of [{ version: '1.1' }, {}, { indentSeq: false }, { lineWidth: 0 }]) {
        const text = flowText({ a: gen(0) }, opts) + '---\n' + flowText({ b: gen(0), c: [gen(1)] }, opts);
        const docs = fastDocuments(text, KUBERNETES_YAML_OPTIONS);
        const expected = full(text);
        if (docs === undefined) continue;
        fast++;
        expect(docs.map((d) => d.value), text).toEqual(expected);
      }
    }
    expect(fast).toBeGreaterThan(500);
  });

  it('reads a document outside the subset with the full reader and the rest itself, and words problems as the full reader does', () => {
    const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
    const r = readManifestText(`${cm('a')}---\n${cm('b', 'data: &d {x: "1"}\nbinaryData: {}\n')}---\n${cm('c')}`, 'f.yaml');
    expect(r.problems).toEqual([]);
    expect(r.inputs.map((i) => [i.source, i.manifest.metadata.name])).toEqual([['f.yaml#1', 'a'], ['f.yaml#2', 'b'], ['f.yaml#3', 'c']]);
    expect([...r.lines]).toEqual([['f.yaml#1', 1], ['f.yaml#2', 6], ['f.yaml#3', 13]]);
    expect(readManifestText(`${cm('a')}---\n${cm('b', 'a: 1\na: 2\n')}`, 'f.yaml').problems).toEqual([expect.stringMatching(/^f\.yaml#2: is not valid YAML: Map keys must be unique/)]);
  });
});
