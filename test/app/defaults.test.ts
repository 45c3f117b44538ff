import { Chart, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  Guardrails, GuardrailsApp, GuardrailsDefaults, IngressController, IsolatedNamespace, IssuerReference, KubernetesVersion,
  ResourcePreset, SafeDeployment, SafeJob, ScrapeMethod, TlsIngress,
} from '../../lib';
import { all, errorOf, one } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const NO_PROM = 'no Prometheus in this cluster';

function deployment(manifests: any[], name: string): any {
  return one(manifests, 'Deployment', name);
}
const cpu = (d: any) => d.spec.template.spec.containers[0].resources.requests.cpu;
const scraped = (d: any) => d.spec.template.metadata.annotations?.['prometheus.io/scrape'];
const skipped = (d: any, rule: string) => d.metadata.annotations?.[`guardrails.cdk8s.io/skip.${rule}`];

describe('GuardrailsDefaults: one line for a whole app', () => {
  it('switches scraping off for every workload with one reason, where eleven skips were needed', () => {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir, defaults: { skip: { metrics: NO_PROM } } });
    const chart = new Chart(app, 'shop');
    for (let i = 0; i < 11; i++) new SafeDeployment(chart, `svc${i}`, { image: IMAGE, port: 8080 });
    const out = Testing.synth(chart);
    const deployments = all(out, 'Deployment');
    expect(deployments).toHaveLength(11);
    for (const d of deployments) {
      expect(scraped(d)).toBeUndefined();
      expect(skipped(d, 'metrics')).toBe(NO_PROM);
    }
  });

  it('without defaults, the library default holds (scrape annotations, the small preset)', () => {
    const chart = new Chart(new GuardrailsApp({ outdir: Testing.app().outdir }), 'shop');
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    const d = deployment(Testing.synth(chart), 'web');
    expect(scraped(d)).toBe('true');
    expect(cpu(d)).toBe('100m');
    expect(skipped(d, 'metrics')).toBeUndefined();
  });
});

describe('GuardrailsDefaults precedence: explicit prop > chart > app > library default', () => {
  function build(): any[] {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir, defaults: { resourcePreset: ResourcePreset.LARGE, partOf: 'shop', skip: { metrics: NO_PROM } } });
    const plain = new Chart(app, 'plain');
    const tuned = new Chart(app, 'tuned');
    GuardrailsDefaults.set(tuned, { resourcePreset: ResourcePreset.MEDIUM, metrics: { method: ScrapeMethod.SERVICE_MONITOR } });
    new SafeDeployment(plain, 'app-default', { image: IMAGE, port: 8080 });
    new SafeDeployment(tuned, 'chart-default', { image: IMAGE, port: 8080 });
    new SafeDeployment(tuned, 'explicit', { image: IMAGE, port: 8080, resourcePreset: ResourcePreset.NANO, partOf: 'checkout', skip: { metrics: 'scraped by a sidecar agent' } });
    new SafeDeployment(plain, 'scraped', { image: IMAGE, port: 8080, metrics: { path: '/stats' } });
    return [...Testing.synth(plain), ...Testing.synth(tuned)];
  }
  const out = build();

  it('the app default reaches a chart without its own', () => {
    const d = deployment(out, 'app-default');
    expect(cpu(d)).toBe('1');
    expect(d.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
    expect(skipped(d, 'metrics')).toBe(NO_PROM);
  });

  it('a chart default overrides the app default, and the rest still comes from the app', () => {
    const d = deployment(out, 'chart-default');
    expect(cpu(d)).toBe('250m');
    expect(d.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
    // The chart's metrics options are nearer than the app's skip: scraped by a ServiceMonitor.
    expect(skipped(d, 'metrics')).toBeUndefined();
    expect(all(out, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['chart-default']);
  });

  it('an explicit prop overrides both', () => {
    const d = deployment(out, 'explicit');
    expect(cpu(d)).toBe('50m');
    expect(d.metadata.labels['app.kubernetes.io/part-of']).toBe('checkout');
    expect(skipped(d, 'metrics')).toBe('scraped by a sidecar agent');
  });

  it('an explicit metrics prop turns scraping back on under an app-wide skip', () => {
    const d = deployment(out, 'scraped');
    expect(scraped(d)).toBe('true');
    expect(d.spec.template.metadata.annotations['prometheus.io/path']).toBe('/stats');
    expect(skipped(d, 'metrics')).toBeUndefined();
  });

  it('GuardrailsDefaults.of tells what reaches a construct', () => {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir, defaults: { partOf: 'shop', skip: { metrics: NO_PROM, 'ns-quota': 'quota set by the platform' } } });
    const chart = new Chart(app, 'c');
    GuardrailsDefaults.set(chart, { partOf: 'billing', kubernetesVersion: KubernetesVersion.V1_30 });
    expect(GuardrailsDefaults.of(chart)).toEqual({ partOf: 'billing', kubernetesVersion: KubernetesVersion.V1_30, skip: { metrics: NO_PROM, 'ns-quota': 'quota set by the platform' } });
    expect(GuardrailsDefaults.of(app)).toEqual({ partOf: 'shop', skip: { metrics: NO_PROM, 'ns-quota': 'quota set by the platform' } });
  });
});

