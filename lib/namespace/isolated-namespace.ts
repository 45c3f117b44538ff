import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkPropsAt } from '../core/shapes';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { checkAnnotations, checkDnsLabel, quantityProblem, checkLabelKey, checkLabels, checkLabelValue, checkNonEmptyLabelValue } from '../core/validate';
import { isIngressControllerClient } from '../network/ingress-controller-client';
import { NetworkPeer, NetworkPort, renderPorts } from '../network/network-peer';
import { findRule, RULES } from '../practices/catalog';
import { withDefaults, markOwnConstructs } from '../core/defaults';
import { annotateSkips, readSkips, skipAnnotationBytes, skipAnnotationKey, validateSkips } from '../practices/skip';
import { ResourcePreset } from '../workloads/resources';
import { clusterScopedKindsOfCrds, ClusterScopedKinds, stampNamespaced, unstampClusterScoped } from './cluster-scoped';
import { CheckedPeer, checkPeer, isWholeOwnNamespace, portsOverlap, sameSelection, selectionCovers } from './peers';
import { ComputeResource, COMPUTE_RESOURCES, parseCompute, renderCompute } from '../core/quantity';
import {
  EXPOSURE_KEYS, FIELD_PROPS, LimitRangeValues, QUOTA_KEYS, QUOTA_PROPS, QuotaKey, QuotaPreset, quotaPresets, QuotaValues, renderQuotaAmount, renderQuotaHard,
  ResolvedLimits, ResolvedQuota, resolveLimits, resolveQuota,
} from './quota';
import {
  applyGrants, EDITOR_GRANTS, EXEC_GRANTS, POD_CREATE_GRANTS, PORT_FORWARD_GRANTS, SECRET_READ_GRANTS, VIEWER_GRANTS,
} from './rbac';
import { watchCollisions } from '../core/collisions';
import { memoDuringSynth, onSynthesisStart, watchSynthesis } from '../core/synthesis';
import { computeUsage, ContainerProblem } from './usage';

/** Built-in kinds that live in a namespace (clusterScopedKinds must never name one). */
const NAMESPACED_BUILTIN_KINDS = new Set([
  'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController', 'PodTemplate',
  'Service', 'Endpoints', 'EndpointSlice', 'Ingress', 'NetworkPolicy', 'ConfigMap', 'Secret', 'ServiceAccount',
  'PersistentVolumeClaim', 'Role', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget',
  'HorizontalPodAutoscaler', 'Event', 'Lease', 'ControllerRevision', 'CSIStorageCapacity',
]);
const BUILTIN_GROUPS = new Set(['core', '', 'apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'policy',
  'autoscaling', 'discovery.k8s.io', 'coordination.k8s.io', 'events.k8s.io', 'storage.k8s.io']);

/** The prefix of the recommended labels, which each object sets for itself. */
const RECOMMENDED_PREFIX = 'app.kubernetes.io/';
const NAMESPACE_RULES = RULES.filter((r) => r.group === 'namespace').map((r) => r.id);
const KIND = 'IsolatedNamespace';
const PSA_PREFIX = 'pod-security.kubernetes.io/';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const DEFAULT_PSA_VERSION = 'v1.27';
/** Kinds whose synthesized JSON the quota check reads. */
const USAGE_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'Service', 'PersistentVolumeClaim']);

/** Every IsolatedNamespace. */
const NAMESPACES = new WeakSet<IConstruct>();

/** The label that names the team owning a namespace, on the Namespace and its objects. */
export const TEAM_LABEL = 'guardrails.cdk8s.io/team';

/** A Pod Security Standards level (Pod Security Admission). */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, seccomp. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations only. */
  BASELINE = 'baseline',
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
}

/** Properties of an IsolatedNamespace. Every default satisfies the `ns-*` rules of docs/practices.md. */
export interface IsolatedNamespaceProps {
  /** The team that owns the namespace: the `guardrails.cdk8s.io/team` label (a label value). */
  readonly team: string;
  /**
   * Name of the Namespace: a DNS-1123 label, not `default` and not starting with `kube-`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Labels on every object of the chart, workloads included (cdk8s Chart labels). Keys
   * `app.kubernetes.io/*` are an error: each object sets its own recommended labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra labels on the Namespace object; not the labels the library sets on it (name,
   * instance, managed-by, team, pod-security.kubernetes.io/*).
   * @default - none
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * Annotations on the Namespace object.
   * @default - none
   */
  readonly namespaceAnnotations?: { [key: string]: string };

  /**
   * Pod Security level enforced (rule `ns-pod-security`): pods that violate it are rejected.
   * Anything but RESTRICTED needs `skip['ns-pod-security']`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityEnforce?: PodSecurityLevel;
  /**
   * Pod Security level audited (violations are recorded in the audit log).
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityAudit?: PodSecurityLevel;
  /**
   * Pod Security level warned about (violations are shown to the client).
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityWarn?: PodSecurityLevel;
  /**
   * Pod Security Standards version the three levels are pinned to, e.g. 'v1.30'. 'latest'
   * changes meaning with each cluster upgrade and needs `skip['ns-pod-security']`.
   * @default 'v1.27' (the API version of cdk8s-plus-27)
   */
  readonly podSecurityVersion?: string;

  /**
   * Let the pods of the namespace talk to each other (rule `ns-default-deny`). Each
   * SafeDeployment already opens what it serves to the peers it names.
   * @default false
   */
  readonly allowSameNamespace?: boolean;
  /**
   * Peers allowed to connect to every pod of the namespace (on the peer's ports).
   * @default - none
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Peers every pod of the namespace may connect to (on the peer's ports): other
   * namespaces (`other.asPeer()`) or external services (`NetworkPeer.cidr(...)`).
   * @default - none besides cluster DNS
   */
  readonly allowTo?: NetworkPeer[];
  /**
   * The cluster DNS opened for egress. Use a CIDR peer for NodeLocal DNSCache.
   * @default NetworkPeer.clusterDns()
   */
  readonly clusterDns?: NetworkPeer;
  /**
   * Open ingress from the ingress controller of every construct in the namespace that
   * receives controller traffic (an `IIngressControllerClient` such as a TlsIngress). The
   * rule admits the controller to every pod of the namespace on the controller peer's ports
   * (every port when it names none); a TlsIngress also opens each backend to its
   * controller, so `false` keeps only those narrower per-workload rules.
   * @default true
   */
  readonly allowIngressControllers?: boolean;

