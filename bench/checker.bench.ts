/**
 * Benchmark of the practices checker (`npm run bench:checker`).
 *
 * 1. The checker alone on 1,000, 10,000 and 50,000 hand-written objects (index + every rule),
 *    with selectors that differ from the first label on, and with selectors that all start
 *    with one umbrella label shared by every app (as umbrella Helm charts write them). The
 *    time per object must stay flat: every cross-object lookup goes through the index.
 * 2. The in-app enforcement on an App with 200 charts (1,000 objects): the checker runs once
 *    per `app.synth()` although cdk8s validates the app once per chart.
 * 3. The whole `check` command on one YAML file of 1,000, 10,000 and 50,000 objects (block YAML
 *    as cdk8s writes it, and with flow collections inside), each run a fresh process, as it runs
 *    by default (two threads from 2 MiB of input on a machine with four CPUs) and with
 *    `--jobs 2`: median wall time (process start included),
 *    time in `main` (reading, checking, writing the report) and peak memory (max RSS).
 *
 *    The shared-label objects, and objects where every app calls another (which the
 *    NetworkPolicies allow), are checked in block style as well. Medians of three runs; CPU
 *    time is the fairer figure on a machine busy with other work.
 *
 * `--cli` runs part 3 only: `npm run bench:checker -- -- --cli`. `--write <dir>` writes the
 * files of part 3 into a directory (to profile `check` on one) and runs nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Document } from 'yaml';
import { App, Chart } from 'cdk8s';
import { Guardrails, SafeDeployment } from '../lib';
import { checkManifests } from '../lib/practices/checker';
import { Engine } from '../lib/practices/enforce';
import { ManifestInput } from '../lib/practices/model';
import { flowStyleYaml } from './yaml-styles';

const labelsOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'bench' });

/**
 * One namespace with its guard objects, then serving workloads of 6 objects each. With
 * `shared`, every selector starts with a label that all apps share. With `calls`, every app
 * calls the next app of its namespace (`UPSTREAM_URL` in its ConfigMap), and its NetworkPolicy
 * lets that call out and the previous app's call in.
 */
