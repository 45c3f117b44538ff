import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { HashedConfigMap, ManifestYaml } from '../../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringCorpus } = require('../../verify/yaml-corpus.js');

/** Strings that need care in YAML: types in 1.1 or 1.2, indicators, spaces, lines, unicode. */
const TRICKY = [
  '', ' ', '  ', 'a', 'plain-value', 'app.kubernetes.io/name', 'registry.example.com/team/app:1.4.2', 'img@sha256:0123abcd',
  '/readyz', 'k=v', 'a+b', '_x', 'a:b', 'a:b:c',
  // numbers, booleans, null, dates as strings
  '1', '0', '-1', '+1', '8080', '1.5', '.5', '1.', '1e3', 'e1', 'E5', 'e+3', '0x1F', '0b101', '012', '0o17', '1_000', '1:20', '1:20.5',
  '.inf', '-.inf', '.nan', 'Infinity', 'NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43',
  'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~', '<<', '=',
  // indicators, spaces, colons, comments
  ' lead', 'trail ', ' both ', 'a  b', 'a b', 'a: b', 'a:', ':a', '::', '#x', 'a #b', 'a#b', 'a# b', '- x', '-', '--', '?', '? x', ':',
  '[a]', '{a}', 'a,b', '*a', '&a', '!a', '|', '>', '%x', '@a', '`a', "it's", 'say "hi"', `both ' and "`, 'back\\slash', 'tab\there',
  '---', '--- x', '...', 'a\n---\nb',
  // lines
  'a\nb', 'a\nb\n', 'a\nb\n\n', '\na', '\n', '\n\n', '  indented\nx', 'x\n  y\n', 'level: info\nformat: json\n', 'multi\n\n\nblank',
  ' \n', 'x\n ', 'trailing \nspace', 'line\r\nwindows', 'a\tb\nc', '# not a comment\nkey: value\n',
  // unicode and control characters
  'ü', 'Grüße', '日本語', 'emoji 😀', '\u00a0nbsp', 'a\u0085b', '\u2028', 'x\u2029y', '\ufeffbom', '\x7f', '\x00', '\x1b[0m', 'bell\x07',
  '0X1F', '0O17', '0B1', '\tfirst\nsecond',
  // long
  'a'.repeat(300), 'word '.repeat(60).trim(), ('line of text\n').repeat(20),
];

/** Tests of the types (other than string) of the YAML 1.1 and 1.2 schemas. */
function typeTests(...versions: Array<'1.1' | '1.2'>): RegExp[] {
  return versions.flatMap((version) => {
    const schema = new YAML.Document(null, { version }).schema as any;
    return [...schema.tags, ...(schema.compat ?? [])]
      // '<<' is a merge only as a key; as a value it reads back as the string.
      .filter((t: any) => t.default && t.test && t.tag !== 'tag:yaml.org,2002:str' && t.tag !== 'tag:yaml.org,2002:merge')
      .map((t: any) => t.test as RegExp);
  });
}

/** Whether YAML text reads back as `doc` under YAML 1.1 and 1.2. */
function readsBack(text: string, doc: any): boolean {
  return (['1.1', '1.2'] as const).every((version) => {
    try {
      return JSON.stringify(YAML.parse(text, { version })) === JSON.stringify(doc);
    } catch {
      return false;
    }
  });
}

/**
 * Strings that cdk8s (the `yaml` package in YAML 1.1 mode) writes so that they do not read
 * back the same, as a value or as a key: `0o17` plain is the number 15 in YAML 1.2, a line of
 * spaces in a block scalar becomes an empty line, a byte order mark at the start of a document
 * is dropped, a `<<` key is a merge. ManifestYaml double-quotes them, on purpose.
 */
const JS_DELIBERATE = TRICKY.filter((s) => !readsBack(Yaml.stringify({ k: s }), { k: s }) || !readsBack(Yaml.stringify({ [s]: 1 }), { [s]: 1 }));

/**
 * Strings that cdk8s writes so that Kubernetes' Go YAML 1.1 reader (sigs.k8s.io/yaml) reads
 * them differently or refuses them: raw NEL, LS, PS and DEL, numbers in Go's base prefixes
 * ("0X1f"), a block scalar whose first line starts with a tab. Checked against the Go reader
 * itself in `npm run verify` (verify/yaml-writer.js) and below when it is built.
 */
const GO_DELIBERATE = ['a\u0085b', '\u2028', 'x\u2029y', '\x7f', '0X1F', '0O17', '0B1', '\tfirst\nsecond'];
const DELIBERATE = new Set([...JS_DELIBERATE, ...GO_DELIBERATE]);

/** Documents that put every tricky string in every position a manifest has. */
function documents(strings = TRICKY): any[] {
  const docs: any[] = [];
  for (const s of strings) {
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { 'app.kubernetes.io/name': s }, annotations: { note: s } },
      data: { value: s, 'file.yaml': s },
      deep: { a: { b: [s, [s, s], { c: s, d: [s] }, [[s]]], e: { f: s } } },
      list: [s],
      nested: [[s], { x: s }],
      empty: {},
      emptyList: [],
      emptyInList: [{}, [], [[]], [{}]],
      n: 1, f: 1.5, neg: -3, big: 1e21, small: 1e-7, t: true, fa: false, nul: null,
    });
    // the string as a key (a key with a line break, which no Kubernetes object has, makes the
    // whole document go through the yaml package: cdk8s's bytes, with their flaws)
    if (!s.includes('\n')) docs.push({ [s]: s, inner: { [s]: [s] } });
  }
  return docs;
}

