#!/usr/bin/env node
// `cdk8s synth` as a user runs it, from the packed package: `node bench/cdk8s-synth.js`.
// See bench/README.md ("The user's path"). Not run by the tests.
//
//   --project DIR   keep the project in DIR (made once, reused; default: a fresh temporary one)
//   --runs N        runs per case (default 5; the table shows medians)
//   --json FILE     also write every measurement as JSON
//
// Needs the jsii build (`npm run build`). Packs the package (`npm pack`), makes a new project
// that installs the tarball, cdk8s, cdk8s-plus-27, constructs, cdk8s-cli, typescript and
// esbuild at the versions of this repository's package.json (npm's cache serves them when it
// has them), writes the README's first example as main.ts with
// `app: npx cdk8s-guardrails synth main.ts`, and times whole processes: wall time from spawn
// to exit, and the CPU time (user plus system) of the process and every child it waited for,
// from /usr/bin/time when it is there, else from the kernel's accounting of this script's
// children.
'use strict';
const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const root = path.join(__dirname, '..');
const { values: args } = parseArgs({
  options: { project: { type: 'string' }, runs: { type: 'string', default: '5' }, json: { type: 'string' } },
});
const runs = Number(args.runs);
const jsonOut = args.json;
const TIME = '/usr/bin/time';
const hasTime = fs.existsSync(TIME);

if (!fs.existsSync(path.join(root, 'build', 'index.js'))) {
  process.stderr.write('cdk8s-synth: build/ is missing: run npm run build first\n');
  process.exit(2);
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dev = pkg.devDependencies;
const project = args.project ? path.resolve(args.project) : fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-cdk8s-synth-'));
if (!args.project) process.on('exit', () => fs.rmSync(project, { recursive: true, force: true }));

function sh(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

// ---- the project --------------------------------------------------------------------------
const stamp = path.join(project, '.packed');
const tarball = (() => {
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', project], root))[0].filename;
  return path.join(project, path.basename(packed));
})();
const hash = require('crypto').createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== hash) {
  process.stderr.write(`installing ${path.basename(tarball)} and the cdk8s CLI into ${project}\n`);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({
    name: 'readme-app',
    version: '0.0.0',
    private: true,
    dependencies: {
      'cdk8s-guardrails': `file:${path.basename(tarball)}`,
      cdk8s: dev.cdk8s,
      'cdk8s-plus-27': dev['cdk8s-plus-27'],
      constructs: dev.constructs,
    },
    devDependencies: {
      'cdk8s-cli': dev['cdk8s-cli'],
      typescript: dev.typescript,
      esbuild: dev.esbuild,
      '@types/node': dev['@types/node'],
    },
  }, null, 2));
  fs.rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
  fs.rmSync(path.join(project, 'package-lock.json'), { force: true });
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  fs.writeFileSync(stamp, hash);
}
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
fs.writeFileSync(path.join(project, 'main.ts'), /## SafeDeployment\n\n```ts[^\n]*\n([\s\S]*?)```/.exec(readme)[1]);
fs.copyFileSync(path.join(project, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), path.join(project, 'tsconfig.json'));
const config = (app) => fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app)}\n`);
const APP = 'npx cdk8s-guardrails synth main.ts';
const cacheDir = path.join(project, 'node_modules', '.cache', 'cdk8s-guardrails');

// ---- measuring ----------------------------------------------------------------------------
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `command` `times` times; `before` runs ahead of each (outside the time). */
function measure(label, command, times, before = () => {}) {
  const all = [];
  for (let i = 0; i < times; i++) {
    before();
    const full = hasTime ? [TIME, '-f', 'cdk8s-synth-time %U %S %M', ...command] : command;
    const t = process.hrtime.bigint();
    const r = spawnSync(full[0], full.slice(1), { cwd: project, encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}):\n${r.stderr}`);
    const timed = /^cdk8s-synth-time ([\d.]+) ([\d.]+) (\d+)$/m.exec(r.stderr);
    all.push({ wall, cpu: timed ? (Number(timed[1]) + Number(timed[2])) * 1000 : undefined, rssMiB: timed ? Number(timed[3]) / 1024 : undefined });
  }
  const row = {
    label,
    command: command.join(' '),
    runs: all.length,
    wall: median(all.map((r) => r.wall)),
    cpu: hasTime ? median(all.map((r) => r.cpu)) : undefined,
    rssMiB: hasTime ? Math.max(...all.map((r) => r.rssMiB)) : undefined,
    all,
  };
  process.stderr.write(`  ${label.padEnd(44)} wall ${Math.round(row.wall)} ms, cpu ${row.cpu === undefined ? '?' : Math.round(row.cpu)} ms\n`);
  return row;
}

const bin = (name) => path.join(project, 'node_modules', '.bin', name);
const cdk8s = [bin('cdk8s'), 'synth', '--no-check-upgrade'];
const cold = () => fs.rmSync(cacheDir, { recursive: true, force: true });
const rows = [];

config(APP);
measure('(warm-up)', cdk8s, 1);
rows.push(measure(`cdk8s synth, warm (app: ${APP})`, cdk8s, runs));
rows.push(measure('cdk8s synth, cold (caches emptied)', cdk8s, runs, cold));
config('node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts');
rows.push(measure('cdk8s synth, warm, app without npx', cdk8s, runs));
// The CLI wants the app to create the output folder.
config('node -e "require(\'fs\').mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true })"');
rows.push(measure('cdk8s synth, no-op app (the CLI alone)', cdk8s, runs));
config(APP);
rows.push(measure('npx cdk8s-guardrails synth main.ts, warm', ['npx', 'cdk8s-guardrails', 'synth', 'main.ts', '--output', 'dist'], runs));
rows.push(measure('npx cdk8s-guardrails synth main.ts, cold', ['npx', 'cdk8s-guardrails', 'synth', 'main.ts', '--output', 'dist'], runs, cold));
rows.push(measure('cdk8s-guardrails synth (node, no npx), warm', [process.execPath, bin('cdk8s-guardrails'), 'synth', 'main.ts', '--output', 'dist'], runs));
rows.push(measure('cdk8s-guardrails synth (node, no npx), cold', [process.execPath, bin('cdk8s-guardrails'), 'synth', 'main.ts', '--output', 'dist'], runs, cold));
rows.push(measure('npx cdk8s-guardrails synth --help (npx alone)', ['npx', 'cdk8s-guardrails', 'synth', '--help'], runs));
rows.push(measure('node -e "" (node\'s own start-up)', [process.execPath, '-e', ''], runs));

// ---- table --------------------------------------------------------------------------------
const fmt = (ms) => (ms === undefined ? '' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const lines = ['| case | wall | cpu | peak MiB |', '|---|---:|---:|---:|'];
for (const r of rows) lines.push(`| ${r.label} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${r.rssMiB === undefined ? '' : Math.round(r.rssMiB)} |`);
lines.push('');
lines.push(`Medians of ${runs} runs; node ${process.version}, cdk8s-cli ${dev['cdk8s-cli']}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}.`
  + ' cpu: user plus system time of the process and the children it waited for.');
console.log(lines.join('\n'));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