function objects(total: number, namespaces: number, shared = false, calls = false): ManifestInput[] {
  const out: any[] = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    out.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labelsOf(ns), 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.30' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns, labels: labelsOf('default-deny') }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace: ns, labels: labelsOf('quota') }, spec: { hard: { 'requests.cpu': '40', 'requests.memory': '80Gi', 'pods': '400', 'services': '100', 'services.loadbalancers': '0', 'requests.storage': '1Ti' } } },
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', namespace: ns, labels: labelsOf('limits') }, spec: { limits: [{ type: 'Container', default: { memory: '128Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] } },
    );
  }
  for (let i = 0; out.length + 6 <= total; i++) { // whole apps only
    const name = `svc-${i}`;
    const ns = `team-${i % namespaces}`;
    const umbrella = shared ? { 'app.kubernetes.io/part-of': 'umbrella' } : {};
    const sel = { ...umbrella, 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
    const labels = { ...umbrella, ...labelsOf(name) };
    const cm = `${name}-config-${(1e9 + i).toString(16)}`;
    const meta = (n = name) => ({ name: n, namespace: ns, labels });
    out.push(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(cm), immutable: true, data: { LOG_LEVEL: 'info', ...(calls ? { UPSTREAM_URL: `http://svc-${i + namespaces}:80/v1` } : {}) } },
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(),
        spec: {
          replicas: 2, minReadySeconds: 10, progressDeadlineSeconds: 600,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          selector: { matchLabels: sel },
          template: {
            metadata: { labels, annotations: { 'prometheus.io/scrape': 'true' } },
            spec: {
              serviceAccountName: name, automountServiceAccountToken: false, terminationGracePeriodSeconds: 30,
              securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
              topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((k) => ({ maxSkew: 1, topologyKey: k, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } })),
              containers: [{
                name: 'app', image: `ghcr.io/acme/${name}:1.0.${i}`, ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 10, failureThreshold: 6 },
                lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                envFrom: [{ configMapRef: { name: cm } }],
              }],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: meta(), spec: { selector: sel, ports: [{ port: 80, targetPort: 8080 }] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(), spec: { maxUnavailable: 1, selector: { matchLabels: sel } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(), spec: { podSelector: { matchLabels: sel }, policyTypes: ['Ingress', 'Egress'], ...(calls ? callRules(i, namespaces, umbrella) : {}) } },
    );
  }
  return out.map((manifest) => ({ manifest }));
}

/** Rules of app `i`'s NetworkPolicy with `calls`: out to the next app of its namespace, in from the previous one, on 8080. */
function callRules(i: number, namespaces: number, umbrella: object): object {
  const peer = (j: number) => [{ podSelector: { matchLabels: { ...umbrella, 'app.kubernetes.io/name': `svc-${j}`, 'app.kubernetes.io/instance': `svc-${j}` } } }];
  const ports = [{ protocol: 'TCP', port: 8080 }];
  return { egress: [{ to: peer(i + namespaces), ports }], ingress: i >= namespaces ? [{ from: peer(i - namespaces), ports }] : [] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number, warmups = 3): number {
  for (let i = 0; i < warmups; i++) fn(); // warm-up (JIT)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
}

function benchChecker(total: number, namespaces: number, shared = false, calls = false): void {
  const inputs = objects(total, namespaces, shared, calls);
  let violations = -1;
  const ms = time(() => { violations = checkManifests(inputs).violations.length; }, total > 20000 ? 3 : total > 5000 ? 5 : 15, total > 20000 ? 1 : 3);
  total = inputs.length;
  console.log(`checker: ${total} objects in ${namespaces} namespace${namespaces === 1 ? '' : 's'}${shared ? ', one umbrella label first in every selector' : ''}${calls ? ', every app calling another' : ''}: ${ms.toFixed(1)} ms (median), ${(ms * 1000 / total).toFixed(1)} µs per object, ${violations} violations`);
  if (violations !== 0) throw new Error('the benchmark objects should break no rule');
}

function benchEnforcement(charts: number): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-bench-'));
  const build = (enforce: boolean) => {
    const app = new App({ outdir });
    for (let i = 0; i < charts; i++) {
      const chart = new Chart(app, `svc${i}`, { namespace: `team-${i % 10}` });
      new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080, name: `web-${i}` });
    }
    if (enforce) Guardrails.enforce(app);
    return app;
  };
  const synthMs = (enforce: boolean) => {
    const app = build(enforce);
    const t = process.hrtime.bigint();
    app.synth();
    return { app, ms: Number(process.hrtime.bigint() - t) / 1e6 };
  };
  synthMs(false); // warm-up
  const plainMs = synthMs(false).ms;
  const { app, ms: enforcedMs } = synthMs(true);
  const engine = Engine.of(app);
  const objectsCount = app.node.findAll().filter((c) => (c as any).kind !== undefined && typeof (c as any).toJson === 'function').length;
  console.log(`enforcement: app.synth() of ${charts} charts (${objectsCount} objects): ${plainMs.toFixed(0)} ms without, ${enforcedMs.toFixed(0)} ms with Guardrails.enforce; the checker ran ${engine.runs} time(s), ${engine.lastRunMs} ms including toJson of every object`);
  if (engine.runs !== 1) throw new Error(`the checker ran ${engine.runs} times in one synthesis`);
}

/**
 * Runs the CLI on a file in a fresh process: wall ms (spawn to exit), ms in main, CPU ms in
 * main and CPU ms of the whole process (fairer figures on a busy machine), max RSS in MiB.
 */
