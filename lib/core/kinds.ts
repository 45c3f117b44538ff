/**
 * The Kubernetes kinds that carry a Pod template, and what each kind means for the practices.
 * Data only: the constructs, the namespace usage and the checker read this one table.
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
 */
export interface PodKind {
  readonly kind: string;
  /** API group ('' for the core group). */
  readonly group: string;
  readonly templatePath: readonly string[];
  readonly longRunning: boolean;
  readonly replicated: boolean;
  readonly stateless: boolean;
  readonly serving: boolean;
  readonly selector: 'required' | 'optional' | 'generated' | 'none';
  readonly strategyField?: string;
  readonly strategyTypes?: readonly string[];
}

export const POD_KINDS: readonly PodKind[] = [
  { kind: 'Pod', group: '', templatePath: [], longRunning: true, replicated: false, stateless: false, serving: true, selector: 'none' },
  { kind: 'Deployment', group: 'apps', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required', strategyField: 'strategy', strategyTypes: ['RollingUpdate', 'Recreate'] },
  { kind: 'ReplicaSet', group: 'apps', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required' },
  { kind: 'ReplicationController', group: '', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'optional' },
  { kind: 'StatefulSet', group: 'apps', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: false, serving: true, selector: 'required', strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'] },
  { kind: 'DaemonSet', group: 'apps', templatePath: ['spec', 'template'], longRunning: true, replicated: false, stateless: false, serving: true, selector: 'required', strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'] },
  { kind: 'Job', group: 'batch', templatePath: ['spec', 'template'], longRunning: false, replicated: false, stateless: false, serving: false, selector: 'generated' },
  { kind: 'CronJob', group: 'batch', templatePath: ['spec', 'jobTemplate', 'spec', 'template'], longRunning: false, replicated: false, stateless: false, serving: false, selector: 'none' },
];

/** The pod-bearing kind of this name, if it is one. */
export function podKind(kind: string): PodKind | undefined {
  return POD_KINDS.find((k) => k.kind === kind);
}
