#!/usr/bin/env node
// Synthesizes every example app (examples/<name>/main.ts) to dist/<name>/, in one process.
//
// Type-checking belongs to `npm test` and CI (`tsc --noEmit`); synthesis only strips types,
// with the loader that the package ships (bin/ts-loader.js, the one behind
// `cdk8s-guardrails synth`): every file transpiled once and cached by content, and V8's code
// cache of every module, both under node_modules/.cache/cdk8s-guardrails.
//
// `require('./scripts/synth.js')` gives `load(entry)` (loads another TypeScript entry point
// the same way), `register()` and `enableCodeCache()`.
'use strict';
const fs = require('fs');
const path = require('path');
const loader = require('../bin/ts-loader.js');

const root = path.join(__dirname, '..');

/** Lets `require()` load the repository's TypeScript (tsconfig.dev.json's emit options). */
function register() {
  return loader.register({ entry: path.join(root, 'index.ts'), project: path.join(root, 'tsconfig.dev.json') });
}

/** Compiles every module loaded from now on with V8's code cache (the repository's cache). */
function enableCodeCache() {
  loader.enableCodeCache({ cacheDir: loader.cacheDirFor(root) });
}

/**
 * Loads a TypeScript entry point as `require(entry)` does.
 * @param {string} entry absolute path of a .ts file
 */
function load(entry) {
  register();
  return require(entry);
}

function main() {
  enableCodeCache();
  const examples = fs.readdirSync(path.join(root, 'examples'))
    .filter((d) => fs.existsSync(path.join(root, 'examples', d, 'main.ts')))
    .sort();
  for (const name of examples) {
    const outdir = path.join(root, 'dist', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    process.env.CDK8S_OUTDIR = outdir;
    load(path.join(root, 'examples', name, 'main.ts'));
    console.log(`synthesized examples/${name} -> ${path.relative(root, outdir)}/`);
  }
}

module.exports = { enableCodeCache, load, register };

if (require.main === module) main();
