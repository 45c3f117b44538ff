import { describe, expect, it } from 'vitest';
import { NetworkPolicyEvaluator, ipInBlock, parsePolicy } from '../../lib/traffic/evaluator';
import { readTrafficModel } from '../../lib/traffic/model';
import { deployment, namespace, policy } from './fixtures';

/** An evaluator over `objects`, and a lookup of pods by workload name (`name` or `ns/name`). */
function setup(...objects: any[]) {
  const model = readTrafficModel(objects);
  const ev = new NetworkPolicyEvaluator(model);
  const pods = (ref: string) => {
    const found = model.workloads.find((w) => w.name === ref || `${w.namespace}/${w.name}` === ref);
    if (!found) throw new Error(`no workload ${ref}`);
    return { pods: found };
  };
  const may = (from: string, to: string, port: number | string, protocol = 'TCP') => ev.allows(pods(from), pods(to), port, protocol).allowed;
  return { ev, pods, may };
}

// The example policy of the NetworkPolicy concept page, "test-network-policy".
const DOC_POLICY = policy('test-network-policy', 'default', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{
    from: [
      { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
      { namespaceSelector: { matchLabels: { project: 'myproject' } } },
      { podSelector: { matchLabels: { role: 'frontend' } } },
    ],
    ports: [{ protocol: 'TCP', port: 6379 }],
  }],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
});

describe('the documentation\'s example policy (test-network-policy)', () => {
  const { ev, pods, may } = setup(
    DOC_POLICY,
    namespace('myproject', { project: 'myproject' }),
    namespace('other', { project: 'other' }),
    deployment('db', 'default', { role: 'db' }, [{ containerPort: 6379 }]),
    deployment('frontend', 'default', { role: 'frontend' }),
    deployment('backend', 'default', { role: 'backend' }),
    deployment('anything', 'myproject', { any: 'thing' }),
    deployment('frontend', 'other', { role: 'frontend' }),
  );

  it('lets role=frontend pods of the policy\'s namespace in on TCP 6379, and on no other port or protocol', () => {
    expect(may('default/frontend', 'db', 6379)).toBe(true);
    expect(may('default/frontend', 'db', 6380)).toBe(false);
    expect(may('default/frontend', 'db', 6379, 'UDP')).toBe(false);
  });

  it('lets every pod of a namespace labelled project=myproject in, and no pod of another namespace', () => {
    expect(may('myproject/anything', 'db', 6379)).toBe(true);
    expect(may('other/frontend', 'db', 6379)).toBe(false);
  });

  it('keeps other pods of its own namespace out', () => {
    expect(may('backend', 'db', 6379)).toBe(false);
  });

  it('lets addresses of 172.17.0.0/16 in, except 172.17.1.0/24', () => {
    expect(ev.allows({ ip: '172.17.0.5' }, pods('db'), 6379).allowed).toBe(true);
    expect(ev.allows({ ip: '172.17.1.5' }, pods('db'), 6379).allowed).toBe(false);
    expect(ev.allows({ ip: '172.18.0.5' }, pods('db'), 6379).allowed).toBe(false);
  });

  it('lets db out to 10.0.0.0/24 on TCP 5978 only', () => {
    expect(ev.allows(pods('db'), { ip: '10.0.0.7' }, 5978).allowed).toBe(true);
    expect(ev.allows(pods('db'), { ip: '10.0.1.7' }, 5978).allowed).toBe(false);
    expect(ev.allows(pods('db'), { ip: '10.0.0.7' }, 5979).allowed).toBe(false);
  });

  it('isolates db for egress too: db may not reach a pod', () => {
    expect(may('db', 'default/frontend', 80)).toBe(false);
  });

  it('leaves pods that it does not select alone', () => {
    expect(may('default/frontend', 'backend', 8080)).toBe(true);
    expect(ev.allows({ ip: '203.0.113.9' }, pods('backend'), 22).allowed).toBe(true);
  });

  it('says which side refused and which policy isolates it', () => {
    const v = ev.allows(pods('backend'), pods('db'), 6379);
    expect(v.egress).toEqual({ allowed: true, isolated: false, policies: [], allowedBy: [] });
    expect(v.ingress).toEqual({ allowed: false, isolated: true, policies: ['test-network-policy'], allowedBy: [] });
  });
});

