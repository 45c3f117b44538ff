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

  // Peers are checked when they are built, so every construct that takes one gets a valid peer.
  const CIDR = 'expected a CIDR such as "10.0.0.0/8" or "fd00::/8"';
  it.each([
    ['an invalid CIDR', () => NetworkPeer.cidr('10.0.0.300/8'),
      `NetworkPeer.cidr(): invalid cidr "10.0.0.300/8"; ${CIDR} ("10.0.0.300" is not an IPv4 address).`],
    ['a CIDR without prefix', () => NetworkPeer.cidr('10.96.0.10'),
      `NetworkPeer.cidr(): invalid cidr "10.96.0.10"; ${CIDR} (a CIDR needs a prefix length, e.g. "/32" for one address).`],
    ['a prefix too long', () => NetworkPeer.cidr('10.0.0.0/33'),
      `NetworkPeer.cidr(): invalid cidr "10.0.0.0/33"; ${CIDR} (the prefix length must be 0 to 32).`],
    ['an IPv6 prefix too long', () => NetworkPeer.cidr('fd00::/129'),
      `NetworkPeer.cidr(): invalid cidr "fd00::/129"; ${CIDR} (the prefix length must be 0 to 128).`],
    ['a negative prefix', () => NetworkPeer.cidr('10.0.0.0/-1'),
      `NetworkPeer.cidr(): invalid cidr "10.0.0.0/-1"; ${CIDR} (the prefix length must be 0 to 32).`],
    ['host bits set', () => NetworkPeer.cidr('10.0.0.1/8'),
      `NetworkPeer.cidr(): invalid cidr "10.0.0.1/8"; ${CIDR} (host bits are set; the network address is 10.0.0.0/8).`],
    ['an except outside its block', () => NetworkPeer.cidr('10.0.0.0/8', ['11.0.0.0/16']),
      'NetworkPeer.cidr(): invalid except[0] "11.0.0.0/16"; expected a CIDR strictly inside 10.0.0.0/8.'],
    ['an except equal to its block', () => NetworkPeer.cidr('10.0.0.0/8', ['10.0.0.0/8']),
      'NetworkPeer.cidr(): invalid except[0] "10.0.0.0/8"; expected a CIDR strictly inside 10.0.0.0/8.'],
    ['an except that is no CIDR', () => NetworkPeer.cidr('10.0.0.0/8', ['10.1.0.0']),
      'NetworkPeer.cidr(): invalid except[0] "10.1.0.0"; expected a CIDR such as "10.0.0.0/24" (a CIDR needs a prefix length, e.g. "/32" for one address).'],
    ['a bad IPv6 address', () => NetworkPeer.cidr('fd00::1::2/64'),
      `NetworkPeer.cidr(): invalid cidr "fd00::1::2/64"; ${CIDR} ("fd00::1::2" is not an IPv6 address).`],
    ['a port out of range', () => NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 70000 }]),
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports[0].port 70000; expected a port number from 1 to 65535.'],
    ['port 0', () => NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 0 }]),
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports[0].port 0; expected a port number from 1 to 65535.'],
    ['a fractional port', () => NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443.5 }]),
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports[0].port 443.5; expected a port number from 1 to 65535.'],
    ['an endPort below port', () => NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443 }, { port: 9000, endPort: 8000 }]),
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports[1].endPort 8000; expected an endPort from port (9000) to 65535.'],
    ['an endPort out of range', () => NetworkPeer.namespace('ledger').withPorts([{ port: 9000, endPort: 65536 }]),
      'NetworkPeer.withPorts() of namespace ledger: invalid ports[0].endPort 65536; expected a port number from 1 to 65535.'],
    ['an unknown protocol', () => NetworkPeer.namespace('ledger').withPorts([{ port: 53, protocol: 'ICMP' as NetworkProtocol }]),
      'NetworkPeer.withPorts() of namespace ledger: invalid ports[0].protocol "ICMP"; expected a NetworkProtocol: TCP, UDP, SCTP.'],
    ['a namespace of 70 characters', () => NetworkPeer.namespace('n'.repeat(70)),
      `NetworkPeer.namespace(): invalid name "${'n'.repeat(70)}"; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit.`],
    ['a namespace with upper case and _', () => NetworkPeer.namespace('Billing_Prod'),
      'NetworkPeer.namespace(): invalid name "Billing_Prod"; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit.'],
    ['an empty namespace', () => NetworkPeer.namespace(''),
      'NetworkPeer.namespace(): invalid name ""; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit.'],
    ['a pods namespace with a dot', () => NetworkPeer.pods({ app: 'x' }, 'team.billing'),
      'NetworkPeer.pods(): invalid namespace "team.billing"; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit.'],
    ['a pod label key with a space', () => NetworkPeer.pods({ 'app name': 'x' }),
      'NetworkPeer.pods(): invalid labels key "app name"; expected a key of the form [prefix/]name'],
    ['a namespace pod label key with a space', () => NetworkPeer.namespace('ledger', { 'app name': 'x' }),
      'NetworkPeer.namespace(): invalid podLabels key "app name"; expected a key of the form [prefix/]name'],
    ['a label key with two slashes', () => NetworkPeer.namespacesWithLabels({ 'a/b/c': 'x' }),
      'NetworkPeer.namespacesWithLabels(): invalid labels key "a/b/c"; expected a key of the form [prefix/]name'],
    ['a label key with an upper-case prefix', () => NetworkPeer.namespacesWithLabels({ 'Example.com/team': 'x' }),
      'NetworkPeer.namespacesWithLabels(): invalid labels key "Example.com/team"; expected a key of the form [prefix/]name'],
    ['a label value with spaces', () => NetworkPeer.namespacesWithLabels({ team: 'x' }, { cost: 'cost center 7' }),
      'NetworkPeer.namespacesWithLabels(): invalid podLabels.cost "cost center 7"; expected a label value of at most 63 characters'],
  ])('refuses to build a peer with %s', (_what, build, expected) => {
    expect(error(build)).toContain(expected);
  });

  it('accepts valid peers at the edges', () => {
    expect(NetworkPeer.cidr('0.0.0.0/0').cidrBlock).toBe('0.0.0.0/0');
    expect(NetworkPeer.cidr('10.0.0.1/32').cidrBlock).toBe('10.0.0.1/32');
    expect(NetworkPeer.cidr('::/0', ['fd00::/8']).cidrBlock).toBe('::/0');
    expect(NetworkPeer.namespace('n'.repeat(63)).description).toBe(`namespace ${'n'.repeat(63)}`);
    expect(NetworkPeer.pods({ 'example.com/team': 'A_b.c-1', 'empty': '' }).description).toContain('example.com/team');
    expect(NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 1 }, { port: 65535 }, { port: 8000, endPort: 8000 }]).ports).toHaveLength(3);
  });
});