describe('GuardrailsDefaults for the other opinions', () => {
  it('registries, target version, ingress controller, issuer and namespace skips', () => {
    const app = new GuardrailsApp({
      outdir: Testing.app().outdir,
      defaults: {
        allowedRegistries: ['ghcr.io/acme'],
        kubernetesVersion: KubernetesVersion.V1_30,
        ingressController: IngressController.nginx(),
        issuer: IssuerReference.clusterIssuer('internal-ca'),
        skip: { 'ns-quota': 'the platform team sets quotas', 'ingress-dns': 'records are made by the DNS team' },
      },
    });
    expect(KubernetesVersion.of(app)).toBe(KubernetesVersion.V1_30);
    const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    expect(ns.quota).toBeUndefined();
    expect(errorOf(() => new SafeDeployment(ns, 'bad', { image: 'docker.io/library/nginx:1.27.0', port: 8080 })))
      .toContain('docker.io/library/nginx:1.27.0');
    const web = new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080 });
    const ingress = new TlsIngress(ns, 'www', { host: 'www.example.com', backend: web });
    const out = Testing.synth(ns);
    const ing = one(out, 'Ingress', 'www');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('internal-ca');
    expect(ing.metadata.annotations['guardrails.cdk8s.io/skip.ingress-dns']).toBe('records are made by the DNS team');
    expect(ingress.skippedRules).toEqual({ 'ingress-dns': 'records are made by the DNS team' });
    expect(one(out, 'Namespace').metadata.annotations['guardrails.cdk8s.io/skip.ns-quota']).toBe('the platform team sets quotas');
  });

  it('inherited metrics options skip a worker without a port', () => {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir, defaults: { metrics: { method: ScrapeMethod.SERVICE_MONITOR } } });
    const chart = new Chart(app, 'c');
    new SafeJob(chart, 'migrate', { image: IMAGE });
    expect(all(Testing.synth(chart), 'ServiceMonitor')).toEqual([]);
  });
});

