/**
 * Namespace rules: on the Namespace objects of the output and the objects in them, and
 * (ns-default-deny, ns-rbac) on every pod and every RBAC object of the app.
 */
import { KUBERNETES_VERSION_ANNOTATION } from '../../core/labels';
import { workloadResources } from '../../core/kinds';
import { RuleContext, skipReason } from '../context';
import { POD_SECURITY } from '../exceptions';
import { Obj, ObjectIndex, PodSet, isObject } from '../objects';
import { isEmptySelector, selectorMatches } from '../selector';
import { AdmissionLevel, admissionRefusals, Refusal, standardsVersion } from './admission';
import { fixFor } from './pod-security';

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
    admission(ctx, ns);
  }
}

/**
 * Part of `ns-pod-security`: what the namespace's enforced level refuses. Pod Security
 * admission judges the pods of the namespace by its `enforce` label (a value it cannot read
 * counts as "restricted") and `enforce-version` (missing or unreadable: the newest; never newer
 * than the cluster, whose version is the workload's target Kubernetes version when it records
 * one), and knows
 * nothing of the catalog's skips: a workload's skip or narrow exception of `pod-security` waives
 * the catalog's opinion, not admission. So a refusal is reported on the workload whenever rule
 * `pod-security` does not report it itself (skipped, waived, switched off, outside the checker's
 * profile, or not one of its checks), and no skip annotation hides it: the workload changes, or
 * the namespace's level is lowered.
 */
function admission(ctx: RuleContext, ns: Obj): void {
  const label = ns.labels[`${PSS}enforce`];
  if (label === undefined || label === 'privileged') return;
  const level: AdmissionLevel = label === 'baseline' ? 'baseline' : 'restricted';
  const versionLabel = ns.labels[`${PSS}enforce-version`];
  const pinned = standardsVersion(versionLabel);
  const levelText = `namespace ${ns.name} enforces Pod Security "${level}"${label === level ? '' : ` (its label says "${label}", which admission reads as restricted)`}`;
  for (const p of ctx.index.selectPods(ns.name, {})) {
    // Admission applies no standards newer than the cluster's own version (unpinned, exactly
    // those): the workload's target Kubernetes version, when it records one.
    const recorded = /^1\.(\d+)$/.exec(p.obj.annotations[KUBERNETES_VERSION_ANNOTATION] ?? '');
    const target = recorded && Number(recorded[1]) < pinned ? Number(recorded[1]) : undefined;
    const version = target ?? pinned;
    const newest = target !== undefined ? `the standards of its target Kubernetes 1.${target} (${KUBERNETES_VERSION_ANNOTATION})` : 'the newest standards';
    const enforces = levelText + (versionLabel === undefined ? ` (no enforce-version: ${newest})`
      : ` (enforce-version ${versionLabel}${Number.isFinite(pinned) ? (target !== undefined ? `, above ${newest}, which apply` : '')
        : versionLabel === 'latest' ? (target !== undefined ? `: ${newest}` : '') : `, unreadable: ${newest}`})`);
    for (const r of admissionRefusals(p, level, version)) {
      const why = catalogSilence(ctx, p, r);
      if (why === undefined) continue;
      const fix = r.fix ?? fixFor(r.field) ?? 'set the field as the Pod Security Standards require';
      ctx.report(p.obj, `${enforces}, so the API server refuses ${p.obj.kind === 'Pod' ? 'the pod' : 'its pods'}: ${r.message}${why}`, {
        field: r.field,
        unskippable: true,
        fix: `${fix}; or run it in a namespace that allows it, or lower the enforce level of namespace ${ns.name} (pod-security.kubernetes.io/enforce; podSecurityEnforce of an IsolatedNamespace, with a reason in its skip of ns-pod-security)`,
      });
    }
  }
}

/**
 * Why rule `pod-security` does not report a refusal on the workload itself (`''` when it does
 * not judge that field the same way), or undefined when it does, so that a refusal is reported once.
 */
