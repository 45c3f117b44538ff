import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { CRON_JOB } from '../core/kinds';
import { checkInt } from '../core/validate';
import { SafePodProps } from '../pods/props';
import { checkSchedule, checkTimeZone } from './cron';
import { JobSpecProps, resolveJobSpec, writeJobSpec } from './job-spec';
import { checkReadWriteOnceClaims } from './replication';
import { SafeWorkload } from './safe-workload';

const KIND = CRON_JOB.construct;

/**
 * Properties of a SafeCronJob. Every default satisfies the rules of docs/practices.md. The Job
 * props apply to each Job it creates; as for a SafeJob, the props of serving pods are errors.
 */
export interface SafeCronJobProps extends SafePodProps, JobSpecProps {
  /**
   * When to run, in standard cron syntax: five fields (minute hour day-of-month month
   * day-of-week), e.g. "30 2 * * *", or one of @yearly, @annually, @monthly, @weekly,
   * @daily, @midnight, @hourly. An invalid field is an error that names it.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in, e.g. "Europe/Berlin" (GA in Kubernetes 1.27).
   * @default 'Etc/UTC': the schedule does not depend on the controller manager's local zone
   */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs.
   * @default kplus.ConcurrencyPolicy.FORBID: runs never overlap (activeDeadlineSeconds
   * ends a run that hangs, so it cannot block the next ones for ever)
   */
  readonly concurrencyPolicy?: kplus.ConcurrencyPolicy;
  /**
   * Seconds after its scheduled time within which a missed run (controller down, previous
   * run still going) may still start; later it is skipped. At least 10: the controller
   * checks every 10 s. It also keeps the controller from giving up on a CronJob that missed
   * more than 100 runs.
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful Jobs kept.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept, with their pods and logs.
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Stop creating runs (runs already started continue).
   * @default false
   */
  readonly suspend?: boolean;
}

/**
 * A production-safe CronJob from one call: runs never overlap, missed runs start late only
 * within a deadline, a pinned time zone, bounded history, and each Job as a SafeJob makes
 * it (bounded retries and run time, restricted pods, its own ServiceAccount, a
 * NetworkPolicy that denies all ingress, hashed immutable config).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class SafeCronJob extends SafeWorkload {
  /** The CronJob object: a plain ApiObject, changed with `addJsonPatch`. */
  public readonly cronJob: ApiObject;

  /**
   * @throws when a prop is invalid or belongs to serving pods (see SafeJobProps)
   */
  constructor(scope: Construct, id: string, props: SafeCronJobProps) {
    super(scope, id, props, KIND);
    // Each Job is named <name>-<minutes since epoch>, 11 more characters, within 63.
    if (this.name.length > 52) {
      fail(this, KIND, props.name === undefined ? 'name (taken from the construct id)' : 'name', this.name, 'at most 52 characters: the Jobs it creates add 11');
    }
    const schedule = checkSchedule(this, KIND, props.schedule);
    const timeZone = checkTimeZone(this, KIND, props.timeZone ?? 'Etc/UTC');
    const concurrencyPolicy = props.concurrencyPolicy ?? kplus.ConcurrencyPolicy.FORBID;
    if (!Object.values(kplus.ConcurrencyPolicy).includes(concurrencyPolicy)) {
      fail(this, KIND, 'concurrencyPolicy', concurrencyPolicy, 'kplus.ConcurrencyPolicy.FORBID, ALLOW or REPLACE');
    }
    const startingDeadlineSeconds = checkInt(this, KIND, 'startingDeadlineSeconds', props.startingDeadlineSeconds ?? 300, 10, 2147483647);
    const successfulJobsHistoryLimit = checkInt(this, KIND, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit ?? 3, 0, 1000);
    const failedJobsHistoryLimit = checkInt(this, KIND, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit ?? 3, 0, 1000);
    const suspend = props.suspend ?? false;
    if (typeof suspend !== 'boolean') fail(this, KIND, 'suspend', suspend, 'true or false');
    const job = resolveJobSpec(this, KIND, props, undefined);
    const parallelism = job.fields.parallelism as number;
    checkReadWriteOnceClaims(this, KIND, this._pod,
      concurrencyPolicy === kplus.ConcurrencyPolicy.ALLOW ? 'overlapping runs (concurrencyPolicy Allow)' : parallelism > 1 ? `parallel pods (parallelism ${parallelism})` : undefined,
      'Use concurrencyPolicy FORBID (the default) or REPLACE and parallelism: 1, or a ReadWriteMany claim');

    this.cronJob = new ApiObject(this, 'CronJob', {
      apiVersion: CRON_JOB.apiVersion,
      kind: CRON_JOB.kind,
      metadata: { name: this.name, labels: this.labels, annotations: this._objectAnnotations() },
      spec: {
        schedule,
        timeZone,
        concurrencyPolicy,
        startingDeadlineSeconds,
        successfulJobsHistoryLimit,
        failedJobsHistoryLimit,
        suspend,
        jobTemplate: { metadata: { labels: { ...this.labels } }, spec: writeJobSpec(job, this._podTemplate()) },
      },
    });
    this._addPolicyAndMonitor();
  }
}
