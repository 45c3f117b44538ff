import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsApp, SafeDeployment } from '../../lib';
import { errorOf, newChart, tmpdir } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

describe('files are written inside the outdir only, and never over the app\'s own files', () => {
  it.each(['/../../escaped.yaml', '.k8s/x.yaml', '..\\x.yaml'])('outputFileExtension %j is refused by GuardrailsApp', (ext) => {
    expect(errorOf(() => new GuardrailsApp({ outdir: tmpdir(), outputFileExtension: ext }))).toBe(
      `GuardrailsApp: invalid outputFileExtension ${JSON.stringify(ext)}; expected a file name ending such as ".k8s.yaml", without '/' or '\\': it ends the names of files written inside the outdir.`);
  });

  it('and by a plain App with a library construct, before anything is written', () => {
    const outdir = tmpdir();
    const app = new App({ outdir, outputFileExtension: '/../../escaped.yaml' });
    new SafeDeployment(new Chart(app, 'shop'), 'web', { image: IMAGE, port: 8080 });
    expect(errorOf(() => app.synth())).toContain(
      'App: invalid outputFileExtension "/../../escaped.yaml"; expected a file name ending such as ".k8s.yaml", without \'/\' or \'\\\': it ends the names of files written inside the outdir.');
    expect(fs.existsSync(path.join(outdir, '..', '..', 'escaped.yaml'))).toBe(false);
  });

  it('a chart whose file would be the construct metadata is refused', () => {
    const outdir = tmpdir();
    const app = new GuardrailsApp({ outdir, outputFileExtension: '.json', recordConstructMetadata: true });
    new SafeDeployment(new Chart(app, 'construct-metadata'), 'web', { image: IMAGE, port: 8080 });
    Guardrails.enforce(app);
    expect(errorOf(() => app.synth())).toBe(
      "GuardrailsApp: invalid chart at 'construct-metadata' (file construct-metadata.json); expected a manifest file name other than guardrails-report.jsonc and construct-metadata.json, which the app writes itself (the report of Guardrails.enforce and the construct metadata): give the chart another id or use another outputFileExtension.");
  });

  it('extensions and chart names that stay inside the outdir pass', () => {
    const outdir = tmpdir();
    const app = new GuardrailsApp({ outdir, outputFileExtension: '.yml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
    new SafeDeployment(new Chart(app, 'guardrails-report'), 'web', { image: IMAGE, port: 8080 });
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['guardrails-report.yml']);
  });
});

describe('public entry points given what they cannot use', () => {
  it.each<[string, unknown[], string]>([
    ['null', [null], 'manifests[0] null'],
    ['a string', ['x'], 'manifests[0] "x"'],
    ['a number', [5], 'manifests[0] 5'],
    ['a list', [[{ kind: 'Pod' }]], 'manifests[0] [{"kind":"Pod"}]'],
    ['an object without kind', [{ apiVersion: 'v1', metadata: { name: 'a' } }], 'manifests[0] {"apiVersion":"v1","metadata":{"name":"a"}}'],
  ])('Guardrails.check refuses %s instead of passing it', (_what, manifests, shown) => {
    expect(errorOf(() => Guardrails.check(manifests))).toBe(
      `Guardrails.check: invalid ${shown}; expected a Kubernetes object: a map with a string apiVersion and kind (the JSON of a manifest).`);
  });

  it('Guardrails.check refuses options of the wrong shape', () => {
    expect(errorOf(() => Guardrails.check([], { disabledRules: ['pdb'] } as any))).toBe(
      'Guardrails.check: invalid disabledRules ["pdb"]; expected a map of string keys to strings (a map of keys to values, not a list).');
    expect(errorOf(() => Guardrails.check([], { requireDigest: 'yes' } as any))).toBe(
      'Guardrails.check: invalid requireDigest "yes"; expected true or false (a boolean, not a string).');
  });

  it('Guardrails.enforce, skip and report refuse a scope that is not a construct', () => {
    expect(errorOf(() => Guardrails.enforce('app' as any))).toBe(
      'Guardrails.enforce(): invalid scope "app"; expected a construct (an App, a Chart or a construct in one).');
    expect(errorOf(() => Guardrails.skip(null as any, 'pdb', 'why'))).toBe(
      'Guardrails.skip(): invalid scope null; expected a construct (an App, a Chart or a construct in one).');
    expect(errorOf(() => Guardrails.report({} as any))).toBe(
      'Guardrails.report(): invalid scope {}; expected a construct (an App, a Chart or a construct in one).');
    expect(errorOf(() => Guardrails.enforce(Testing.app(), { allowedRegistries: 'ghcr.io' } as any))).toBe(
      "Guardrails at '': invalid allowedRegistries \"ghcr.io\"; expected a list of strings.");
  });

  it('right input passes', () => {
    expect(Guardrails.check([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'b' } }], { disabledRules: { labels: 'test' } }).objectCount).toBe(1);
    const chart = newChart();
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    Guardrails.enforce(chart, { requireDigest: false });
    expect(Guardrails.report(chart).violations).toBeDefined();
  });
});
