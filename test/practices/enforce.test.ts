import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { Guardrails, Profile, SafeDeployment } from '../../lib';
import { Engine } from '../../lib/practices/enforce';
import { errorOf, LABELS, manifests, rawChart } from './helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

function tmpApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')) });
}

/** A raw Deployment that breaks image-pinned and replicas-min and nothing else. */
function sloppy(chart: Chart, name = 'legacy'): ApiObject {
  const [d] = manifests((a) => {
    a.deployment.metadata.name = name;
    a.deployment.spec.template.spec.containers[0].image = 'nginx:latest';
    a.deployment.spec.replicas = 1;
  });
  return new ApiObject(chart, name, d);
}

/** The objects around a raw Deployment named web (ServiceAccount, ConfigMap, NetworkPolicy). */
function surroundings(chart: Chart): void {
  const app = manifests();
  for (const m of [app.find((x) => x.kind === 'ServiceAccount'), app.find((x) => x.kind === 'ConfigMap'), app.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'web')]) {
    new ApiObject(chart, `${m.kind}-${m.metadata.name}`, m);
  }
}

describe('Guardrails.enforce', () => {
  it('makes Testing.synth fail with one line per violation: rule, object, construct path, field, what, fix', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'prod');
    surroundings(chart);
    sloppy(chart, 'web');
    Guardrails.enforce(chart);
    const message = errorOf(() => Testing.synth(chart));
    const lines = message.split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      '[prod] image-pinned: Deployment shop/web at prod/web: spec.template.spec.containers[0].image: container "app": image "nginx:latest" uses the tag "latest", which changes under the same name. Fix: use an image such as `registry/app:1.4.2` or `registry/app@sha256:...`',
      '[prod] replicas-min: Deployment shop/web at prod/web: spec.replicas: runs 1 replica; one replica means downtime whenever its node goes away. Fix: set replicas (or the HPA minReplicas) to 2 or more',
      '[prod] Every rule, why it exists and how to switch it off: docs/practices.md in the cdk8s-guardrails package (https://github.com/cdk8s-guardrails/cdk8s-guardrails/blob/main/docs/practices.md).',
    ]);
  });

  it('makes app.synth() fail, and writes the synth report with the violations', () => {
    const app = tmpApp();
    const chart = new Chart(app, 'prod');
    surroundings(chart);
    sloppy(chart, 'web');
    Guardrails.enforce(app);
    expect(() => app.synth()).toThrow(/image-pinned: Deployment shop\/web at prod\/web/);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, Guardrails.REPORT_FILE), 'utf8'));
    expect(report.scopes).toEqual([{ path: '', profile: 'restricted' }]);
    expect(report.violations.map((v: any) => v.rule)).toEqual(['image-pinned', 'replicas-min']);
  });

  it('lets a clean app synthesize, and lists its suppressions in the report', () => {
    const app = tmpApp();
    const chart = new Chart(app, 'prod', { namespace: 'shop' });
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    Guardrails.skip(web, 'metrics', 'scraped by the mesh sidecar');
    Guardrails.enforce(app);
    app.synth();
    expect(fs.existsSync(path.join(app.outdir, 'prod.k8s.yaml'))).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, Guardrails.REPORT_FILE), 'utf8'));
    expect(report.violations).toEqual([]);
    expect(report.suppressions.map((s: any) => `${s.rule} ${s.kind}/${s.name} ${s.suppressed}: ${s.reason}`)).toEqual([
      'metrics ServiceAccount/web 0: scraped by the mesh sidecar',
      'metrics Deployment/web 0: scraped by the mesh sidecar',
      'metrics Service/web 0: scraped by the mesh sidecar',
      'metrics PodDisruptionBudget/web 0: scraped by the mesh sidecar',
      'metrics NetworkPolicy/web 0: scraped by the mesh sidecar',
    ]);
  });

  it('runs the checker once per app.synth(), not once per chart', () => {
    const app = tmpApp();
    for (let i = 0; i < 12; i++) {
      const chart = new Chart(app, `svc${i}`, { namespace: `ns${i}` });
      new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    }
    Guardrails.enforce(app);
    const engine = Engine.of(app);
    const before = engine.runs;
    app.synth();
    expect(engine.runs - before).toBe(1);
    app.synthYaml();
    expect(engine.runs - before).toBe(2);
    // the JSON rendered for the check is reused for the output only during a synthesis
    expect(app.node.findAll().some((c) => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toBe(false);
  });

  it('does not change the output', () => {
    const build = (enforce: boolean) => {
      const app = tmpApp();
      for (let i = 0; i < 3; i++) new SafeDeployment(new Chart(app, `svc${i}`, { namespace: 'shop' }), 'web', { image: IMAGE, port: 8080, name: `web-${i}` });
      if (enforce) Guardrails.enforce(app);
      app.synth();
      return fs.readdirSync(app.outdir).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(app.outdir, f), 'utf8'));
    };
    const plain = build(false);
    expect(plain.length).toBe(3);
    expect(build(true)).toEqual(plain);
  });

  it('sees changes made between two syntheses', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'prod', { namespace: 'shop' });
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    Guardrails.enforce(chart);
    Testing.synth(chart);
    new kplus.k8s.KubeConfigMap(chart, 'loose', { metadata: { name: 'loose' }, data: { a: 'b' } });
    expect(errorOf(() => Testing.synth(chart))).toMatch(/labels: ConfigMap shop\/loose at prod\/loose: metadata.labels: has no app.kubernetes.io\/name/);
  });

  it('applies per chart: a baseline chart next to a restricted one, objects outside enforced scopes unchecked', () => {
    const app = Testing.app();
    const strict = new Chart(app, 'strict');
    const relaxed = new Chart(app, 'relaxed');
    const free = new Chart(app, 'free');
    const [d] = manifests((a) => { a.deployment.spec.replicas = 1; delete a.deployment.spec.template.spec.serviceAccountName; });
    new ApiObject(strict, 'web', d);
    new ApiObject(relaxed, 'web', d);
    new ApiObject(free, 'web', { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'x', image: 'nginx' }] } } } });
    for (const c of [strict, relaxed]) surroundings(c);
    Guardrails.enforce(strict, { profile: Profile.RESTRICTED });
    Guardrails.enforce(relaxed, { profile: Profile.BASELINE });
    expect(Guardrails.report(strict).violations.map((v) => v.rule)).toEqual(['replicas-min', 'service-account']);
    expect(Guardrails.report(relaxed).violations).toEqual([]);
    expect(errorOf(() => Testing.synth(free))).toMatch(/^Validation failed with the following errors:\n {2}\[strict\] replicas-min/);
  });

  it('merges a chart\'s options over the app\'s', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'dev');
    surroundings(chart);
    sloppy(chart, 'web');
    Guardrails.enforce(app, { disabledRules: { 'replicas-min': 'one node in dev' } });
    Guardrails.enforce(chart, { disabledRules: { 'image-pinned': 'dev follows latest on purpose' } });
    const result = Guardrails.report(chart);
    expect(result.violations).toEqual([]);
    expect(result.suppressions.map((s) => s.rule)).toEqual(['image-pinned', 'replicas-min']);
  });

  it('keeps the app\'s options that a chart does not set', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'prod');
    surroundings(chart);
    sloppy(chart, 'web');
    Guardrails.enforce(app, { allowedRegistries: ['ghcr.io/acme'] });
    Guardrails.enforce(chart, { profile: Profile.BASELINE });
    expect(Guardrails.report(chart).violations.map((v) => `${v.rule}: ${v.message}`)).toEqual([
      'image-pinned: container "app": image "nginx:latest" uses the tag "latest", which changes under the same name',
      'image-registry: container "app": image "nginx:latest" comes from docker.io, not from an allowed registry (ghcr.io/acme)',
    ]);
  });

  it('looks across charts for cross-object rules', () => {
    const app = Testing.app();
    const accounts = new Chart(app, 'accounts');
    const workloads = new Chart(app, 'workloads');
    const all = manifests();
    for (const m of all.filter((x) => x.kind === 'ServiceAccount')) new ApiObject(accounts, 'sa', m);
    for (const m of all.filter((x) => x.kind !== 'ServiceAccount')) new ApiObject(workloads, `${m.kind}-${m.metadata.name}`, m);
    Guardrails.enforce(workloads);
    expect(Guardrails.report(workloads).violations).toEqual([]);
  });

  it('rejects bad options and a second call, naming the construct path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'prod');
    expect(errorOf(() => Guardrails.enforce(chart, { disabledRules: { 'pdb': '' } })))
      .toBe('Guardrails at \'prod\': invalid disabledRules.pdb ""; expected a non-empty reason: switching a rule off must say why.');
    expect(errorOf(() => Guardrails.enforce(chart, { externalSecrets: [' '] })))
      .toBe('Guardrails at \'prod\': invalid externalSecrets[0] " "; expected a non-empty string.');
    Guardrails.enforce(chart);
    expect(errorOf(() => Guardrails.enforce(chart))).toBe('Guardrails at \'prod\': invalid scope "prod"; expected a scope that is not enforced yet: call Guardrails.enforce once per App or Chart.');
    expect(errorOf(() => Guardrails.report(new Chart(app, 'other')))).toMatch(/expected an App or Chart passed to Guardrails.enforce/);
  });
});