describe('ManifestYaml', () => {
  it('writes the same bytes as cdk8s Yaml.stringify for every tricky string in every position', () => {
    for (const doc of documents(TRICKY.filter((s) => !DELIBERATE.has(s)))) {
      expect(ManifestYaml.stringify([doc])).toBe(Yaml.stringify(doc));
    }
    // and the same for a key with a line break, through the yaml package
    expect(ManifestYaml.stringify([{ 'a\nb': 1 }])).toBe(Yaml.stringify({ 'a\nb': 1 }));
  });

  it('double-quotes the few strings that cdk8s writes so that they do not read back the same', () => {
    expect([...JS_DELIBERATE].sort()).toEqual([' \n', '<<', '0o17', '\ufeffbom'].sort());
    // Every other string, including the Go ones, is written as cdk8s writes it.
    for (const s of TRICKY.filter((x) => !DELIBERATE.has(x))) {
      expect(ManifestYaml.stringifyDocument({ k: s })).toBe(Yaml.stringify({ k: s }));
    }
    for (const s of GO_DELIBERATE) {
      expect(ManifestYaml.stringifyDocument({ k: s })).not.toBe(Yaml.stringify({ k: s }));
    }
    expect(ManifestYaml.stringifyDocument({ env: 'a\u2028b', nel: 'a\u0085b', del: '\x7f', mode: '0X1F', file: '\tindented\nnext\n' })).toBe(
      'env: "a\\u2028b"\nnel: "a\\u0085b"\ndel: "\\u007f"\nmode: "0X1F"\nfile: "\\tindented\\nnext\\n"\n');
    expect(ManifestYaml.stringifyDocument({ 'a\u2028b': 1, 'a\u2028\nb': 2, '0B1': 3 })).toBe('"a\\u2028b": 1\n"a\\u2028\\nb": 2\n"0B1": 3\n');
    expect(ManifestYaml.stringifyDocument({ mode: '0o17' })).toBe('mode: "0o17"\n');
    expect(Yaml.stringify({ mode: '0o17' })).toBe('mode: 0o17\n');
    expect(YAML.parse(Yaml.stringify({ mode: '0o17' }))).toEqual({ mode: 15 });
    expect(ManifestYaml.stringifyDocument({ '0o17': 'a\n \n', '<<': ' \n' })).toBe('"0o17": "a\\n \\n"\n"<<": " \\n"\n');
    for (const s of DELIBERATE) {
      expect(readsBack(ManifestYaml.stringifyDocument({ k: s }), { k: s })).toBe(true);
      if (!s.includes('\n')) expect(readsBack(ManifestYaml.stringifyDocument({ [s]: 1 }), { [s]: 1 })).toBe(true);
    }
  });

  it('writes multi-document files as cdk8s does, with undefined documents as empty lines', () => {
    const docs = [...documents().slice(0, 20), undefined, { a: 1 }, undefined];
    expect(ManifestYaml.stringify(docs)).toBe(Yaml.stringify(...docs));
    expect(ManifestYaml.stringify([])).toBe(Yaml.stringify());
  });

  it('falls back to the yaml package, with the same output, for values a manifest does not have', () => {
    class Custom {
      public readonly field = 1;
    }
    const odd: any[] = [
      { a: [undefined] }, { a: undefined }, { a: NaN }, { a: Infinity }, { a: -0 }, { a: new Date(0) }, { a: new Custom() },
      [1, 2], 'scalar', 5, null, {}, { a: [1, , 3] }, { a: Object.create(null) }, { a: 10n },
    ];
    for (const doc of odd) {
      expect(ManifestYaml.stringify([doc])).toBe(Yaml.stringify(doc));
    }
  });

  it('is valid YAML that parses back to the same JSON, as YAML 1.1 and as 1.2', () => {
    const docs = documents();
    const text = ManifestYaml.stringify(docs);
    for (const version of ['1.1', '1.2'] as const) {
      const parsed = YAML.parseAllDocuments(text, { version }).map((d) => {
        expect(d.errors).toEqual([]);
        return d.toJSON();
      });
      expect(parsed).toEqual(JSON.parse(JSON.stringify(docs)));
    }
  });

  it('writes a string plain only when no YAML 1.1 or 1.2 type reads it as something else', () => {
    // Every string that the writer emits plain (`key: value` without quotes) must resolve to a
    // string under both schemas: checked against the schema's own tag tests.
    const tests = typeTests('1.1', '1.2');
    const candidates = new Set<string>(TRICKY);
    for (const a of ['', 'a', 'e', 'E', 'y', 'n', 'o', 'N', 'x', '_', '/', '0', '1', '.', '-', '+', ':', '~']) {
      for (const b of ['', '1', 'e1', 'es', 'o', 'ff', 'n', 'ull', 'rue', 'alse', ':1', '.5', '_0', '/x', 'a', '-1']) candidates.add(a + b);
    }
    let plain = 0;
    for (const s of candidates) {
      const line = ManifestYaml.stringifyDocument({ k: s });
      if (line === `k: ${s}\n`) {
        plain++;
        for (const t of tests) expect(t.test(s), `${JSON.stringify(s)} matches ${t}`).toBe(false);
      }
    }
    expect(plain).toBeGreaterThan(20);
  });

  it('reads back the same with YAML 1.1 and 1.2 readers for the verify corpus, as value and as key', () => {
    for (const str of stringCorpus()) {
      for (const doc of [{ k: str }, { [str]: 'v' }, { a: [str, { b: str }] }]) {
        expect(readsBack(ManifestYaml.stringifyDocument(doc), doc), JSON.stringify(doc)).toBe(true);
      }
    }
  });

  // The strongest test: Go's own reader (built by `tools/build.sh yaml-check`, run by `npm run verify`).
  const goReader = path.join(__dirname, '..', '..', '.tools', 'bin', 'yaml-check');
  it.skipIf(!fs.existsSync(goReader))('reads back the same with sigs.k8s.io/yaml, Kubernetes\' YAML 1.1 reader', () => {
    const { cases } = require('../../verify/yaml-writer.js');
    const r = spawnSync(goReader, [], { input: JSON.stringify(cases()), encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('writes a key of more than 1024 characters as an explicit `? key`, as cdk8s does, and shorter ones plain', () => {
    const long = 'k'.repeat(1025);
    const edge = 'k'.repeat(1024);
    const doc = { a: { [long]: 'v', [edge]: 'w', [long + 'm']: { b: 1, c: [2] }, [long + 's']: [{ d: 3, e: 4 }], [long + 'e']: {} }, items: [{ [long]: 'x', f: 5 }] };
    const text = ManifestYaml.stringifyDocument(doc);
    expect(text.replace(/k{1025}/g, 'K')).toBe([
      'a:', '  ? K', '  : v', `  ${edge}: w`, '  ? Km', '  : b: 1', '    c:', '      - 2', '  ? Ks', '  : - d: 3', '      e: 4', '  ? Ke', '  : {}',
      'items:', '  - ? K', '    : x', '    f: 5', '',
    ].join('\n'));
    expect(text).toBe(Yaml.stringify(doc));
    // A quoted key counts its quotes; a key Go needs escaped keeps its escapes.
    const quoted = ManifestYaml.stringifyDocument({ [`\u0085${'k'.repeat(1022)}`]: 'v' });
    expect(quoted.startsWith('? "\\u0085kkk')).toBe(true);
    expect(YAML.parse(quoted)).toEqual({ [`\u0085${'k'.repeat(1022)}`]: 'v' });
  });

  it('gives byte-identical output across runs', () => {
    const docs = documents();
    expect(ManifestYaml.stringify(docs)).toBe(ManifestYaml.stringify(JSON.parse(JSON.stringify(docs))));
  });
});

describe('a plain cdk8s App with library constructs', () => {
  it('writes with ManifestYaml during its synthesis, and leaves cdk8s Yaml as it was afterwards', () => {
    const outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'plain-app-'));
    const app = new App({ outdir });
    new HashedConfigMap(new Chart(app, 'c'), 'cfg', { data: { env: 'a\u2028b', mode: '0X1F', plain: 'yes' } });
    const text = app.synthYaml();
    expect(text).toContain('env: "a\\u2028b"\n');
    expect(text).toContain('mode: "0X1F"\n');
    expect(text).toContain('plain: "yes"\n');
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'c.k8s.yaml'), 'utf8')).toBe(text);
    expect(Yaml.stringify({ v: 'a\u2028b' })).toBe('v: a\u2028b\n');
  });
});

describe('strings no Kubernetes reader accepts', () => {
  it('an unpaired surrogate is an error naming the object and the string, never a file the API server refuses', () => {
    const doc = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { k: v } });
    expect(() => ManifestYaml.stringify([doc('\ud800x')])).toThrow(
      'ManifestYaml: cannot write ConfigMap shop/cm: the string "\\ud800x" holds an unpaired UTF-16 surrogate (U+D800 at index 0), which is not a character: '
      + 'the API server, kubectl and every YAML reader of Kubernetes refuse the whole file. Remove it or pair it.');
    expect(() => ManifestYaml.stringify([doc('ok \udfff')])).toThrow('(U+DFFF at index 3)');
    expect(ManifestYaml.stringify([doc('a pair \ud83d\ude80 is a character')])).toContain('k: a pair \ud83d\ude80 is a character\n');
  });

  it('fails the synthesis of an app that holds one', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'surrogate-')) });
    new HashedConfigMap(new Chart(app, 'c'), 'cfg', { data: { A: '\ud800x' } });
    expect(() => app.synth()).toThrow(/^ManifestYaml: cannot write ConfigMap cfg-[0-9a-f]+: the string "\\ud800x" holds an unpaired UTF-16 surrogate/);
  });
});
