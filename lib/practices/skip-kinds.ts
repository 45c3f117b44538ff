/**
 * Which objects a skip annotation of a rule can switch something off on: the kinds each rule
 * reports on, or whose skip also counts for a finding on another object (a workload's
 * PodDisruptionBudget, the autoscaler of its replicas). A skip elsewhere hides nothing, and
 * the checker warns about it, as the constructs refuse it (lib/pods/rule-kinds.ts).
 *
 * Rules left out (labels, kind-fields, api-valid, the ingress and secret rules) report on
 * kinds too varied to tell: a skip of them is never warned about.
 */
import { podKind, ruleNotApplicable } from '../core/kinds';
import { Obj, PodSet } from './objects';

/** Objects with a pod template: every workload rule applies to them, as far as their kind allows. */
const WORKLOADS = 'workloads (objects with a pod template)';

/** Rule id -> the other kinds a skip of it counts on; `workloads`: whether it counts on workloads too. */
const SKIP_KINDS: { [rule: string]: { workloads: boolean; kinds: readonly string[] } } = {
  'image-pinned': { workloads: true, kinds: [] },
  'image-registry': { workloads: true, kinds: [] },
  'replicas-min': { workloads: true, kinds: ['HorizontalPodAutoscaler', 'ScaledObject'] },
  'spread-nodes': { workloads: true, kinds: [] },
  'spread-zones': { workloads: true, kinds: [] },
  'probe-readiness': { workloads: true, kinds: [] },
  'probe-liveness': { workloads: true, kinds: [] },
  'graceful-shutdown': { workloads: true, kinds: [] },
  'pdb': { workloads: true, kinds: ['PodDisruptionBudget'] },
  'resources': { workloads: true, kinds: [] },
  'pod-security': { workloads: true, kinds: [] },
  'service-account': { workloads: true, kinds: ['ServiceAccount'] },
  'arch-explicit': { workloads: true, kinds: [] },
  'config-immutable': { workloads: true, kinds: ['ConfigMap', 'Secret'] },
  'config-external': { workloads: true, kinds: [] },
  'rwo-volume': { workloads: true, kinds: [] },
  'rollout': { workloads: true, kinds: [] },
  'metrics': { workloads: true, kinds: ['Service'] },
  'network-calls': { workloads: true, kinds: ['Service'] },
  'network-exposure': { workloads: false, kinds: ['Service'] },
  'ns-pod-security': { workloads: false, kinds: ['Namespace'] },
  'ns-default-deny': { workloads: true, kinds: ['Namespace'] },
  'ns-quota': { workloads: false, kinds: ['Namespace', 'ResourceQuota'] },
  'ns-limits': { workloads: false, kinds: ['Namespace'] },
  'ns-rbac': { workloads: false, kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
};

const REPLICA_RULES = ['replicas-min', 'pdb', 'spread-nodes', 'spread-zones'];

/**
 * Why a skip annotation of `rule` on `obj` can switch nothing off, naming the kinds the rule
 * applies to; undefined when it can (or when the rule is not in the table). `podSet`: the
 * object's pod template, if it has one.
 */
export function skipNotApplicable(rule: string, obj: Obj, podSet: PodSet | undefined): string | undefined {
  const known = SKIP_KINDS[rule];
  if (known === undefined || known.kinds.includes(obj.kind)) return undefined;
  const kinds = [...(known.workloads ? [WORKLOADS] : []), ...known.kinds];
  const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}` : kinds[0];
  if (podSet === undefined || !known.workloads) {
    return `rule ${rule} applies to ${list}, not to a ${obj.kind}, so the skip hides nothing; remove it, or put it on the object the rule reports`;
  }
  // A workload: does the rule apply to its kind (replicas for a Pod, probes for a Job)?
  let why: string | undefined;
  if (obj.kind === 'Pod') {
    const completes = !podSet.longRunning && ruleNotApplicable(rule, { ...podSet.kind, longRunning: false }) !== undefined;
    why = REPLICA_RULES.includes(rule) ? 'a bare Pod has no replicas'
      : completes ? `this Pod runs to completion (restartPolicy ${podSet.spec.restartPolicy ?? 'Always'}${podSet.hook ? ', a Helm hook' : ''}): rule ${rule} is for pods that run until they are stopped` : undefined;
  } else {
    const builtIn = podKind(obj.kind);
    if (builtIn !== undefined) why = ruleNotApplicable(rule, { ...builtIn, construct: undefined });
  }
  return why === undefined ? undefined : `${why}, so the skip of rule ${rule} hides nothing; remove it`;
}
