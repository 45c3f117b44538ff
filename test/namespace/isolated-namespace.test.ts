import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { PRODUCTION, ShopChart } from '../../examples/shop/shop';
import { IsolatedNamespace, IsolatedNamespaceProps, NetworkPeer, PodSecurityLevel, SafeDeployment } from '../../lib';
import { Guardrails } from '../../lib/practices/guardrails';
import { errorOf, one } from '../helpers';
import { apiServerProblems, FakeIngress } from './api-server';

function build(props: Partial<IsolatedNamespaceProps> = {}, id = 'payments') {
  const app = Testing.app();
  const ns = new IsolatedNamespace(app, id, { team: 'payments', ...props });
  return { app, ns };
}

function synthNs(props: Partial<IsolatedNamespaceProps> = {}, id = 'payments') {
  const { ns } = build(props, id);
  return { ns, manifests: Testing.synth(ns) };
}

function error(props: Partial<IsolatedNamespaceProps>, id = 'payments'): string {
  try {
    synthNs(props, id);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const COMMON_LABELS = {
  'app.kubernetes.io/name': 'isolated-namespace',
  'app.kubernetes.io/instance': 'payments',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'guardrails.cdk8s.io/team': 'payments',
};

describe('IsolatedNamespace: the simplest call', () => {
  const { ns, manifests } = synthNs();

  it('emits exactly the tenant-boundary objects', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Namespace/payments',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-dns',
      'ResourceQuota/quota',
      'LimitRange/limits',
      'Role/viewer',
      'Role/editor',
      'ServiceAccount/default',
    ]);
  });

  it('is a Chart whose namespace is the name', () => {
    expect(ns).toBeInstanceOf(Chart);
    expect(ns.namespace).toBe('payments');
    expect(ns.namespaceName).toBe('payments');
    expect(ns.team).toBe('payments');
  });

  it('puts every namespaced object in the namespace and none on the Namespace', () => {
    for (const m of manifests) {
      if (m.kind === 'Namespace') expect(m.metadata).not.toHaveProperty('namespace');
      else expect(m.metadata.namespace).toBe('payments');
    }
  });

  it('labels every object with the recommended labels and the team', () => {
    for (const m of manifests) expect(m.metadata.labels).toMatchObject(COMMON_LABELS);
    expect(ns.commonLabels).toEqual(COMMON_LABELS);
    expect(IsolatedNamespace.TEAM_LABEL).toBe('guardrails.cdk8s.io/team');
  });

  it('exposes every child', () => {
    expect(ApiObject.of(ns.namespaceResource).kind).toBe('Namespace');
    expect(ns.defaultDenyPolicy!.name).toBe('default-deny');
    expect(ns.dnsPolicy!.name).toBe('allow-dns');
    expect(ns.sameNamespacePolicy).toBeUndefined();
    expect(ns.ingressControllerPolicy).toBeUndefined();
    expect(ns.peerIngressPolicy).toBeUndefined();
    expect(ns.peerEgressPolicy).toBeUndefined();
    expect(ns.quota!.kind).toBe('ResourceQuota');
    expect(ns.limitRange!.kind).toBe('LimitRange');
    expect(ns.roles.map((r) => r.name)).toEqual(['viewer', 'editor']);
    expect(ns.viewerRole.name).toBe('viewer');
    expect(ns.editorRole.name).toBe('editor');
    expect(ns.roleBindings).toEqual([]);
    expect(ns.defaultServiceAccount.name).toBe('default');
    expect(ns.skippedRules).toEqual({});
  });

  it('passes the strictness of an API server', () => {
    expect(apiServerProblems(manifests)).toEqual([]);
  });

  it('passes every rule of the checker', () => {
    const app = Testing.app();
    Guardrails.enforce(app);
    const n = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    expect(() => Testing.synth(n)).not.toThrow();
    expect(Guardrails.report(app).violations).toEqual([]);
  });

  it('gives byte-identical output for the same input', () => {
    const yaml = () => {
      const app = Testing.app();
      const n = new IsolatedNamespace(app, 'payments', { team: 'payments', viewerGroups: ['a'], allowTo: [NetworkPeer.cidr('10.0.0.0/8')] });
      new SafeDeployment(n, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
      new FakeIngress(n, 'ingress', NetworkPeer.namespace('traefik'));
      return app.synthYaml();
    };
    expect(yaml()).toBe(yaml());
  });
});

