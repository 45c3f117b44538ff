/**
 * The object index of one check: every manifest wrapped once, indexed by kind, by
 * namespace and name, and pod templates by namespace and by label, so that every
 * cross-object rule is a map lookup and the whole check stays linear in the objects.
 */
import { CLUSTER_SCOPED_KINDS } from '../core/cluster-scoped-kinds';
import { HELM_HOOK_ANNOTATION, isHelmHookRun, POD_KINDS, PodKind, scanObject } from '../core/kinds';
import { LabelSelector, isEmptySelector, requiredPairs, selectorMatches } from './selector';
import { readSkips } from './skip';
import { ManifestInput } from './model';

/** Kinds without a namespace (by kind alone: manifests from anywhere may omit the group). */
export const CLUSTER_SCOPED = new Set(CLUSTER_SCOPED_KINDS.map((k) => k.slice(k.indexOf('/') + 1)));

/** Kinds whose objects carry a Pod template (lib/core/kinds.ts). */
export const WORKLOAD_KINDS: ReadonlyMap<string, PodKind> = new Map(POD_KINDS.map((k) => [k.kind, k]));

/** Annotation of Helm hooks (`test`, `pre-install`, ...). */
export const HELM_HOOK = HELM_HOOK_ANNOTATION;
/** Hooks that make a Pod or Job a test Helm runs once and waits for (`helm test`). */
const HELM_TEST_HOOKS = ['test', 'test-success', 'test-failure'];

/**
 * Whether an object is a Helm test: a Pod or Job whose `helm.sh/hook` lists `test`,
 * `test-success` or `test-failure`. Other hooks (`pre-install`, ...) change when Helm applies
 * an object, not how long it runs.
 */
function isHelmTest(obj: Obj): boolean {
  const hooks = obj.annotations[HELM_HOOK];
  return hooks !== undefined && (obj.kind === 'Pod' || obj.kind === 'Job')
    && hooks.split(',').some((h) => HELM_TEST_HOOKS.includes(h.trim()));
}

/** A checked object. */
export interface Obj {
  readonly m: any;
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** Namespace key: '' for a namespaced object without a namespace; undefined when cluster-scoped. */
  readonly ns: string | undefined;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  readonly path?: string;
  readonly source?: string;
  /** Skip annotations: rule id -> reason. */
  readonly skips: Map<string, string>;
  /** Skip annotations of single checks: `<rule>.<check>` -> value (lib/practices/exceptions.ts). */
  readonly scoped: Map<string, string>;
  /** Whether violations on this object are reported (objects outside the checked scope only serve lookups). */
  subject: boolean;
  /** Position in the input. */
  readonly index: number;
}

/** A container with its field path. */
export interface ContainerRef {
  readonly c: any;
  readonly name: string;
  readonly field: string;
  /** An init or ephemeral container. */
  readonly init: boolean;
  /** The list the container is in. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
  /** A native sidecar: an init container with `restartPolicy: Always`, which runs as long as the pod. */
  readonly sidecar: boolean;
}

/** The Pod template of a workload. */
export interface PodSet {
  readonly obj: Obj;
  /** What the kind means for the practices. */
  readonly kind: PodKind;
  /** The pod spec. */
  readonly spec: any;
  /** Field path of the pod spec (`spec.template.spec`). */
  readonly specField: string;
  /** Field path of the template metadata. */
  readonly metaField: string;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  /** Regular containers. */
  readonly containers: ContainerRef[];
  /** Regular, init and ephemeral containers. */
  readonly allContainers: ContainerRef[];
  /** Containers that run as long as the pod: the regular ones, then the native sidecars. */
  readonly runningContainers: ContainerRef[];
  /** Runs until stopped (not a Job, CronJob, a Pod that terminates or a Helm hook Pod). */
  readonly longRunning: boolean;
  /** Has spec.replicas (Deployment, ReplicaSet, ReplicationController, StatefulSet). */
  readonly replicated: boolean;
  /** A Helm hook Pod or Job (`isHelmHookRun`): no Service endpoint, not counted by budgets. */
  readonly hook: boolean;
}

