#!/usr/bin/env node
// Fleet synthesis benchmark: `npm run bench [-- options]`. See bench/README.md.
//
//   --n 1,100,1000        fleet sizes (services of 8 objects)
//   --layouts one,per-service
//   --no-checker          guardrails fleets without Guardrails.enforce(app)
//   --quick               skip the old path (`before`) and the quadratic App.synth runs
//   --json FILE           also write every measurement as JSON
//
// Every measurement is a fresh process (bench/child.js); the table shows medians.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const root = path.join(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1,100,1000' },
    layouts: { type: 'string', default: 'one,per-service' },
    'no-checker': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const sizes = args.n.split(',').map(Number);
const layouts = args.layouts.split(',');
const checker = !args['no-checker'];
const quick = args.quick;
const jsonOut = args.json;
// A private scratch folder per run: two runs, or another user's leftovers, never collide.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// helm template, one invocation of a chart rendering the same 8-object unit per service
// (bench/helm-chart.js). Measured when helm is found (`bash tools/build.sh helm` builds the
// pinned one into .tools/bin, or HELM=/path/to/helm); otherwise these earlier figures from this
// kind of machine are shown and marked as not measured.
const HELM = { 1: 50, 100: 220, 1000: 1430 };
/** helm's CPU time (user plus system) by N, where measured. */
const HELM_CPU = {};
// GNU time, for helm's CPU time and peak memory (node reports its own from inside).
const TIME = ['/usr/bin/time', '-f', 'guardrails-bench-time %U %S %M'];
const hasTime = fs.existsSync(TIME[0]);
const helmBin = [process.env.HELM, path.join(root, '.tools', 'bin', 'helm')].find((p) => p && fs.existsSync(p));
let helmMeasured = false;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs node with `args` `times` times in fresh processes; wall time from spawn to exit. */
function measure(args, times, env = {}, cwd = root, command = [process.execPath, ...args]) {
  const runs = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    const extra = typeof env === 'function' ? env() : env; // a function: new values for each run
    const r = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, ...extra }, maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop();
    // A command run under TIME (helm) gets its CPU time and peak memory from it.
    const timed = /^guardrails-bench-time ([\d.]+) ([\d.]+) (\d+)$/m.exec(r.stderr ?? '');
    const usage = timed ? { cpuMs: Math.round((Number(timed[1]) + Number(timed[2])) * 1000), maxRssMiB: Math.round(Number(timed[3]) / 1024) } : {};
    runs.push({ wall, ...usage, ...(line && line.startsWith('{') ? JSON.parse(line) : {}) });
  }
  const pick = (f) => median(runs.map(f));
  const phaseNames = runs[0].phases ? Object.keys(runs[0].phases) : [];
  return {
    runs: runs.length,
    wall: pick((r) => r.wall),
    cpu: runs[0].cpuMs !== undefined ? pick((r) => r.cpuMs) : undefined,
    rss: runs[0].maxRssMiB !== undefined ? Math.max(...runs.map((r) => r.maxRssMiB)) : undefined,
    phases: Object.fromEntries(phaseNames.map((p) => [p, pick((r) => r.phases[p])])),
    checkerRuns: runs[0].checkerRuns,
    files: runs[0].files,
    bytes: runs[0].bytes,
    all: runs.map((r) => Math.round(r.wall)),
  };
}

function repeats(n, slow) {
  if (slow) return 1;
  return n <= 1 ? 5 : 3;
}

const results = [];
const started = Date.now();
function record(row) {
  results.push(row);
  process.stderr.write(`  ${row.label.padEnd(28)} n=${String(row.n).padEnd(5)} ${row.layout.padEnd(12)} ${Math.round(row.m.wall)} ms (runs ${row.m.all.join(' ')})\n`);
}

// Warm the transpile cache (the fast path's steady state; a cold cache is measured below).
measure([path.join(__dirname, 'child.js'), 'after', '1', 'one', '--out', path.join(work, 'warm')], 1);

