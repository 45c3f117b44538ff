// Loads a TypeScript program without type-checking it, fast on every run after the first.
//
// - `register()` lets `require()` load `.ts` and `.cts` files. Each file is transpiled on its
//   own (so `__filename`, `__dirname` and module identity are those of the file, as under
//   ts-node) by esbuild when the project has it installed, else by the `typescript` compiler's
//   `transpileModule`. The output is cached by content (transpiler, emit options of the
//   project's tsconfig.json, file name and source), so an unchanged file is read from the
//   cache and no transpiler is ever loaded.
// - `enableCodeCache()` keeps V8's code cache of every JavaScript module (cdk8s, cdk8s-plus-27,
//   this library, ...), written at exit so that it also holds the functions that ran: the next
//   run neither parses nor compiles them.
//
// Both caches live in `node_modules/.cache/cdk8s-guardrails` of the project (the nearest
// directory with a node_modules folder), or in $GUARDRAILS_TS_CACHE. A cache that cannot be
// written (read-only tree) only makes runs slower.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

// Part of every cache key: bump when the transpiled output changes for the same inputs.
const LOADER_VERSION = '3';
const TRANSPILERS = ['esbuild', 'typescript'];
// The compiler options that change emitted JavaScript (everything else is type-checking).
const EMIT_OPTIONS = [
  'target', 'useDefineForClassFields', 'experimentalDecorators', 'emitDecoratorMetadata', 'esModuleInterop',
  'verbatimModuleSyntax', 'preserveValueImports', 'importsNotUsedAsValues', 'alwaysStrict', 'strict',
  'jsx', 'jsxFactory', 'jsxFragmentFactory', 'jsxImportSource',
];

// Without a tsconfig.json, ts-node uses the @tsconfig/bases recommended for the Node.js version.
const NO_TSCONFIG = { target: 'es2022', esModuleInterop: true, strict: true };

