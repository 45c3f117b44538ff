import { describe, expect, it } from 'vitest';
import { ServiceDirectory } from '../../lib/traffic/addresses';
import { findBlockedCalls, findCalls } from '../../lib/traffic/calls';
import { readTrafficModel } from '../../lib/traffic/model';
import { deployment, policy, service } from './fixtures';

/** A StatefulSet whose pods are named `<name>-<ordinal>` under the governing Service `serviceName`. */
function statefulSet(name: string, ns: string, serviceName: string, ports: Array<{ containerPort: number; name?: string }>, env: { [k: string]: string } = {}): any {
  const m = deployment(name, ns, { app: name }, ports, env);
  return { ...m, kind: 'StatefulSet', spec: { ...m.spec, serviceName } };
}
const headless = (name: string, ns: string, app: string, port: number) => ({ ...service(name, ns, { app }, [{ port }]), spec: { clusterIP: 'None', selector: { app }, ports: [{ port }] } });

const db = statefulSet('db', 'shop', 'db-headless', [{ containerPort: 5432, name: 'pg' }]);
const dbServices = [service('db', 'shop', { app: 'db' }, [{ port: 5432, targetPort: 'pg' }]), headless('db-headless', 'shop', 'db', 5432)];
const kafka = (env: { [k: string]: string } = {}) => statefulSet('kafka', 'shop', 'kafka-headless', [{ containerPort: 9092, name: 'broker' }], env);
const kafkaServices = [headless('kafka-headless', 'shop', 'kafka', 9092)];

describe('the address of one pod of a StatefulSet', () => {
  const directory = new ServiceDirectory(readTrafficModel([db, ...dbServices, kafka(), ...kafkaServices]).services, readTrafficModel([db, kafka()]).workloads);
  const found = (text: string, key?: string, namespace = 'shop') => directory.find(text, namespace, key)
    .map((f) => `${f.address} -> ${f.pod ? `${f.pod.name} of ${f.pod.workload.kind}/${f.pod.workload.name} via ` : ''}${f.service.namespace}/${f.service.name}@${f.ports.map((p) => p.port).join('+')}`);

  it('<pod>.<governing Service>, with the namespace, .svc and .cluster.local, in URLs and lists', () => {
    expect(found('db-0.db-headless:5432')).toEqual(['db-0.db-headless:5432 -> db-0 of StatefulSet/db via shop/db-headless@5432']);
    expect(found('postgres://db-0.db-headless.shop.svc.cluster.local:5432/app', 'DB_URL', 'other'))
      .toEqual(['postgres://db-0.db-headless.shop.svc.cluster.local:5432 -> db-0 of StatefulSet/db via shop/db-headless@5432']);
    expect(found('db-1.db-headless.shop', 'DB_HOST', 'other')).toEqual(['db-1.db-headless.shop -> db-1 of StatefulSet/db via shop/db-headless@5432']);
    expect(found('db-2.db-headless.shop.svc')).toEqual(['db-2.db-headless.shop.svc -> db-2 of StatefulSet/db via shop/db-headless@5432']);
    expect(found('kafka-0.kafka-headless:9092,kafka-1.kafka-headless:9092')).toEqual([
      'kafka-0.kafka-headless:9092 -> kafka-0 of StatefulSet/kafka via shop/kafka-headless@9092',
      'kafka-1.kafka-headless:9092 -> kafka-1 of StatefulSet/kafka via shop/kafka-headless@9092',
    ]);
  });

  it('is not read where DNS would not answer, or on a port the pod does not serve', () => {
    expect(found('db-0.db-headless:5432', undefined, 'other')).toEqual([]); // short form from another namespace
    expect(found('db-x.db-headless:5432')).toEqual([]); // no ordinal
    expect(found('kafka-0.db-headless:5432')).toEqual([]); // not a pod the Service governs
    expect(found('db-0.db:5432')).toEqual([]); // db is not the governing Service
    expect(found('db-0.db-headless:6543')).toEqual([]);
    expect(found('db-0.db-headless.shop.example.com')).toEqual([]);
  });
});

