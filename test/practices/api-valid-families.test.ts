import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/**
 * `api-valid` on whole families of the API server's validation: RBAC policy rules,
 * StorageClasses and claim access modes, Namespace finalizers, IngressClasses, policy types,
 * ResourceQuota scopes, HPA metric sources, Job failure handling, Windows and Linux pods,
 * AppArmor profiles, HTTP header names, volume source names, tolerations and node selector
 * requirements. Each refused case has accepted neighbours; the same families are cross-checked
 * against real API servers in verify/canary/api-valid-cases.js.
 */

const NS = 'shop';
const version = (v?: string) => (v ? { annotations: { 'guardrails.cdk8s.io/kubernetes-version': v } } : {});

/** `field: message` of every api-valid finding on loose objects. */
function flags(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const role = (kind: string, rules: any[], extra: any = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: NS } : {}) }, rules, ...extra });
const sc = (over: any) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', ...over });
const pvc = (spec: any) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } });
const job = (spec: any, v?: string, pod: any = {}) => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS, ...version(v) },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1' }], ...pod } }, ...spec },
});
const podSpec = (spec: any = {}, over: any = {}, v?: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, ...version(v) },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } } },
});
const quota = (spec: any, v?: string) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: NS, ...version(v) }, spec });
const hpa = (metrics: any[]) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: NS }, spec: { maxReplicas: 3, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, metrics } });
const ingressClass = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'ic' }, ...(spec === undefined ? {} : { spec }) });
const netpol = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: NS }, spec: { podSelector: {}, ...spec } });
const namespace = (spec: any) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec });
const required = (terms: any[]) => podSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

