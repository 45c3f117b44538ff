import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { Guardrails, ManifestYaml } from '../../lib';
import { main } from '../../lib/cli/main';
import { readManifestText } from '../../lib/practices/read';

/**
 * `check` reads what Go's readers (kubectl, the API server) read and refuses what they refuse:
 * long implicit keys, surrogate escapes, nesting past 10000, a JSON stream, non-string names.
 */

const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n${data}`;
const read = (text: string) => { const r = readManifestText(text, 'f.yaml'); return { objects: r.inputs.map((i) => i.source), problems: r.problems, notes: r.notes }; };

describe('check reads as Go reads', () => {
  it('refuses an implicit key over 1024 characters, plain or quoted; takes 1024, an explicit key and a long line in a block scalar', () => {
    expect(read(cm(`  ${'k'.repeat(1025)}: v\n`)).problems).toEqual([
      'f.yaml: has a map key of 1025 characters on line 6, written as an implicit key (`key: value`); Go\'s YAML reader refuses implicit keys over 1024 characters ("mapping values are not allowed in this context"): write it as an explicit key, `? key` then `: value` on the next line',
    ]);
    expect(read(cm(`  "${'k'.repeat(1023)}": v\n`)).problems[0]).toMatch(/^f\.yaml: has a map key of 1025 characters on line 6/);
    expect(read(cm(`  - x: 1\n    ${'k'.repeat(1025)}: v\n`)).problems[0]).toMatch(/^f\.yaml: has a map key of 1025 characters on line 7/);
    expect(read(cm(`  ${'k'.repeat(1024)}: v\n`))).toEqual({ objects: ['f.yaml'], problems: [], notes: [] });
    expect(read(cm(`  "${'k'.repeat(1022)}": v\n`)).problems).toEqual([]);
    expect(read(cm(`  ${'é'.repeat(1000)}: v\n`)).problems).toEqual([]);
    expect(read(cm(`  f: |\n    ${'k'.repeat(1100)}: not a key\n  g: x\n`)).problems).toEqual([]);
    expect(read(cm(`  v: ${'k'.repeat(1100)} and: more\n`.replace(' and: more', ' and more'))).problems).toEqual([]);
    const written = ManifestYaml.stringifyDocument({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { ['k'.repeat(1100)]: 'v' } });
    expect(read(written)).toEqual({ objects: ['f.yaml'], problems: [], notes: [] });
  });

  it('refuses a YAML escape of a lone surrogate; a JSON one is read with a note (Go makes it U+FFFD); a pair passes', () => {
    expect(read(cm('  k: "\\ud800"\n')).problems).toEqual([
      'f.yaml: has an escape of a lone UTF-16 surrogate (such as "\\ud800") in data.k, which is not a character; Go\'s YAML reader refuses it ("found invalid Unicode character escape code")',
    ]);
    expect(read(cm('  k: "\\ud83d\\ude00"\n'))).toEqual({ objects: ['f.yaml'], problems: [], notes: [] });
    const json = read('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "\\udc00"}}');
    expect(json.objects).toEqual(['f.yaml']);
    expect(json.notes).toEqual(['f.yaml: has an escape of a lone UTF-16 surrogate (such as "\\ud800") in data.k; Go\'s JSON reader replaces it with U+FFFD, so the object applied differs from the file']);
  });

  it('refuses nesting deeper than 10000 as an input error, and takes 10000', () => {
    expect(read('['.repeat(100_000)).problems).toEqual(['f.yaml: nests lists or maps more than 10000 deep (line 1), which Go\'s YAML and JSON readers refuse ("exceeded max depth"); refused']);
    expect(read('{"a":' + '['.repeat(20_000)).problems[0]).toMatch(/nests lists or maps more than 10000 deep/);
    const deep = read(cm(`  k: "${'['.repeat(20_000)}"\n`));
    expect(deep.problems).toEqual([]);
  });

  it('counts no bracket inside quoted scalars (escapes included) or comments, and names the line of the one too deep', () => {
    const inside = [
      `  a: "\\"${'['.repeat(6_000)}"`, // an escaped quote does not end the scalar
      `  b: 'it''s ${'{'.repeat(6_000)}'`, // nor does a doubled single quote
      `  # ${'['.repeat(6_000)}`,
      `  c: x #${'['.repeat(6_000)}`,
    ].join('\n');
    expect(read(cm(`${inside}\n  d: "${'['.repeat(9_999)}"\n`)).problems).toEqual([]);
    expect(read(`a: [\n# [[[\n"[[["\n${'['.repeat(10_000)}`).problems)
      .toEqual(['f.yaml: nests lists or maps more than 10000 deep (line 4), which Go\'s YAML and JSON readers refuse ("exceeded max depth"); refused']);
    expect(read(`${inside}\n${'['.repeat(10_001)}`).problems[0]).toMatch(/more than 10000 deep \(line 5\)/);
  });

  it('finds a long key on any line, the last one included, and not in a text of short lines', () => {
    expect(read(cm(`  a: b\n  ${'k'.repeat(1025)}: v`)).problems[0]).toMatch(/^f\.yaml: has a map key of 1025 characters on line 7/);
    expect(read(cm(Array.from({ length: 5_000 }, (_, i) => `  k${i}: ${'v'.repeat(1_000)}`).join('\n'))).problems).toEqual([]);
  });

  it('reads a JSON stream of concatenated objects, as kubectl does', () => {
    const a = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}';
    const b = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "annotations": {"x": "}{"}}}';
    expect(read(`${a}\n${b}\n`)).toEqual({ objects: ['f.yaml#1', 'f.yaml#2'], problems: [], notes: [] });
    expect(read(`${a}${b}`).objects).toEqual(['f.yaml#1', 'f.yaml#2']);
    expect(read(`${a}\n{"apiVersion": "v1",`).problems.length).toBe(1);
  });

  it('says that a metadata.name is a number or a boolean, not that it is missing', () => {
    expect(read('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": 123}}').problems)
      .toEqual(['f.yaml: ConfigMap has metadata.name the number 123 (YAML reads an unquoted number as a number: quote it); the API server requires a string name']);
    expect(read('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: true\n').problems)
      .toEqual(['f.yaml: ConfigMap has metadata.name the boolean true (YAML 1.1 reads an unquoted y, yes, on or true as true: quote it); the API server requires a string name']);
    expect(read('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "123"\n').problems).toEqual([]);
  });
});

