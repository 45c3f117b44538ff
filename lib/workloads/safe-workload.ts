import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { HashedConfigMap } from '../config/hashed-config-map';
import { joinApp } from '../core/collisions';
import { fail } from '../core/errors';
import { CONSTRUCT_KINDS } from '../core/kinds';
import { ServiceMonitor } from '../imports/servicemonitor-monitoring.coreos.com';
import { IPodSet, NetworkPeer, NetworkPort, NetworkProtocol, renderPorts } from '../network/network-peer';
import { checkPeerPorts } from '../network/peer-validation';
import { SafePodProps, ScrapeMethod } from '../pods/props';
import { exceptionAnnotations, PodSecurityException } from '../practices/exceptions';
import { SKIP_ANNOTATION_PREFIX, skipAnnotationKey } from '../practices/skip';
import { withWorkloadDefaults } from '../pods/defaults';
import { ResolvedPod, resolvePod } from '../pods/resolve';
import { applicableSkips, checkSkipsApply } from '../pods/rule-kinds';
import { writePodTemplate } from '../pods/write';
import { calleePort, chartNamespace, checkCall, isSafeWorkload, policyPort, resolveCalls, serviceAddress, WorkloadPort } from './calls';

export { isSafeWorkload } from './calls';

/**
 * A workload made by this library (SafeDeployment and the other Safe* kinds): pods that
 * other constructs can route to (TlsIngress), name as a network peer, and connect to.
 */
export interface ISafeWorkload extends IPodSet, IConstruct {
  /** Object name shared by the workload's children. */
  readonly name: string;
  /** Recommended labels on every child. */
  readonly labels: { [key: string]: string };
  /** The ClusterIP Service, when the workload exposes a port. */
  readonly service?: kplus.Service;
  /**
   * Rules switched off, with reasons, and single pod-security checks waived, as their skip
   * annotations give them (`'pod-security.runAsUser': '1000: <reason>'`).
   */
  readonly skippedRules: { [ruleId: string]: string };
  /** Ports of the ClusterIP Service, in order; empty without a Service. */
  readonly exposedPorts: WorkloadPort[];
  /** Lets `peer` connect to the pods, on `ports` (default: the exposed ports, or every port without any). */
  allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void;
  /** Lets the pods connect to `peer` (on the peer's ports). */
  allowTo(peer: NetworkPeer): void;
  /**
   * Opens both sides: these pods may reach `other` on its port named `port` (default: every
   * exposed port), and `other` accepts them on it.
   */
  connectTo(other: ISafeWorkload, port?: string): void;
  /**
   * The address of this workload's Service on the port named `port`, as pods of the chart of
   * `caller` write it: `<name>:<port>` in the same namespace, `<name>.<namespace>.svc:<port>`
   * across namespaces. It opens nothing: declare the call with `calls` or `connectTo`.
   */
  addressFor(caller: IConstruct, port?: string): string;
}

/**
 * The children every workload kind shares: its ServiceAccount, the hashed ConfigMap, the
 * ClusterIP Service, the per-workload NetworkPolicy and the ServiceMonitor. A kind adds its
 * own object (with the pod template from the pod core) and kind-specific children.
 *
 * A kind's constructor, in this order (it fixes the order of the objects in the output):
 * `super(scope, id, props, '<construct name in core/kinds.ts>')` (resolves the pod, every
 * pod-level error; creates the ServiceAccount and ConfigMap), validate the kind's own props,
 * create the kind's object with `_podTemplate()` and `_objectAnnotations()`, then
 * `_addService()`, the kind's other children (e.g. `addReplicationChildren`), and last
 * `_addPolicyAndMonitor()`.
 */
