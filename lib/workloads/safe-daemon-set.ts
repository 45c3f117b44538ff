import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fail, show } from '../core/errors';
import { DAEMON_SET } from '../core/kinds';
import { checkAnnotationsSize, checkInt } from '../core/validate';
import { addKindMounts, checkKindMounts, KindMount } from '../pods/kind-mounts';
import { SafePodProps } from '../pods/props';
import { pathSlug } from '../pods/volumes';
import { exceptionAnnotations, hostPathScope, PodSecurityException } from '../practices/exceptions';
import { skipAnnotationBytes } from '../practices/skip';
import { checkReadWriteOnceClaims } from './replication';
import { SafeWorkload } from './safe-workload';

const KIND = DAEMON_SET.construct;
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** How a toleration matches a taint's value. */
export enum TolerationOperator {
  /** The taint's value equals the toleration's `value`. */
  EQUAL = 'Equal',
  /** Any value of the taint's key. */
  EXISTS = 'Exists',
}

/**
 * A toleration of the pods: they may run on nodes with a matching taint.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface Toleration {
  /** Taint key to tolerate, e.g. 'node-role.kubernetes.io/control-plane'. For every taint use `tolerateAllTaints`. */
  readonly key: string;
  /**
   * How the taint's value is matched.
   * @default TolerationOperator.EQUAL with a `value`, else TolerationOperator.EXISTS
   */
  readonly operator?: TolerationOperator;
  /**
   * Taint value to match (with TolerationOperator.EQUAL only).
   * @default - none
   */
  readonly value?: string;
  /**
   * Taint effect to tolerate.
   * @default - every effect
   */
  readonly effect?: kplus.TaintEffect;
  /**
   * Seconds the pod stays bound after a NoExecute taint appears (with effect NO_EXECUTE only).
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/**
 * A directory or file of the node, mounted read-only into the main container, e.g. /var/log
 * for a log shipper. It breaks Pod Security "baseline" and "restricted" alike, so it needs a
 * reason and a namespace whose Pod Security enforce level is "privileged". The DaemonSet
 * records it as the line `<path> (read-only): <reason>` of its
 * `guardrails.cdk8s.io/skip.pod-security.hostPath` annotation: the checker then accepts
 * exactly this path, mounted read-only, and nothing else of the host.
 */
export interface HostPathMount {
  /** Absolute path on the node, e.g. '/var/log': not "/", without ".." and without spaces. */
  readonly path: string;
  /**
   * Where the main container sees it.
   * @default - the same as `path`
   */
  readonly mountPath?: string;
  /**
   * What must exist at `path` for the pod to start.
   * @default kplus.HostPathVolumeType.DIRECTORY
   */
  readonly type?: kplus.HostPathVolumeType;
  /** Why the agent needs it (on one line): written to the DaemonSet's `guardrails.cdk8s.io/skip.pod-security.hostPath` annotation. */
  readonly reason: string;
}

/** Properties of a SafeDaemonSet. Every default satisfies the rules of docs/practices.md. */
export interface SafeDaemonSetProps extends SafePodProps {
  /**
   * Nodes whose pod may be down at once during a rolling update.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Nodes that may run a new pod next to the old one during a rolling update. A node agent
   * usually must not run twice on a node (two log shippers send each line twice), so the
   * default is none; not with `hostNetwork` and ports, which would clash on the node.
   * @default 0
   */
  readonly maxSurge?: number;
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
   * Taints the pods tolerate, so the agent also runs on tainted nodes.
   * @default - none
   */
  readonly tolerations?: Toleration[];
  /**
   * Tolerate every taint (`operator: Exists` without a key), so the agent runs on every node,
   * control plane and cordoned nodes included, and is never evicted by a NoExecute taint.
   * Not together with `tolerations`.
   * @default false
   */
  readonly tolerateAllTaints?: boolean;
  /**
   * Read-only mounts of node paths. Each needs its own reason; the DaemonSet then belongs in
   * a namespace whose Pod Security enforce level is "privileged".
   * @default - none: the pods stay Pod Security "restricted"
   */
  readonly hostPaths?: HostPathMount[];
  /**
   * Run the pods in the node's network namespace (and resolve names with
   * `dnsPolicy: ClusterFirstWithHostNet`). Needs `hostNetworkReason`; the DaemonSet then
   * belongs in a namespace whose Pod Security enforce level is "privileged".
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * Why the agent needs the node's network (on one line): written to the DaemonSet's
   * `guardrails.cdk8s.io/skip.pod-security.hostNetwork` annotation, which waives
   * `hostNetwork: true` and nothing else.
   * @default - none; required with `hostNetwork`
   */
  readonly hostNetworkReason?: string;
}

