import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ISafeWorkload, ProbeCheck, ResourcePreset, SafeCronJob, SafeDeployment, SafeStatefulSet, TlsIngress, WorkloadCall,
} from '../../lib';

/**
 * The demo shop of about ten gRPC services, as the public microservices demo ships it: the
 * same services, ports, images and env vars. Each call is declared once (`calls`), which
 * writes the address into the env var the service reads and opens exactly that port in both
 * NetworkPolicies. main.ts adds it to an IsolatedNamespace.
 */

const REGISTRY = 'us-central1-docker.pkg.dev/google-samples/microservices-demo';
const VERSION = 'v0.10.2';
const PART_OF = 'boutique';
/** Reason for switching `metrics` off: written to every workload as an annotation. */
const NO_METRICS = 'the demo exports traces and metrics through OpenTelemetry and serves no Prometheus endpoint';

/** Options of one gRPC service of the demo. */
interface GrpcServiceOptions {
  /** Port the service listens on (its `PORT` env var), named `grpc`. */
  readonly port: number;
  /** Port on the Service, when upstream maps it. */
  readonly servicePort?: number;
  /** The services it calls, each with the env var that receives the address. */
  readonly calls?: WorkloadCall[];
  readonly env?: { [name: string]: string };
  /** Interpreted runtimes write caches under /tmp. */
  readonly writablePaths?: string[];
  readonly resourcePreset?: ResourcePreset;
}

/** A gRPC service: one port named `grpc`, gRPC health probes on it, `PORT` in env. */
function grpcService(scope: Construct, name: string, o: GrpcServiceOptions): SafeDeployment {
  return new SafeDeployment(scope, name, {
    image: `${REGISTRY}/${name}:${VERSION}`,
    partOf: PART_OF,
    ports: [{ name: 'grpc', containerPort: o.port, servicePort: o.servicePort }],
    readiness: { check: ProbeCheck.grpc({ port: 'grpc' }) },
    liveness: { check: ProbeCheck.grpc({ port: 'grpc' }) },
    startupTimeout: Duration.seconds(60),
    resourcePreset: o.resourcePreset ?? ResourcePreset.SMALL,
    env: { PORT: String(o.port), DISABLE_PROFILER: '1', ...o.env },
    writablePaths: o.writablePaths,
    calls: o.calls,
    skip: { metrics: NO_METRICS },
  });
}

/** The workloads of the shop, by their upstream names. */
export interface Boutique {
  readonly redis: SafeStatefulSet;
  readonly cartservice: SafeDeployment;
  readonly productcatalogservice: SafeDeployment;
  readonly currencyservice: SafeDeployment;
  readonly paymentservice: SafeDeployment;
  readonly shippingservice: SafeDeployment;
  readonly emailservice: SafeDeployment;
  readonly checkoutservice: SafeDeployment;
  readonly recommendationservice: SafeDeployment;
  readonly adservice: SafeDeployment;
  readonly frontend: SafeDeployment;
  readonly loadgenerator: SafeDeployment;
  readonly cartsnapshot: SafeCronJob;
  readonly ingress: TlsIngress;
}

/** Calls `callee` on its `grpc` port, with the address in `env`. */
const grpc = (workload: ISafeWorkload, env: string): WorkloadCall => ({ workload, port: 'grpc', env });

