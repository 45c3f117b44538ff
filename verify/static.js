#!/usr/bin/env node
// Runs the ecosystem's own checkers on every synthesized manifest under dist/:
//   kubectl-validate  official OpenAPI of every version in verify/versions.json, strict
//                     (unknown and duplicate fields are errors), CRDs from crds/; no error allowed
//   kube-score        all default checks; no critical finding allowed
//   polaris           audit on files, every check at warning or above; no danger finding allowed
// A warning passes only when verify/peer-checkers.yaml lists it with the reason it does not
// apply; those are printed on every run. Writes .verify/static-report.json.
//
// usage: node verify/static.js [dist folder]   (or VERIFY_DIST=folder)
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const YAML = require('yaml');
const lib = require('./lib');

const distDir = path.resolve(process.argv[2] ?? process.env.VERIFY_DIST ?? path.join(lib.root, 'dist'));
const workDir = path.join(lib.root, '.verify');
fs.mkdirSync(workDir, { recursive: true });
fs.mkdirSync(lib.cacheDir, { recursive: true });
const config = YAML.parse(fs.readFileSync(path.join(__dirname, 'peer-checkers.yaml'), 'utf8'));

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: lib.root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const groups = lib.manifestGroups(distDir);
if (groups.length === 0) {
  console.error(`no *.k8s.yaml under ${distDir}: run npm run synth first`);
  process.exit(1);
}
const objectsOf = new Map(groups.map((g) => [g, lib.loadObjects(g.files)]));
const allFiles = groups.flatMap((g) => g.files);
const groupOfFile = new Map(groups.flatMap((g) => g.files.map((f) => [f, g])));

const findings = []; // { tool, group, object, check, severity, message, versions }
const runs = []; // { name, ok, note }
function addFinding(f) {
  const same = findings.find((x) => x.tool === f.tool && x.group === f.group && x.object === f.object
    && x.check === f.check && x.message === f.message);
  if (same) {
    for (const v of f.versions ?? []) if (!same.versions.includes(v)) same.versions.push(v);
  } else findings.push({ ...f, versions: [...(f.versions ?? [])] });
}

const canaryFile = path.join(__dirname, 'canary', 'kubectl-validate.yaml');

/** Canary objects whose validity differs from their `verify/expect-valid` annotation. */
function checkCanaries(statuses, version) {
  if (!Array.isArray(statuses)) return ['(canary file not validated)'];
  const minor = (v) => Number(v.split('.')[1]);
  return lib.loadObjects([canaryFile]).filter(({ obj }, i) => {
    const expect = obj.metadata.annotations['verify/expect-valid'];
    const m = /^(<|>=)1\.(\d+)$/.exec(expect);
    if (expect !== 'never' && expect !== 'always' && !m) throw new Error(`${canaryFile}: bad verify/expect-valid ${expect}`);
    const want = expect === 'never' ? false : expect === 'always' ? true
      : m[1] === '<' ? minor(version) < Number(m[2]) : minor(version) >= Number(m[2]);
    return (statuses[i]?.status === 'Success') !== want;
  }).map(({ obj }) => lib.describe(obj));
}