/**
 * A production-safe DaemonSet for node agents (log shippers, node exporters): one pod per
 * node, rolled one node at a time, with probes, graceful shutdown, explicit resources, Pod
 * Security "restricted", its own ServiceAccount, a default-deny NetworkPolicy with explicit
 * allows and hashed immutable config. No replicas, no PodDisruptionBudget, no spread.
 *
 * Host access is opt-in and only as narrow as asked: read-only `hostPaths` and
 * `hostNetwork`, each with its own reason, which the DaemonSet carries as the narrow
 * exceptions `guardrails.cdk8s.io/skip.pod-security.hostPath` (one line per path) and
 * `guardrails.cdk8s.io/skip.pod-security.hostNetwork`. The checker honours exactly these:
 * another path, a writable mount, hostPID, a privileged container or an added capability
 * patched in later are still violations. Pod Security "baseline" and "restricted" both refuse such
 * pods, so put the DaemonSet in a namespace that enforces "privileged" (an
 * IsolatedNamespace with `podSecurityEnforce: PodSecurityLevel.PRIVILEGED`); one that
 * enforces a stricter level in the same app is an error at synthesis.
 *
 * Agents that must survive node pressure usually set `priorityClassName:
 * 'system-node-critical'`.
 */
export class SafeDaemonSet extends SafeWorkload {
  /** The DaemonSet object. */
  public readonly daemonSet: ApiObject;

  constructor(scope: Construct, id: string, props: SafeDaemonSetProps) {
    super(scope, id, props, KIND);
    const pod = this._pod;

    // --- resolve ---------------------------------------------------------------------------
    checkReadWriteOnceClaims(this, KIND, pod, 'pods on every node', 'Use a hostPath for per-node data, or a ReadWriteMany claim');
    const maxUnavailable = checkInt(this, KIND, 'maxUnavailable', props.maxUnavailable ?? 1, 0, 10000);
    const maxSurge = checkInt(this, KIND, 'maxSurge', props.maxSurge ?? 0, 0, 10000);
    if (maxUnavailable === 0 && maxSurge === 0) {
      fail(this, KIND, 'maxUnavailable', 0, 'at least 1 when maxSurge is 0, or the rollout never makes progress');
    }
    const minReadySeconds = checkInt(this, KIND, 'minReadySeconds', props.minReadySeconds ?? 10, 0, 3600);
    const revisionHistoryLimit = props.revisionHistoryLimit === undefined ? undefined
      : checkInt(this, KIND, 'revisionHistoryLimit', props.revisionHistoryLimit, 0, 1000);
    const tolerations = this.resolveTolerations(props);
    const exceptions: PodSecurityException[] = [];
    const hostMounts = (props.hostPaths ?? []).map((h, i) => this.resolveHostPath(h, i, exceptions));
    checkKindMounts(this, KIND, pod, hostMounts);
    const hostNetwork = props.hostNetwork === true;
    if (hostNetwork) {
      exceptions.push({ check: 'hostNetwork', scope: '', reason: this.reason('hostNetworkReason', props.hostNetworkReason) });
      if (maxSurge > 0 && pod.containers.concat(pod.initContainers).some((c) => c.ports.length > 0)) {
        fail(this, KIND, 'maxSurge', maxSurge, '0 with hostNetwork: a surge pod would bind the same node ports as the old one');
      }
    } else if (props.hostNetworkReason !== undefined) {
      fail(this, KIND, 'hostNetworkReason', props.hostNetworkReason, 'no hostNetworkReason without hostNetwork: true');
    }
    checkAnnotationsSize(this, KIND, 'hostPaths and hostNetworkReason', exceptionAnnotations([...pod.exceptions, ...exceptions]), skipAnnotationBytes(pod.skips));

    // --- write -----------------------------------------------------------------------------
    const template = this._podTemplate();
    addKindMounts(template, hostMounts);
    if (tolerations.length > 0) template.spec.tolerations = tolerations;
    // Each host access is waived on its own, for exactly what was asked (lib/practices/exceptions.ts).
    this._addExceptions(exceptions);
    const annotations = this._objectAnnotations() ?? {};
    if (hostNetwork) {
      template.spec.hostNetwork = true;
      template.spec.dnsPolicy = 'ClusterFirstWithHostNet';
      // Asked for with a reason (in the pod-security.hostNetwork skip annotation): Polaris is told so.
      annotations['polaris.fairwinds.com/hostNetworkSet-exempt'] = 'true';
    }
    if (exceptions.length > 0) {
      this.node.addValidation({ validate: () => this.checkNamespaceLevel(hostMounts.length > 0 ? 'hostPaths' : 'hostNetwork') });
    }
    this.daemonSet = new ApiObject(this, 'DaemonSet', {
      apiVersion: DAEMON_SET.apiVersion,
      kind: DAEMON_SET.kind,
      metadata: { name: this.name, labels: this.labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        // A surge of 0 is the server's default: left out so the object reads back as sent.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge: maxSurge > 0 ? maxSurge : undefined } },
        minReadySeconds: minReadySeconds > 0 ? minReadySeconds : undefined,
        revisionHistoryLimit,
        template,
      },
    });
    this._addService();
    this._addPolicyAndMonitor();
  }