describe('namespaceSelector and podSelector: one peer (and) against two peers (or)', () => {
  const and = policy('and', 'default', {
    podSelector: { matchLabels: { role: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }],
  });
  const or = policy('or', 'default', {
    podSelector: { matchLabels: { role: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }],
  });
  const objects = [
    namespace('alice', { user: 'alice' }),
    deployment('db', 'default', { role: 'db' }, [{ containerPort: 5432 }]),
    deployment('client', 'alice', { role: 'client' }),
    deployment('batch', 'alice', { role: 'batch' }),
    deployment('client', 'default', { role: 'client' }),
  ];

  it('one element: only client pods in alice\'s namespaces', () => {
    const { may } = setup(and, ...objects);
    expect(may('alice/client', 'db', 5432)).toBe(true);
    expect(may('alice/batch', 'db', 5432)).toBe(false);
    expect(may('default/client', 'db', 5432)).toBe(false);
  });

  it('two elements: every pod of alice\'s namespaces, or client pods of the policy\'s own namespace', () => {
    const { may } = setup(or, ...objects);
    expect(may('alice/client', 'db', 5432)).toBe(true);
    expect(may('alice/batch', 'db', 5432)).toBe(true);
    expect(may('default/client', 'db', 5432)).toBe(true);
  });
});

