// The benchmark fleet: N services, each a unit of 8 objects (Deployment, Service, PDB, HPA,
// NetworkPolicy, hashed ConfigMap, ServiceAccount, TLS Ingress), built two ways:
//  - `guardrails`: SafeDeployment plus a TLS Ingress;
//  - `plain`: the same 8 objects with plain cdk8s-plus-27 L2 and L1 classes (the baseline).
// Layout `one`: every service in one chart (one file); `per-service`: one chart per service.
import { createHash } from 'crypto';
import { ApiObject, App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IngressController, IssuerChallenge, IssuerReference, SafeDeployment, TlsIngress } from '../lib';

export type Layout = 'one' | 'per-service';

const NAMESPACE = 'fleet';
const ISSUER = 'letsencrypt-prod';
// DNS-01: no HTTP-01 solver NetworkPolicy, so the unit stays at 8 objects.
const DNS01 = IssuerReference.clusterIssuer(ISSUER, { challenge: IssuerChallenge.DNS01 });

/** Service name of index i: svc-0000, svc-0001, ... */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

function configData(name: string, i: number): { [key: string]: string } {
  return {
    LOG_LEVEL: 'info',
    SERVICE_NAME: name,
    UPSTREAM_TIMEOUT_MS: String(1000 + i),
    'app.yaml': `name: ${name}\nport: 8080\nfeatures:\n  - a\n  - b\n`,
  };
}

/** Each service has its own domain (so no wildcard certificate is expected to be shared). */
function host(name: string): string {
  return `api.${name}.example.com`;
}

function tlsIngress(scope: Construct, name: string, service: kplus.Service): kplus.Ingress {
  const ingress = new kplus.Ingress(scope, `${name}-ingress`, {
    metadata: {
      name,
      annotations: { 'cert-manager.io/cluster-issuer': ISSUER },
      labels: { 'app.kubernetes.io/name': name },
    },
  });
  ingress.addHostDefaultBackend(host(name), kplus.IngressBackend.fromService(service));
  ingress.addTls([{ hosts: [host(name)], secret: kplus.Secret.fromSecretName(scope, `${name}-tls`, `${name}-tls`) }]);
  return ingress;
}

/** One service built with SafeDeployment and TlsIngress. */
export function guardrailsService(scope: Construct, i: number): void {
  const name = serviceName(i);
  const data = configData(name, i);
  const sd = new SafeDeployment(scope, name, {
    image: `registry.example.com/fleet/${name}:1.${i % 10}.0`,
    port: 8080,
    partOf: 'fleet',
    readiness: { path: '/readyz' },
    liveness: { path: '/livez' },
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
    env: { LOG_LEVEL: data.LOG_LEVEL, SERVICE_NAME: data.SERVICE_NAME, UPSTREAM_TIMEOUT_MS: data.UPSTREAM_TIMEOUT_MS },
    files: { 'app.yaml': data['app.yaml'] },
  });
  new TlsIngress(scope, `${name}-ingress`, { name, host: host(name), backend: sd, controller: IngressController.nginx(), issuer: DNS01 });
}

/** The same 8 objects with plain cdk8s-plus-27 (and L1 where cdk8s-plus has no L2). */
export function plainService(scope: Construct, i: number): void {
  const name = serviceName(i);
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/part-of': 'fleet' };
  const data = configData(name, i);
  const hash = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 10);
  const configName = `${name}-config-${hash}`;
  new kplus.k8s.KubeConfigMap(scope, `${name}-config`, { metadata: { name: configName, labels }, immutable: true, data });
  const sa = new kplus.ServiceAccount(scope, `${name}-sa`, { metadata: { name, labels }, automountToken: false });
  const deployment = new kplus.Deployment(scope, `${name}-deployment`, {
    metadata: { name, labels },
    select: false,
    serviceAccount: sa,
    automountServiceAccountToken: false,
    minReady: Duration.seconds(10),
    progressDeadline: Duration.seconds(600),
    terminationGracePeriod: Duration.seconds(30),
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
    isolate: false,
  });
  for (const [k, v] of Object.entries(labels)) deployment.podMetadata.addLabel(k, v);
  deployment.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': name } }));
  const cm = kplus.ConfigMap.fromConfigMapName(scope, `${name}-config-ref`, configName);
  const container = deployment.addContainer({
    name: 'app',
    image: `registry.example.com/fleet/${name}:1.${i % 10}.0`,
    portNumber: 8080,
    readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8080, periodSeconds: Duration.seconds(5), failureThreshold: 3 }),
    liveness: kplus.Probe.fromHttpGet('/livez', { port: 8080, periodSeconds: Duration.seconds(10), failureThreshold: 6 }),
    resources: {
      cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
    },
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', '10']) },
    envFrom: [kplus.Env.fromConfigMap(cm)],
  });
  container.mount('/etc/app', kplus.Volume.fromConfigMap(scope, `${name}-config-volume`, cm, { name: 'config', items: { 'app.yaml': { path: 'app.yaml' } } }), { readOnly: true });
  container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, `${name}-tmp`, 'tmp'));
  const service = new kplus.Service(scope, `${name}-service`, {
    metadata: { name, labels },
    ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
  });
  service.selectLabel('app.kubernetes.io/name', name);
  new kplus.k8s.KubePodDisruptionBudget(scope, `${name}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
  });
  new kplus.HorizontalPodAutoscaler(scope, `${name}-hpa`, {
    metadata: { name, labels },
    target: deployment,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
  new kplus.k8s.KubeNetworkPolicy(scope, `${name}-netpol`, {
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ port: kplus.k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }],
      }],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
      }],
    },
  });
  tlsIngress(scope, name, service);
}

/** Builds the fleet into `app` and returns its charts. */
export function buildFleet(app: App, impl: 'guardrails' | 'plain', n: number, layout: Layout): Chart[] {
  const unit = impl === 'guardrails' ? guardrailsService : plainService;
  const charts: Chart[] = [];
  if (layout === 'one') {
    const chart = new Chart(app, 'fleet', { namespace: NAMESPACE, disableResourceNameHashes: true });
    charts.push(chart);
    for (let i = 0; i < n; i++) unit(chart, i);
  } else {
    for (let i = 0; i < n; i++) {
      const chart = new Chart(app, serviceName(i), { namespace: NAMESPACE, disableResourceNameHashes: true });
      charts.push(chart);
      unit(chart, i);
    }
  }
  return charts;
}

/** Number of API objects in the app (for a sanity check of the unit size). */
export function countObjects(app: App): number {
  return app.node.findAll().filter((c) => c instanceof ApiObject).length;
}
