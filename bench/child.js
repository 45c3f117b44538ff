// One measurement, in a fresh process: prints one JSON line with the phases (ms), CPU time
// and peak memory. Run by bench/run.js; see bench/README.md.
//
//   node bench/child.js <case> <n> <layout> [--checker] [--out DIR] [--input FILE]
//
// cases:
//   before      SafeDeployment fleet, ts-node (transpile only), cdk8s App.synth()  (the old path)
//   after       SafeDeployment fleet, loaded like `npm run synth` loads an example (esbuild
//               bundle, cached), GuardrailsApp.synth()
//   after-app   the same with cdk8s App.synth()
//   plain       plain cdk8s-plus-27 fleet, same loader, cdk8s App.synth() (the baseline)
//   floor:<emitter>  no constructs: read the fleet's manifests (JSON) and write the same files
//                    with <emitter>: manifest-yaml, js-yaml, yaml, json
//   dump        writes the fleet's manifests as JSON to --input FILE (for the floor cases)
'use strict';
const fs = require('fs');
const path = require('path');

const t0 = performance.now(); // ms since the process started
const [kind, nArg, layout] = process.argv.slice(2, 5);
const n = Number(nArg);
const flag = (name) => process.argv.includes(name);
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const outdir = option('--out') ?? fs.mkdtempSync(path.join(require('os').tmpdir(), 'guardrails-bench-out-'));
const root = path.join(__dirname, '..');

const phases = { startup: 0, construct: 0, resolve: 0, checker: 0, yaml: 0, write: 0 };
let checkerRuns;

// Exclusive time per phase: a timed call inside another one (toJson inside the checker) is
// counted in its own phase only.
const stack = [];
function timeMethod(obj, name, phase) {
  const original = obj[name];
  if (typeof original !== 'function' || original.timed) return;
  const timed = function (...args) {
    if (stack.length > 0 && stack[stack.length - 1].phase === phase) return original.apply(this, args);
    const frame = { phase, start: performance.now(), inner: 0 };
    stack.push(frame);
    try {
      return original.apply(this, args);
    } finally {
      stack.pop();
      const dt = performance.now() - frame.start;
      phases[phase] += dt - frame.inner;
      if (stack.length > 0) stack[stack.length - 1].inner += dt;
    }
  };
  timed.timed = true;
  obj[name] = timed;
}

/**
 * Times toJson() of every ApiObject class of the app (own methods along the prototype chain),
 * but for ApiObject's own, which the library replaces during a synthesis (lib/core/render.ts)
 * only where nobody else did: the subclasses' toJson() calls it and holds its time.
 */
function timeToJson(app, ApiObject) {
  for (const c of app.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    for (let p = Object.getPrototypeOf(c); p && p !== ApiObject.prototype && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      if (Object.prototype.hasOwnProperty.call(p, 'toJson')) timeMethod(p, 'toJson', 'resolve');
    }
  }
}

function finish(extra) {
  const usage = process.resourceUsage();
  const end = performance.now();
  process.stdout.write(JSON.stringify({
    kind, n, layout, checker: flag('--checker'),
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])),
    inProcessMs: Math.round(end),
    cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
    maxRssMiB: Math.round(usage.maxRSS / 1024),
    checkerRuns,
    ...extra,
  }) + '\n');
}

function files(dir) {
  let count = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true })) {
    const st = fs.statSync(path.join(dir, entry));
    if (st.isFile()) {
      count++;
      bytes += st.size;
    }
  }
  return { files: count, bytes };
}

fs.rmSync(outdir, { recursive: true, force: true });

if (kind.startsWith('floor:')) {
  floor(kind.slice('floor:'.length));
} else {
  fleet();
}