describe('the documentation\'s default policies', () => {
  const a = deployment('a', 'default', { app: 'a' }, [{ containerPort: 80 }]);
  const b = deployment('b', 'default', { app: 'b' }, [{ containerPort: 80 }]);

  it('no policy: everything is allowed', () => {
    const { may } = setup(a, b);
    expect(may('a', 'b', 80)).toBe(true);
  });

  it('default-deny ingress: nothing comes in, egress stays open', () => {
    const { ev, pods, may } = setup(a, b, policy('default-deny-ingress', 'default', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(may('a', 'b', 80)).toBe(false);
    expect(ev.allows(pods('a'), { ip: '203.0.113.1' }, 443).allowed).toBe(true);
  });

  it('allow-all ingress: one empty rule lets everything in', () => {
    const { ev, pods, may } = setup(a, b,
      policy('default-deny-ingress', 'default', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('allow-all-ingress', 'default', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }));
    expect(may('a', 'b', 80)).toBe(true);
    expect(ev.allows({ ip: '198.51.100.1' }, pods('b'), 9999).allowed).toBe(true);
  });

  it('default-deny egress: nothing goes out, ingress stays open', () => {
    const { ev, pods, may } = setup(a, b, policy('default-deny-egress', 'default', { podSelector: {}, policyTypes: ['Egress'] }));
    expect(may('a', 'b', 80)).toBe(false);
    expect(ev.allows({ ip: '198.51.100.1' }, pods('b'), 80).allowed).toBe(true);
  });

  it('allow-all egress: one empty rule lets everything out', () => {
    const { ev, pods, may } = setup(a, b,
      policy('default-deny-egress', 'default', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('allow-all-egress', 'default', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] }));
    expect(may('a', 'b', 80)).toBe(true);
    expect(ev.allows(pods('a'), { ip: '198.51.100.1' }, 25).allowed).toBe(true);
  });

  it('default-deny both ways', () => {
    const { ev, pods, may } = setup(a, b, policy('default-deny-all', 'default', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    expect(may('a', 'b', 80)).toBe(false);
    expect(ev.allows(pods('a'), { ip: '198.51.100.1' }, 443).allowed).toBe(false);
    expect(ev.allows({ ip: '198.51.100.1' }, pods('b'), 80).allowed).toBe(false);
  });

  it('a policy selects pods of its own namespace only', () => {
    const c = deployment('c', 'elsewhere', { app: 'c' }, [{ containerPort: 80 }]);
    const { may } = setup(a, c, policy('default-deny-ingress', 'default', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(may('a', 'c', 80)).toBe(true);
    expect(may('c', 'a', 80)).toBe(false);
  });
});

describe('policyTypes defaulting', () => {
  const a = deployment('a', 'default', { app: 'a' }, [{ containerPort: 80 }]);
  const b = deployment('b', 'default', { app: 'b' }, [{ containerPort: 80 }]);

  it('absent, without egress rules: Ingress only', () => {
    const p = parsePolicy(policy('p', 'default', { podSelector: {}, egress: [] }), 'default');
    expect([...p.types]).toEqual(['Ingress']);
    const { may } = setup(a, b, policy('p', 'default', { podSelector: { matchLabels: { app: 'a' } } }));
    expect(may('a', 'b', 80)).toBe(true);
    expect(may('b', 'a', 80)).toBe(false);
  });

  it('absent, with an egress rule: Ingress and Egress', () => {
    const spec = { podSelector: { matchLabels: { app: 'a' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] };
    expect([...parsePolicy(policy('p', 'default', spec), 'default').types]).toEqual(['Ingress', 'Egress']);
    const { may } = setup(a, b, policy('p', 'default', spec));
    expect(may('a', 'b', 80)).toBe(false);
    expect(may('a', 'b', 53, 'UDP')).toBe(true);
    expect(may('b', 'a', 80)).toBe(false);
  });

  it('given as Egress only: ingress is not isolated even with ingress rules', () => {
    const { may } = setup(a, b, policy('p', 'default', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] }));
    expect(may('b', 'a', 80)).toBe(true);
    expect(may('a', 'b', 80)).toBe(false);
  });
});

describe('ports', () => {
  const server = deployment('server', 'default', { app: 'server' }, [
    { containerPort: 8080, name: 'http' },
    { containerPort: 9090, name: 'metrics' },
    { containerPort: 5353, name: 'dns', protocol: 'UDP' },
  ]);
  const client = deployment('client', 'default', { app: 'client' });

  it('a range with endPort covers both ends and nothing outside', () => {
    const { ev, pods } = setup(client, policy('range', 'default', {
      podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
    }));
    const out = (port: number) => ev.allows(pods('client'), { ip: '10.0.0.1' }, port).allowed;
    expect([31999, 32000, 32500, 32768, 32769].map(out)).toEqual([false, true, true, true, false]);
  });

  it('a named port is the destination\'s container port of that name and protocol', () => {
    const { may } = setup(server, client, policy('named', 'default', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
    }));
    expect(may('client', 'server', 8080)).toBe(true);
    expect(may('client', 'server', 'http')).toBe(true);
    expect(may('client', 'server', 9090)).toBe(false);
    expect(may('client', 'server', 'metrics')).toBe(false);
    expect(may('client', 'server', 5353, 'UDP')).toBe(true);
    expect(may('client', 'server', 5353, 'TCP')).toBe(false);
  });

  it('a named port in an egress rule resolves against the destination pods, and never matches an address', () => {
    const { ev, pods, may } = setup(server, client, policy('egress-named', 'default', {
      podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    }));
    expect(may('client', 'server', 8080)).toBe(true);
    expect(may('client', 'server', 9090)).toBe(false);
    expect(ev.allows(pods('client'), { ip: '203.0.113.1' }, 8080).allowed).toBe(false);
  });

  it('a port entry without a number opens every port of its protocol', () => {
    const { may } = setup(server, client, policy('udp', 'default', {
      podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ protocol: 'UDP' }] }],
    }));
    expect(may('client', 'server', 5353, 'UDP')).toBe(true);
    expect(may('client', 'server', 8080)).toBe(false);
  });

  it('an unknown port name reaches nothing', () => {
    const { may } = setup(server, client);
    expect(may('client', 'server', 'grpc')).toBe(false);
  });

  it('SCTP is its own protocol', () => {
    const { may } = setup(server, client, policy('sctp', 'default', {
      podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ protocol: 'SCTP', port: 8080 }] }],
    }));
    expect(may('client', 'server', 8080, 'SCTP')).toBe(true);
    expect(may('client', 'server', 8080, 'TCP')).toBe(false);
  });
});

