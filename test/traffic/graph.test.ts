import { Chart, Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addShop, PRODUCTION } from '../../examples/shop/shop';
import { IngressController, IsolatedNamespace, SafeDeployment, SafeStatefulSet } from '../../lib';
import { TrafficGraph, toDot, toTable, trafficGraph } from '../../lib/traffic/graph';
import { readTrafficModel } from '../../lib/traffic/model';
import { deployment, fixtureManifests, policy } from './fixtures';

const TRAEFIK = IngressController.traefik();
const OPTIONS = { ingressController: { namespace: TRAEFIK.namespace, podLabels: TRAEFIK.podLabels! } };

/** `from -> to: ports` for every edge. */
function edges(graph: TrafficGraph): string[] {
  return graph.edges.map((e) => `${e.from} -> ${e.to}: ${e.ports.join(', ')}`);
}

describe('the allowed-connection graph of a hand-written app', () => {
  const graph = trafficGraph(readTrafficModel(fixtureManifests()), OPTIONS);

  it('has exactly the connections the policies allow: calls, DNS, the outside world, the ingress controller and the scraper', () => {
    expect(edges(graph)).toEqual([
      'CronJob/shop/billing -> cluster DNS: TCP 53, UDP 53',
      'CronJob/shop/billing -> outside world: 203.0.113.0/24 except 203.0.113.128/25 on TCP 443',
      'Deployment/shop/cart -> StatefulSet/data/redis: TCP 6379',
      'Deployment/shop/cart -> cluster DNS: TCP 53, UDP 53',
      'Deployment/shop/catalog -> cluster DNS: TCP 53, UDP 53',
      'Deployment/shop/frontend -> Deployment/shop/cart: TCP 7070',
      'Deployment/shop/frontend -> cluster DNS: TCP 53, UDP 53',
      // Namespace data isolates ingress only: redis may send anywhere.
      'StatefulSet/data/redis -> cluster DNS: all ports',
      'StatefulSet/data/redis -> outside world: any address on all ports',
      'ingress controller -> Deployment/shop/frontend: TCP 8080',
      'metrics scraper -> Deployment/shop/frontend: TCP 9090',
    ]);
  });

  it('draws no edge for the call that catalog\'s ingress refuses', () => {
    expect(graph.edges.some((e) => e.to === 'Deployment/shop/catalog')).toBe(false);
  });

  it('lists workloads first, then the named parties that have an edge', () => {
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'CronJob/shop/billing', 'Deployment/shop/cart', 'Deployment/shop/catalog', 'Deployment/shop/frontend', 'StatefulSet/data/redis',
      'ingress controller', 'metrics scraper', 'cluster DNS', 'outside world',
    ]);
  });

  it('writes a table, one line per edge', () => {
    const table = toTable(graph);
    expect(table.split('\n')[0]).toBe('FROM                      TO                        PORTS');
    expect(table).toContain('\nDeployment shop/frontend  Deployment shop/cart      TCP 7070\n');
    expect(table).toContain('\ningress controller        Deployment shop/frontend  TCP 8080\n');
  });

  it('writes DOT with a cluster per namespace and labelled edges', () => {
    const dot = toDot(graph);
    expect(dot).toContain('  subgraph "cluster_data" {\n    label="namespace data";\n    style="rounded,dashed"; labeljust=l;\n    "StatefulSet/data/redis" [label="redis\\nStatefulSet"];\n  }\n');
    expect(dot).toContain('  "Deployment/shop/frontend" -> "cluster DNS" [label="TCP 53\\nUDP 53"];\n');
    expect(dot).toContain('  "outside world" [shape=ellipse, fillcolor="#fef7e0"];\n');
  });
});

