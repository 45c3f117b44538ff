/**
 * The allowed-connection graph of an app: which workload may open a connection to which, on
 * which ports, as the app's NetworkPolicies decide it (see evaluator.ts); plus the parties
 * outside the app that every app deals with, as named nodes: the outside world (addresses,
 * from `ipBlock` rules or no policy at all), cluster DNS, the ingress controller and the
 * metrics scraper. Written as Graphviz DOT, as a plain text table, and (svg.ts) as SVG.
 *
 * Edges list the ports that are open among the ports the destination serves (its container
 * ports and the target ports of its Services); "all TCP ports" when a rule opens every port
 * of a protocol. Connections among a workload's own pods (replication and gossip, such as a
 * StatefulSet's `allowPeerPods`, or a namespace that allows its own pods) are a loop on its node.
 * Workloads on the node's network (`hostNetwork`) are drawn apart, as node-network nodes: their
 * traffic carries the node's address, and their own policies do not apply (see evaluator.ts).
 */
import { Direction, NetworkPolicyEvaluator, ParsedPolicy } from './evaluator';
import { ContainerPortInfo, PodGroup, TrafficModel, Workload, serviceSelects } from './model';

/** A party outside the app, matched by the app's policies like any pod. */
export interface OutsideParty {
  readonly namespace: string;
  /** Labels of its pods. */
  readonly podLabels: { readonly [key: string]: string };
}

/** Who the named parties are. */
export interface TrafficGraphOptions {
  /** The ingress controller's pods (the CLI takes them from the library's controller profiles). */
  readonly ingressController: OutsideParty;
  /** @default Prometheus pods (`app.kubernetes.io/name: prometheus`) in namespace `monitoring` */
  readonly metricsScraper?: OutsideParty;
  /** @default pods labelled `k8s-app: kube-dns` in `kube-system`, UDP and TCP 53 */
  readonly clusterDns?: OutsideParty;
}

export const OUTSIDE_WORLD = 'outside world';
export const CLUSTER_DNS = 'cluster DNS';
export const INGRESS_CONTROLLER = 'ingress controller';
export const METRICS_SCRAPER = 'metrics scraper';
/** How workloads with `hostNetwork` are marked. */
export const NODE_NETWORK = 'node network';

export interface TrafficNode {
  readonly id: string;
  /** `Deployment` etc. for workloads; undefined for the named parties. */
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  /** Whether the workload's pods run on the node's network (`hostNetwork`). */
  readonly hostNetwork?: boolean;
}

export interface TrafficEdge {
  readonly from: string;
  readonly to: string;
  /** What is open, sorted: `TCP 8080`, `all UDP ports`, `10.20.0.0/24 on TCP 5432`, `any address on all ports`. */
  readonly ports: readonly string[];
}