describe('Guardrails.skip', () => {
  it('annotates every ApiObject under a construct with the reason', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    Guardrails.skip(web, 'spread-zones', '  single-zone cluster  ');
    const out = Testing.synth(chart);
    expect(out.length).toBe(5);
    for (const m of out) expect(m.metadata.annotations['guardrails.cdk8s.io/skip.spread-zones']).toBe('single-zone cluster');
  });

  it('works on a single ApiObject and suppresses the violation there', () => {
    const chart = new Chart(Testing.app(), 'prod');
    surroundings(chart);
    const d = sloppy(chart, 'web');
    Guardrails.skip(d, 'image-pinned', 'vendor image mirrored by tag');
    Guardrails.skip(d, 'replicas-min', 'leader-elected singleton');
    Guardrails.enforce(chart);
    const out = Testing.synth(chart);
    expect(out.find((m) => m.kind === 'Deployment').metadata.annotations).toEqual({
      'guardrails.cdk8s.io/skip.image-pinned': 'vendor image mirrored by tag',
      'guardrails.cdk8s.io/skip.replicas-min': 'leader-elected singleton',
    });
    expect(Guardrails.report(chart).suppressions.map((s) => `${s.rule}:${s.suppressed}`)).toEqual(['image-pinned:1', 'replicas-min:1']);
  });

  it('rejects unknown rules, app-wide rules, empty reasons and constructs without objects', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const d = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: LABELS } });
    expect(errorOf(() => Guardrails.skip(d, 'image-pined', 'typo'))).toMatch(/^Guardrails at 'prod\/cm': invalid ruleId "image-pined"; expected a rule id of the catalog: image-pinned, image-registry/);
    expect(errorOf(() => Guardrails.skip(d, 'deterministic', 'x'))).toMatch(/invalid ruleId "deterministic"; expected a rule that the checker runs on objects/);
    expect(errorOf(() => Guardrails.skip(d, 'labels', ' '))).toBe('Guardrails at \'prod/cm\': invalid reason (for labels) " "; expected a non-empty reason: switching a rule off must say why.');
    expect(errorOf(() => Guardrails.skip(new Chart(Testing.app(), 'empty'), 'labels', 'x'))).toMatch(/invalid scope "empty"; expected a construct with at least one ApiObject under it/);
  });
});

