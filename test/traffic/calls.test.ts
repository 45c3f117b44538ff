import { describe, expect, it } from 'vitest';
import { Testing } from 'cdk8s';
import { IsolatedNamespace, SafeDeployment } from '../../lib';
import { findBlockedCalls, findCalls } from '../../lib/traffic/calls';
import { readTrafficModel } from '../../lib/traffic/model';
import { synth } from '../helpers';
import { configMap, deployment, policy, service } from './fixtures';

const DENY = policy('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const api = deployment('api', 'shop', { app: 'api' }, [{ containerPort: 8080, name: 'http' }]);
const apiService = service('api', 'shop', { app: 'api' }, [{ port: 80, targetPort: 'http', name: 'http' }]);
const workerWith = (env: { [k: string]: string }, extra = {}) => deployment('worker', 'shop', { app: 'worker' }, [], env, extra);
const workerOut = policy('worker', 'shop', {
  podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'],
  egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }],
});
const apiIn = policy('api', 'shop', {
  podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'worker' } } }], ports: [{ port: 'http' }] }],
});

describe('blocked calls', () => {
  it('a call no policy allows: both workloads, the address, the port and the fix', () => {
    const blocked = findBlockedCalls([DENY, api, apiService, workerWith({ API_URL: 'http://api/v1' })]);
    expect(blocked.map((b) => b.message)).toEqual([
      'Deployment shop/worker calls Deployment shop/api at "http://api" (env API_URL of container "main"; Service shop/api port 80), '
      + 'but the egress of worker (NetworkPolicy default-deny) and the ingress of api (NetworkPolicy default-deny) refuse TCP 8080',
    ]);
    expect(blocked[0].fix).toBe('add an egress rule to worker\'s NetworkPolicy: to {podSelector {app: api}} on TCP 8080; '
      + 'and add an ingress rule to api\'s NetworkPolicy: from {podSelector {app: worker}} on TCP 8080 (declared once on worker: calls: [{ workload: api, port: \'http\' }])');
    expect(blocked[0].call.site.field).toBe('spec.template.spec.containers[0].env[0].value');
    expect([blocked[0].port, blocked[0].protocol]).toEqual([8080, 'TCP']);
  });

  it('allowed on both sides (a named port on the callee\'s side): no finding', () => {
    expect(findBlockedCalls([DENY, api, apiService, workerOut, apiIn, workerWith({ API_URL: 'http://api/v1' })])).toEqual([]);
  });

  it('one side missing: the message and the fix name only that side', () => {
    const onlyEgress = findBlockedCalls([DENY, api, apiService, workerOut, workerWith({ API_ADDR: 'api:80' })]);
    expect(onlyEgress.map((b) => b.message)).toEqual([
      'Deployment shop/worker calls Deployment shop/api at "api:80" (env API_ADDR of container "main"; Service shop/api port 80), but the ingress of api (NetworkPolicy default-deny) refuses TCP 8080',
    ]);
    expect(onlyEgress[0].fix).toBe('add an ingress rule to api\'s NetworkPolicy: from {podSelector {app: worker}} on TCP 8080 (declared once on worker: calls: [{ workload: api, port: \'http\' }])');
    const onlyIngress = findBlockedCalls([DENY, api, apiService, apiIn, workerWith({ API_ADDR: 'api:80' })]);
    expect(onlyIngress.map((b) => b.fix)).toEqual(['add an egress rule to worker\'s NetworkPolicy: to {podSelector {app: api}} on TCP 8080 (declared once on worker: calls: [{ workload: api, port: \'http\' }])']);
  });

  it('the port that the Service sends to decides: a rule for another port does not count', () => {
    const wrongPort = policy('worker', 'shop', {
      podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }] }],
    });
    expect(findBlockedCalls([DENY, api, apiService, wrongPort, apiIn, workerWith({ API_ADDR: 'api:80' })]).map((b) => b.fix))
      .toEqual(['add an egress rule to worker\'s NetworkPolicy: to {podSelector {app: api}} on TCP 8080 (declared once on worker: calls: [{ workload: api, port: \'http\' }])']);
  });

  it('across namespaces: the peers need a namespaceSelector', () => {
    const db = deployment('db', 'data', { app: 'db' }, [{ containerPort: 5432 }]);
    const dbService = service('db', 'data', { app: 'db' }, [{ port: 5432 }]);
    const blocked = findBlockedCalls([DENY, policy('deny', 'data', { podSelector: {} }), db, dbService, workerWith({ DATABASE_HOST: 'db.data.svc.cluster.local' })]);
    expect(blocked.map((b) => b.fix)).toEqual([
      'add an egress rule to worker\'s NetworkPolicy: to {podSelector {app: db}, namespaceSelector {kubernetes.io/metadata.name: data}} on TCP 5432; '
      + 'and add an ingress rule to db\'s NetworkPolicy: from {podSelector {app: worker}, namespaceSelector {kubernetes.io/metadata.name: shop}} on TCP 5432 (declared once on worker: calls: [{ workload: db }])',
    ]);
    // The short name does not reach another namespace: no call, no finding.
    expect(findBlockedCalls([DENY, db, dbService, workerWith({ DATABASE_HOST: 'db' })])).toEqual([]);
  });

  it('ConfigMaps: keys read with configMapKeyRef and envFrom, and mounted files', () => {
    const cm = configMap('worker-config', 'shop', { API_ENDPOINT: 'api:80', 'app.yaml': 'upstream:\n  url: http://api.shop.svc:80/\n' });
    const worker = deployment('worker', 'shop', { app: 'worker' }, [], {}, { volumes: [{ name: 'config', configMap: { name: 'worker-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } }] });
    const c = worker.spec.template.spec.containers[0];
    c.envFrom = [{ configMapRef: { name: 'worker-config' } }];
    c.env = [{ name: 'UPSTREAM', valueFrom: { configMapKeyRef: { name: 'worker-config', key: 'API_ENDPOINT' } } }];
    const blocked = findBlockedCalls([DENY, api, apiService, cm, worker]);
    expect(blocked.map((b) => `${b.call.site.field} | ${b.call.site.where} | ${b.call.address}`)).toEqual([
      'spec.template.spec.containers[0].env[0].valueFrom | env UPSTREAM of container "main" (key "API_ENDPOINT" of ConfigMap shop/worker-config) | api:80',
      'spec.template.spec.containers[0].envFrom[0] | env API_ENDPOINT of container "main" (from ConfigMap shop/worker-config) | api:80',
      'spec.template.spec.containers[0].envFrom[0] | env app.yaml of container "main" (from ConfigMap shop/worker-config) | http://api.shop.svc:80',
      'spec.template.spec.volumes[0].configMap | file "app.yaml" of ConfigMap shop/worker-config | http://api.shop.svc:80',
    ]);
  });

  it('a Service without pods in the app, a port the Service does not serve, a text that is no address: no call', () => {
    const model = readTrafficModel([DENY, apiService, workerWith({ A: 'api:80' })]);
    expect(findCalls(model)).toEqual([]);
    expect(findBlockedCalls([DENY, api, apiService, workerWith({ A: 'api:81', ROLE: 'api' })])).toEqual([]);
  });

  it('without NetworkPolicies every call is allowed', () => {
    const model = readTrafficModel([api, apiService, workerWith({ API_URL: 'http://api' })]);
    expect(findCalls(model).map((c) => `${c.caller.name} -> ${c.callee.name} ${c.ports.map((p) => p.targetPort).join()}`)).toEqual(['worker -> api 8080']);
    expect(findBlockedCalls([api, apiService, workerWith({ API_URL: 'http://api' })])).toEqual([]);
  });
});

describe('blocked calls in an app built with the library', () => {
  function app(connect: boolean): any[] {
    const ns = new IsolatedNamespace(Testing.app(), 'shop', { team: 'shop' });
    const cart = new SafeDeployment(ns, 'cart', { image: 'ghcr.io/acme/cart:1.0.0', port: 7070 });
    const front = new SafeDeployment(ns, 'frontend', { image: 'ghcr.io/acme/frontend:1.0.0', port: 8080, env: { CART_SERVICE_ADDR: 'cart:7070' } });
    if (connect) front.connectTo(cart);
    return synth(ns);
  }

  it('an address in env without connectTo() is a blocked call', () => {
    const blocked = findBlockedCalls(app(false));
    expect(blocked.map((b) => b.message)).toHaveLength(1);
    expect(blocked[0].message).toMatch(new RegExp('^Deployment shop/frontend calls Deployment shop/cart at "cart:7070" '
      + '\\(env CART_SERVICE_ADDR of container "app" \\(key "CART_SERVICE_ADDR" of ConfigMap shop/frontend-config-[0-9a-f]{10}\\); Service shop/cart port 7070\\), '
      + 'but the egress of frontend \\(NetworkPolicy allow-dns, default-deny, frontend\\) and the ingress of cart \\(NetworkPolicy cart, default-deny\\) refuse TCP 7070$'));
    expect(blocked[0].fix).toBe('add an egress rule to frontend\'s NetworkPolicy: to {podSelector {app.kubernetes.io/instance: cart, app.kubernetes.io/name: cart}} on TCP 7070; '
      + 'and add an ingress rule to cart\'s NetworkPolicy: from {podSelector {app.kubernetes.io/instance: frontend, app.kubernetes.io/name: frontend}} on TCP 7070 (declared once on frontend: calls: [{ workload: cart, port: \'http\' }])');
  });

  it('connectTo() opens exactly that call', () => {
    expect(findBlockedCalls(app(true))).toEqual([]);
  });
});
