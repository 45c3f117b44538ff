// A generated stress set: every construct option the library offers, in combinations, so
// that `npm run verify` proves all of them against kubectl-validate, kube-score, Polaris, the
// library's checker and a real kube-apiserver, not only the shop's happy path.
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind } from '../../lib/imports/externalsecret-external-secrets.io';
import {
  AcmeIssuer, AcmeServer, AcmeSolver, ExistingSecret, ExternalSecretCreationPolicy, ExternalSecretDeletionPolicy, ExternalSecretSource, ExternalService, ExternalServiceType,
  Guardrails, GuardrailsApp, IngressController, IngressPathType, IsolatedNamespace, JobCompletionMode, KubernetesVersion, NetworkPeer,
  NetworkProtocol, PersistentVolumeClaimRetention, PodSecurityLevel, ProbeCheck, ProbeScheme, QuotaPreset, ResourcePreset, SafeCronJob,
  SafeDaemonSet, SafeDeployment, SafeJob, SafeStatefulSet, ScrapeMethod, SealedSecretScope, SealedSecretSource, SecretStoreRef, TlsIngress,
  TolerationOperator, WildcardCertificate,
} from '../../lib';

const app = new GuardrailsApp({ outdir: process.env.CDK8S_OUTDIR ?? path.join('dist', 'stress') });
Guardrails.enforce(app, { externalSecrets: ['route53-credentials'] });

// Cluster-wide issuer: staging ACME with HTTP-01 through nginx and DNS-01 through Route53.
const platform = new IsolatedNamespace(app, 'platform', {
  team: 'platform',
  quotaPreset: QuotaPreset.MEDIUM,
  editorGroups: ['platform-admins'],
  viewerGroups: ['auditors'],
});
// The platform's own workload: a worker, so the namespace's policies select a pod.
new SafeDeployment(platform, 'reconciler', {
  image: 'registry.example.com/platform/reconciler:4.1.0',
  livenessCommand: ['/reconciler', 'healthcheck'],
  resourcePreset: ResourcePreset.NANO,
  allowTo: [NetworkPeer.cidr('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']).withPorts([{ port: 443 }])],
});
const issuer = new AcmeIssuer(platform, 'letsencrypt', {
  server: AcmeServer.letsEncryptStaging(),
  email: 'ops@example.com',
  solvers: [
    AcmeSolver.http01({ controller: IngressController.nginx() }),
    AcmeSolver.route53({
      region: 'eu-west-1',
      hostedZoneId: 'Z0000000EXAMPLE',
      accessKeyIdSecret: { secretName: 'route53-credentials', key: 'access-key-id' },
      secretAccessKeySecret: { secretName: 'route53-credentials', key: 'secret-access-key' },
      dnsZones: ['example.com'],
    }),
  ],
});

const RESOURCE_PRESETS = [ResourcePreset.NANO, ResourcePreset.SMALL, ResourcePreset.MEDIUM, ResourcePreset.LARGE];
const CONTROLLERS = [
  () => IngressController.traefik(),
  () => IngressController.nginx(),
  () => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', podLabels: { app: 'haproxy' } }),
];

// Three tenant namespaces, each with generated workloads that vary every option.
const tenants = ['alpha', 'beta', 'gamma'].map((team, t) => new IsolatedNamespace(app, team, {
  team,
  quotaPreset: t === 2 ? QuotaPreset.LARGE : QuotaPreset.MEDIUM,
  // alpha runs a DaemonSet: it counts one pod per node against the quota.
  ...(t === 0 ? { quota: { expectedNodes: 6 } } : {}),
  allowSameNamespace: t === 1,
  editorGroups: [`${team}-devs`],
  allowTo: [NetworkPeer.cidr(`10.${100 + t}.0.0/24`).withPorts([{ port: 5432 }])],
}));
tenants[0].connectTo(tenants[1], [{ port: 8080 }]);