describe('api-valid: RBAC policy rules', () => {
  it('a Role with nonResourceURLs is refused', () => {
    expect(flags(role('Role', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]))).toEqual([
      'rules[0].nonResourceURLs: is set in a Role; the API server refuses non-resource URLs (such as "/healthz") in a namespaced rule: grant them in a ClusterRole, bound with a ClusterRoleBinding',
    ]);
  });
  it('a rule for both resources and non-resource URLs is refused', () => {
    expect(flags(role('ClusterRole', [{ apiGroups: [''], resources: ['pods'], nonResourceURLs: ['/healthz'], verbs: ['get'] }]))).toEqual([
      'rules[0].nonResourceURLs: is set with apiGroups and resources; the API server refuses a rule for both resources and non-resource URLs: write them as two rules',
    ]);
  });
  it('a resource rule needs apiGroups and resources', () => {
    expect(flags(role('Role', [{ resources: ['configmaps'], verbs: ['get'] }]))).toEqual([
      'rules[0].apiGroups: is unset; the API server requires at least one API group in a rule for resources: "" for the core group (pods, configmaps, secrets), "apps" for deployments, or "*" for every group',
    ]);
    expect(flags(role('ClusterRole', [{ verbs: ['get'] }]))).toEqual([
      'rules[0].apiGroups: is unset; the API server requires at least one API group in a rule for resources: "" for the core group (pods, configmaps, secrets), "apps" for deployments, or "*" for every group',
      'rules[0].resources: is unset; the API server requires at least one resource such as "pods" in a rule (or nonResourceURLs such as "/healthz" for a rule on non-resource URLs)',
    ]);
  });
  it('an aggregation rule needs a selector', () => {
    expect(flags(role('ClusterRole', [], { aggregationRule: { clusterRoleSelectors: [] } }))).toEqual([
      'aggregationRule.clusterRoleSelectors: is empty; the API server requires at least one label selector of the ClusterRoles to aggregate (leave aggregationRule out for a ClusterRole of its own rules)',
    ]);
  });
  it('non-resource URLs alone in a ClusterRole, and resource rules with groups, pass', () => {
    expect(flags(role('ClusterRole', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods'], verbs: ['get'] }], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] } }))).toEqual([]);
    expect(flags(role('Role', [{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['get'] }]))).toEqual([]);
  });
});

describe('api-valid: StorageClasses, claims and Namespace finalizers', () => {
  it('reclaimPolicy, volumeBindingMode and provisioner are checked', () => {
    expect(flags(sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Lazy' }))).toEqual([
      'reclaimPolicy: "Recycle" is refused by the API server; expected "Delete" or "Retain" (Recycle is for a PersistentVolume of its own, not a StorageClass); leave it out for "Delete"',
      'volumeBindingMode: "Lazy" is refused by the API server; expected "Immediate" or "WaitForFirstConsumer"; leave it out for "Immediate"',
    ]);
    expect(flags(sc({ provisioner: 'Bad Provisioner' }))).toEqual([
      'provisioner: "Bad Provisioner" is refused by the API server; expected a provisioner name such as "ebs.csi.aws.com": of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
    ]);
    expect(flags(sc({ provisioner: '' }))).toEqual([
      'provisioner: "" is refused by the API server; expected the name of a provisioner such as "ebs.csi.aws.com" or "kubernetes.io/no-provisioner"',
    ]);
  });
  it('allowed topologies need values, without a key or value twice', () => {
    expect(flags(sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }, { key: 'topology.kubernetes.io/zone', values: ['a', 'a'] }] }] }))).toEqual([
      'allowedTopologies[0].matchLabelExpressions[0].values: is empty; the API server requires at least one value of the node label',
      'allowedTopologies[0].matchLabelExpressions[1].key: "topology.kubernetes.io/zone" is in an earlier expression of the same term; the API server refuses a key twice in one term',
      'allowedTopologies[0].matchLabelExpressions[1].values[1]: "a" is listed twice; the API server refuses duplicate values',
    ]);
  });
  it('Retain, WaitForFirstConsumer, a provisioner in capitals (checked in lower case) and "" policies pass', () => {
    expect(flags(sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', provisioner: 'Example.com/P' }), { ...sc({ reclaimPolicy: '' }), metadata: { name: 'slow' } })).toEqual([]);
  });
  it('ReadWriteOncePod goes alone; storage above 0; a class name is a DNS subdomain', () => {
    expect(flags(pvc({ accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] }))).toEqual([
      'spec.accessModes: ["ReadWriteOncePod","ReadWriteOnce"] combines ReadWriteOncePod with another access mode; the API server refuses that: ReadWriteOncePod (one pod) goes alone',
    ]);
    expect(flags(pvc({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '0' } }, storageClassName: 'Fast_SSD' }))).toEqual([
      'spec.resources.requests.storage: "0" is refused by the API server; expected a size above 0 such as "10Gi"',
      'spec.storageClassName: "Fast_SSD" is refused by the API server; expected the name of a StorageClass: a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\', or "" for a claim without a class',
    ]);
    expect(flags(pvc({ accessModes: ['ReadWriteOncePod'], storageClassName: '' }), { ...pvc({ accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'fast-ssd' }), metadata: { name: 'd', namespace: NS } })).toEqual([]);
  });
  it('Namespace finalizers are qualified names, with a domain unless standard', () => {
    expect(flags(namespace({ finalizers: ['foo bar', 'cleanup', 'kubernetes', 'example.com/x'] }))).toEqual([
      'spec.finalizers[0]: "foo bar" is refused by the API server; expected a finalizer name that is of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.finalizers[1]: "cleanup" is refused by the API server; expected a domain-qualified finalizer name such as "example.com/cleanup" (or one of kubernetes, orphan, foregroundDeletion)',
    ]);
    expect(flags(namespace({ finalizers: ['kubernetes', 'example.com/x'] }))).toEqual([]);
  });
});