const sha1 = (...parts) => {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

/** Writes a file atomically (write, then rename): concurrent runs never read half a file. */
function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function tryWrite(file, data) {
  try {
    writeAtomic(file, data);
  } catch {
    // a read-only tree still runs, only slower
  }
}

/**
 * The cache directory of the project that holds `dir`: `node_modules/.cache/cdk8s-guardrails`
 * of the nearest directory with a node_modules folder, or $GUARDRAILS_TS_CACHE; undefined when
 * there is neither (nothing is cached).
 */
function cacheDirFor(dir) {
  if (process.env.GUARDRAILS_TS_CACHE) return path.resolve(process.env.GUARDRAILS_TS_CACHE);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules' && fs.existsSync(path.join(d, 'node_modules'))) {
      return path.join(d, 'node_modules', '.cache', 'cdk8s-guardrails');
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** Reads JSON with comments and trailing commas (tsconfig.json). */
function readJsonc(file) {
  const text = fs.readFileSync(file, 'utf8');
  // Strings are kept; comments go; then commas before a closing bracket.
  const noComments = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? '');
  return JSON.parse(noComments.replace(/("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g, (m, str, close) => str ?? close));
}

/** The tsconfig.json that ts-node would use for `entry`: the nearest one above it. */
function findTsconfig(entry) {
  for (let d = path.dirname(path.resolve(entry)); ; d = path.dirname(d)) {
    const file = path.join(d, 'tsconfig.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The emit-relevant compiler options of a tsconfig file, `extends` (a path or a package, one
 * or several) followed as TypeScript does: later files and the file itself win. Without a
 * file, the options ts-node would use.
 */
function emitOptions(tsconfig, seen = new Set()) {
  if (!tsconfig) return { ...NO_TSCONFIG };
  if (seen.has(tsconfig)) throw new Error(`${tsconfig}: "extends" loops back to this file`);
  seen.add(tsconfig);
  const json = readJsonc(tsconfig);
  const options = {};
  const bases = json.extends === undefined ? [] : [].concat(json.extends);
  for (const base of bases) {
    let file;
    if (base.startsWith('.') || path.isAbsolute(base)) {
      file = path.resolve(path.dirname(tsconfig), base);
      if (!fs.existsSync(file) && fs.existsSync(`${file}.json`)) file = `${file}.json`;
    } else {
      const paths = { paths: [path.dirname(tsconfig)] };
      try {
        file = require.resolve(base, paths);
      } catch {
        file = require.resolve(`${base}/tsconfig.json`, paths);
      }
    }
    Object.assign(options, emitOptions(file, seen));
  }
  for (const name of EMIT_OPTIONS) {
    if (json.compilerOptions && json.compilerOptions[name] !== undefined) options[name] = json.compilerOptions[name];
  }
  return options;
}

/** The installed version of a package, resolved from `dir`; undefined when it is not installed. */
function installedVersion(name, dir) {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: [dir, __dirname] });
    return { file, version: JSON.parse(fs.readFileSync(file, 'utf8')).version };
  } catch {
    return undefined;
  }
}

/**
 * Chooses the transpiler: `requested` when given, else esbuild when the project has it, else
 * typescript (esbuild cannot emit decorator metadata: typescript then).
 */
function chooseTranspiler(requested, dir, options) {
  if (requested !== undefined && !TRANSPILERS.includes(requested)) {
    throw new Error(`unknown transpiler "${requested}": expected one of ${TRANSPILERS.join(', ')}`);
  }
  const order = requested ? [requested] : options.emitDecoratorMetadata ? ['typescript'] : TRANSPILERS;
  for (const name of order) {
    const found = installedVersion(name, dir);
    if (found) return { name, version: found.version, dir: path.dirname(found.file) };
  }
  throw new Error(requested
    ? `the transpiler "${requested}" is not installed in ${dir}: install it (npm install --save-dev ${requested}) or leave the choice to the loader`
    : `no TypeScript transpiler found from ${dir}: install typescript or esbuild as a development dependency (npm install --save-dev esbuild)`);
}

/**
 * esbuild's import helper gives every CommonJS module a `default` and a namespace object, as
 * TypeScript does only with esModuleInterop. Without it, TypeScript (and so ts-node) uses
 * `require()`'s value as it is: `import * as f` of `module.exports = function` is the
 * function, and a default import reads the module's own `default` (undefined for JSON). The
 * helper is then replaced by the identity, which is that behaviour.
 */
function withoutInterop(code) {
  return code.replace(/^var __toESM = /m, 'var __toESM = (mod) => mod, __toESMInterop = ');
}

/** An esbuild failure as a SyntaxError that names the file, line and column, without frames. */
function esbuildError(e, filename) {
  if (!Array.isArray(e.errors) || e.errors.length === 0) return e;
  const lines = e.errors.map(({ text, location: at }) => {
    if (!at) return text;
    return `${at.file || filename}:${at.line}:${at.column + 1}: ${text}\n    ${at.lineText}\n    ${' '.repeat(at.column)}^`;
  });
  return shortError(new SyntaxError(lines.join('\n')));
}

/** An error whose stack is its message: compile errors have no frames worth showing. */
function shortError(error) {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

function esbuildTranspile(transpiler, options) {
  const esbuild = require(transpiler.dir);
  const tsconfigRaw = { compilerOptions: {} };
  for (const name of EMIT_OPTIONS) {
    if (name !== 'emitDecoratorMetadata' && name !== 'esModuleInterop' && options[name] !== undefined) {
      tsconfigRaw.compilerOptions[name] = options[name];
    }
  }
  const interop = options.esModuleInterop === true;
  return (source, filename) => {
    let code;
    try {
      code = esbuild.transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        platform: 'node',
        target: `node${process.versions.node.split('.')[0]}`,
        sourcefile: filename,
        sourcemap: 'inline',
        tsconfigRaw,
        logLevel: 'silent',
      }).code;
    } catch (e) {
      throw esbuildError(e, filename);
    }
    return interop ? code : withoutInterop(code);
  };
}

function typescriptTranspile(transpiler, options) {
  const ts = require(transpiler.dir);
  const { options: compilerOptions, errors } = ts.convertCompilerOptionsFromJson(options, process.cwd());
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
  Object.assign(compilerOptions, {
    module: ts.ModuleKind.CommonJS,
    inlineSourceMap: true,
    sourceMap: false,
    declaration: false,
    noEmit: false,
    isolatedModules: true,
  });
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
  return (source, filename) => {
    const out = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: true });
    const errs = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errs.length > 0) throw shortError(new SyntaxError(`Unable to compile TypeScript:\n${ts.formatDiagnostics(errs, host).trimEnd()}`));
    return out.outputText;
  };
}

let registered;

/**
 * Lets `require()` load `.ts` and `.cts` files, types stripped, output cached by content.
 * @param {{ entry?: string, project?: string, transpiler?: string, cacheDir?: string | null }} [options]
 *   entry: the program's entry point (finds tsconfig.json and the cache, default: cwd);
 *   project: the tsconfig.json to use; transpiler: 'esbuild' or 'typescript' (default: esbuild
 *   when installed); cacheDir: null for no cache.
 * @returns {{ transpiler: string }} the transpiler chosen
 */
function register(options = {}) {
  if (registered) return registered.info;
  const entry = path.resolve(options.entry ?? path.join(process.cwd(), 'index.ts'));
  const dir = path.dirname(entry);
  const tsconfig = options.project ? path.resolve(options.project) : findTsconfig(entry);
  const emit = emitOptions(tsconfig);
  const transpiler = chooseTranspiler(options.transpiler, dir, emit);
  const cacheDir = options.cacheDir === undefined ? cacheDirFor(dir) : options.cacheDir;
  const keyBase = sha1(LOADER_VERSION, transpiler.name, transpiler.version, JSON.stringify(emit));
  let transpile;
  const compile = (source, filename) => {
    const cached = cacheDir && path.join(cacheDir, 'ts', `${sha1(keyBase, filename, source)}.js`);
    if (cached) {
      try {
        return fs.readFileSync(cached, 'utf8');
      } catch {
        // not cached yet
      }
    }
    transpile ??= (transpiler.name === 'esbuild' ? esbuildTranspile : typescriptTranspile)(transpiler, emit);
    const code = transpile(source, filename);
    if (cached) tryWrite(cached, code);
    return code;
  };
  const load = (module, filename) => {
    const code = compile(fs.readFileSync(filename, 'utf8'), filename);
    transpiled.set(filename, code);
    module._compile(code, filename);
  };
  require.extensions['.ts'] = load;
  require.extensions['.cts'] = load;
  mapStackTraces();
  registered = { info: { transpiler: transpiler.name } };
  return registered.info;
}