function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function stringMap(x: unknown): { [key: string]: string } {
  if (!isObject(x)) return {};
  const out: { [key: string]: string } = {};
  for (const k in x) {
    const v = x[k];
    if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

function dig(m: any, path: readonly string[]): any {
  let cur = m;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The pod set of a pod template (`template`: `{ metadata?, spec }`) of an object. */
function podSetOf(obj: Obj, podKind: PodKind, template: any, specField: string, metaField: string): PodSet {
  const spec = isObject(template.spec) ? template.spec : {};
  const containers: ContainerRef[] = [];
  const allContainers: ContainerRef[] = [];
  for (const [list, init] of [['containers', false], ['initContainers', true], ['ephemeralContainers', true]] as const) {
    const arr = Array.isArray(spec[list]) ? spec[list] : [];
    arr.forEach((c: any, i: number) => {
      if (!isObject(c)) return;
      const ref: ContainerRef = { c, name: String(c.name ?? `#${i}`), field: `${specField}.${list}[${i}]`, init, list, sidecar: list === 'initContainers' && c.restartPolicy === 'Always' };
      allContainers.push(ref);
      if (!init) containers.push(ref);
    });
  }
  const restartPolicy = spec.restartPolicy;
  const meta = isObject(template.metadata) ? template.metadata : undefined;
  return {
    obj,
    kind: podKind,
    spec,
    specField,
    metaField,
    labels: stringMap(meta?.labels ?? (obj.kind === 'Pod' ? obj.labels : undefined)),
    annotations: stringMap(meta?.annotations),
    containers,
    allContainers,
    runningContainers: [...containers, ...allContainers.filter((c) => c.sidecar)],
    longRunning: podKind.longRunning && !isHelmTest(obj)
      && (obj.kind !== 'Pod' || restartPolicy === undefined || restartPolicy === null || restartPolicy === '' || restartPolicy === 'Always'),
    replicated: podKind.replicated,
    hook: isHelmHookRun(obj.m),
  };
}

/** The kind of a pod-level setting outside any pod template: a Pod's, judged by pod-security only. */
function looseKind(obj: Obj): PodKind {
  return { kind: obj.kind, group: '', apiVersion: obj.apiVersion, templatePath: [], longRunning: true, replicated: false, stateless: false, serving: false, selector: 'none', restartPolicies: ['Always', 'OnFailure', 'Never'] };
}

/** Items by namespace, label key and label value: nested maps, so that no key string is built per label. */
class LabelIndex<T> {
  private readonly map = new Map<string, Map<string, Map<string, T[]>>>();

  public add(ns: string, labels: { [key: string]: string }, item: T): void {
    let byKey = this.map.get(ns);
    if (!byKey) this.map.set(ns, byKey = new Map());
    for (const k in labels) {
      let byValue = byKey.get(k);
      if (!byValue) byKey.set(k, byValue = new Map());
      push(byValue, labels[k], item);
    }
  }

  public get(ns: string, key: string, value: string): T[] {
    return this.map.get(ns)?.get(key)?.get(value) ?? [];
  }
}

export class ObjectIndex {
  public readonly all: Obj[] = [];
  public readonly podSets: PodSet[] = [];
  private readonly byKind = new Map<string, Obj[]>();
  private readonly byKindNsName = new ObjectMap<Obj>();
  private readonly podSetsByNs = new Map<string, PodSet[]>();
  private readonly podSetsByLabel = new LabelIndex<PodSet>();
  private readonly podSetByObj = new Map<Obj, PodSet>();
  private readonly autoscalersByTarget = new ObjectMap<Autoscaler[]>();
  /** Workloads whose replicas another object owns (an Argo Rollout's `workloadRef`), by `kind|namespace|name`. */
  private readonly scaleOwners = new ObjectMap<Obj>();
  /** Kind -> its objects by label, built when a rule first selects objects of that kind. */
  private readonly objectsByLabel = new Map<string, LabelIndex<Obj>>();
  /** `kind|namespace|name` keys given by more than one object, with the first object and the count. */
  public readonly duplicates = new Map<string, { obj: Obj; count: number }>();
  private readonly namespaces = new Set<string>();
  /** Objects of kinds the practices do not know with containers outside any pod template, and where. */
  public readonly looseContainers: Array<{ obj: Obj; fields: string[]; containers: any[] }> = [];
  /** Pod-level settings outside any pod template (`ObjectScan.loosePods`), judged by pod-security only. */
  public readonly loosePods: PodSet[] = [];
  private readonly memo = new Map<string, unknown>();

  /**
   * `defaultNamespace`: the namespace of namespaced objects that name none (kubectl's default
   * namespace, `--namespace`); '' keeps them apart from every named namespace.
   */
  constructor(inputs: readonly ManifestInput[], subject: (input: ManifestInput) => boolean = () => true, defaultNamespace = '') {
    inputs.forEach((input, i) => {
      const m = input.manifest;
      if (!isObject(m) || typeof m.kind !== 'string') return;
      const meta = isObject(m.metadata) ? m.metadata : {};
      const kind = m.kind;
      const rawNs = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
      const obj: Obj = {
        m,
        kind,
        apiVersion: String(m.apiVersion ?? ''),
        name: String(meta.name ?? meta.generateName ?? ''),
        ns: CLUSTER_SCOPED.has(kind) ? undefined : rawNs,
        labels: stringMap(meta.labels),
        annotations: stringMap(meta.annotations),
        path: input.path,
        source: input.source,
        ...readSkips(m),
        subject: subject(input),
        index: i,
      };
      this.add(obj);
    });
  }

  private add(obj: Obj): void {
    this.all.push(obj);
    push(this.byKind, obj.kind, obj);
    const first = this.byKindNsName.get(obj.kind, obj.ns, obj.name);
    if (first) {
      const k = `${obj.kind}|${obj.ns ?? '*'}|${obj.name}`;
      const dup = this.duplicates.get(k);
      if (dup) dup.count++; else this.duplicates.set(k, { obj: first, count: 2 });
    }
    this.byKindNsName.set(obj.kind, obj.ns, obj.name, obj);
    if (obj.kind === 'Namespace') this.namespaces.add(obj.name);
    const scaler = autoscalerKind(obj);
    if (scaler) {
      const ref = obj.m.spec?.scaleTargetRef;
      if (isObject(ref)) {
        this.autoscalersByTarget.push(String(ref.kind ?? scaler.defaultTargetKind), obj.ns, String(ref.name), { obj, ...scaler });
      }
    }
    if (obj.kind === 'Rollout' && obj.apiVersion.startsWith('argoproj.io/')) {
      const ref = obj.m.spec?.workloadRef;
      if (isObject(ref) && typeof ref.name === 'string') this.scaleOwners.set(String(ref.kind ?? 'Deployment'), obj.ns, ref.name, obj);
    }
    const known = WORKLOAD_KINDS.get(obj.kind);
    if (known) {
      const template = known.templatePath.length === 0 ? obj.m : dig(obj.m, known.templatePath);
      if (!isObject(template)) return;
      const prefix = known.templatePath.join('.');
      this.addPodSet(obj, known, template, prefix ? `${prefix}.spec` : 'spec', prefix ? `${prefix}.metadata` : 'metadata');
      return;
    }
    const scan = scanObject(obj.m);
    for (const t of scan.templates) this.addPodSet(obj, t.kind, t.template, t.specField, t.metaField ?? t.specField);
    if (scan.looseContainers.length > 0) this.looseContainers.push({ obj, fields: scan.looseContainers, containers: scan.looseContainerMaps });
    for (const l of scan.loosePods) this.loosePods.push(podSetOf(obj, looseKind(obj), { spec: l.spec }, l.field, l.field));
  }

  private addPodSet(obj: Obj, podKind: PodKind, template: any, specField: string, metaField: string): void {
    const podSet = podSetOf(obj, podKind, template, specField, metaField);
    this.podSets.push(podSet);
    if (!this.podSetByObj.has(obj)) this.podSetByObj.set(obj, podSet);
    push(this.podSetsByNs, obj.ns ?? '', podSet);
    this.podSetsByLabel.add(obj.ns ?? '', podSet.labels, podSet);
  }

  /** Objects of a kind. */
  public ofKind(kind: string): Obj[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object of a kind with this namespace and name. */
  public get(kind: string, ns: string | undefined, name: string): Obj | undefined {
    return this.byKindNsName.get(kind, CLUSTER_SCOPED.has(kind) ? undefined : ns ?? '', name);
  }

  /** The pod template of a workload object. */
  public podSetOf(obj: Obj): PodSet | undefined {
    return this.podSetByObj.get(obj);
  }

  /** Whether a Namespace object of this name is in the output. */
  public hasNamespace(name: string): boolean {
    return this.namespaces.has(name);
  }

  /**
   * The object that owns a workload's replica count: an Argo Rollout whose `workloadRef` names it
   * (the Rollout scales the pods of the referenced Deployment's template), else the workload.
   */
  public scaleOwner(obj: Obj): Obj {
    return this.scaleOwners.get(obj.kind, obj.ns, obj.name) ?? obj;
  }

  /** The autoscaler of a workload (of its scale owner): the first of `autoscalersFor`. */
  public autoscalerFor(obj: Obj): Autoscaler | undefined {
    return this.autoscalersFor(obj)[0];
  }

  /**
   * Every HorizontalPodAutoscaler and KEDA ScaledObject that targets a workload, or the object
   * that owns its replicas (`scaleOwner`). More than one is a conflict.
   */
  public autoscalersFor(obj: Obj): Autoscaler[] {
    const owner = this.scaleOwner(obj);
    return this.autoscalersByTarget.get(owner.kind, owner.ns, owner.name) ?? [];
  }

  /** Pod templates in a namespace (every namespace when `ns` is undefined) that a selector matches. */
  public selectPods(ns: string | undefined, selector: LabelSelector | undefined | null): PodSet[] {
    if (!selector) return [];
    let candidates: PodSet[];
    if (ns === undefined) {
      candidates = this.podSets;
    } else {
      candidates = this.podSetsByNs.get(ns) ?? [];
      // The rarest required label narrows the most: an umbrella label shared by every app does not.
      for (const [k, v] of requiredPairs(selector)) {
        const bucket = this.podSetsByLabel.get(ns, k, v);
        if (bucket.length < candidates.length) candidates = bucket;
        if (candidates.length === 0) return [];
      }
    }
    if (isEmptySelector(selector)) return [...candidates];
    return candidates.filter((p) => selectorMatches(selector, p.labels));
  }

  /**
   * Pod templates in a namespace that a Service's map selector matches: the endpoints of the
   * Service. Helm hook Pods and Jobs are left out: they run to completion and are gone.
   */
  public selectPodsByMap(ns: string | undefined, selector: { [key: string]: string } | undefined): PodSet[] {
    if (!isObject(selector) || Object.keys(selector).length === 0) return [];
    // Values of another type than string are matched as written (see `selectsValue`).
    const matchLabels: { [key: string]: string } = {};
    for (const k of Object.keys(selector)) if (selector[k] !== undefined && selector[k] !== null) matchLabels[k] = selector[k];
    return this.selectPods(ns, { matchLabels }).filter((p) => !p.hook);
  }

  /** Objects of a kind in a namespace (every namespace when `ns` is undefined) whose labels a selector matches. */
  public selectObjects(kind: string, ns: string | undefined, selector: LabelSelector | undefined | null): Obj[] {
    if (!selector) return [];
    let candidates = this.ofKind(kind);
    if (ns !== undefined) {
      const pairs = requiredPairs(selector);
      if (pairs.length === 0) return candidates.filter((o) => (o.ns ?? '') === ns && selectorMatches(selector, o.labels));
      let byLabel = this.objectsByLabel.get(kind);
      if (!byLabel) {
        this.objectsByLabel.set(kind, byLabel = new LabelIndex<Obj>());
        for (const o of candidates) byLabel.add(o.ns ?? '', o.labels, o);
      }
      for (const pair of pairs) {
        const bucket = byLabel.get(ns, pair[0], pair[1]);
        if (pair === pairs[0] || bucket.length < candidates.length) candidates = bucket;
        if (candidates.length === 0) return [];
      }
    }
    return candidates.filter((o) => selectorMatches(selector, o.labels));
  }

  /** Computes a value once per check (cross-object lookups shared by several rules). */
  public once<T>(name: string, compute: () => T): T {
    if (!this.memo.has(name)) this.memo.set(name, compute());
    return this.memo.get(name) as T;
  }
}

/**
 * An autoscaler of a workload: a HorizontalPodAutoscaler, or a KEDA ScaledObject (which makes
 * one). The fields of its replica range, with their defaults.
 */
export interface Autoscaler {
  readonly obj: Obj;
  /** `spec.minReplicas` or `spec.minReplicaCount`. */
  readonly minField: string;
  readonly maxField: string;
  /** The minimum when the field is not set (HPA: 1; KEDA: 0, scale to zero). */
  readonly minDefault: number;
  /** The maximum when the field is not set (KEDA: 100); undefined when it is required (HPA). */
  readonly maxDefault?: number;
  /** The kind of `scaleTargetRef` when it names none (KEDA: Deployment). */
  readonly defaultTargetKind?: string;
}

/** What an object is as an autoscaler, or undefined. @see https://keda.sh/docs/latest/reference/scaledobject-spec/ */
function autoscalerKind(obj: Obj): Omit<Autoscaler, 'obj'> | undefined {
  if (obj.kind === 'HorizontalPodAutoscaler') return { minField: 'minReplicas', maxField: 'maxReplicas', minDefault: 1 };
  if (obj.kind === 'ScaledObject' && obj.apiVersion.startsWith('keda.sh/')) {
    return { minField: 'minReplicaCount', maxField: 'maxReplicaCount', minDefault: 0, maxDefault: 100, defaultTargetKind: 'Deployment' };
  }
  return undefined;
}

/**
 * Values by kind, namespace (undefined: cluster-scoped) and name, in maps inside maps: a lookup
 * builds no key string.
 */
class ObjectMap<V> {
  private readonly byKind = new Map<string, Map<string | undefined, Map<string, V>>>();

  public get(kind: string, ns: string | undefined, name: string): V | undefined {
    return this.byKind.get(kind)?.get(ns)?.get(name);
  }

  public set(kind: string, ns: string | undefined, name: string, value: V): void {
    let byNs = this.byKind.get(kind);
    if (!byNs) this.byKind.set(kind, byNs = new Map());
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, byName = new Map());
    byName.set(name, value);
  }

  /** Adds `item` to the list at kind, namespace and name. */
  public push<T>(this: ObjectMap<T[]>, kind: string, ns: string | undefined, name: string, item: T): void {
    const list = this.get(kind, ns, name);
    if (list) list.push(item); else this.set(kind, ns, name, [item]);
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v); else map.set(k, [v]);
}

/** `namespace/name` for messages ('name' without a namespace). */
export function ref(obj: Obj): string {
  return obj.ns ? `${obj.ns}/${obj.name}` : obj.name;
}

/** Whether a name is in an external list of `name` or `namespace/name` entries. */
export function isExternal(list: readonly string[], ns: string | undefined, name: string): boolean {
  return list.some((e) => e === name || (ns !== undefined && e === `${ns}/${name}`));
}

/** A whole number from a number or a numeric string; undefined for anything else (1.5, 1e400, Infinity, 'x'). */
export function asInt(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
  if (typeof x === 'string' && /^-?\d{1,15}$/.test(x)) return parseInt(x, 10);
  return undefined;
}

const QUANTITY = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/**
 * Why a value is not a compute quantity the API server accepts for resources (a
 * non-negative Kubernetes quantity such as 100m, 0.5, 128Mi, 1G, 1e3), or undefined when it is.
 */
export function quantityProblem(x: unknown): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) && x >= 0 ? undefined : `${x} is not a finite, non-negative number`;
  if (typeof x !== 'string') return `${JSON.stringify(x)} is not a quantity`;
  if (x === '') return 'an empty string is not a quantity';
  if (x.startsWith('-')) return `"${x}" is negative`;
  if (!QUANTITY.test(x)) return `"${x}" is not a Kubernetes quantity (such as 100m, 0.5, 128Mi or 1G)`;
  return undefined;
}

export { isObject, stringMap, dig };
