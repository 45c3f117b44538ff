import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsApp, SafeDeployment } from '../../lib';
import { Engine } from '../../lib/practices/enforce';
import { readTree, tmpdir } from '../helpers';

/** An app with several charts, cross-chart dependencies, a nested chart and odd strings. */
function define(app: App, dependent: boolean, envs = ['dev', 'prod']): void {
  for (const env of envs) {
    const chart = new Chart(app, `shop-${env}`, { namespace: env });
    const api = new SafeDeployment(chart, 'api', {
      image: 'ghcr.io/acme/shop-api:2.3.1', port: 8080, env: { MODE: env, PORT: '8080' }, files: { 'app.yaml': 'level: info\nenabled: yes\n' },
    });
    const worker = new SafeDeployment(chart, 'worker', { image: 'ghcr.io/acme/shop-worker:2.3.1', livenessCommand: ['/app/healthcheck'], autoscaling: { maxReplicas: 4 } });
    worker.connectTo(api);
  }
  const extra = new Chart(app, 'extra');
  const cm = new kplus.k8s.KubeConfigMap(extra, 'cm', {
    metadata: { name: 'tricky' },
    data: { port: '8080', flag: 'yes', empty: '', spaced: ' x ', file: 'a: 1\nb: [2]\n', unicode: 'Grüße 日本' },
  });
  new kplus.Deployment(extra, 'web', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
  if (dependent) {
    const other = new Chart(app, 'other');
    const obj = new ApiObject(other, 'obj', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dep' } });
    obj.addDependency(cm);
    const nested = new Chart(other, 'nested');
    new ApiObject(nested, 'inner', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'inner' } });
  }
}

function synthBoth(props: AppProps, dependent = false, envs?: string[]): { cdk8s: Record<string, string>; ours: Record<string, string> } {
  const a = new App({ ...props, outdir: tmpdir('guardrails-app-') });
  define(a, dependent, envs);
  a.synth();
  const b = new GuardrailsApp({ ...props, outdir: tmpdir('guardrails-app-') });
  define(b, dependent, envs);
  b.synth();
  return { cdk8s: readTree(a.outdir), ours: readTree(b.outdir) };
}

