import { describe, expect, it } from 'vitest';
import { check, violationsOf } from './helpers';

const role = (kind: 'Role' | 'ClusterRole', rules: any[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, rules,
  metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'shop' } : {}), labels: { 'app.kubernetes.io/name': 'r', 'app.kubernetes.io/instance': 'r', 'app.kubernetes.io/managed-by': 'cdk8s' } },
});
const rbac = (m: any) => violationsOf(check([m]), 'ns-rbac').map((v) => v.message);

describe('ns-rbac: grants that undo isolation', () => {
  it.each([
    ['networkpolicies delete', role('Role', [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['delete'] }]), 'grants delete on networkpolicies (networking.k8s.io): NetworkPolicies are additive'],
    ['networkpolicies create', role('Role', [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'create'] }]), 'grants create on networkpolicies (networking.k8s.io)'],
    ['pods/portforward', role('Role', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }]), 'grants create on pods/portforward: port-forwarding reaches any port'],
    ['namespaces patch', role('ClusterRole', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch', 'update'] }]), 'grants update, patch on namespaces: changing a namespace\'s labels removes its Pod Security enforcement'],
    ['nodes patch', role('ClusterRole', [{ apiGroups: [''], resources: ['nodes'], verbs: ['patch'] }]), 'grants patch on nodes: changing a node\'s labels and taints'],
  ])('flags %s', (_what, m, text) => {
    expect(rbac(m).join('\n')).toContain(text);
  });

  it('passes reading NetworkPolicies and namespaces, and a Role cannot grant the cluster-scoped ones', () => {
    expect(rbac(role('Role', [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] }]))).toEqual([]);
    expect(rbac(role('ClusterRole', [{ apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: ['get', 'list'] }]))).toEqual([]);
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] }]))).toEqual([]);
  });
});

describe('ns-rbac: secrets as RBAC matches them', () => {
  it('resourceNames limit get to the named Secrets: no finding', () => {
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['my-own-tls'], verbs: ['get'] }]))).toEqual([]);
  });

  it('resourceNames limit list and watch too (to a request with fieldSelector metadata.name=<a named one>): no finding', () => {
    for (const verbs of [['get', 'list'], ['list', 'watch'], ['create', 'deletecollection']]) {
      expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['my-own-tls'], verbs }]))).toEqual([]);
      expect(rbac(role('ClusterRole', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['my-own-tls'], verbs }]))).toEqual([]);
    }
    // A wildcard verb is reported as a wildcard only.
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['my-own-tls'], verbs: ['*'] }]))).toEqual([
      'grants a wildcard in verbs: it grants whatever is added to the API later',
    ]);
    // An empty list names nothing: the rule covers every Secret.
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], resourceNames: [], verbs: ['list'] }]))).toEqual([
      'grants list on secrets: whoever holds it reads the Secrets of the namespace',
    ]);
  });

  it('verbs are matched exactly: List grants nothing, list is flagged', () => {
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], verbs: ['List'] }]))).toEqual([]);
    expect(rbac(role('Role', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]))).toEqual([
      'grants list on secrets: whoever holds it reads the Secrets of the namespace',
    ]);
  });
});
