import { ComputeResource, COMPUTE_RESOURCES, parseCompute, parseQuantity, renderCompute } from '../core/quantity';
import { quantityProblem } from '../core/validation/rules';
import { QuotaKey, ResolvedLimits } from './quota';

/**
 * What the objects of a namespace consume of its quota, computed from their synthesized
 * JSON the way the API server's admission would see their pods.
 *
 * Pods per workload: the HPA maxReplicas when an HPA targets it, else `replicas`; for a
 * Deployment plus its rolling-update maxSurge (default 25%, none with Recreate), because
 * surge pods count against the quota and a rollout that cannot create them never
 * finishes. Jobs count `parallelism`, CronJobs one Job at a time. DaemonSets count one pod
 * per node, with the node count the quota is given (`quota.expectedNodes`); without it they
 * are listed in `uncountedDaemonSets`.
 */
export interface Usage {
  /** Amounts in base units (millicores, bytes, counts). */
  readonly totals: { [key in QuotaKey]: number };
  /** Per quota key, what contributes to it ("Deployment web: 3 pods x 100m"). */
  readonly contributions: { [key in QuotaKey]: string[] };
  /** Containers the API server would reject, with the reason. */
  readonly problems: ContainerProblem[];
  /** DaemonSets not counted, for want of a node count. */
  readonly uncountedDaemonSets: string[];
}

/** A container that would be rejected by the LimitRange or the quota. */
export interface ContainerProblem {
  /**
   * 'missing' (quota needs a value the container lacks), 'min', 'max', 'default-below-request',
   * 'invalid' (the container's value is no quantity, or negative: the API server refuses it).
   */
  readonly type: 'missing' | 'min' | 'max' | 'default-below-request' | 'invalid';
  readonly resource: ComputeResource;
  /** "requests" or "limits". */
  readonly side: 'requests' | 'limits';
  /** "container app of Deployment web". */
  readonly where: string;
  /** The container's own value (rendered), when it has one. */
  readonly value?: string;
}

