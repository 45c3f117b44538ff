import { errorOf as error } from '../helpers';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  IsolatedNamespace, IsolatedNamespaceProps, IssuerReference, NetworkPeer, NetworkProtocol, SafeDeployment, TlsIngress,
} from '../../lib';
import { Guardrails } from '../../lib/practices/guardrails';
import { all, one } from '../helpers';
import { apiServerProblems, FakeIngress } from './api-server';

function build(props: Partial<IsolatedNamespaceProps> = {}, id = 'payments') {
  const app = Testing.app();
  return { app, ns: new IsolatedNamespace(app, id, { team: 'payments', ...props }) };
}

function policies(ns: IsolatedNamespace): { [name: string]: any } {
  const manifests = Testing.synth(ns);
  expect(apiServerProblems(manifests)).toEqual([]);
  return Object.fromEntries(all(manifests, 'NetworkPolicy').map((m) => [m.metadata.name, m]));
}


const TRAEFIK = NetworkPeer.pods({ 'app.kubernetes.io/name': 'traefik' }, 'traefik');
const NGINX = NetworkPeer.pods({ 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx');
const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
};

describe('ns-default-deny: the default policies', () => {
  const { ns } = build();
  const p = policies(ns);

  it('emits only default-deny and allow-dns', () => {
    expect(Object.keys(p)).toEqual(['default-deny', 'allow-dns']);
  });

  it('default-deny selects every pod for ingress and egress with no rules', () => {
    expect(p['default-deny'].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('allow-dns opens egress to cluster DNS on UDP and TCP 53', () => {
    expect(p['allow-dns'].spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [DNS_RULE] });
  });

  it('uses another DNS peer (NodeLocal DNSCache)', () => {
    const dns = NetworkPeer.cidr('169.254.20.10/32').withPorts([{ port: 53, protocol: NetworkProtocol.UDP }, { port: 53 }]);
    expect(policies(build({ clusterDns: dns }).ns)['allow-dns'].spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    }]);
  });

  it('opens traffic inside the namespace only when asked', () => {
    const { ns: n } = build({ allowSameNamespace: true });
    expect(n.sameNamespacePolicy!.name).toBe('allow-same-namespace');
    expect(policies(n)['allow-same-namespace'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  });

  it('skipping the rule removes every policy and records the reason on the Namespace', () => {
    const { ns: n } = build({ skip: { 'ns-default-deny': 'the CNI enforces no NetworkPolicy' } });
    const manifests = Testing.synth(n);
    expect(all(manifests, 'NetworkPolicy')).toEqual([]);
    expect(n.defaultDenyPolicy).toBeUndefined();
    expect(n.dnsPolicy).toBeUndefined();
    expect(one(manifests, 'Namespace').metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.ns-default-deny': 'the CNI enforces no NetworkPolicy' });
  });

  it('refuses peers when the rule is skipped', () => {
    expect(error(() => build({ skip: { 'ns-default-deny': 'x' }, allowTo: [NetworkPeer.cidr('10.0.0.0/8')] }))).toBe(
      'IsolatedNamespace at \'payments\': invalid allowTo[0] "cidr 10.0.0.0/8"; expected no peers when the rule ns-default-deny is skipped: without the default-deny policy every peer is already allowed.');
  });
});

describe('ns-default-deny: ingress from ingress controllers', () => {
  it('opens ingress from the controller of an ingress in the namespace, found at synthesis', () => {
    const { ns } = build();
    new FakeIngress(ns, 'web', TRAEFIK);
    expect(ns.ingressControllerPeers).toEqual([TRAEFIK]);
    expect(ns.ingressControllerPolicy).toBeUndefined();
    const p = policies(ns);
    expect(ns.ingressControllerPolicy!.name).toBe('allow-ingress-controller');
    expect(p['allow-ingress-controller'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }] }],
    });
  });

  it('opens each distinct controller once, in construct-tree order, from any depth', () => {
    const { ns } = build();
    const web = new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    new FakeIngress(ns, 'a', TRAEFIK);
    new FakeIngress(web, 'b', NGINX);
    new FakeIngress(ns, 'c', NetworkPeer.pods({ 'app.kubernetes.io/name': 'traefik' }, 'traefik'));
    const rules = policies(ns)['allow-ingress-controller'].spec.ingress;
    // `b` sits under `web`, which was created before `a`.
    expect(rules.map((r: any) => r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['ingress-nginx', 'traefik']);
  });

  it('keeps the controller peer\'s ports', () => {
    const { ns } = build();
    new FakeIngress(ns, 'web', TRAEFIK.withPorts([{ port: 8080 }]));
    expect(policies(ns)['allow-ingress-controller'].spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('does not open controllers with allowIngressControllers: false', () => {
    const { ns } = build({ allowIngressControllers: false });
    new FakeIngress(ns, 'web', TRAEFIK);
    expect(ns.ingressControllerPeers).toEqual([]);
    expect(policies(ns)['allow-ingress-controller']).toBeUndefined();
  });

  it('a real TlsIngress opens its backends itself: no namespace-wide opening, and the whole passes every rule', () => {
    const { app, ns } = build();
    Guardrails.enforce(app);
    const web = new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    new TlsIngress(ns, 'ingress', { host: 'pay.example.com', backend: web, issuer: IssuerReference.clusterIssuer('letsencrypt') });
    expect(ns.ingressControllerPeers).toHaveLength(1);
    expect(policies(ns)['allow-ingress-controller']).toBeUndefined();
    expect(Guardrails.report(app).violations).toEqual([]);
  });
});

describe('ns-default-deny: named peers', () => {
  it('opens ingress from and egress to named peers on their ports, in order', () => {
    const { ns } = build({
      allowFrom: [NetworkPeer.namespace('monitoring').withPorts([{ port: 9090 }])],
      allowTo: [NetworkPeer.cidr('10.20.0.0/24').withPorts([{ port: 5432 }])],
    });
    ns.allowTo(NetworkPeer.cidr('192.168.0.0/16', ['192.168.1.0/24']));
    ns.allowFrom(NetworkPeer.pods({ app: 'gateway' }, 'edge'));
    expect(ns.peerIngressPolicy!.name).toBe('allow-from-peers');
    expect(ns.peerEgressPolicy!.name).toBe('allow-to-peers');
    const p = policies(ns);
    expect(p['allow-from-peers'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'gateway' } } }] },
      ],
    });
    expect(p['allow-to-peers'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] },
      ],
    });
  });

  it('an IsolatedNamespace is a peer: asPeer selects its namespace, optionally some pods', () => {
    const { app, ns: payments } = build();
    const ledger = new IsolatedNamespace(app, 'ledger', { team: 'ledger' });
    payments.allowTo(ledger.asPeer({ app: 'ledger-api' }).withPorts([{ port: 8080 }]));
    expect(policies(payments)['allow-to-peers'].spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ledger' } }, podSelector: { matchLabels: { app: 'ledger-api' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    expect(ledger.asPeer().description).toBe('namespace ledger');
  });

  it('connectTo opens both sides between two namespaces', () => {
    const { app, ns: payments } = build();
    const ledger = new IsolatedNamespace(app, 'ledger', { team: 'ledger' });
    payments.connectTo(ledger, [{ port: 8443 }]);
    const ns = (n: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
    expect(policies(payments)['allow-to-peers'].spec.egress).toEqual([{ to: [ns('ledger')], ports: [{ port: 8443, protocol: 'TCP' }] }]);
    expect(policies(ledger)['allow-from-peers'].spec.ingress).toEqual([{ from: [ns('payments')], ports: [{ port: 8443, protocol: 'TCP' }] }]);
    expect(policies(payments)['allow-from-peers']).toBeUndefined();
  });

  it('accepts overlapping peers on different ports, a block carved out of a wider one, and IPv6', () => {
    const { ns } = build({
      allowTo: [
        NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443 }]),
        NetworkPeer.cidr('10.1.0.0/16').withPorts([{ port: 5432 }]),
        NetworkPeer.cidr('172.16.0.0/12', ['172.16.5.0/24']),
        NetworkPeer.cidr('172.16.5.0/24').withPorts([{ port: 22 }]),
        NetworkPeer.cidr('fd00::/8'),
        NetworkPeer.namespace('ledger').withPorts([{ port: 8080, endPort: 8090 }]),
        NetworkPeer.namespace('ledger', { app: 'x' }).withPorts([{ port: 9000 }]),
      ],
    });
    expect(policies(ns)['allow-to-peers'].spec.egress).toHaveLength(7);
  });

  it('peers given in props and added later are checked against each other', () => {
    const { ns } = build({ allowTo: [NetworkPeer.cidr('10.0.0.0/8')] });
    expect(error(() => ns.allowTo(NetworkPeer.cidr('10.0.0.0/8')))).toContain('invalid allowTo() "cidr 10.0.0.0/8"; expected a peer not already given (allowTo[0] is the same peer)');
  });

  const PREFIX = 'IsolatedNamespace at \'payments\': invalid ';
  it.each([
    ['the same CIDR twice', [NetworkPeer.cidr('10.0.0.0/8'), NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443 }])],
      'allowTo[1] "cidr 10.0.0.0/8"; expected a peer not already given (allowTo[0] is the same peer): give one peer all its ports, e.g. NetworkPeer.cidr(...).withPorts([{ port: 443 }, { port: 5432 }]).'],
    ['a CIDR inside another', [NetworkPeer.cidr('10.0.0.0/8'), NetworkPeer.cidr('10.1.2.0/24').withPorts([{ port: 5432 }])],
      'allowTo[1] "cidr 10.1.2.0/24"; expected a peer that does not overlap allowTo[0] (cidr 10.0.0.0/8) on the same ports: drop the narrower one, or carve it out of the wider one with except.'],
    ['a CIDR around another', [NetworkPeer.cidr('10.1.2.0/24').withPorts([{ port: 5432 }]), NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 5000, endPort: 6000 }])],
      'allowTo[1] "cidr 10.0.0.0/8"; expected a peer that does not overlap allowTo[0] (cidr 10.1.2.0/24) on the same ports'],
    ['IPv6 blocks inside each other', [NetworkPeer.cidr('fd00::/8'), NetworkPeer.cidr('fd00:1::/32')],
      'allowTo[1] "cidr fd00:1::/32"; expected a peer that does not overlap allowTo[0] (cidr fd00::/8)'],
    ['a namespace and pods in it', [NetworkPeer.namespace('ledger'), NetworkPeer.namespace('ledger', { app: 'x' })],
      'allowTo[1] "namespace ledger"; expected a peer that does not overlap allowTo[0] (namespace ledger)'],
    ['the same pods twice', [NetworkPeer.pods({ app: 'x' }, 'ledger'), NetworkPeer.pods({ app: 'x' }, 'ledger')],
      'allowTo[1] "pods {\\"app\\":\\"x\\"} in ledger"; expected a peer not already given (allowTo[0] is the same peer)'],
    ['an invalid CIDR', [NetworkPeer.cidr('10.0.0.300/8')],
      'allowTo[0] "cidr 10.0.0.300/8"; expected a valid peer (CIDR "10.0.0.300/8": "10.0.0.300" is not an IPv4 address).'],
    ['a CIDR without prefix', [NetworkPeer.cidr('10.0.0.1')],
      'allowTo[0] "cidr 10.0.0.1"; expected a valid peer (CIDR "10.0.0.1": a CIDR needs a prefix length, e.g. "/32" for one address).'],
    ['a prefix too long', [NetworkPeer.cidr('10.0.0.0/33')],
      'allowTo[0] "cidr 10.0.0.0/33"; expected a valid peer (CIDR "10.0.0.0/33": the prefix length must be 0 to 32).'],
    ['host bits set', [NetworkPeer.cidr('10.0.0.1/8')],
      'allowTo[0] "cidr 10.0.0.1/8"; expected a valid peer (CIDR "10.0.0.1/8": host bits are set; the network address is 10.0.0.0/8).'],
    ['an except outside its block', [NetworkPeer.cidr('10.0.0.0/8', ['11.0.0.0/16'])],
      'allowTo[0] "cidr 10.0.0.0/8"; expected a valid peer (except "11.0.0.0/16" is not strictly inside 10.0.0.0/8).'],
    ['a bad IPv6 address', [NetworkPeer.cidr('fd00::1::2/64')],
      'allowTo[0] "cidr fd00::1::2/64"; expected a valid peer (CIDR "fd00::1::2/64": "fd00::1::2" is not an IPv6 address).'],
    ['a port out of range', [NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 70000 }])],
      'allowTo[0] "cidr 10.0.0.0/8"; expected a valid peer (port 70000 is not 1 to 65535).'],
    ['the own namespace', [NetworkPeer.namespace('payments')],
      'allowTo[0] "namespace payments"; expected a peer outside this namespace: use allowSameNamespace: true to let the pods of the namespace talk to each other.'],
  ])('rejects %s', (_what, peers, expected) => {
    expect(error(() => build({ allowTo: peers }))).toContain(PREFIX + expected);
  });

  it('rejects the namespace naming itself as a peer through asPeer', () => {
    const { ns } = build();
    expect(error(() => ns.allowFrom(ns.asPeer()))).toBe(
      `${PREFIX}allowFrom() "namespace payments"; expected a peer outside this namespace: use allowSameNamespace: true to let the pods of the namespace talk to each other.`);
  });

  it('checks ingress and egress peers separately', () => {
    const { ns } = build({ allowFrom: [NetworkPeer.cidr('10.0.0.0/8')], allowTo: [NetworkPeer.cidr('10.0.0.0/8')] });
    const p = policies(ns);
    expect(p['allow-from-peers'].spec.ingress).toHaveLength(1);
    expect(p['allow-to-peers'].spec.egress).toHaveLength(1);
  });

  it('rejects an invalid DNS peer', () => {
    expect(error(() => build({ clusterDns: NetworkPeer.cidr('10.96.0.10') }))).toBe(
      `${PREFIX}clusterDns "cidr 10.96.0.10"; expected a valid peer (CIDR "10.96.0.10": a CIDR needs a prefix length, e.g. "/32" for one address).`);
  });
});
