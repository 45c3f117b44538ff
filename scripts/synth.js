#!/usr/bin/env node
// Synthesizes every example app (examples/<name>/main.ts) to dist/<name>/.
//
// Type-checking belongs to `npm test` and CI (`tsc --noEmit`); synthesis only strips types.
// ts-node spent most of a synth loading the TypeScript compiler and transpiling every file,
// even with transpileOnly. Here esbuild bundles each example with the library's TypeScript
// into one CommonJS file (packages stay external, loaded from node_modules as usual), which
// is cached under node_modules/.cache with the content hash of every input: an unchanged
// example loads one file and never loads esbuild; a change rebuilds in milliseconds.
//
// `require('./scripts/synth.js')` gives `load(entry)` (the same, for another entry point)
// and `register()` (a require hook that transpiles single .ts files, also cached).
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

const defaultCacheDir = () => process.env.GUARDRAILS_TS_CACHE ?? path.join(root, 'node_modules', '.cache', 'guardrails-ts');
const sha1 = (...parts) => {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

/** Writes a file atomically (write, then rename): concurrent synths never read half a file. */
function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Loads a TypeScript entry point bundled with the TypeScript it imports (not packages), as
 * `require(entry)` would: same filename, __dirname and node_modules lookup.
 * @param {string} entry absolute path of a .ts file
 * @param {{ cacheDir?: string }} [options]
 */
function load(entry, options = {}) {
  if (require.cache[entry]) return require.cache[entry].exports;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const key = sha1(LOADER_VERSION, entry);
  const codeFile = path.join(cacheDir, `${key}.bundle.js`);
  const inputsFile = path.join(cacheDir, `${key}.inputs.json`);
  let code;
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    if (inputs.every(([file, hash]) => sha1(fs.readFileSync(file)) === hash)) code = fs.readFileSync(codeFile, 'utf8');
  } catch {
    // not built yet, or an input is gone
  }
  if (code === undefined) {
    const result = require('esbuild').buildSync({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      metafile: true,
      sourcemap: 'inline',
      sourcesContent: false,
      outfile: entry.replace(/\.ts$/, '.js'),
      tsconfigRaw: TSCONFIG_RAW,
      logLevel: 'silent',
    });
    code = result.outputFiles[0].text;
    const inputs = Object.keys(result.metafile.inputs).map((f) => {
      const file = path.resolve(root, f);
      return [file, sha1(fs.readFileSync(file))];
    });
    try {
      writeAtomic(codeFile, code);
      writeAtomic(inputsFile, JSON.stringify(inputs));
    } catch {
      // a read-only tree still synthesizes, only slower
    }
  }
  const Module = require('module');
  const m = new Module(entry, module);
  m.filename = entry;
  m.paths = Module._nodeModulePaths(path.dirname(entry));
  require.cache[entry] = m;
  try {
    m._compile(code, entry);
  } catch (e) {
    delete require.cache[entry];
    throw e;
  }
  m.loaded = true;
  return m.exports;
}

let registered = false;

/**
 * Lets `require()` load `.ts` files: types stripped by esbuild, output cached by content.
 * @param {{ cacheDir?: string }} [options]
 */
function register(options = {}) {
  if (registered) return;
  registered = true;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let esbuild;
  const transpile = (source, filename) => {
    const key = sha1(LOADER_VERSION, filename, source);
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
      writeAtomic(cached, code);
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

module.exports = { load, register };

if (require.main === module) main();