describe('check -- <paths>', () => {
  it('takes a file named like an option after --, and still refuses an unknown option before it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-dashdash-'));
    fs.writeFileSync(path.join(dir, '-x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: n\ndata: {}\n');
    const cwd = process.cwd();
    let out = '';
    let err = '';
    const io = { out: (t: string) => { out += t; }, err: (t: string) => { err += t; }, stdin: () => '' };
    try {
      process.chdir(dir);
      main(['check', '--format', 'json', '--', '-x.yaml'], io);
      expect(err).not.toContain('unknown option');
      expect(JSON.parse(out).inputErrors).toEqual([]);
      err = '';
      expect(main(['check', '-x.yaml'], io)).toBe(2);
      expect(err).toContain('unknown option -x.yaml');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('Guardrails.check given nothing or a cycle', () => {
  const cm = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, data: {} as any });
  it('refuses an empty list (no vacuous pass) and a cyclic object, naming where the cycle is; takes shared, acyclic values', () => {
    expect(() => Guardrails.check([])).toThrow(/^Guardrails\.check: invalid manifests \[\]; expected at least one Kubernetes object: with none there is nothing to check/);
    const cyclic = cm();
    cyclic.data.self = cyclic;
    expect(() => Guardrails.check([cyclic])).toThrow(/^Guardrails\.check: invalid manifests\[0\]\.data\.self .*; expected JSON data without cycles/);
    const shared = { k: 'v' };
    const ok = cm();
    ok.data = { a: shared, b: shared } as any;
    expect(() => Guardrails.check([ok])).not.toThrow();
  });
});
