/**
 * Which objects a skip annotation of a rule can switch something off on: the kinds each rule
 * reports on, or whose skip also counts for a finding on another object (a workload's
 * PodDisruptionBudget, the autoscaler of its replicas). A skip elsewhere hides nothing, and
 * the checker warns about it, as the constructs refuse it (lib/pods/rule-kinds.ts).
 *
 * A rule that reports on any object through its annotations (secret-no-plaintext) applies
 * elsewhere only when an annotation holds what it looks for: a skip there is warned about when
 * it hides nothing. A skip that hides a finding is never called idle. `labels` applies to every
 * object; api-valid cannot be skipped. ingress-backend applies to a workload through the
 * Ingresses that route to it: a skip on a workload of an app without an Ingress is idle.
 */
import { podKind, ruleNotApplicable } from '../core/kinds';
import { Obj, PodSet } from './objects';

/** Objects with a pod template: every workload rule applies to them, as far as their kind allows. */
const WORKLOADS = 'workloads (objects with a pod template)';

/**
 * Rule id -> the other kinds a skip of it counts on; `workloads`: whether it counts on workloads
 * too; `annotations`: whether it also reports on the annotations of any object.
 */
const SKIP_KINDS: { [rule: string]: { workloads: boolean; kinds: readonly string[]; annotations?: boolean } } = {
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
  'kind-fields': { workloads: true, kinds: [] },
  'metrics': { workloads: true, kinds: ['Service'] },
  'network-calls': { workloads: true, kinds: ['Service'] },
  'network-exposure': { workloads: false, kinds: ['Service'] },
  'ns-pod-security': { workloads: false, kinds: ['Namespace'] },
  'ns-default-deny': { workloads: true, kinds: ['Namespace'] },
  'ns-quota': { workloads: false, kinds: ['Namespace', 'ResourceQuota'] },
  'ns-limits': { workloads: false, kinds: ['Namespace'] },
  'ns-rbac': { workloads: false, kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
  'ingress-tls': { workloads: false, kinds: ['Ingress'] },
  'ingress-redirect': { workloads: false, kinds: ['Ingress'] },
  'ingress-dns': { workloads: false, kinds: ['Ingress'] },
  'ingress-wildcard': { workloads: false, kinds: ['Ingress'] },
  'ingress-backend': { workloads: true, kinds: ['Ingress', 'Service'] },
  'secret-no-plaintext': {
    workloads: true, annotations: true,
    kinds: ['Secret', 'ConfigMap', 'SealedSecret', 'ExternalSecret', 'SecretStore', 'ClusterSecretStore'],
  },
};

const REPLICA_RULES = ['replicas-min', 'pdb', 'spread-nodes', 'spread-zones'];

/**
 * Why a skip annotation of `rule` on `obj` can switch nothing off, naming the kinds the rule
 * applies to; undefined when it can (or when the rule is not in the table). `podSet`: the
 * object's pod template, if it has one; `hidden`: how many findings the skip hid (a skip that
 * hid one is not idle, whatever the table says); `ingresses`: how many Ingresses the app has.
 */
export function skipNotApplicable(rule: string, obj: Obj, podSet: PodSet | undefined, hidden: number, ingresses: number): string | undefined {
  const known = SKIP_KINDS[rule];
  if (hidden > 0 || known === undefined || known.kinds.includes(obj.kind)) return undefined;
  if (rule === 'ingress-backend' && podSet !== undefined && ingresses === 0) {
    return `rule ${rule} applies to a workload only through the Ingresses that route to its pods, and the app has no Ingress, so the skip hides nothing; remove it`;
  }
  const kinds = [...(known.workloads ? [WORKLOADS] : []), ...known.kinds];
  const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}` : kinds[0];
  if (podSet === undefined || !known.workloads) {
    if (known.annotations) {
      return `rule ${rule} applies to ${list}, and to a ${obj.kind} only through its annotations, none of which holds a secret, so the skip hides nothing; remove it, or put it on the object the rule reports`;
    }
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
