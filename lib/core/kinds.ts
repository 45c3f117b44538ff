/**
 * The Kubernetes kinds that carry a Pod template, and what each kind means for the practices.
 * Data only, in one table: the workload constructs (where the pod template goes, what it
 * needs), the namespace usage and the checker (how to read synthesized objects) share it.
 *
 * - `templatePath`: where the Pod template lives (`[]`: the object is the Pod);
 * - `longRunning`: its pods run until stopped, so they need liveness probes and a graceful
 *   shutdown (a bare Pod only with `restartPolicy: Always`, the default);
 * - `replicated`: it has `spec.replicas` (and may be scaled by a HorizontalPodAutoscaler), so
 *   2+ replicas need spreading and a PodDisruptionBudget;
 * - `stateless`: its replicas are interchangeable, so it runs at least 2 (rule `replicas-min`)
 *   and never shares a ReadWriteOnce claim;
 * - `serving`: its pods may receive traffic from a Service, so serving containers need
 *   readiness probes, a preStop delay and metrics;
 * - `selector`: whether `spec.selector` must be given and match the template's labels
 *   ('required'), may be given and then must match ('optional'), or must not be set by hand
 *   ('generated': a Job makes its own unless `manualSelector` is true), or does not exist.
 * - `strategyField`: the field holding the update strategy, and its allowed `type` values.
 * - `restartPolicies`: the pod restartPolicy values the API server accepts for the kind. A
 *   template without the field means Always (the Pod default), so a kind that refuses Always
 *   (a Job) must set it.
 * - `construct`, `restartPolicy`, `spreadMatchLabelKeys`: for the kinds the library makes, the
 *   construct's name (in error messages), the pods' restartPolicy, and the label keys that the
 *   topology spread of its pods matches on besides the selector.
 */
export interface PodKind {
  readonly kind: string;
  /** API group ('' for the core group). */
  readonly group: string;
  /** apiVersion of the object. */
  readonly apiVersion: string;
  readonly templatePath: readonly string[];
  readonly longRunning: boolean;
  readonly replicated: boolean;
  readonly stateless: boolean;
  readonly serving: boolean;
  readonly selector: 'required' | 'optional' | 'generated' | 'none';
  readonly strategyField?: string;
  readonly strategyTypes?: readonly string[];
  readonly restartPolicies: readonly string[];
  readonly construct?: string;
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  readonly spreadMatchLabelKeys?: readonly string[];
}

/** A kind that a construct of this library makes. */
export interface ConstructKind extends PodKind {
  readonly construct: string;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
}

const POD: PodKind = { kind: 'Pod', group: '', apiVersion: 'v1', templatePath: [], longRunning: true, replicated: false, stateless: false, serving: true, selector: 'none', restartPolicies: ['Always', 'OnFailure', 'Never'] };

/** Controllers that restart their pods for ever accept only Always. */
const ALWAYS = ['Always'];
/** A Job's pods run to completion: Always is refused, and so is a template that leaves it out. */
const RUN_TO_COMPLETION = ['OnFailure', 'Never'];

export const DEPLOYMENT: ConstructKind = {
  kind: 'Deployment', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required',
  strategyField: 'strategy', strategyTypes: ['RollingUpdate', 'Recreate'], restartPolicies: ALWAYS,
  construct: 'SafeDeployment', restartPolicy: 'Always',
  // A rollout's old and new ReplicaSets are not counted together.
  spreadMatchLabelKeys: ['pod-template-hash'],
};

const REPLICA_SET: PodKind = { kind: 'ReplicaSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required', restartPolicies: ALWAYS };
const REPLICATION_CONTROLLER: PodKind = { kind: 'ReplicationController', group: '', apiVersion: 'v1', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'optional', restartPolicies: ALWAYS };

export const STATEFUL_SET: ConstructKind = {
  kind: 'StatefulSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, stateless: false, serving: true, selector: 'required',
  strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'], restartPolicies: ALWAYS,
  construct: 'SafeStatefulSet', restartPolicy: 'Always',
};

export const DAEMON_SET: ConstructKind = {
  kind: 'DaemonSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: false, stateless: false, serving: true, selector: 'required',
  strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'], restartPolicies: ALWAYS,
  construct: 'SafeDaemonSet', restartPolicy: 'Always',
};

export const JOB: ConstructKind = {
  kind: 'Job', group: 'batch', apiVersion: 'batch/v1', templatePath: ['spec', 'template'],
  longRunning: false, replicated: false, stateless: false, serving: false, selector: 'generated', restartPolicies: RUN_TO_COMPLETION,
  construct: 'SafeJob', restartPolicy: 'Never',
};

export const CRON_JOB: ConstructKind = {
  kind: 'CronJob', group: 'batch', apiVersion: 'batch/v1', templatePath: ['spec', 'jobTemplate', 'spec', 'template'],
  longRunning: false, replicated: false, stateless: false, serving: false, selector: 'none', restartPolicies: RUN_TO_COMPLETION,
  construct: 'SafeCronJob', restartPolicy: 'Never',
};

/** Every pod-bearing kind, in the order the checker reports them. */
export const POD_KINDS: readonly PodKind[] = [POD, DEPLOYMENT, REPLICA_SET, REPLICATION_CONTROLLER, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB];

/** The kinds the library's workload constructs make. */
export const CONSTRUCT_KINDS: readonly ConstructKind[] = [DEPLOYMENT, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB];

/** The pod-bearing kind of this name, if it is one. */
export function podKind(kind: string): PodKind | undefined {
  return POD_KINDS.find((k) => k.kind === kind);
}

/**
 * What the practices assume of a kind they do not know (an Argo Rollout, an OpenKruise CloneSet,
 * a Knative or operator resource) whose `spec.template` is a Pod template (it has
 * `spec.containers`): a long-running, replicated, serving workload, as most such controllers are.
 * Its replicas are not assumed interchangeable (no `replicas-min`), and neither its selector
 * (whose form the kind decides: a LabelSelector, a plain map, none) nor its strategy is checked. A `v1 PodTemplate` (`template`) is judged as the pods it describes:
 * long-running and serving, not replicated.
 */
export function inferredPodKind(manifest: any): PodKind | undefined {
  if (!isPodTemplate(manifest?.spec?.template) && !isPodTemplate(manifest?.template)) return undefined;
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const top = !isPodTemplate(manifest.spec?.template);
  return {
    kind: String(manifest.kind), group: slash >= 0 ? apiVersion.slice(0, slash) : '', apiVersion,
    templatePath: top ? ['template'] : ['spec', 'template'],
    longRunning: true, replicated: !top, stateless: false, serving: true, selector: 'none',
    // Its controller decides; the Pod's own values are the ones every controller can get.
    restartPolicies: POD.restartPolicies,
  };
}

function isPodTemplate(t: any): boolean {
  return typeof t === 'object' && t !== null && typeof t.spec === 'object' && t.spec !== null && Array.isArray(t.spec.containers);
}

/** The pod-bearing kind of a manifest: a built-in kind by name, else one inferred from its pod template (`inferredPodKind`). */
export function podKindOf(manifest: any): PodKind | undefined {
  return podKind(manifest?.kind) ?? inferredPodKind(manifest);
}

/** The pod template of a synthesized object of a pod-bearing kind (a Pod: itself), or undefined. */
export function podTemplateOf(manifest: any): any {
  const k = podKindOf(manifest);
  if (k === undefined) return undefined;
  return k.templatePath.reduce((o: any, key) => (o === undefined || o === null ? undefined : o[key]), manifest);
}