describe('api-valid: IngressClasses, policy types, quota scopes and HPA metrics', () => {
  it('an IngressClass controller is a domain-prefixed path, and required', () => {
    expect(flags(ingressClass({ controller: 'nginx' }))).toEqual([
      'spec.controller: "nginx" is refused by the API server; expected a domain-prefixed path such as "k8s.io/ingress-nginx": a DNS subdomain, \'/\' and a path',
    ]);
    expect(flags(ingressClass({}))).toEqual([
      'spec.controller: is unset; the API server requires the name of the controller that serves the class, a domain-prefixed path such as "k8s.io/ingress-nginx"',
    ]);
    expect(flags(ingressClass(undefined))).toEqual([
      'spec.controller: is unset; the API server requires the name of the controller that serves the class, a domain-prefixed path such as "k8s.io/ingress-nginx"',
    ]);
    expect(flags(ingressClass({ controller: 'k8s.io/ingress-nginx' }))).toEqual([]);
  });
  it('IngressClass parameters: path segment names and the namespace of the scope', () => {
    expect(flags(ingressClass({ controller: 'Example.com/x y', parameters: { kind: 'a/b', name: '..', scope: 'Namespace' } }))).toEqual([
      'spec.controller: "Example.com/x y" is refused by the API server; expected a domain-prefixed path such as "k8s.io/ingress-nginx": a DNS subdomain, \'/\' and a path (the domain "Example.com" is not a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\')',
      'spec.parameters.kind: "a/b" is refused by the API server; expected a name without \'/\' and \'%\' (it is a segment of a URL path)',
      'spec.parameters.name: ".." is refused by the API server; expected a name other than "." and ".." (it is a segment of a URL path)',
      'spec.parameters.namespace: is unset; the API server requires the namespace of the parameters object when scope is Namespace',
    ]);
    expect(flags(ingressClass({ controller: 'example.com/x', parameters: { kind: 'IngressParameters', name: 'p', namespace: 'x' } }))).toEqual([
      'spec.parameters.namespace: is set with scope Cluster (the default); the API server refuses a namespace for cluster-scoped parameters: set scope to Namespace or remove it',
    ]);
    expect(flags(ingressClass({ controller: 'example.com/x', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p', scope: 'Namespace', namespace: 'x' } }))).toEqual([]);
  });
  it('at most two policy types', () => {
    expect(flags(netpol({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }))).toEqual([
      'spec.policyTypes: ["Ingress","Egress","Ingress"] is refused by the API server; expected at most two policy types: "Ingress", "Egress" or both, each once',
    ]);
    expect(flags(netpol({ policyTypes: ['Ingress', 'Egress'] }))).toEqual([]);
  });
  it('quota scopes apply to their resources, exist at the target and do not conflict', () => {
    expect(flags(quota({ hard: { cpu: '1' }, scopes: ['BestEffort'] }))).toEqual([
      'spec.scopes[0]: scope BestEffort does not apply to cpu in hard; the API server refuses it ("unsupported scope applied to resource"): a BestEffort quota limits only pods (put the others in a quota of their own)',
    ]);
    expect(flags(quota({ hard: { pods: '10', 'count/deployments.apps': '3' }, scopes: ['BestEffort', 'NotBestEffort', 'Foo', 'VolumeAttributesClass'] }))).toEqual([
      'spec.scopes: holds both BestEffort and NotBestEffort; the API server refuses conflicting scopes (a quota matching both would match nothing)',
      'spec.scopes[2]: "Foo" is refused by the API server; expected a quota scope: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity',
      'spec.scopes[3]: "VolumeAttributesClass" is refused by the API server; expected a quota scope: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity (VolumeAttributesClass from Kubernetes 1.33 on)',
    ]);
    expect(flags(quota({ hard: { persistentvolumeclaims: '10' }, scopes: ['VolumeAttributesClass'] }, '1.33'))).toEqual([]);
    expect(flags(quota({ hard: { pods: '10', 'count/deployments.apps': '3', 'requests.nvidia.com/gpu': '4' }, scopes: ['BestEffort'] }))).toEqual([]);
  });
  it('scope selector operators', () => {
    expect(flags(quota({ hard: { pods: '10' }, scopeSelector: { matchExpressions: [{ scopeName: 'Terminating', operator: 'In', values: ['x'] }] } }))).toEqual([
      'spec.scopeSelector.matchExpressions[0].operator: "In" is refused by the API server; expected "Exists" for scope Terminating',
    ]);
    expect(flags(quota({ hard: { pods: '10' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: [] }, { scopeName: 'PriorityClass', operator: 'Exists', values: ['a'] }, { scopeName: 'PriorityClass', operator: 'Has' }] } }))).toEqual([
      'spec.scopeSelector.matchExpressions[0].values: [] is refused by the API server; expected at least one value for operator In',
      'spec.scopeSelector.matchExpressions[1].values: ["a"] is refused by the API server; expected no values for operator Exists',
      'spec.scopeSelector.matchExpressions[2].operator: "Has" is refused by the API server; expected In, NotIn, Exists or DoesNotExist',
    ]);
    expect(flags(quota({ hard: { pods: '10', cpu: '2' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, { scopeName: 'NotBestEffort', operator: 'Exists' }] } }))).toEqual([]);
  });
  it('a metric carries the source its type names, and only that one', () => {
    expect(flags(hpa([{ type: 'Pods' }]))).toEqual([
      'spec.metrics[0].pods: is unset; a metric of type Pods is described there, and the API server requires it',
    ]);
    expect(flags(hpa([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } }, pods: { metric: { name: 'x' }, target: { type: 'AverageValue', averageValue: '1' } } }]))).toEqual([
      'spec.metrics[0].pods: is set in a metric of type Resource; the API server accepts only the source its type names (resource)',
    ]);
  });
  it('metric names and targets of Pods, External and Object metrics', () => {
    expect(flags(hpa([
      { type: 'Pods', pods: { metric: { name: '' }, target: { type: 'Value', value: '1' } } },
      { type: 'External', external: { metric: { name: 'a/b' }, target: { type: 'Value', value: '1', averageValue: '2' } } },
      { type: 'Object', object: { describedObject: { kind: 'Service', name: 's', apiVersion: 'v1' }, metric: { name: 'rps' }, target: { type: 'Utilization', averageUtilization: 5 } } },
    ]))).toEqual([
      'spec.metrics[0].pods.metric.name: is ""; the API server requires the name of the metric',
      'spec.metrics[0].pods.target.averageValue: is unset; the API server requires an averageValue (per pod) for a Pods metric',
      'spec.metrics[1].external.metric.name: "a/b" is refused by the API server; expected a metric name without \'/\' and \'%\' (it is a segment of a URL path)',
      'spec.metrics[1].external.target.value: is set with averageValue; the API server accepts one of them',
      'spec.metrics[2].object.target.value: is unset and so is averageValue; the API server requires one for an object metric',
    ]);
    expect(flags(hpa([
      { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'Object', object: { describedObject: { kind: 'Service', name: 's', apiVersion: 'v1' }, metric: { name: 'rps' }, target: { type: 'Value', value: '100' } } },
    ]))).toEqual([]);
  });
});