describe('calls to one pod, and among the pods of one StatefulSet', () => {
  const DENY = policy('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const api = (env: { [k: string]: string }) => deployment('api', 'shop', { app: 'api' }, [], env);

  it('a call to one pod is checked against the pod\'s container port', () => {
    const blocked = findBlockedCalls([DENY, db, ...dbServices, api({ DB_HOST: 'db-0.db-headless:5432' })]);
    expect(blocked.map((b) => b.message)).toEqual([
      'Deployment shop/api calls StatefulSet shop/db at "db-0.db-headless:5432" (env DB_HOST of container "main"; pod db-0 of Service shop/db-headless, port 5432), '
      + 'but the egress of api (NetworkPolicy default-deny) and the ingress of db (NetworkPolicy default-deny) refuse TCP 5432',
    ]);
    expect(blocked[0].fix).toBe('add an egress rule to api\'s NetworkPolicy: to {podSelector {app: db}} on TCP 5432; and add an ingress rule to db\'s NetworkPolicy: from {podSelector {app: api}} on TCP 5432 '
      + '(declared once on api: calls: [{ workload: db, port: \'pg\' }])');
    const open = [
      policy('api', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }] }),
      policy('db', 'shop', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] }] }),
    ];
    expect(findBlockedCalls([DENY, db, ...dbServices, ...open, api({ DB_HOST: 'db-0.db-headless:5432' })])).toEqual([]);
  });

  it('peers of one StatefulSet: blocked without a rule among its pods, with the peer fix', () => {
    const blocked = findBlockedCalls([DENY, kafka({ PEERS: 'kafka-0.kafka-headless:9092,kafka-1.kafka-headless:9092' }), ...kafkaServices]);
    expect(blocked.map((b) => b.call.address)).toEqual(['kafka-0.kafka-headless:9092', 'kafka-1.kafka-headless:9092']);
    expect(blocked[0].fix).toBe('add an egress rule to kafka\'s NetworkPolicy: to {podSelector {app: kafka}} on TCP 9092; and add an ingress rule to kafka\'s NetworkPolicy: from {podSelector {app: kafka}} on TCP 9092 '
      + '(pods of one workload that call each other: allowPeerPods: true on a SafeStatefulSet, or w.allowFrom(NetworkPeer.workload(w)) and w.allowTo(NetworkPeer.workload(w)))');
    // Through the headless Service too.
    expect(findBlockedCalls([DENY, kafka({ PEERS: 'kafka-headless:9092' }), ...kafkaServices]).map((b) => b.call.address)).toEqual(['kafka-headless:9092']);
    const peers = policy('kafka', 'shop', {
      podSelector: { matchLabels: { app: 'kafka' } }, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'kafka' } } }], ports: [{ port: 9092 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'kafka' } } }], ports: [{ port: 9092 }] }],
    });
    expect(findBlockedCalls([DENY, peers, kafka({ PEERS: 'kafka-0.kafka-headless:9092,kafka-1.kafka-headless:9092' }), ...kafkaServices])).toEqual([]);
  });
});

describe('addresses in commands and arguments', () => {
  const cache = deployment('cache', 'shop', { app: 'cache' }, [{ containerPort: 6379 }]);
  const cacheService = service('cache', 'shop', { app: 'cache' }, [{ port: 6379 }]);
  const withArgs = (container: { [k: string]: any }) => {
    const m = deployment('api', 'shop', { app: 'api' });
    Object.assign(m.spec.template.spec.containers[0], container);
    return m;
  };
  const calls = (container: { [k: string]: any }) => findCalls(readTrafficModel([cache, cacheService, withArgs(container)]))
    .map((c) => `${c.site.field} (${c.site.where}): ${c.address}`);

  it('a flag\'s value, a host flag\'s bare name (same or next argument), and a shell line', () => {
    expect(calls({ args: ['--redis=cache:6379', '--verbose'] })).toEqual(['spec.template.spec.containers[0].args[0] (args[0] of container "main"): cache:6379']);
    expect(calls({ args: ['--redis-host=cache'] })).toEqual(['spec.template.spec.containers[0].args[0] (args[0] of container "main"): cache']);
    expect(calls({ args: ['--redis-host', 'cache'] })).toEqual(['spec.template.spec.containers[0].args[1] (args[1] of container "main"): cache']);
    expect(calls({ command: ['sh', '-c', 'exec app --cache redis://cache:6379/0'] })).toEqual(['spec.template.spec.containers[0].command[2] (command[2] of container "main"): redis://cache:6379']);
  });

  it('not a bare name under a flag that names no host, nor a port the Service does not serve', () => {
    expect(calls({ args: ['--name=cache', '--mode', 'cache', 'cache'] })).toEqual([]);
    expect(calls({ args: ['--redis=cache:7000'] })).toEqual([]);
  });

  it('a call in an argument is blocked like one in env', () => {
    const DENY = policy('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(findBlockedCalls([DENY, cache, cacheService, withArgs({ args: ['--redis=cache:6379'] })]).map((b) => b.message)).toEqual([
      'Deployment shop/api calls Deployment shop/cache at "cache:6379" (args[0] of container "main"; Service shop/cache port 6379), but the egress of api (NetworkPolicy default-deny) and the ingress of cache (NetworkPolicy default-deny) refuse TCP 6379',
    ]);
  });
});