describe('ns-pod-security', () => {
  it('labels the Namespace enforce, audit and warn = restricted, pinned to v1.27', () => {
    const { manifests } = synthNs();
    expect(one(manifests, 'Namespace').metadata.labels).toEqual({
      ...COMMON_LABELS,
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.27',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.27',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.27',
    });
  });

  it('pins another version', () => {
    const labels = one(synthNs({ podSecurityVersion: 'v1.30' }).manifests, 'Namespace').metadata.labels;
    for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.30');
  });

  it.each(['1.30', 'v2.0', 'v1.30.1', ''])('rejects the version %j', (v) => {
    expect(error({ podSecurityVersion: v })).toBe(
      `IsolatedNamespace at 'payments': invalid podSecurityVersion ${JSON.stringify(v)}; expected a Kubernetes minor version such as "v1.30".`);
  });

  it('refuses "latest" unless the rule is skipped', () => {
    expect(error({ podSecurityVersion: 'latest' })).toBe(
      'IsolatedNamespace at \'payments\': invalid podSecurityVersion "latest"; expected a pinned version such as "v1.30" ("latest" changes meaning with each cluster upgrade), or skip: { \'ns-pod-security\': \'<reason>\' }.');
    const labels = one(synthNs({ podSecurityVersion: 'latest', skip: { 'ns-pod-security': 'dev cluster follows upstream' } }).manifests, 'Namespace').metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('latest');
  });

  it.each([
    ['podSecurityEnforce', PodSecurityLevel.BASELINE],
    ['podSecurityAudit', PodSecurityLevel.PRIVILEGED],
    ['podSecurityWarn', PodSecurityLevel.BASELINE],
  ])('refuses %s below restricted without a reason', (prop, level) => {
    expect(error({ [prop]: level })).toBe(
      `IsolatedNamespace at 'payments': invalid ${prop} "${level}"; expected PodSecurityLevel.RESTRICTED, or skip: { 'ns-pod-security': '<reason>' } (rule ns-pod-security).`);
  });

  it('enforces baseline with a reason, keeps audit and warn restricted, and records the reason', () => {
    const { manifests, ns } = synthNs({ podSecurityEnforce: PodSecurityLevel.BASELINE, skip: { 'ns-pod-security': 'legacy agent needs NET_RAW' } });
    const namespace = one(manifests, 'Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(namespace.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.ns-pod-security': 'legacy agent needs NET_RAW' });
    expect(ns.skippedRules).toEqual({ 'ns-pod-security': 'legacy agent needs NET_RAW' });
  });

  it('rejects a level that is not one', () => {
    expect(error({ podSecurityWarn: 'strict' as PodSecurityLevel })).toBe(
      'IsolatedNamespace at \'payments\': invalid podSecurityWarn "strict"; expected PodSecurityLevel.RESTRICTED, BASELINE or PRIVILEGED ("restricted", "baseline", "privileged").');
  });
});