async function kubectlValidate() {
  const bin = lib.tool('kubectl-validate');
  const crdArgs = lib.crdDirs().flatMap((d) => ['--local-crds', d]);
  for (const k of lib.versions()) {
    let served;
    let env = { KUBECONFIG: path.join(workDir, 'no-such-kubeconfig') }; // use the built-in schemas
    let source = 'built into kubectl-validate';
    if (k.release) {
      served = await lib.serveOpenAPI(lib.openapiSpecDir(k.release), workDir);
      env = { KUBECONFIG: served.kubeconfig };
      source = `k8s.io/kubernetes@${k.release} api/openapi-spec/v3`;
    }
    // Each file only at or above the Kubernetes version its objects were synthesized for.
    const files = allFiles.filter((f) => lib.fits(objectsOf.get(groupOfFile.get(f)).filter((o) => o.file === f).map((o) => o.obj), k.version));
    const r = await run(bin, [...files, canaryFile, '--version', k.version, ...crdArgs, '--output', 'json'], env);
    if (served) served.server.close();
    let report;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      runs.push({ name: `kubectl-validate ${k.version}`, ok: false, note: `did not run: ${(r.stderr || r.stdout).trim().split('\n')[0]}` });
      addFinding({ tool: 'kubectl-validate', group: '*', object: '*', check: 'run', severity: 'error',
        message: (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' '), versions: [k.version] });
      continue;
    }
    let errors = 0;
    const canary = report[path.relative(lib.root, canaryFile)] ?? report[canaryFile];
    delete report[path.relative(lib.root, canaryFile)];
    delete report[canaryFile];
    const wrong = checkCanaries(canary, k.version);
    if (wrong.length) {
      errors += wrong.length;
      for (const w of wrong) {
        addFinding({ tool: 'kubectl-validate', group: 'verify/canary', object: w, check: 'canary', severity: 'error',
          message: 'judged otherwise than annotated: the validator is not strict or not using this version', versions: [k.version] });
      }
    }
    for (const [file, statuses] of Object.entries(report)) {
      const g = groupOfFile.get(path.resolve(lib.root, file));
      const objs = objectsOf.get(g).filter((o) => o.file === path.resolve(lib.root, file));
      (Array.isArray(statuses) ? statuses : [statuses]).forEach((s, i) => {
        if (s.status === 'Success') return;
        errors++;
        const causes = s.details?.causes?.length ? s.details.causes : [{ message: s.message }];
        for (const c of causes) {
          addFinding({ tool: 'kubectl-validate', group: g.name, object: objs[i] ? lib.describe(objs[i].obj) : `document ${i + 1}`,
            check: c.type ?? s.reason ?? 'Invalid', severity: 'error',
            message: `${c.field ? `${c.field}: ` : ''}${c.message}`, versions: [k.version] });
        }
      });
    }
    runs.push({ name: `kubectl-validate ${k.version} (${source})`, ok: errors === 0, note: errors ? `${errors} invalid objects` : '' });
  }
}

async function kubeScore() {
  const bin = lib.tool('kube-score');
  const ks = config['kube-score'] ?? {};
  const flags = (ks.flags ?? []).map((f) => f.flag);
  for (const g of groups) {
    for (const k of lib.versions().filter((v) => lib.fits(objectsOf.get(g).map((o) => o.obj), v.version))) {
      const r = await run(bin, ['score', ...g.files, '--output-format', 'json', '--kubernetes-version', `v${k.version}`,
        '--disable-optional-checks-annotations', ...flags]);
      let report;
      try {
        report = JSON.parse(r.stdout);
      } catch {
        runs.push({ name: `kube-score ${g.name} ${k.version}`, ok: false, note: r.stderr.trim().split('\n')[0] });
        addFinding({ tool: 'kube-score', group: g.name, object: '*', check: 'run', severity: 'critical', message: r.stderr.trim(), versions: [k.version] });
        continue;
      }
      // A folder of kinds kube-score does not score (Argo CD Applications only) gives null.
      for (const o of report ?? []) {
        const object = `${o.type_meta.kind}/${o.object_meta.namespace ? `${o.object_meta.namespace}/` : ''}${o.object_meta.name}`;
        for (const c of o.checks) {
          if (c.skipped || c.grade > 5) continue; // 7 = almost OK, 10 = OK
          const comments = c.comments?.length ? c.comments : [{ summary: c.check.name }];
          for (const cm of comments) {
            addFinding({ tool: 'kube-score', group: g.name, object, check: c.check.id,
              severity: c.grade <= 1 ? 'critical' : 'warning',
              message: `${cm.path ? `(${cm.path}) ` : ''}${cm.summary}${cm.description ? `: ${cm.description}` : ''}`, versions: [k.version] });
          }
        }
      }
    }
    runs.push({ name: `kube-score ${g.name}`, ok: true });
  }
}