interface Manifest { readonly kind?: string; readonly metadata?: any; readonly spec?: any }

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * The quota keys for which the API server rejects a pod with a container that does not set
 * the value (quota admission's backward-compatible check covers cpu and memory only).
 */
const ENFORCED_PER_CONTAINER = new Set<QuotaKey>(['requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory']);

/**
 * Computes the usage of `manifests` (the objects of one namespace). `bounded` holds the
 * quota keys the namespace's ResourceQuota sets: a container that lacks a cpu or memory
 * value of a bounded key, after the LimitRange defaults, is a problem.
 */
export function computeUsage(manifests: readonly Manifest[], limits: ResolvedLimits | undefined, bounded: ReadonlySet<QuotaKey>, expectedNodes?: number): Usage {
  const uncountedDaemonSets: string[] = [];
  const totals: any = {};
  const contributions: any = {};
  const add = (key: QuotaKey, amount: number, text: string) => {
    if (amount === 0) return;
    totals[key] = (totals[key] ?? 0) + amount;
    (contributions[key] ??= []).push(text);
  };
  const problems: ContainerProblem[] = [];

  const hpaMax = new Map<string, number>();
  for (const m of manifests) {
    if (m.kind === 'HorizontalPodAutoscaler' && m.spec?.scaleTargetRef?.name) {
      hpaMax.set(`${m.spec.scaleTargetRef.kind}/${m.spec.scaleTargetRef.name}`, Number(m.spec.maxReplicas));
    }
  }

  for (const m of manifests) {
    const kind = m.kind ?? '';
    const name = m.metadata?.name ?? '';
    const label = `${kind} ${name}`;
    if (kind === 'Service') {
      add('services', 1, label);
      const ports = (m.spec?.ports ?? []).length;
      if (m.spec?.type === 'LoadBalancer') {
        add('services.loadbalancers', 1, label);
        if (m.spec?.allocateLoadBalancerNodePorts !== false) add('services.nodeports', ports, `${label}: ${ports} node ports`);
      } else if (m.spec?.type === 'NodePort') {
        add('services.nodeports', ports, `${label}: ${ports} node ports`);
      }
      continue;
    }
    if (kind === 'PersistentVolumeClaim') {
      add('persistentvolumeclaims', 1, label);
      const storage = parseQuantity(m.spec?.resources?.requests?.storage);
      if (storage > 0) add('requests.storage', storage, `${label}: ${renderCompute('memory', storage)}`);
      continue;
    }
    if (!WORKLOAD_KINDS.has(kind)) continue;
    if (kind === 'DaemonSet' && expectedNodes === undefined) { uncountedDaemonSets.push(name); continue; }

    const { pods, podSpec, how } = podsOf(m, hpaMax.get(`${kind}/${name}`), expectedNodes);
    if (!podSpec || pods <= 0) continue;
    const times = `${pods} pods${how ? ` (${how})` : ''}`;
    add('pods', pods, `${label}: ${times}`);

    // Claims: StatefulSet templates (one per pod) and generic ephemeral volumes, in one entry
    // per workload that names each template.
    const claimTemplates: Array<{ name: string; t: any }> = [
      ...(kind === 'StatefulSet' ? m.spec?.volumeClaimTemplates ?? [] : []).map((t: any) => ({ name: String(t?.metadata?.name ?? ''), t })),
      ...(podSpec.volumes ?? []).filter((v: any) => v.ephemeral?.volumeClaimTemplate).map((v: any) => ({ name: String(v.name ?? ''), t: v.ephemeral.volumeClaimTemplate })),
    ];
    if (claimTemplates.length > 0) {
      const names = claimTemplates.map((c) => c.name).join(', ');
      add('persistentvolumeclaims', pods * claimTemplates.length,
        `${label}: ${pods * claimTemplates.length} claims (${names}, ${claimTemplates.length > 1 ? 'one of each' : 'one'} per pod)`);
      const sized = claimTemplates.map((c) => ({ ...c, storage: parseQuantity(c.t.spec?.resources?.requests?.storage) })).filter((c) => c.storage > 0);
      const storage = sized.reduce((sum, c) => sum + c.storage, 0);
      if (storage > 0) add('requests.storage', storage * pods, `${label}: ${sized.map((c) => `${pods} x ${renderCompute('memory', c.storage)} (${c.name})`).join(' + ')}`);
    }

    const perPod = podResources(podSpec, `${kind} ${name}`, limits, bounded, problems);
    for (const side of ['requests', 'limits'] as const) {
      for (const r of COMPUTE_RESOURCES) {
        const amount = perPod[side][r];
        if (amount > 0) add(`${side}.${r}` as QuotaKey, amount * pods, `${label}: ${times} x ${renderCompute(r, amount)}`);
      }
    }
  }
  return { totals, contributions, problems, uncountedDaemonSets };
}

function podsOf(m: Manifest, hpaMaxReplicas: number | undefined, expectedNodes: number | undefined): { pods: number; podSpec: any; how?: string } {
  const spec = m.spec ?? {};
  switch (m.kind) {
    case 'DaemonSet':
      return { pods: expectedNodes ?? 0, podSpec: spec.template?.spec, how: `one per node, quota.expectedNodes ${expectedNodes}` };
    case 'Pod':
      return { pods: 1, podSpec: spec };
    case 'Deployment': {
      const base = hpaMaxReplicas ?? spec.replicas ?? 1;
      const strategy = spec.strategy ?? {};
      const surge = strategy.type === 'Recreate' ? 0 : intOrPercent(strategy.rollingUpdate?.maxSurge ?? '25%', base);
      const how = [hpaMaxReplicas !== undefined ? `HPA maxReplicas ${base}` : `replicas ${base}`, ...(surge > 0 ? [`maxSurge ${surge}`] : [])].join(' + ');
      return { pods: base + surge, podSpec: spec.template?.spec, how };
    }
    case 'ReplicaSet':
    case 'StatefulSet': {
      const base = hpaMaxReplicas ?? spec.replicas ?? 1;
      return { pods: base, podSpec: spec.template?.spec, how: hpaMaxReplicas !== undefined ? `HPA maxReplicas ${base}` : undefined };
    }
    case 'Job':
      return { pods: Math.min(spec.parallelism ?? 1, spec.completions ?? Infinity), podSpec: spec.template?.spec };
    case 'CronJob': {
      const job = spec.jobTemplate?.spec ?? {};
      return { pods: Math.min(job.parallelism ?? 1, job.completions ?? Infinity), podSpec: job.template?.spec };
    }
    default:
      return { pods: 0, podSpec: undefined };
  }
}

/** maxSurge as an absolute number: percentages round up, as the Deployment controller does. */
function intOrPercent(value: unknown, base: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value));
  if (m) return Math.ceil((base * Number(m[1])) / 100);
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Effective requests and limits of one pod after defaulting (a request defaults to the
 * limit, then the LimitRange fills what is still missing): the sum over the containers
 * and sidecars, or the largest init container if that is more.
 */
