import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { explainForeignProps } from '../core/shapes';
import { checkInt } from '../core/validate';

// Props of replicated kinds, from untyped callers: refused with the reason rather than ignored.
for (const kind of ['SafeJob', 'SafeCronJob']) {
  explainForeignProps(`${kind}Props`, ['replicas', 'autoscaling', 'maxUnavailable', 'nodeSpreadRequired', 'zoneSpreadRequired'],
    (prop) => `no ${prop} on a ${kind}: its pods run to completion, so there are no replicas to scale, spread or protect; parallelism and completions say how many pods run`);
}

/**
 * How the pods of a Job count towards its completions.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
 */
export enum JobCompletionMode {
  /** The Job is complete after `completions` successful pods, any of them. */
  NON_INDEXED = 'NonIndexed',
  /**
   * Each pod gets an index from 0 to `completions` - 1 (the annotation
   * `batch.kubernetes.io/job-completion-index` and the env JOB_COMPLETION_INDEX); the Job
   * is complete when each index has succeeded once. Needs `completions`.
   */
  INDEXED = 'Indexed',
}

/**
 * Which pod failures count, and which end the Job at once. Only with restartPolicy Never.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export interface PodFailurePolicyOptions {
  /**
   * Pods that fail because they were disrupted (a node drain, a preemption, an eviction:
   * the pod condition DisruptionTarget) do not count towards `backoffLimit`.
   * @default true
   */
  readonly ignoreDisruptions?: boolean;
  /**
   * Exit codes of the main container (`app`) that no retry can fix (e.g. bad input): the
   * Job fails at once instead of retrying. 1-255, at most 255 codes.
   * @default - every failure is retried up to backoffLimit
   */
  readonly failJobOnExitCodes?: number[];
}

/**
 * The Job spec of a SafeJob, and of each Job that a SafeCronJob creates.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export interface JobSpecProps {
  /**
   * Retries before the Job is marked failed. With restartPolicy Never each retry is a new
   * pod, and the failed pods stay for their logs.
   * @default 3: a transient failure is retried; a broken Job fails after about a minute of
   * back-off (10 s, 20 s, 40 s) instead of six retries over six minutes
   */
  readonly backoffLimit?: number;
  /**
   * Seconds the whole Job may run (all retries included) before its pods are stopped and
   * it is marked failed. A run that hangs ends; for a SafeCronJob with concurrencyPolicy
   * Forbid it would otherwise block every later run.
   * @default 3600
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds after the Job finishes (succeeded or failed) before the Job and its pods are
   * deleted. Note that a GitOps tool that still holds the Job's manifest creates it again,
   * and runs it again, once it is gone.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
   * @default - 86400 (a day to read the logs) for a SafeJob, as the Kubernetes
   * documentation recommends for Jobs that no controller owns; none for a SafeCronJob, whose
   * history limits remove old Jobs
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * What happens when the main container fails: `Never` (a new pod per retry; the failed
   * pods and their logs stay) or `OnFailure` (the container restarts in the same pod).
   * `Always` is refused: a Job's pods must end.
   * @default kplus.RestartPolicy.NEVER
   */
  readonly restartPolicy?: kplus.RestartPolicy;
  /**
   * Successful pods needed to complete the Job (1-100000).
   * @default - unset: with parallelism 1 one successful pod completes the Job; with more,
   * the pods are a work queue and the Job is complete when one succeeds and all have stopped
   */
  readonly completions?: number;
  /**
   * Pods that run at the same time (1-100000).
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * How pods count towards completions.
   * @default JobCompletionMode.NON_INDEXED
   */
  readonly completionMode?: JobCompletionMode;
  /**
   * Which pod failures count towards backoffLimit, and which fail the Job at once.
   * Only with restartPolicy Never.
   * @default - with restartPolicy Never: disruptions (node drains, preemption) are not
   * counted; with OnFailure: no policy
   */
  readonly podFailurePolicy?: PodFailurePolicyOptions;
}