function polarisConfig() {
  // Polaris's own defaults (examples/config.yaml of the pinned module), with every check that it
  // leaves at `ignore` raised to `warning`, then the severities set in peer-checkers.yaml.
  const dir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/fairwindsops/polaris'],
    { cwd: path.join(lib.root, 'tools', 'polaris'), encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=readonly' } }).trim();
  const defaults = YAML.parse(fs.readFileSync(path.join(dir, 'examples', 'config.yaml'), 'utf8')).checks;
  const checks = {};
  for (const f of fs.readdirSync(path.join(dir, 'checks'))) {
    const id = f.replace(/\.yaml$/, '');
    checks[id] = !defaults[id] || defaults[id] === 'ignore' ? 'warning' : defaults[id];
  }
  for (const s of config.polaris?.severities ?? []) checks[s.check] = s.severity;
  const file = path.join(workDir, 'polaris-config.yaml');
  fs.writeFileSync(file, YAML.stringify({ checks }));
  return file;
}

async function polaris() {
  const bin = lib.tool('polaris');
  const cfg = polarisConfig();
  for (const g of groups) {
    const r = await run(bin, ['audit', '--audit-path', g.dir, '--format', 'json', '--config', cfg,
      '--disallow-config-exemptions', '--log-level', 'error']);
    let report;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      runs.push({ name: `polaris ${g.name}`, ok: false, note: r.stderr.trim().split('\n')[0] });
      addFinding({ tool: 'polaris', group: g.name, object: '*', check: 'run', severity: 'danger', message: r.stderr.trim() });
      continue;
    }
    if ((report.Results ?? []).length === 0) {
      runs.push({ name: `polaris ${g.name}`, ok: false, note: 'audited no object' });
      continue;
    }
    for (const res of report.Results ?? []) {
      const object = `${res.Kind}/${res.Namespace ? `${res.Namespace}/` : ''}${res.Name}`;
      const sets = [[res.Results, ''], [res.PodResult?.Results, '']];
      for (const c of res.PodResult?.ContainerResults ?? []) sets.push([c.Results, `container ${c.Name}: `]);
      for (const [results, prefix] of sets) {
        for (const c of Object.values(results ?? {})) {
          if (c.Success || c.Severity === 'ignore') continue;
          addFinding({ tool: 'polaris', group: g.name, object, check: c.ID, severity: c.Severity, message: `${prefix}${c.Message}` });
        }
      }
    }
    runs.push({ name: `polaris ${g.name}`, ok: true });
  }
}

/** Pod template of a workload object, if any. */
function podTemplate(obj) {
  return obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.kind === 'Pod' ? obj : obj.spec?.template;
}

// Conditions an exemption may require of the object it names; each is a fact about the
// synthesized objects of the same folder, checked on every run.
const conditions = {
  // A HorizontalPodAutoscaler with minReplicas >= 2 owns the replica count (kube-score's
  // deployment-targeted-by-hpa-does-not-have-replicas-configured requires spec.replicas unset).
  'scaled-by-hpa-min-2': (obj, objs) => objs.some((o) => o.kind === 'HorizontalPodAutoscaler'
    && o.spec?.scaleTargetRef?.kind === obj.kind && o.spec.scaleTargetRef.name === obj.metadata.name
    && (o.metadata.namespace ?? '') === (obj.metadata.namespace ?? '') && (o.spec.minReplicas ?? 1) >= 2),
  // The library itself switched its rule off on this object, with the reason in the annotation
  // guardrails.cdk8s.io/skip.<rule> (printed with the exemption).
  'guardrails-skip': (obj, objs, rule) => Boolean(obj.metadata.annotations?.[`guardrails.cdk8s.io/skip.${rule}`]),
  // The app.kubernetes.io/name label is part of the workload's selector, which is immutable:
  // given (selectorLabels) to take over an existing release whose selector has it.
  'name-label-in-selector': (obj) => {
    const name = obj.metadata.labels?.['app.kubernetes.io/name'];
    return name !== undefined && name !== obj.metadata.name && obj.spec?.selector?.matchLabels?.['app.kubernetes.io/name'] === name;
  },
  // No Service in the folder routes to the pods: a readiness probe would gate no traffic. A
  // Service without ports (a worker StatefulSet's headless governing Service, which only gives
  // the pods DNS names) routes nothing, so it does not count.
  'not-selected-by-a-service': (obj, objs) => {
    const labels = podTemplate(obj)?.metadata?.labels ?? {};
    return !objs.some((o) => o.kind === 'Service' && (o.metadata.namespace ?? '') === (obj.metadata.namespace ?? '')
      && (o.spec?.ports ?? []).length > 0
      && o.spec?.selector && Object.entries(o.spec.selector).every(([k, v]) => labels[k] === v));
  },
};

