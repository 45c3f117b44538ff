import { describe, expect, it } from 'vitest';
import { findBlockedCalls } from '../../lib/traffic/calls';
import { NetworkPolicyEvaluator, mayHoldNodeAddress } from '../../lib/traffic/evaluator';
import { toDot, toTable, trafficGraph } from '../../lib/traffic/graph';
import { readTrafficModel } from '../../lib/traffic/model';
import { deployment, policy, service } from './fixtures';

// Pods on the node's network (hostNetwork): NetworkPolicies see the node's address, not a pod.
const HOST = { hostNetwork: true };
const agent = (env: { [k: string]: string } = {}) => deployment('agent', 'nodes', { app: 'agent' }, [{ containerPort: 9100, name: 'metrics' }], env, HOST);
const agentService = service('agent', 'nodes', { app: 'agent' }, [{ port: 9100, name: 'metrics' }]);
const scraper = (env: { [k: string]: string } = {}) => deployment('scraper', 'shop', { app: 'scraper' }, [{ containerPort: 8080, name: 'http' }], env);
const scraperService = service('scraper', 'shop', { app: 'scraper' }, [{ port: 8080, name: 'http' }]);
const DENY_SHOP = policy('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const DENY_NODES = policy('default-deny', 'nodes', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const egressTo = (to: any) => policy('scraper-out', 'shop', { podSelector: { matchLabels: { app: 'scraper' } }, policyTypes: ['Egress'], egress: [{ to: [to], ports: [{ port: 9100 }] }] });
const ingressFrom = (from: any) => policy('scraper-in', 'shop', { podSelector: { matchLabels: { app: 'scraper' } }, policyTypes: ['Ingress'], ingress: [{ from: [from], ports: [{ port: 8080 }] }] });
const AGENT_PODS = { podSelector: { matchLabels: { app: 'agent' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nodes' } } };
const NODES_NAMESPACE = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nodes' } } };

function may(objects: any[], from: string, to: string, port: number) {
  const model = readTrafficModel(objects);
  const ev = new NetworkPolicyEvaluator(model);
  const pods = (name: string) => ({ pods: model.workloads.find((w) => w.name === name)! });
  return ev.allows(pods(from), pods(to), port);
}

describe('the evaluator: pods on the node\'s network', () => {
  it('as a destination: no pod or namespace selector names them; an ipBlock that may hold a node address does', () => {
    expect(may([DENY_SHOP, agent(), scraper(), egressTo(AGENT_PODS)], 'scraper', 'agent', 9100).allowed).toBe(false);
    expect(may([DENY_SHOP, agent(), scraper(), egressTo(NODES_NAMESPACE)], 'scraper', 'agent', 9100).allowed).toBe(false);
    expect(may([DENY_SHOP, agent(), scraper(), egressTo({ ipBlock: { cidr: '10.0.0.0/16' } })], 'scraper', 'agent', 9100).allowed).toBe(true);
    expect(may([DENY_SHOP, agent(), scraper(), egressTo({ ipBlock: { cidr: '0.0.0.0/0' } })], 'scraper', 'agent', 9100).allowed).toBe(true);
    // A public block holds no node address.
    expect(may([DENY_SHOP, agent(), scraper(), egressTo({ ipBlock: { cidr: '203.0.113.0/24' } })], 'scraper', 'agent', 9100).allowed).toBe(false);
    // Without hostNetwork the same pod selector does name them.
    const podAgent = deployment('agent', 'nodes', { app: 'agent' }, [{ containerPort: 9100 }]);
    expect(may([DENY_SHOP, podAgent, scraper(), egressTo(AGENT_PODS)], 'scraper', 'agent', 9100).allowed).toBe(true);
  });

  it('their own policies do not apply, in either direction', () => {
    const v = may([DENY_NODES, agent(), scraper()], 'scraper', 'agent', 9100);
    expect(v.allowed).toBe(true);
    expect(v.ingress).toEqual({ allowed: true, isolated: false, policies: [], allowedBy: [], nodeNetwork: true });
    const out = may([DENY_NODES, agent(), scraper()], 'agent', 'scraper', 8080);
    expect(out.allowed).toBe(true);
    expect(out.egress).toEqual({ allowed: true, isolated: false, policies: [], allowedBy: [], nodeNetwork: true });
  });

  it('as a source: they reach a pod only through an ipBlock of the nodes\' addresses', () => {
    expect(may([DENY_SHOP, agent(), scraper(), ingressFrom(AGENT_PODS)], 'agent', 'scraper', 8080).allowed).toBe(false);
    expect(may([DENY_SHOP, agent(), scraper(), ingressFrom({ ipBlock: { cidr: '192.168.0.0/24' } })], 'agent', 'scraper', 8080).allowed).toBe(true);
    expect(may([DENY_SHOP, agent(), scraper(), ingressFrom({ ipBlock: { cidr: '198.51.100.0/24' } })], 'agent', 'scraper', 8080).allowed).toBe(false);
  });

  it('a node address is one of the private ranges', () => {
    expect(['10.0.0.0/8', '10.1.2.0/24', '172.20.0.0/16', '192.168.1.0/24', '100.64.0.0/16', 'fd00::/8', '0.0.0.0/0', '::/0'].map(mayHoldNodeAddress)).toEqual(Array(8).fill(true));
    expect(['203.0.113.0/24', '8.8.8.8/32', '2001:db8::/32', 'not a cidr'].map(mayHoldNodeAddress)).toEqual([false, false, false, false]);
  });
});

describe('blocked calls with a side on the node\'s network', () => {
  it('to a hostNetwork workload: the pod rule that would work for a pod does not, and the fix is an ipBlock', () => {
    const blocked = findBlockedCalls([DENY_SHOP, agent(), agentService, scraper({ AGENT_ADDR: 'agent.nodes.svc:9100' }), egressTo(AGENT_PODS)]);
    expect(blocked.map((b) => b.message)).toEqual([
      'Deployment shop/scraper calls Deployment nodes/agent at "agent.nodes.svc:9100" (env AGENT_ADDR of container "main"; Service nodes/agent port 9100), '
      + 'but the egress of scraper (NetworkPolicy default-deny, scraper-out; agent runs with hostNetwork: its pods have the node\'s address, which no pod selector matches) refuses TCP 9100',
    ]);
    expect(blocked[0].fix).toBe('add an egress rule to scraper\'s NetworkPolicy: to {ipBlock {cidr: <the nodes\' CIDR>}} on TCP 9100 (or run agent without hostNetwork)');
    expect(findBlockedCalls([DENY_SHOP, agent(), agentService, scraper({ AGENT_ADDR: 'agent.nodes.svc:9100' }), egressTo({ ipBlock: { cidr: '10.0.0.0/16' } })])).toEqual([]);
  });

  it('from a hostNetwork workload: the callee must admit the nodes\' addresses', () => {
    const blocked = findBlockedCalls([DENY_SHOP, DENY_NODES, agent({ TARGET: 'http://scraper.shop:8080/metrics' }), scraper(), scraperService, ingressFrom(AGENT_PODS)]);
    expect(blocked.map((b) => b.message)).toEqual([
      'Deployment nodes/agent calls Deployment shop/scraper at "http://scraper.shop:8080" (env TARGET of container "main"; Service shop/scraper port 8080), '
      + 'but the ingress of scraper (NetworkPolicy default-deny, scraper-in; agent runs with hostNetwork: its traffic has the node\'s address, which no pod selector matches) refuses TCP 8080',
    ]);
    expect(blocked[0].fix).toBe('add an ingress rule to scraper\'s NetworkPolicy: from {ipBlock {cidr: <the nodes\' CIDR>}} on TCP 8080 (or run agent without hostNetwork)');
    // The agent's own default-deny does not apply; an ipBlock on the callee's side is all it takes.
    expect(findBlockedCalls([DENY_SHOP, DENY_NODES, agent({ TARGET: 'http://scraper.shop:8080/metrics' }), scraper(), scraperService, ingressFrom({ ipBlock: { cidr: '10.0.0.0/8' } })])).toEqual([]);
  });
});

describe('the picture: hostNetwork workloads as node-network nodes', () => {
  const graph = trafficGraph(readTrafficModel([DENY_SHOP, agent(), scraper(), egressTo({ ipBlock: { cidr: '10.0.0.0/16' } })]), { ingressController: { namespace: 'ingress', podLabels: { app: 'ingress' } } });

  it('marks the node and draws it apart; the edge comes from the ipBlock rule', () => {
    expect(graph.nodes.filter((n) => n.kind).map((n) => [n.name, n.hostNetwork ?? false])).toEqual([['agent', true], ['scraper', false]]);
    expect(graph.edges.map((e) => `${e.from} -> ${e.to}: ${e.ports.join(', ')}`)).toContain('Deployment/shop/scraper -> Deployment/nodes/agent: TCP 9100');
    const dot = toDot(graph);
    expect(dot).toContain('  subgraph "cluster_node-network" {\n    label="node network (hostNetwork)";');
    expect(dot).toContain('    "Deployment/nodes/agent" [label="agent\\nDeployment, namespace nodes", fillcolor="#fce8e6"];');
    expect(dot).not.toContain('cluster_nodes');
    expect(toTable(graph)).toMatch(/^Deployment shop\/scraper +Deployment nodes\/agent \(node network\) +TCP 9100$/m);
    // Its own policies do not apply: it reaches anything, and anything reaches it.
    expect(toTable(graph)).toMatch(/^outside world +Deployment nodes\/agent \(node network\) +any address on all ports$/m);
  });
});