export interface TrafficGraph {
  /** Workloads sorted by id, then the named parties that have an edge. */
  readonly nodes: readonly TrafficNode[];
  /** Sorted by source, then destination. */
  readonly edges: readonly TrafficEdge[];
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** A port that no rule names: only rules without a port number (or no policy) let it through. */
const ANY_PORT = 0;

function party(id: string, p: OutsideParty, ports: ContainerPortInfo[] = []): PodGroup {
  return { id, name: id, namespace: p.namespace, labels: { ...p.podLabels }, ports };
}

function portKey(protocol: string, port: number): string {
  return `${protocol} ${port}`;
}

function sortPorts(ports: Iterable<string>): string[] {
  const rank = (s: string) => {
    const m = /^(.*?)(\d+)$/.exec(s);
    return m ? [m[1], Number(m[2])] as const : [s, -1] as const;
  };
  return [...new Set(ports)].sort((a, b) => {
    const [pa, na] = rank(a);
    const [pb, nb] = rank(b);
    return pa < pb ? -1 : pa > pb ? 1 : na - nb;
  });
}

/** The ports a workload serves: its container ports and the numeric target ports of its Services. */
function servedPorts(model: TrafficModel, group: PodGroup): Array<{ port: number; protocol: string }> {
  const out = new Map<string, { port: number; protocol: string }>();
  for (const p of group.ports) out.set(portKey(p.protocol, p.port), { port: p.port, protocol: p.protocol });
  for (const s of model.services.filter((x) => serviceSelects(x, group))) {
    for (const p of s.ports) if (typeof p.targetPort === 'number') out.set(portKey(p.protocol, p.targetPort), { port: p.targetPort, protocol: p.protocol });
  }
  return [...out.values()];
}

/** What `from` may open to `to` (serving `served`), as sorted port labels (empty: nothing). */
function openPortsOf(ev: NetworkPolicyEvaluator, from: PodGroup, to: PodGroup, served: ReadonlyArray<{ port: number; protocol: string }>): string[] {
  const out: string[] = [];
  const everyPort = new Set(PROTOCOLS.filter((proto) => ev.allows({ pods: from }, { pods: to }, ANY_PORT, proto).allowed));
  if (everyPort.size === PROTOCOLS.length) out.push('all ports');
  else for (const proto of everyPort) out.push(`all ${proto} ports`);
  for (const p of served) {
    if (!everyPort.has(p.protocol) && ev.allows({ pods: from }, { pods: to }, p.port, p.protocol).allowed) out.push(portKey(p.protocol, p.port));
  }
  return sortPorts(out);
}

function ruleText(policy: ParsedPolicy, direction: Direction): string[] {
  const out: string[] = [];
  for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
    const addresses = rule.peers.length === 0 ? ['any address'] : rule.peers.flatMap((p) => (p.ipBlock
      ? [p.ipBlock.cidr + (p.ipBlock.except.length > 0 ? ` except ${p.ipBlock.except.join(', ')}` : '')]
      : []));
    const ports = rule.ports.length === 0 ? ['all ports'] : rule.ports.flatMap((p) => (typeof p.port === 'string'
      ? [] // a named port never matches an address outside the app
      : [p.port === undefined ? `all ${p.protocol} ports` : `${p.protocol} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`]));
    for (const a of addresses) for (const p of ports) out.push(`${a} on ${p}`);
  }
  return out;
}

/** What a workload may exchange with addresses outside the app, in one direction. */
function outsidePorts(ev: NetworkPolicyEvaluator, w: Workload, direction: Direction): string[] {
  const policies = ev.policiesFor(w, direction);
  if (policies.length === 0) return ['any address on all ports'];
  return sortPorts(policies.flatMap((p) => ruleText(p, direction)));
}

/** Builds the allowed-connection graph of an app. */
export function trafficGraph(model: TrafficModel, options: TrafficGraphOptions): TrafficGraph {
  const ev = new NetworkPolicyEvaluator(model);
  const dns = party(CLUSTER_DNS, options.clusterDns ?? { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }, [
    { port: 53, protocol: 'UDP', name: 'dns' }, { port: 53, protocol: 'TCP', name: 'dns-tcp' },
  ]);
  const controller = party(INGRESS_CONTROLLER, options.ingressController);
  const scraper = party(METRICS_SCRAPER, options.metricsScraper ?? { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } });
  const workloads = [...model.workloads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const served = new Map<PodGroup, Array<{ port: number; protocol: string }>>([dns, ...workloads].map((g) => [g, servedPorts(model, g)]));
  const openPorts = (from: PodGroup, to: PodGroup) => openPortsOf(ev, from, to, served.get(to)!);
  const edges: TrafficEdge[] = [];
  const edge = (from: string, to: string, ports: string[]) => {
    if (ports.length > 0) edges.push({ from, to, ports });
  };
  for (const w of workloads) {
    edge(controller.id, w.id, openPorts(controller, w));
    edge(scraper.id, w.id, openPorts(scraper, w));
    edge(OUTSIDE_WORLD, w.id, outsidePorts(ev, w, 'Ingress'));
  }
  for (const a of workloads) {
    for (const b of workloads) edge(a.id, b.id, openPorts(a, b));
    edge(a.id, dns.id, openPorts(a, dns));
    edge(a.id, OUTSIDE_WORLD, outsidePorts(ev, a, 'Egress'));
  }
  const ids = new Set(workloads.map((w) => w.id));
  const order = (id: string) => (ids.has(id) ? `0${id}` : `1${id}`);
  edges.sort((x, y) => (order(x.from) + '\0' + order(x.to) < order(y.from) + '\0' + order(y.to) ? -1 : 1));
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const nodes: TrafficNode[] = [
    ...workloads.map((w) => (w.hostNetwork
      ? { id: w.id, kind: w.kind, name: w.name, namespace: w.namespace, hostNetwork: true }
      : { id: w.id, kind: w.kind, name: w.name, namespace: w.namespace })),
    ...[INGRESS_CONTROLLER, METRICS_SCRAPER, CLUSTER_DNS, OUTSIDE_WORLD].filter((id) => used.has(id)).map((id) => ({ id, name: id })),
  ];
  return { nodes, edges };
}