  /**
   * ResourceQuota size (rule `ns-quota`). Explicit `quota` values override single fields.
   * The presets bound CPU requests, not CPU limits (`quota.cpuLimits` adds that bound).
   * @default QuotaPreset.SMALL
   */
  readonly quotaPreset?: QuotaPreset;
  /**
   * Explicit ResourceQuota values.
   * @default - the preset's values
   */
  readonly quota?: QuotaValues;
  /**
   * Resources a container that sets none gets from the LimitRange (rule `ns-limits`):
   * its requests become `defaultRequest`, its memory and ephemeral-storage limits
   * `default` (no CPU limit: the library's policy, see `containerLimits.defaultCpuLimit`).
   * @default ResourcePreset.SMALL
   */
  readonly defaultResourcePreset?: ResourcePreset;
  /**
   * Explicit LimitRange values for containers.
   * @default - defaults from `defaultResourcePreset`, no CPU default limit and no CPU max
   * (containers without a CPU limit stay unlimited); min 10m CPU, 16Mi memory and
   * ephemeral storage; max 8Gi memory, 16Gi ephemeral storage
   */
  readonly containerLimits?: LimitRangeValues;

  /**
   * Groups (from the cluster's identity provider) bound to the read-only `viewer` Role
   * (rule `ns-rbac`).
   * @default - no binding
   */
  readonly viewerGroups?: string[];
  /**
   * Groups bound to the `editor` Role: read, plus operating the workloads (restart, evict,
   * scale) and managing ConfigMaps, Services, claims, HPAs and PDBs.
   * @default - no binding
   */
  readonly editorGroups?: string[];
  /**
   * Let editors read Secrets. Needs `skip['ns-rbac']` with the reason.
   * @default false
   */
  readonly editorsReadSecrets?: boolean;
  /**
   * Let editors exec into and attach to containers. Needs `skip['ns-rbac']` with the reason.
   * @default false
   */
  readonly editorsExec?: boolean;
  /**
   * Let editors create pods and the workloads that create pods (Deployments, StatefulSets,
   * DaemonSets, ReplicaSets, Jobs, CronJobs): such pods can mount every Secret and use
   * every ServiceAccount of the namespace. Needs `skip['ns-rbac']` with the reason.
   * @default false
   */
  readonly editorsCreatePods?: boolean;
  /**
   * Let editors port-forward into pods (which bypasses NetworkPolicies).
   * @default false
   */
  readonly editorsPortForward?: boolean;
  /**
   * Mount the token of the namespace's `default` ServiceAccount into pods that use it.
   * @default false
   */
  readonly automountDefaultServiceAccountToken?: boolean;

  /**
   * Cluster-scoped kinds besides the built-in ones and those that CRDs in the app declare,
   * as 'Kind' or 'group/Kind': their objects never get the chart's namespace.
   * @default - none
   */
  readonly clusterScopedKinds?: string[];
  /**
   * Namespace rules switched off on purpose: rule id -> reason. The reasons are written to
   * the Namespace as annotations `guardrails.cdk8s.io/skip.<rule>` (and `ns-rbac` to the
   * editor Role). `ns-default-deny`, `ns-quota` and `ns-limits` remove their objects;
   * `ns-pod-security` allows weaker levels; `ns-rbac` allows the sensitive editor grants.
   * @default - every rule applies
   */
  readonly skip?: { [ruleId: string]: string };
}

interface PeerRule { readonly checked: CheckedPeer; readonly property: string }

/**
 * A namespace as a tenant boundary, from one call: Pod Security "restricted", a
 * default-deny NetworkPolicy with explicit allows, a ResourceQuota, a LimitRange, viewer
 * and editor Roles without wildcards, and a `default` ServiceAccount that mounts no token.
 *
 * It is a cdk8s Chart with its namespace set, so every workload created inside it lands in
 * the namespace; cluster-scoped objects in it never carry a namespace. At synthesis it
 * opens ingress from the ingress controller of any ingress inside it, and checks that the
 * quota and the LimitRange admit its workloads.
 */
export class IsolatedNamespace extends Chart {
  /** The label that names the owning team: `guardrails.cdk8s.io/team`. */
  public static readonly TEAM_LABEL = TEAM_LABEL;

  /** Name of the Namespace. */
  public readonly namespaceName: string;
  /** The owning team. */
  public readonly team: string;
  /** The Namespace object. */
  public readonly namespaceResource: kplus.Namespace;
  /** NetworkPolicy `default-deny`: every pod, ingress and egress, no rules. */
  public readonly defaultDenyPolicy?: ApiObject;
  /** NetworkPolicy `allow-dns`: egress to cluster DNS on UDP and TCP 53. */
  public readonly dnsPolicy?: ApiObject;
  /** NetworkPolicy `allow-same-namespace`, with `allowSameNamespace`. */
  public readonly sameNamespacePolicy?: ApiObject;
  /** The ResourceQuota `quota`. */
  public readonly quota?: ApiObject;
  /** The LimitRange `limits`. */
  public readonly limitRange?: ApiObject;
  /** The read-only Role `viewer`. */
  public readonly viewerRole: kplus.Role;
  /** The Role `editor`. */
  public readonly editorRole: kplus.Role;
  /** Every Role: viewer, editor. */
  public readonly roles: kplus.Role[];
  /** The RoleBindings: `viewer` and `editor`, for the groups given. */
  public readonly roleBindings: kplus.RoleBinding[];
  /** The namespace's `default` ServiceAccount, which mounts no token. */
  public readonly defaultServiceAccount: kplus.ServiceAccount;
  /** Labels on every object the construct emits. */
  public readonly commonLabels: { [key: string]: string };
  /** Rules switched off, with reasons. */
  public readonly skippedRules: { [ruleId: string]: string };

