import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  CheckResult, ExternalService, ExternalServiceType, Guardrails, GuardrailsOptions, HashedConfigMap, IngressController, IsolatedNamespace, IssuerChallenge, IssuerReference,
  ProbeCheck, SafeCronJob, SafeDaemonSet, SafeDeployment, SafeDeploymentProps, SafeJob, SafeStatefulSet, ScrapeMethod, TlsIngress, WildcardCertificate,
} from '../../lib';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind } from '../../lib/imports/externalsecret-external-secrets.io';
import { RULES } from '../../lib/practices/catalog';
import { PRODUCTION, ShopChart } from '../../examples/shop/shop';

/**
 * Each rule of the catalog: the library's constructs satisfy it. Every case checks the whole
 * output of the constructs and expects no violation at all, and names the rules it shows.
 */
const IMAGE = 'ghcr.io/acme/web:1.4.2';

function enforced(build: (app: App) => Chart, options?: GuardrailsOptions): CheckResult {
  const app = Testing.app();
  const chart = build(app);
  Guardrails.enforce(app, options);
  Testing.synth(chart); // the enforcement passes: nothing throws
  return Guardrails.report(app);
}

function web(props: Partial<SafeDeploymentProps> = {}, options?: GuardrailsOptions): CheckResult {
  return enforced((app) => {
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, ...props });
    return chart;
  }, options);
}

function tenant(build: (ns: IsolatedNamespace) => void): CheckResult {
  return enforced((app) => {
    // expectedNodes: a DaemonSet counts one pod per node against the quota.
    const ns = new IsolatedNamespace(app, 'shop', { team: 'shop', quota: { expectedNodes: 3 } });
    build(ns);
    return ns;
  });
}

const clean = (r: CheckResult) => expect(r.violations).toEqual([]);

