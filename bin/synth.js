// `cdk8s-guardrails synth <app.ts> [options] [-- app arguments]`: runs a cdk8s app written in
// TypeScript without type-checking it, with its transpiled files and V8's code cache kept in
// the project's node_modules/.cache. Meant as the `app` of cdk8s.yaml:
//
//   app: node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts
//
// Under `cdk8s synth` the app writes to $CDK8S_OUTDIR as usual. Run on its own, `--output DIR`
// and `--stdout` do what they do for `cdk8s synth`, except that `--output` removes only the
// manifests of an earlier run and refuses a folder that holds anything else, the app or the
// current folder. Errors of the app are printed as the app would print them, without the
// frames of this command.
'use strict';
const fs = require('fs');
const path = require('path');

const USAGE = `Usage: cdk8s-guardrails synth <app.ts or .js> [options] [-- app arguments]

Runs a cdk8s app without type-checking it (type-check with tsc in CI and in the editor).
TypeScript is transpiled by esbuild when the project has it installed, else by the
typescript compiler; transpiled files and V8's code cache are kept in
node_modules/.cache/cdk8s-guardrails (or $GUARDRAILS_TS_CACHE).

Use it as the app of cdk8s.yaml; under 'cdk8s synth' the app writes to $CDK8S_OUTDIR:
  app: node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts
  app: npx cdk8s-guardrails synth main.ts      (the same, plus npm's start-up)

Options:
  -o, --output <dir>          write to <dir>, as 'cdk8s synth --output'; its manifests are
                              removed first (a folder that holds other files is refused)
  -p, --stdout                print the manifests instead of writing them, as 'cdk8s synth --stdout'
  --transpiler <name>         esbuild or typescript (default: esbuild when installed)
  --project <tsconfig.json>   compiler options to use (default: the nearest tsconfig.json)
  --no-cache                  neither read nor write the caches
  -h, --help                  show this help

Exit status: 0 on success, 1 when the app fails, 2 on usage errors.
`;

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { entry: undefined, output: undefined, stdout: false, transpiler: undefined, project: undefined, cache: true, help: false, appArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--') {
      args.appArgs = argv.slice(i + 1);
      break;
    } else if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg === '-o' || arg === '--output') args.output = value();
    else if (arg === '-p' || arg === '--stdout') args.stdout = true;
    else if (arg === '--transpiler') args.transpiler = value();
    else if (arg === '--project') args.project = value();
    else if (arg === '--no-cache') args.cache = false;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
    else if (args.entry === undefined) args.entry = arg;
    else throw new UsageError(`one app at a time: "${args.entry}" and "${arg}" given (app arguments go after "--")`);
  }
  if (args.help) return args;
  if (args.entry === undefined) throw new UsageError('the app to synthesize is missing, e.g. "cdk8s-guardrails synth main.ts"');
  if (args.output !== undefined && args.stdout) throw new UsageError('--output and --stdout are mutually exclusive: give one');
  return args;
}

/** The .yaml files under `dir`, in the order `cdk8s synth --stdout` prints them. */
function manifests(dir) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files = entries.filter((e) => !e.isDirectory() && e.name.endsWith('.yaml')).map((e) => path.join(dir, e.name));
  for (const sub of entries.filter((e) => e.isDirectory())) files.push(...manifests(path.join(dir, sub.name)));
  return files;
}

/** Files of an output folder that an app writes, and so that synth may remove first. */
const OUTPUT_FILE = /\.ya?ml$|^construct-metadata\.json$/;

/** Whether `dir` is `other` or one of the folders that contain it. */
const holds = (dir, other) => {
  const relative = path.relative(dir, other);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** The nearest folder above `file` with a package.json (the project), or undefined. */
function projectOf(file) {
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Why `outdir` cannot be emptied and written, or undefined when it can: it must not hold the
 * current folder, the project or the app, nor any file that an app does not write.
 */
function outputRefusal(outdir, entry, given) {
  const fix = 'give a folder of its own, e.g. --output dist';
  const shown = `--output ${JSON.stringify(given)}`;
  if (holds(outdir, process.cwd())) return `${shown} is the current folder or contains it, and synth empties its output folder first: ${fix}`;
  const project = projectOf(entry);
  if (holds(outdir, entry) || (project && holds(outdir, project))) {
    return `${shown} contains the app (${path.relative(process.cwd(), entry)}) or its project, and synth empties its output folder first: ${fix}`;
  }
  if (!fs.existsSync(outdir)) return undefined;
  if (!fs.statSync(outdir).isDirectory()) return `${shown} is a file, not a folder: ${fix}`;
  const foreign = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) {
        const found = foreign(file);
        if (found) return found;
      } else if (!OUTPUT_FILE.test(e.name)) return file;
    }
    return undefined;
  };
  const file = foreign(outdir);
  if (file) return `${shown} holds ${path.relative(process.cwd(), file)}, which no app wrote (synth removes only manifests, .yaml files): ${fix}, or move that file away`;
  return undefined;
}

