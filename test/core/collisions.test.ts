import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeSolver, CertificateMode, Guardrails, GuardrailsApp, HashedConfigMap, IngressController, IsolatedNamespace, SafeDeployment, TlsIngress, WildcardCertificate,
} from '../../lib';
import { errorOf } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

/** The message of `app.synth()` (in a temporary outdir), or of `Testing.synth(chart)`. */
function synthError(app: App): string {
  return errorOf(() => app.synthYaml());
}

const KEEP = 'and the API server keeps one object per kind, namespace and name, so applying both keeps only the last; give one of them another name';

describe('name collisions', () => {
  it('two SafeDeployments named web in one namespace, in a plain App', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shop' });
    const b = new Chart(app, 'b', { namespace: 'shop' });
    new SafeDeployment(a, 'web', { image: IMAGE, port: 8080 });
    new SafeDeployment(b, 'web', { image: IMAGE, port: 8080 });
    const message = synthError(app);
    expect(message).toContain(`[] Deployment at 'b/web/Deployment/Resource': invalid name "web"; expected a name that no other object of the app uses: 'a/web/Deployment/Resource' is also Deployment "web" in namespace "shop", ${KEEP}.`);
    expect(message).toContain(`[] Service at 'b/web/Service/Resource': invalid name "web"; expected a name that no other object of the app uses: 'a/web/Service/Resource' is also Service "web" in namespace "shop"`);
  });

  it('two SafeDeployments named web in one chart, under Testing.synth', () => {
    const chart = Testing.chart();
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    new SafeDeployment(chart, 'web2', { image: IMAGE, port: 8080, name: 'web' });
    expect(errorOf(() => Testing.synth(chart))).toContain(`Deployment at 'test/web2/Deployment/Resource': invalid name "web"; expected a name that no other object of the app uses: 'test/web/Deployment/Resource' is also Deployment "web", ${KEEP}.`);
  });

  it('reports each collision once, in GuardrailsApp too', () => {
    const app = new GuardrailsApp({ outdir: '/tmp/never-written' });
    const chart = new Chart(app, 'c');
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    new SafeDeployment(chart, 'web2', { image: IMAGE, port: 8080, name: 'web' });
    const message = synthError(app);
    expect(message.split("Deployment at 'c/web2/Deployment/Resource'")).toHaveLength(2);
  });

  it('a workload named default-deny inside an IsolatedNamespace does not replace the default-deny policy', () => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    new SafeDeployment(ns, 'default-deny', { image: IMAGE, port: 8080 });
    expect(synthError(app)).toContain(`NetworkPolicy at 'payments/default-deny/NetworkPolicy': invalid name "default-deny"; expected a name that no other object of the app uses: 'payments/DefaultDeny' is also NetworkPolicy "default-deny" in namespace "payments", ${KEEP}.`);
    expect(errorOf(() => Testing.synth(ns))).toContain('NetworkPolicy at \'payments/default-deny/NetworkPolicy\': invalid name "default-deny"');
  });

  it('two default AcmeIssuers', () => {
    const app = Testing.app();
    new AcmeIssuer(new Chart(app, 'one'), 'le', {});
    new AcmeIssuer(new Chart(app, 'two'), 'le', {});
    expect(synthError(app)).toContain(`ClusterIssuer at 'two/le/Resource': invalid name "letsencrypt-prod"; expected a name that no other object of the app uses: 'one/le/Resource' is also ClusterIssuer "letsencrypt-prod", ${KEEP}.`);
  });

  it('cluster-scoped objects of two namespaces collide', () => {
    const app = Testing.app();
    for (const ns of ['a', 'b']) {
      const chart = new IsolatedNamespace(app, ns, { team: 't' });
      new ApiObject(chart, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' } });
    }
    expect(synthError(app)).toContain(`PriorityClass at 'b/pc': invalid name "high"; expected a name that no other object of the app uses: 'a/pc' is also PriorityClass "high", ${KEEP}.`);
  });

  it('two TlsIngresses writing one TLS Secret', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    const issuer = new AcmeIssuer(chart, 'le', { solvers: [AcmeSolver.http01({ controller: IngressController.traefik() })] });
    new TlsIngress(chart, 'a', { host: 'a.example.com', backend: web, issuer, tlsSecretName: 'shared-tls' });
    new TlsIngress(chart, 'b', { host: 'b.example.com', backend: web, issuer, tlsSecretName: 'shared-tls' });
    expect(synthError(app)).toContain(`Secret at 'shop/b/Ingress': invalid name "shared-tls"; expected a name that no other object of the app uses: 'shop/a/Ingress' also writes Secret "shared-tls" in namespace "shop" (written by cert-manager), ${KEEP}.`);
  });

  it('two Certificates writing one TLS Secret', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    const issuer = new AcmeIssuer(chart, 'le', { solvers: [AcmeSolver.http01({ controller: IngressController.traefik() })] });
    new TlsIngress(chart, 'a', { host: 'a.example.com', backend: web, issuer, tlsSecretName: 'shared-tls', certificateMode: CertificateMode.CERTIFICATE });
    new TlsIngress(chart, 'b', { host: 'b.example.com', backend: web, issuer, tlsSecretName: 'shared-tls', certificateMode: CertificateMode.CERTIFICATE });
    expect(synthError(app)).toContain('Secret at \'shop/b/Certificate\': invalid name "shared-tls"; expected a name that no other object of the app uses: \'shop/a/Certificate\' also writes Secret "shared-tls" in namespace "shop" (written by cert-manager)');
  });

  it('a raw object colliding with a library object, and ConfigMaps of equal prefix and content', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'x' });
    new HashedConfigMap(chart, 'one', { namePrefix: 'cfg', data: { a: '1' } });
    const two = new HashedConfigMap(chart, 'two', { namePrefix: 'cfg', data: { a: '1' } });
    new kplus.k8s.KubeServiceAccount(chart, 'sa', { metadata: { name: 'web' } });
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    const message = synthError(app);
    expect(message).toContain(`ConfigMap at 'c/two/Resource': invalid name "${two.name}"; expected a name that no other object of the app uses: 'c/one/Resource' is also ConfigMap "${two.name}" in namespace "x"`);
    expect(message).toContain('ServiceAccount at \'c/web/ServiceAccount/Resource\': invalid name "web"; expected a name that no other object of the app uses: \'c/sa\' is also ServiceAccount "web" in namespace "x"');
  });

  it('accepts the same name in two namespaces, in two kinds, and in two API groups', () => {
    const app = Testing.app();
    for (const ns of ['a', 'b']) new SafeDeployment(new Chart(app, ns, { namespace: ns }), 'web', { image: IMAGE, port: 8080 });
    const c = new Chart(app, 'c', { namespace: 'a' });
    new ApiObject(c, 'x', { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'web' } });
    new WildcardCertificate(new Chart(app, 'w', { namespace: 'w' }), 'wild', { domain: 'example.com', issuer: new AcmeIssuer(new Chart(app, 'i'), 'dns', { solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cf', key: 'token' } })] }) });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('constructs outside a Chart', () => {
  it.each([
    ['TlsIngress', (app: App) => new TlsIngress(app, 'web', { host: 'shop.example.com' })],
    ['AcmeIssuer', (app: App) => new AcmeIssuer(app, 'le', {})],
    ['HashedConfigMap', (app: App) => new HashedConfigMap(app, 'cfg', { data: {} })],
    ['WildcardCertificate', (app: App) => new WildcardCertificate(app, 'wild', { domain: 'example.com' } as any)],
  ])('%s directly under the App is a clear error', (kind, build) => {
    expect(errorOf(() => build(Testing.app()))).toMatch(new RegExp(`^${kind} at '\\w+': invalid scope "\\(the App\\)"; expected a Chart, or a construct inside one: create it in a Chart \\(new Chart\\(app, 'prod'\\), an IsolatedNamespace\\), not directly under the App\\.$`));
  });
});

describe('plain Charts nested in an IsolatedNamespace', () => {
  it('their objects land in the namespace; cluster-scoped ones and other namespaces stay as they are', () => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    const nested = new Chart(ns, 'nested');
    new SafeDeployment(nested, 'api', { image: IMAGE, port: 8080 });
    new ApiObject(nested, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' } });
    const other = new Chart(ns, 'other', { namespace: 'elsewhere' });
    new ApiObject(other, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const docs = require('yaml').parseAllDocuments(app.synthYaml()).map((d: any) => d.toJS());
    const find = (kind: string, name: string) => docs.find((d: any) => d.kind === kind && d.metadata.name === name);
    expect(find('Deployment', 'api').metadata.namespace).toBe('payments');
    expect(find('Service', 'api').metadata.namespace).toBe('payments');
    expect(find('PriorityClass', 'high').metadata.namespace).toBeUndefined();
    expect(find('ConfigMap', 'x').metadata.namespace).toBe('elsewhere');
  });

  it('a nested workload colliding with a namespace object is found', () => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    new SafeDeployment(new Chart(ns, 'nested'), 'default-deny', { image: IMAGE, port: 8080 });
    expect(synthError(app)).toContain('NetworkPolicy at \'payments/nested/default-deny/NetworkPolicy\': invalid name "default-deny"; expected a name that no other object of the app uses: \'payments/DefaultDeny\' is also NetworkPolicy "default-deny" in namespace "payments"');
  });
});

describe('name collisions under Guardrails.enforce', () => {
  it('are reported as collisions, naming both paths', () => {
    const app = Testing.app();
    Guardrails.enforce(app);
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    new SafeDeployment(chart, 'web2', { image: IMAGE, port: 8080, name: 'web' });
    expect(synthError(app)).toContain(`Deployment at 'shop/web2/Deployment/Resource': invalid name "web"; expected a name that no other object of the app uses: 'shop/web/Deployment/Resource' is also Deployment "web" in namespace "shop", ${KEEP}.`);
  });
});

describe('namespaces are fixed before anything renders an object', () => {
  const LABELS = { 'app.kubernetes.io/name': 'x', 'app.kubernetes.io/instance': 'x', 'app.kubernetes.io/managed-by': 'cdk8s' };
  it.each([
    ['GuardrailsApp under enforce', () => new GuardrailsApp({ outdir: '/tmp/never-written' }), true],
    ['a plain App under enforce', () => Testing.app(), true],
    ['GuardrailsApp', () => new GuardrailsApp({ outdir: '/tmp/never-written' }), false],
  ])('%s: nested charts get the namespace, cluster-scoped objects lose it', (_what, makeApp, enforce) => {
    const app = makeApp() as App;
    if (enforce) Guardrails.enforce(app);
    const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    new SafeDeployment(new Chart(ns, 'nested'), 'api', { image: IMAGE, port: 8080 });
    new ApiObject(ns, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high', labels: LABELS } });
    const docs = require('yaml').parseAllDocuments(app.synthYaml()).map((d: any) => d.toJS());
    const find = (kind: string, name: string) => docs.find((d: any) => d.kind === kind && d.metadata.name === name);
    expect(find('Deployment', 'api').metadata.namespace).toBe('payments');
    expect(find('NetworkPolicy', 'api').metadata.namespace).toBe('payments');
    expect(find('PriorityClass', 'high').metadata.namespace).toBeUndefined();
  });
});