tenants.forEach((ns, t) => {
  const controller = CONTROLLERS[t]();
  const wildcard = t === 1
    ? new WildcardCertificate(ns, 'wildcard', { domain: `${ns.namespaceName}.example.com`, issuer, renewBefore: Duration.days(20) })
    : undefined;
  // The database password comes from the cluster's secret store, never from git.
  new ExternalSecret(ns, 'db-credentials', {
    metadata: {
      name: 'db-credentials',
      labels: { 'app.kubernetes.io/name': 'db-credentials', 'app.kubernetes.io/instance': 'db-credentials', 'app.kubernetes.io/managed-by': 'cdk8s' },
    },
    spec: {
      secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: 'vault' },
      refreshInterval: '1h',
      target: { name: 'db-credentials' },
      data: [{ secretKey: 'password', remoteRef: { key: `${ns.namespaceName}/db`, property: 'password' } }],
    },
  });
  const workloads: SafeDeployment[] = [];
  for (let i = 0; i < 6; i++) {
    const name = `svc-${i}`;
    const serving = i !== 5;
    const w = new SafeDeployment(ns, name, {
      image: i === 4
        ? `registry.example.com/${ns.namespaceName}/${name}@sha256:${'0123456789abcdef'.repeat(4)}`
        : `registry.example.com/${ns.namespaceName}/${name}:${t}.${i}.0`,
      allowedRegistries: ['registry.example.com'],
      port: serving ? 8080 + i : undefined,
      servicePort: serving && i % 2 === 0 ? 80 : undefined,
      replicas: i === 1 ? 3 : undefined,
      autoscaling: i === 2 ? { maxReplicas: 5, cpuUtilization: 60, memoryUtilization: 75 } : undefined,
      zoneSpreadRequired: i === 3,
      nodeSpreadRequired: i === 3,
      readiness: serving && i % 2 === 1 ? { path: '/readyz', periodSeconds: 3, timeoutSeconds: 1 } : undefined,
      liveness: serving && i % 2 === 1 ? { path: '/livez', periodSeconds: 15, failureThreshold: 4 } : undefined,
      livenessCommand: serving ? undefined : ['/app/healthcheck', '--quick'],
      startupTimeout: i === 0 ? Duration.minutes(2) : undefined,
      preStopDelay: i === 1 ? Duration.seconds(15) : undefined,
      shutdownTimeout: i === 1 ? Duration.seconds(40) : undefined,
      resourcePreset: RESOURCE_PRESETS[i % RESOURCE_PRESETS.length],
      resources: i === 3 ? { cpuLimit: kplus.Cpu.units(2), ephemeralStorageLimit: Size.gibibytes(3) } : undefined,
      runAsUser: i === 2 ? 20000 : undefined,
      writablePaths: i === 2 ? ['/tmp', '/var/cache/app'] : undefined,
      env: { TENANT: ns.namespaceName, INDEX: String(i) },
      files: i % 3 === 0 ? { 'app.yaml': `tenant: ${ns.namespaceName}\nindex: ${i}\n`, 'flags.json': '{"beta": true}\n' } : undefined,
      secretEnv: i === 1 ? [{ name: 'DB_PASSWORD', secretName: 'db-credentials', key: 'password' }] : undefined,
      architecture: i === 4 ? 'arm64' : undefined,
      metrics: serving && i === 1 ? { method: ScrapeMethod.SERVICE_MONITOR, port: 9090, interval: Duration.seconds(15) } : undefined,
      maxSurge: i === 3 ? 2 : undefined,
      partOf: `${ns.namespaceName}-suite`,
    });
    workloads.push(w);
  }
  workloads[5].connectTo(workloads[0]);
  workloads[1].allowTo(NetworkPeer.cidr('192.0.2.0/24', ['192.0.2.128/25']).withPorts([{ port: 443 }, { port: 8443, endPort: 8450 }]));
  workloads[0].allowFrom(NetworkPeer.pods({ 'app.kubernetes.io/name': 'svc-2' }), [{ port: 8080, protocol: NetworkProtocol.TCP }]);

  const host = (sub: string) => `${sub}.${ns.namespaceName}.example.com`;
  new TlsIngress(ns, 'public', {
    controller,
    issuer: t === 0 ? undefined : issuer,
    wildcardCertificate: wildcard,
    dnsTtl: Duration.minutes(5),
    rules: [
      { host: host('www'), backend: workloads[0] },
      { host: host('api'), paths: [{ path: '/', backend: workloads[1] }, { path: '/v2', pathType: IngressPathType.EXACT, backend: workloads[3] }] },
    ],
    skip: t === 2 || t === 0 ? { 'ingress-wildcard': 'one certificate per ingress on purpose: the hosts rotate independently' } : undefined,
  });
});

