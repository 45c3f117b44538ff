/**
 * The objects of an app that decide who may talk to whom, read into plain data: pod sets
 * (the pod templates of workloads, with their labels and container ports), namespaces with
 * their labels, Services, ConfigMaps and NetworkPolicies. Read once; every question after
 * that is a lookup.
 */
import { isHelmHookRun, podKindOf } from '../core/kinds';

/** The label every namespace carries with its own name (set by the API server since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A port a container listens on. */
export interface ContainerPortInfo {
  /** `containerPort`. */
  readonly port: number;
  /** `name`, when the port is named. */
  readonly name?: string;
  /** `protocol`: TCP (the default), UDP or SCTP. */
  readonly protocol: string;
}

/** Pods that share labels and ports: the pods of one workload, or a named party outside the app. */
export interface PodGroup {
  /** Stable id, unique in the app: `Kind/namespace/name`, or the name of a party outside the app. */
  readonly id: string;
  /** Short name for messages and pictures. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly ports: readonly ContainerPortInfo[];
  /**
   * Whether the pods run on the node's network (`hostNetwork: true`): their traffic carries
   * the node's address, no pod selector names them, and their own NetworkPolicies do not apply.
   */
  readonly hostNetwork?: boolean;
}

/** The pod template of a workload in the app. */
export interface Workload extends PodGroup {
  readonly kind: string;
  /** The whole manifest. */
  readonly manifest: any;
  /** The pod spec. */
  readonly podSpec: any;
  /** Field path of the pod spec, e.g. `spec.template.spec`. */
  readonly specField: string;
  /** A Helm hook Pod or Job (`isHelmHookRun`): it runs to completion, so no Service sends to it. */
  readonly hook?: boolean;
}

/** A port of a Service. */
export interface ServicePortInfo {
  readonly port: number;
  readonly name?: string;
  readonly protocol: string;
  /** `targetPort` as written: a number, a container port name, or the Service port when absent. */
  readonly targetPort: number | string;
}

/** A Service of the app that selects pods. */
export interface ServiceInfo {
  readonly name: string;
  readonly namespace: string;
  readonly selector: { readonly [key: string]: string };
  readonly ports: readonly ServicePortInfo[];
  readonly type: string;
  /** `spec.loadBalancerSourceRanges`: the client address blocks a load balancer admits (empty: every address). */
  readonly loadBalancerSourceRanges: readonly string[];
  /** `spec.externalTrafficPolicy`: `Local` keeps the client's address; `Cluster` (the default) shows the pods a node's. */
  readonly externalTrafficPolicy: string;
  /** `spec.ipFamilies`: `IPv4` unless given. */
  readonly ipFamilies: readonly string[];
  /** The whole manifest. */
  readonly manifest: any;
}

/** The objects of an app that traffic analysis reads. */
export interface TrafficModel {
  readonly workloads: readonly Workload[];
  readonly services: readonly ServiceInfo[];
  /** NetworkPolicy manifests. */
  readonly policies: readonly any[];
  /** ConfigMaps by `namespace/name`. */
  readonly configMaps: ReadonlyMap<string, any>;
  /** Labels of every namespace named by an object of the app, `kubernetes.io/metadata.name` included. */
  readonly namespaceLabels: ReadonlyMap<string, { readonly [key: string]: string }>;
  /** The namespace of objects that name none. */
  readonly defaultNamespace: string;
}

function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function stringMap(x: unknown): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (!isObject(x)) return out;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

/** A port number given as an int, or as a string of digits. */
export function portNumber(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isInteger(x)) return x;
  if (typeof x === 'string' && /^\d+$/.test(x)) return Number(x);
  return undefined;
}

function protocolOf(x: unknown): string {
  return typeof x === 'string' && x !== '' ? x.toUpperCase() : 'TCP';
}

function containerPorts(podSpec: any): ContainerPortInfo[] {
  const out: ContainerPortInfo[] = [];
  for (const list of [podSpec?.containers, podSpec?.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!Array.isArray(c?.ports)) continue;
      for (const p of c.ports) {
        const port = portNumber(p?.containerPort);
        if (port === undefined) continue;
        out.push({ port, name: typeof p.name === 'string' ? p.name : undefined, protocol: protocolOf(p.protocol) });
      }
    }
  }
  return out;
}

