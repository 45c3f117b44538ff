import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { DEPLOYMENT } from '../core/kinds';
import { checkInt } from '../core/validate';
import { SafePodProps } from '../pods/props';
import { addReplicationChildren, checkReadWriteOnceClaims, ReplicationProps, resolveReplication } from './replication';
import { SafeWorkload } from './safe-workload';

const KIND = DEPLOYMENT.construct;

/** Properties of a SafeDeployment. Every default satisfies the rules of docs/practices.md. */
export interface SafeDeploymentProps extends SafePodProps, ReplicationProps {
  /**
   * Pods added above the desired count during a rollout (rule `rollout`).
   * @default 1
   */
  readonly maxSurge?: number;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 10
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds before a stuck rollout is reported as failed.
   * @default 600
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for rollback.
   * @default - the Kubernetes default, 10
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * A production-safe Deployment from one call: two spread replicas, probes, graceful
 * shutdown, a PodDisruptionBudget, explicit resources, Pod Security "restricted", its own
 * ServiceAccount, a ClusterIP Service, a default-deny NetworkPolicy with explicit allows,
 * hashed immutable config and metrics scraping. Every child is public for further changes;
 * the Deployment is a plain ApiObject, changed with `addJsonPatch`.
 */
export class SafeDeployment extends SafeWorkload {
  /** The Deployment object. */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget, when the workload runs 2+ replicas. */
  public readonly pdb?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly hpa?: kplus.HorizontalPodAutoscaler;

  constructor(scope: Construct, id: string, props: SafeDeploymentProps) {
    super(scope, id, props, KIND);
    const pod = this._pod;
    const replication = resolveReplication(this, KIND, props, pod.skips, true);
    const rwoClaim = checkReadWriteOnceClaims(this, KIND, pod, replication.several ? 'several replicas' : undefined,
      'Use a SafeStatefulSet with volumeClaimTemplates (one claim per pod), or replicas: 1 with skip[\'replicas-min\'] (the strategy then becomes Recreate)');
    const maxSurge = checkInt(this, KIND, 'maxSurge', props.maxSurge ?? 1, 1, 1000);
    const minReadySeconds = checkInt(this, KIND, 'minReadySeconds', props.minReadySeconds ?? 10, 0, 3600);
    const progressDeadlineSeconds = checkInt(this, KIND, 'progressDeadlineSeconds', props.progressDeadlineSeconds ?? 600, 1, 86400);
    const revisionHistoryLimit = props.revisionHistoryLimit === undefined ? undefined
      : checkInt(this, KIND, 'revisionHistoryLimit', props.revisionHistoryLimit, 0, 1000);
    if (minReadySeconds >= progressDeadlineSeconds) {
      fail(this, KIND, 'minReadySeconds', minReadySeconds, `less than progressDeadlineSeconds (${progressDeadlineSeconds})`);
    }

    // Under 'Deployment/Resource', like the cdk8s-plus object it replaces, so construct
    // paths in check reports and path-based suppressions stay the same.
    this.deployment = new ApiObject(new Construct(this, 'Deployment'), 'Resource', {
      apiVersion: DEPLOYMENT.apiVersion,
      kind: DEPLOYMENT.kind,
      metadata: { name: this.name, labels: this.labels, annotations: this._objectAnnotations() },
      spec: {
        replicas: replication.replicas,
        selector: { matchLabels: { ...this.selectorLabels } },
        // A ReadWriteOnce claim attaches to one node: the old pod must go before the new one starts.
        strategy: rwoClaim
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } },
        minReadySeconds: minReadySeconds > 0 ? minReadySeconds : undefined,
        progressDeadlineSeconds,
        revisionHistoryLimit,
        template: this._podTemplate(),
      },
    });
    this._addService();
    const children = addReplicationChildren(this, pod, DEPLOYMENT, replication);
    this.pdb = children.pdb;
    this.hpa = children.hpa;
    this._addPolicyAndMonitor();
  }
}