describe('the graph\'s corner cases', () => {
  it('without any policy, everything is open both ways', () => {
    const graph = trafficGraph(readTrafficModel([deployment('a', 'x', { app: 'a' }, [{ containerPort: 80 }]), deployment('b', 'x', { app: 'b' })]), OPTIONS);
    expect(edges(graph)).toEqual([
      'Deployment/x/a -> Deployment/x/a: all ports',
      'Deployment/x/a -> Deployment/x/b: all ports',
      'Deployment/x/a -> cluster DNS: all ports',
      'Deployment/x/a -> outside world: any address on all ports',
      'Deployment/x/b -> Deployment/x/a: all ports',
      'Deployment/x/b -> Deployment/x/b: all ports',
      'Deployment/x/b -> cluster DNS: all ports',
      'Deployment/x/b -> outside world: any address on all ports',
      'ingress controller -> Deployment/x/a: all ports',
      'ingress controller -> Deployment/x/b: all ports',
      'metrics scraper -> Deployment/x/a: all ports',
      'metrics scraper -> Deployment/x/b: all ports',
      'outside world -> Deployment/x/a: any address on all ports',
      'outside world -> Deployment/x/b: any address on all ports',
    ]);
  });

  it('a rule for every port of one protocol, a port range, and addresses in', () => {
    const graph = trafficGraph(readTrafficModel([
      deployment('a', 'x', { app: 'a' }, [{ containerPort: 80 }, { containerPort: 5000, protocol: 'UDP' }]),
      policy('a', 'x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [
        { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 30000, endPort: 30100 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'UDP' }] },
      ] }),
    ]), OPTIONS);
    expect(edges(graph)).toEqual([
      'ingress controller -> Deployment/x/a: all UDP ports',
      'outside world -> Deployment/x/a: 0.0.0.0/0 on TCP 30000-30100',
    ]);
  });
});

describe('the allowed-connection graph of the shop example', () => {
  const ns = new IsolatedNamespace(Testing.app(), 'shop', { team: 'shop' });
  addShop(ns, PRODUCTION);
  const graph = trafficGraph(readTrafficModel(Testing.synth(ns)), OPTIONS);

  it('has the worker\'s one call, DNS, the database outside the cluster, the scraper and the ingress controller', () => {
    expect(edges(graph)).toEqual([
      'Deployment/shop/api -> cluster DNS: TCP 53, UDP 53',
      'Deployment/shop/api -> outside world: 10.20.0.0/24 on TCP 5432',
      'Deployment/shop/worker -> Deployment/shop/api: TCP 8080',
      'Deployment/shop/worker -> cluster DNS: TCP 53, UDP 53',
      'Deployment/shop/worker -> outside world: 10.20.0.0/24 on TCP 5432',
      // Only the TlsIngress backend, on its serving port.
      'ingress controller -> Deployment/shop/api: TCP 8080',
      'metrics scraper -> Deployment/shop/api: TCP 9090',
    ]);
  });
});

describe('connections among a workload\'s own pods', () => {
  const IMAGE = 'ghcr.io/acme/redis:7.2.4';
  const DATA = { name: 'data', mountPath: '/data', storage: Size.gibibytes(10) };
  const workloadEdges = (chart: Chart) => edges(trafficGraph(readTrafficModel(Testing.synth(chart)), OPTIONS))
    .filter((e) => !/cluster DNS|outside world|ingress controller|metrics scraper/.test(e));

  it('allowPeerPods: a loop on the StatefulSet with every port it declares, in the table and in DOT', () => {
    const chart = new Chart(Testing.app(), 'state', { namespace: 'state' });
    new SafeStatefulSet(chart, 'redis', {
      image: IMAGE, volumeClaimTemplates: [DATA], allowPeerPods: true,
      ports: [{ name: 'redis', containerPort: 6379 }, { name: 'gossip', containerPort: 16379, exposed: false }],
    });
    const graph = trafficGraph(readTrafficModel(Testing.synth(chart)), OPTIONS);
    expect(edges(graph)).toContain('StatefulSet/state/redis -> StatefulSet/state/redis: TCP 6379, TCP 16379');
    expect(toTable(graph)).toContain('StatefulSet state/redis  StatefulSet state/redis  TCP 6379, TCP 16379\n');
    expect(toDot(graph)).toContain('  "StatefulSet/state/redis" -> "StatefulSet/state/redis" [label="TCP 6379\\nTCP 16379"];');
  });

  it('without allowPeerPods the pods do not reach each other: no loop', () => {
    const chart = new Chart(Testing.app(), 'state', { namespace: 'state' });
    new SafeStatefulSet(chart, 'redis', { image: IMAGE, port: 6379, volumeClaimTemplates: [DATA] });
    expect(workloadEdges(chart)).toEqual([]);
  });

  it('a namespace that allows its own pods: a loop on each workload and edges both ways between them', () => {
    const ns = new IsolatedNamespace(Testing.app(), 'shop', { team: 'shop', allowSameNamespace: true });
    new SafeDeployment(ns, 'api', { image: IMAGE, port: 8080 });
    new SafeDeployment(ns, 'web', { image: IMAGE, port: 8080 });
    expect(workloadEdges(ns)).toEqual([
      'Deployment/shop/api -> Deployment/shop/api: all ports',
      'Deployment/shop/api -> Deployment/shop/web: all ports',
      'Deployment/shop/web -> Deployment/shop/api: all ports',
      'Deployment/shop/web -> Deployment/shop/web: all ports',
    ]);
  });
});