describe('GuardrailsDefaults errors', () => {
  it('names the scope, the property, the value and the fix', () => {
    const chart = new Chart(new GuardrailsApp({ outdir: Testing.app().outdir }), 'c');
    expect(errorOf(() => GuardrailsDefaults.set(chart, { skip: { metric: NO_PROM } })))
      .toMatch(/^GuardrailsDefaults at 'c': invalid skip\.metric "metric"; expected a rule id of the catalog: image-pinned, /);
    expect(errorOf(() => GuardrailsDefaults.set(chart, { skip: { metrics: ' ' } })))
      .toBe('GuardrailsDefaults at \'c\': invalid skip.metrics " "; expected a non-empty reason: switching a rule off must say why.');
    expect(errorOf(() => GuardrailsDefaults.set(chart, { skip: { 'secret-no-plaintext': 'x' } })))
      .toContain('expected a rule that a construct switches off (secret rules are switched off with Guardrails.enforce(scope, { disabledRules }) or Guardrails.skip)');
    expect(errorOf(() => GuardrailsDefaults.set(chart, { resourcePreset: 'small' as any })))
      .toBe('GuardrailsDefaults at \'c\': invalid resourcePreset "small"; expected a ResourcePreset such as ResourcePreset.SMALL.');
    expect(errorOf(() => GuardrailsDefaults.set(chart, { allowedRegistries: ['https://ghcr.io'] }))).toContain('GuardrailsDefaults at \'c\': invalid allowedRegistries[0] "https://ghcr.io"');
  });

  it('refuses, naming the defaults and their scope, a value every workload would refuse (not a workload prop the user never set)', () => {
    const chart = () => new Chart(new GuardrailsApp({ outdir: Testing.app().outdir }), 'c');
    expect(errorOf(() => GuardrailsDefaults.set(chart(), { allowedRegistries: [] })))
      .toBe('GuardrailsDefaults at \'c\': invalid allowedRegistries []; expected at least one registry, such as [\'ghcr.io/acme\'] (rule image-registry); leave allowedRegistries out to allow any registry.');
    expect(errorOf(() => GuardrailsDefaults.set(chart(), { architecture: 'x86_64' })))
      .toBe('GuardrailsDefaults at \'c\': invalid architecture "x86_64"; expected a GOARCH name such as "amd64" or "arm64".');
    expect(errorOf(() => GuardrailsDefaults.set(chart(), { priorityClassName: 'High' }))).toMatch(/^GuardrailsDefaults at 'c': invalid priorityClassName "High"; expected /);
    expect(errorOf(() => GuardrailsDefaults.set(chart(), { partOf: 'a b' }))).toMatch(/^GuardrailsDefaults at 'c': invalid partOf "a b"; expected /);
    const ok = chart();
    GuardrailsDefaults.set(ok, { allowedRegistries: ['ghcr.io/acme'], architecture: 'arm64', priorityClassName: 'high', partOf: 'shop' });
    const w = new SafeDeployment(ok, 'w', { image: 'ghcr.io/acme/w:1.0.0', port: 8080 });
    expect(w.deployment.toJson().spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
  });

  it('refuses a second call on one scope, and a call after constructs exist below it', () => {
    const chart = new Chart(new GuardrailsApp({ outdir: Testing.app().outdir }), 'c');
    GuardrailsDefaults.set(chart, { partOf: 'shop' });
    expect(errorOf(() => GuardrailsDefaults.set(chart, { partOf: 'shop' })))
      .toBe('GuardrailsDefaults at \'c\': invalid scope "c"; expected a scope without defaults: set the defaults of a scope in one call.');
    const late = new Chart(chart.node.scope as any, 'late');
    new SafeDeployment(late, 'web', { image: IMAGE, port: 8080 });
    expect(errorOf(() => GuardrailsDefaults.set(late, { partOf: 'shop' })))
      .toBe('GuardrailsDefaults at \'late\': invalid scope "late"; expected a scope without constructs yet: \'late/web\' was created before the defaults and would not get them; set the defaults first.');
  });

  it('sets defaults on an IsolatedNamespace: the namespace and what its constructor made do not count, a workload made after does', () => {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir });
    const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    GuardrailsDefaults.set(ns, { resourcePreset: ResourcePreset.LARGE });
    new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080 });
    expect(cpu(deployment(Testing.synth(ns), 'web'))).toBe(cpu(deployment(Testing.synth(
      (() => { const c = new Chart(new GuardrailsApp({ outdir: Testing.app().outdir }), 'c'); new SafeDeployment(c, 'web', { image: IMAGE, port: 8080, resourcePreset: ResourcePreset.LARGE }); return c; })()), 'web')));
    const late = new IsolatedNamespace(app, 'late', { team: 'late' });
    new SafeDeployment(late, 'web', { image: IMAGE, port: 8080 });
    expect(errorOf(() => GuardrailsDefaults.set(late, { partOf: 'shop' })))
      .toBe('GuardrailsDefaults at \'late\': invalid scope "late"; expected a scope without constructs yet: \'late/web\' was created before the defaults and would not get them; set the defaults first.');
  });
});

describe('GuardrailsDefaults skip reaches the constructs of the library; the error says so for other objects', () => {
  /**
   * An app whose defaults skip metrics, with a SafeDeployment and a Deployment that is not
   * the library's (as Include would add): a workload's own, without the skip annotation.
   */
  const appWith = (disabled: boolean) => {
    const app = new GuardrailsApp({ outdir: Testing.app().outdir, defaults: { skip: { metrics: NO_PROM } } });
    new SafeDeployment(new Chart(app, 'c', { namespace: 'a' }), 'web', { image: IMAGE, port: 8080 });
    const vendor = new SafeDeployment(new Chart(app, 'vendor', { namespace: 'b' }), 'raw', { image: IMAGE, port: 8080 });
    vendor.deployment.addJsonPatch(JsonPatch.remove('/metadata/annotations/guardrails.cdk8s.io~1skip.metrics'));
    Guardrails.enforce(app, disabled ? { disabledRules: { metrics: NO_PROM } } : undefined);
    return app;
  };

  it('names the way to switch the rule off for an object the default does not reach', () => {
    const error = errorOf(() => appWith(false).synthYaml());
    expect(error).toContain('\n  metrics: Deployment b/raw at vendor/raw/Deployment/Resource: ');
    expect(error.split('\n').filter((l) => l.includes('note:'))).toEqual([
      '  note: metrics is skipped by the defaults of the app (skip.metrics: "no Prometheus in this cluster"), which reach the constructs of the library only, '
      + 'and Deployment b/raw was made otherwise (Include, Helm, ApiObject): switch the rule off for every object with '
      + 'Guardrails.enforce(scope, { disabledRules: { \'metrics\': \'<reason>\' } }) (for Environments, enforceOptions.disabledRules), or on the object with Guardrails.skip(object, \'metrics\', \'<reason>\')',
    ]);
  });

  it('disabledRules switches it off for every object, and the note goes', () => {
    expect(() => appWith(true).synthYaml()).not.toThrow();
  });
});