/** Removes what an app wrote to `dir` (checked by outputRefusal), then the folders left empty. */
function emptyOutput(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) {
      emptyOutput(file);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
    } else if (OUTPUT_FILE.test(e.name)) fs.unlinkSync(file);
  }
}

/**
 * The stack of an error without the frames of this command and its loader, and without the
 * module loading that led from this command to the app.
 */
function appStack(stack) {
  const lines = stack.split('\n');
  const isFrame = (line) => /^\s+at /.test(line);
  const ours = (line) => line.includes(`${__dirname}${path.sep}`);
  const internal = (line) => /\(node:|at node:|\(internal\//.test(line);
  let lastApp = -1;
  lines.forEach((line, i) => {
    if (isFrame(line) && !ours(line) && !internal(line)) lastApp = i;
  });
  return lines.filter((line, i) => !isFrame(line) || ((lastApp < 0 || i <= lastApp) && !ours(line))).join('\n');
}

/** Prints what Node prints for an uncaught exception, without this command's frames. */
function printError(error) {
  if (error instanceof Error && typeof error.stack === 'string') {
    const stack = error.stack;
    error.stack = appStack(stack);
    // An error without frames (a compile error) is its message, not util.inspect's "[...]".
    process.stderr.write(/\n\s+at /.test(error.stack) ? `${require('util').inspect(error)}\n` : `${error.stack}\n`);
    error.stack = stack;
  } else {
    process.stderr.write(`Uncaught ${require('util').inspect(error)}\n`);
  }
}

/**
 * Runs the command; returns the exit status (the app's process.exitCode when it set one).
 * @param {string[]} argv the arguments after "synth"
 */
function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`cdk8s-guardrails synth: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const entry = path.resolve(args.entry);
  if (!fs.existsSync(entry)) {
    process.stderr.write(`cdk8s-guardrails synth: ${args.entry} does not exist (resolved to ${entry})\n`);
    return 2;
  }
  let outdir;
  if (args.output !== undefined) {
    outdir = path.resolve(args.output);
    const refusal = outputRefusal(outdir, entry, args.output);
    if (refusal) {
      process.stderr.write(`cdk8s-guardrails synth: ${refusal}\n`);
      return 2;
    }
  }
  const loader = require('./ts-loader.js');
  const cacheDir = args.cache ? loader.cacheDirFor(path.dirname(entry)) : null;
  if (cacheDir) loader.enableCodeCache({ cacheDir });
  try {
    if (/\.c?ts$/.test(entry)) loader.register({ entry, project: args.project, transpiler: args.transpiler, cacheDir });
  } catch (e) {
    process.stderr.write(`cdk8s-guardrails synth: ${e.message}\n`);
    return 2;
  }

  if (args.stdout) {
    outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdk8s-'));
    // While the app runs, its own output goes to stderr: stdout carries the manifests only.
    // They are printed at exit, however the app ends (at the end of its promises, or with
    // process.exit), unless it fails; the temporary folder goes in every case.
    const write = process.stdout.write;
    process.stdout.write = process.stderr.write.bind(process.stderr);
    process.once('exit', (code) => {
      process.stdout.write = write;
      try {
        if (code === 0) for (const file of fs.existsSync(outdir) ? manifests(outdir) : []) process.stdout.write(fs.readFileSync(file));
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });
  } else if (outdir !== undefined) {
    emptyOutput(outdir);
  }
  if (outdir !== undefined) process.env.CDK8S_OUTDIR = outdir;
  // An error thrown later (in a callback or a promise) is printed as one thrown while loading,
  // unless the app handles such errors itself.
  process.on('uncaughtException', (error) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    printError(error);
    process.exit(1);
  });
  // The app runs as the main module, with the arguments it would have under ts-node.
  process.argv = [process.argv[0], entry, ...args.appArgs];
  try {
    require('module')._load(entry, null, true);
  } catch (e) {
    printError(e);
    return 1;
  }
  return process.exitCode ?? 0;
}

module.exports = { main, USAGE };