describe('Guardrails.check', () => {
  it('checks plain manifests without an app', () => {
    const result = Guardrails.check(manifests((a) => { a.deployment.spec.template.spec.containers[0].image = 'nginx'; }));
    expect(result.violations.map((v) => `${v.rule} ${v.kind}/${v.name}`)).toEqual(['image-pinned Deployment/web']);
    expect(result.violations[0].path).toBeUndefined();
  });

  it('expands List objects', () => {
    const result = Guardrails.check([{ apiVersion: 'v1', kind: 'List', items: manifests((a) => { a.serviceAccount.metadata.labels = {}; }) }]);
    expect(result.objectCount).toBe(12);
    expect(result.violations.map((v) => `${v.rule} ${v.kind}`)).toEqual(['labels ServiceAccount']);
  });

  it('is the same checker as the raw chart route', () => {
    expect(Guardrails.check(Testing.synth(rawChart(manifests()))).violations).toEqual([]);
  });
});

describe('Guardrails.enforce on a JSON patch that removes a workload\'s selector', () => {
  it('refuses the synthesis: the API server requires a selector that selects the template', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'prod');
    const [d] = manifests();
    const raw = new ApiObject(chart, 'web', d);
    raw.addJsonPatch(JsonPatch.remove('/spec/selector'));
    Guardrails.enforce(chart);
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain('[prod] api-valid: Deployment shop/web at prod/web: spec.selector: has no spec.selector; the API server requires one that selects its pod template {app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s, app.kubernetes.io/name=web}. Fix: set spec.selector.matchLabels');
  });
});