describe('api-valid: Job failure handling', () => {
  it('exit code 0 with In is refused; NotIn [0] passes', () => {
    expect(flags(job({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0] } }] } }))).toEqual([
      'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: 0 is refused by the API server; expected an exit code other than 0 with operator In (0 is success: a failed pod never exits with it); use NotIn [0] for "any failure"',
    ]);
    expect(flags(job({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0] } }] } }))).toEqual([]);
  });
  it('the rest of a pod failure policy\'s rules', () => {
    expect(flags(job({ podFailurePolicy: { rules: [
      { action: 'FailIndex', onExitCodes: { operator: 'In', containerName: 'x', values: [3, 2, 2] } },
      { action: 'Ignore' },
      { action: 'Ignore', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'Count', onPodConditions: [{ type: 'bad type!', status: 'Maybe' }] },
    ] } }, undefined, { restartPolicy: 'OnFailure' }))).toEqual([
      'spec.podFailurePolicy.rules[0].action: "FailIndex" is refused by the API server; expected FailJob, Ignore or Count: FailIndex needs spec.backoffLimitPerIndex (an Indexed Job with a backoff limit per index)',
      'spec.podFailurePolicy.rules[0].onExitCodes.containerName: "x" is refused by the API server; expected the name of a container or init container of the pod template ("c")',
      'spec.podFailurePolicy.rules[0].onExitCodes.values: [3,2,2] is refused by the API server; expected exit codes in ascending order',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: exit code 2 is listed twice; the API server refuses duplicates',
      'spec.podFailurePolicy.rules[1]: has neither onExitCodes nor onPodConditions; the API server requires one of them in each rule',
      'spec.podFailurePolicy.rules[2].onPodConditions: is set with onExitCodes; the API server accepts one of them in a rule: write two rules',
      'spec.podFailurePolicy.rules[3].onPodConditions[0].status: "Maybe" is refused by the API server; expected "False", "True" or "Unknown"; leave it out for "True"',
      'spec.podFailurePolicy.rules[3].onPodConditions[0].type: "bad type!" is refused by the API server; expected a pod condition type such as "DisruptionTarget": of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.template.spec.restartPolicy: "OnFailure" is refused by the API server; expected "Never" with a podFailurePolicy (it judges failed pods, which OnFailure restarts in place)',
    ]);
    expect(flags(job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: '' }] }, { action: 'Count', onExitCodes: { containerName: 'c', operator: 'In', values: [1, 2, 42] } }] } }))).toEqual([]);
  });
  it('a podFailurePolicy with restartPolicy OnFailure is one finding: api-valid\'s, which cannot be switched off', () => {
    const resolved = resolveOptions({}, (p) => { throw new Error(p); });
    const manifest = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }, undefined, { restartPolicy: 'OnFailure' });
    const found = checkManifests([{ manifest }], resolved).violations.filter((v) => /restartPolicy|podFailurePolicy/.test(`${v.field} ${v.message}`));
    expect(found.map((v) => `${v.rule} ${v.field}`)).toEqual(['api-valid spec.template.spec.restartPolicy']);
  });
  it('per-index backoff needs completionMode Indexed, maxFailedIndexes needs it, from 1.29', () => {
    expect(flags(job({ backoffLimitPerIndex: 1 }, '1.30'))).toEqual([
      'spec.backoffLimitPerIndex: 1 is refused by the API server; expected no backoffLimitPerIndex without completionMode: Indexed (it counts failures per index)',
    ]);
    expect(flags(job({ completionMode: 'Indexed', completions: 3, maxFailedIndexes: 1 }, '1.30'))).toEqual([
      'spec.backoffLimitPerIndex: is unset; the API server requires it when maxFailedIndexes is set (an index fails when it exceeds its backoff limit)',
    ]);
    expect(flags(job({ completionMode: 'Indexed', completions: 200000, parallelism: 20000, backoffLimitPerIndex: 1 }, '1.30'))).toEqual([
      'spec.maxFailedIndexes: is unset; the API server requires it with more than 100000 completions and a backoffLimitPerIndex',
      'spec.parallelism: 20000 is refused by the API server; expected at most 10000 with more than 100000 completions and a backoffLimitPerIndex',
    ]);
    // 1.27 and 1.28 drop the fields.
    expect(flags(job({ backoffLimitPerIndex: 1 }))).toEqual([]);
  });
  it('podReplacementPolicy is Failed with a pod failure policy', () => {
    expect(flags(job({ podReplacementPolicy: 'TerminatingOrFailed', podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }, '1.30'))).toEqual([
      'spec.podReplacementPolicy: "TerminatingOrFailed" is refused by the API server; expected "Failed" with a podFailurePolicy (a replacement pod starts only once the old one has failed, so that the policy can judge it)',
    ]);
    expect(flags(job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1, podReplacementPolicy: 'Failed', podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] } }, '1.30'))).toEqual([]);
    expect(flags(job({ podReplacementPolicy: 'TerminatingOrFailed' }, '1.30'))).toEqual([]);
  });
  it('success policies (1.31) and managedBy (1.32)', () => {
    expect(flags(job({ successPolicy: { rules: [{ succeededCount: 1 }] } }, '1.31'))).toEqual([
      'spec.successPolicy: is set without completionMode: Indexed; the API server refuses a success policy for a Job without indexes',
    ]);
    expect(flags(job({ completionMode: 'Indexed', completions: 3, successPolicy: { rules: [{}, { succeededCount: 5 }] } }, '1.31'))).toEqual([
      'spec.successPolicy.rules[0]: has neither succeededCount nor succeededIndexes; the API server requires one of them',
      'spec.successPolicy.rules[1].succeededCount: 5 is refused by the API server; expected at most completions (3)',
    ]);
    expect(flags(job({ managedBy: 'kueue' }, '1.32'))).toEqual([
      'spec.managedBy: "kueue" is refused by the API server; expected a domain-prefixed path such as "kueue.x-k8s.io/multikueue": a DNS subdomain, \'/\' and a path',
    ]);
    expect(flags(job({ completionMode: 'Indexed', completions: 3, successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] }, managedBy: 'kueue.x-k8s.io/multikueue' }, '1.32'))).toEqual([]);
  });
});

