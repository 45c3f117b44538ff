import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NetworkPeer, ResourcePreset, SafeDeployment, ScrapeMethod } from '../../lib';

/** Per-environment settings of the shop: one definition, every environment. */
export interface ShopSettings {
  readonly environment: string;
  readonly imageTag: string;
  readonly apiReplicas: number;
  readonly databaseCidr: string;
}

/** The environments of the shop: the same app, different settings. */
export const ENVIRONMENTS: { [name: string]: ShopSettings } = {
  dev: { environment: 'dev', imageTag: '2.4.0-rc.1', apiReplicas: 2, databaseCidr: '10.10.0.0/24' },
  staging: { environment: 'staging', imageTag: '2.3.1', apiReplicas: 2, databaseCidr: '10.15.0.0/24' },
  prod: { environment: 'prod', imageTag: '2.3.1', apiReplicas: 3, databaseCidr: '10.20.0.0/24' },
};

export const PRODUCTION = ENVIRONMENTS.prod;

/** A small real app: an HTTP API and a queue worker that talks to it. */
export class ShopChart extends Chart {
  public readonly api: SafeDeployment;
  public readonly worker: SafeDeployment;

  constructor(scope: Construct, id: string, settings: ShopSettings, props: ChartProps = {}) {
    super(scope, id, props);
    const database = NetworkPeer.cidr(settings.databaseCidr).withPorts([{ port: 5432 }]);

    this.api = new SafeDeployment(this, 'api', {
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
      secretEnv: [{ name: 'DATABASE_PASSWORD', secretName: 'shop-db', key: 'password' }],
      metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9090 },
      allowTo: [database],
    });

    this.worker = new SafeDeployment(this, 'worker', {
      image: `ghcr.io/acme/shop-worker:${settings.imageTag}`,
      partOf: 'shop',
      livenessCommand: ['/app/healthcheck'],
      resources: { cpuRequest: Cpu.millis(200), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(256) },
      env: { SHOP_ENVIRONMENT: settings.environment, QUEUE_NAME: 'orders' },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      allowTo: [database],
    });
    this.worker.connectTo(this.api);
  }
}