// A single-replica workload with a ReadWriteOnce claim: Recreate, with reasons; and stores.
const state = new IsolatedNamespace(app, 'state', { team: 'state', quotaPreset: QuotaPreset.MEDIUM });
const claim = new kplus.PersistentVolumeClaim(state, 'data', {
  metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'writer', 'app.kubernetes.io/instance': 'writer', 'app.kubernetes.io/managed-by': 'cdk8s' } },
  storage: Size.gibibytes(10),
  accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
});
new SafeDeployment(state, 'writer', {
  image: 'registry.example.com/state/writer:1.0.0',
  port: 8080,
  replicas: 1,
  claims: [{ claim, mountPath: '/data' }],
  skip: { 'replicas-min': 'single writer on a ReadWriteOnce volume that is provisioned outside the app' },
});

// Stores: one claim per pod, a headless governing Service, every StatefulSet option.
const store = new SafeStatefulSet(state, 'store', {
  image: 'registry.example.com/state/store:7.2.4',
  ports: [{ name: 'redis', containerPort: 6379 }, { name: 'gossip', containerPort: 16379, exposed: false }],
  readiness: { check: ProbeCheck.exec(['/usr/local/bin/ready']) },
  liveness: { check: ProbeCheck.tcpSocket('redis') },
  replicas: 3,
  maxUnavailable: 1,
  volumeClaimTemplates: [
    { name: 'data', mountPath: '/data', storage: Size.gibibytes(1) },
    { name: 'wal', mountPath: '/wal', storage: Size.mebibytes(256), storageClassName: 'fast-ssd', accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD },
  ],
  podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
  partition: 1,
  persistentVolumeClaimRetentionPolicy: { whenDeleted: PersistentVolumeClaimRetention.RETAIN, whenScaled: PersistentVolumeClaimRetention.DELETE },
  ordinalsStart: 1,
  minReadySeconds: 5,
  revisionHistoryLimit: 5,
  publishNotReadyAddresses: true,
  allowPeerPods: true,
  clientService: false,
  zoneSpreadRequired: true,
  metrics: { port: 6379, path: '/metrics' },
});
const cache = new SafeStatefulSet(state, 'cache', {
  image: 'registry.example.com/state/cache:7.2.4',
  port: 6379,
  replicas: 1,
  volumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.mebibytes(512) }],
  metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9121 },
});
const indexer = new SafeStatefulSet(state, 'indexer', {
  image: 'registry.example.com/state/indexer:2.0.0',
  livenessCommand: ['/indexer', 'healthcheck'],
  autoscaling: { maxReplicas: 4 },
  partition: 2,
  volumeClaimTemplates: [{ name: 'index', mountPath: '/index', storage: Size.gibibytes(1) }],
  resourcePreset: ResourcePreset.NANO,
});
indexer.connectTo(store);
indexer.connectTo(cache);

