import { Construct } from 'constructs';
import {
  Environment, EnvironmentSettings, IEnvironmentDefinition, IsolatedNamespace, IssuerReference, KubernetesVersion,
  ResourcePreset, SafeDeployment, ScrapeMethod, TlsIngress,
} from '../../lib';

// podinfo (github.com/stefanprodan/podinfo), installed as its README shows with Helm: two
// releases of the same chart, `frontend` (public, calling the backend) and `backend`. Here it
// is one typed definition for every environment, and what the chart leaves to the user
// (PodDisruptionBudget, NetworkPolicy, restricted security, hashed config, TLS, spread) is on
// by default. docs/migrating-from-helm.md maps the chart's values to these props.

/** The podinfo release the chart's values pin (`image.tag`). */
export const PODINFO_VERSION = '6.9.1';

/** The container ports of podinfo's command line (`--port`, `--port-metrics`, `--grpc-port`). */
export const PORTS = { http: 9898, metrics: 9797, grpc: 9999 };

const letsencrypt = (name: string) => IssuerReference.clusterIssuer(name);

/** What the two production clusters share. */
const PROD: EnvironmentSettings = {
  name: 'prod',
  registry: 'registry.example.com/mirror',
  replicas: { frontend: 3, backend: 4 },
  resources: { frontend: ResourcePreset.SMALL, backend: ResourcePreset.MEDIUM },
  hostnames: { public: 'podinfo.example.com' },
  issuer: letsencrypt('letsencrypt-prod'),
  features: { serviceMonitor: true, h2c: false },
  values: { logLevel: 'info', uiColor: '#347c57', uiMessage: '' },
};

/**
 * The environments: a dev and a staging cluster, and production as a blue/green pair of
 * clusters: prod-a runs Kubernetes 1.28, and prod-b, stood up to replace it, runs 1.29;
 * the same app is built for each cluster's version, and traffic moves from one to the other.
 * Each keyed setting is declared in every environment, or synth fails naming the one that
 * lacks it.
 */
export const ENVIRONMENTS: EnvironmentSettings[] = [
  {
    name: 'dev',
    kubernetesVersion: KubernetesVersion.V1_29,
    registry: 'ghcr.io',
    replicas: { frontend: 2, backend: 2 },
    resources: { frontend: ResourcePreset.NANO, backend: ResourcePreset.NANO },
    hostnames: { public: 'podinfo.dev.example.com' },
    issuer: letsencrypt('letsencrypt-staging'),
    features: { serviceMonitor: false, h2c: true },
    values: { logLevel: 'debug', uiColor: '#34577c', uiMessage: 'dev' },
    cluster: { name: 'dev' },
  },
  {
    name: 'staging',
    kubernetesVersion: KubernetesVersion.V1_29,
    registry: 'registry.example.com/mirror',
    replicas: { frontend: 2, backend: 2 },
    resources: { frontend: ResourcePreset.SMALL, backend: ResourcePreset.SMALL },
    hostnames: { public: 'podinfo.staging.example.com' },
    issuer: letsencrypt('letsencrypt-prod'),
    features: { serviceMonitor: true, h2c: false },
    values: { logLevel: 'info', uiColor: '#7c5734', uiMessage: 'staging' },
    cluster: { name: 'staging' },
  },
  // The blue/green pair: the same settings, two clusters (prod-a lags one version behind).
  { ...PROD, name: 'prod-a', kubernetesVersion: KubernetesVersion.V1_28, cluster: { server: 'https://prod-a.k8s.example.com:6443' } },
  { ...PROD, name: 'prod-b', kubernetesVersion: KubernetesVersion.V1_29, cluster: { server: 'https://prod-b.k8s.example.com:6443' } },
];

/** The parts of podinfo in one environment. */
export interface Podinfo {
  readonly namespace: IsolatedNamespace;
  readonly frontend: SafeDeployment;
  readonly backend: SafeDeployment;
  readonly ingress: TlsIngress;
}

/**
 * One podinfo release, named as `helm install <release> podinfo/podinfo` names it: the
 * objects are `<release>-podinfo`, and the pods are selected by the chart's selector labels,
 * so this takes over a Helm install in place (the selector of a Deployment is immutable).
 */
function release(scope: Construct, env: Environment, releaseName: string, extraEnv: { [name: string]: string }): SafeDeployment {
  return new SafeDeployment(scope, releaseName, {
    name: `${releaseName}-podinfo`,
    selectorLabels: { 'app.kubernetes.io/name': 'podinfo', 'app.kubernetes.io/instance': releaseName },
    partOf: 'podinfo',
    image: env.image(`stefanprodan/podinfo:${PODINFO_VERSION}`),
    allowedRegistries: env.allowedRegistries,
    replicas: env.replicas(releaseName),
    resourcePreset: env.resources(releaseName),
    command: ['./podinfo'],
    args: [
      `--port=${PORTS.http}`,
      `--port-metrics=${PORTS.metrics}`,
      `--grpc-port=${PORTS.grpc}`,
      '--grpc-service-name=podinfo',
      `--level=${env.value('logLevel')}`,
      ...(env.feature('h2c') ? ['--h2c'] : []),
    ],
    port: PORTS.http,
    ports: [{ name: 'grpc', containerPort: PORTS.grpc }],
    readiness: { path: '/readyz' },
    liveness: { path: '/healthz' },
    // The chart mounts an emptyDir at /data (podinfo writes uploads there).
    writablePaths: ['/data', '/tmp'],
    env: {
      PODINFO_UI_COLOR: env.value('uiColor'),
      ...(env.value('uiMessage') === '' ? {} : { PODINFO_UI_MESSAGE: env.value('uiMessage') }),
      ...extraEnv,
    },
    metrics: {
      port: PORTS.metrics,
      method: env.feature('serviceMonitor') ? ScrapeMethod.SERVICE_MONITOR : ScrapeMethod.ANNOTATIONS,
    },
  });
}

/** podinfo in one environment: an isolated namespace, the backend, the frontend and its HTTPS ingress. */
export function addPodinfo(app: Construct, env: Environment): Podinfo {
  const namespace = new IsolatedNamespace(app, 'podinfo', { name: env.namespace, team: 'podinfo' });
  const backend = release(namespace, env, 'backend', {});
  const frontend = release(namespace, env, 'frontend', {
    // The chart's `backend` value: the frontend's /echo is forwarded to the backend.
    PODINFO_BACKEND_URL: `http://${backend.name}:${PORTS.http}/echo`,
  });
  frontend.connectTo(backend, 'http');
  const ingress = new TlsIngress(namespace, 'frontend-ingress', {
    name: 'frontend-podinfo',
    host: env.hostname('public'),
    backend: frontend,
    issuer: env.issuer,
  });
  return { namespace, frontend, backend, ingress };
}

/** The definition `Environments.synth()` applies to every environment. */
export const PODINFO: IEnvironmentDefinition = {
  define: (app, env) => {
    addPodinfo(app, env);
  },
};