  private readonly ingressPeers: PeerRule[] = [];
  private readonly egressPeers: PeerRule[] = [];
  private _ingressControllerPolicy?: ApiObject;
  private _peerIngressPolicy?: ApiObject;
  private _peerEgressPolicy?: ApiObject;
  private readonly resolvedQuota?: ResolvedQuota;
  private readonly resolvedLimits?: ResolvedLimits;
  private readonly extraClusterScoped: string[];
  private readonly discoverIngressControllers: boolean;
  /** Memo key of this namespace's exposure counts (the memo is the app's). */
  private readonly exposureMemoKey = {};

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    // The props are read before the Chart exists: check their shape first.
    checkPropsAt(`${KIND} at '${scope.node.path ? `${scope.node.path}/${id}` : id}'`, 'IsolatedNamespaceProps', props);
    const name = props.name ?? id;
    super(scope, id, { namespace: name, labels: checkLabelsBeforeChart(scope, id, props.labels) });
    watchCollisions(this);
    NAMESPACES.add(this);
    checkDnsLabel(this, KIND, props.name === undefined ? 'name (taken from the construct id)' : 'name', name);
    if (name === 'default' || name.startsWith('kube-')) {
      fail(this, KIND, props.name === undefined ? 'name (taken from the construct id)' : 'name', name,
        'a name other than "default" and not starting with "kube-" (reserved for the system)');
    }
    this.namespaceName = name;
    // Namespace rules switched off for a whole app or chart (GuardrailsDefaults), under the own skips.
    props = withDefaults(this, props, [], NAMESPACE_RULES);
    const skips = validateSkips(this, KIND, props.skip);
    for (const rule of skips.keys()) {
      if (findRule(rule)?.group !== 'namespace') {
        fail(this, KIND, `skip.${rule}`, rule, 'a namespace rule id: ns-pod-security, ns-default-deny, ns-quota, ns-limits, ns-rbac (workload rules are skipped on the workload)');
      }
    }
    this.skippedRules = Object.fromEntries(skips);
    this.team = checkNonEmptyLabelValue(this, KIND, 'team', props.team);
    this.commonLabels = {
      [LABEL_NAME]: 'isolated-namespace',
      [LABEL_INSTANCE]: name,
      [LABEL_MANAGED_BY]: MANAGED_BY,
      [TEAM_LABEL]: this.team,
    };
    this.extraClusterScoped = this.checkClusterScopedKinds(props.clusterScopedKinds ?? []);
    this.discoverIngressControllers = props.allowIngressControllers ?? true;

