/**
 * Namespace rules: on the Namespace objects of the output and the objects in them, and
 * (ns-default-deny, ns-rbac) on every pod and every RBAC object of the app.
 */
import { RuleContext } from '../context';
import { Obj, ObjectIndex, PodSet, isObject } from '../objects';
import { isEmptySelector } from '../selector';

const PSS = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'];

/** `ns-pod-security`: the namespace enforces Pod Security "restricted" (baseline in the baseline profile), audit and warn too, versions pinned. */
export function nsPodSecurity(ctx: RuleContext): void {
  const wanted = ctx.restricted ? ['restricted'] : ['baseline', 'restricted'];
  for (const ns of ctx.index.ofKind('Namespace')) {
    const problems: string[] = [];
    for (const mode of ctx.restricted ? MODES : ['enforce']) {
      const level = ns.labels[`${PSS}${mode}`];
      if (level === undefined) problems.push(`has no ${PSS}${mode} label`);
      else if (!wanted.includes(level)) problems.push(`has ${PSS}${mode}=${level}, not ${wanted.join(' or ')}`);
      if (level !== undefined) {
        const version = ns.labels[`${PSS}${mode}-version`];
        if (version === undefined) problems.push(`does not pin ${PSS}${mode}-version`);
        else if (!/^v1\.\d+$/.test(version)) problems.push(`has ${PSS}${mode}-version=${version}, not a pinned version such as v1.30`);
      }
    }
    for (const problem of problems) {
      ctx.report(ns, problem, { field: 'metadata.labels' });
    }
  }
}

function policyTypes(np: Obj): string[] {
  const spec = np.m.spec ?? {};
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes.map(String);
  const types = ['Ingress'];
  if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
  return types;
}

/** Which directions NetworkPolicies restrict for each pod template. */
function coverage(index: ObjectIndex): Map<PodSet, Set<string>> {
  return index.once('netpol-coverage', () => {
    const covered = new Map<PodSet, Set<string>>();
    for (const np of index.ofKind('NetworkPolicy')) {
      const types = policyTypes(np);
      for (const p of index.selectPods(np.ns ?? '', np.m.spec?.podSelector ?? {})) {
        let set = covered.get(p);
        if (!set) covered.set(p, set = new Set());
        for (const t of types) set.add(t);
      }
    }
    return covered;
  });
}

function isDenyAll(np: Obj, type: string): boolean {
  const spec = np.m.spec ?? {};
  if (!isEmptySelector(spec.podSelector ?? {})) return false;
  if (!policyTypes(np).includes(type)) return false;
  const rules = type === 'Ingress' ? spec.ingress : spec.egress;
  return !Array.isArray(rules) || rules.length === 0;
}

/** `ns-default-deny`: every namespace has a default-deny NetworkPolicy for both directions, and a NetworkPolicy covers every pod. */
export function nsDefaultDeny(ctx: RuleContext): void {
  const policiesByNs = new Map<string, Obj[]>();
  for (const np of ctx.index.ofKind('NetworkPolicy')) {
    const list = policiesByNs.get(np.ns ?? '');
    if (list) list.push(np); else policiesByNs.set(np.ns ?? '', [np]);
  }
  for (const ns of ctx.index.ofKind('Namespace')) {
    const policies = policiesByNs.get(ns.name) ?? [];
    const missing = ['Ingress', 'Egress'].filter((t) => !policies.some((np) => isDenyAll(np, t)));
    if (missing.length > 0) {
      ctx.report(ns, `has no default-deny NetworkPolicy for ${missing.join(' and ')} (podSelector {}, policyTypes [${missing.join(', ')}], no rules)`, { field: 'metadata.name' });
    }
  }
  const covered = coverage(ctx.index);
  for (const p of ctx.index.podSets) {
    const types = covered.get(p) ?? new Set<string>();
    const missing = ['Ingress', 'Egress'].filter((t) => !types.has(t));
    if (missing.length === 0) continue;
    ctx.report(p.obj, types.size === 0
      ? 'no NetworkPolicy selects its pods, so any pod in the cluster can reach them and they can reach anything'
      : `no NetworkPolicy restricts the ${missing.join(' and ').toLowerCase()} traffic of its pods`, {
      field: `${p.metaField}.labels`,
      fix: 'add a NetworkPolicy that selects the pods with policyTypes [Ingress, Egress] and explicit allows (SafeDeployment makes one), or a default-deny policy in the namespace',
    });
  }
}

const QUOTA_NEEDS: Array<[string, string[]]> = [
  ['cpu', ['requests.cpu', 'cpu', 'limits.cpu']],
  ['memory', ['requests.memory', 'memory', 'limits.memory']],
  ['pods', ['pods']],
  ['services', ['services']],
  ['load balancers', ['services.loadbalancers']],
  ['storage', ['requests.storage', 'persistentvolumeclaims']],
];