/** The peer checkers must find critical/danger problems in the canary, or they are not working. */
async function peerCanary() {
  const dir = path.join(__dirname, 'canary', 'peer-checkers');
  const file = path.join(dir, 'insecure.yaml');
  const ks = await run(lib.tool('kube-score'), ['score', file, '--output-format', 'json']);
  let critical = 0;
  try {
    for (const o of JSON.parse(ks.stdout)) critical += o.checks.filter((c) => !c.skipped && c.grade <= 1).length;
  } catch { /* counted as none */ }
  runs.push({ name: 'kube-score canary', ok: critical > 0, note: `${critical} critical findings on verify/canary/peer-checkers (expected some)` });
  const pol = await run(lib.tool('polaris'), ['audit', '--audit-path', dir, '--format', 'json', '--config', polarisConfig(), '--log-level', 'error']);
  let danger = 0;
  try {
    for (const r of JSON.parse(pol.stdout).Results ?? []) {
      const sets = [r.Results, r.PodResult?.Results, ...(r.PodResult?.ContainerResults ?? []).map((c) => c.Results)];
      for (const set of sets) danger += Object.values(set ?? {}).filter((c) => !c.Success && c.Severity === 'danger').length;
    }
  } catch { /* counted as none */ }
  runs.push({ name: 'polaris canary', ok: danger > 0, note: `${danger} danger findings on verify/canary/peer-checkers (expected some)` });
}

/**
 * Opt-outs written into the output itself: kube-score's `kube-score/ignore` and polaris's
 * per-check `polaris.fairwinds.com/<check>-exempt` annotations. They are honoured (users running
 * these tools see the same), listed on every run with the object's guardrails.cdk8s.io/skip.*
 * reasons; polaris's blanket `polaris.fairwinds.com/exempt` is refused.
 */
function annotationOptOuts() {
  const rows = [];
  for (const [g, objs] of objectsOf) {
    for (const { obj } of objs) {
      const a = obj.metadata?.annotations ?? {};
      const reasons = Object.entries(a).filter(([k]) => k.startsWith('guardrails.cdk8s.io/skip')).map(([k, v]) => `${k.split('/')[1]}: ${v}`).join('; ');
      for (const [k, v] of Object.entries(a)) {
        let what;
        if (k === 'kube-score/ignore') what = `kube-score ignores ${v}`;
        else if (k === 'polaris.fairwinds.com/exempt') {
          addFinding({ tool: 'polaris', group: g.name, object: lib.describe(obj), check: 'exempt-annotation', severity: 'danger',
            message: 'polaris.fairwinds.com/exempt switches every polaris check off; exempt single checks with polaris.fairwinds.com/<check>-exempt' });
        } else if (/^polaris\.fairwinds\.com\/.+-exempt$/.test(k) && v === 'true') what = `polaris ignores ${k.split('/')[1].replace(/-exempt$/, '')}`;
        if (what) rows.push({ where: g.name, object: lib.describe(obj), 'opt-out': what, reason: reasons || '(no guardrails.cdk8s.io/skip reason on the object)' });
      }
    }
  }
  return rows;
}

function applyExemptions() {
  const exemptions = [];
  for (const tool of ['kube-score', 'polaris']) {
    for (const e of config[tool]?.exemptions ?? []) {
      if (!e.check || !e.reason) throw new Error(`peer-checkers.yaml: ${tool} exemption needs check and reason: ${JSON.stringify(e)}`);
      if (e.condition && !conditions[e.condition.split(':')[0]]) throw new Error(`peer-checkers.yaml: unknown condition ${e.condition}`);
      exemptions.push({ ...e, tool, used: 0 });
    }
  }
  const objectIn = (group, name) => {
    const objs = [...objectsOf].find(([g]) => g.name === group)?.[1].map((o) => o.obj) ?? [];
    return { obj: objs.find((o) => lib.describe(o) === name), objs };
  };
  for (const f of findings) {
    const e = exemptions.find((x) => {
      if (x.tool !== f.tool || x.check !== f.check) return false;
      if ((x.object && x.object !== f.object) || (x.group && x.group !== f.group)) return false;
      if (!x.condition) return true;
      const { obj, objs } = objectIn(f.group, f.object);
      const [name, arg] = x.condition.split(':');
      return obj !== undefined && conditions[name](obj, objs, arg);
    });
    if (!e) continue;
    e.used++;
    let reason = e.condition ? `[${e.condition}] ${e.reason}` : e.reason;
    if (e.condition?.startsWith('guardrails-skip:')) {
      reason += ` (annotation: "${objectIn(f.group, f.object).obj.metadata.annotations[`guardrails.cdk8s.io/skip.${e.condition.split(':')[1]}`]}")`;
    }
    if (f.severity === 'warning') f.exempt = reason;
    else f.refused = `exemption ignored: a ${f.severity} finding cannot be exempted`;
  }
  return exemptions;
}