// Node agents live in their own namespace: host access breaks Pod Security "baseline" and
// "restricted" alike, so it enforces (and warns at) "privileged", and still audits "restricted".
const nodes = new IsolatedNamespace(app, 'nodes', {
  team: 'platform',
  podSecurityEnforce: PodSecurityLevel.PRIVILEGED,
  podSecurityWarn: PodSecurityLevel.PRIVILEGED,
  // Its DaemonSets count one pod per node against the quota.
  quota: { expectedNodes: 6 },
  skip: { 'ns-pod-security': 'node agents read host paths and use the host network' },
});
new SafeDaemonSet(nodes, 'log-shipper', {
  image: 'registry.example.com/platform/log-shipper:3.0.4',
  livenessCommand: ['/fluent-bit/bin/healthcheck'],
  hostPaths: [
    { path: '/var/log', reason: 'ships the node\'s container logs' },
    { path: '/run/containerd/containerd.sock', mountPath: '/run/cri.sock', type: kplus.HostPathVolumeType.SOCKET, reason: 'reads container metadata for log labels' },
  ],
  writablePaths: ['/tmp', '/var/lib/log-shipper'],
  tolerateAllTaints: true,
  priorityClassName: 'system-node-critical',
  maxUnavailable: 2,
  revisionHistoryLimit: 3,
  resourcePreset: ResourcePreset.NANO,
  allowTo: [NetworkPeer.cidr('10.200.0.0/24').withPorts([{ port: 24224 }])],
});
new SafeDaemonSet(nodes, 'node-exporter', {
  image: 'registry.example.com/platform/node-exporter:1.8.1',
  ports: [{ name: 'metrics', containerPort: 9100 }],
  readiness: { path: '/' },
  hostNetwork: true,
  hostNetworkReason: 'reports the node\'s own network interfaces',
  hostPaths: [{ path: '/proc', mountPath: '/host/proc', reason: 'reads node CPU and memory statistics' }],
  tolerations: [
    { key: 'node-role.kubernetes.io/control-plane', operator: TolerationOperator.EXISTS, effect: kplus.TaintEffect.NO_SCHEDULE },
    { key: 'dedicated', value: 'gpu', effect: kplus.TaintEffect.NO_SCHEDULE },
    { key: 'node.kubernetes.io/unreachable', effect: kplus.TaintEffect.NO_EXECUTE, tolerationSeconds: 300 },
  ],
  minReadySeconds: 0,
  metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9100 },
  allowFrom: [NetworkPeer.namespace('monitoring')],
});
// A node agent without host access stays restricted, in an ordinary tenant namespace.
new SafeDaemonSet(tenants[0], 'node-probe', {
  image: 'registry.example.com/alpha/node-probe:0.3.0',
  port: 8080,
  maxUnavailable: 0,
  maxSurge: 1,
  tolerations: [{ key: 'spot', operator: TolerationOperator.EQUAL, value: 'true' }],
  resourcePreset: ResourcePreset.NANO,
});

