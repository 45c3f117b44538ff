/**
 * The pod-bearing kinds, in one table shared by the workload constructs (where the pod
 * template lives, what it needs) and by code that reads synthesized objects.
 */
export interface PodKind {
  /** The construct that makes it, for error messages: 'SafeDeployment'. */
  readonly construct: string;
  /** apiVersion of the object. */
  readonly apiVersion: string;
  /** kind of the object. */
  readonly kind: string;
  /** JSON path segments of the pod template in the object. */
  readonly templatePath: readonly string[];
  /** Pods run until stopped (a server or agent), rather than to completion. */
  readonly longRunning: boolean;
  /** Several interchangeable replicas: spread, PDB and HPA apply. */
  readonly replicated: boolean;
  /** The pod's restartPolicy. */
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** Label keys the topology spread of the kind's pods matches on, besides the selector. */
  readonly spreadMatchLabelKeys?: readonly string[];
}

export const DEPLOYMENT: PodKind = {
  construct: 'SafeDeployment', apiVersion: 'apps/v1', kind: 'Deployment', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, restartPolicy: 'Always',
  // A rollout's old and new ReplicaSets are not counted together.
  spreadMatchLabelKeys: ['pod-template-hash'],
};

export const STATEFUL_SET: PodKind = {
  construct: 'SafeStatefulSet', apiVersion: 'apps/v1', kind: 'StatefulSet', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, restartPolicy: 'Always',
};

export const DAEMON_SET: PodKind = {
  construct: 'SafeDaemonSet', apiVersion: 'apps/v1', kind: 'DaemonSet', templatePath: ['spec', 'template'],
  longRunning: true, replicated: false, restartPolicy: 'Always',
};

export const JOB: PodKind = {
  construct: 'SafeJob', apiVersion: 'batch/v1', kind: 'Job', templatePath: ['spec', 'template'],
  longRunning: false, replicated: false, restartPolicy: 'Never',
};

export const CRON_JOB: PodKind = {
  construct: 'SafeCronJob', apiVersion: 'batch/v1', kind: 'CronJob', templatePath: ['spec', 'jobTemplate', 'spec', 'template'],
  longRunning: false, replicated: false, restartPolicy: 'Never',
};

/** Every pod-bearing kind the constructs make. */
export const POD_KINDS: readonly PodKind[] = [DEPLOYMENT, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB];

/** The pod template of a synthesized object of a pod-bearing kind, or undefined. */
export function podTemplateOf(manifest: any): any {
  const k = POD_KINDS.find((x) => x.kind === manifest?.kind);
  if (k === undefined) return manifest?.kind === 'Pod' ? { metadata: manifest.metadata, spec: manifest.spec } : undefined;
  return k.templatePath.reduce((o, key) => (o === undefined ? undefined : o[key]), manifest);
}