export abstract class SafeWorkload extends Construct implements ISafeWorkload {
  /** Object name shared by the children. */
  public readonly name: string;
  /** The workload's own ServiceAccount. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The hashed ConfigMap, with `env` or `files`. */
  public readonly configMap?: HashedConfigMap;
  /** Labels that select exactly this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** Recommended labels on every child. */
  public readonly labels: { [key: string]: string };
  /** Numbers of the ports on which the pods serve (the exposed container ports), each once. */
  public readonly servingPorts: number[];
  /** The ports on which the pods serve, with their protocols (always set; optional as in IPodSet). */
  public readonly servingNetworkPorts?: NetworkPort[];
  /**
   * Rules switched off, with reasons, and single pod-security checks waived, as their skip
   * annotations give them: `{ 'replicas-min': '<reason>', 'pod-security.runAsUser': '1000: <reason>' }`.
   */
  public readonly skippedRules: { [ruleId: string]: string };
  /** Ports of the ClusterIP Service, in order; empty without a Service. */
  public readonly exposedPorts: WorkloadPort[];

  /** @internal */
  protected readonly _pod: ResolvedPod;
  private readonly _exceptions: PodSecurityException[] = [];
  private _service?: kplus.Service;
  private _networkPolicy?: ApiObject;
  private _serviceMonitor?: ApiObject;
  private readonly ingressRules: Array<{ peer: NetworkPeer; ports: NetworkPort[] }> = [];
  private readonly egressPeers: NetworkPeer[] = [];
  private readonly connected = new Set<string>();