// Several named ports, the four probe kinds, sidecars and init containers.
const mesh = new IsolatedNamespace(app, 'mesh', { team: 'mesh', quotaPreset: QuotaPreset.MEDIUM });
const cart = new SafeDeployment(mesh, 'cart', {
  image: 'registry.example.com/mesh/cart:1.0.0',
  ports: [{ name: 'grpc', containerPort: 7070 }, { name: 'metrics', containerPort: 9090 }],
  readiness: { check: ProbeCheck.grpc() },
  liveness: { check: ProbeCheck.grpc({ service: 'cart.v1.Cart' }), periodSeconds: 10 },
  metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9090 },
  sidecars: [{
    name: 'proxy',
    image: 'registry.example.com/mesh/proxy:2.0.1',
    ports: [{ name: 'proxy', containerPort: 15001 }, { name: 'proxy-admin', containerPort: 15000, exposed: false }],
    readiness: { check: ProbeCheck.httpGet('/ready', { port: 'proxy-admin', headers: { 'X-Probe': 'kubelet' } }) },
    env: { LOG_LEVEL: 'warn' },
    writablePaths: ['/tmp', '/var/run/proxy'],
  }],
  initContainers: [{ name: 'migrate', image: 'registry.example.com/mesh/cart-migrate:1.0.0', args: ['up'], resourcePreset: ResourcePreset.SMALL }],
});
const frontend = new SafeDeployment(mesh, 'frontend', {
  image: 'registry.example.com/mesh/frontend:3.2.0',
  port: 8080,
  servicePort: 80,
  ports: [{ name: 'admin', containerPort: 9901, exposed: false }],
  readiness: { check: ProbeCheck.httpGet('/ready', { headers: { 'Accept': 'text/plain' }, scheme: ProbeScheme.HTTP }) },
  liveness: { check: ProbeCheck.tcpSocket('admin') },
});
frontend.connectTo(cart);
const legacy = new SafeDeployment(mesh, 'legacy', {
  image: 'registry.example.com/mesh/legacy:0.9.0',
  ports: [{ name: 'tcp', containerPort: 6000 }],
  liveness: { check: ProbeCheck.exec(['/legacy', 'check']) },
  runAsUser: 1000,
  runAsGroup: 1000,
  skip: {
    'pod-security.runAsUser': 'vendor image built for uid 1000; still non-root and restricted otherwise',
    'pod-security.runAsGroup': 'vendor image built for gid 1000',
  },
});
// Reached from outside the cluster, each way with its reason: the quota allows exactly these.
new ExternalService(mesh, 'legacy-partners', {
  workload: legacy,
  type: ExternalServiceType.LOAD_BALANCER,
  reason: 'partners connect over a raw TCP protocol that no HTTP ingress carries',
  loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
});
new ExternalService(mesh, 'cart-nodes', {
  workload: cart,
  type: ExternalServiceType.NODE_PORT,
  reason: 'the on-site tills reach the nodes through the store firewall',
  ports: ['grpc'],
  name: 'cart-nodes',
});

// A namespace that targets Kubernetes 1.30: native sidecars and the native sleep preStop
// action. verify checks its file only against 1.30 and newer (the workloads record the target).
const edge = new IsolatedNamespace(app, 'edge', { team: 'edge' });
KubernetesVersion.setTarget(edge, KubernetesVersion.V1_30);
// An exporter sidecar (native) serves the metrics; the ServiceMonitor names its port.
new SafeDeployment(edge, 'cache', {
  image: 'registry.example.com/edge/cache:7.2.4',
  ports: [{ name: 'redis', containerPort: 6379 }],
  sidecars: [{ name: 'exporter', image: 'registry.example.com/edge/redis-exporter:1.58.0', ports: [{ name: 'metrics', containerPort: 9121 }] }],
  metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9121 },
});
// One port number on TCP and UDP, as DNS serves.
new SafeDeployment(edge, 'resolver', {
  image: 'registry.example.com/edge/resolver:1.11.1',
  ports: [{ name: 'dns-tcp', containerPort: 5353, servicePort: 53 }, { name: 'dns', containerPort: 5353, protocol: kplus.Protocol.UDP, servicePort: 53 }],
  metrics: { port: 9153 },
});
// A port-less queue consumer: no preStop delay, a grace period of its shutdown time.
new SafeDeployment(edge, 'consumer', {
  image: 'registry.example.com/edge/consumer:2.0.0',
  livenessCommand: ['/consumer', 'healthcheck'],
  shutdownTimeout: Duration.seconds(60),
});