/** The JavaScript of every file transpiled by `register()`, with its inline source map. */
const transpiled = new Map();
// The module wrapper's first line, which precedes line 1 of a module compiled with the code cache.
const WRAPPER_LENGTH = Module.wrap('').indexOf('\n');

/**
 * Stack traces show the TypeScript lines of transpiled files, as ts-node shows them. The
 * source map of a file is read only when a stack through it is formatted, so a run without
 * errors pays nothing (Node's --enable-source-maps would parse every map while loading).
 * Stacks that pass through no transpiled file are left to the formatter in place.
 */
function mapStackTraces() {
  const previous = Error.prepareStackTrace;
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(transpiled.get(file));
      maps.set(file, m ? new Module.SourceMap(JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'))) : undefined);
    }
    return maps.get(file);
  };
  const frame = (site) => {
    const text = String(site);
    const file = site.getFileName();
    if (!file || !transpiled.has(file)) return text;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const map = mapOf(file);
    const entry = map && map.findEntry(line - 1, column - 1);
    if (!entry || entry.originalLine === undefined) return text;
    return text.replace(`${file}:${line}:${column}`, `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  };
  Error.prepareStackTrace = (error, sites) => {
    if (previous && !sites.some((site) => transpiled.has(site.getFileName()))) return previous(error, sites);
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return header + sites.map((site) => `\n    at ${frame(site)}`).join('');
  };
}

let codeCacheEnabled = false;

/**
 * Compiles every CommonJS module loaded from now on with V8's code cache, kept under
 * `<cacheDir>/v8-<node version>-<arch>`, one file per module version: the project's files
 * by content, package files (node_modules) by size, mtime, ctime and inode, so that a package
 * replaced with the same size and mtime is not served stale. The cache is written at exit for modules that had none, so it holds the functions
 * compiled lazily while the program ran. V8 rejects a cache made by another version, which is
 * then rebuilt. ES modules (`.mjs`, `"type": "module"`, `require()` of ESM) and modules with a
 * dynamic `import()` are compiled by Node as usual, without the cache.
 * @param {{ cacheDir?: string | null }} [options] cacheDir: default, the project's of cwd
 */
function enableCodeCache(options = {}) {
  if (codeCacheEnabled || process.env.GUARDRAILS_NO_CODE_CACHE) return;
  const cacheDir = options.cacheDir === undefined ? cacheDirFor(process.cwd()) : options.cacheDir;
  if (!cacheDir) return;
  codeCacheEnabled = true;
  const vm = require('vm');
  const dir = path.join(cacheDir, `v8-${process.version}-${process.arch}`);
  const pending = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename, format) {
    // Node names the format of what is not CommonJS ('module' for ESM); dynamic import()
    // needs Node's own compiler (vm.Script has no loader for it).
    if ((format !== undefined && format !== 'commonjs') || content.includes('import(')) return compile.apply(this, arguments);
    let key;
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
      // A package file by its inode and change time besides size and mtime: tar, cp -p and
      // rsync -a restore an mtime, never a ctime. (Hashing the ~7 MB of a cdk8s-plus app
      // costs 10-15 ms a run; stat, 1 ms.)
      const st = fs.statSync(filename);
      key = sha1(filename, String(st.size), String(st.mtimeMs), String(st.ctimeMs), String(st.ino));
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
    let script;
    try {
      // The negative offset keeps the columns of line 1 those of the file, not of the wrapper.
      script = new vm.Script(Module.wrap(source), { filename, cachedData, columnOffset: -WRAPPER_LENGTH });
    } catch (e) {
      // Node reports the error in its own words, or loads the file as an ES module.
      if (e instanceof SyntaxError) return compile.apply(this, arguments);
      throw e;
    }
    if (cachedData === undefined || script.cachedDataRejected) pending.push([script, file]);
    const fn = script.runInThisContext({ displayErrors: true });
    // The `require` that Node gives a module.
    const mod = this;
    const req = (id) => mod.require(id);
    req.resolve = (request, opts) => Module._resolveFilename(request, mod, false, opts);
    req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    req.main = process.mainModule;
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    return fn.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const [script, file] of pending) tryWrite(file, script.createCachedData());
  });
}

module.exports = { cacheDirFor, emitOptions, enableCodeCache, register };
