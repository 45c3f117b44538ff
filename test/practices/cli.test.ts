import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '..', '..');
const BAD = path.join(root, 'test', 'fixtures', 'bad');

function run(args: string[], stdin?: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => stdin ?? '' });
  return { code, out, err };
}

/** Synthesizes the shop example (examples/shop/main.ts, every environment) into a fresh directory. */
async function shopOutput(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-'));
  process.env.CDK8S_OUTDIR = dir;
  try {
    await import('../../examples/shop/main');
  } finally {
    delete process.env.CDK8S_OUTDIR;
  }
  return dir;
}

describe('cdk8s-guardrails check on a deliberately bad manifest set', () => {
  const { code, out } = run(['check', BAD]);

  it('exits 1', () => {
    expect(code).toBe(1);
  });

  it('reads Helm output, kustomize output, JSON Lists and hand-written YAML from a directory tree', () => {
    expect(out).toContain(`Deployment release-web in ${path.join(BAD, 'helm-web.yaml')}#4`);
    expect(out).toContain(`CronJob apps/worker in ${path.join(BAD, 'kustomize', 'worker.yml')}#2`);
    expect(out).toContain(`Namespace apps in ${path.join(BAD, 'namespace.json')}[0]`);
    expect(out).toContain(`Role apps/operator in ${path.join(BAD, 'rbac.yaml')}`);
    expect(out).toMatch(/41 violations in 6 of 9 objects \(4 files\); 1 suppressed.\nEvery rule, why it exists and how to switch it off: docs\/practices.md in the cdk8s-guardrails package \(https:\/\/github.com\/cdk8s-guardrails\/cdk8s-guardrails\/blob\/main\/docs\/practices.md\).\n$/);
  });

  it('says what is wrong and how to fix it, one violation per line', () => {
    expect(out).toContain('  image-pinned: spec.template.spec.containers[0].image: container "web": image "nginx:latest" uses the tag "latest", which changes under the same name\n'
      + '    fix: use an image such as `registry/app:1.4.2` or `registry/app@sha256:...`\n');
    expect(out).toContain('  secret-no-plaintext: data: has literal values in data (keys: password), which end up in git with the manifests\n');
    expect(out).toContain('  ns-rbac: rules[0]: grants a wildcard in verbs, resources, apiGroups: it grants whatever is added to the API later\n');
    expect(out).toContain('  ingress-tls: spec.tls: serves web.example.com without TLS: no spec.tls entry lists it\n');
    expect(out).toContain('  pod-security: spec.jobTemplate.spec.template.spec.hostNetwork: shares the node\'s Network namespace (hostNetwork: true)\n');
  });

  it('lists the suppressions with their reasons', () => {
    expect(out).toContain('Suppressed rules:\n  resources switched off for CronJob apps/worker in '
      + `${path.join(BAD, 'kustomize', 'worker.yml')}#2 (hides 1 violation): a vendor batch job; sized by the vendor\n`);
  });

  it('prints JSON with --json', () => {
    const json = run(['check', '--json', BAD]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.summary).toEqual({ files: 4, objects: 9, violations: 41, suppressions: 1, inputErrors: 0 });
    expect([...new Set(report.violations.map((v: any) => v.rule))].sort()).toEqual([
      'config-external', 'config-immutable', 'graceful-shutdown', 'image-pinned', 'ingress-backend', 'ingress-dns', 'ingress-tls',
      'metrics', 'ns-default-deny', 'ns-limits', 'ns-pod-security', 'ns-quota', 'ns-rbac', 'pod-security', 'probe-liveness',
      'probe-readiness', 'replicas-min', 'resources', 'rollout', 'secret-no-plaintext', 'service-account',
    ]);
    expect(report.violations[0]).toEqual({
      rule: 'secret-no-plaintext', kind: 'Secret', name: 'release-web-db', source: `${path.join(BAD, 'helm-web.yaml')}#2`, field: 'data',
      message: 'has literal values in data (keys: password), which end up in git with the manifests',
      fix: 'use an ExternalSecret, a SealedSecret or a Secret that already exists in the cluster',
    });
    expect(report.suppressions).toEqual([{
      rule: 'resources', reason: 'a vendor batch job; sized by the vendor', kind: 'CronJob', namespace: 'apps', name: 'worker',
      source: `${path.join(BAD, 'kustomize', 'worker.yml')}#2`, suppressed: 1,
    }]);
  });

  it('applies the baseline profile and app-wide switches', () => {
    const json = JSON.parse(run(['check', '--json', '--profile', 'baseline', '--disable', 'secret-no-plaintext=rendered by the chart, replaced by SOPS in CI', BAD]).out);
    expect([...new Set(json.violations.map((v: any) => v.rule))].sort()).toEqual([
      'image-pinned', 'ingress-backend', 'ingress-tls', 'ns-pod-security', 'pod-security', 'probe-liveness', 'probe-readiness', 'resources',
    ]);
    expect(json.suppressions[0]).toEqual({ rule: 'secret-no-plaintext', reason: 'rendered by the chart, replaced by SOPS in CI', suppressed: 1 });
  });
});