describe('api-valid: Windows and Linux pods', () => {
  it('a Windows pod may not carry Linux settings, pod and container level', () => {
    expect(flags(podSpec({ os: { name: 'windows' }, hostUsers: false, securityContext: { runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [], runAsNonRoot: true } },
      { securityContext: { capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, windowsOptions: { runAsUserName: 'ContainerUser' } } }))).toEqual([
      'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
      'spec.template.spec.containers[0].securityContext.capabilities: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
      'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
      'spec.template.spec.hostUsers: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
      'spec.template.spec.securityContext.runAsUser: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
      'spec.template.spec.securityContext.seccompProfile: is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting: remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux',
    ]);
  });
  it('a Windows pod with runAsNonRoot and windowsOptions passes', () => {
    expect(flags(podSpec({ os: { name: 'windows' }, hostPID: false, securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } } }))).toEqual([]);
  });
  it('a Linux pod may not carry Windows options; without os either passes', () => {
    expect(flags(podSpec({ os: { name: 'linux' }, securityContext: { windowsOptions: { runAsUserName: 'x' } } }, { securityContext: { windowsOptions: { hostProcess: false } } }))).toEqual([
      'spec.template.spec.containers[0].securityContext.windowsOptions: is set in a Linux pod (os.name "linux"); the API server refuses Windows options there: remove it, or set os.name to "windows" if the pod runs on Windows',
      'spec.template.spec.securityContext.windowsOptions: is set in a Linux pod (os.name "linux"); the API server refuses Windows options there: remove it, or set os.name to "windows" if the pod runs on Windows',
    ]);
    expect(flags(podSpec({ securityContext: { runAsUser: 1000, windowsOptions: { runAsUserName: 'x' } } }))).toEqual([]);
  });
});

