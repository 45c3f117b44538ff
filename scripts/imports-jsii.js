#!/usr/bin/env node
// Runs after `cdk8s import` (npm run import). A few CRD schemas have fields named like Java
// accessors (`getByTitleFallback` in the external-secrets stores), which jsii refuses in a
// public API (JSII5000): such a field is marked `@jsii ignore`. TypeScript users still set it;
// other languages set it with addJsonPatch. Nothing else of the generated code changes, and
// running this twice changes nothing.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'lib', 'imports');
const ACCESSOR = /^(\s*)readonly ((?:get|set)[A-Z]\w*)\??:/;
const MARK = '@jsii ignore';

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  const full = path.join(dir, file);
  const lines = fs.readFileSync(full, 'utf8').split('\n');
  let changed = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = ACCESSOR.exec(lines[i]);
    if (!m || !/^\s*\*\/$/.test(lines[i - 1] ?? '')) continue;
    if ((lines[i - 2] ?? '').includes(MARK)) continue;
    lines.splice(i - 1, 0, `${m[1]} * ${MARK} "${m[2]}" reads as a Java accessor (JSII5000); set it with addJsonPatch outside TypeScript`);
    i++;
    changed++;
  }
  if (changed > 0) {
    fs.writeFileSync(full, lines.join('\n'));
    console.log(`${file}: ${changed} field(s) marked ${MARK}`);
  }
}