describe('the Namespace object', () => {
  it('takes its name from `name` over the construct id', () => {
    const { ns, manifests } = synthNs({ name: 'payments-prod' }, 'Payments');
    expect(ns.namespaceName).toBe('payments-prod');
    expect(one(manifests, 'Namespace').metadata.name).toBe('payments-prod');
    expect(one(manifests, 'Role', 'viewer').metadata.namespace).toBe('payments-prod');
  });

  it.each([
    ['Payments', 'name (taken from the construct id)'],
    ['pay_ments', 'name (taken from the construct id)'],
    ['a'.repeat(64), 'name (taken from the construct id)'],
  ])('rejects the construct id %j as a name', (id, prop) => {
    expect(error({}, id)).toBe(
      `IsolatedNamespace at '${id}': invalid ${prop} ${JSON.stringify(id)}; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit.`);
  });

  it.each(['default', 'kube-system', 'kube-tenant'])('rejects the reserved name %j', (name) => {
    expect(error({ name })).toBe(
      `IsolatedNamespace at 'payments': invalid name ${JSON.stringify(name)}; expected a name other than "default" and not starting with "kube-" (reserved for the system).`);
  });

  it('rejects a team that is not a label value', () => {
    expect(error({ team: 'Payments & Billing' })).toBe(
      'IsolatedNamespace at \'payments\': invalid team "Payments & Billing"; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit.');
  });

  it('adds namespaceLabels and namespaceAnnotations', () => {
    const namespace = one(synthNs({
      namespaceLabels: { 'cost-center': 'cc-42', 'istio.io/rev': 'stable' },
      namespaceAnnotations: { 'scheduler.alpha.kubernetes.io/node-selector': 'pool=apps' },
    }).manifests, 'Namespace');
    expect(namespace.metadata.labels).toMatchObject({ 'cost-center': 'cc-42', 'istio.io/rev': 'stable', ...COMMON_LABELS });
    expect(namespace.metadata.annotations).toEqual({ 'scheduler.alpha.kubernetes.io/node-selector': 'pool=apps' });
  });

  it.each([
    [{ 'pod-security.kubernetes.io/enforce': 'privileged' }, 'namespaceLabels "pod-security.kubernetes.io/enforce"; expected no pod-security.kubernetes.io/* labels: set podSecurityEnforce, podSecurityAudit, podSecurityWarn and podSecurityVersion'],
    [{ 'guardrails.cdk8s.io/team': 'x' }, 'namespaceLabels "guardrails.cdk8s.io/team"; expected no guardrails.cdk8s.io/team label: it is set from `team`'],
    [{ 'kubernetes.io/metadata.name': 'x' }, 'namespaceLabels "kubernetes.io/metadata.name"; expected no kubernetes.io/metadata.name label: it is set from the name by the API server'],
    [{ 'bad key!': 'x' }, 'namespaceLabels key "bad key!"; expected a key of the form [prefix/]name'],
    [{ 'example.com/': 'x' }, 'namespaceLabels key "example.com/"; expected a key of the form [prefix/]name'],
    [{ [`${'a'.repeat(64)}`]: 'x' }, `namespaceLabels key "${'a'.repeat(64)}"; expected a key of the form [prefix/]name`],
    [{ tier: 'a'.repeat(64) }, `namespaceLabels.tier "${'a'.repeat(64)}"; expected a label value of at most 63 characters`],
    [{ tier: 'not ok' }, 'namespaceLabels.tier "not ok"; expected a label value of at most 63 characters'],
  ])('rejects namespaceLabels %j', (labels, expected) => {
    expect(error({ namespaceLabels: labels })).toContain(`IsolatedNamespace at 'payments': invalid ${expected}`);
  });

  const AT = "IsolatedNamespace at 'payments': invalid ";
  const LABEL_VALUE = 'a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
  it.each([
    ['an empty team', { team: '' }, `team ""; expected a non-empty ${LABEL_VALUE.replace(/^a /, '')}.`],
    ['a team with spaces', { team: 'team payments' }, `team "team payments"; expected ${LABEL_VALUE}.`],
    ['a team ending in a dash', { team: 'payments-' }, `team "payments-"; expected ${LABEL_VALUE}.`],
    ['a team of 64 characters', { team: 't'.repeat(64) }, `team "${'t'.repeat(64)}"; expected ${LABEL_VALUE}.`],
    ['a chart label key with a space', { labels: { 'cost center': '7' } }, 'labels key "cost center"; expected a key of the form [prefix/]name'],
    ['a chart label value with spaces', { labels: { cost: 'cost center 7' } }, `labels.cost "cost center 7"; expected ${LABEL_VALUE}.`],
    ['an annotation key with a space', { namespaceAnnotations: { 'bad key!': 'x' } }, 'namespaceAnnotations key "bad key!"; expected a key of the form [prefix/]name'],
    ['an annotation key with an empty prefix', { namespaceAnnotations: { '/x': 'x' } }, 'namespaceAnnotations key "/x"; expected a key of the form [prefix/]name'],
    ['a number as annotation value', { namespaceAnnotations: { replicas: 3 as unknown as string } }, 'namespaceAnnotations.replicas 3; expected a string'],
    ['annotations over 256 KiB', { namespaceAnnotations: { a: 'x'.repeat(256 * 1024) } },
      'namespaceAnnotations "(262145 bytes of annotations)"; expected at most 262144 bytes (256 KiB) of annotations on one object, keys and values together: the API server refuses more; keep long text in a ConfigMap or shorten it.'],
    ['annotations and skip reasons over 256 KiB together', { namespaceAnnotations: { a: 'x'.repeat(200 * 1024) }, skip: { 'ns-limits': 'y'.repeat(60 * 1024) } },
      'namespaceAnnotations "(266275 bytes of annotations)"; expected at most 262144 bytes'],
    ['a skip reason over 256 KiB', { skip: { 'ns-limits': 'y'.repeat(300 * 1024) } }, 'skip "(307234 bytes of annotations)"; expected at most 262144 bytes'],
  ])('rejects %s', (_what, props, expected) => {
    expect(errorOf(() => build(props as Partial<IsolatedNamespaceProps>))).toContain(AT + expected);
  });

  it('accepts annotation keys in any case and labels at the edges', () => {
    const { ns } = build({
      team: 'T'.repeat(63),
      labels: { 'example.com/Env_1': 'Prod.2' },
      namespaceAnnotations: { 'Example.COM/Owner': 'x'.repeat(200 * 1024), 'note': '' },
    });
    const namespace = one(Testing.synth(ns), 'Namespace');
    expect(namespace.metadata.annotations['Example.COM/Owner']).toHaveLength(200 * 1024);
    expect(namespace.metadata.labels['example.com/Env_1']).toBe('Prod.2');
  });

  it('rejects pod labels of a peer made from the namespace', () => {
    const { ns } = build();
    expect(errorOf(() => ns.asPeer({ 'app name': 'x' }))).toContain('NetworkPeer.namespace(): invalid podLabels key "app name"; expected a key of the form [prefix/]name');
  });

  it('puts the chart `labels` on every object, workloads included', () => {
    const { ns } = build({ labels: { env: 'prod' } });
    new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    for (const m of Testing.synth(ns)) expect(m.metadata.labels.env).toBe('prod');
  });

  it.each([
    [{ 'replicas-min': 'x' }, 'skip.replicas-min "replicas-min"; expected a namespace rule id: ns-pod-security, ns-default-deny, ns-quota, ns-limits, ns-rbac (workload rules are skipped on the workload).'],
    [{ 'ns-nope': 'x' }, 'skip.ns-nope "ns-nope"; expected a rule id of the catalog'],
    [{ 'ns-quota': ' ' }, 'skip.ns-quota " "; expected a non-empty reason: switching a rule off must say why.'],
  ])('rejects skip %j', (skip, expected) => {
    expect(error({ skip })).toContain(`IsolatedNamespace at 'payments': invalid ${expected}`);
  });
});