function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.min(70, Math.max(c.length, ...rows.map((r) => String(r[c]).length))));
  const line = (r) => cols.map((c, i) => String(r[c]).slice(0, 70).padEnd(width[i])).join('  ').trimEnd();
  return [line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()]))), ...rows.map(line)].join('\n');
}

(async () => {
  console.log(`verify: ${groups.length} manifest folders, ${[...objectsOf.values()].flat().length} objects, ` +
    `Kubernetes ${lib.versions().map((k) => k.version).join(', ')}`);
  for (const [g, objs] of objectsOf) {
    for (const file of g.files) {
      const inFile = objs.filter((o) => o.file === file).map((o) => o.obj);
      const target = lib.targetOf(inFile);
      if (target === undefined) continue;
      console.log(`verify: ${path.relative(lib.root, file)} was synthesized for Kubernetes ${target}: kubectl-validate checks it at ` +
        `${lib.versions().filter((k) => lib.fits(inFile, k.version)).map((k) => k.version).join(', ')}`);
    }
  }
  await kubectlValidate();
  await kubeScore();
  await polaris();
  await peerCanary();
  const exemptions = applyExemptions();
  for (const f of config['kube-score']?.flags ?? []) console.log(`kube-score ${f.flag}: ${f.reason}`);
  for (const f of config.polaris?.severities ?? []) console.log(`polaris ${f.check}: ${f.severity}: ${f.reason}`);

  const optOuts = annotationOptOuts();
  if (optOuts.length) {
    console.log('\nOpt-outs written in the output (annotations):');
    console.log(table(optOuts));
  }
  const failing = findings.filter((f) => !f.exempt);
  const exempt = findings.filter((f) => f.exempt);
  if (exempt.length) {
    const reasons = [...new Set(exempt.map((f) => f.exempt))];
    console.log('\nExempted warnings (verify/peer-checkers.yaml):');
    console.log(table(exempt.map((f) => ({ tool: f.tool, where: f.group, object: f.object, check: f.check, reason: `[${reasons.indexOf(f.exempt) + 1}]` }))));
    reasons.forEach((r, i) => console.log(`  [${i + 1}] ${r}`));
  }
  for (const e of exemptions.filter((x) => !x.used)) {
    console.log(`note: unused exemption in peer-checkers.yaml: ${e.tool} ${e.check}${e.object ? ` ${e.object}` : ''}`);
  }
  if (failing.length) {
    console.log('\nFindings:');
    console.log(table(failing.map((f) => ({ tool: f.tool, severity: f.severity, where: f.group, object: f.object, check: f.check,
      versions: f.versions.length === lib.versions().length ? 'all' : f.versions.join(' ') || '-', message: (f.refused ? `${f.refused}; ` : '') + f.message }))));
  }
  // a tool run fails when it has a finding that is not exempted
  for (const r of runs) {
    const [tool, where] = r.name.split(' ');
    if (where === 'canary') continue;
    if (failing.some((f) => f.tool === tool && (tool === 'kubectl-validate' ? f.versions.includes(where) : f.group === where))) r.ok = false;
  }
  console.log('');
  for (const r of runs) console.log(`${r.ok ? 'ok    ' : 'FAIL  '}${r.name}${r.note ? ` — ${r.note}` : ''}`);
  fs.writeFileSync(path.join(workDir, 'static-report.json'), JSON.stringify({ runs, findings }, null, 2));
  const failed = runs.filter((r) => !r.ok).length;
  console.log(`static: ${runs.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