function catalogSilence(ctx: RuleContext, p: PodSet, r: Refusal): string | undefined {
  if (!r.catalog) return '';
  const off = ctx.options.disabledRules.get(POD_SECURITY);
  if (off !== undefined) return `; rule ${POD_SECURITY} is switched off for the app ("${off}"), which does not switch admission off`;
  const skipped = skipReason(p.obj, POD_SECURITY);
  if (skipped !== undefined) return `; the ${p.obj.kind}'s skip of ${POD_SECURITY} ("${skipped}") waives the catalog's rule, not admission`;
  if (r.waivedBy !== undefined) return `; its ${POD_SECURITY}.${r.waivedBy.check} exception waives the catalog's rule, not admission`;
  if (r.level === 'restricted' && !ctx.restricted) return '; the checker\'s baseline profile does not check it, admission does';
  return undefined;
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
  quotaDefaults(ctx);
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

/** Quota keys that reject a pod whose containers do not set the resource, and the LimitRange defaults that fill it in. */
const QUOTA_DEFAULTS: Array<[string[], string, string[]]> = [
  [['limits.cpu'], 'cpu limit', ['default.cpu']],
  [['limits.memory'], 'memory limit', ['default.memory']],
  [['limits.ephemeral-storage'], 'ephemeral-storage limit', ['default.ephemeral-storage']],
  [['requests.cpu', 'cpu'], 'cpu request', ['defaultRequest.cpu', 'default.cpu']],
  [['requests.memory', 'memory'], 'memory request', ['defaultRequest.memory', 'default.memory']],
  [['requests.ephemeral-storage', 'ephemeral-storage'], 'ephemeral-storage request', ['defaultRequest.ephemeral-storage', 'default.ephemeral-storage']],
];

/**
 * Part of `ns-quota`: a quota on a compute resource rejects every pod whose containers do not
 * set it, unless a LimitRange of the namespace gives a default.
 */
function quotaDefaults(ctx: RuleContext): void {
  const ranges = ctx.index.once('limitranges-by-ns', () => group(ctx.index.ofKind('LimitRange')));
  for (const q of ctx.index.ofKind('ResourceQuota')) {
    const hard = isObject(q.m.spec?.hard) ? q.m.spec.hard : {};
    const container = containerLimits(ranges.get(q.ns ?? '') ?? []);
    const has = (path: string) => {
      const [section, res] = [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)];
      return container.some((l: any) => isObject(l[section]) && l[section][res] !== undefined);
    };
    for (const [keys, what, defaults] of QUOTA_DEFAULTS) {
      const key = keys.find((k) => hard[k] !== undefined);
      if (key === undefined || defaults.some(has)) continue;
      ctx.report(q, `bounds ${key}, but no LimitRange in ${q.ns ? `namespace ${q.ns}` : 'its namespace'} gives containers a default ${what}: the API server rejects every pod whose containers set none`, {
        field: `spec.hard.${key}`, fix: `add a LimitRange of type Container with ${defaults[0]} (or remove ${key} from the quota)`,
      });
    }
  }
}