  /**
   * Resolves the pod-level props (every error is raised here) and creates the
   * ServiceAccount and the hashed ConfigMap.
   * @param kindName the construct's kind, e.g. 'SafeDeployment'
   */
  protected constructor(scope: Construct, id: string, props: SafePodProps, kindName: string) {
    super(scope, id);
    // Inside a Chart (a clear error, not cdk8s's "cannot find a parent chart"), and in the app's collision check.
    joinApp(this, kindName, props);
    const kind = CONSTRUCT_KINDS.find((k) => k.construct === kindName);
    if (kind === undefined) fail(this, 'SafeWorkload', 'kindName', kindName, `one of ${CONSTRUCT_KINDS.map((k) => k.construct).join(', ')}`);
    // A skip of a rule that cannot apply to the kind would be written and switch nothing off.
    checkSkipsApply(this, kind, props.skip);
    // The defaults of the chart and the app (GuardrailsDefaults), under the explicit props;
    // inherited skips reach only the kinds whose rules they switch off.
    props = withWorkloadDefaults(this, props);
    if (props.skip !== undefined) props = { ...props, skip: applicableSkips(kind, props.skip) };
    // The addresses of declared calls are env values like any other: resolved with the pod.
    const calls = resolveCalls(this, kindName, props.name ?? id, props.calls, props.env);
    const callEnv = Object.fromEntries(calls.filter((c) => c.env !== undefined).map((c) => [c.env!, c.address]));
    const pod = resolvePod(this, id, kind, calls.some((c) => c.env !== undefined) ? { ...props, env: { ...props.env, ...callEnv } } : props);
    this._pod = pod;
    this.name = pod.name;
    this.skippedRules = {};
    this._addExceptions(pod.exceptions);
    this.selectorLabels = pod.selectorLabels;
    this.labels = pod.labels;
    this.servingPorts = pod.servingPorts;
    this.servingNetworkPorts = pod.servingNetworkPorts.map((p) => ({ port: p.port, protocol: p.protocol as NetworkProtocol }));
    this.exposedPorts = pod.servicePorts.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol as NetworkProtocol }));

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.labels },
      automountToken: pod.automountServiceAccountToken,
    });
    if (Object.keys(pod.configData).length > 0) {
      this.configMap = new HashedConfigMap(this, 'Config', { namePrefix: `${this.name}-config`, data: pod.configData, labels: this.labels });
    }

    for (const peer of pod.allowFrom) this.allowFrom(peer);
    if (pod.metrics) this.ingressRules.push({ peer: pod.metrics.scraper, ports: [{ port: pod.metrics.port }] });
    this.egressPeers.push(pod.clusterDns);
    for (const peer of pod.allowTo) this.allowTo(peer);
    // Two env vars for one callee and port open it once.
    const opened = new Set<string>();
    for (const call of calls) {
      const key = `${call.callee.node.path}|${call.port.name}`;
      if (!opened.has(key)) this.openCall(call.callee, call.port);
      opened.add(key);
    }
  }

  /** The ClusterIP Service, when the workload exposes a port. */
  public get service(): kplus.Service | undefined {
    return this._service;
  }

  /** The per-workload NetworkPolicy (ingress and egress). */
  public get networkPolicy(): ApiObject {
    return this._networkPolicy!;
  }

  /** The ServiceMonitor, with `metrics.method` SERVICE_MONITOR. */
  public get serviceMonitor(): ApiObject | undefined {
    return this._serviceMonitor;
  }

  /** Namespace of the workload: the namespace of its chart. */
  public get namespaceName(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * Lets `peer` connect to the pods, on `ports`; else on the ports the peer was limited to
   * with `withPorts`; else on the exposed ports (every port for a worker). A workload peer's
   * own serving ports do not count: they are where it accepts, not where it connects.
   * @throws when `ports` and the peer's `withPorts` are both given and differ, and for pods
   * that run to completion (SafeJob, SafeCronJob), which accept no connections
   */
  public allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void {
    const podKind = this._pod.kind;
    const kind = podKind.construct;
    if (!podKind.longRunning) {
      fail(this, kind, 'allowFrom', peer, `no ingress to a ${kind}: its pods run to completion and accept no connections, so its NetworkPolicy denies all ingress; allowTo and connectTo() open the calls it makes`);
    }
    if (!(peer instanceof NetworkPeer)) fail(this, kind, 'allowFrom peer', peer, 'a NetworkPeer such as NetworkPeer.pods({ app: \'gateway\' })');
    const peerPorts = peer._portsGiven ? peer.ports : [];
    if (ports !== undefined) {
      checkPeerPorts(`${kind} at '${this.node.path}': allowFrom() of ${peer.description}`, ports);
      if (peerPorts.length > 0 && JSON.stringify(renderPorts(ports)) !== JSON.stringify(renderPorts(peerPorts))) {
        fail(this, kind, 'allowFrom ports', ports,
          `the ports of the peer (${peer.description} is limited to ${JSON.stringify(peerPorts)} by withPorts), or only one of the two`);
      }
    }
    const open = ports ?? (peerPorts.length > 0 ? peerPorts : NetworkPeer.workload(this).ports);
    this.ingressRules.push({ peer, ports: open });
  }

  /** Lets the pods connect to `peer` (on the peer's ports). */
  public allowTo(peer: NetworkPeer): void {
    this.egressPeers.push(peer);
  }

  /**
   * Opens both sides: these pods may reach `other` on its port named `port` (default: every
   * exposed port), and `other` accepts them on it. Across namespaces, each side's rule names
   * the other's namespace (`kubernetes.io/metadata.name`).
   * @throws when `other` is not a workload, is this workload itself (replicas that talk to
   * each other use `allowFrom` and `allowTo` with `NetworkPeer.workload(this)`), has no port
   * named `port`, or was connected on `port` already
   */
  public connectTo(other: ISafeWorkload, port?: string): void {
    const kind = this._pod.kind.construct;
    if (!isSafeWorkload(other)) fail(this, kind, 'connectTo', other, 'a workload (ISafeWorkload) such as a SafeDeployment');
    checkCall(this, kind, 'connectTo', this.name, other, port);
    // A second call would add the same rules again: most likely a mistake (another port was meant).
    const key = `${other.node.path}|${port ?? ''}`;
    if (this.connected.has(key)) {
      fail(this, kind, 'connectTo', port === undefined ? other.name : `${other.name} port ${port}`,
        `a workload and port not connected yet: connectTo(${other.name}${port === undefined ? '' : `, '${port}'`}) was already called, and its rules are in place`);
    }
    this.connected.add(key);
    if (port === undefined) {
      this.allowTo(NetworkPeer.workload(other));
      other.allowFrom(NetworkPeer.workload(this));
      return;
    }
    this.openCall(other, calleePort(this, kind, `connectTo(${other.name})`, other, port));
  }

  /**
   * The address of this workload's Service on the port named `port` (default: the first
   * exposed port), as pods of the chart of `caller` write it: `<name>:<port>` in the same
   * namespace, `<name>.<namespace>.svc:<port>` across namespaces. Opens nothing by itself.
   * @throws when the workload has no Service or no port named `port`, or a namespace is unknown
   */
  public addressFor(caller: IConstruct, port?: string): string {
    const kind = this._pod.kind.construct;
    return serviceAddress(this, kind, 'addressFor', this, calleePort(this, kind, 'addressFor', this, port), chartNamespace(caller));
  }

  private openCall(other: ISafeWorkload, port: WorkloadPort): void {
    this.allowTo(NetworkPeer.workload(other).withPorts([policyPort(port)]));
    other.allowFrom(NetworkPeer.workload(this), [policyPort(port)]);
  }

  /**
   * The pod template as plain JSON, for the kind's object.
   * @internal
   */
  protected _podTemplate(): any {
    return writePodTemplate(this._pod, { serviceAccountName: this.serviceAccount.name, configMapName: this.configMap?.name });
  }

  /**
   * Annotations of the kind's object: skipped rules and checker hints.
   * @internal
   */
  protected _objectAnnotations(): { [key: string]: string } | undefined {
    const a: { [key: string]: string } = { ...this._pod.objectAnnotations };
    for (const [id, reason] of this._pod.skips) a[skipAnnotationKey(id)] = reason;
    Object.assign(a, exceptionAnnotations(this._exceptions));
    return Object.keys(a).length > 0 ? a : undefined;
  }

  /**
   * Adds narrow pod-security exceptions that the kind's own props ask for (a DaemonSet's
   * host paths): written by `_objectAnnotations()` and listed in `skippedRules`.
   * @internal
   */
  protected _addExceptions(list: readonly PodSecurityException[]): void {
    this._exceptions.push(...list);
    const skipped = this.skippedRules as { [ruleId: string]: string };
    for (const [id, reason] of this._pod.skips) skipped[id] = reason;
    for (const [key, value] of Object.entries(exceptionAnnotations(this._exceptions))) skipped[key.slice(SKIP_ANNOTATION_PREFIX.length)] = value;
  }

  /**
   * Creates the ClusterIP Service when a port is exposed. Call it right after the kind's object.
   * @internal
   */
  protected _addService(): void {
    const pod = this._pod;
    if (pod.servicePorts.length === 0) return;
    const service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, labels: this.labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: pod.servicePorts.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol as kplus.Protocol })),
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) service.selectLabel(k, v);
    // cdk8s-plus writes `externalIPs: []`, which the API server does not store.
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    this._service = service;
  }

  /**
   * Creates the NetworkPolicy (default deny for these pods, then the explicit allows) and the
   * ServiceMonitor. Call it after the kind's other children.
   * @internal
   */
  protected _addPolicyAndMonitor(): void {
    const ownNamespace = () => this.namespaceName;
    this._networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        podSelector: { matchLabels: { ...this.selectorLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          // An empty list is left out (the policy type alone denies): the API server does
          // not store empty lists, and a GitOps diff would never settle.
          produce: () => nonEmpty(this.ingressRules.map((r) => ({
            from: [r.peer._toPeer(ownNamespace())],
            ports: renderPorts(r.ports),
          }))),
        }),
        egress: Lazy.any({
          produce: () => nonEmpty(this.egressPeers.map((p) => ({
            to: [p._toPeer(ownNamespace())],
            ports: renderPorts(p.ports),
          }))),
        }),
      },
    });
    const metrics = this._pod.metrics;
    if (metrics && metrics.method === ScrapeMethod.SERVICE_MONITOR) {
      this._serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          selector: { matchLabels: { ...this.selectorLabels } },
          endpoints: [{ port: metrics.portName, path: metrics.path, interval: `${metrics.interval}s` }],
        },
      });
    }
  }
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