for (const n of sizes) {
  for (const layout of layouts) {
    const out = ['--out', path.join(work, 'out')];
    const chk = checker ? ['--checker'] : [];
    const child = (kind, extra = []) => [path.join(__dirname, 'child.js'), kind, String(n), layout, ...out, ...extra];
    // App.synth() validates the whole app once per chart: quadratic with one chart per service.
    const quadratic = layout === 'per-service' && n >= 1000;
    if (!quick) {
      record({ label: 'before (ts-node, App)', kind: 'before', n, layout, m: measure(child('before', chk), n >= 100 ? 1 : 3) });
    }
    record({ label: 'after (GuardrailsApp)', kind: 'after', n, layout, m: measure(child('after', chk), repeats(n)) });
    if (checker) record({ label: 'after, no checker', kind: 'after-nochecker', n, layout, m: measure(child('after'), repeats(n)) });
    // The new loader with cdk8s App.synth(): what GuardrailsApp adds on its own.
    if (!quadratic) record({ label: 'new loader, App.synth', kind: 'after-app', n, layout, m: measure(child('after-app', chk), repeats(n)) });
    if (!quick || !quadratic) {
      record({ label: 'plain cdk8s-plus (App)', kind: 'plain', n, layout, m: measure(child('plain'), repeats(n, quadratic)) });
    }
    const input = path.join(work, `fleet-${n}-${layout}.json`);
    measure(child('dump', ['--input', input]), 1);
    if (helmBin && layout === layouts[0]) {
      // The chart is built from service 0's manifests; the values list n services.
      const one = path.join(work, 'fleet-1.json');
      if (!fs.existsSync(one)) measure([path.join(__dirname, 'child.js'), 'dump', '1', 'one', ...out, '--input', one], 1);
      const chart = path.join(work, 'helm-chart');
      const values = require('./helm-chart').writeChart(chart, JSON.parse(fs.readFileSync(one, 'utf8'))[0].docs, n);
      const helm = [helmBin, 'template', 'fleet', chart, '-f', values, '--output-dir', path.join(work, 'helm-out')];
      const m = measure([], repeats(n), {}, root, hasTime ? [...TIME, ...helm] : helm);
      HELM[n] = m.wall;
      HELM_CPU[n] = m.cpu;
      helmMeasured = true;
      record({ label: 'helm template', kind: 'helm', n, layout, m });
    }
    for (const emitter of ['manifest-yaml', 'js-yaml', 'yaml', 'json']) {
      record({ label: `floor: ${emitter}`, kind: `floor:${emitter}`, n, layout, m: measure(child(`floor:${emitter}`, ['--input', input]), repeats(n)) });
    }
  }
}