function cliRun(file: string, jobs: string[]): { wall: number; main: number; cpu: number; processCpu: number; rss: number; code: number } {
  const root = path.join(__dirname, '..');
  const script = `
    const path = require('path'); const fs = require('fs');
    const root = ${JSON.stringify(root)};
    const compiled = fs.existsSync(path.join(root, 'build', 'cli', 'main.js'));
    if (!compiled) require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.dev.json') });
    const { run } = require(compiled ? path.join(root, 'build/cli/main.js') : path.join(root, 'lib/cli/main.ts'));
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    run(['check', ...${JSON.stringify(jobs)}, ${JSON.stringify(file)}], { out: () => undefined, err: () => undefined }).then((code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const used = process.cpuUsage(c); // every thread of the process
      const all = process.cpuUsage();
      process.stdout.write(JSON.stringify({ ms, cpu: (used.user + used.system) / 1000, processCpu: (all.user + all.system) / 1000, code, rss: process.resourceUsage().maxRSS / 1024 }));
    });`;
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`check failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { wall, main: out.ms, cpu: out.cpu, processCpu: out.processCpu, rss: out.rss, code: out.code };
}

/**
 * An object as YAML: `block` as cdk8s writes it; `flow` with every collection below the top
 * level whose items are scalars or flow collections written in flow style
 * (`resources: {requests: {cpu: 100m}}`), as hand-written and some Helm charts' YAML is.
 */
function yamlOf(manifest: unknown, style: 'block' | 'flow'): string {
  const options = { version: '1.1', aliasDuplicateObjects: false };
  return style === 'flow' ? flowStyleYaml(manifest, 2, options) : new Document(manifest, options as any).toString();
}

/** The text of a benchmark file: `total` objects in ten namespaces, as one multi-document YAML file. */
function cliText(total: number, style: 'block' | 'flow', shared: boolean, calls = false): string {
  return objects(total, 10, shared, calls).map((i) => yamlOf(i.manifest, style)).join('---\n');
}

/** The `check` command on one file, as it runs by default (two threads from 2 MiB of input on four CPUs) and with `--jobs 2`. */
function benchCli(total: number, style: 'block' | 'flow', shared: boolean, calls = false, runs = 3): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-cli-bench-'));
  const file = path.join(dir, `objects-${total}.yaml`);
  fs.writeFileSync(file, cliText(total, style, shared, calls));
  for (const jobs of [[], ['--jobs', '2']]) {
    const results = Array.from({ length: runs }, () => cliRun(file, jobs));
    if (results[0].code !== 0) throw new Error('the benchmark objects should break no rule');
    const m = (f: (r: ReturnType<typeof cliRun>) => number) => median(results.map(f)).toFixed(0);
    console.log(`cli: check ${jobs.length > 0 ? jobs.join(' ') : '(default jobs)'} on ${total} objects (one file, ${style} style${shared ? ', one umbrella label' : ''}${calls ? ', every app calling another' : ''}): ${m((r) => r.wall)} ms wall, ${m((r) => r.processCpu)} ms CPU; ${m((r) => r.main)} ms in run (${m((r) => r.cpu)} ms CPU, every thread), ${m((r) => r.rss)} MiB max RSS (medians of ${runs})`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `--write <dir>`: writes the files that `--cli` checks (to profile one), and nothing else. */
const writeTo = process.argv.indexOf('--write');
if (writeTo >= 0) {
  const dir = process.argv[writeTo + 1];
  fs.mkdirSync(dir, { recursive: true });
  for (const style of ['block', 'flow'] as const) {
    for (const shared of [false, true]) {
      for (const n of [1000, 10000, 50000]) fs.writeFileSync(path.join(dir, `${style}${shared ? '-shared' : ''}-${n}.yaml`), cliText(n, style, shared));
    }
  }
  for (const n of [1000, 10000, 50000]) fs.writeFileSync(path.join(dir, `block-calls-${n}.yaml`), cliText(n, 'block', false, true));
  process.exit(0);
}
if (!process.argv.includes('--cli')) {
  for (const shared of [false, true]) {
    benchChecker(1000, 1, shared);
    benchChecker(10000, 1, shared);
    benchChecker(50000, 1, shared);
  }
  benchChecker(1000, 10);
  benchChecker(10000, 10);
  benchChecker(50000, 10);
  benchChecker(10000, 10, false, true);
  benchChecker(50000, 10, false, true);
  benchEnforcement(200);
}
for (const [style, shared, calls] of [['block', false, false], ['flow', false, false], ['block', true, false], ['block', false, true]] as const) {
  for (const n of [1000, 10000, 50000]) benchCli(n, style, shared, calls);
}
