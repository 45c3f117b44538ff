#!/usr/bin/env node
// Synthesizes every example app (examples/<name>/main.ts) to dist/<name>/.
//
// Type-checking belongs to `npm test` and CI (`tsc --noEmit`); synthesis only strips types.
// ts-node spent most of a synth loading the TypeScript compiler, even with transpileOnly.
// Here esbuild strips the types of one file at a time (the same module graph as tsc's
// CommonJS output) and the JavaScript is cached by content hash under node_modules/.cache,
// so a file that did not change is never transpiled again and esbuild is not even loaded.
//
// `require('./scripts/synth.js').register()` installs the same loader in another process
// (the benchmarks use it).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// Bump when the transpile options change: it is part of every cache key.
const LOADER_VERSION = '1';
// The compiler options of tsconfig.dev.json that change emitted JavaScript. Class fields keep
// TypeScript's ES2020 semantics (assigned in the constructor), as tsc and ts-node emit them.
const TSCONFIG_RAW = {
  compilerOptions: {
    target: 'ES2020',
    useDefineForClassFields: false,
    experimentalDecorators: true,
    esModuleInterop: true,
    verbatimModuleSyntax: false,
    preserveValueImports: false,
  },
};

let registered = false;

/**
 * Lets `require()` load `.ts` files: types stripped by esbuild, output cached by content.
 * @param {{ cacheDir?: string }} [options]
 */
function register(options = {}) {
  if (registered) return;
  registered = true;
  const cacheDir = options.cacheDir ?? process.env.GUARDRAILS_TS_CACHE ?? path.join(root, 'node_modules', '.cache', 'guardrails-ts');
  let esbuild;
  let cacheReady = false;
  const transpile = (source, filename) => {
    const key = crypto.createHash('sha1').update(LOADER_VERSION).update('\0').update(filename).update('\0').update(source).digest('hex');
    const cached = path.join(cacheDir, `${key}.js`);
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
    esbuild ??= require('esbuild');
    const { code } = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'inline',
      tsconfigRaw: TSCONFIG_RAW,
    });
    try {
      if (!cacheReady) {
        fs.mkdirSync(cacheDir, { recursive: true });
        cacheReady = true;
      }
      // Write then rename: concurrent synths never read a half-written file.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only tree still synthesizes, only slower
    }
    return code;
  };
  require.extensions['.ts'] = (module, filename) => {
    module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}

function main() {
  register();
  const examples = fs.readdirSync(path.join(root, 'examples'))
    .filter((d) => fs.existsSync(path.join(root, 'examples', d, 'main.ts')))
    .sort();
  for (const name of examples) {
    const outdir = path.join(root, 'dist', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    process.env.CDK8S_OUTDIR = outdir;
    require(path.join(root, 'examples', name, 'main.ts'));
    console.log(`synthesized examples/${name} -> ${path.relative(root, outdir)}/`);
  }
}

module.exports = { register };

if (require.main === module) main();