describe('GuardrailsApp', () => {
  for (const [name, type] of Object.entries({
    FILE_PER_CHART: YamlOutputType.FILE_PER_CHART,
    FILE_PER_APP: YamlOutputType.FILE_PER_APP,
    FILE_PER_RESOURCE: YamlOutputType.FILE_PER_RESOURCE,
    FOLDER_PER_CHART_FILE_PER_RESOURCE: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  })) {
    for (const dependent of [false, true]) {
      it(`writes the same files, byte for byte, as App.synth (${name}${dependent ? ', dependent charts' : ''})`, () => {
        // With one file per resource, a plain App would write the objects of two namespaces to one file.
        const envs = type === YamlOutputType.FILE_PER_RESOURCE ? ['prod'] : undefined;
        const { cdk8s, ours } = synthBoth({ yamlOutputType: type }, dependent, envs);
        expect(Object.values(ours).join('')).toContain('kind: Deployment');
        expect(ours).toEqual(cdk8s);
      });
    }
  }

  it('orders charts and objects as App.synth does, also charts whose ids are numbers (which cdk8s puts first)', () => {
    const build = (app: App) => {
      for (const id of ['b', '10', '2', 'a']) {
        const chart = new Chart(app, id);
        new ApiObject(chart, 'z', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `z${id}` } });
        new ApiObject(chart, '3', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `n${id}` } });
      }
      // A chart inside a construct with a number id comes after every chart with a number id.
      new ApiObject(new Chart(new Construct(app, '1'), 'c'), 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x1' } });
    };
    for (const yamlOutputType of [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART]) {
      const a = new App({ yamlOutputType, outdir: tmpdir('guardrails-app-') });
      build(a);
      a.synth();
      const b = new GuardrailsApp({ yamlOutputType, outdir: tmpdir('guardrails-app-') });
      build(b);
      b.synth();
      expect(readTree(b.outdir)).toEqual(readTree(a.outdir));
    }
    const app = new GuardrailsApp({ outdir: tmpdir('guardrails-app-') });
    build(app);
    const names = [...app.synthYaml().matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]);
    expect(names).toEqual(['n2', 'z2', 'n10', 'z10', 'x1', 'nb', 'zb', 'na', 'za']);
  });

  it('with one file per resource, names the files of two namespaces apart instead of overwriting one with the other', () => {
    const app = new GuardrailsApp({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, outdir: tmpdir() });
    define(app, false);
    app.synth();
    const files = Object.keys(readTree(app.outdir));
    expect(files).toContain('Deployment.dev.api.k8s.yaml');
    expect(files).toContain('Deployment.prod.api.k8s.yaml');
    expect(files).not.toContain('Deployment.api.k8s.yaml');
    expect(files).toContain('ConfigMap.tricky.k8s.yaml');
    expect(files).toContain('ConfigMap.api-config-8a68a48e6a.k8s.yaml');
    expect(readTree(app.outdir)['Deployment.dev.api.k8s.yaml']).toContain('namespace: dev');
  });

  it('a plain App with one file per resource refuses objects of two namespaces that would share a file', () => {
    const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, outdir: tmpdir() });
    define(app, false);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("[] Deployment at 'shop-prod/api/Deployment/Resource': invalid name \"api\"; expected a name that no other Deployment of the app uses with YamlOutputType.FILE_PER_RESOURCE: "
      + "'shop-dev/api/Deployment/Resource' (Deployment \"api\" in namespace \"dev\") is written to the same file Deployment.api.k8s.yaml, which keeps only the last; "
      + 'synthesize with GuardrailsApp (which adds the namespace to such file names), or give one of them another name.');
  });

  it('with a folder per chart, names apart the files of one chart\'s objects in two namespaces; a plain App refuses them', () => {
    const defineTwo = (app: App) => {
      const chart = new Chart(app, 'multi');
      for (const ns of ['a', 'b']) new ApiObject(chart, `cm-${ns}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns } });
    };
    const ours = new GuardrailsApp({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, outdir: tmpdir() });
    defineTwo(ours);
    new SafeDeployment(new Chart(ours, 'lib'), 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    ours.synth();
    const files = Object.keys(readTree(ours.outdir));
    expect(files).toContain(path.join('multi', 'ConfigMap.a.settings.k8s.yaml'));
    expect(files).toContain(path.join('multi', 'ConfigMap.b.settings.k8s.yaml'));
    const plain = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, outdir: tmpdir() });
    defineTwo(plain);
    new SafeDeployment(new Chart(plain, 'lib'), 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    let message = '';
    try {
      plain.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("ConfigMap at 'multi/cm-b': invalid name \"settings\"; expected a name that no other ConfigMap of the app uses with YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: "
      + "'multi/cm-a' (ConfigMap \"settings\" in namespace \"a\") is written to the same file ConfigMap.settings.k8s.yaml, which keeps only the last");
  });

  it('an outdir that is a file is a clear error, for GuardrailsApp and a plain App', () => {
    const file = path.join(tmpdir(), 'out');
    fs.writeFileSync(file, 'x');
    for (const app of [new GuardrailsApp({ outdir: file }), new App({ outdir: file }), new App({ outdir: path.join(file, 'sub') })]) {
      define(app, false, ['prod']);
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^App: invalid outdir ".*"; expected a directory to write the manifests to, but it (is a file|is inside ".*out", which is a file): remove the file or choose another outdir \(App props `outdir`, or CDK8S_OUTDIR\)\.$/);
    }
  });

  it('honours outputFileExtension and recordConstructMetadata as App does', () => {
    const { cdk8s, ours } = synthBoth({ outputFileExtension: '.yml', recordConstructMetadata: true }, true);
    expect(Object.keys(ours)).toContain('construct-metadata.json');
    expect(Object.keys(ours).some((f) => f.endsWith('.yml'))).toBe(true);
    expect(ours).toEqual(cdk8s);
  });

  it('synthYaml() returns what App.synthYaml() returns', () => {
    const a = new App({ outdir: tmpdir('guardrails-app-') });
    define(a, true);
    const b = new GuardrailsApp({ outdir: tmpdir('guardrails-app-') });
    define(b, true);
    expect(b.synthYaml()).toBe(a.synthYaml());
  });

  it('runs every validation once per synthesis, however many charts (App.synth: once per chart, plus one)', () => {
    const count = (app: App) => {
      let calls = 0;
      for (let i = 0; i < 20; i++) new Chart(app, `c${i}`).node.addValidation({ validate: () => (calls++, []) });
      app.synth();
      return calls;
    };
    expect(count(new App({ outdir: tmpdir('guardrails-app-') }))).toBe(20 * 21);
    expect(count(new GuardrailsApp({ outdir: tmpdir('guardrails-app-') }))).toBe(20);
  });

  it('renders each ApiObject once: a validation that reads toJson() sees the manifest that is written', () => {
    const app = new GuardrailsApp({ outdir: tmpdir('guardrails-app-') });
    const chart = new Chart(app, 'chart');
    let renders = 0;
    class Counted extends ApiObject {
      public toJson(): any {
        renders++;
        return super.toJson();
      }
    }
    const obj = new Counted(chart, 'obj', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counted' } });
    let seen: any;
    chart.node.addValidation({ validate: () => ((seen = obj.toJson()), []) });
    app.synth();
    expect(renders).toBe(1);
    expect(fs.readFileSync(path.join(app.outdir, 'chart.k8s.yaml'), 'utf8')).toContain('name: counted');
    expect(seen.metadata.name).toBe('counted');
    // After the synthesis toJson() renders again (nothing is cached across syntheses).
    obj.toJson();
    expect(renders).toBe(2);
    expect(Object.prototype.hasOwnProperty.call(obj, 'toJson')).toBe(false);
  });

  it('keeps a chart that overrides toJson()', () => {
    class Custom extends Chart {
      public toJson(): any[] {
        return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custom' } }];
      }
    }
    const app = new GuardrailsApp({ outdir: tmpdir('guardrails-app-') });
    new Custom(app, 'custom');
    app.synth();
    expect(fs.readFileSync(path.join(app.outdir, 'custom.k8s.yaml'), 'utf8')).toContain('name: custom');
  });

  it('fails validation with the same message as App', () => {
    const build = (app: App) => {
      const chart = new Chart(app, 'chart');
      chart.node.addValidation({ validate: () => ['first problem', 'second problem'] });
      return app;
    };
    const message = (app: App) => {
      try {
        app.synth();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(build(new GuardrailsApp({ outdir: tmpdir('guardrails-app-') })))).toBe(message(build(new App({ outdir: tmpdir('guardrails-app-') }))));
  });

  it('runs the practices checker once per synthesis with one chart per service, and fails on a violation as App does', () => {
    const build = (app: App, sloppy: boolean) => {
      Guardrails.enforce(app);
      for (let i = 0; i < 5; i++) {
        const chart = new Chart(app, `svc${i}`, { namespace: 'team' });
        new SafeDeployment(chart, `svc${i}`, { image: 'ghcr.io/acme/svc:1.0.0', port: 8080 });
        if (sloppy && i === 3) {
          new ApiObject(chart as Construct, 'raw', {
            apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
            spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } } },
          });
        }
      }
      return app;
    };
    const ok = build(new GuardrailsApp({ outdir: tmpdir('guardrails-app-') }), false);
    ok.synth();
    const files = fs.readdirSync(ok.outdir);
    expect(files.filter((f) => f.endsWith('.k8s.yaml'))).toHaveLength(5);
    expect(files).toContain(Guardrails.REPORT_FILE);
    expect(Engine.of(ok).runs).toBe(1);

    const error = (app: App) => {
      try {
        app.synth();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const ours = error(build(new GuardrailsApp({ outdir: tmpdir('guardrails-app-') }), true));
    expect(ours).toContain('\n  image-pinned: Deployment team/raw');
    // The same lines as App, without the empty "[]" that App puts before the app's own errors.
    expect(ours).toBe(error(build(new App({ outdir: tmpdir('guardrails-app-') }), true)).replace(/\n {2}\[\] /g, '\n  '));
  });
});