// `npm run synth`: the examples, the user's path from a cold process.
const npm = process.env.npm_execpath;
if (npm) {
  const synthArgs = [npm, 'run', '-s', 'synth'];
  record({ label: 'npm run synth', kind: 'npm-synth', n: 1, layout: 'examples', m: measure(synthArgs, 5) });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-ts-'));
  record({ label: 'npm run synth, cold cache', kind: 'npm-synth-cold', n: 1, layout: 'examples', m: measure(synthArgs, 1, { GUARDRAILS_TS_CACHE: empty }) });
  fs.rmSync(empty, { recursive: true, force: true });
}
// `cdk8s synth` of the README's first example in a new project, as a user runs it; the app is
// `cdk8s-guardrails synth main.ts` (needs the jsii build: npm run build). The cdk8s CLI's
// upgrade check is off (it costs a network request when its cache is stale).
if (fs.existsSync(path.join(root, 'build', 'index.js'))) {
  const project = path.join(work, 'readme-app');
  fs.rmSync(project, { recursive: true, force: true });
  fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  for (const dep of ['cdk8s', 'cdk8s-plus-27', 'constructs', 'typescript', 'esbuild', 'ts-node', '@types']) {
    fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(project, 'node_modules', dep));
  }
  fs.symlinkSync(root, path.join(project, 'node_modules', 'cdk8s-guardrails'));
  fs.mkdirSync(path.join(project, 'node_modules', '.bin'));
  fs.symlinkSync(path.join('..', 'cdk8s-guardrails', 'bin', 'cdk8s-guardrails.js'), path.join(project, 'node_modules', '.bin', 'cdk8s-guardrails'));
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  fs.writeFileSync(path.join(project, 'main.ts'), /## SafeDeployment\n\n```ts[^\n]*\n([\s\S]*?)```/.exec(readme)[1]);
  fs.copyFileSync(path.join(root, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), path.join(project, 'tsconfig.json'));
  const command = 'node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts';
  const cdk8s = (app) => [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade', '--app', app];
  const user = (label, kind, args, times, env) => record({ label, kind, n: 1, layout: 'readme-app', m: measure(args, times, env, project) });
  const cold = () => ({ GUARDRAILS_TS_CACHE: fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-ts-')) });
  user('cdk8s synth', 'cdk8s-synth', cdk8s(command), 5);
  user('cdk8s synth, cold cache', 'cdk8s-synth-cold', cdk8s(command), 3, cold);
  user('cdk8s synth, app via npx', 'cdk8s-synth-npx', cdk8s(command.replace(/^node \S+/, 'npx cdk8s-guardrails')), 3);
  user('cdk8s synth, typescript', 'cdk8s-synth-ts', cdk8s(`${command} --transpiler typescript`), 5);
  user('cdk8s synth, typescript, cold', 'cdk8s-synth-ts-cold', cdk8s(`${command} --transpiler typescript`), 3, cold);
  user('cdk8s synth, no-op app (CLI only)', 'cdk8s-noop', cdk8s('mkdir -p dist'), 5);
  user('cdk8s-guardrails synth (no CLI)', 'direct', command.split(' ').slice(1).concat(['--output', 'dist']), 5);
  user('cdk8s-guardrails synth, cold', 'direct-cold', command.split(' ').slice(1).concat(['--output', 'dist']), 3, cold);
  if (!quick) user('cdk8s synth, app: npx ts-node main.ts', 'cdk8s-ts-node', cdk8s('npx ts-node main.ts'), 1);
} else {
  process.stderr.write('  cdk8s synth of the README example: skipped (run npm run build first)\n');
}
if (!quick) {
  // The old synth: ts-node (transpile only) on examples/*/main.ts.
  const legacy = `
    const fs = require('fs'); const path = require('path');
    require('ts-node').register({ transpileOnly: true, project: 'tsconfig.dev.json' });
    for (const name of fs.readdirSync('examples').filter((d) => fs.existsSync(path.join('examples', d, 'main.ts'))).sort()) {
      process.env.CDK8S_OUTDIR = path.join(${JSON.stringify(work)}, 'legacy', name);
      require(path.resolve('examples', name, 'main.ts'));
    }`;
  record({ label: 'old synth (ts-node)', kind: 'legacy-synth', n: 1, layout: 'examples', m: measure(['-e', legacy], 3) });
}

// ---- table -------------------------------------------------------------------------------
const fmt = (ms) => (ms === undefined ? '' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '');
const lines = [];
const header = ['case', 'N', 'layout', 'wall', 'cpu', 'startup', 'build', 'resolve', 'checker', 'yaml', 'write', 'peak MiB', 'vs plain', 'vs floor', 'vs helm', 'cpu vs helm'];
lines.push(`| ${header.join(' | ')} |`);
lines.push(`|${header.map((h, i) => (i < 3 ? '---' : '---:')).join('|')}|`);
for (const n of sizes) {
  for (const layout of layouts) {
    const rows = results.filter((r) => r.n === n && r.layout === layout);
    const plain = rows.find((r) => r.kind === 'plain');
    const floors = rows.filter((r) => r.kind.startsWith('floor:') && r.kind !== 'floor:json');
    const fastest = floors.reduce((a, b) => (!a || b.m.wall < a.m.wall ? b : a), undefined);
    for (const r of rows) {
      if (r.kind.startsWith('floor:') && r !== fastest && r.kind !== 'floor:json' && r.kind !== 'floor:js-yaml') continue;
      const p = r.m.phases;
      const isFleet = !r.kind.startsWith('floor:');
      lines.push(`| ${[
        r.label + (r === fastest ? ' (fastest)' : '') + (r.m.runs === 1 ? ' [1 run]' : ''),
        n, layout, fmt(r.m.wall), fmt(r.m.cpu), fmt(p.startup), fmt(p.construct), fmt(p.resolve), fmt(p.checker), fmt(p.yaml), fmt(p.write), r.m.rss ?? '',
        isFleet && r !== plain ? ratio(r.m.wall, plain?.m.wall) : '',
        isFleet ? ratio(r.m.wall, fastest?.m.wall) : '',
        isFleet && HELM[n] ? ratio(r.m.wall, HELM[n]) : '',
        isFleet && HELM_CPU[n] ? ratio(r.m.cpu, HELM_CPU[n]) : '',
      ].join(' | ')} |`);
    }
  }
}
const synthRows = results.filter((r) => r.layout === 'examples' || r.layout === 'readme-app');
if (synthRows.length) {
  lines.push('');
  lines.push('| examples, README app | wall (median) | runs |');
  lines.push('|---|---:|---|');
  for (const r of synthRows) lines.push(`| ${r.label} | ${fmt(r.m.wall)} | ${r.m.all.join(', ')} ms |`);
}
lines.push('');
lines.push(helmMeasured
  ? `vs helm: against \`helm template\` (${helmBin}) of bench/helm-chart.js with the same 8-object unit per service, measured above; `
    + (hasTime ? 'cpu vs helm: CPU time (user plus system) against helm\'s, from /usr/bin/time: on a loaded machine the fairer figure.' : 'helm\'s CPU time needs /usr/bin/time.')
  : `helm template (one invocation) reference from earlier runs, not measured here (bash tools/build.sh helm): ${Object.entries(HELM).map(([n, ms]) => `N=${n} ${fmt(ms)}`).join(', ')}.`);
lines.push(`checker: ${checker ? 'on (Guardrails.enforce(app)) for before/after' : 'off'}; build = construct the app (floor: parse the JSON); ` +
  'resolve = toJson of every object, validation and dependencies; floor = the same files from the same manifests with only a YAML emitter. ' +
  `Total ${((Date.now() - started) / 1000).toFixed(0)} s on ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}.`);
console.log(lines.join('\n'));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