/** Reads the manifests of an app. Objects without a namespace are in `defaultNamespace`. */
export function readTrafficModel(manifests: readonly any[], defaultNamespace = 'default'): TrafficModel {
  const workloads: Workload[] = [];
  const services: ServiceInfo[] = [];
  const policies: any[] = [];
  const configMaps = new Map<string, any>();
  const namespaceLabels = new Map<string, { [key: string]: string }>();
  const seeNamespace = (ns: string) => {
    if (!namespaceLabels.has(ns)) namespaceLabels.set(ns, { [NAMESPACE_NAME_LABEL]: ns });
  };
  for (const m of manifests) {
    if (!isObject(m) || typeof m.kind !== 'string') continue;
    const meta = isObject(m.metadata) ? m.metadata : {};
    const name = String(meta.name ?? '');
    if (m.kind === 'Namespace') {
      namespaceLabels.set(name, { ...stringMap(meta.labels), [NAMESPACE_NAME_LABEL]: name });
      continue;
    }
    const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
    // Built-in kinds by name, and any other kind whose pod template shows (a CRD such as an Argo Rollout).
    const templatePath = podKindOf(m)?.templatePath;
    if (templatePath) {
      seeNamespace(ns);
      let template: any = m;
      for (const p of templatePath) template = isObject(template) ? template[p] : undefined;
      if (!isObject(template)) continue;
      const podSpec = isObject(template.spec) ? template.spec : {};
      workloads.push({
        id: `${m.kind}/${ns}/${name}`,
        name,
        kind: m.kind,
        namespace: ns,
        labels: stringMap(isObject(template.metadata) ? template.metadata.labels : undefined),
        ports: containerPorts(podSpec),
        hostNetwork: podSpec.hostNetwork === true,
        manifest: m,
        podSpec,
        specField: [...templatePath, 'spec'].join('.'),
        hook: isHelmHookRun(m),
      });
    } else if (m.kind === 'Service') {
      seeNamespace(ns);
      const spec = isObject(m.spec) ? m.spec : {};
      services.push({
        name,
        namespace: ns,
        selector: stringMap(spec.selector),
        type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
        loadBalancerSourceRanges: (Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges : []).map(String),
        externalTrafficPolicy: typeof spec.externalTrafficPolicy === 'string' ? spec.externalTrafficPolicy : 'Cluster',
        ipFamilies: Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0 ? spec.ipFamilies.map(String) : ['IPv4'],
        manifest: m,
        ports: (Array.isArray(spec.ports) ? spec.ports : []).flatMap((p: any) => {
          const port = portNumber(p?.port);
          if (port === undefined) return [];
          const target = portNumber(p.targetPort) ?? (typeof p.targetPort === 'string' && p.targetPort !== '' ? p.targetPort : port);
          return [{ port, name: typeof p.name === 'string' ? p.name : undefined, protocol: protocolOf(p.protocol), targetPort: target }];
        }),
      });
    } else if (m.kind === 'NetworkPolicy') {
      seeNamespace(ns);
      policies.push(m);
    } else if (m.kind === 'ConfigMap') {
      configMaps.set(`${ns}/${name}`, m);
    }
  }
  return { workloads, services, policies, configMaps, namespaceLabels, defaultNamespace };
}

/** Whether a Service sends to these pods (a Service without a selector sends to none). */
export function serviceSelects(service: ServiceInfo, pods: PodGroup): boolean {
  const entries = Object.entries(service.selector);
  return entries.length > 0 && pods.namespace === service.namespace && entries.every(([k, v]) => pods.labels[k] === v);
}

/** Workloads by `namespace`, label key and label value (joined by NUL), built once per list of workloads. */
const workloadsByLabel = new WeakMap<readonly Workload[], Map<string, Workload[]>>();
/** `servicePods` of each Service, by list of workloads. */
const podsOfService = new WeakMap<readonly Workload[], WeakMap<ServiceInfo, Workload[]>>();

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\0${key}\0${value}`;
}

/**
 * The workloads whose pods a Service selects. Only the workloads of the Service's namespace
 * that carry its rarest selector label are looked at, so that finding the pods of every
 * Service stays linear in the workloads.
 */
export function servicePods(model: TrafficModel, service: ServiceInfo): Workload[] {
  let memo = podsOfService.get(model.workloads);
  if (!memo) podsOfService.set(model.workloads, memo = new WeakMap());
  let found = memo.get(service);
  if (!found) {
    let index = workloadsByLabel.get(model.workloads);
    if (!index) {
      index = new Map();
      for (const w of model.workloads) {
        for (const k of Object.keys(w.labels)) {
          const at = labelKey(w.namespace, k, w.labels[k]);
          const list = index.get(at);
          if (list) list.push(w); else index.set(at, [w]);
        }
      }
      workloadsByLabel.set(model.workloads, index);
    }
    let candidates: readonly Workload[] | undefined;
    for (const [k, v] of Object.entries(service.selector)) {
      const bucket = index.get(labelKey(service.namespace, k, v)) ?? [];
      if (candidates === undefined || bucket.length < candidates.length) candidates = bucket;
    }
    found = (candidates ?? []).filter((w) => !w.hook && serviceSelects(service, w));
    memo.set(service, found);
  }
  return [...found];
}

/**
 * The container port a Service port sends to on a workload's pods: a numeric `targetPort`
 * as is, a named one looked up among the pods' container ports (undefined when the pods
 * have no port of that name and protocol, so the Service has no endpoint there).
 */
export function resolveTargetPort(port: ServicePortInfo, pods: PodGroup): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return pods.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.port;
}