describe('selectors', () => {
  const objects = [
    namespace('prod', { env: 'prod' }),
    namespace('dev', { env: 'dev' }),
    namespace('tools'),
    deployment('db', 'prod', { role: 'db' }, [{ containerPort: 5432 }]),
    deployment('api', 'prod', { role: 'api', tier: 'backend' }),
    deployment('web', 'prod', { role: 'web' }),
    deployment('api', 'dev', { role: 'api' }),
    deployment('ci', 'tools', { role: 'ci' }),
  ];
  const from = (peers: any[]) => policy('p', 'prod', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: peers }] });

  it('matchExpressions In and NotIn', () => {
    const { may } = setup(...objects, from([{ podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['api', 'worker'] }] } }]));
    expect(may('prod/api', 'db', 5432)).toBe(true);
    expect(may('prod/web', 'db', 5432)).toBe(false);
    const notIn = setup(...objects, from([{ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['web'] }] } }]));
    expect(notIn.may('prod/api', 'db', 5432)).toBe(true);
    expect(notIn.may('prod/web', 'db', 5432)).toBe(false);
  });

  it('matchExpressions Exists and DoesNotExist', () => {
    const exists = setup(...objects, from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }]));
    expect(exists.may('prod/api', 'db', 5432)).toBe(true);
    expect(exists.may('prod/web', 'db', 5432)).toBe(false);
    const absent = setup(...objects, from([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }]));
    expect(absent.may('prod/api', 'db', 5432)).toBe(false);
    expect(absent.may('prod/web', 'db', 5432)).toBe(true);
  });

  it('namespaces by label, with NotIn on kubernetes.io/metadata.name (implied on every namespace)', () => {
    const { may } = setup(...objects, from([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['dev'] }] } }]));
    expect(may('tools/ci', 'db', 5432)).toBe(true);
    expect(may('prod/web', 'db', 5432)).toBe(true);
    expect(may('dev/api', 'db', 5432)).toBe(false);
  });

  it('an empty podSelector is every pod of the policy\'s namespace; an empty namespaceSelector every namespace', () => {
    const own = setup(...objects, from([{ podSelector: {} }]));
    expect(own.may('prod/web', 'db', 5432)).toBe(true);
    expect(own.may('dev/api', 'db', 5432)).toBe(false);
    const anyNs = setup(...objects, from([{ namespaceSelector: {} }]));
    expect(anyNs.may('dev/api', 'db', 5432)).toBe(true);
    expect(anyNs.may('tools/ci', 'db', 5432)).toBe(true);
    expect(anyNs.ev.allows({ ip: '10.1.2.3' }, anyNs.pods('db'), 5432).allowed).toBe(false);
  });

  it('an ipBlock never matches a pod of the app (pod addresses are not in the manifests)', () => {
    const { may } = setup(...objects, from([{ ipBlock: { cidr: '0.0.0.0/0' } }]));
    expect(may('prod/api', 'db', 5432)).toBe(false);
  });
});

describe('the union of policies, and both directions', () => {
  const objects = [
    deployment('db', 'default', { role: 'db' }, [{ containerPort: 5432 }]),
    deployment('a', 'default', { app: 'a' }),
    deployment('b', 'default', { app: 'b' }),
    deployment('c', 'default', { app: 'c' }),
    policy('from-a', 'default', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] }),
    policy('from-b', 'default', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] }),
  ];

  it('a pod selected by several policies admits what any of them allows', () => {
    const { ev, pods, may } = setup(...objects);
    expect(may('a', 'db', 5432)).toBe(true);
    expect(may('b', 'db', 5432)).toBe(true);
    expect(may('c', 'db', 5432)).toBe(false);
    expect(ev.allows(pods('b'), pods('db'), 5432).ingress).toEqual({ allowed: true, isolated: true, policies: ['from-a', 'from-b'], allowedBy: ['from-b'] });
  });

  it('the source\'s egress must allow it too', () => {
    const { ev, pods } = setup(...objects, policy('a-out', 'default', {
      podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { role: 'cache' } } }] }],
    }));
    const v = ev.allows(pods('a'), pods('db'), 5432);
    expect(v.allowed).toBe(false);
    expect(v.egress).toEqual({ allowed: false, isolated: true, policies: ['a-out'], allowedBy: [] });
    expect(v.ingress?.allowed).toBe(true);
  });
});

describe('ipInBlock', () => {
  it('IPv4 and IPv6, with except', () => {
    expect(ipInBlock('192.168.1.10', { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] })).toBe(false);
    expect(ipInBlock('192.168.2.10', { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] })).toBe(true);
    expect(ipInBlock('2001:db8::1', { cidr: '2001:db8::/32', except: [] })).toBe(true);
    expect(ipInBlock('2001:db9::1', { cidr: '2001:db8::/32', except: [] })).toBe(false);
    expect(ipInBlock('10.0.0.1', { cidr: '2001:db8::/32', except: [] })).toBe(false);
  });
});