// Every secret source, read as env vars and files by the app and an init container.
const vault = new IsolatedNamespace(app, 'vault', { team: 'vault', quotaPreset: QuotaPreset.MEDIUM });
const payment = new ExternalSecretSource(vault, 'payment', {
  store: SecretStoreRef.secretStore('vault-kv'),
  data: [
    { secretKey: 'api-key', remoteKey: 'payments/provider', remoteProperty: 'apiKey', remoteVersion: '4' },
    { secretKey: 'webhook-secret', remoteKey: 'payments/webhook' },
  ],
  refreshInterval: Duration.minutes(15),
  creationPolicy: ExternalSecretCreationPolicy.ORPHAN,
  deletionPolicy: ExternalSecretDeletionPolicy.DELETE,
});
// kubeseal --raw output (sealed with the stress cluster's 2048-bit key).
const SEALED_TLS_CRT = 'AQA+Vc/TSSg9SA/2k8DXugwvpFFpHTSIJE2zBnkACW0IXja8fsM+Ek5Ipk8XPxp9v1m8VUxmCdtt1HK1eEy9C3EdC3/rK+TwNb/pjCX7DKwoYHp+EM6RiFsqEWe/UYfmBeWub9VqiDbiCqpiTip4om+do+05wnp4A3WvlHmU9YE63ebibz7HijdWI2vGdxrJTCVLlqXtgnJ0DE7W7y8gmNYuPntrBZ8uL+ppK0vPXon1AIQVLBLkicU7WhzWmCxufAei19KHCl2QPrFakD2r4q///QQZSEQb6TiSB+Nyj1ADE7c5W9n9YyNZ2+YF8yu/OmNxZ5+E2SnqEekOtTAJo762f7bdwq4oWniiVHm8eVWsRkcu48WTz0p6DzO7QeqRhuDBz3UEl7cNjdwzrykT5oEL';
const SEALED_TLS_KEY = 'AQAC66jvetDa1Vd+vs7jPfNt5unNCEvPkxuUHnyPwSSDsKdvvsRgio/y2CJEvtXjXAOmMl/EB64NUuMYlElTCnqEVlx4U557AnPBI0SXvKrMnFhwFZCMGT0fzEKoVat7siQen0kLPyottP/xqML0o7a2yqjsdqu58ag7Nho93p/TXLVVNImiDaav/j4sZIgEXuiYnvEaBQOVWcfIZCv3Xs603TWTB0d8AyGFV599bFqltCnfqxgpEfDtCAUOgRE9OXTFeBqryO4/4sbx1rhISZU4he6WzF0f0qeYnD9BjWeYzqv4uUzEdcmtmzgFM5ygUAe1xiZLo/o8i4XQzxrAe+2o8tFLgd7ICZyUnanbkxfd32tT6V+Vvccaau2I+fY6W0DQVO1/KUwFB6EmqrkKH61S';
const SEALED_TOKEN = 'AQBvdIlZXKryybnm/6P4XWF4OX7F7zdE7BDiUKS9WRxtqt9Mwo+GQwXFekK7IncBBGx4yJRBg/U2646jnVDeoBcoysMfU43X2kTTiokQrHy7j0RqqT+neJDSgjkFHstbjj71p9hn4bZXj7SIGJDxGAb4i52uCho7q/J8ci5hM64++PSIPTbvrtmRf4vIpK7J5ZEs1KugP8P7KuSdpdskZDM8FvwqN9/TMYIASX+wPBsohRJA9PucSUd6NAVArGwip7eizKK+2IznQsjyUS0X+RO4FzF1fJ8Z2OG/jyuW976ZHjPNTFbiL6tgznlaeVAYS4oNPWaqvMt0zAinylJ7yEGD0vvRRLlTwfbdZam84FFW7TajWbjen+L8U/hjv4UOlitcTBT5n5IC7Q==';
const sealedTls = new SealedSecretSource(vault, 'sealed-tls', {
  encryptedData: { 'tls.crt': SEALED_TLS_CRT, 'tls.key': SEALED_TLS_KEY },
  scope: SealedSecretScope.NAMESPACE_WIDE,
  type: 'kubernetes.io/tls',
});
const sealedToken = new SealedSecretSource(vault, 'sealed-token', { encryptedData: { token: SEALED_TOKEN }, scope: SealedSecretScope.CLUSTER_WIDE });
const registry = new ExistingSecret(vault, 'registry', { name: 'registry-token', keys: ['token'], version: '2026-11' });
new SafeDeployment(vault, 'checkout', {
  image: 'registry.example.com/vault/checkout:1.2.0',
  port: 8080,
  secrets: [
    { source: payment, env: { PAYMENT_API_KEY: 'api-key' }, mountPath: '/etc/payment', files: ['webhook-secret'] },
    { source: sealedTls, mountPath: '/etc/tls' },
    { source: registry, env: { REGISTRY_TOKEN: 'token' } },
  ],
  initContainers: [{
    name: 'register',
    image: 'registry.example.com/vault/register:0.3.0',
    secrets: [{ source: sealedToken, env: { REGISTRATION_TOKEN: 'token' } }],
  }],
});

