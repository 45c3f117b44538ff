import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { JOB } from '../core/kinds';
import { SafePodProps } from '../pods/props';
import { JobSpecProps, resolveJobSpec, writeJobSpec } from './job-spec';
import { checkReadWriteOnceClaims } from './replication';
import { SafeWorkload } from './safe-workload';

const KIND = JOB.construct;

/**
 * Properties of a SafeJob. Every default satisfies the rules of docs/practices.md.
 *
 * A Job's pods run to completion and serve nothing, so the props of serving pods are
 * errors here: `port`, `servicePort`, `ports`, `readiness`, `liveness`, `livenessCommand`,
 * `startupTimeout`, `preStopDelay`, `preStopCommand` and `allowFrom`; so are `replicas`,
 * `autoscaling`, `maxUnavailable` and the spread props from untyped callers. Sidecars must be
 * native (target Kubernetes 1.29 or newer): a plain sidecar keeps the pod running after the
 * main container ends, and the Job never completes.
 */
export interface SafeJobProps extends SafePodProps, JobSpecProps {}

/**
 * A production-safe Job from one call: bounded retries and run time, finished Jobs cleaned
 * up, disruptions not counted as failures, explicit resources, Pod Security "restricted",
 * its own ServiceAccount, a NetworkPolicy that denies all ingress and allows egress only to
 * cluster DNS and declared peers, and hashed immutable config. No Service, probes,
 * PodDisruptionBudget, replicas or spread: the pods run to completion. Shutdown: the app
 * gets SIGTERM at once and `terminationGracePeriodSeconds` (shutdownTimeout, 20 s) to stop
 * (rule `graceful-shutdown`); no preStop delay, which only lets endpoints drain.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export class SafeJob extends SafeWorkload {
  /** The Job object: a plain ApiObject, changed with `addJsonPatch`. */
  public readonly job: ApiObject;

  /**
   * @throws when a prop is invalid or belongs to serving pods (see SafeJobProps)
   */
  constructor(scope: Construct, id: string, props: SafeJobProps) {
    super(scope, id, props, KIND);
    const spec = resolveJobSpec(this, KIND, props, 86400);
    checkReadWriteOnceClaims(this, KIND, this._pod, (spec.fields.parallelism as number) > 1 ? `parallel pods (parallelism ${spec.fields.parallelism})` : undefined,
      'Use parallelism: 1, or a ReadWriteMany claim');
    this.job = new ApiObject(this, 'Job', {
      apiVersion: JOB.apiVersion,
      kind: JOB.kind,
      metadata: { name: this.name, labels: this.labels, annotations: this._objectAnnotations() },
      spec: writeJobSpec(spec, this._podTemplate()),
    });
    this._addPolicyAndMonitor();
  }
}
