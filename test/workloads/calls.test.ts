import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, IsolatedNamespace, NetworkPeer, ProbeCheck, SafeDeployment, SafeStatefulSet } from '../../lib';
import { findBlockedCalls } from '../../lib/traffic/calls';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const CART = { image: 'ghcr.io/acme/cart:1.4.2', ports: [{ name: 'grpc', containerPort: 7070 }, { name: 'admin', containerPort: 9901 }], readiness: { check: ProbeCheck.grpc() } };

function shop(build: (ns: IsolatedNamespace) => void) {
  const app = Testing.app();
  const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
  build(ns);
  Guardrails.enforce(app);
  return { app, ns };
}

describe('a call declared once', () => {
  it('opens exactly the named port: nothing else of the callee, and nothing blocked', () => {
    const { ns } = shop((ns) => {
      const cart = new SafeDeployment(ns, 'cart', CART);
      new SafeDeployment(ns, 'frontend', { image: IMAGE, port: 8080, calls: [{ workload: cart, port: 'grpc', env: 'CART_SERVICE_ADDR' }] });
    });
    const manifests = Testing.synth(ns); // the enforcement passes
    expect(findBlockedCalls(manifests)).toEqual([]);
    const cartIngress = one(manifests, 'NetworkPolicy', 'cart').spec.ingress;
    const fromFrontend = cartIngress.filter((r: any) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'frontend');
    expect(fromFrontend).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'frontend', 'app.kubernetes.io/name': 'frontend' } } }], ports: [{ port: 7070, protocol: 'TCP' }] }]);
    const toCart = one(manifests, 'NetworkPolicy', 'frontend').spec.egress.filter((r: any) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'cart');
    expect(toCart).toEqual([{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'cart', 'app.kubernetes.io/name': 'cart' } } }], ports: [{ port: 7070, protocol: 'TCP' }] }]);
  });

  it('the default port is the first exposed one; a StatefulSet can be called too', () => {
    const chart = newChart('shop');
    const redis = new SafeStatefulSet(chart, 'redis', { image: 'ghcr.io/acme/redis:7.2.4', ports: [{ name: 'redis', containerPort: 6379 }], replicas: 1 });
    const cart = new SafeDeployment(chart, 'cart', { ...CART, calls: [{ workload: redis, env: 'REDIS_ADDR' }] });
    expect(redis.addressFor(cart)).toBe('redis:6379');
    const egress = one(synth(chart), 'NetworkPolicy', 'cart').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' } } }], ports: [{ port: 6379, protocol: 'TCP' }] });
  });

  it('two env vars for one callee and port open it once', () => {
    const chart = newChart('shop');
    const cart = new SafeDeployment(chart, 'cart', CART);
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, calls: [{ workload: cart, env: 'CART_ADDR' }, { workload: cart, port: 'grpc', env: 'CART_SERVICE_ADDR' }] });
    const manifests = synth(chart);
    expect(one(manifests, 'NetworkPolicy', 'cart').spec.ingress.filter((r: any) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'web')).toHaveLength(1);
    expect(one(manifests, 'NetworkPolicy', 'web').spec.egress.filter((r: any) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'cart')).toHaveLength(1);
  });

  it('connectTo with a port name opens only that port; without one, every exposed port as before', () => {
    const chart = newChart('shop');
    const cart = new SafeDeployment(chart, 'cart', CART);
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    const admin = new SafeDeployment(chart, 'admin', { image: IMAGE, port: 8080 });
    web.connectTo(cart, 'grpc');
    admin.connectTo(cart);
    const ingress = one(synth(chart), 'NetworkPolicy', 'cart').spec.ingress;
    const portsFrom = (name: string) => ingress.find((r: any) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === name).ports;
    expect(portsFrom('web')).toEqual([{ port: 7070, protocol: 'TCP' }]);
    expect(portsFrom('admin')).toEqual([{ port: 7070, protocol: 'TCP' }, { port: 9901, protocol: 'TCP' }]);
  });
});

describe('a forgotten call', () => {
  it('fails synth under Guardrails.enforce, naming both workloads, the address, the port and the fix', () => {
    const { app } = shop((ns) => {
      new SafeDeployment(ns, 'cart', CART);
      new SafeDeployment(ns, 'frontend', { image: IMAGE, port: 8080, env: { CART_SERVICE_ADDR: 'cart:7070' } });
    });
    expect(() => app.synth()).toThrow(new RegExp(
      'network-calls: Deployment shop/frontend at shop/frontend/Deployment/Resource: spec\\.template\\.spec\\.containers\\[0\\]\\.env\\[\\d+\\]\\.valueFrom: '
      + 'Deployment shop/frontend calls Deployment shop/cart at "cart:7070" \\(env CART_SERVICE_ADDR of container "app" \\(key "CART_SERVICE_ADDR" of ConfigMap shop/frontend-config-[0-9a-f]{10}\\); Service shop/cart port 7070\\), '
      + 'but the egress of frontend \\(NetworkPolicy allow-dns, default-deny, frontend\\) and the ingress of cart \\(NetworkPolicy cart, default-deny\\) refuse TCP 7070[\\s\\S]*'
      + 'declared once on frontend: calls: \\[\\{ workload: cart, port: \'grpc\' \\}\\]'));
  });

  it('a call on another port than the declared one is still blocked', () => {
    const { app } = shop((ns) => {
      const cart = new SafeDeployment(ns, 'cart', CART);
      new SafeDeployment(ns, 'frontend', { image: IMAGE, port: 8080, calls: [{ workload: cart, port: 'grpc' }], env: { CART_ADMIN: 'cart:9901' } });
    });
    expect(() => app.synth()).toThrow(/network-calls: .*calls Deployment shop\/cart at "cart:9901" .* refuse TCP 9901/);
  });
});

