import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { STATEFUL_SET } from '../core/kinds';
import { renderBytes, sizeToBytes } from '../core/quantity';
import { LABEL_VERSION } from '../core/labels';
import { checkDnsSubdomain, checkInt } from '../core/validate';
import { NetworkPeer, NetworkPort, NetworkProtocol } from '../network/network-peer';
import { addKindMounts, checkKindMounts, KindMount } from '../pods/kind-mounts';
import { SafePodProps } from '../pods/props';
import { addReplicationChildren, checkReadWriteOnceClaims, ReplicationProps, resolveReplication } from './replication';
import { SafeWorkload } from './safe-workload';

const KIND = STATEFUL_SET.construct;
const HEADLESS_SUFFIX = '-headless';
const KUBE_SCORE_IGNORE = 'kube-score/ignore';
/** Marks the headless governing Service, so a ServiceMonitor can leave it out. */
const HEADLESS_LABEL = 'guardrails.cdk8s.io/headless';
const MiB = 2 ** 20;

/**
 * A PersistentVolumeClaim made for each pod of a SafeStatefulSet (`<name>-<statefulset>-<ordinal>`)
 * and mounted into its main container (rule `rwo-volume`: one claim per pod).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
 */
export interface VolumeClaimTemplateProps {
  /**
   * Name of the claim template and of the pod volume: a DNS-1123 label. Each pod's claim is
   * named `<name>-<statefulset name>-<ordinal>`.
   */
  readonly name: string;
  /** Absolute path where the main container mounts the volume. */
  readonly mountPath: string;
  /** Requested size of each pod's volume, a whole number of MiB, e.g. `Size.gibibytes(10)`. */
  readonly storage: Size;
  /**
   * StorageClass of the claims.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode of the claims.
   * @default kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: kplus.PersistentVolumeAccessMode;
}

/** What happens to the claims of a StatefulSet's pods. */
export enum PersistentVolumeClaimRetention {
  /** The claims, and so the data, are kept. */
  RETAIN = 'Retain',
  /** The claims are deleted, and with them the data if the StorageClass reclaim policy is Delete. */
  DELETE = 'Delete',
}

/**
 * When the claims made from `volumeClaimTemplates` are deleted.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
 */
export interface PersistentVolumeClaimRetentionPolicy {
  /**
   * The claims when the StatefulSet is deleted.
   * @default PersistentVolumeClaimRetention.RETAIN: data is never deleted by default
   */
  readonly whenDeleted?: PersistentVolumeClaimRetention;
  /**
   * The claims of the pods removed when the StatefulSet is scaled down.
   * @default PersistentVolumeClaimRetention.RETAIN: data is never deleted by default
   */
  readonly whenScaled?: PersistentVolumeClaimRetention;
}

/** Properties of a SafeStatefulSet. Every default satisfies the rules of docs/practices.md. */
export interface SafeStatefulSetProps extends SafePodProps, ReplicationProps {
  /**
   * One claim per pod for each entry, mounted into the main container (rule `rwo-volume`).
   * Claim templates cannot change once the StatefulSet exists (the API server refuses the
   * update): plan sizes ahead, or replace the StatefulSet.
   * @default - none
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplateProps[];
  /**
   * Whether pods start and stop one at a time in ordinal order, or all at once. It cannot
   * change once the StatefulSet exists.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
   * @default kplus.PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;
  /**
   * Rolling update partition: only pods with an ordinal at or above it are updated (a
   * staged rollout or canary). At most `replicas`.
   * @default 0: every pod is updated
   */
  readonly partition?: number;
  /**
   * When the claims made from `volumeClaimTemplates` are deleted (beta and on by default in
   * Kubernetes 1.27, the oldest supported target; GA in 1.32).
   * @default - both Retain: data is never deleted by default
   */
  readonly persistentVolumeClaimRetentionPolicy?: PersistentVolumeClaimRetentionPolicy;
  /**
   * First ordinal of the pods (`ordinals.start`; beta and on by default in 1.27, GA in 1.31).
   * @default 0
   */
  readonly ordinalsStart?: number;
  /**
   * Seconds a new pod must be ready before it counts as available (rule `rollout`).
   * @default 10
   */
  readonly minReadySeconds?: number;
  /**
   * Old revisions kept for rollback.
   * @default - the Kubernetes default, 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Publish the DNS records of pods that are not ready in the headless Service (peers that
   * must find each other before they are ready, e.g. to form a cluster).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * Let the pods connect to each other on every port they declare, exposed or not
   * (replication, cluster gossip): opened on both sides of the workload's NetworkPolicy.
   * @default false: like any workload, the pods accept only the peers they name
   */
  readonly allowPeerPods?: boolean;
  /**
   * Create the ClusterIP Service named like the workload, for clients. Without it clients
   * reach single pods through the headless Service (`<pod>.<name>-headless`).
   * @default true when the workload has ports
   */
  readonly clientService?: boolean;
}

/**
 * A production-safe StatefulSet from one call: one ReadWriteOnce claim per pod through
 * `volumeClaimTemplates`, a headless governing Service `<name>-headless` for stable pod DNS
 * names, a ClusterIP Service `<name>` for clients, two spread replicas, probes, graceful
 * shutdown, a PodDisruptionBudget, explicit resources, Pod Security "restricted", its own
 * ServiceAccount, a default-deny NetworkPolicy with explicit allows, hashed immutable config
 * and metrics scraping. Claims are kept when pods or the StatefulSet go away. A single
 * replica (a cache, a small store) needs no skip: rule `replicas-min` is for stateless
 * workloads, as the checker applies it; with one replica there is no PodDisruptionBudget.
 */
export class SafeStatefulSet extends SafeWorkload {
  /** The StatefulSet object. */
  public readonly statefulSet: ApiObject;
  /**
   * The headless governing Service (`clusterIP: None`), named `<name>-headless` and labelled
   * `guardrails.cdk8s.io/headless: "true"` besides the workload's labels.
   */
  public readonly headlessService: ApiObject;
  /** The PodDisruptionBudget, when the workload runs 2+ replicas. */
  public readonly pdb?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly hpa?: kplus.HorizontalPodAutoscaler;

