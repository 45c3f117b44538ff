import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Environment, EnvironmentSettings, Environments, ExternalSecretSource, NetworkPeer, ResourcePreset, SafeDeployment, ScrapeMethod, SecretStoreRef, TlsIngress } from '../../lib';

/** The settings the shop is built from, read from one environment's typed settings. */
export interface ShopSettings {
  readonly environment: string;
  readonly imageTag: string;
  readonly apiReplicas: number;
  readonly databaseCidr: string;
  readonly host: string;
}

/**
 * The environments of the shop: the same app, different settings (rule `environments`).
 * Every environment declares the same keys, or synth fails naming the one that lacks it.
 */
export const ENVIRONMENTS: EnvironmentSettings[] = [
  { name: 'dev', replicas: { api: 2 }, hostnames: { storefront: 'shop.dev.example.com' }, values: { imageTag: '2.4.0-rc.1', databaseCidr: '10.10.0.0/24' } },
  { name: 'staging', replicas: { api: 2 }, hostnames: { storefront: 'shop.staging.example.com' }, values: { imageTag: '2.3.1', databaseCidr: '10.15.0.0/24' } },
  { name: 'prod', replicas: { api: 3 }, hostnames: { storefront: 'shop.example.com' }, values: { imageTag: '2.3.1', databaseCidr: '10.20.0.0/24' } },
];

/** The shop's settings in one environment. */
export function shopSettings(env: Environment): ShopSettings {
  return {
    environment: env.name,
    imageTag: env.value('imageTag'),
    apiReplicas: env.replicas('api'),
    databaseCidr: env.value('databaseCidr'),
    host: env.hostname('storefront'),
  };
}

export const PRODUCTION = shopSettings(new Environments({ app: 'shop', environments: ENVIRONMENTS }).environment('prod'));

/** The parts of the shop. */
export interface Shop {
  readonly api: SafeDeployment;
  readonly worker: SafeDeployment;
  readonly ingress: TlsIngress;
}

/**
 * A small real app: an HTTP API published over HTTPS and a queue worker that calls it, both
 * reaching a database outside the cluster. main.ts adds it to an IsolatedNamespace.
 */
export function addShop(scope: Construct, settings: ShopSettings): Shop {
  const database = NetworkPeer.cidr(settings.databaseCidr).withPorts([{ port: 5432 }]);
  // The database password lives in the platform's secret store; the external-secrets operator
  // writes it into the Secret shop-db. Nothing secret is in the manifests.
  const databaseCredentials = new ExternalSecretSource(scope, 'database-credentials', {
    name: 'shop-db',
    store: SecretStoreRef.clusterSecretStore('platform-secrets'),
    data: [{ secretKey: 'password', remoteKey: `shop/${settings.environment}/database`, remoteProperty: 'password' }],
  });

  const api = new SafeDeployment(scope, 'api', {
    image: `ghcr.io/acme/shop-api:${settings.imageTag}`,
    port: 8080,
    replicas: settings.apiReplicas,
    partOf: 'shop',
    readiness: { path: '/readyz' },
    liveness: { path: '/livez' },
    startupTimeout: Duration.seconds(60),
    resourcePreset: ResourcePreset.MEDIUM,
    env: {
      SHOP_ENVIRONMENT: settings.environment,
      DATABASE_HOST: 'shop-db.internal',
    },
    files: { 'logging.yaml': 'level: info\nformat: json\n' },
    secrets: [{ source: databaseCredentials, env: { DATABASE_PASSWORD: 'password' } }],
    metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9090 },
    allowTo: [database],
  });

  const worker = new SafeDeployment(scope, 'worker', {
    image: `ghcr.io/acme/shop-worker:${settings.imageTag}`,
    partOf: 'shop',
    livenessCommand: ['/app/healthcheck'],
    resources: { cpuRequest: Cpu.millis(200), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(256) },
    env: { SHOP_ENVIRONMENT: settings.environment, QUEUE_NAME: 'orders' },
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    allowTo: [database],
  });
  worker.connectTo(api);

  const ingress = new TlsIngress(scope, 'storefront', { host: settings.host, backend: api });
  return { api, worker, ingress };
}

/** The shop in a chart of its own (namespace `shop` unless given), for tests and reuse. */
export class ShopChart extends Chart implements Shop {
  public readonly api: SafeDeployment;
  public readonly worker: SafeDeployment;
  public readonly ingress: TlsIngress;

  constructor(scope: Construct, id: string, settings: ShopSettings, props: ChartProps = {}) {
    super(scope, id, { namespace: 'shop', ...props });
    ({ api: this.api, worker: this.worker, ingress: this.ingress } = addShop(this, settings));
  }
}