describe('errors of a call', () => {
  const prefix = "SafeDeployment at 'test/web': invalid";
  function web(calls: (cart: SafeDeployment, worker: SafeDeployment) => any, env?: { [name: string]: string }) {
    const chart = newChart('shop');
    const cart = new SafeDeployment(chart, 'cart', CART);
    const worker = new SafeDeployment(chart, 'worker', { image: IMAGE, livenessCommand: ['/bin/health'] });
    return errorOf(() => new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, env, calls: calls(cart, worker) }));
  }

  it('names the property, the value, what is allowed and the fix', () => {
    expect(web((cart) => [{ workload: cart, port: 'http' }]))
      .toBe(`${prefix} calls[0] port "http"; expected a port that cart exposes: "grpc", "admin".`);
    expect(web((_, worker) => [{ workload: worker }]))
      .toBe(`${prefix} calls[0] "worker"; expected a workload that exposes a port: worker has no Service (give it \`port\` or \`ports\`).`);
    expect(web(() => [{ workload: {} }]))
      .toBe(`${prefix} calls[0].workload {}; expected a workload (ISafeWorkload) such as a SafeDeployment.`);
    expect(web((cart) => [{ workload: cart, env: 'CART_ADDR' }], { CART_ADDR: 'cart:7070' }))
      .toBe(`${prefix} calls[0].env "CART_ADDR"; expected an env var that \`env\` does not set too: the call writes "cart:7070" into it; remove CART_ADDR from \`env\`.`);
    expect(web((cart) => [{ workload: cart, env: 'CART' }, { workload: cart, port: 'admin', env: 'CART' }]))
      .toBe(`${prefix} calls[1].env "CART"; expected an env var that no other call writes (calls[0] writes it too).`);
  });

  it('replicas that talk to each other open it with allowFrom and allowTo on their own pods', () => {
    const chart = newChart('shop');
    const store = new SafeDeployment(chart, 'store', CART);
    store.allowFrom(NetworkPeer.workload(store));
    store.allowTo(NetworkPeer.workload(store));
    const policy = one(synth(chart), 'NetworkPolicy', 'store');
    const self = { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'store', 'app.kubernetes.io/name': 'store' } } };
    const ports = [{ port: 7070, protocol: 'TCP' }, { port: 9901, protocol: 'TCP' }];
    expect(policy.spec.ingress).toContainEqual({ from: [self], ports });
    expect(policy.spec.egress).toContainEqual({ to: [self], ports });
  });

  it('refuses a call to itself, a bad connectTo port, and an address across an unnamed namespace', () => {
    const chart = newChart('shop');
    const cart = new SafeDeployment(chart, 'cart', CART);
    expect(errorOf(() => new SafeDeployment(chart, 'cart2', { ...CART, name: 'cart', calls: [{ workload: cart }] })))
      .toBe("SafeDeployment at 'test/cart2': invalid calls[0].workload \"cart\"; expected another workload: cart would call its own Service; for replicas that talk to each other (a clustered store), open it with w.allowFrom(NetworkPeer.workload(w)) and w.allowTo(NetworkPeer.workload(w)).");
    for (const port of [undefined, 'grpc']) {
      expect(errorOf(() => cart.connectTo(cart, port)))
        .toBe("SafeDeployment at 'test/cart': invalid connectTo \"cart\"; expected another workload: cart would call its own Service; for replicas that talk to each other (a clustered store), open it with w.allowFrom(NetworkPeer.workload(w)) and w.allowTo(NetworkPeer.workload(w)).");
    }
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    expect(errorOf(() => web.connectTo(cart, 'metrics')))
      .toBe("SafeDeployment at 'test/web': invalid connectTo(cart) port \"metrics\"; expected a port that cart exposes: \"grpc\", \"admin\".");
    const plain = new Chart(new App(), 'plain');
    expect(errorOf(() => cart.addressFor(plain)))
      .toBe("SafeDeployment at 'test/cart': invalid addressFor \"cart\"; expected a workload whose namespace is known on both sides: the chart of the caller names no namespace, so the address cannot be written (give both charts a namespace).");
  });
});