describe('workloads inside it', () => {
  it('a SafeDeployment lands in the namespace, with every object', () => {
    const { ns } = build();
    const web = new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    expect(web.namespaceName).toBe('payments');
    const manifests = Testing.synth(ns);
    const own = manifests.filter((m) => m.metadata.name === 'web');
    expect(own.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const m of own) expect(m.metadata.namespace).toBe('payments');
    expect(apiServerProblems(manifests)).toEqual([]);
  });

  it('the Namespace comes first, so kubectl apply creates it before its objects', () => {
    const { ns } = build();
    new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    expect(Testing.synth(ns)[0].kind).toBe('Namespace');
  });

  it('the shop example runs inside it within the default quota and passes every rule', () => {
    const app = Testing.app();
    // The database password exists in the cluster already (the example reads it by name).
    Guardrails.enforce(app, { externalSecrets: ['shop/shop-db'] });
    const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    const shop = new ShopChart(ns, 'app', PRODUCTION, { namespace: ns.namespaceName });
    const manifests = [...Testing.synth(ns), ...Testing.synth(shop)];
    expect(manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.namespace)).toEqual(['shop', 'shop']);
    expect(Guardrails.report(app).violations).toEqual([]);
    expect(apiServerProblems(manifests.filter((m) => m.kind !== 'ServiceMonitor'))).toEqual([]);
  });
});

