#!/usr/bin/env node
// Reads what the library's YAML writer (ManifestYaml) writes with Kubernetes' own YAML reader
// (sigs.k8s.io/yaml, YAML 1.1, through .tools/bin/yaml-check) and fails if any value reads
// back differently or not at all:
//   - a corpus of strings that YAML 1.1 and 1.2 readers treat specially (booleans, nulls,
//     numbers, timestamps, merge keys, indicators, line breaks, control characters, block
//     scalars with leading tabs or spaces), as values and as keys, at several depths;
//   - every document under dist/ (or the folders given as arguments), compared with what
//     the JavaScript `yaml` reader reads from it.
//
//   node verify/yaml-writer.js [folder...]
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
require(path.join(root, 'scripts', 'synth.js')).register();
const { ManifestYaml } = require(path.join(root, 'lib', 'app', 'manifest-yaml.ts'));
const { stringCorpus } = require('./yaml-corpus');
const YAML = require('yaml');

function cases() {
  const out = [];
  const add = (name, value) => out.push({ name, yaml: ManifestYaml.stringifyDocument(value), json: value });
  for (const [i, s] of stringCorpus().entries()) {
    const name = `corpus[${i}] ${JSON.stringify(s)}`;
    add(`${name} as a value`, { kind: 'ConfigMap', data: { v: s } });
    add(`${name} as a key`, { kind: 'ConfigMap', data: { [s]: 'v' } });
    add(`${name} in a sequence`, { kind: 'Pod', spec: { args: [s, 'x'], nested: [{ a: s, b: [s] }] } });
    add(`${name} as a top-level value`, { v: s });
  }
  // Keys around the 1024-character limit of implicit keys, plain, quoted and multi-byte, with
  // each kind of value, at the top, nested and first in a sequence item.
  for (const n of [1022, 1023, 1024, 1025, 1100]) {
    for (const k of ['k'.repeat(n), `a b${'k'.repeat(n - 3)}`, 'é'.repeat(n), `\u0085${'k'.repeat(n - 1)}`]) {
      const name = `a key of ${n} characters ${JSON.stringify(k.slice(0, 4))}...`;
      add(`${name} with a scalar`, { kind: 'ConfigMap', data: { [k]: 'v', after: 'w' } });
      add(`${name} with a map and a list`, { spec: { [k]: { a: 1, b: [1, { c: 2 }] }, [k + 'l']: [{ d: 3, e: 4 }, 5], x: {}, [k + 'e']: {}, [k + 'f']: [] } });
      add(`${name} first in a list item`, { items: [{ [k]: 'v', c: 2 }, { [k]: { a: 1 } }] });
    }
  }
  return out;
}

function distCases(folders) {
  const out = [];
  for (const folder of folders) {
    if (!fs.existsSync(folder)) continue;
    for (const entry of fs.readdirSync(folder, { recursive: true }).sort()) {
      const file = path.join(folder, entry);
      if (!/\.ya?ml$/.test(file) || !fs.statSync(file).isFile()) continue;
      const text = fs.readFileSync(file, 'utf8');
      text.split(/^---\n/m).forEach((doc, i) => {
        if (doc.trim() === '') return;
        out.push({ name: `${path.relative(root, file)}#${i}`, yaml: doc, json: YAML.parse(doc, { version: '1.2' }) });
      });
    }
  }
  return out;
}

function main() {
  const bin = path.join(root, '.tools', 'bin', 'yaml-check');
  if (!fs.existsSync(bin)) {
    console.error('yaml-writer: .tools/bin/yaml-check is missing: run tools/build.sh yaml-check');
    process.exit(2);
  }
  const folders = process.argv.length > 2 ? process.argv.slice(2) : [process.env.VERIFY_DIST || path.join(root, 'dist')];
  const all = [...cases(), ...distCases(folders)];
  const r = spawnSync(bin, [], { input: JSON.stringify(all), encoding: 'utf8', maxBuffer: 1 << 30 });
  process.stderr.write(r.stderr);
  for (const line of r.stdout.split('\n').filter(Boolean).slice(0, 50)) {
    const m = JSON.parse(line);
    console.log(`- ${m.name}\n  yaml: ${JSON.stringify(m.yaml)}\n  want: ${JSON.stringify(m.want)}\n  ${m.error ? `error: ${m.error}` : `got:  ${JSON.stringify(m.got)}`}`);
  }
  process.exit(r.status ?? 2);
}

if (require.main === module) main();
module.exports = { cases, distCases };