function podResources(podSpec: any, owner: string, limits: ResolvedLimits | undefined, bounded: ReadonlySet<QuotaKey>, problems: ContainerProblem[]) {
  const result = { requests: {} as { [r in ComputeResource]: number }, limits: {} as { [r in ComputeResource]: number } };
  const containers: any[] = podSpec.containers ?? [];
  const inits: any[] = podSpec.initContainers ?? [];
  const sidecars = inits.filter((c) => c.restartPolicy === 'Always');
  const plainInits = inits.filter((c) => c.restartPolicy !== 'Always');
  for (const r of COMPUTE_RESOURCES) {
    for (const side of ['requests', 'limits'] as const) {
      const required = bounded.has(`${side}.${r}` as QuotaKey) && ENFORCED_PER_CONTAINER.has(`${side}.${r}` as QuotaKey);
      const eff = (c: any, kind: string) => effective(c, r, side, `${kind} ${c.name} of ${owner}`, limits, required, problems);
      const main = [...containers.map((c) => eff(c, 'container')), ...sidecars.map((c) => eff(c, 'init container'))].reduce((a, b) => a + b, 0);
      const init = plainInits.map((c) => eff(c, 'init container')).reduce((a, b) => Math.max(a, b), 0);
      result[side][r] = Math.max(main, init);
    }
  }
  return result;
}

function effective(c: any, r: ComputeResource, side: 'requests' | 'limits', where: string, limits: ResolvedLimits | undefined,
  required: boolean, problems: ContainerProblem[]): number {
  for (const [s, raw] of [['requests', c.resources?.requests?.[r]], ['limits', c.resources?.limits?.[r]]] as const) {
    if (s === side && raw !== undefined && quantityProblem(String(raw), { nonNegative: true }) !== undefined) {
      problems.push({ type: 'invalid', resource: r, side, where, value: String(raw) });
      return 0;
    }
  }
  const ownRequest = parseCompute(r, c.resources?.requests?.[r]);
  const ownLimit = parseCompute(r, c.resources?.limits?.[r]);
  const hasRequest = !Number.isNaN(ownRequest);
  const hasLimit = !Number.isNaN(ownLimit);
  if (side === 'requests') {
    const value = hasRequest ? ownRequest : hasLimit ? ownLimit : limits?.defaultRequest[r];
    if (value === undefined) {
      if (required) problems.push({ type: 'missing', resource: r, side, where });
      return 0;
    }
    if (limits && value < limits.min[r]) problems.push({ type: 'min', resource: r, side, where, value: renderCompute(r, value) });
    const defaultLimit = limits?.defaultLimit[r];
    if (defaultLimit !== undefined && !hasLimit && hasRequest && value > defaultLimit) {
      problems.push({ type: 'default-below-request', resource: r, side, where, value: renderCompute(r, value) });
    }
    return value;
  }
  // Without a LimitRange default (no CPU limit unless asked for) the container stays unlimited.
  const value = hasLimit ? ownLimit : limits?.defaultLimit[r];
  if (value === undefined) {
    if (required) problems.push({ type: 'missing', resource: r, side, where });
    return 0;
  }
  const max = limits?.max[r];
  if (max !== undefined && hasLimit && value > max) problems.push({ type: 'max', resource: r, side, where, value: renderCompute(r, value) });
  if (limits && hasLimit && value < limits.min[r]) problems.push({ type: 'min', resource: r, side, where, value: renderCompute(r, value) });
  return value;
}