describe('the cdk8s Chart namespace bug: cluster-scoped objects never carry a namespace', () => {
  function clusterScopedApp() {
    const { app, ns } = build({ clusterScopedKinds: ['Gadget', 'acme.io/Gizmo'] });
    const role = new kplus.ClusterRole(ns, 'ClusterRole', { metadata: { name: 'payments-reader' } });
    role.allow(['get'], kplus.ApiResource.NODES);
    const binding = new kplus.ClusterRoleBinding(ns, 'ClusterRoleBinding', { metadata: { name: 'payments-reader' }, role });
    binding.addSubjects(kplus.Group.fromName(ns, 'G', 'payments-oncall'));
    new kplus.k8s.KubePriorityClass(ns, 'PriorityClass', { metadata: { name: 'payments-high' }, value: 1000 });
    new kplus.k8s.KubeStorageClass(ns, 'StorageClass', { metadata: { name: 'payments-ssd' }, provisioner: 'ebs.csi.aws.com' });
    new kplus.k8s.KubeIngressClass(ns, 'IngressClass', { metadata: { name: 'payments' }, spec: {} });
    new ApiObject(ns, 'ClusterIssuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'acme' } });
    new ApiObject(ns, 'Crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.acme.io' },
      spec: { group: 'acme.io', scope: 'Cluster', names: { kind: 'Widget', plural: 'widgets' }, versions: [] },
    });
    new ApiObject(ns, 'Widget', { apiVersion: 'acme.io/v1', kind: 'Widget', metadata: { name: 'w' } });
    new ApiObject(ns, 'Gadget', { apiVersion: 'gadgets.io/v1', kind: 'Gadget', metadata: { name: 'g' } });
    new ApiObject(ns, 'Gizmo', { apiVersion: 'acme.io/v1', kind: 'Gizmo', metadata: { name: 'z' } });
    new ApiObject(ns, 'OtherGizmo', { apiVersion: 'other.io/v1', kind: 'Gizmo', metadata: { name: 'z2' } });
    new ApiObject(ns, 'Thing', { apiVersion: 'acme.io/v1', kind: 'Thing', metadata: { name: 't' } });
    return { app, ns };
  }

  const CLUSTER = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'IngressClass',
    'ClusterIssuer', 'CustomResourceDefinition', 'Widget', 'Gadget', 'Gizmo/z'];

  it('removes the namespace from built-in, CRD-declared and listed cluster-scoped kinds', () => {
    const { ns } = clusterScopedApp();
    const manifests = Testing.synth(ns);
    const key = (m: any) => (m.kind === 'Gizmo' ? `Gizmo/${m.metadata.name}` : m.kind);
    for (const m of manifests) {
      if (CLUSTER.includes(key(m))) expect(m.metadata, key(m)).not.toHaveProperty('namespace');
      else expect(m.metadata.namespace, key(m)).toBe('payments');
    }
    // A kind listed with its group stays namespaced in another group.
    expect(one(manifests, 'Gizmo', 'z2').metadata.namespace).toBe('payments');
    expect(one(manifests, 'Thing').metadata.namespace).toBe('payments');
  });

  it('holds for every output type of App.synth, including one file per object', () => {
    for (const yamlOutputType of [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-'));
      const app = new App({ outdir, yamlOutputType });
      const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
      new kplus.ClusterRole(ns, 'ClusterRole', { metadata: { name: 'payments-reader' } });
      app.synth();
      const text = (fs.readdirSync(outdir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n---\n');
      for (const doc of text.split(/^---$/m).filter((d) => /kind: (Namespace|ClusterRole)\n/.test(d))) {
        expect(doc, `${yamlOutputType}`).not.toMatch(/^\s+namespace:/m);
      }
      expect(text).toContain('kind: ClusterRole\n');
    }
  });

  it('keeps an explicit namespace on namespaced objects', () => {
    const { ns } = build();
    new kplus.k8s.KubeConfigMap(ns, 'Elsewhere', { metadata: { name: 'shared', namespace: 'shared' }, data: { a: 'b' } });
    expect(one(Testing.synth(ns), 'ConfigMap').metadata.namespace).toBe('shared');
  });

  it.each(['ConfigMap', 'Deployment', 'apps/StatefulSet', 'rbac.authorization.k8s.io/Role'])('rejects the namespaced built-in kind %j in clusterScopedKinds', (kind) => {
    const bare = kind.slice(kind.lastIndexOf('/') + 1);
    expect(error({ clusterScopedKinds: [kind] })).toBe(
      `IsolatedNamespace at 'payments': invalid clusterScopedKinds ${JSON.stringify(kind)}; expected only kinds that are cluster-scoped: ${bare} is a namespaced built-in kind, and its objects would lose this namespace and land in "default".`);
  });

  it('takes a custom kind that shares a built-in name in another group', () => {
    expect(() => build({ clusterScopedKinds: ['acme.io/Deployment'] })).not.toThrow();
  });

  it('rejects a clusterScopedKinds entry that is not a kind', () => {
    expect(error({ clusterScopedKinds: ['widget'] })).toBe(
      'IsolatedNamespace at \'payments\': invalid clusterScopedKinds "widget"; expected kinds as "Kind" or "group/Kind", e.g. "ClusterIssuer" or "cert-manager.io/ClusterIssuer".');
  });

  it('the output with cluster-scoped objects passes the strictness of an API server', () => {
    const { ns } = clusterScopedApp();
    const manifests = Testing.synth(ns).filter((m) => !['Gadget', 'Gizmo', 'Thing'].includes(m.kind));
    expect(apiServerProblems(manifests)).toEqual([]);
  });
});
