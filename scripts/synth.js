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
// Most of what remains is V8 parsing and compiling the same JavaScript on every run (cdk8s,
// cdk8s-plus-27's 2.5 MB of generated classes, yaml, the bundle): `enableCodeCache()` keeps
// V8's code cache of every module, taken at exit so that it holds the functions that ran.
//
// `require('./scripts/synth.js')` gives `load(entry)` (the same, for another entry point),
// `register()` (a require hook that transpiles single .ts files, also cached) and
// `enableCodeCache()`.
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
    // Unchanged size and mtime: unchanged; otherwise compare the content.
    const same = ([file, size, mtimeMs, hash]) => {
      const st = fs.statSync(file);
      return (st.size === size && st.mtimeMs === mtimeMs) || sha1(fs.readFileSync(file)) === hash;
    };
    if (inputs.every(same)) code = fs.readFileSync(codeFile, 'utf8');
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
      const st = fs.statSync(file);
      return [file, st.size, st.mtimeMs, sha1(fs.readFileSync(file))];
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

let codeCacheEnabled = false;

/**
 * Compiles every CommonJS module loaded from now on with V8's code cache, kept under the
 * cache directory. The cache is written at exit (for modules that had none), so it also holds
 * the functions compiled lazily while the program ran: the next run neither parses nor
 * compiles them. Keyed by file and content (size and mtime for packages, which npm does
 * not edit in place); V8 rejects a cache made by another version, which is then rebuilt.
 * @param {{ cacheDir?: string }} [options]
 */
function enableCodeCache(options = {}) {
  if (codeCacheEnabled || process.env.GUARDRAILS_NO_CODE_CACHE) return;
  codeCacheEnabled = true;
  const vm = require('vm');
  const Module = require('module');
  const dir = path.join(options.cacheDir ?? defaultCacheDir(), `v8-${process.version}-${process.arch}`);
  const pending = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    // Dynamic import() needs Node's own compiler (vm.Script has no loader for it).
    if (content.includes('import(')) return compile.call(this, content, filename);
    let key;
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
      const st = fs.statSync(filename);
      key = sha1(filename, String(st.size), String(st.mtimeMs));
    } else {
      key = sha1(filename, content);
    }
    const file = path.join(dir, key);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      // first run
    }
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(source), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) pending.push([script, file]);
    const fn = script.runInThisContext({ displayErrors: true });
    // The `require` that Node gives a module.
    const mod = this;
    const req = (id) => mod.require(id);
    req.resolve = (request, opts) => Module._resolveFilename(request, mod, false, opts);
    req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    req.main = require.main;
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    return fn.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const [script, file] of pending) {
      try {
        writeAtomic(file, script.createCachedData());
      } catch {
        // a read-only tree still synthesizes, only slower
      }
    }
  });
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