const CASES: { [rule: string]: Array<[string, () => CheckResult]> } = {
  'image-pinned': [
    ['a SafeDeployment with a tag', () => web()],
    ['a SafeDeployment with a digest, digests required', () => web({ image: `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`, requireDigest: true }, { requireDigest: true })],
  ],
  'image-registry': [['a SafeDeployment from the allowed mirror', () => web({ allowedRegistries: ['ghcr.io/acme'] }, { allowedRegistries: ['ghcr.io/acme'] })]],
  'replicas-min': [
    ['a SafeDeployment (2 replicas by default)', () => web()],
    ['an autoscaled SafeDeployment (minReplicas 2)', () => web({ autoscaling: { maxReplicas: 6 } })],
  ],
  'spread-nodes': [['a SafeDeployment', () => web({ replicas: 3 })]],
  'spread-zones': [['a SafeDeployment', () => web({ replicas: 3 })]],
  'probe-readiness': [['a serving SafeDeployment', () => web({ readiness: { path: '/readyz' } })]],
  'probe-liveness': [
    ['a serving SafeDeployment', () => web({ liveness: { path: '/livez' } })],
    ['a worker SafeDeployment with a liveness command', () => web({ port: undefined, livenessCommand: ['/app/healthcheck'] })],
  ],
  'graceful-shutdown': [['a SafeDeployment', () => web()]],
  'pdb': [
    ['a SafeDeployment with 3 replicas', () => web({ replicas: 3 })],
    ['an autoscaled SafeDeployment', () => web({ autoscaling: { minReplicas: 3, maxReplicas: 9 } })],
  ],
  'resources': [['a SafeDeployment', () => web()]],
  'pod-security': [['a SafeDeployment', () => web()]],
  'service-account': [
    ['two SafeDeployments, each with its own ServiceAccount', () => enforced((app) => {
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      const api = new SafeDeployment(chart, 'api', { image: IMAGE, port: 8080 });
      const worker = new SafeDeployment(chart, 'worker', { image: IMAGE, livenessCommand: ['/app/healthcheck'] });
      worker.connectTo(api);
      return chart;
    })],
  ],
  'arch-explicit': [['a SafeDeployment pinned to arm64 in a mixed cluster', () => web({ architecture: 'arm64' }, { requireArchitecture: true })]],
  'config-immutable': [
    ['a SafeDeployment with env and files (HashedConfigMap)', () => web({ env: { LOG_LEVEL: 'info' }, files: { 'app.yaml': 'a: 1\n' } })],
    ['a HashedConfigMap mounted by a cdk8s-plus Deployment', () => enforced((app) => {
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      const cm = new HashedConfigMap(chart, 'settings', { data: { LOG_LEVEL: 'info' }, labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' } });
      const d = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
      ApiObject.of(d.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/envFrom', [{ configMapRef: { name: cm.name } }]));
      return chart;
    })],
  ],
  'config-external': [['a SafeDeployment whose endpoints go to config', () => web({ env: { PAYMENTS_URL: 'https://payments.prod.internal/api', HTTPS_PROXY: 'http://proxy.corp:3128' } })]],
  'rwo-volume': [
    ['a single-replica SafeDeployment with a ReadWriteOnce claim (Recreate)', () => enforced((app) => {
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      const claim = new kplus.PersistentVolumeClaim(chart, 'data', {
        metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'data', 'app.kubernetes.io/instance': 'data', 'app.kubernetes.io/managed-by': 'cdk8s' } },
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        storage: Size.gibibytes(1),
      });
      new SafeDeployment(chart, 'web', {
        image: IMAGE, port: 8080, replicas: 1, skip: { 'replicas-min': 'a single writer owns the volume' },
        claims: [{ claim, mountPath: '/data' }],
      });
      return chart;
    })],
  ],
  'rollout': [['a SafeDeployment', () => web()]],
  'kind-fields': [
    ['each workload construct, a CronJob on February 29 included', () => tenant((ns) => {
      new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080 });
      new SafeStatefulSet(ns, 'db', { image: IMAGE, port: 5432, volumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }] });
      new SafeDaemonSet(ns, 'agent', { image: IMAGE, livenessCommand: ['/app/healthcheck'] });
      new SafeJob(ns, 'migrate', { image: IMAGE });
      new SafeCronJob(ns, 'leap', { image: IMAGE, schedule: '0 0 29 2 *' });
    })],
  ],
  'metrics': [
    ['a SafeDeployment with scrape annotations', () => web()],
    ['a SafeDeployment with a ServiceMonitor', () => web({ metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9090 } })],
  ],
  'labels': [['a SafeDeployment (every object, and its Service selects its pods)', () => web()]],
  'network-calls': [
    ['a call declared once, in the same namespace', () => tenant((ns) => {
      const cart = new SafeDeployment(ns, 'cart', { image: IMAGE, ports: [{ name: 'grpc', containerPort: 7070 }], readiness: { check: ProbeCheck.grpc() } });
      new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080, calls: [{ workload: cart, port: 'grpc', env: 'CART_ADDR' }] });
    })],
    ['a call declared once, across namespaces', () => enforced((app) => {
      const data = new IsolatedNamespace(app, 'data', { team: 'data' });
      const shop = new IsolatedNamespace(app, 'shop', { team: 'shop' });
      const store = new SafeDeployment(data, 'store', { image: IMAGE, port: 8080 });
      new SafeDeployment(shop, 'web', { image: IMAGE, port: 8080, calls: [{ workload: store, env: 'STORE_URL' }] });
      return shop;
    })],
  ],
  'network-exposure': [
    ['a load balancer for one port of a SafeDeployment, with its reason', () => tenant((ns) => {
      const broker = new SafeDeployment(ns, 'broker', { image: IMAGE, port: 1883, readiness: { check: ProbeCheck.tcpSocket() } });
      new ExternalService(ns, 'public', { workload: broker, type: ExternalServiceType.LOAD_BALANCER, reason: 'MQTT clients connect directly', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    })],
    ['node ports for a SafeDeployment, with its reason', () => tenant((ns) => {
      const broker = new SafeDeployment(ns, 'broker', { image: IMAGE, port: 1883, readiness: { check: ProbeCheck.tcpSocket() } });
      new ExternalService(ns, 'nodes', { workload: broker, type: ExternalServiceType.NODE_PORT, reason: 'the site firewall forwards to the nodes' });
    })],
  ],
  'ns-pod-security': [['an IsolatedNamespace', () => tenant(() => undefined)]],
  'ns-default-deny': [['an IsolatedNamespace with a SafeDeployment', () => tenant((ns) => new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080 }))]],
  'ns-quota': [['an IsolatedNamespace', () => tenant(() => undefined)]],
  'ns-limits': [['an IsolatedNamespace', () => tenant(() => undefined)]],
  'ns-rbac': [['an IsolatedNamespace with viewer and editor groups', () => enforced((app) => new IsolatedNamespace(app, 'shop', { team: 'shop', viewerGroups: ['shop-view'], editorGroups: ['shop-dev'] }))]],
  'ingress-tls': [['a TlsIngress in an IsolatedNamespace', () => tenant((ns) => {
    const w = new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web' });
    new TlsIngress(ns, 'web', { host: 'shop.example.com', backend: w });
  })]],
  'ingress-redirect': [
    ['a TlsIngress on Traefik', () => tenant((ns) => {
      new TlsIngress(ns, 'web', { host: 'shop.example.com', backend: new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web' }) });
    })],
    ['a TlsIngress on ingress-nginx', () => tenant((ns) => {
      new TlsIngress(ns, 'web', { host: 'shop.example.com', controller: IngressController.nginx(), backend: new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web' }) });
    })],
  ],
  'ingress-dns': [['a TlsIngress', () => tenant((ns) => {
    new TlsIngress(ns, 'web', { hosts: ['shop.example.com', 'www.shop.example.com'], backend: new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web' }) });
  })]],
  'ingress-wildcard': [['two TlsIngresses sharing a WildcardCertificate', () => tenant((ns) => {
    const wildcard = new WildcardCertificate(ns, 'wildcard', { domain: 'example.com', issuer: IssuerReference.clusterIssuer('letsencrypt-dns', { challenge: IssuerChallenge.DNS01 }) });
    new TlsIngress(ns, 'shop', { host: 'shop.example.com', wildcardCertificate: wildcard, backend: new SafeDeployment(ns, 'shop-app', { image: IMAGE, port: 8080, name: 'shop' }) });
    new TlsIngress(ns, 'admin', { host: 'admin.example.com', wildcardCertificate: wildcard, backend: new SafeDeployment(ns, 'admin-app', { image: IMAGE, port: 8080, name: 'admin' }) });
  })]],
  'ingress-backend': [['a TlsIngress to a SafeDeployment', () => tenant((ns) => {
    new TlsIngress(ns, 'web', { host: 'shop.example.com', backend: new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web', readiness: { path: '/ready' } }) });
  })]],
  'secret-no-plaintext': [
    ['a SafeDeployment reading a Secret that an ExternalSecret makes', () => enforced((app) => {
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      new ExternalSecret(chart, 'db', {
        metadata: { name: 'db', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'cdk8s' } },
        spec: { secretStoreRef: { name: 'vault', kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE }, target: { name: 'db-credentials' }, data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }] },
      });
      new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db-credentials', key: 'password' }] });
      return chart;
    })],
    ['a SafeDeployment reading a Secret declared external', () => web({ secretEnv: [{ name: 'DB_PASSWORD', secretName: 'shop-db', key: 'password' }] }, { externalSecrets: ['shop/shop-db'] })],
  ],
  'api-valid': [
    ['an IsolatedNamespace with a SafeDeployment behind a TlsIngress', () => tenant((ns) => {
      new TlsIngress(ns, 'web', { host: 'shop.example.com', backend: new SafeDeployment(ns, 'web-app', { image: IMAGE, port: 8080, name: 'web' }) });
    })],
    ['a SafeDeployment with named ports and a HashedConfigMap', () => enforced((app) => {
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      new HashedConfigMap(chart, 'config', { data: { 'app.properties': 'a=1', '.hidden-ok': 'x' } });
      new SafeDeployment(chart, 'web', { image: IMAGE, ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics-port-15', containerPort: 9090 }] });
      return chart;
    })],
  ],
};

describe('every rule of the catalog', () => {
  it('has a construct that satisfies it in this file', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.filter((r) => r.group !== 'app').map((r) => r.id).sort());
  });
});

for (const [rule, cases] of Object.entries(CASES)) {
  describe(`${rule}: satisfied by the constructs`, () => {
    for (const [title, run] of cases) {
      it(title, () => {
        const result = run();
        expect(result.objectCount).toBeGreaterThan(0);
        clean(result);
      });
    }
  });
}

describe('the shop example', () => {
  it('breaks no rule, with no Secret declared external: its ExternalSecret provides shop-db', () => {
    const app = Testing.app();
    const chart = new ShopChart(app, 'shop', PRODUCTION);
    Guardrails.enforce(app);
    Testing.synth(chart);
    const result = Guardrails.report(app);
    clean(result);
    expect(result.objectCount).toBeGreaterThanOrEqual(14);
  });

  it('needs the ExternalSecret: without it the checker cannot know where shop-db comes from', () => {
    const app = Testing.app();
    const chart = new ShopChart(app, 'shop', PRODUCTION);
    ApiObject.of(chart.node.findChild('database-credentials').node.defaultChild!).addJsonPatch(JsonPatch.replace('/spec/target/name', 'other'));
    Guardrails.enforce(app);
    expect(() => Testing.synth(chart)).toThrow(/secret-no-plaintext: Deployment (shop\/)?api at shop\/api\/Deployment\/Resource: spec.template.spec.containers\[0\].env\[\d\]: uses Secret shop-db/);
  });
});

describe('skips written by the constructs', () => {
  it('SafeDeployment skip props suppress the rule and are listed', () => {
    const result = web({ replicas: 1, skip: { 'replicas-min': 'batch consumer, one at a time' } });
    clean(result);
    expect(result.suppressions).toEqual([{
      rule: 'replicas-min', reason: 'batch consumer, one at a time', kind: 'Deployment', namespace: 'shop', name: 'web',
      path: 'test/web/Deployment/Resource', suppressed: 1,
    }]);
  });

  it('IsolatedNamespace skip props on purposeful grants suppress ns-rbac on the Role and are listed', () => {
    const result = enforced((app) => new IsolatedNamespace(app, 'shop', {
      team: 'shop', editorGroups: ['shop-dev'], editorsReadSecrets: true, skip: { 'ns-rbac': 'developers rotate the database password by hand' },
    }));
    clean(result);
    const hid = result.suppressions.filter((s) => s.suppressed > 0);
    expect(hid.map((s) => `${s.rule} ${s.kind}/${s.name} ${s.suppressed}: ${s.reason}`)).toEqual([
      'ns-rbac Role/editor 1: developers rotate the database password by hand',
    ]);
  });
});