/** A Job spec, resolved: the Job fields besides the pod template, ready to write. */
export interface ResolvedJobSpec {
  readonly restartPolicy: string;
  /** Plain JSON of the Job spec's own fields. */
  readonly fields: { [key: string]: unknown };
}

/**
 * Validates the Job spec props of a SafeJob or SafeCronJob.
 * @param ttlDefault the kind's default ttlSecondsAfterFinished (undefined: none)
 */
export function resolveJobSpec(scope: IConstruct, K: string, props: JobSpecProps, ttlDefault: number | undefined): ResolvedJobSpec {
  const restartPolicy = props.restartPolicy ?? kplus.RestartPolicy.NEVER;
  if (restartPolicy !== kplus.RestartPolicy.NEVER && restartPolicy !== kplus.RestartPolicy.ON_FAILURE) {
    fail(scope, K, 'restartPolicy', restartPolicy, 'kplus.RestartPolicy.NEVER or ON_FAILURE: a Job\'s pods must end');
  }
  const ttl = props.ttlSecondsAfterFinished ?? ttlDefault;
  const completionMode = props.completionMode ?? JobCompletionMode.NON_INDEXED;
  if (!Object.values(JobCompletionMode).includes(completionMode)) {
    fail(scope, K, 'completionMode', completionMode, 'JobCompletionMode.NON_INDEXED or INDEXED');
  }
  const completions = props.completions === undefined ? undefined : checkInt(scope, K, 'completions', props.completions, 1, 100000);
  if (completionMode === JobCompletionMode.INDEXED && completions === undefined) {
    fail(scope, K, 'completions', completions, 'a number of indexes (1-100000) with completionMode INDEXED');
  }
  return {
    restartPolicy,
    fields: {
      backoffLimit: checkInt(scope, K, 'backoffLimit', props.backoffLimit ?? 3, 0, 10000),
      activeDeadlineSeconds: checkInt(scope, K, 'activeDeadlineSeconds', props.activeDeadlineSeconds ?? 3600, 1, 2147483647),
      ttlSecondsAfterFinished: ttl === undefined ? undefined : checkInt(scope, K, 'ttlSecondsAfterFinished', ttl, 0, 2147483647),
      completions,
      parallelism: checkInt(scope, K, 'parallelism', props.parallelism ?? 1, 1, 100000),
      completionMode,
      podFailurePolicy: resolvePodFailurePolicy(scope, K, props.podFailurePolicy, restartPolicy),
    },
  };
}

function resolvePodFailurePolicy(scope: IConstruct, K: string, options: PodFailurePolicyOptions | undefined, restartPolicy: string) {
  const o = options ?? {};
  if (restartPolicy !== kplus.RestartPolicy.NEVER) {
    if (o.ignoreDisruptions === true || o.failJobOnExitCodes !== undefined) {
      fail(scope, K, 'podFailurePolicy', o, 'no podFailurePolicy with restartPolicy OnFailure: Kubernetes applies it only to pods with restartPolicy Never');
    }
    return undefined;
  }
  // The first matching rule applies: a disrupted pod is ignored whatever its exit code.
  const rules: any[] = [];
  if (o.ignoreDisruptions ?? true) {
    rules.push({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
  }
  const codes = o.failJobOnExitCodes;
  if (codes !== undefined) {
    if (!Array.isArray(codes) || codes.length === 0 || codes.length > 255
      || codes.some((c) => !Number.isInteger(c) || c < 1 || c > 255) || new Set(codes).size !== codes.length) {
      fail(scope, K, 'podFailurePolicy.failJobOnExitCodes', codes, '1 to 255 different exit codes from 1 to 255 (0 is success)');
    }
    // The API server wants the values sorted.
    rules.push({ action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [...codes].sort((a, b) => a - b) } });
  }
  return rules.length > 0 ? { rules } : undefined;
}

/** Writes a Job spec: the resolved fields and the pod template, with the Job's restartPolicy. */
export function writeJobSpec(job: ResolvedJobSpec, template: any): any {
  return { ...job.fields, template: { ...template, spec: { ...template.spec, restartPolicy: job.restartPolicy } } };
}