describe('api-valid: HostProcess containers and Windows options', () => {
  it('a pod with HostProcess containers uses the host network, and all its containers are HostProcess containers', () => {
    expect(flags(podSpec({ os: { name: 'windows' }, securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } }, initContainers: [{ name: 'i', image: 'x:1', securityContext: { windowsOptions: { hostProcess: false } } }] }))).toEqual([
      'spec.template.spec.hostNetwork: is not true in a pod with HostProcess containers; the API server requires hostNetwork: true there (they run in the node\'s network)',
      'spec.template.spec.initContainers[0].securityContext.windowsOptions.hostProcess: false is refused by the API server; expected true, the pod\'s securityContext.windowsOptions.hostProcess, or no value (a container inherits the pod\'s)',
    ]);
    expect(flags(podSpec({ os: { name: 'windows' }, hostNetwork: true }, { securityContext: { windowsOptions: { hostProcess: true } } }), { ...podSpec({ os: { name: 'windows' }, hostNetwork: true, initContainers: [{ name: 'i', image: 'x:1' }] }, { securityContext: { windowsOptions: { hostProcess: true } } }), metadata: { name: 'agent', namespace: NS } })).toEqual([
      'spec.template.spec.initContainers[0].securityContext.windowsOptions.hostProcess: is not true in a pod with HostProcess containers; the API server requires every container of such a pod to be one (set securityContext.windowsOptions.hostProcess: true on the pod)',
    ]);
    expect(flags(podSpec({ os: { name: 'windows' }, hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } } }))).toEqual([]);
  });
  it('Windows user names and GMSA credential specs', () => {
    expect(flags(podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'a\\b\\c', gmsaCredentialSpecName: 'Bad_Name', gmsaCredentialSpec: '' } } }))).toEqual([
      'spec.template.spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec: "" is refused by the API server; expected a credential spec (JSON) of 1 to 65536 characters (64 KiB)',
      'spec.template.spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpecName: "Bad_Name" is refused by the API server; expected the name of a GMSACredentialSpec: a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.template.spec.containers[0].securityContext.windowsOptions.runAsUserName: "a\\\\b\\\\c" is refused by the API server; expected a Windows user name such as "ContainerUser" or "DOMAIN\\user": at most one \'\\\'',
    ]);
    expect(flags(podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'DOM:AIN\\user' } } }), { ...podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'user@x' } } }), metadata: { name: 'b', namespace: NS } })).toEqual([
      'spec.template.spec.containers[0].securityContext.windowsOptions.runAsUserName: "DOM:AIN\\\\user" is refused by the API server; expected a Windows user name such as "ContainerUser" or "DOMAIN\\user": a NetBIOS domain (1 to 15 characters, none of \\ / : * ? " < > |, not starting with \'.\') or a DNS domain',
      'spec.template.spec.containers[0].securityContext.windowsOptions.runAsUserName: "user@x" is refused by the API server; expected a Windows user name such as "ContainerUser" or "DOMAIN\\user": a user of more than periods and spaces, without any of " / \\ [ ] : ; | = , + * ? < > @',
    ]);
    expect(flags(podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'ContainerUser', gmsaCredentialSpecName: 'webapp-gmsa' } } }), { ...podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'corp.example.com\\svc-web' } } }), metadata: { name: 'b', namespace: NS } })).toEqual([]);
  });
});