  constructor(scope: Construct, id: string, props: SafeStatefulSetProps) {
    super(scope, id, props, KIND);
    const pod = this._pod;

    // --- resolve ---------------------------------------------------------------------------
    const replication = resolveReplication(this, KIND, props, pod.skips, false);
    checkReadWriteOnceClaims(this, KIND, pod, replication.several ? 'several replicas' : undefined,
      'Use volumeClaimTemplates (one claim per pod), or replicas: 1');
    const headlessName = `${this.name}${HEADLESS_SUFFIX}`;
    if (headlessName.length > 63) {
      fail(this, KIND, 'name', this.name, `at most ${63 - HEADLESS_SUFFIX.length} characters: the headless Service "${headlessName}" must be a DNS-1035 label of at most 63`);
    }
    const templates = (props.volumeClaimTemplates ?? []).map((t, i) => this.resolveClaimTemplate(t, i));
    checkKindMounts(this, KIND, pod, templates.map((t) => t.mount));
    const policy = props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY;
    if (!Object.values(kplus.PodManagementPolicy).includes(policy)) {
      fail(this, KIND, 'podManagementPolicy', policy, 'kplus.PodManagementPolicy.ORDERED_READY or PARALLEL');
    }
    const maxPartition = replication.replicas ?? replication.autoscaling!.maxReplicas;
    const partition = checkInt(this, KIND, 'partition', props.partition ?? 0, 0, maxPartition);
    const retention = this.resolveRetention(props.persistentVolumeClaimRetentionPolicy);
    const ordinalsStart = checkInt(this, KIND, 'ordinalsStart', props.ordinalsStart ?? 0, 0, 2147483647);
    const minReadySeconds = checkInt(this, KIND, 'minReadySeconds', props.minReadySeconds ?? 10, 0, 3600);
    const revisionHistoryLimit = props.revisionHistoryLimit === undefined ? undefined
      : checkInt(this, KIND, 'revisionHistoryLimit', props.revisionHistoryLimit, 0, 1000);
    const clientService = props.clientService ?? true;
    if (props.clientService === true && pod.servicePorts.length === 0) {
      fail(this, KIND, 'clientService', true, 'no client Service without an exposed port: set port or ports');
    }

    const peerPorts: NetworkPort[] = props.allowPeerPods === true
      ? [...pod.containers, ...pod.initContainers].flatMap((c) => c.ports).map((p) => ({ port: p.containerPort, protocol: p.protocol as NetworkProtocol }))
      : [];
    if (props.allowPeerPods === true && peerPorts.length === 0) {
      fail(this, KIND, 'allowPeerPods', true, 'a declared port to open between the pods: set port or ports');
    }

    // --- write -----------------------------------------------------------------------------
    const template = this._podTemplate();
    addKindMounts(template, templates.map((t) => t.mount));
    const annotations = this._objectAnnotations() ?? {};
    if (pod.servicePorts.length === 0) {
      // A worker's headless Service has no ports and routes nothing: it only names the pods.
      // kube-score counts it as a Service in front of pods without a readiness probe.
      const ignored = annotations[KUBE_SCORE_IGNORE];
      annotations[KUBE_SCORE_IGNORE] = ignored ? `${ignored},pod-probes` : 'pod-probes';
    }
    this.statefulSet = new ApiObject(this, 'StatefulSet', {
      apiVersion: STATEFUL_SET.apiVersion,
      kind: STATEFUL_SET.kind,
      metadata: { name: this.name, labels: this.labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        replicas: replication.replicas,
        selector: { matchLabels: { ...this.selectorLabels } },
        serviceName: headlessName,
        podManagementPolicy: policy,
        // A partition of 0 is the server's default: left out so the object reads back as sent.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: partition > 0 ? { partition } : undefined },
        persistentVolumeClaimRetentionPolicy: retention,
        ordinals: ordinalsStart > 0 ? { start: ordinalsStart } : undefined,
        minReadySeconds: minReadySeconds > 0 ? minReadySeconds : undefined,
        revisionHistoryLimit,
        template,
        volumeClaimTemplates: templates.length > 0 ? templates.map((t) => t.claim) : undefined,
      },
    });
    if (clientService) this._addService();
    this.headlessService = new kplus.k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: headlessName, labels: { ...this.labels, [HEADLESS_LABEL]: 'true' } },
      spec: {
        type: 'ClusterIP',
        clusterIp: 'None',
        selector: { ...this.selectorLabels },
        // Named ports give the pods DNS SRV records; a worker's governing Service needs none.
        ports: pod.servicePorts.length > 0 ? pod.servicePorts.map((p) => ({
          name: p.name, port: p.port, targetPort: kplus.k8s.IntOrString.fromNumber(p.targetPort), protocol: p.protocol,
        })) : undefined,
        publishNotReadyAddresses: props.publishNotReadyAddresses === true ? true : undefined,
      },
    });
    if (peerPorts.length > 0) {
      const self = NetworkPeer.workload(this);
      this.allowFrom(self, peerPorts);
      this.allowTo(self.withPorts(peerPorts));
    }
    const children = addReplicationChildren(this, pod, STATEFUL_SET, replication);
    this.pdb = children.pdb;
    this.hpa = children.hpa;
    this._addPolicyAndMonitor();
    if (this.service && this.serviceMonitor) {
      // Both Services carry the workload's labels: the ServiceMonitor scrapes through the
      // client Service only, or every pod would be scraped twice.
      this.serviceMonitor.addJsonPatch(JsonPatch.add('/spec/selector/matchExpressions', [{ key: HEADLESS_LABEL, operator: 'DoesNotExist' }]));
    }
  }

  private resolveClaimTemplate(t: VolumeClaimTemplateProps, i: number): { mount: KindMount; claim: any } {
    const prop = `volumeClaimTemplates[${i}]`;
    if (!(t.storage instanceof Size)) fail(this, KIND, `${prop}.storage`, t.storage, 'a Size such as Size.gibibytes(10)');
    const bytes = sizeToBytes(t.storage);
    if (!(bytes >= MiB) || bytes % MiB !== 0) {
      fail(this, KIND, `${prop}.storage`, renderBytes(bytes), 'a whole number of MiB, at least 1, e.g. Size.gibibytes(10)');
    }
    const accessMode = t.accessMode ?? kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE;
    if (!Object.values(kplus.PersistentVolumeAccessMode).includes(accessMode)) {
      fail(this, KIND, `${prop}.accessMode`, accessMode, 'a kplus.PersistentVolumeAccessMode such as READ_WRITE_ONCE');
    }
    if (t.storageClassName !== undefined) checkDnsSubdomain(this, KIND, `${prop}.storageClassName`, t.storageClassName);
    return {
      mount: { prop, volume: t.name, mountPath: t.mountPath, readOnly: false },
      claim: {
        // Claim templates cannot change once the StatefulSet exists: no version label here.
        metadata: { name: t.name, labels: withoutVersion(this.labels) },
        spec: {
          accessModes: [accessMode],
          storageClassName: t.storageClassName,
          resources: { requests: { storage: renderBytes(bytes) } },
        },
      },
    };
  }

  private resolveRetention(p: PersistentVolumeClaimRetentionPolicy | undefined): any {
    if (p === undefined) return undefined;
    const allowed = Object.values(PersistentVolumeClaimRetention) as string[];
    const one = (field: 'whenDeleted' | 'whenScaled') => {
      const v = p[field] ?? PersistentVolumeClaimRetention.RETAIN;
      if (!allowed.includes(v)) fail(this, KIND, `persistentVolumeClaimRetentionPolicy.${field}`, v, 'PersistentVolumeClaimRetention.RETAIN or DELETE');
      return v;
    };
    return { whenDeleted: one('whenDeleted'), whenScaled: one('whenScaled') };
  }
}

function withoutVersion(labels: { [key: string]: string }): { [key: string]: string } {
  const { [LABEL_VERSION]: _, ...rest } = labels;
  return rest;
}