  private reason(prop: string, value: string | undefined): string {
    if (typeof value !== 'string' || value.trim() === '') {
      fail(this, KIND, prop, value, 'a non-empty reason: host access breaks Pod Security "restricted" (rule pod-security), so it must say why');
    }
    return value.trim().replace(/\s+/g, ' ');
  }

  private resolveHostPath(h: HostPathMount, i: number, exceptions: PodSecurityException[]): KindMount {
    const prop = `hostPaths[${i}]`;
    // No whitespace: the path is the first word of its line in the pod-security.hostPath annotation.
    if (typeof h.path !== 'string' || !h.path.startsWith('/') || h.path === '/' || h.path.split('/').includes('..') || /\s/.test(h.path)) {
      fail(this, KIND, `${prop}.path`, h.path, 'an absolute node path other than "/", without ".." and without spaces');
    }
    const type = h.type ?? kplus.HostPathVolumeType.DIRECTORY;
    if (!Object.values(kplus.HostPathVolumeType).includes(type)) fail(this, KIND, `${prop}.type`, type, 'a kplus.HostPathVolumeType such as DIRECTORY');
    exceptions.push({ check: 'hostPath', scope: hostPathScope(h.path), reason: this.reason(`${prop}.reason`, h.reason) });
    const slug = pathSlug(h.path);
    return {
      prop,
      volume: `host-${slug || i}`,
      mountPath: h.mountPath ?? h.path,
      readOnly: true,
      source: { hostPath: { path: h.path, type: type === kplus.HostPathVolumeType.DEFAULT ? undefined : type } },
    };
  }

  private resolveTolerations(props: SafeDaemonSetProps): any[] {
    const list = props.tolerations ?? [];
    if (props.tolerateAllTaints === true) {
      if (list.length > 0) fail(this, KIND, 'tolerations', list, 'no tolerations with tolerateAllTaints: true, which already tolerates every taint');
      return [{ operator: TolerationOperator.EXISTS }];
    }
    const effects = Object.values(kplus.TaintEffect) as string[];
    return list.map((t, i) => {
      const prop = `tolerations[${i}]`;
      if (typeof t.key !== 'string' || t.key.length === 0) {
        fail(this, KIND, `${prop}.key`, t.key, 'a taint key; to tolerate every taint use tolerateAllTaints: true');
      }
      if (!QUALIFIED_NAME.test(t.key) || t.key.split('/').pop()!.length > 63) {
        fail(this, KIND, `${prop}.key`, t.key, 'a taint key: an optional DNS prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\'');
      }
      const operator = t.operator ?? (t.value === undefined ? TolerationOperator.EXISTS : TolerationOperator.EQUAL);
      if (operator !== TolerationOperator.EQUAL && operator !== TolerationOperator.EXISTS) {
        fail(this, KIND, `${prop}.operator`, operator, 'TolerationOperator.EQUAL or EXISTS');
      }
      if (operator === TolerationOperator.EXISTS && t.value !== undefined) {
        fail(this, KIND, `${prop}.value`, t.value, 'no value with TolerationOperator.EXISTS, which matches every value');
      }
      if (t.value !== undefined && (typeof t.value !== 'string' || t.value.length > 63 || !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(t.value))) {
        fail(this, KIND, `${prop}.value`, t.value, 'a taint value: at most 63 letters, digits, \'-\', \'_\' and \'.\'');
      }
      if (t.effect !== undefined && !effects.includes(t.effect)) fail(this, KIND, `${prop}.effect`, t.effect, 'a kplus.TaintEffect');
      if (t.tolerationSeconds !== undefined) {
        if (t.effect !== kplus.TaintEffect.NO_EXECUTE) {
          fail(this, KIND, `${prop}.tolerationSeconds`, t.tolerationSeconds, 'no tolerationSeconds unless effect is kplus.TaintEffect.NO_EXECUTE: only NoExecute taints evict');
        }
        checkInt(this, KIND, `${prop}.tolerationSeconds`, t.tolerationSeconds, 0, 2147483647);
      }
      return { key: t.key, operator, value: t.value || undefined, effect: t.effect, tolerationSeconds: t.tolerationSeconds };
    });
  }

  /** Host access in a namespace of this app that enforces "baseline" or "restricted" would be refused by admission. */
  private checkNamespaceLevel(prop: string): string[] {
    const namespace = Chart.of(this).namespace;
    if (namespace === undefined) return [];
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ApiObject) || c.kind !== 'Namespace' || c.metadata.name !== namespace) continue;
      const level = c.metadata.getLabel(ENFORCE_LABEL);
      if (level === 'baseline' || level === 'restricted') {
        return [`${KIND} at '${this.node.path}': invalid ${prop} ${show(namespace)}; expected a namespace whose Pod Security enforce level is "privileged": `
          + `namespace "${namespace}" enforces "${level}", which refuses hostPath volumes and hostNetwork. Put the node agent in its own namespace `
          + 'with podSecurityEnforce: PodSecurityLevel.PRIVILEGED (and a reason in skip[\'ns-pod-security\']).'];
      }
    }
    return [];
  }
}