/** Adds the shop to `scope` (an IsolatedNamespace), published at `host`. Callees come first. */
export function addBoutique(scope: Construct, host: string): Boutique {
  // The cart's store: one pod with one ReadWriteOnce claim, as upstream runs it.
  const redis = new SafeStatefulSet(scope, 'redis-cart', {
    image: 'redis:7.2.4-alpine',
    partOf: PART_OF,
    ports: [{ name: 'redis', containerPort: 6379 }],
    replicas: 1,
    volumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }],
    resourcePreset: ResourcePreset.SMALL,
    // One replica needs no skip on a StatefulSet: upstream runs one Redis without replication.
    skip: { metrics: 'upstream runs Redis without an exporter' },
  });
  const cartservice = grpcService(scope, 'cartservice', {
    port: 7070,
    calls: [{ workload: redis, port: 'redis', env: 'REDIS_ADDR' }],
    writablePaths: ['/tmp'],
  });
  const productcatalogservice = grpcService(scope, 'productcatalogservice', { port: 3550 });
  const currencyservice = grpcService(scope, 'currencyservice', { port: 7000, writablePaths: ['/tmp'] });
  const paymentservice = grpcService(scope, 'paymentservice', { port: 50051, writablePaths: ['/tmp'] });
  const shippingservice = grpcService(scope, 'shippingservice', { port: 50051 });
  const emailservice = grpcService(scope, 'emailservice', { port: 8080, servicePort: 5000, writablePaths: ['/tmp'] });
  const checkoutservice = grpcService(scope, 'checkoutservice', {
    port: 5050,
    calls: [
      grpc(productcatalogservice, 'PRODUCT_CATALOG_SERVICE_ADDR'),
      grpc(shippingservice, 'SHIPPING_SERVICE_ADDR'),
      grpc(paymentservice, 'PAYMENT_SERVICE_ADDR'),
      grpc(emailservice, 'EMAIL_SERVICE_ADDR'),
      grpc(currencyservice, 'CURRENCY_SERVICE_ADDR'),
      grpc(cartservice, 'CART_SERVICE_ADDR'),
    ],
  });
  const recommendationservice = grpcService(scope, 'recommendationservice', {
    port: 8080,
    calls: [grpc(productcatalogservice, 'PRODUCT_CATALOG_SERVICE_ADDR')],
    writablePaths: ['/tmp'],
  });
  const adservice = grpcService(scope, 'adservice', { port: 9555, resourcePreset: ResourcePreset.MEDIUM, writablePaths: ['/tmp'] });

  const frontend = new SafeDeployment(scope, 'frontend', {
    image: `${REGISTRY}/frontend:${VERSION}`,
    partOf: PART_OF,
    port: 8080,
    servicePort: 80,
    // The frontend answers health checks only with a session cookie, as upstream probes it.
    readiness: { check: ProbeCheck.httpGet('/_healthz', { headers: { Cookie: 'shop_session-id=x-readiness-probe' } }) },
    liveness: { check: ProbeCheck.httpGet('/_healthz', { headers: { Cookie: 'shop_session-id=x-liveness-probe' } }) },
    startupTimeout: Duration.seconds(30),
    env: { PORT: '8080', ENABLE_PROFILER: '0' },
    calls: [
      grpc(productcatalogservice, 'PRODUCT_CATALOG_SERVICE_ADDR'),
      grpc(currencyservice, 'CURRENCY_SERVICE_ADDR'),
      grpc(cartservice, 'CART_SERVICE_ADDR'),
      grpc(recommendationservice, 'RECOMMENDATION_SERVICE_ADDR'),
      grpc(shippingservice, 'SHIPPING_SERVICE_ADDR'),
      grpc(checkoutservice, 'CHECKOUT_SERVICE_ADDR'),
      grpc(adservice, 'AD_SERVICE_ADDR'),
    ],
    skip: { metrics: NO_METRICS },
  });
  const ingress = new TlsIngress(scope, 'storefront', { host, backend: frontend });

  // Simulated shoppers: a worker without a port that calls the frontend.
  const loadgenerator = new SafeDeployment(scope, 'loadgenerator', {
    image: `${REGISTRY}/loadgenerator:${VERSION}`,
    partOf: PART_OF,
    livenessCommand: ['python', '-c', 'import os; os.kill(1, 0)'],
    resourcePreset: ResourcePreset.MEDIUM,
    env: { USERS: '10', RATE: '1' },
    calls: [{ workload: frontend, port: 'http', env: 'FRONTEND_ADDR' }],
    writablePaths: ['/tmp'],
  });

  // Nightly, the cart store writes a snapshot to its claim (BGSAVE), so a restart loses at most a day of carts.
  const cartsnapshot = new SafeCronJob(scope, 'cart-snapshot', {
    image: 'redis:7.2.4-alpine',
    partOf: PART_OF,
    schedule: '30 3 * * *',
    timeZone: 'Etc/UTC',
    command: ['sh', '-c', 'redis-cli -u "redis://$REDIS_ADDR" BGSAVE'],
    calls: [{ workload: redis, port: 'redis', env: 'REDIS_ADDR' }],
    activeDeadlineSeconds: 300,
    resourcePreset: ResourcePreset.NANO,
  });

  return {
    cartsnapshot, redis, cartservice, productcatalogservice, currencyservice, paymentservice, shippingservice, emailservice,
    checkoutservice, recommendationservice, adservice, frontend, loadgenerator, ingress,
  };
}