    // --- ns-pod-security: the Namespace and its admission labels -----------------------
    this.namespaceResource = new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name,
        labels: { ...this.checkNamespaceLabels(props.namespaceLabels ?? {}), ...this.commonLabels, ...this.podSecurityLabels(props, skips) },
        annotations: checkAnnotations(this, KIND, 'namespaceAnnotations', props.namespaceAnnotations, skipAnnotationBytes(skips)),
      },
    });
    const namespaceObject = ApiObject.of(this.namespaceResource);
    annotateSkips(namespaceObject, skips);
    // The chart stamped its own namespace on the Namespace: remove it right away (the same
    // fix runs for every cluster-scoped object at synthesis).
    unstampClusterScoped([namespaceObject], new ClusterScopedKinds([]));

    // --- ns-default-deny -----------------------------------------------------------------
    if (!skips.has('ns-default-deny')) {
      this.defaultDenyPolicy = this.networkPolicy('DefaultDeny', 'default-deny', ['Ingress', 'Egress'], {});
      const dns = props.clusterDns ?? NetworkPeer.clusterDns();
      const dnsChecked = this.checkedOrFail(dns, 'clusterDns');
      this.dnsPolicy = this.networkPolicy('AllowDns', 'allow-dns', ['Egress'], {
        egress: [{ to: [dnsChecked.peer._toPeer(name)], ports: renderPorts(dnsChecked.ports as NetworkPort[]) }],
      });
      if (props.allowSameNamespace) {
        this.sameNamespacePolicy = this.networkPolicy('AllowSameNamespace', 'allow-same-namespace', ['Ingress', 'Egress'], {
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        });
      }
    }
    (props.allowFrom ?? []).forEach((p, i) => this.addPeer('ingress', p, `allowFrom[${i}]`));
    (props.allowTo ?? []).forEach((p, i) => this.addPeer('egress', p, `allowTo[${i}]`));

    // --- ns-quota and ns-limits ----------------------------------------------------------
    if (skips.has('ns-quota')) {
      if (props.quota !== undefined || props.quotaPreset !== undefined) {
        fail(this, KIND, props.quota !== undefined ? 'quota' : 'quotaPreset', props.quotaPreset?.name ?? props.quota,
          'no quota settings when the rule ns-quota is skipped (no ResourceQuota is emitted)');
      }
    } else {
      this.resolvedQuota = resolveQuota(this, KIND, props.quotaPreset, props.quota);
      const quota = this.resolvedQuota;
      this.quota = new ApiObject(this, 'ResourceQuota', {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'quota', labels: this.commonLabels },
        // Strings only: the API server reads every value back as a quantity string. Load
        // balancers and node ports are counted at synthesis, once every Service exists.
        spec: { hard: Lazy.any({ produce: () => Object.fromEntries(renderQuotaHard(this.effectiveQuota(quota))) }) },
      });
    }
    if (skips.has('ns-limits')) {
      if (props.containerLimits !== undefined || props.defaultResourcePreset !== undefined) {
        fail(this, KIND, props.containerLimits !== undefined ? 'containerLimits' : 'defaultResourcePreset', props.defaultResourcePreset?.name ?? props.containerLimits,
          'no LimitRange settings when the rule ns-limits is skipped (no LimitRange is emitted)');
      }
    } else {
      const limits = resolveLimits(this, KIND, props.defaultResourcePreset, props.containerLimits);
      this.resolvedLimits = limits;
      // The CPU default limit and max are left out unless asked for.
      const render = (values: { [r: string]: number | undefined }) => Object.fromEntries(COMPUTE_RESOURCES
        .filter((r) => values[r] !== undefined).map((r) => [r, kplus.k8s.Quantity.fromString(renderCompute(r, values[r]!))]));
      this.limitRange = new kplus.k8s.KubeLimitRange(this, 'LimitRange', {
        metadata: { name: 'limits', labels: this.commonLabels },
        spec: {
          limits: [{
            type: 'Container',
            default: render(limits.defaultLimit),
            defaultRequest: render(limits.defaultRequest),
            min: render(limits.min),
            max: render(limits.max),
          }],
        },
      });
    }

    // --- ns-rbac -----------------------------------------------------------------------
    const sensitive: Array<[keyof IsolatedNamespaceProps, boolean | undefined]> = [
      ['editorsReadSecrets', props.editorsReadSecrets],
      ['editorsExec', props.editorsExec],
      ['editorsCreatePods', props.editorsCreatePods],
    ];
    for (const [prop, value] of sensitive) {
      if (value && !skips.has('ns-rbac')) {
        fail(this, KIND, prop, value, 'false, or a reason in skip: { \'ns-rbac\': \'<why this grant is needed>\' } (rule ns-rbac: Secrets, exec and pod creation are granted only on purpose)');
      }
    }
    const [viewerGroups, editorGroups] = this.checkGroups(props.viewerGroups ?? [], props.editorGroups ?? []);
    this.viewerRole = new kplus.Role(this, 'ViewerRole', { metadata: { name: 'viewer', labels: this.commonLabels } });
    applyGrants(this.viewerRole, VIEWER_GRANTS);
    this.editorRole = new kplus.Role(this, 'EditorRole', { metadata: { name: 'editor', labels: this.commonLabels } });
    applyGrants(this.editorRole, VIEWER_GRANTS);
    applyGrants(this.editorRole, EDITOR_GRANTS);
    if (props.editorsReadSecrets) applyGrants(this.editorRole, SECRET_READ_GRANTS);
    if (props.editorsExec) applyGrants(this.editorRole, EXEC_GRANTS);
    if (props.editorsPortForward) applyGrants(this.editorRole, PORT_FORWARD_GRANTS);
    if (props.editorsCreatePods) applyGrants(this.editorRole, POD_CREATE_GRANTS);
    if (skips.has('ns-rbac')) annotateSkips(ApiObject.of(this.editorRole), new Map([['ns-rbac', skips.get('ns-rbac')!]]));
    this.roles = [this.viewerRole, this.editorRole];
    this.roleBindings = [];
    for (const [role, groups, bindingId] of [[this.viewerRole, viewerGroups, 'Viewer'], [this.editorRole, editorGroups, 'Editor']] as const) {
      if (groups.length === 0) continue;
      const binding = new kplus.RoleBinding(this, `${bindingId}Binding`, {
        metadata: { name: role.name, labels: this.commonLabels },
        role,
      });
      groups.forEach((g, i) => binding.addSubjects(kplus.Group.fromName(this, `${bindingId}Group${i}`, g)));
      this.roleBindings.push(binding);
    }

    this.defaultServiceAccount = new kplus.ServiceAccount(this, 'DefaultServiceAccount', {
      metadata: { name: 'default', labels: this.commonLabels },
      automountToken: props.automountDefaultServiceAccountToken ?? false,
    });

    watchSynthesis(this);
    // Before anything renders an object (the checker, the writer), give objects the right
    // namespace; the validation does it again for Testing.synth(chart), which has no start.
    onSynthesisStart(this, () => this.fixNamespaces());
    this.node.addValidation({ validate: () => memoDuringSynth(this, this, () => this.synthesisChecks()) });
    // GuardrailsDefaults.set(namespace) stays possible: what the constructor made does not count.
    markOwnConstructs(this);
  }

  /**
   * This namespace as a network peer: every pod in it, or only those with `podLabels`.
   * Add ports with `withPorts`.
   */
  public asPeer(podLabels?: { [key: string]: string }): NetworkPeer {
    return NetworkPeer.namespace(this.namespaceName, podLabels);
  }

  /** Lets `peer` connect to every pod of the namespace (on the peer's ports). */
  public allowFrom(peer: NetworkPeer): void {
    this.addPeer('ingress', peer, 'allowFrom()');
  }

  /** Lets every pod of the namespace connect to `peer` (on the peer's ports). */
  public allowTo(peer: NetworkPeer): void {
    this.addPeer('egress', peer, 'allowTo()');
  }

  /**
   * Opens both sides between two namespaces: the pods here may connect to the pods of
   * `other` (on `ports`, default every port), and `other` accepts them.
   */
  public connectTo(other: IsolatedNamespace, ports?: NetworkPort[]): void {
    const withPorts = (p: NetworkPeer) => (ports && ports.length > 0 ? p.withPorts(ports) : p);
    this.allowTo(withPorts(other.asPeer()));
    other.allowFrom(withPorts(this.asPeer()));
  }

  /**
   * The distinct ingress-controller peers of the constructs in this namespace that receive
   * controller traffic (`IIngressControllerClient`), in construct order.
   */
  public get ingressControllerPeers(): NetworkPeer[] {
    return this.ingressControllerChecked().map((c) => c.peer);
  }

  /**
   * NetworkPolicy `allow-ingress-controller`: ingress from the controllers of the ingresses
   * in the namespace that do not open their own backends (a TlsIngress does, on the serving
   * ports only). Created at synthesis when there are any.
   */
  public get ingressControllerPolicy(): ApiObject | undefined {
    return this._ingressControllerPolicy;
  }

  /** NetworkPolicy `allow-from-peers`: ingress from `allowFrom`. Created with the first peer. */
  public get peerIngressPolicy(): ApiObject | undefined {
    return this._peerIngressPolicy;
  }

  /** NetworkPolicy `allow-to-peers`: egress to `allowTo`. Created with the first peer. */
  public get peerEgressPolicy(): ApiObject | undefined {
    return this._peerEgressPolicy;
  }

  // --------------------------------------------------------------------------------------

  private networkPolicy(id: string, name: string, policyTypes: string[], rules: { ingress?: any; egress?: any }): ApiObject {
    return new kplus.k8s.KubeNetworkPolicy(this, id, {
      metadata: { name, labels: this.commonLabels },
      spec: { podSelector: {}, policyTypes, ...rules },
    });
  }

  private checkedOrFail(peer: NetworkPeer, property: string): CheckedPeer {
    if (!(peer instanceof NetworkPeer)) fail(this, KIND, property, peer, 'a NetworkPeer');
    const checked = checkPeer(peer, this.namespaceName);
    if (typeof checked === 'string') fail(this, KIND, property, peer.description, `a valid peer (${checked})`);
    return checked;
  }

  private addPeer(direction: 'ingress' | 'egress', peer: NetworkPeer, property: string): void {
    if (this.skippedRules['ns-default-deny'] !== undefined) {
      fail(this, KIND, property, peer?.description, 'no peers when the rule ns-default-deny is skipped: without the default-deny policy every peer is already allowed');
    }
    const checked = this.checkedOrFail(peer, property);
    if (isWholeOwnNamespace(checked, this.namespaceName)) {
      fail(this, KIND, property, peer.description, 'a peer outside this namespace: use allowSameNamespace: true to let the pods of the namespace talk to each other');
    }
    const list = direction === 'ingress' ? this.ingressPeers : this.egressPeers;
    for (const existing of list) {
      const other = existing.checked;
      if (sameSelection(other, checked)) {
        fail(this, KIND, property, peer.description,
          `a peer not already given (${existing.property} is the same peer): give one peer all its ports, e.g. NetworkPeer.cidr(...).withPorts([{ port: 443 }, { port: 5432 }])`);
      }
      if (portsOverlap(other.ports, checked.ports) && (selectionCovers(other, checked) || selectionCovers(checked, other))) {
        fail(this, KIND, property, peer.description,
          `a peer that does not overlap ${existing.property} (${other.peer.description}) on the same ports: drop the narrower one, or carve it out of the wider one with except`);
      }
    }
    list.push({ checked, property });
    const name = this.namespaceName;
    if (direction === 'ingress' && !this._peerIngressPolicy) {
      this._peerIngressPolicy = this.networkPolicy('AllowFromPeers', 'allow-from-peers', ['Ingress'], {
        ingress: Lazy.any({ produce: () => this.ingressPeers.map((r) => ({ from: [r.checked.peer._toPeer(name)], ports: renderPorts(r.checked.ports as NetworkPort[]) })) }),
      });
    }
    if (direction === 'egress' && !this._peerEgressPolicy) {
      this._peerEgressPolicy = this.networkPolicy('AllowToPeers', 'allow-to-peers', ['Egress'], {
        egress: Lazy.any({ produce: () => this.egressPeers.map((r) => ({ to: [r.checked.peer._toPeer(name)], ports: renderPorts(r.checked.ports as NetworkPort[]) })) }),
      });
    }
  }

  private ingressControllerChecked(onlyUnopened = false): CheckedPeer[] {
    if (!this.discoverIngressControllers) return [];
    const seen = new Set<string>();
    const out: CheckedPeer[] = [];
    for (const c of this.node.findAll()) {
      if (!isIngressControllerClient(c) || (onlyUnopened && c.opensBackendsToIngressController)) continue;
      const checked = checkPeer(c.ingressControllerPeer, this.namespaceName);
      if (typeof checked === 'string') {
        fail(this, KIND, 'ingressControllerPeer', c.ingressControllerPeer.description, `a valid peer from '${(c as unknown as IConstruct).node?.path ?? c}' (${checked})`);
      }
      if (seen.has(checked.key)) continue;
      seen.add(checked.key);
      out.push(checked);
    }
    return out;
  }

  private podSecurityLabels(props: IsolatedNamespaceProps, skips: Map<string, string>): { [key: string]: string } {
    const version = props.podSecurityVersion ?? DEFAULT_PSA_VERSION;
    if (typeof version !== 'string' || !(/^v1\.(0|[1-9]\d*)$/.test(version) || version === 'latest')) {
      fail(this, KIND, 'podSecurityVersion', version, 'a Kubernetes minor version such as "v1.30"');
    }
    if (version === 'latest' && !skips.has('ns-pod-security')) {
      fail(this, KIND, 'podSecurityVersion', version, 'a pinned version such as "v1.30" ("latest" changes meaning with each cluster upgrade), or skip: { \'ns-pod-security\': \'<reason>\' }');
    }
    const labels: { [key: string]: string } = {};
    const modes: Array<[string, PodSecurityLevel | undefined]> = [
      ['enforce', props.podSecurityEnforce], ['audit', props.podSecurityAudit], ['warn', props.podSecurityWarn],
    ];
    const allowed = Object.values(PodSecurityLevel) as string[];
    for (const [mode, given] of modes) {
      const level = given ?? PodSecurityLevel.RESTRICTED;
      const prop = `podSecurity${mode[0].toUpperCase()}${mode.slice(1)}`;
      if (!allowed.includes(level)) fail(this, KIND, prop, level, `one of ${allowed.map((l) => `"${l}"`).join(', ')}`);
      if (level !== PodSecurityLevel.RESTRICTED && !skips.has('ns-pod-security')) {
        fail(this, KIND, prop, level, 'PodSecurityLevel.RESTRICTED, or skip: { \'ns-pod-security\': \'<reason>\' } (rule ns-pod-security)');
      }
      labels[`${PSA_PREFIX}${mode}`] = level;
      labels[`${PSA_PREFIX}${mode}-version`] = version;
    }
    return labels;
  }

  private checkNamespaceLabels(labels: { [key: string]: string }): { [key: string]: string } {
    for (const [key, value] of Object.entries(labels)) {
      checkLabelKey(this, KIND, 'namespaceLabels key', key);
      if (key.startsWith(PSA_PREFIX)) {
        fail(this, KIND, 'namespaceLabels', key, 'no pod-security.kubernetes.io/* labels: set podSecurityEnforce, podSecurityAudit, podSecurityWarn and podSecurityVersion');
      }
      if (key === NAMESPACE_NAME_LABEL || key === TEAM_LABEL) {
        fail(this, KIND, 'namespaceLabels', key, `no ${key} label: it is set from ${key === TEAM_LABEL ? '`team`' : 'the name by the API server'}`);
      }
      if (key in this.commonLabels) {
        fail(this, KIND, 'namespaceLabels', key, `no ${key} label: the library sets it on every object of the namespace (${JSON.stringify(this.commonLabels[key])} here)`);
      }
      checkLabelValue(this, KIND, `namespaceLabels.${key}`, value);
    }
    return labels;
  }

  private checkGroups(viewers: string[], editors: string[]): [string[], string[]] {
    const seen = new Map<string, string>();
    for (const [prop, groups] of [['viewerGroups', viewers], ['editorGroups', editors]] as const) {
      groups.forEach((g, i) => {
        const property = `${prop}[${i}]`;
        if (typeof g !== 'string' || g.trim() === '' || g !== g.trim()) {
          fail(this, KIND, property, g, 'a group name of the identity provider, without surrounding spaces');
        }
        if (g.startsWith('system:')) {
          fail(this, KIND, property, g, 'a group of the identity provider, not a "system:" group (system:authenticated is every user of the cluster)');
        }
        if (seen.has(g)) {
          fail(this, KIND, property, g, `each group once (it is also ${seen.get(g)}): the editor role includes everything the viewer role grants`);
        }
        seen.set(g, property);
      });
    }
    return [viewers, editors];
  }

  private checkClusterScopedKinds(kinds: string[]): string[] {
    for (const k of kinds) {
      if (typeof k !== 'string' || !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Z][A-Za-z0-9]*$/.test(k)) {
        fail(this, KIND, 'clusterScopedKinds', k, 'kinds as "Kind" or "group/Kind", e.g. "ClusterIssuer" or "cert-manager.io/ClusterIssuer"');
      }
      // A built-in kind that lives in a namespace: its objects would silently land in `default`.
      const bare = k.includes('/') ? k.slice(k.lastIndexOf('/') + 1) : k;
      const group = k.includes('/') ? k.slice(0, k.lastIndexOf('/')) : undefined;
      if (NAMESPACED_BUILTIN_KINDS.has(bare) && (group === undefined || BUILTIN_GROUPS.has(group))) {
        fail(this, KIND, 'clusterScopedKinds', k, `only kinds that are cluster-scoped: ${bare} is a namespaced built-in kind, and its objects would lose this namespace and land in "default"`);
      }
    }
    return [...kinds];
  }

  /**
   * Runs on every synthesis (App.synth, Testing.synth): removes the namespace from
   * cluster-scoped objects, creates the ingress-controller policy when the namespace hosts
   * ingresses, and checks that the LimitRange and the quota admit its workloads.
   */
  private synthesisChecks(): string[] {
    const kinds = this.fixNamespaces();

    // Ingresses are usually created after the namespace: open their controllers now.
    // Clients that open their own backends (TlsIngress) need no namespace-wide opening.
    if (this.defaultDenyPolicy && !this._ingressControllerPolicy && this.ingressControllerChecked(true).length > 0) {
      const name = this.namespaceName;
      this._ingressControllerPolicy = this.networkPolicy('AllowIngressController', 'allow-ingress-controller', ['Ingress'], {
        ingress: Lazy.any({ produce: () => this.ingressControllerChecked(true).map((c) => ({ from: [c.peer._toPeer(name)], ports: renderPorts(c.ports as NetworkPort[]) })) }),
      });
    }

    if (!this.resolvedQuota && !this.resolvedLimits) return [];
    const manifests = this.usageManifests(kinds);
    const q = this.resolvedQuota ? this.effectiveQuota(this.resolvedQuota) : undefined;
    const bounded = new Set(QUOTA_KEYS.filter((k) => q?.amounts[k] !== undefined));
    const usage = computeUsage(manifests, this.resolvedLimits, bounded, q?.expectedNodes);
    const errors: string[] = [];
    const collect = (f: () => void) => {
      try {
        f();
      } catch (e) {
        errors.push((e as Error).message);
      }
    };
    for (const problem of groupProblems(usage.problems)) collect(() => this.failProblem(problem));
    // A DaemonSet runs a pod on every node: uncounted, its pods past the quota are refused.
    const perPod = ['pods', 'requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory'].filter((k) => bounded.has(k as QuotaKey));
    if (q && usage.uncountedDaemonSets.length > 0 && perPod.length > 0) {
      collect(() => fail(this, KIND, 'quota.expectedNodes', undefined,
        `the number of nodes the cluster runs: DaemonSet ${usage.uncountedDaemonSets.join(', DaemonSet ')} runs one pod on each node, and the quota bounds ${perPod.join(', ')}, `
        + 'so its pods on nodes past the quota would be refused. Set quota.expectedNodes to the most nodes the cluster grows to; each DaemonSet then counts that many pods'));
    }
    if (q) {
      for (const key of QUOTA_KEYS) {
        const hard = q.amounts[key];
        const source = q.source[key];
        if (hard === undefined || source === undefined) continue;
        const used = usage.totals[key] ?? 0;
        if (used <= hard) continue;
        if (EXPOSURE_KEYS.includes(key)) {
          collect(() => this.failExposure(key, hard, used, usage.contributions[key], q.fromExposure.includes(key), manifests));
          continue;
        }
        const counting = key.startsWith('services') ? '' : 'Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. ';
        collect(() => fail(this, KIND, source, renderAmount(key, hard),
          `at least ${renderAmount(key, used)} of ${key}: the workloads of the namespace need that much (${usage.contributions[key].join('; ')}). `
          + `${counting}${this.quotaFix(key, used, source.startsWith('quota.'))}`));
      }
    }
    return errors;
  }

  /**
   * How to raise a quota amount: the explicit value (it overrides any preset); when the amount
   * comes from the preset, also the smallest preset that allows `used`, if one does.
   */
  private quotaFix(key: QuotaKey, used: number, explicit: boolean): string {
    const prop = `quota.${QUOTA_PROPS[key]}`;
    const raise = `Raise ${prop} to at least ${renderAmount(key, used)}`;
    if (explicit) return raise;
    const preset = quotaPresets().find((p) => (resolveQuota(this, KIND, p, undefined).amounts[key] ?? Infinity) >= used);
    if (preset === undefined) return `${raise}: no QuotaPreset allows that much`;
    return `${raise}, or choose QuotaPreset.${preset.name} (${renderAmount(key, resolveQuota(this, KIND, preset, undefined).amounts[key]!)})`;
  }

  /** The synthesized JSON of the namespace's objects that the quota counts (`kinds`: its cluster-scoped kinds). */
  private usageManifests(kinds: ClusterScopedKinds): any[] {
    const inNamespace = memoDuringSynth(this, 'usage-objects-by-namespace', () => usageObjectsByNamespace(this.node.root)).get(this.namespaceName) ?? [];
    return inNamespace.filter((o) => o.metadata.namespace === this.namespaceName && !kinds.has(o)).map((o) => o.toJson());
  }

  /**
   * The quota with the load balancers and node ports that `quota` leaves out set to exactly
   * what the namespace's Services exposed with a reason (rule `network-exposure`) need.
   */
  private effectiveQuota(q: ResolvedQuota): ResolvedQuota {
    if (q.fromExposure.length === 0) return q;
    const needed = memoDuringSynth(this, this.exposureMemoKey, () => {
      const services = this.usageManifests(this.fixNamespaces()).filter((m) => m.kind === 'Service' && exposureReason(m) !== undefined);
      return computeUsage(services, undefined, new Set()).totals;
    });
    const amounts = { ...q.amounts };
    for (const key of q.fromExposure) amounts[key] = needed[key] ?? 0;
    return { ...q, amounts };
  }

  /**
   * The quota allows fewer load balancers or node ports than the namespace's Services take.
   * Left out of `quota`, it allows exactly those of the Services with a reason, so the others
   * need one (no preset allows any); given, it is too small.
   */
  private failExposure(key: QuotaKey, hard: number, used: number, contributions: string[], fromExposure: boolean, manifests: any[]): never {
    const prop = `quota.${QUOTA_PROPS[key]}`;
    const need = `at least ${used} of ${key}: the Services of the namespace take that many (${contributions.join('; ')})`;
    if (!fromExposure) {
      fail(this, KIND, prop, hard, `${need}. Raise ${prop} to ${used}, or leave it out: the quota then allows exactly what the Services exposed with a reason need`);
    }
    const unexplained = manifests
      .filter((m) => m.kind === 'Service' && (key === 'services.nodeports' ? ['LoadBalancer', 'NodePort'] : ['LoadBalancer']).includes(m.spec?.type) && exposureReason(m) === undefined)
      .map((m) => `${m.spec.type} Service ${m.metadata?.name}`);
    const without = unexplained.length === 0 ? ''
      : `, and ${unexplained.join(', ')} ${unexplained.length === 1 ? 'gives' : 'give'} no reason to be reachable from outside the cluster (rule network-exposure)`;
    fail(this, KIND, `${prop} (left out: what the Services exposed with a reason need)`, hard,
      `${need}. No QuotaPreset allows load balancers or node ports${without}. `
      + `Expose the workload with ExternalService and a reason, or annotate the Service with ${skipAnnotationKey('network-exposure')} and the reason; or set ${prop} to ${used}`);
  }

  /**
   * Gives the objects of plain Charts nested here the namespace (every namespace of the app
   * does it for its own, outer ones first), and removes it from cluster-scoped objects.
   * Returns the cluster-scoped kinds.
   */
  private fixNamespaces(): ClusterScopedKinds {
    const kinds = new ClusterScopedKinds(this.extraClusterScoped);
    kinds.addQualified(memoDuringSynth(this, 'cluster-scoped-kinds-of-crds', () => clusterScopedKindsOfCrds(this.node.root)));
    const own = this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    memoDuringSynth(this, 'stamp-nested-charts', () => IsolatedNamespace.stampNestedCharts(this.node.root));
    unstampClusterScoped(own, kinds);
    return kinds;
  }

  /** Gives every IsolatedNamespace's namespace to the objects of plain Charts nested in it. */
  private static stampNestedCharts(root: IConstruct): void {
    for (const c of root.node.findAll()) {
      // Not `instanceof`: cdk8s's Chart answers it for every Chart.
      if (!NAMESPACES.has(c)) continue;
      const ns = c as IsolatedNamespace;
      const kinds = new ClusterScopedKinds(ns.extraClusterScoped);
      kinds.addQualified(memoDuringSynth(ns, 'cluster-scoped-kinds-of-crds', () => clusterScopedKindsOfCrds(root)));
      stampNamespaced(ns.node.findAll().filter((o): o is ApiObject => ApiObject.isApiObject(o)), kinds, ns.namespaceName);
    }
  }

  private failProblem(p: GroupedProblem): void {
    const l = this.resolvedLimits;
    const r = p.resource;
    const where = p.wheres.join(', ');
    if (p.type === 'invalid') {
      fail(this, KIND, `${p.side}.${r} of ${where}`, p.value, `${quantityProblem(p.value, { nonNegative: true })}: the API server refuses the pod; fix the container's resources`);
    }
    if (p.type === 'missing' || !l) {
      const key = `${p.side}.${r}` as QuotaKey;
      const q = this.resolvedQuota!;
      const source = q.source[key]!;
      // The LimitRange fills every value but a CPU limit, which it gives only on request:
      // blame the quota that demands one rather than the LimitRange.
      if (l || key === 'limits.cpu') {
        const field = p.side === 'limits' ? 'defaultLimit' : 'defaultRequest';
        const viaLimitRange = l ? `, set containerLimits.${FIELD_PROPS[field][r]} so that the LimitRange gives one to containers that set none` : '';
        const quotaProp = source.startsWith('quota.') ? source : `quota.${QUOTA_PROPS[key]}`;
        const policy = key === 'limits.cpu' ? " (the library's policy: no CPU limits; quota.cpuRequests bounds CPU)" : '';
        const sdProp = `resources.${r === 'cpu' ? 'cpu' : r === 'memory' ? 'memory' : 'ephemeralStorage'}${p.side === 'limits' ? 'Limit' : 'Request'}`;
        fail(this, KIND, source, renderAmount(key, q.amounts[key]!),
          `${key} on every container of the namespace: with a quota on ${key} the API server rejects pods with a container that sets none, and ${where} sets none. `
          + `Set ${key} on those containers (SafeDeployment: ${sdProp})${viaLimitRange}, or leave ${quotaProp} out${policy}`);
      }
      fail(this, KIND, 'skip.ns-limits', this.skippedRules['ns-limits'],
        `a LimitRange, or containers that set ${p.side}.${r}: ${where} sets none, and with a quota on ${p.side}.${r} the API server rejects such pods`);
    }
    const field = p.type === 'min' ? 'min' : p.type === 'max' ? 'max' : 'defaultLimit';
    const source = (l.source as any)[`${field}.${r}`] as string;
    const current = renderCompute(r, (l as any)[field][r]);
    if (p.type === 'min') {
      fail(this, KIND, source, current, `at most ${p.value}: ${where} sets ${p.side}.${r} ${p.value}, below the LimitRange min, which the API server rejects; or raise the container's ${p.side}`);
    }
    if (p.type === 'max') {
      fail(this, KIND, source, current, `at least ${p.value}: ${where} sets limits.${r} ${p.value}, above the LimitRange max, which the API server rejects; or lower the container's limit`);
    }
    fail(this, KIND, source, current, `at least ${p.value}: ${where} requests ${r} ${p.value} without a limit, so it gets the LimitRange default limit, and a limit below the request is rejected; or give the container a ${r} limit`);
  }
}

