import { App, Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, IsolatedNamespace, NetworkPeer, PodSecurityLevel, SafeDaemonSet, SafeDaemonSetProps, SafeDeployment, SafeStatefulSet } from '../../lib';

const image = (n: string) => `ghcr.io/acme/${n}:1.0.0`;
const VOLUMES = [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }];
const AGENT: SafeDaemonSetProps = { image: image('agent'), ports: [{ name: 'metrics', containerPort: 9100 }], hostNetwork: true, hostNetworkReason: 'node metrics on the host address', metrics: { port: 9100 } };
const NODES_CIDR = NetworkPeer.cidr('10.0.0.0/16');
const PEER_ERROR = "NetworkPeer.workload(): invalid workload \"nodes/agent\"; expected pods that a NetworkPolicy can name: the workload runs with hostNetwork, so its pods have their node's address, which no pod selector matches, "
  + "and its own NetworkPolicy does not apply; name the nodes with NetworkPeer.cidr('<the nodes' CIDR>') and the ports, or run the workload without hostNetwork.";

function nodes(app: App) {
  return new IsolatedNamespace(app, 'nodes', {
    team: 'platform', podSecurityEnforce: PodSecurityLevel.PRIVILEGED, podSecurityWarn: PodSecurityLevel.PRIVILEGED, podSecurityAudit: PodSecurityLevel.PRIVILEGED,
    skip: { 'ns-pod-security': 'node agents' }, quota: { expectedNodes: 10 },
  });
}
const shop = (app: App) => new IsolatedNamespace(app, 'shop', { team: 'shop' });
/** Builds under Guardrails.enforce and synthesizes: the error text, or 'synthesized'. */
function build(fn: (app: App) => void, enforce = true): string {
  const app = Testing.app();
  if (enforce) Guardrails.enforce(app);
  try {
    fn(app);
    app.synthYaml();
    return 'synthesized';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('a call with a side on the node\'s network (hostNetwork)', () => {
  const toAgent = "expected a workload whose pods NetworkPolicies can name: agent runs with hostNetwork, so its pods have their node's address, which no pod selector matches, and its own NetworkPolicy does not apply. "
    + "Let scraper reach the nodes with allowTo(NetworkPeer.cidr('<the nodes' CIDR>').withPorts([{ port: 9100 }])) and write agent.addressFor(...) into the caller's env or files, or run agent without hostNetwork.";
  const fromAgent = (callee: string, port: number) => `expected a call from pods that NetworkPolicies can name: agent runs with hostNetwork, so its traffic has its node's address, which no pod selector matches, and its own NetworkPolicy does not apply. `
    + `Let the nodes reach ${callee} with ${callee}.allowFrom(NetworkPeer.cidr('<the nodes' CIDR>'), [{ port: ${port} }]) and write ${callee}.addressFor(...) into the caller's env or files, or run agent without hostNetwork.`;

  it('calls and connectTo to a hostNetwork workload are refused with the ipBlock fix', () => {
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', AGENT);
      new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080, calls: [{ workload: agent, env: 'AGENT' }] });
    })).toBe(`SafeDeployment at 'shop/scraper': invalid calls[0].workload "agent"; ${toAgent}`);
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', AGENT);
      new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080 }).connectTo(agent, 'metrics');
    })).toBe(`SafeDeployment at 'shop/scraper': invalid connectTo "agent"; ${toAgent}`);
  });

  it('calls and connectTo from a hostNetwork workload are refused, the calls prop at synth when the pod template is written', () => {
    const callsDb = (app: App) => {
      const db = new SafeStatefulSet(shop(app), 'db', { image: image('db'), port: 5432, skip: { metrics: 'scraped elsewhere' }, volumeClaimTemplates: VOLUMES });
      new SafeDaemonSet(nodes(app), 'agent', { ...AGENT, calls: [{ workload: db, env: 'DB' }] });
    };
    expect(build(callsDb, false)).toBe(`SafeDaemonSet at 'nodes/agent': invalid calls[0].workload "db"; ${fromAgent('db', 5432)}`);
    // Under Guardrails.enforce the checker writes db's NetworkPolicy first, where the peer is refused.
    expect(build(callsDb)).toBe(`Failed serializing construct at path 'shop/db/NetworkPolicy' with name 'db': Error: ${PEER_ERROR}`);
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', AGENT);
      agent.connectTo(new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080 }));
    })).toBe(`SafeDaemonSet at 'nodes/agent': invalid connectTo "scraper"; ${fromAgent('scraper', 8080)}`);
  });

  it('the fix works: an ipBlock of the nodes on the port, and the address written by hand', () => {
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', AGENT);
      const scraper = new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080, env: { AGENT: 'agent.nodes.svc:9100' } });
      scraper.allowTo(NODES_CIDR.withPorts([{ port: 9100 }]));
      expect(agent.addressFor(scraper)).toBe('agent.nodes.svc:9100');
    })).toBe('synthesized');
    // Without the ipBlock, the address alone is a blocked call.
    expect(build((app) => {
      new SafeDaemonSet(nodes(app), 'agent', AGENT);
      new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080, env: { AGENT: 'agent.nodes.svc:9100' } });
    })).toMatch(/network-calls: .*calls DaemonSet nodes\/agent at "agent\.nodes\.svc:9100" .*agent runs with hostNetwork: its pods have the node's address, which no pod selector matches\) refuses TCP 9100\. Fix: add an egress rule to scraper's NetworkPolicy: to \{ipBlock \{cidr: <the nodes' CIDR>\}\} on TCP 9100 \(or run agent without hostNetwork\)/);
  });
});