/**
 * The Container limits of LimitRanges as the API server stores them (SetDefaults_LimitRangeItem):
 * a `max` without a `default` becomes the default limit, a `default` without a `defaultRequest`
 * the default request, and else a `min` the default request.
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
function containerLimits(ranges: Obj[]): any[] {
  const section = (l: any, name: string) => (isObject(l[name]) ? l[name] : {});
  return ranges.flatMap((lr) => (Array.isArray(lr.m.spec?.limits) ? lr.m.spec.limits : []))
    .filter((l: any) => isObject(l) && l.type === 'Container')
    .map((l: any) => {
      const byDefault = { ...section(l, 'max'), ...section(l, 'default') };
      return { ...l, default: byDefault, defaultRequest: { ...section(l, 'min'), ...byDefault, ...section(l, 'defaultRequest') } };
    });
}

/** `ns-limits`: a LimitRange gives container defaults (after the API server's defaulting, see `containerLimits`). */
export function nsLimits(ctx: RuleContext): void {
  const ranges = ctx.index.once('limitranges-by-ns', () => group(ctx.index.ofKind('LimitRange')));
  for (const ns of ctx.index.ofKind('Namespace')) {
    const list = ranges.get(ns.name) ?? [];
    const container = containerLimits(list);
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

/**
 * Whether an RBAC rule's resources cover `target` (`secrets`, `pods/exec`), as the API server
 * matches them: `*` is every resource and subresource, and `*` then `/exec` is that subresource of
 * every resource.
 */
function coversResource(resources: string[], target: string): boolean {
  const slash = target.indexOf('/');
  const sub = slash >= 0 ? target.slice(slash + 1) : '';
  return resources.some((r) => r === '*' || r === target || (sub !== '' && r === `*/${sub}`));
}

function grantsVerb(verbs: string[], wanted: string[]): string[] {
  return verbs.includes('*') ? wanted : wanted.filter((v) => verbs.includes(v));
}

const WORKLOAD = 'whoever creates or changes {what} runs pods as any ServiceAccount of {scope}, with any Secret, ConfigMap and volume of it mounted';
const WRITE = ['create', 'update', 'patch'];
const SECRET_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * Grants that let the holder act beyond the rule's own words: by API group, resource and the verbs
 * that matter. After the Kubernetes RBAC documentation, "Privilege escalation prevention and
 * bootstrapping" and "Restrictions on workload creation"
 * (https://kubernetes.io/docs/concepts/security/rbac-good-practices/). `cluster`: the resource is
 * cluster-scoped, so only a ClusterRole grants it.
 */
/** Verbs of a proxy subresource: each stands for HTTP methods sent through the API server (GET, POST, PUT, PATCH, DELETE). */
const PROXY = ['get', 'create', 'update', 'patch', 'delete'];

const SENSITIVE: Array<{ group: string; resource: string; verbs: string[]; why: string; cluster?: boolean }> = [
  { group: '', resource: 'pods/exec', verbs: ['create', 'get'], why: 'a shell in a pod reads its token, its Secrets and its memory' },
  { group: '', resource: 'pods/attach', verbs: ['create', 'get'], why: 'attaching to a pod reads and writes its processes\' input and output' },
  { group: '', resource: 'pods', verbs: ['create'], why: 'whoever creates a pod can run it as any ServiceAccount of {scope} and mount any Secret' },
  { group: '', resource: 'pods', verbs: ['update', 'patch'], why: 'changing a pod\'s image runs other code with its ServiceAccount, Secrets and volumes' },
  { group: '', resource: 'pods/ephemeralcontainers', verbs: ['update', 'patch'], why: 'it adds a container of any image to a running pod, with the pod\'s ServiceAccount, Secrets and volumes' },
  // Every resource whose objects the checker treats as workloads: built-in and custom (lib/core/kinds.ts);
  // templates that run nothing by themselves (Argo WorkflowTemplates) left out.
  ...workloadResources().filter((w) => !w.templateOnly).map((w) => ({
    group: w.group, resource: w.resource, verbs: WRITE,
    why: WORKLOAD.replace('{what}', w.group === '' ? `a ${w.kind}` : `a workload (${w.resource})`),
  })),
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'], why: 'it mints tokens for any ServiceAccount of {scope}' },
  { group: '', resource: 'pods/portforward', verbs: ['create', 'get'], why: 'port-forwarding reaches any port of any pod of {scope}, past its NetworkPolicies' },
  { group: '', resource: 'pods/proxy', verbs: PROXY, why: 'the API server\'s proxy reaches any port of any pod of {scope}, past its NetworkPolicies' },
  { group: '', resource: 'services/proxy', verbs: PROXY, why: 'the API server\'s proxy reaches the pods behind any Service of {scope}, past their NetworkPolicies' },
  { group: 'networking.k8s.io', resource: 'networkpolicies', verbs: [...WRITE, 'delete', 'deletecollection'], why: 'NetworkPolicies are additive: whoever can create, change or delete one can undo the default-deny of {scope}' },
  { group: '', resource: 'namespaces', verbs: ['update', 'patch'], cluster: true, why: 'changing a namespace\'s labels removes its Pod Security enforcement (pod-security.kubernetes.io/enforce) and moves it out of the NetworkPolicies that select it' },
  { group: '', resource: 'nodes', verbs: ['update', 'patch'], cluster: true, why: 'changing a node\'s labels and taints draws other workloads onto it, or drains them away' },
  { group: '', resource: 'nodes/proxy', verbs: PROXY, cluster: true, why: 'it reaches the kubelet API of every node, which runs commands in any pod there without admission or audit' },
  { group: '', resource: 'persistentvolumes', verbs: ['create'], cluster: true, why: 'a hostPath PersistentVolume mounts any directory of a node into a pod' },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', verbs: WRITE, cluster: true, why: 'a mutating webhook receives and rewrites every object written to the API, Secrets and pods included' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verbs: WRITE, cluster: true, why: 'a validating webhook receives every object written to the API, Secrets included, and can block any write' },
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'], cluster: true, why: 'it approves certificate requests: with approve on a signer, it issues client certificates for any user or group, system:masters included' },
  { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve'], cluster: true, why: 'approving for a signer such as kubernetes.io/kube-apiserver-client issues client certificates for any user or group, system:masters included' },
];

/** Subjects that stand for everyone, or for every ServiceAccount: a binding to them grants its Role to all of them. */
const EVERYONE: { [name: string]: string } = {
  'system:anonymous': 'every request without credentials, from anyone who reaches the API server',
  'system:unauthenticated': 'every request without credentials, from anyone who reaches the API server',
  'system:authenticated': 'every user and every ServiceAccount of the cluster',
  'system:serviceaccounts': 'every ServiceAccount of every namespace, so any pod that can run',
};

/** Labels by which the built-in ClusterRoles admin and edit aggregate other ClusterRoles. */
const AGGREGATE_TO = ['admin', 'edit', 'cluster-admin'].map((r) => `rbac.authorization.k8s.io/aggregate-to-${r}`);

/** Verbs that grant more than their resource: the holder can give itself any permission. */
const ESCALATING: { [verb: string]: string } = {
  escalate: 'escalate lets the holder write Roles with permissions it does not have',
  bind: 'bind lets the holder bind any Role, even one with permissions it does not have',
  impersonate: 'impersonate lets the holder act as another user, group or ServiceAccount',
};

/**
 * `ns-rbac`: Roles grant no wildcards, and secrets, pods/exec, workload creation, tokens, node
 * proxy, webhooks, certificate approval and escalation only with a skip reason; no binding to
 * everyone, no aggregation of the built-in admin and edit roles.
 */
export function nsRbac(ctx: RuleContext): void {
  for (const role of [...ctx.index.ofKind('Role'), ...ctx.index.ofKind('ClusterRole')]) {
    const scope = role.kind === 'ClusterRole' ? 'every namespace the ClusterRole is bound in (all of them through a ClusterRoleBinding)' : 'the namespace';
    const rules = Array.isArray(role.m.rules) ? role.m.rules : [];
    rules.forEach((r: any, i: number) => {
      if (!isObject(r)) return;
      const field = `rules[${i}]`;
      const verbs: string[] = Array.isArray(r.verbs) ? r.verbs.map(String) : [];
      const resources: string[] = Array.isArray(r.resources) ? r.resources.map(String) : [];
      const groups: string[] = Array.isArray(r.apiGroups) ? r.apiGroups.map(String) : [];
      const wild = [
        verbs.includes('*') ? 'verbs' : '',
        resources.some((x) => x.includes('*'))
          ? `resources${resources.some((x) => x.includes('*') && x !== '*') ? ` (${resources.filter((x) => x.includes('*')).join(', ')})` : ''}` : '',
        groups.includes('*') ? 'apiGroups' : '',
      ].filter(Boolean);
      if (wild.length > 0) {
        const literal = resources.filter((x) => x.includes('*') && x !== '*' && !/^\*\/[^*]+$/.test(x));
        ctx.report(role, `grants a wildcard in ${wild.join(', ')}: it grants whatever is added to the API later${literal.length > 0 ? ` (the API server matches ${literal.join(', ')} literally: only * and */<subresource> are wildcards in RBAC)` : ''}`, { field });
      }
      // What a bare * grants is reported once, as a wildcard; named verbs and resources one by one.
      for (const verb of Object.keys(ESCALATING).filter((v) => verbs.includes(v))) {
        ctx.report(role, `grants the verb ${verb}: ${ESCALATING[verb]}`, { field });
      }
      const inGroup = (g: string) => groups.includes('*') || groups.includes(g) || (g === '' && groups.length === 0);
      // Verbs are matched exactly, as RBAC does ('List' grants nothing). With resourceNames, RBAC
      // allows a request only when it names one of them: get, update, patch and delete by their
      // path, list and watch only with the field selector metadata.name=<one of them> (the API
      // server reads it as the request's name), create and deletecollection never (they name no
      // object when authorized). So such a rule grants the named Secrets on purpose, never all.
      const secretVerbs = verbs.filter((v) => v === '*' || SECRET_VERBS.includes(v));
      const named = Array.isArray(r.resourceNames) && r.resourceNames.length > 0;
      if (!named && inGroup('') && coversResource(resources, 'secrets') && secretVerbs.length > 0) {
        ctx.report(role, `grants ${secretVerbs.join(', ')} on ${resources.includes('secrets') ? 'secrets' : 'every resource, secrets included'}: whoever holds it reads the Secrets of ${scope}`, {
          field, fix: 'grant access to secrets only on purpose, with resourceNames, and record why with a skip annotation for ns-rbac',
        });
      }
      for (const s of SENSITIVE) {
        if ((s.cluster && role.kind !== 'ClusterRole') || !inGroup(s.group)) continue;
        const granted = grantsVerb(verbs, s.verbs);
        if (granted.length === 0 || !coversResource(resources.filter((x) => x !== '*'), s.resource)) continue;
        const through = resources.includes(s.resource) ? '' : ` (through ${resources.filter((x) => x.includes('*')).join(', ')})`;
        const name = s.group === '' ? s.resource : `${s.resource} (${s.group})`;
        ctx.report(role, `grants ${granted.join(', ')} on ${name}${through}: ${s.why.replace('{scope}', scope)}`, { field });
      }
    });
  }
  for (const role of ctx.index.ofKind('ClusterRole')) {
    const selectors = role.m.aggregationRule?.clusterRoleSelectors;
    if (!Array.isArray(selectors)) continue;
    selectors.forEach((sel: any, i: number) => {
      if (!isObject(sel)) return;
      const wide = isEmptySelector(sel) ? 'selects every ClusterRole, cluster-admin included'
        : AGGREGATE_TO.filter((label) => selectorMatches(sel, { [label]: 'true' })).map((label) => `gathers the ClusterRoles that ${label.slice(label.lastIndexOf('-to-') + 4)} gathers (${label}=true)`)[0];
      if (wide === undefined) return;
      ctx.report(role, `its aggregationRule ${wide}, so it grants what those grant (secrets, pod creation) and grows when any of them does`, {
        field: `aggregationRule.clusterRoleSelectors[${i}]`, fix: 'list the rules the subject needs instead of aggregating the built-in roles',
      });
    });
  }
  for (const binding of [...ctx.index.ofKind('RoleBinding'), ...ctx.index.ofKind('ClusterRoleBinding')]) {
    const subjects = Array.isArray(binding.m.subjects) ? binding.m.subjects : [];
    subjects.forEach((s: any, i: number) => {
      const who = isObject(s) && (s.kind === 'Group' || s.kind === 'User') ? EVERYONE[String(s.name)] : undefined;
      if (who === undefined) return;
      ctx.report(binding, `binds ${binding.m.roleRef?.kind ?? 'its role'} ${binding.m.roleRef?.name ?? ''} to ${s.kind} ${s.name}, that is to ${who}`, {
        field: `subjects[${i}]`, fix: 'bind the users, groups or ServiceAccounts that need the role by name',
      });
    });
    const roleRef = binding.m.roleRef;
    if (roleRef?.kind === 'ClusterRole' && BROAD_CLUSTER_ROLES.has(String(roleRef.name))) {
      ctx.report(binding, `binds the built-in ClusterRole ${roleRef.name}, which grants secrets and wildcards`, {
        field: 'roleRef', fix: 'bind a Role that lists the resources and verbs the subject needs',
      });
    }
  }
}