describe('cdk8s-guardrails check on the example app\'s output', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await shopOutput();
    expect(fs.readdirSync(dir).sort()).toEqual(['dev', 'prod', 'staging']);
  }, 120_000);

  it.each(['dev', 'staging', 'prod'])('is clean in %s: its ExternalSecret provides the database Secret', (env) => {
    const r = run(['check', path.join(dir, env)]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/(^|\n)OK: \d+ objects in 1 file break no rule \(\d+ suppressed\).\n$/);
    expect(JSON.parse(run(['check', '--json', path.join(dir, env)]).out).violations).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('checks each environment as its own app with --each-dir', () => {
    const r = run(['check', '--each-dir', dir]);
    expect(r.out).toMatch(/OK: \d+ objects in 3 files break no rule \(\d+ suppressed\).\n$/);
    expect(r.code).toBe(0);
  });

  it('checks each folder of the library\'s layout as its own app, with no flag', () => {
    for (const env of ['dev', 'staging', 'prod']) expect(fs.existsSync(path.join(dir, env, 'guardrails-report.jsonc'))).toBe(true);
    const r = run(['check', dir]);
    expect(r.out).toMatch(/\nOK: \d+ objects in 3 files break no rule \(\d+ suppressed\).\n$/);
    expect(r.err).toBe(['dev', 'prod', 'staging'].map((env) => `cdk8s-guardrails: note: ${path.join(dir, env)}: checked as its own app (it holds guardrails-report.jsonc, written by the synthesis of one app or environment)\n`).join(''));
    expect(r.code).toBe(0);
    // One level up (dist/<app>/<environment>/), the same.
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
    fs.symlinkSync(dir, path.join(dist, 'shop'));
    const up = run(['check', dist]);
    expect(up.out).not.toContain('appears 3 times');
    expect(up.out).toMatch(/\nOK: \d+ objects in 3 files break no rule/);
    expect(up.code).toBe(0);
  });

  it('checks a folder that holds the report together with the files named beside it', () => {
    const r = run(['check', path.join(dir, 'prod')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('checks each named folder or file under a folder with a report as that folder\'s app', () => {
    const envs = ['dev', 'staging', 'prod'];
    const folders = run(['check', ...envs.map((env) => path.join(dir, env))]);
    expect(folders.out).not.toContain('appears');
    expect(folders.out).toMatch(/OK: \d+ objects in 3 files break no rule/);
    expect(folders.code).toBe(0);
    const files = run(['check', ...envs.map((env) => path.join(dir, env, 'shop.k8s.yaml'))]);
    expect(files.out).not.toContain('appears');
    expect(files.out).toMatch(/OK: \d+ objects in 3 files break no rule/);
    expect(files.code).toBe(0);
    // The same files without their reports are one app, and mix: the other side of the fixture.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-named-'));
    for (const env of envs) {
      fs.mkdirSync(path.join(copy, env));
      fs.copyFileSync(path.join(dir, env, 'shop.k8s.yaml'), path.join(copy, env, 'shop.k8s.yaml'));
    }
    const mixed = run(['check', ...envs.map((env) => path.join(copy, env, 'shop.k8s.yaml'))]);
    expect(mixed.out).toMatch(/Deployment (shop\/)?api appears 3 times/);
    expect(mixed.code).toBe(1);
  });

  it('warns when several environments without a report are checked as one app', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-copy-'));
    for (const env of ['dev', 'staging', 'prod']) {
      fs.mkdirSync(path.join(copy, env));
      fs.copyFileSync(path.join(dir, env, 'shop.k8s.yaml'), path.join(copy, env, 'shop.k8s.yaml'));
    }
    const r = run(['check', copy]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Warnings:\n');
    expect(r.out).toMatch(/\n {2}Deployment (shop\/)?api appears 3 times: objects of one app have unique names; check each app or environment on its own \(the check command: --each-dir checks each folder as an app; a folder written by synth holds a guardrails-report.jsonc, which marks it as one app\)\n/);
    expect(run(['check', '--each-dir', copy]).code).toBe(0);
  });

  it('reads standard input with -', () => {
    const text = fs.readFileSync(path.join(dir, 'prod', 'shop.k8s.yaml'), 'utf8');
    expect(run(['check', '-'], text).code).toBe(0);
    // Without its ExternalSecret, the Secret must be declared as existing in the cluster.
    const docs = text.split(/^---\n/m);
    const withoutSource = docs.filter((d) => !/^kind: ExternalSecret$/m.test(d)).join('---\n');
    expect(docs.length - withoutSource.split(/^---\n/m).length).toBe(1);
    expect(run(['check', '-'], withoutSource).out).toContain('secret-no-plaintext: spec.template.spec.containers[0].env[');
    expect(run(['check', '--external-secret=shop-db', '-'], withoutSource).code).toBe(0);
  });
});

describe('cdk8s-guardrails usage errors', () => {
  it.each([
    [[], 'Usage: cdk8s-guardrails check'],
    [['lint'], 'unknown command "lint"'],
    [['check'], 'no files or directories to check'],
    [['check', '--profile', 'strict', BAD], '--profile "strict": expected "restricted" or "baseline"'],
    [['check', '--disable', 'pdb', BAD], '--disable "pdb": expected <rule>=<reason> with a non-empty reason'],
    [['check', '--disable', 'nope=x', BAD], '--disable "nope=x": expected a rule id of the catalog'],
    [['check', '--frobnicate', BAD], 'unknown option --frobnicate'],
    [['check', '/no/such/dir'], '/no/such/dir: no such file or directory'],
  ])('%j exits 2', (args, message) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err + r.out).toContain(message);
  });

  it('rejects invalid YAML with the file and document', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-yaml-'));
    fs.writeFileSync(path.join(dir, 'x.yaml'), 'kind: ConfigMap\n---\nkind: [unclosed\n');
    const r = run(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`Input errors (not checked):\n  ${path.join(dir, 'x.yaml')}#1: has no apiVersion, so kubectl cannot tell what it is\n`
      + `  ${path.join(dir, 'x.yaml')}#2: is not valid YAML: `);
  });

  it('lists the rules', () => {
    const r = run(['rules']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('image-pinned [workload; restricted, baseline]\n  requires: every image names a pinned tag (a full version such as 1.4.2, a date or a commit hash; `latest`, `stable`, `3` move) or a digest\n');
    expect(r.out).toContain('deterministic [app; restricted, baseline] (library property, not checked on objects)');
  });
});

describe('the cdk8s-guardrails executable', () => {
  it('runs from bin/ with the exit code of the check', () => {
    const bad = spawnSync(process.execPath, [path.join(root, 'bin', 'cdk8s-guardrails.js'), 'check', '--json', BAD], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).summary.violations).toBe(41);
    const bare = spawnSync(process.execPath, ['-r', path.join(root, 'test', 'fixtures', 'no-cdk8s.js'), path.join(root, 'bin', 'cdk8s-guardrails.js'), 'check', BAD], { encoding: 'utf8' });
    expect(bare.stderr).toBe('');
    expect(bare.status).toBe(1); // runs without cdk8s, cdk8s-plus or constructs installed
    const help = execFileSync(process.execPath, [path.join(root, 'bin', 'cdk8s-guardrails.js'), '--help'], { encoding: 'utf8' });
    expect(help).toContain('Exit status: 0 when no object breaks a rule, 1 on violations, 2 on usage or input errors.');
  });
});