describe('calls to the pods of a StatefulSet by their own names', () => {
  const db = (app: App) => new SafeStatefulSet(shop(app), 'db', { image: image('db'), port: 5432, skip: { metrics: 'scraped elsewhere' }, volumeClaimTemplates: VOLUMES });
  const kafka = (app: App, allowPeerPods: boolean) => new SafeStatefulSet(shop(app), 'kafka', {
    image: image('kafka'), ports: [{ name: 'broker', containerPort: 9092 }], skip: { metrics: 'scraped elsewhere' }, volumeClaimTemplates: VOLUMES, allowPeerPods,
    env: { PEERS: 'kafka-0.kafka-headless:9092,kafka-1.kafka-headless:9092' },
  });

  it('a forgotten call to db-0 fails synth; declared, it passes', () => {
    const url = 'postgres://db-0.db-headless.shop.svc.cluster.local:5432/app';
    expect(build((app) => {
      db(app);
      new SafeDeployment(app.node.findChild('shop') as IsolatedNamespace, 'api', { image: image('api'), port: 8080, env: { DB_URL: url } });
    })).toMatch(/network-calls: .*Deployment shop\/api calls StatefulSet shop\/db at "postgres:\/\/db-0\.db-headless\.shop\.svc\.cluster\.local:5432" \(.*; pod db-0 of Service shop\/db-headless, port 5432\), but .* refuse TCP 5432/);
    expect(build((app) => {
      const store = db(app);
      new SafeDeployment(app.node.findChild('shop') as IsolatedNamespace, 'api', { image: image('api'), port: 8080, calls: [{ workload: store }], env: { DB_URL: url } });
    })).toBe('synthesized');
  });

  it('peers of one StatefulSet need allowPeerPods', () => {
    expect(build((app) => kafka(app, false))).toMatch(/network-calls: StatefulSet shop\/kafka .*calls StatefulSet shop\/kafka at "kafka-0\.kafka-headless:9092" .*\(pods of one workload that call each other: allowPeerPods: true on a SafeStatefulSet/);
    expect(build((app) => kafka(app, true))).toBe('synthesized');
  });
});

describe('a hostNetwork workload as a NetworkPeer', () => {
  it('is refused when written into a policy, with the fix', () => {
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', AGENT);
      new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080 }).allowFrom(NetworkPeer.workload(agent));
    })).toBe(`Failed serializing construct at path 'shop/scraper/NetworkPolicy' with name 'scraper': Error: ${PEER_ERROR}`);
    expect(build((app) => {
      const agent = new SafeDaemonSet(nodes(app), 'agent', { ...AGENT, hostNetwork: undefined, hostNetworkReason: undefined, ports: [{ name: 'metrics', containerPort: 9100 }] });
      new SafeDeployment(shop(app), 'scraper', { image: image('scraper'), port: 8080 }).allowFrom(NetworkPeer.workload(agent));
    })).toBe('synthesized');
  });

  it('its own allowFrom still works (the rule is moot on the node\'s network, and harmless)', () => {
    expect(build((app) => {
      new SafeDaemonSet(nodes(app), 'agent', AGENT).allowFrom(NODES_CIDR);
    })).toBe('synthesized');
  });
});