/** `ns-quota`: a ResourceQuota bounds cpu, memory, pods, services, load balancers and storage. */
export function nsQuota(ctx: RuleContext): void {
  const quotas = ctx.index.once('quotas-by-ns', () => group(ctx.index.ofKind('ResourceQuota')));
  for (const ns of ctx.index.ofKind('Namespace')) {
    const list = quotas.get(ns.name) ?? [];
    if (list.length === 0) {
      ctx.report(ns, 'has no ResourceQuota, so one team can exhaust the cluster', { field: 'metadata.name' });
      continue;
    }
    const hard = new Set<string>();
    for (const q of list) for (const k of Object.keys(isObject(q.m.spec?.hard) ? q.m.spec.hard : {})) hard.add(k);
    const missing = QUOTA_NEEDS.filter(([, keys]) => !keys.some((k) => hard.has(k))).map(([what]) => what);
    if (missing.length > 0) {
      ctx.report(ns, `its ResourceQuota (${list.map((q) => q.name).join(', ')}) does not bound ${missing.join(', ')}`, {
        field: 'metadata.name', fix: `add spec.hard entries for ${missing.join(', ')} (e.g. requests.cpu, requests.memory, pods, services, services.loadbalancers, requests.storage)`,
      });
    }
  }
}

/** `ns-limits`: a LimitRange gives container defaults. */
export function nsLimits(ctx: RuleContext): void {
  const ranges = ctx.index.once('limitranges-by-ns', () => group(ctx.index.ofKind('LimitRange')));
  for (const ns of ctx.index.ofKind('Namespace')) {
    const list = ranges.get(ns.name) ?? [];
    const container = list.flatMap((lr) => (Array.isArray(lr.m.spec?.limits) ? lr.m.spec.limits : []).filter((l: any) => l?.type === 'Container'));
    if (container.length === 0) {
      ctx.report(ns, list.length === 0 ? 'has no LimitRange, so containers without resources get no defaults' : 'its LimitRange has no limit of type Container', { field: 'metadata.name' });
      continue;
    }
    const has = (section: string, res: string) => container.some((l: any) => isObject(l[section]) && l[section][res] !== undefined);
    const missing = [['defaultRequest', 'cpu'], ['defaultRequest', 'memory'], ['default', 'memory']]
      .filter(([s, r]) => !has(s, r)).map(([s, r]) => `${s}.${r}`);
    if (missing.length > 0) {
      ctx.report(ns, `its LimitRange sets no container ${missing.join(', ')}`, { field: 'metadata.name' });
    }
  }
}

function group(objs: Obj[]): Map<string, Obj[]> {
  const m = new Map<string, Obj[]>();
  for (const o of objs) {
    const list = m.get(o.ns ?? '');
    if (list) list.push(o); else m.set(o.ns ?? '', [o]);
  }
  return m;
}

const BROAD_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit']);

/** `ns-rbac`: Roles grant no wildcards, and secrets, pods/exec and pod creation only with a skip reason. */
export function nsRbac(ctx: RuleContext): void {
  for (const role of [...ctx.index.ofKind('Role'), ...ctx.index.ofKind('ClusterRole')]) {
    const rules = Array.isArray(role.m.rules) ? role.m.rules : [];
    rules.forEach((r: any, i: number) => {
      if (!isObject(r)) return;
      const field = `rules[${i}]`;
      const verbs: string[] = Array.isArray(r.verbs) ? r.verbs.map(String) : [];
      const resources: string[] = Array.isArray(r.resources) ? r.resources.map(String) : [];
      const groups: string[] = Array.isArray(r.apiGroups) ? r.apiGroups.map(String) : [];
      const wild = [
        verbs.includes('*') ? 'verbs' : '', resources.includes('*') ? 'resources' : '', groups.includes('*') ? 'apiGroups' : '',
      ].filter(Boolean);
      if (wild.length > 0) {
        ctx.report(role, `grants a wildcard in ${wild.join(', ')}: it grants whatever is added to the API later`, { field });
      }
      const core = groups.length === 0 || groups.includes('') || groups.includes('*');
      if (!core) return;
      if (resources.includes('secrets') || resources.includes('*')) {
        ctx.report(role, `grants ${verbs.join(', ')} on ${resources.includes('secrets') ? 'secrets' : 'every resource, secrets included'}: whoever holds it reads the Secrets of the namespace`, {
          field, fix: 'grant access to secrets only on purpose, with resourceNames, and record why with a skip annotation for ns-rbac',
        });
      }
      for (const sub of ['pods/exec', 'pods/attach']) {
        if (resources.includes(sub)) {
          ctx.report(role, `grants ${sub}: a shell in a pod reads its token, its Secrets and its memory`, { field });
        }
      }
      if (resources.includes('pods') && (verbs.includes('create') || verbs.includes('*'))) {
        ctx.report(role, 'grants create on pods: whoever creates a pod can run it as any ServiceAccount of the namespace and mount any Secret', { field });
      }
    });
  }
  for (const binding of [...ctx.index.ofKind('RoleBinding'), ...ctx.index.ofKind('ClusterRoleBinding')]) {
    const roleRef = binding.m.roleRef;
    if (roleRef?.kind === 'ClusterRole' && BROAD_CLUSTER_ROLES.has(String(roleRef.name))) {
      ctx.report(binding, `binds the built-in ClusterRole ${roleRef.name}, which grants secrets and wildcards`, {
        field: 'roleRef', fix: 'bind a Role that lists the resources and verbs the subject needs',
      });
    }
  }
}