/**
 * Chart labels are checked before the chart exists (they go to `super()`): the error names
 * the path the construct would have.
 */
function checkLabelsBeforeChart(scope: Construct, id: string, labels: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  if (labels === undefined) return undefined;
  const probe = { node: { path: scope.node.path ? `${scope.node.path}/${id}` : id } } as unknown as IConstruct;
  const checked = checkLabels(probe, KIND, 'labels', labels);
  for (const key of Object.keys(checked)) {
    // Every object sets its own recommended labels, which win over the chart's: given here,
    // they would be dropped from most objects without a word.
    if (key.startsWith(RECOMMENDED_PREFIX)) {
      fail(probe, KIND, 'labels key', key,
        `no ${RECOMMENDED_PREFIX}* label: each object sets its own recommended labels (name, instance, version, component, part-of, managed-by); set partOf, component or version on the workload instead, or use a label of your own prefix`);
    }
  }
  return checked;
}

/** The objects whose JSON the quota check reads, by namespace, from the whole app. */
/** The reason a Service is reachable from outside the cluster (its `network-exposure` skip annotation), if it gives one. */
function exposureReason(service: any): string | undefined {
  const reason = readSkips(service).skips.get('network-exposure');
  return reason !== undefined && reason.trim() !== '' ? reason : undefined;
}

