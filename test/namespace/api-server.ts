/**
 * The validation a Kubernetes API server applies to the objects the namespace tests emit
 * (names, namespaces, labels, NetworkPolicy, ResourceQuota, LimitRange, RBAC), as a list
 * of problems: an empty list means the server would accept the objects and read them back
 * as written (so a GitOps diff settles).
 */
import { Construct } from 'constructs';
import { IIngressControllerClient, NetworkPeer } from '../../lib';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass',
  'PersistentVolume', 'IngressClass', 'ClusterIssuer', 'Widget',
]);
const DNS_LABEL_NAMED = new Set(['Namespace', 'Service']);
const PATH_SEGMENT_NAMED = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const QUOTA_KEYS = new Set([
  'requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory', 'requests.ephemeral-storage',
  'limits.ephemeral-storage', 'pods', 'services', 'services.loadbalancers', 'services.nodeports',
  'persistentvolumeclaims', 'requests.storage', 'configmaps', 'secrets',
]);

/** Problems the API server would report for these objects. */
export function apiServerProblems(manifests: any[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata?.name}`;
    const p = (msg: string) => problems.push(`${id}: ${msg}`);
    if (!m.apiVersion || !m.kind || !m.metadata?.name) p('apiVersion, kind and metadata.name are required');
    const name: string = m.metadata?.name ?? '';
    if (DNS_LABEL_NAMED.has(m.kind)) {
      if (name.length > 63 || !DNS_LABEL.test(name)) p(`name ${name} is not a DNS-1123 label`);
    } else if (PATH_SEGMENT_NAMED.has(m.kind)) {
      if (name === '.' || name === '..' || /[/%]/.test(name)) p(`name ${name} is not a path segment`);
    } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      p(`name ${name} is not a DNS-1123 subdomain`);
    }
    const ns = m.metadata?.namespace;
    if (CLUSTER_SCOPED.has(m.kind)) {
      if (ns !== undefined) p(`cluster-scoped but has metadata.namespace ${ns}`);
    } else if (typeof ns !== 'string' || !DNS_LABEL.test(ns)) {
      p(`namespaced but metadata.namespace is ${JSON.stringify(ns)}`);
    }
    for (const [k, v] of Object.entries(m.metadata?.labels ?? {})) {
      if (!QUALIFIED_NAME.test(k)) p(`label key ${k} is not a qualified name`);
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) p(`label ${k} has an invalid value ${JSON.stringify(v)}`);
    }
    for (const [k, v] of Object.entries(m.metadata?.annotations ?? {})) {
      if (!QUALIFIED_NAME.test(k)) p(`annotation key ${k} is not a qualified name`);
      if (typeof v !== 'string') p(`annotation ${k} is not a string`);
    }
    switch (m.kind) {
      case 'Namespace': checkNamespace(m, p); break;
      case 'NetworkPolicy': checkNetworkPolicy(m, p); break;
      case 'ResourceQuota': checkQuota(m, p); break;
      case 'LimitRange': checkLimitRange(m, p); break;
      case 'Role': case 'ClusterRole': checkRole(m, p); break;
      case 'RoleBinding': case 'ClusterRoleBinding': checkBinding(m, p); break;
      case 'ServiceAccount':
        if (m.automountServiceAccountToken !== undefined && typeof m.automountServiceAccountToken !== 'boolean') p('automountServiceAccountToken is not a boolean');
        break;
    }
  }
  return problems;
}

function checkNamespace(m: any, p: (msg: string) => void) {
  for (const [k, v] of Object.entries<string>(m.metadata?.labels ?? {})) {
    if (!k.startsWith('pod-security.kubernetes.io/')) continue;
    if (k.endsWith('-version')) {
      if (v !== 'latest' && !/^v1\.(0|[1-9]\d*)$/.test(v)) p(`${k} is not a version: ${v}`);
    } else if (!['privileged', 'baseline', 'restricted'].includes(v)) {
      p(`${k} is not a level: ${v}`);
    }
  }
}

function checkNetworkPolicy(m: any, p: (msg: string) => void) {
  const spec = m.spec ?? {};
  if (typeof spec.podSelector !== 'object') p('spec.podSelector is required');
  for (const t of spec.policyTypes ?? []) if (!['Ingress', 'Egress'].includes(t)) p(`policyType ${t}`);
  const rules = [...(spec.ingress ?? []).map((r: any) => [r, r.from]), ...(spec.egress ?? []).map((r: any) => [r, r.to])];
  for (const [rule, peers] of rules) {
    for (const port of rule.ports ?? []) {
      if (!['TCP', 'UDP', 'SCTP'].includes(port.protocol)) p(`protocol ${port.protocol}`);
      if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) p(`port ${port.port}`);
      if (port.endPort !== undefined && port.endPort < port.port) p(`endPort ${port.endPort} < port`);
    }
    for (const peer of peers ?? []) {
      if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) p('ipBlock together with a selector');
      if (!peer.ipBlock && !peer.podSelector && !peer.namespaceSelector) p('an empty peer');
      if (peer.ipBlock && !/^[0-9a-fA-F.:]+\/\d+$/.test(peer.ipBlock.cidr)) p(`cidr ${peer.ipBlock.cidr}`);
    }
  }
}

function checkQuota(m: any, p: (msg: string) => void) {
  for (const [k, v] of Object.entries(m.spec?.hard ?? {})) {
    if (!QUOTA_KEYS.has(k)) p(`unknown quota resource ${k}`);
    if (!QUANTITY.test(String(v)) || String(v).startsWith('-')) p(`quota ${k} is not a non-negative quantity: ${v}`);
    if (typeof v !== 'string') p(`quota ${k} is the ${typeof v} ${v}: the API server stores a quantity and reads it back as the string "${v}"`);
  }
}

/**
 * A Container LimitRange item as the API server stores it (SetDefaults_LimitRangeItem in
 * pkg/apis/core/v1/defaults.go): a missing default limit becomes the max, a missing
 * defaultRequest the default limit, else the min.
 */
export function limitRangeItemAsStored(item: any): any {
  if (item?.type !== 'Container') return item;
  const stored = { ...item, default: { ...(item.default ?? {}) }, defaultRequest: { ...(item.defaultRequest ?? {}) } };
  for (const [r, v] of Object.entries(item.max ?? {})) if (!(r in stored.default)) stored.default[r] = v;
  for (const [r, v] of Object.entries(stored.default)) if (!(r in stored.defaultRequest)) stored.defaultRequest[r] = v;
  for (const [r, v] of Object.entries(item.min ?? {})) if (!(r in stored.defaultRequest)) stored.defaultRequest[r] = v;
  return stored;
}

const UNITS: { [s: string]: number } = { '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4 };
function q(v: unknown): number {
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(String(v));
  if (!match || !(match[2] in UNITS)) return NaN;
  return parseFloat(match[1]) * UNITS[match[2]];
}

function checkLimitRange(m: any, p: (msg: string) => void) {
  for (const item of m.spec?.limits ?? []) {
    if (!['Container', 'Pod', 'PersistentVolumeClaim'].includes(item.type)) p(`limit type ${item.type}`);
    const stored = limitRangeItemAsStored(item);
    for (const f of ['default', 'defaultRequest']) {
      for (const r of Object.keys(stored[f] ?? {})) {
        if (item[f]?.[r] === undefined) p(`${r}: ${f} is not set, and the API server stores ${stored[f][r]} there (it reads back differently)`);
      }
    }
    const resources = new Set<string>(['default', 'defaultRequest', 'min', 'max'].flatMap((f) => Object.keys(item[f] ?? {})));
    for (const r of resources) {
      const [min, defReq, def, max] = ['min', 'defaultRequest', 'default', 'max'].map((f) => (item[f]?.[r] === undefined ? undefined : q(item[f][r])));
      const order: Array<[string, number | undefined, string, number | undefined]> = [
        ['min', min, 'defaultRequest', defReq], ['defaultRequest', defReq, 'default', def], ['default', def, 'max', max],
        ['min', min, 'max', max], ['min', min, 'default', def], ['defaultRequest', defReq, 'max', max],
      ];
      for (const [a, x, b, y] of order) {
        if (x !== undefined && y !== undefined && x > y) p(`${r}: ${a} must be less than or equal to ${b}`);
      }
    }
  }
}

function checkRole(m: any, p: (msg: string) => void) {
  for (const r of m.rules ?? []) {
    if (!Array.isArray(r.verbs) || r.verbs.length === 0) p('a rule without verbs');
    if (!Array.isArray(r.apiGroups) || !Array.isArray(r.resources) || r.resources.length === 0) p('a resource rule needs apiGroups and resources');
  }
}

function checkBinding(m: any, p: (msg: string) => void) {
  const ref = m.roleRef ?? {};
  if (ref.apiGroup !== 'rbac.authorization.k8s.io' || !['Role', 'ClusterRole'].includes(ref.kind) || !ref.name) p('an invalid roleRef');
  for (const s of m.subjects ?? []) {
    if (!['Group', 'User', 'ServiceAccount'].includes(s.kind) || !s.name) p(`an invalid subject ${JSON.stringify(s)}`);
    if ((s.kind === 'Group' || s.kind === 'User') && s.apiGroup !== 'rbac.authorization.k8s.io') p('a Group or User subject needs apiGroup rbac.authorization.k8s.io');
  }
}

/** A stand-in for an ingress (a TlsIngress) that receives traffic from an ingress controller. */
export class FakeIngress extends Construct implements IIngressControllerClient {
  constructor(scope: Construct, id: string, public readonly ingressControllerPeer: NetworkPeer) {
    super(scope, id);
  }
}

/** Flattens Role rules into "group/resource: verbs" lines. */
export function grants(role: any): string[] {
  return (role.rules ?? []).flatMap((r: any) => (r.resources as string[]).map((res) =>
    `${r.apiGroups[0] === '' ? 'core' : r.apiGroups[0]}/${res}: ${(r.verbs as string[]).join(',')}`));
}