function label(graph: TrafficGraph, id: string): string {
  const n = graph.nodes.find((x) => x.id === id);
  return n?.kind ? `${n.kind} ${n.namespace}/${n.name}${n.hostNetwork ? ` (${NODE_NETWORK})` : ''}` : id;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Graphviz DOT: workloads as boxes grouped by namespace, those on the node's network apart in
 * a "node network" group, named parties as ellipses, edges labelled with ports.
 */
export function toDot(graph: TrafficGraph): string {
  const lines = [
    'digraph traffic {',
    '  rankdir=LR;',
    '  nodesep=0.4; ranksep=1.1;',
    '  graph [fontname="Helvetica", fontsize=11, label="Allowed connections (NetworkPolicies)", labelloc=t];',
    '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#e8f0fe"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const byNs = new Map<string, TrafficNode[]>();
  for (const n of graph.nodes) {
    if (!n.kind || n.hostNetwork) continue;
    const list = byNs.get(n.namespace!) ?? [];
    list.push(n);
    byNs.set(n.namespace!, list);
  }
  for (const [ns, nodes] of [...byNs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`  subgraph ${quote(`cluster_${ns}`)} {`, `    label=${quote(`namespace ${ns}`)};`, '    style="rounded,dashed"; labeljust=l;');
    for (const n of nodes) lines.push(`    ${quote(n.id)} [label=${quote(`${n.name}\n${n.kind}`)}];`);
    lines.push('  }');
  }
  const onNodes = graph.nodes.filter((n) => n.kind && n.hostNetwork);
  if (onNodes.length > 0) {
    lines.push(`  subgraph ${quote('cluster_node-network')} {`, `    label=${quote(`${NODE_NETWORK} (hostNetwork)`)};`, '    style="rounded,filled"; fillcolor="#f1f3f4"; labeljust=l;');
    for (const n of onNodes) lines.push(`    ${quote(n.id)} [label=${quote(`${n.name}\n${n.kind}, namespace ${n.namespace}`)}, fillcolor="#fce8e6"];`);
    lines.push('  }');
  }
  for (const n of graph.nodes) if (!n.kind) lines.push(`  ${quote(n.id)} [shape=ellipse, fillcolor="#fef7e0"];`);
  for (const e of graph.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.ports.join('\n'))}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** A plain text table: one line per edge, its ports separated by commas. */
export function toTable(graph: TrafficGraph): string {
  const rows = graph.edges.map((e) => [label(graph, e.from), label(graph, e.to), e.ports.join(', ')]);
  const all = [['FROM', 'TO', 'PORTS'], ...rows];
  const width = [0, 1].map((i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => `${r[0].padEnd(width[0])}  ${r[1].padEnd(width[1])}  ${r[2]}`.trimEnd()).join('\n') + '\n';
}