function usageObjectsByNamespace(root: IConstruct): Map<string, ApiObject[]> {
  const byNamespace = new Map<string, ApiObject[]>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || !USAGE_KINDS.has(c.kind) || c.metadata.namespace === undefined) continue;
    const list = byNamespace.get(c.metadata.namespace);
    if (list) list.push(c);
    else byNamespace.set(c.metadata.namespace, [c]);
  }
  return byNamespace;
}


/** A quota amount for an error message: compute amounts as quantities, counts as numbers (as given). */
function renderAmount(key: QuotaKey, amount: number): string | number {
  const text = renderQuotaAmount(key, amount);
  return key.startsWith('requests.') || key.startsWith('limits.') ? text : amount;
}

interface GroupedProblem {
  readonly type: ContainerProblem['type'];
  readonly resource: ContainerProblem['resource'];
  readonly side: ContainerProblem['side'];
  readonly wheres: string[];
  /** The most extreme value among the containers. */
  readonly value?: string;
}

/** One problem per kind, resource and side, listing every container and the worst value. */
function groupProblems(problems: readonly ContainerProblem[]): GroupedProblem[] {
  const groups = new Map<string, { type: ContainerProblem['type']; resource: ContainerProblem['resource']; side: ContainerProblem['side']; wheres: string[]; values: string[] }>();
  for (const p of problems) {
    const key = `${p.type}/${p.resource}/${p.side}`;
    const g = groups.get(key) ?? { type: p.type, resource: p.resource, side: p.side, wheres: [], values: [] };
    const label = `${p.where}${p.value && p.type !== 'invalid' ? ` (${p.value})` : ''}`;
    if (!g.wheres.includes(label)) g.wheres.push(label);
    if (p.value !== undefined) g.values.push(p.value);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const parsed = g.values.map((v) => ({ v, n: parseCompute(g.resource as ComputeResource, v) }));
    parsed.sort((a, b) => a.n - b.n);
    const worst = g.type === 'invalid' ? g.values[0] : g.type === 'min' ? parsed[0]?.v : parsed[parsed.length - 1]?.v;
    return { type: g.type, resource: g.resource, side: g.side, wheres: g.wheres, value: worst };
  });
}
