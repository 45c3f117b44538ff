import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { ConstructKind } from '../core/kinds';
import { checkInt, checkUnused } from '../core/validate';
import { SpreadProps } from '../pods/props';
import { ResolvedPod } from '../pods/resolve';

/** Horizontal autoscaling (rule `replicas-min`: minReplicas is at least 2). */
export interface AutoscalingOptions {
  /**
   * Lowest number of replicas.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Highest number of replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, percent of the CPU request.
   * @default 70
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilization, percent of the memory request.
   * @default - memory is not a scaling metric
   */
  readonly memoryUtilization?: number;
}

/** Replicas, autoscaling, disruption budget and spread of a replicated workload. */
export interface ReplicationProps extends SpreadProps {
  /**
   * Number of replicas (rule `replicas-min`): fewer than 2 needs `skip['replicas-min']` on a
   * stateless kind (SafeDeployment); a SafeStatefulSet may run 1 without it. Not together
   * with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Horizontal autoscaling. With it the workload has no static `replicas`.
   * @default - no autoscaling
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Max pods that a voluntary disruption (a node drain) may take at once (rule `pdb`), from 1
   * to replicas - 1. With fewer than 2 replicas there is no PodDisruptionBudget, and setting
   * it is an error.
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/** Replication, resolved. */
export interface ResolvedReplication {
  /** Static replicas; undefined with autoscaling. */
  readonly replicas?: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpu: number; readonly memory?: number };
  /** The PDB's maxUnavailable; undefined: fewer than 2 pods, no PDB. */
  readonly maxUnavailable?: number;
  /** More than one pod may run at once. */
  readonly several: boolean;
}

/**
 * Validates replicas, autoscaling and the PDB budget.
 * @param stateless whether rule replicas-min applies (a StatefulSet may run one replica)
 */
export function resolveReplication(scope: Construct, kind: string, props: ReplicationProps, skips: Map<string, string>, stateless: boolean): ResolvedReplication {
  const needsTwo = stateless && !skips.has('replicas-min');
  let replicas: number | undefined;
  let autoscaling: ResolvedReplication['autoscaling'];
  if (props.autoscaling) {
    const a = props.autoscaling;
    if (props.replicas !== undefined) {
      fail(scope, kind, 'replicas', props.replicas, 'no static replicas together with autoscaling: set autoscaling.minReplicas instead');
    }
    const min = checkInt(scope, kind, 'autoscaling.minReplicas', a.minReplicas ?? 2, 1, 10000);
    if (min < 2 && needsTwo) {
      fail(scope, kind, 'autoscaling.minReplicas', min, 'at least 2 (rule replicas-min), or skip: { \'replicas-min\': \'<reason>\' }');
    }
    const max = checkInt(scope, kind, 'autoscaling.maxReplicas', a.maxReplicas, min, 10000);
    autoscaling = {
      minReplicas: min,
      maxReplicas: max,
      cpu: checkInt(scope, kind, 'autoscaling.cpuUtilization', a.cpuUtilization ?? 70, 1, 1000),
      memory: a.memoryUtilization === undefined ? undefined : checkInt(scope, kind, 'autoscaling.memoryUtilization', a.memoryUtilization, 1, 1000),
    };
  } else {
    replicas = checkInt(scope, kind, 'replicas', props.replicas ?? 2, 1, 10000);
    if (replicas < 2 && needsTwo) {
      fail(scope, kind, 'replicas', replicas, 'at least 2 (rule replicas-min), or skip: { \'replicas-min\': \'<reason>\' }');
    }
  }
  const effective = autoscaling?.minReplicas ?? replicas!;
  if (effective < 2) {
    checkUnused(scope, kind, 'maxUnavailable', props.maxUnavailable,
      `a PodDisruptionBudget exists only from 2 replicas, and this workload has ${effective}; leave maxUnavailable out`);
  }
  const maxUnavailable = effective >= 2 ? checkInt(scope, kind, 'maxUnavailable', props.maxUnavailable ?? 1, 1, effective - 1) : undefined;
  return { replicas, autoscaling, maxUnavailable, several: autoscaling !== undefined || replicas! > 1 };
}

/** The PDB and HPA of a replicated workload. */
export interface ReplicationChildren {
  readonly pdb?: ApiObject;
  readonly hpa?: kplus.HorizontalPodAutoscaler;
}

/** Creates the PodDisruptionBudget (2+ pods) and the HorizontalPodAutoscaler (with autoscaling). */
export function addReplicationChildren(scope: Construct, pod: ResolvedPod, kind: ConstructKind, r: ResolvedReplication): ReplicationChildren {
  const metadata = { name: pod.name, labels: pod.labels };
  const pdb = r.maxUnavailable === undefined ? undefined : new kplus.k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
    metadata,
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(r.maxUnavailable),
      selector: { matchLabels: { ...pod.selectorLabels } },
      // Pods that never became ready must not block a node drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
  let hpa: kplus.HorizontalPodAutoscaler | undefined;
  if (r.autoscaling) {
    const a = r.autoscaling;
    const metrics = [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.cpu))];
    if (a.memory !== undefined) metrics.push(kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(a.memory)));
    // The workload object is plain JSON, so the HPA gets a scaling target that names it.
    const target: kplus.IScalable = {
      markHasAutoscaler: () => undefined,
      toScalingTarget: () => ({ apiVersion: kind.apiVersion, kind: kind.kind, name: pod.name, containers: [] }),
    } as any;
    hpa = new kplus.HorizontalPodAutoscaler(scope, 'HorizontalPodAutoscaler', {
      metadata, target, minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, metrics,
    });
  }
  return { pdb, hpa };
}

/**
 * Rule `rwo-volume`: a ReadWriteOnce claim attaches to one node only, so pods that may run at
 * once on several nodes never share one. Returns the pod's first ReadWriteOnce claim, if any.
 * @param several what runs several pods at once ('several replicas', 'parallel pods'), or
 * undefined when only one pod runs at a time
 * @param fix what the kind offers instead
 * @throws when such a claim is mounted and several pods may run at once
 */
export function checkReadWriteOnceClaims(scope: Construct, kind: string, pod: ResolvedPod, several: string | undefined, fix: string) {
  const claim = pod.volumes.find((v) => v.readWriteOnce);
  if (claim && several !== undefined) {
    fail(scope, kind, claim.prop!, claim.claimName, `no ReadWriteOnce claim shared by ${several}: it attaches to one node only. ${fix} (rule rwo-volume)`);
  }
  return claim;
}