describe('api-valid: pod spec fields', () => {
  it('AppArmor: a Localhost profile names its profile, the others do not', () => {
    expect(flags(podSpec({}, { securityContext: { appArmorProfile: { type: 'Localhost' } } }, '1.30'))).toEqual([
      'spec.template.spec.containers[0].securityContext.appArmorProfile.localhostProfile: is unset; the API server requires it when type is Localhost: the name of a profile loaded on the node, such as "k8s-apparmor-example-deny-write"',
    ]);
    expect(flags(podSpec({ securityContext: { appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'x' } } }, { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: ' x ' } } }, '1.30'))).toEqual([
      'spec.template.spec.containers[0].securityContext.appArmorProfile.localhostProfile: " x " is refused by the API server; expected a profile name without leading or trailing white space',
      'spec.template.spec.securityContext.appArmorProfile.localhostProfile: "x" is refused by the API server; expected no localhostProfile with type RuntimeDefault: the API server accepts it only with type Localhost',
    ]);
    expect(flags(podSpec({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }, { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-deny-write' } } }, '1.30'))).toEqual([]);
  });
  it('HTTP header names of probes and hooks', () => {
    expect(flags(podSpec({}, { readinessProbe: { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'bad header', value: 'x' }, { name: 'X-Ok', value: 'y' }] } }, lifecycle: { preStop: { httpGet: { port: 80, httpHeaders: [{ name: 'a:b', value: '' }] } } } }))).toEqual([
      'spec.template.spec.containers[0].lifecycle.preStop.httpGet.httpHeaders[0].name: "a:b" is refused by the API server; expected an HTTP header name of letters, digits and \'-\' such as "X-Request-Id"',
      'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].name: "bad header" is refused by the API server; expected an HTTP header name of letters, digits and \'-\' such as "X-Request-Id"',
    ]);
  });
  it('volume sources name what they mount', () => {
    expect(flags(podSpec({ volumes: [{ name: 'v', configMap: {} }, { name: 'w', persistentVolumeClaim: { claimName: '' } }, { name: 'x', secret: { secretName: '' } }, { name: 'y', projected: { sources: [{ configMap: { name: '' } }, { secret: {} }] } }, { name: 'z', hostPath: { path: '' } }] }))).toEqual([
      'spec.template.spec.volumes[0].configMap.name: is unset; the API server requires the name of the ConfigMap to mount',
      'spec.template.spec.volumes[1].persistentVolumeClaim.claimName: is ""; the API server requires the name of the PersistentVolumeClaim to mount',
      'spec.template.spec.volumes[2].secret.secretName: is ""; the API server requires the name of the Secret to mount',
      'spec.template.spec.volumes[3].projected.sources[0].configMap.name: is ""; the API server requires the name of the ConfigMap to project',
      'spec.template.spec.volumes[3].projected.sources[1].secret.name: is unset; the API server requires the name of the Secret to project',
      'spec.template.spec.volumes[4].hostPath.path: is ""; the API server requires the path on the node to mount',
    ]);
    expect(flags(podSpec({ volumes: [{ name: 'v', configMap: { name: 'c' } }, { name: 'w', persistentVolumeClaim: { claimName: 'data' } }, { name: 'x', secret: { secretName: 's' } }, { name: 'y', projected: { sources: [{ configMap: { name: 'c' } }, { secret: { name: 's' } }] } }] }))).toEqual([]);
  });
  it('tolerations: tolerationSeconds only with NoExecute, keys and values as labels', () => {
    expect(flags(podSpec({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }, { key: 'k', operator: 'Equal', value: 'a b' }, { key: 'bad key!', operator: 'Exists' }, { key: 'k', operator: 'Exists', tolerationSeconds: 5 }] }))).toEqual([
      'spec.template.spec.tolerations[0].effect: "NoSchedule" is refused by the API server; expected "NoExecute" with tolerationSeconds (only a NoExecute taint evicts a running pod, after that many seconds); remove tolerationSeconds for another effect',
      'spec.template.spec.tolerations[1].value: "a b" is refused by the API server; expected a taint value that is a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
      'spec.template.spec.tolerations[2].key: "bad key!" is refused by the API server; expected a taint key: of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.template.spec.tolerations[3].effect: unset is refused by the API server; expected "NoExecute" with tolerationSeconds (only a NoExecute taint evicts a running pod, after that many seconds); remove tolerationSeconds for another effect',
    ]);
    expect(flags(podSpec({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { key: 'k', value: 'v', effect: 'NoSchedule' }] }))).toEqual([]);
  });
  it('node selector requirements: matchFields tests metadata.name with In or NotIn and one value; operators and values of matchExpressions', () => {
    expect(flags(required([
      { matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['x'] }, { key: 'metadata.name', operator: 'Exists' }, { key: 'metadata.name', operator: 'In', values: ['a', 'b'] }, { key: 'metadata.name', operator: 'In', values: ['Node_1'] }] },
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Gt', values: ['1', '2'] }, { key: 'bad key!', operator: 'In', values: ['bad value!'] }] },
    ]))).toEqual([
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: "metadata.labels" is refused by the API server; expected "metadata.name", the only node field matchFields tests; node labels go in matchExpressions',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[1].operator: "Exists" is refused by the API server; expected "In" or "NotIn" (matchFields compares the node\'s name)',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[2].values: holds 2 values; the API server requires exactly one node name in a matchFields requirement',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[3].values[0]: "Node_1" is refused by the API server; expected a node name: a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[0].values: is empty; the API server requires at least one value with operator In',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[1].values: is set with operator Exists; the API server refuses values with it',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[2].values: holds 2 values; the API server requires exactly one (a number) with operator Gt',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[3].key: "bad key!" is refused by the API server; expected a node label key: of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[3].values[0]: "bad value!" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
    ]);
  });
  it('a preferred term\'s values are label values too (1.30 accepts any string there, 1.37 does not); valid requirements pass', () => {
    expect(flags(podSpec({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'd', operator: 'In', values: ['any value!'] }] } }] } } }))).toEqual([
      'spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]: "any value!" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
    ]);
    expect(flags(podSpec({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'd', operator: 'In', values: ['ssd'] }] } }] } } }))).toEqual([]);
    expect(flags(required([{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-1'] }] }, { matchExpressions: [{ key: 'c', operator: 'Gt', values: ['1'] }, { key: 'zone', operator: 'DoesNotExist' }] }]))).toEqual([]);
  });
});