// Batch: every SafeJob and SafeCronJob option. A sidecar of a pod that runs to completion
// must be native (Kubernetes 1.29+), which the 1.27 schemas that verify also checks refuse,
// so the Jobs here have none; the unit tests cover them.
const batch = new IsolatedNamespace(app, 'batch', { team: 'batch', quotaPreset: QuotaPreset.LARGE });
const batchImage = (name: string, tag = '1.0.0') => `registry.example.com/batch/${name}:${tag}`;
const batchApi = new SafeDeployment(batch, 'api', { image: batchImage('api'), port: 8080 });
const migrate = new SafeJob(batch, 'migrate', {
  image: batchImage('migrate'),
  allowedRegistries: ['registry.example.com'],
  args: ['up'],
  env: { MODE: 'up' },
  files: { 'plan.sql': 'select 1;\n' },
  initContainers: [{ name: 'wait', image: batchImage('wait'), args: ['--for', 'api'] }],
  backoffLimit: 1,
  activeDeadlineSeconds: 900,
  ttlSecondsAfterFinished: 3600,
  completions: 3,
  parallelism: 3,
  completionMode: JobCompletionMode.INDEXED,
  podFailurePolicy: { failJobOnExitCodes: [3, 42] },
  shutdownTimeout: Duration.seconds(45),
  resourcePreset: ResourcePreset.MEDIUM,
  metrics: { port: 9090, path: '/stats' },
  allowTo: [NetworkPeer.cidr('10.110.0.0/24').withPorts([{ port: 5432 }])],
});
migrate.connectTo(batchApi);
new SafeJob(batch, 'reindex', {
  image: batchImage('reindex'),
  restartPolicy: kplus.RestartPolicy.ON_FAILURE,
  parallelism: 2,
  terminationGracePeriod: Duration.minutes(2),
  runAsUser: 20000,
  runAsGroup: 20000,
  writablePaths: ['/tmp', '/var/cache/reindex'],
  architecture: 'amd64',
  resources: { memoryLimit: Size.mebibytes(256) },
  secretEnv: [{ name: 'TOKEN', secretName: 'reindex-token', key: 'token', optional: true }],
  podFailurePolicy: { ignoreDisruptions: false },
});
new SafeCronJob(batch, 'report', {
  image: batchImage('report'),
  schedule: '*/15 8-18 * * MON-FRI',
  timeZone: 'Europe/Berlin',
  concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
  startingDeadlineSeconds: 120,
  successfulJobsHistoryLimit: 1,
  failedJobsHistoryLimit: 5,
  ttlSecondsAfterFinished: 600,
  activeDeadlineSeconds: 600,
  podFailurePolicy: { ignoreDisruptions: false, failJobOnExitCodes: [2] },
});
new SafeCronJob(batch, 'cleanup', {
  image: batchImage('cleanup'),
  schedule: '@daily',
  kubernetesVersion: KubernetesVersion.V1_30,
  concurrencyPolicy: kplus.ConcurrencyPolicy.ALLOW,
  suspend: true,
  restartPolicy: kplus.RestartPolicy.ON_FAILURE,
  completions: 2,
  parallelism: 1,
  backoffLimit: 0,
  component: 'janitor',
  partOf: 'batch-suite',
});

app.synth();
