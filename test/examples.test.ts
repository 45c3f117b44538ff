import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { Guardrails, IsolatedNamespace, QuotaPreset } from '../lib';
import { addBoutique } from '../examples/boutique/boutique';
import { PRODUCTION, ShopChart } from '../examples/shop/shop';

const root = path.join(__dirname, '..');

function shopYaml(): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'shop-')) });
  new ShopChart(app, 'shop', PRODUCTION);
  return app.synthYaml();
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) out[entry] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

describe('deterministic output', () => {
  it('the same program gives byte-identical YAML in one process', () => {
    expect(shopYaml()).toBe(shopYaml());
  });

  it('npm run synth twice gives byte-identical files', () => {
    const runs = [0, 1].map(() => {
      execFileSync(process.execPath, [path.join(root, 'scripts', 'synth.js')], { cwd: root, stdio: 'pipe' });
      return readTree(path.join(root, 'dist'));
    });
    expect(Object.keys(runs[0]).length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe('the one-pass rendering of a synthesis', () => {
  const examples = fs.readdirSync(path.join(root, 'examples'))
    .filter((d) => fs.existsSync(path.join(root, 'examples', d, 'main.ts')))
    .sort();

  /** The files of an example's main.ts, run afresh, with or without the one-pass rendering. */
  async function synthExample(name: string, fast: boolean): Promise<Record<string, string>> {
    vi.resetModules();
    const render = await import('../lib/core/render');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-${fast ? 'fast' : 'cdk8s'}-`));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    render.setFastRendering(fast);
    try {
      await import(path.join(root, 'examples', name, 'main.ts'));
    } finally {
      render.setFastRendering(true);
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
    }
    return readTree(outdir);
  }

  it('covers every example with a main.ts', () => {
    expect(examples).toEqual(expect.arrayContaining(['boutique', 'podinfo', 'shop', 'stress']));
  });

  it.each(examples)('writes the same files, byte for byte, as cdk8s\'s own rendering (examples/%s)', async (name) => {
    const reference = await synthExample(name, false);
    const fast = await synthExample(name, true);
    expect(Object.keys(reference).length).toBeGreaterThan(0);
    expect(Object.keys(fast).sort()).toEqual(Object.keys(reference).sort());
    for (const file of Object.keys(reference)) expect(fast[file], file).toBe(reference[file]);
  }, 120_000);
});

describe('the shop example', () => {
  it('has an API and a worker with the expected objects', () => {
    const docs = shopYaml();
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ConfigMap', 'ServiceAccount', 'ServiceMonitor', 'ExternalSecret']) {
      expect(docs).toContain(`kind: ${kind}\n`);
    }
    expect(docs).not.toMatch(/image: .*:latest/);
  });
});

describe('the boutique example', () => {
  function boutique(): any[] {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'boutique', { team: 'boutique', quotaPreset: QuotaPreset.MEDIUM });
    addBoutique(ns, 'boutique.example.com');
    Guardrails.enforce(app);
    return Testing.synth(ns); // every rule passes, network-calls included
  }
  const byKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);
  const GRPC: { [name: string]: [number, number] } = {
    cartservice: [7070, 7070], productcatalogservice: [3550, 3550], currencyservice: [7000, 7000], paymentservice: [50051, 50051],
    shippingservice: [50051, 50051], emailservice: [8080, 5000], checkoutservice: [5050, 5050], recommendationservice: [8080, 8080], adservice: [9555, 9555],
  };

  it('has ten gRPC services and a frontend with pinned images, a load generator and the Redis StatefulSet', () => {
    const docs = boutique();
    expect(byKind(docs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual([...Object.keys(GRPC), 'frontend', 'loadgenerator'].sort());
    for (const d of [...byKind(docs, 'Deployment'), ...byKind(docs, 'StatefulSet')]) {
      expect(d.spec.template.spec.containers[0].image).toMatch(/:(v0\.10\.2|7\.2\.4-alpine)$/);
    }
    const redis = byKind(docs, 'StatefulSet')[0];
    expect(redis.metadata.name).toBe('redis-cart');
    expect(redis.spec.replicas).toBe(1);
    // One replica of a StatefulSet needs no replicas-min skip.
    expect(redis.metadata.annotations?.['guardrails.cdk8s.io/skip.replicas-min']).toBeUndefined();
    expect(redis.spec.volumeClaimTemplates.map((c: any) => [c.metadata.name, c.spec.accessModes, c.spec.resources.requests.storage])).toEqual([['data', ['ReadWriteOnce'], '1Gi']]);
    expect(byKind(docs, 'Ingress')[0].spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'frontend', port: { number: 80 } });
  });

  it('gRPC services serve on a port named grpc, probed by gRPC health checks, with upstream Service ports', () => {
    const docs = boutique();
    for (const [name, [containerPort, servicePort]] of Object.entries(GRPC)) {
      const app = byKind(docs, 'Deployment').find((d) => d.metadata.name === name).spec.template.spec.containers[0];
      expect(app.ports, name).toEqual([{ containerPort, name: 'grpc', protocol: 'TCP' }]);
      expect(app.readinessProbe.grpc, name).toEqual({ port: containerPort });
      expect(app.livenessProbe.grpc, name).toEqual({ port: containerPort });
      const service = byKind(docs, 'Service').find((s) => s.metadata.name === name);
      expect(service.spec.ports, name).toEqual([{ name: 'grpc', port: servicePort, targetPort: containerPort, protocol: 'TCP' }]);
      expect(byKind(docs, 'Deployment').find((d) => d.metadata.name === name).metadata.annotations['guardrails.cdk8s.io/skip.metrics']).toMatch(/OpenTelemetry/);
    }
  });

  it('each caller reads its callees\' addresses from the env vars upstream uses', () => {
    const docs = boutique();
    const env = (name: string) => byKind(docs, 'ConfigMap').find((c) => c.metadata.name.startsWith(`${name}-config-`)).data;
    expect(env('frontend')).toEqual({
      AD_SERVICE_ADDR: 'adservice:9555', CART_SERVICE_ADDR: 'cartservice:7070', CHECKOUT_SERVICE_ADDR: 'checkoutservice:5050',
      CURRENCY_SERVICE_ADDR: 'currencyservice:7000', ENABLE_PROFILER: '0', PORT: '8080', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550',
      RECOMMENDATION_SERVICE_ADDR: 'recommendationservice:8080', SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
    });
    expect(env('checkoutservice')).toEqual({
      CART_SERVICE_ADDR: 'cartservice:7070', CURRENCY_SERVICE_ADDR: 'currencyservice:7000', DISABLE_PROFILER: '1', EMAIL_SERVICE_ADDR: 'emailservice:5000',
      PAYMENT_SERVICE_ADDR: 'paymentservice:50051', PORT: '5050', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550', SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
    });
    expect(env('recommendationservice').PRODUCT_CATALOG_SERVICE_ADDR).toBe('productcatalogservice:3550');
    expect(env('cartservice').REDIS_ADDR).toBe('redis-cart:6379');
    expect(env('loadgenerator')).toEqual({ FRONTEND_ADDR: 'frontend:80', RATE: '1', USERS: '10' });
    expect(env('cart-snapshot')).toEqual({ REDIS_ADDR: 'redis-cart:6379' });
  });

  it('a nightly CronJob snapshots the cart store, reaching only its redis port', () => {
    const docs = boutique();
    const [cron] = byKind(docs, 'CronJob');
    expect(cron.metadata.name).toBe('cart-snapshot');
    expect(cron.spec).toMatchObject({ schedule: '30 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].command).toEqual(['sh', '-c', 'redis-cli -u "redis://$REDIS_ADDR" BGSAVE']);
    expect(pod.containers[0].image).toBe('redis:7.2.4-alpine');
    const redisPolicy = byKind(docs, 'NetworkPolicy').find((p) => p.metadata.name === 'redis-cart');
    expect(redisPolicy.spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'cart-snapshot', 'app.kubernetes.io/name': 'cart-snapshot' } } }],
      ports: [{ port: 6379, protocol: 'TCP' }],
    });
  });
});