function floor(emitter) {
  const input = option('--input');
  let stringify;
  switch (emitter) {
    case 'manifest-yaml': {
      const { ManifestYaml } = require('../scripts/synth.js').load(path.join(root, 'lib', 'app', 'manifest-yaml.ts'));
      stringify = (docs) => ManifestYaml.stringify(docs);
      break;
    }
    case 'js-yaml': {
      const jsyaml = require('js-yaml');
      // Double quotes and no line folding: the same bytes as cdk8s's output for these manifests.
      stringify = (docs) => docs.map((d) => jsyaml.dump(d, { noRefs: true, lineWidth: -1, quotingType: '"' })).join('---\n');
      break;
    }
    case 'yaml': {
      const YAML = require('yaml');
      stringify = (docs) => docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n');
      break;
    }
    case 'json':
      stringify = (docs) => docs.map((d) => JSON.stringify(d)).join('\n');
      break;
    default:
      throw new Error(`unknown emitter ${emitter}`);
  }
  phases.startup = performance.now();
  let t = performance.now();
  const charts = JSON.parse(fs.readFileSync(input, 'utf8'));
  phases.construct = performance.now() - t; // here: reading and parsing the JSON
  fs.mkdirSync(outdir, { recursive: true });
  for (const chart of charts) {
    t = performance.now();
    const text = stringify(chart.docs);
    phases.yaml += performance.now() - t;
    t = performance.now();
    fs.writeFileSync(path.join(outdir, chart.file), text);
    phases.write += performance.now() - t;
  }
  finish(files(outdir));
}

function fleet() {
  const impl = kind === 'plain' ? 'plain' : 'guardrails';
  const entry = path.join(__dirname, 'entry.ts');
  let lib;
  if (kind === 'before') {
    require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.dev.json') });
    lib = require(entry);
  } else {
    const loader = require('../scripts/synth.js');
    loader.enableCodeCache();
    lib = loader.load(entry);
  }
  const cdk8s = require('cdk8s');
  const { buildFleet, GuardrailsApp, ManifestYaml, Guardrails, Engine } = lib;
  if (flag('--checker')) timeMethod(Engine.prototype, 'compute', 'checker');
  phases.startup = performance.now();

  // Phases inside synth: resolve (toJson of every object, validation, dependencies), the
  // checker (without the toJson it asks for), YAML emission, file writes.
  timeMethod(cdk8s.Yaml, 'stringify', 'yaml');
  timeMethod(ManifestYaml, 'stringify', 'yaml');
  timeMethod(fs, 'writeFileSync', 'write');

  let t = performance.now();
  const useFast = kind === 'after' || kind === 'dump';
  const app = useFast ? new GuardrailsApp({ outdir }) : new cdk8s.App({ outdir });
  buildFleet(app, impl, n, layout);
  if (flag('--checker')) Guardrails.enforce(app);
  phases.construct = performance.now() - t;

  if (kind === 'dump') {
    // The manifests of every file that GuardrailsApp writes, for the floor cases.
    const out = [];
    let docs;
    const stringify = ManifestYaml.stringify;
    ManifestYaml.stringify = (d) => (docs = d, stringify(d));
    const write = fs.writeFileSync;
    fs.writeFileSync = (file, data, ...rest) => {
      if (docs) out.push({ file: path.relative(outdir, file), docs });
      docs = undefined;
      return write(file, data, ...rest);
    };
    app.synth();
    fs.writeFileSync = write;
    const input = option('--input');
    fs.mkdirSync(path.dirname(input), { recursive: true });
    fs.writeFileSync(input, JSON.stringify(out));
    finish({ objects: out.reduce((sum, c) => sum + c.docs.length, 0) });
    return;
  }

  timeToJson(app, cdk8s.ApiObject);
  const before = phases.resolve + phases.checker + phases.yaml + phases.write;
  t = performance.now();
  app.synth();
  const synthMs = performance.now() - t;
  // The rest of synth (validation, dependencies, ordering) counts as resolve.
  phases.resolve += synthMs - (phases.resolve + phases.checker + phases.yaml + phases.write - before);
  if (flag('--checker')) checkerRuns = Engine.of(app).runs;
  finish(files(outdir));
}
