/**
 * Rules on the Pod template of one workload (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, CronJob, Pod). One function per rule id.
 */
import { parseImage, pinProblem, registryAllowed } from '../../core/image';
import { PINNED_TAG_PATTERN_ANNOTATION } from '../../core/labels';
import { RuleContext } from '../context';
import { Autoscaler, ContainerRef, Obj, ObjectIndex, PodSet, asInt, isObject, quantityProblem } from '../objects';
import { isEmptySelector, selectorKeys, selectorMatches, selectorProblem, showSelector } from '../selector';
import { notAString } from './yaml-types';
import { refusedByApiServer, showValue } from './api-valid';
import { parseAddress } from '../../core/validation/cidr';

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const ARCH = 'kubernetes.io/arch';

const INT32_MAX = 2147483647;

/**
 * The pinned-tag pattern an object's own annotation gives (a workload construct writes the
 * pattern its images were checked with), when it is a valid regular expression.
 */
function patternOf(obj: Obj): string | undefined {
  const pattern = obj.annotations[PINNED_TAG_PATTERN_ANNOTATION];
  if (typeof pattern !== 'string' || pattern === '') return undefined;
  try {
    new RegExp(pattern);
    return pattern;
  } catch {
    return undefined;
  }
}

/** A replica count the API server accepts: a whole number from 0 to 2147483647. */
function replicaCount(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= INT32_MAX ? x : undefined;
}

/** Replica range of a workload: `min` to `max`, and the autoscaler that sets it with its words for messages. */
export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
  /** Name of the autoscaler. */
  readonly hpa?: string;
  /** The autoscaler's minimum in words: `HorizontalPodAutoscaler minReplicas 1`, `ScaledObject minReplicaCount 0`. */
  readonly minText?: string;
}

/** An autoscaler's minimum and maximum, defaults applied; undefined when either is not a valid count (replicas-min reports it). */
function autoscalerRange(a: Autoscaler): { min: number; max: number } | undefined {
  const spec = a.obj.m.spec ?? {};
  const min = replicaCount(spec[a.minField] ?? a.minDefault);
  const max = replicaCount(spec[a.maxField] ?? a.maxDefault);
  return min === undefined || max === undefined ? undefined : { min, max };
}

/**
 * Replica range of a workload: static replicas (of the object that owns them: an Argo Rollout
 * over a Deployment by `workloadRef`), or its autoscaler's min and max (a HorizontalPodAutoscaler
 * or a KEDA ScaledObject). Undefined for kinds without replicas, and when a count is not a valid
 * number (rule `replicas-min` reports it).
 */
export function replicaRange(index: ObjectIndex, p: PodSet): ReplicaRange | undefined {
  if (!p.replicated) return undefined;
  const scaler = index.autoscalerFor(p.obj);
  if (scaler) {
    const r = autoscalerRange(scaler);
    return r && { ...r, hpa: scaler.obj.name, minText: `${scaler.obj.kind} ${scaler.minField} ${r.min}` };
  }
  const r = replicaCount(index.scaleOwner(p.obj).m.spec?.replicas ?? 1);
  return r === undefined ? undefined : { min: r, max: r };
}

/** `image-pinned`: every image names a pinned tag (lib/core/image.ts) or a digest (a digest when required). */
export function imagePinned(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      const image = c.c.image;
      const field = `${c.field}.image`;
      if (image !== undefined && image !== null && typeof image !== 'string') continue; // api-valid reports the type (a YAML number such as 1.4)
      if (typeof image !== 'string' || image === '') {
        ctx.report(p.obj, `container "${c.name}" has no image`, { field });
        continue;
      }
      const ref = parseImage(image);
      if (!ref) {
        ctx.report(p.obj, `container "${c.name}": "${image}" is not a valid image reference`, { field });
      } else if (pinProblem(ref, patternOf(p.obj) ?? ctx.options.pinnedTagPattern) !== undefined) {
        ctx.report(p.obj, `container "${c.name}": image "${image}" ${pinProblem(ref, patternOf(p.obj) ?? ctx.options.pinnedTagPattern)}`, { field });
      } else if (ctx.options.requireDigest && !ref.digest) {
        ctx.report(p.obj, `container "${c.name}": image "${image}" is pinned by tag, but the app requires a digest`, {
          field, fix: 'pin the image by digest: `registry/app@sha256:<64 hex>` (a tag may stay in front of the digest)',
        });
      }
    }
  }
}

/** `image-registry`: images come only from the allowed registries (only when some are given). */
export function imageRegistry(ctx: RuleContext): void {
  const allowed = ctx.options.allowedRegistries;
  if (allowed.length === 0) return;
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      const image = c.c.image;
      if (typeof image !== 'string') continue;
      const ref = parseImage(image);
      if (!ref) continue; // image-pinned reports invalid references
      if (!registryAllowed(image, ref, allowed)) {
        ctx.report(p.obj, `container "${c.name}": image "${image}" comes from ${ref.registry}, not from an allowed registry (${allowed.join(', ')})`, {
          field: `${c.field}.image`,
          fix: `pull the image through one of ${allowed.join(', ')} (a private mirror)`,
        });
      }
    }
  }
}

/**
 * `replicas-min`: a stateless workload (Deployment, ReplicaSet, ReplicationController) runs at
 * least 2 replicas (an autoscaler's minimum at least 2: HPA minReplicas, KEDA minReplicaCount).
 * On every replicated kind: the replica counts are valid numbers, and an autoscaled workload
 * leaves spec.replicas to its autoscaler. Replicas a Rollout owns (`workloadRef`) are judged on
 * the Rollout.
 */
export function replicasMin(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (!p.replicated) continue;
    const owner = ctx.index.scaleOwner(p.obj);
    const ownerWords = owner === p.obj ? '' : ` (Rollout ${owner.name} owns its replicas through workloadRef)`;
    const alsoOwner = owner === p.obj ? [] : [owner];
    const given = owner.m.spec?.replicas ?? undefined; // null is unset, as the API server reads it (Helm's `replicas: ~`)
    if (given !== undefined && replicaCount(given) === undefined) {
      if (!refusedByApiServer(ctx, owner, 'spec.replicas')) ctx.report(p.obj, `spec.replicas${ownerWords} is ${showValue(given)}, not a whole number from 0 to ${INT32_MAX}; the API server rejects it`, {
        field: 'spec.replicas', alsoSkippedBy: alsoOwner, fix: `set spec.replicas${owner === p.obj ? '' : ` of Rollout ${owner.name}`} to a whole number such as 2`,
      });
      continue;
    }
    const scalers = ctx.index.autoscalersFor(p.obj);
    const scalerObjs = scalers.map((a) => a.obj);
    if (scalers.length > 1) {
      ctx.report(p.obj, `is the target of ${scalers.length} autoscalers (${scalerObjs.map((o) => `${o.kind} ${o.name}`).join(', ')}): each sets the replica count to its own, so they undo each other`, {
        field: 'spec.replicas', alsoSkippedBy: scalerObjs, fix: 'keep one autoscaler per workload and give it every metric (a KEDA ScaledObject makes its own HorizontalPodAutoscaler)',
      });
    }
    const scaler = scalers[0];
    if (scaler) {
      const s = scaler.obj;
      const spec = s.m.spec ?? {};
      const bad = [scaler.minField, scaler.maxField].filter((f) => ((spec[f] !== undefined && spec[f] !== null) || (f === scaler.maxField && scaler.maxDefault === undefined)) && replicaCount(spec[f]) === undefined);
      for (const f of bad.filter((x) => !refusedByApiServer(ctx, s, `spec.${x}`))) {
        ctx.report(p.obj, `${s.kind} ${s.name} has spec.${f} ${JSON.stringify(spec[f]) ?? 'unset'}, not a whole number; the API server rejects it`, {
          field: 'spec.replicas', alsoSkippedBy: [s], fix: `set spec.${f} of ${s.kind} ${s.name} to a whole number`,
        });
      }
      if (bad.length > 0) continue;
      if (given !== undefined) {
        ctx.report(p.obj, `sets spec.replicas ${given}${ownerWords} although ${s.kind} ${s.name} scales it: every apply or GitOps sync resets the count the autoscaler chose`, {
          field: 'spec.replicas', alsoSkippedBy: [s, ...alsoOwner],
          fix: `remove spec.replicas${owner === p.obj ? '' : ` from Rollout ${owner.name}`} and let the ${s.kind} own the count (set its ${scaler.minField} instead)`,
        });
      }
    }
    if (!p.kind.stateless) continue;
    const range = replicaRange(ctx.index, p)!;
    if (range.min >= 2) continue;
    if (scaler) {
      const s = scaler.obj;
      const zero = range.min === 0 ? ' (0 scales it to zero: the first request waits for a pod to start, and then one replica serves)' : '';
      ctx.report(p.obj, `is scaled by ${s.kind} ${s.name} with ${scaler.minField} ${range.min}${(s.m.spec?.[scaler.minField] ?? undefined) === undefined ? ' (the default)' : ''}${zero}; one replica means downtime whenever its node goes away`, {
        field: 'spec.replicas', alsoSkippedBy: [s],
        fix: `set spec.${scaler.minField} of ${s.kind} ${s.name} to 2 or more`,
      });
    } else {
      ctx.report(p.obj, given === undefined
        ? 'has no spec.replicas, so it runs 1 replica; one replica means downtime whenever its node goes away'
        : `runs ${range.min} replica${range.min === 1 ? '' : 's'}${ownerWords}; one replica means downtime whenever its node goes away`, { field: 'spec.replicas', alsoSkippedBy: alsoOwner });
    }
  }
}

/**
 * Whether a pod (anti-)affinity term counts the pods of the pod's own namespace, as spreading a
 * workload needs: the term covers the union of `namespaces` and the namespaces its
 * `namespaceSelector` selects (`{}`: every namespace), or the pod's own namespace when both are
 * empty. A selector is matched against the namespace's `kubernetes.io/metadata.name` label and
 * the labels of its Namespace object in the output; more namespaces only count more pods.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#namespace-selector
 */
function countsOwnNamespace(index: ObjectIndex, p: PodSet, term: any): boolean {
  const list: unknown[] = Array.isArray(term.namespaces) ? term.namespaces : [];
  const sel = term.namespaceSelector;
  if (list.length === 0 && (sel === undefined || sel === null)) return true;
  const own = p.obj.ns;
  if (own !== undefined && list.includes(own)) return true;
  if (!isObject(sel) || selectorProblem(sel) !== undefined) return false;
  if (isEmptySelector(sel)) return true; // {} selects every namespace
  if (own === undefined) return false;
  const nsObj = index.get('Namespace', undefined, own);
  return selectorMatches(sel, { ...(nsObj?.labels ?? {}), 'kubernetes.io/metadata.name': own });
}

const SPREAD_POLICIES = ['Honor', 'Ignore'];

/**
 * Why a topology spread constraint is invalid or spreads nothing, or undefined when it is sound.
 * `all`: the pod's constraints, for the rule that no two share topologyKey and whenUnsatisfiable.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
function spreadProblem(t: any, all: readonly any[]): string | undefined {
  if (!isObject(t)) return 'is not an object';
  const skew = t.maxSkew;
  if (!(typeof skew === 'number' && Number.isInteger(skew) && skew >= 1 && skew <= INT32_MAX)) return `has maxSkew ${JSON.stringify(skew) ?? 'unset'}; the API server requires a whole number from 1 to ${INT32_MAX}`;
  if (typeof t.topologyKey !== 'string' || t.topologyKey === '') return 'has no topologyKey; the API server requires one';
  if (!['DoNotSchedule', 'ScheduleAnyway'].includes(t.whenUnsatisfiable)) return `has whenUnsatisfiable ${JSON.stringify(t.whenUnsatisfiable) ?? 'unset'}; the API server requires DoNotSchedule or ScheduleAnyway`;
  if (t.minDomains !== undefined && t.minDomains !== null) {
    const d = t.minDomains;
    if (!(typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= INT32_MAX)) return `has minDomains ${JSON.stringify(d)}; the API server requires a whole number of at least 1`;
    if (t.whenUnsatisfiable !== 'DoNotSchedule') return `has minDomains with whenUnsatisfiable ${t.whenUnsatisfiable}; the API server allows minDomains only with DoNotSchedule`;
  }
  for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
    if (t[policy] !== undefined && t[policy] !== null && !SPREAD_POLICIES.includes(t[policy])) return `has ${policy} ${JSON.stringify(t[policy])}; the API server requires Honor or Ignore`;
  }
  const twin = all.findIndex((o) => isObject(o) && o.topologyKey === t.topologyKey && o.whenUnsatisfiable === t.whenUnsatisfiable);
  if (all[twin] !== t) return `repeats topologyKey ${t.topologyKey} with whenUnsatisfiable ${t.whenUnsatisfiable} of topologySpreadConstraints[${twin}]; the API server rejects the pair`;
  if (!isObject(t.labelSelector)) return 'has no labelSelector, so it counts no pods and spreads nothing';
  const selector = selectorProblem(t.labelSelector);
  if (selector) return `has a labelSelector whose ${selector}, which the API server rejects`;
  const keys = selectorKeys(t.labelSelector);
  const both = (Array.isArray(t.matchLabelKeys) ? t.matchLabelKeys.map(String) : []).filter((k: string) => keys.includes(k));
  if (both.length > 0) return `has ${both.join(', ')} both in matchLabelKeys and in the labelSelector; the API server rejects a key in both`;
  return undefined;
}

/** Why a preferred pod anti-affinity term is invalid (weight outside 1..100), or undefined. */
function weightProblem(w: any): string | undefined {
  const weight = isObject(w) ? w.weight : undefined;
  return typeof weight === 'number' && Number.isInteger(weight) && weight >= 1 && weight <= 100 ? undefined : `has weight ${JSON.stringify(weight) ?? 'unset'}; the API server requires 1 to 100`;
}

function spreadsOver(index: ObjectIndex, p: PodSet, keys: string[]): boolean {
  const tsc = Array.isArray(p.spec.topologySpreadConstraints) ? p.spec.topologySpreadConstraints : [];
  if (tsc.some((t: any) => spreadProblem(t, tsc) === undefined && keys.includes(t.topologyKey) && selectorMatches(t.labelSelector, p.labels))) return true;
  const anti = p.spec.affinity?.podAntiAffinity;
  if (!isObject(anti)) return false;
  const terms: any[] = [
    ...(Array.isArray(anti.requiredDuringSchedulingIgnoredDuringExecution) ? anti.requiredDuringSchedulingIgnoredDuringExecution : []),
    ...(Array.isArray(anti.preferredDuringSchedulingIgnoredDuringExecution)
      ? anti.preferredDuringSchedulingIgnoredDuringExecution.filter((w: any) => weightProblem(w) === undefined).map((w: any) => w?.podAffinityTerm) : []),
  ];
  return terms.some((t) => isObject(t) && keys.includes(t.topologyKey) && countsOwnNamespace(index, p, t) && selectorProblem(t.labelSelector) === undefined && selectorMatches(t.labelSelector, p.labels));
}

function spreadRule(ctx: RuleContext, keys: string[], what: string): void {
  for (const p of ctx.index.podSets) {
    const tsc = Array.isArray(p.spec.topologySpreadConstraints) ? p.spec.topologySpreadConstraints : [];
    tsc.forEach((t: any, i: number) => {
      // Each constraint is judged once: by spread-zones when it names a zone key, else by spread-nodes.
      const mine = isObject(t) && ZONE_KEYS.includes(t.topologyKey) ? keys === ZONE_KEYS : keys !== ZONE_KEYS;
      const problem = mine ? spreadProblem(t, tsc) : undefined;
      const field = `${p.specField}.topologySpreadConstraints[${i}]`;
      if (problem && !refusedByApiServer(ctx, p.obj, field)) ctx.report(p.obj, `topologySpreadConstraints[${i}] ${problem}`, { field });
    });
    const preferred = p.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    (Array.isArray(preferred) ? preferred : []).forEach((w: any, i: number) => {
      const mine = ZONE_KEYS.includes(w?.podAffinityTerm?.topologyKey) ? keys === ZONE_KEYS : keys !== ZONE_KEYS;
      const problem = mine ? weightProblem(w) : undefined;
      const field = `affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (problem && !refusedByApiServer(ctx, p.obj, `${p.specField}.${field}.weight`)) ctx.report(p.obj, `${field} ${problem}, so it spreads nothing`, { field: `${p.specField}.${field}.weight` });
    });
    const range = replicaRange(ctx.index, p);
    if (!range || range.max < 2) continue;
    if (spreadsOver(ctx.index, p, keys)) continue;
    ctx.report(p.obj, `runs up to ${range.max} replicas but nothing spreads them across ${what}: no valid topologySpreadConstraint, and no podAntiAffinity term on ${keys[0]} in its own namespace, selects its own pods ${showSelector(p.labels)}`, {
      field: `${p.specField}.topologySpreadConstraints`,
    });
  }
}

/** `spread-nodes`: replicas are spread across nodes. */
export function spreadNodes(ctx: RuleContext): void {
  spreadRule(ctx, [HOSTNAME], 'nodes');
}

/** `spread-zones`: replicas are spread across zones. */
export function spreadZones(ctx: RuleContext): void {
  spreadRule(ctx, ZONE_KEYS, 'zones');
}

/** Services of the app that select each pod template. */
export function servicesByPod(index: ObjectIndex): Map<PodSet, Obj[]> {
  return index.once('services-by-pod', () => {
    const out = new Map<PodSet, Obj[]>();
    for (const svc of index.ofKind('Service')) {
      const spec = isObject(svc.m.spec) ? svc.m.spec : {};
      if (spec.type === 'ExternalName' || !isObject(spec.selector)) continue;
      for (const p of index.selectPodsByMap(svc.ns ?? '', spec.selector)) {
        const list = out.get(p);
        if (list) list.push(svc); else out.set(p, [svc]);
      }
    }
    return out;
  });
}

/** A container that receives traffic, and the ports it serves on (for messages). */
export interface Serving {
  readonly ref: ContainerRef;
  readonly ports: string;
}

const isNumeric = (x: unknown) => (typeof x === 'number' && Number.isInteger(x)) || (typeof x === 'string' && /^\d+$/.test(x));

/**
 * The serving containers of a long-running pod template of a serving kind: regular containers
 * that declare a port, and those a Service targets whether or not they declare the port (a
 * numeric targetPort that no container declares is served by the regular containers that
 * declare no port); native sidecars (init containers with `restartPolicy: Always`) when a
 * Service targets a port they declare.
 */
export function servingContainers(index: ObjectIndex, p: PodSet): readonly Serving[] {
  // Four rules ask for each pod set: worked out once per index.
  const known = index.once('serving-containers', () => new Map<PodSet, readonly Serving[]>());
  let serving = known.get(p);
  if (serving === undefined) known.set(p, serving = findServingContainers(index, p));
  return serving;
}

function findServingContainers(index: ObjectIndex, p: PodSet): Serving[] {
  if (!p.kind.serving || !p.longRunning) return [];
  const ports = new Map<ContainerRef, string[]>();
  const add = (c: ContainerRef, port: string) => {
    const list = ports.get(c);
    if (!list) ports.set(c, [port]); else if (!list.includes(port)) list.push(port);
  };
  const declared = (c: ContainerRef): any[] => (Array.isArray(c.c.ports) ? c.c.ports.filter(isObject) : []);
  const declares = (c: ContainerRef, target: unknown) => declared(c).some((d) => (isNumeric(target) ? String(d.containerPort) === String(target) : d.name === target));
  for (const c of p.containers) for (const port of declared(c)) add(c, String(port.containerPort ?? port.name));
  for (const svc of servicesByPod(index).get(p) ?? []) {
    for (const sp of Array.isArray(svc.m.spec?.ports) ? svc.m.spec.ports.filter(isObject) : []) {
      const target = sp.targetPort ?? sp.port;
      const owners = p.runningContainers.filter((c) => declares(c, target));
      for (const c of owners) if (c.sidecar) add(c, `${target} (Service ${svc.name} targets it)`);
      if (owners.length > 0 || !isNumeric(target)) continue;
      for (const c of p.containers) if (declared(c).length === 0) add(c, `${target} (Service ${svc.name} targets it)`);
    }
  }
  return p.runningContainers.filter((c) => ports.has(c)).map((c) => ({ ref: c, ports: ports.get(c)!.join(', ') }));
}

/**
 * The port name a probe aims at when the container declares no port of that name: the kubelet
 * then never gets an answer, so the probe fails for ever (a readiness probe keeps the pod out
 * of its Service; a liveness or startup probe restarts it in a loop).
 */
function unknownProbePort(c: ContainerRef, probe: any): string | undefined {
  if (!isObject(probe)) return undefined;
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (typeof port !== 'string' || /^\d+$/.test(port)) return undefined;
  const names = (Array.isArray(c.c.ports) ? c.c.ports : []).map((cp: any) => cp?.name);
  return names.includes(port) ? undefined : port;
}

/** Reports each of `probes` of each running container that aims at a port name the container lacks. */
function probePortRule(ctx: RuleContext, probes: string[]): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.runningContainers) {
      for (const probe of probes) {
        const name = unknownProbePort(c, c.c[probe]);
        if (name === undefined) continue;
        const declared = (Array.isArray(c.c.ports) ? c.c.ports : []).map((cp: any) => cp?.name).filter((n: unknown) => typeof n === 'string');
        ctx.report(p.obj, `container "${c.name}": the ${probe} aims at the port "${name}", which the container does not declare (${declared.length > 0 ? `its ports: ${declared.join(', ')}` : 'it names no port'}), so the probe never succeeds`, {
          field: `${c.field}.${probe}`, fix: `point the ${probe} at a declared port name or number, or name the container port "${name}"`,
        });
      }
    }
  }
}

/** `probe-readiness`: every serving container of a long-running workload has a readiness probe. */
export function probeReadiness(ctx: RuleContext): void {
  probePortRule(ctx, ['readinessProbe']);
  for (const p of ctx.index.podSets) {
    for (const { ref: c, ports } of servingContainers(ctx.index, p)) {
      if (!isObject(c.c.readinessProbe)) {
        ctx.report(p.obj, `container "${c.name}" serves on port ${ports} but has no readinessProbe, so it receives traffic while starting or failing`, {
          field: `${c.field}.readinessProbe`,
        });
      }
    }
  }
}

/** A probe's timing field as the API server fills it in: unset and 0 both mean the default. */
function probeTiming(probe: any, field: string, byDefault: number): number {
  const v = asInt(probe[field]);
  return v === undefined || v === 0 ? byDefault : v;
}

/** Seconds of failures before a probe gives up: periodSeconds (default 10) x failureThreshold (default 3). */
function tolerance(probe: any): number {
  return probeTiming(probe, 'periodSeconds', 10) * probeTiming(probe, 'failureThreshold', 3);
}

/** `probe-liveness`: every container (native sidecars included) of a long-running workload has a liveness probe more tolerant than its readiness probe. */
export function probeLiveness(ctx: RuleContext): void {
  probePortRule(ctx, ['livenessProbe', 'startupProbe']);
  for (const p of ctx.index.podSets) {
    if (!p.longRunning) continue;
    for (const c of p.runningContainers) {
      const live = c.c.livenessProbe;
      if (!isObject(live)) {
        ctx.report(p.obj, `container "${c.name}" has no livenessProbe, so a hung process is never restarted`, { field: `${c.field}.livenessProbe` });
        continue;
      }
      const ready = c.c.readinessProbe;
      if (isObject(ready) && tolerance(live) <= tolerance(ready)) {
        ctx.report(p.obj, `container "${c.name}": the livenessProbe gives up after ${tolerance(live)}s (periodSeconds x failureThreshold), no later than the readinessProbe (${tolerance(ready)}s), so a slow pod is restarted before it leaves the Service`, {
          field: `${c.field}.livenessProbe`,
        });
      }
    }
  }
}

/** The delay of a preStop hook in seconds, when it is a plain sleep (`sleep 10`, `sleep 1m`, `sleep 45.0`, the sleep action). */
function preStopDelay(preStop: any): number | undefined {
  if (!isObject(preStop)) return undefined;
  const sleep = asInt(preStop.sleep?.seconds);
  if (sleep !== undefined) return sleep;
  const cmd = preStop.exec?.command;
  if (!Array.isArray(cmd)) return undefined;
  const text = cmd.map(String).join(' ');
  // Every sleep of the script counts (`sleep 10; sleep 25` pauses 35 s); `sleep infinity` never ends.
  const sleeps = [...text.matchAll(/(?:^|[\s;&|'"(])sleep((?:\s+(?:(?:\d+\.?\d*|\.\d+)[smhd]?|inf(?:inity)?))+)(?=$|[\s;&|'")])/g)];
  if (sleeps.length === 0) return undefined;
  // GNU sleep: each argument is a number with an optional unit (s, m, h, d), and the pause is their sum.
  return sleeps.reduce((total, m) => total + m[1].trim().split(/\s+/).reduce((sum, arg) => sum
    + (/^inf/.test(arg) ? Infinity : parseFloat(arg) * (SLEEP_UNITS[arg[arg.length - 1]] ?? 1)), 0), 0);
}

const SLEEP_UNITS: { [unit: string]: number } = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `graceful-shutdown`: terminationGracePeriodSeconds is set, and the regular containers wait
 * in preStop, for a shorter time, while the endpoints drain. When any container serves, every
 * regular container that serves waits; when only native sidecars serve (a proxy in front of a
 * port-less app), the regular containers wait: a native sidecar stops only after them, so it
 * keeps serving through the drain and needs no delay of its own. A native sidecar's preStop
 * runs after the regular containers have stopped, so its delay adds to theirs within the grace
 * period.
 */
export function gracefulShutdown(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (!p.longRunning) continue;
    const grace = asInt(p.spec.terminationGracePeriodSeconds);
    if (grace === undefined) {
      ctx.report(p.obj, 'has no terminationGracePeriodSeconds: the 30 s default is an accident, not a decision about how long the app needs to stop', {
        field: `${p.specField}.terminationGracePeriodSeconds`,
      });
    }
    const effectiveGrace = grace ?? 30;
    const serving = servingContainers(ctx.index, p);
    const regular = serving.filter((s) => !s.ref.sidecar);
    const viaSidecar = serving.filter((s) => s.ref.sidecar);
    // Only native sidecars serve: the regular containers stop first, so they wait for the drain.
    const waiting = regular.length > 0 ? regular.map((s) => ({ ref: s.ref, what: `container "${s.ref.name}" serves on port ${s.ports}` }))
      : viaSidecar.length > 0 ? p.containers.map((c) => ({ ref: c, what: `container "${c.name}" stops before native sidecar "${viaSidecar[0].ref.name}", which serves on port ${viaSidecar[0].ports},` })) : [];
    let longest = 0;
    for (const { ref: c, what } of waiting) {
      const preStop = c.c.lifecycle?.preStop;
      if (!isObject(preStop)) {
        ctx.report(p.obj, `${what} but has no lifecycle.preStop delay, so it gets SIGTERM while Services still send it traffic`, {
          field: `${c.field}.lifecycle.preStop`,
        });
        continue;
      }
      const delay = preStopDelay(preStop);
      if (delay === 0) {
        ctx.report(p.obj, `${what} but its lifecycle.preStop delay is 0s, so it gets SIGTERM while Services still send it traffic`, {
          field: `${c.field}.lifecycle.preStop`, fix: 'wait at least a few seconds (e.g. 10s) before SIGTERM',
        });
      }
      if (delay !== undefined && effectiveGrace <= delay) {
        ctx.report(p.obj, `container "${c.name}": the preStop delay (${delay === Infinity ? 'sleep infinity: it never ends' : `${delay}s`}) is not shorter than terminationGracePeriodSeconds (${effectiveGrace}s), so SIGKILL comes before the app has had SIGTERM`, {
          field: `${p.specField}.terminationGracePeriodSeconds`,
        });
      }
      if (delay !== undefined) longest = Math.max(longest, delay);
    }
    // A native sidecar's preStop runs after every regular container has stopped.
    for (const c of p.runningContainers.filter((r) => r.sidecar)) {
      const delay = preStopDelay(c.c.lifecycle?.preStop);
      if (delay === undefined || delay === 0 || longest + delay < effectiveGrace) continue;
      ctx.report(p.obj, `native sidecar "${c.name}": its preStop delay (${delay === Infinity ? 'sleep infinity' : `${delay}s`}) runs after the regular containers have stopped, and with their preStop delay (${longest}s) it is not shorter than terminationGracePeriodSeconds (${effectiveGrace}s), so SIGKILL cuts the pod's shutdown short`, {
        field: `${c.field}.lifecycle.preStop`, fix: 'remove the sidecar\'s preStop delay: it stops after the regular containers and keeps serving through their drain',
      });
    }
  }
}

/** `resources`: every container requests cpu and memory and has a memory limit. */
export function resources(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      if (c.list === 'ephemeralContainers') continue; // ephemeral containers cannot have resources
      const r = isObject(c.c.resources) ? c.c.resources : {};
      const requests = isObject(r.requests) ? r.requests : {};
      const limits = isObject(r.limits) ? r.limits : {};
      // A value that is not a quantity counts as not set, and is reported as such.
      const set = (section: any, sectionName: string, res: string): boolean => {
        if (section[res] === undefined) return false;
        const value = section[res];
        const problem = typeof value === 'boolean' || value === null ? `${notAString(value)}, not a quantity` : quantityProblem(value);
        if (problem === undefined) return true;
        if (refusedByApiServer(ctx, p.obj, `${c.field}.resources.${sectionName}.${res}`)) return true; // api-valid's finding
        invalid.push(`resources.${sectionName}.${res}: ${problem}`);
        return false;
      };
      const invalid: string[] = [];
      const has = {
        reqCpu: set(requests, 'requests', 'cpu'), reqMem: set(requests, 'requests', 'memory'),
        limCpu: set(limits, 'limits', 'cpu'), limMem: set(limits, 'limits', 'memory'),
      };
      for (const res of Object.keys(requests)) if (!['cpu', 'memory'].includes(res)) set(requests, 'requests', res);
      for (const res of Object.keys(limits)) if (!['cpu', 'memory'].includes(res)) set(limits, 'limits', res);
      const missing: string[] = [];
      // A limit without a request makes the request equal to the limit.
      if (!has.reqCpu && !has.limCpu) missing.push('requests.cpu');
      if (!has.reqMem && !has.limMem) missing.push('requests.memory');
      if (!has.limMem) missing.push('limits.memory');
      for (const problem of invalid) {
        ctx.report(p.obj, `container "${c.name}": ${problem}; the API server rejects it`, { field: `${c.field}.resources` });
      }
      if (missing.length > 0) {
        ctx.report(p.obj, `container "${c.name}" has no ${invalid.length > 0 ? 'valid ' : ''}resources.${missing.join(', resources.')}`, { field: `${c.field}.resources` });
      }
    }
  }
}

/** `arch-explicit`: workloads pin kubernetes.io/arch (only enforced when the app declares mixed architectures). */
export function archExplicit(ctx: RuleContext): void {
  if (!ctx.options.requireArchitecture) return;
  for (const p of ctx.index.podSets) {
    if (isObject(p.spec.nodeSelector) && typeof p.spec.nodeSelector[ARCH] === 'string') continue;
    const terms = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (Array.isArray(terms) && terms.length > 0 && terms.every((t: any) => Array.isArray(t?.matchExpressions)
      && t.matchExpressions.some((e: any) => e?.key === ARCH && e.operator === 'In' && Array.isArray(e.values) && e.values.length > 0))) continue;
    ctx.report(p.obj, 'does not pin kubernetes.io/arch, but the cluster mixes CPU architectures: the image may land on a node it cannot run on', {
      field: `${p.specField}.nodeSelector`,
    });
  }
}

const PROXY_NAME = /^(HTTPS?_PROXY|ALL_PROXY|FTP_PROXY)$/i;
/** NO_PROXY (NOPROXY, NO_PROXY_HOSTS...) lists hosts that bypass the proxy (localhost, .svc, cluster CIDRs): no endpoint. */
const NO_PROXY_NAME = /^NO_?PROXY(_[A-Z0-9]+)*$/i;
/** The JVM's proxy settings in JAVA_TOOL_OPTIONS, JAVA_OPTS...: `-Dhttps.proxyHost=proxy.example.com` (not `nonProxyHosts`, a list of exceptions). */
const JAVA_PROXY_HOST = /(?:^|\s)-D(?:https?|ftp|socks)\.?[pP]roxyHost=["']?([^\s"',]+)/;
const ENDPOINT_NAME = /_(URL|URI|URLS|ENDPOINT|ENDPOINTS|HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|SERVER|SERVERS|DSN|PROXY)$/i;
/** A URL anywhere in a value (`jdbc:postgresql://db:5432/app`, `--url=https://x`): its host. */
const URL_VALUE = /[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\s]*@)?(\[[^\]]+\]|[^:/?#\s,;'"]+)/i;
/** A host, with an optional port: `db`, `db.example.com:5432`, `10.0.0.12`, `[fd00::1]:80`, `[fe80::1%eth0]:80`. */
const HOST_VALUE = /^(\[[0-9a-f:.]+(?:%[\w.-]+)?\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/i;
/** A gRPC name-resolver target: `dns:///host:443`, `dns://resolver/host:443`, `ipv4:10.0.0.1:80`, `xds:///svc`. */
const GRPC_TARGET = /^(?:dns|ipv4|ipv6|xds):(?:\/\/[^/\s]*\/)?([^,/\s]+)/i;
/** A DSN's host: Go's MySQL `user:pass@tcp(host:3306)/db`, or `user@host:5432/db` (a port or a path after the host, so an email address is none). */
const DSN_PARENS = /@(?:tcp|udp)?\(([^)\s]+)\)/i;
const DSN_PLAIN = /^[^@\s/:]+(?::[^@\s]*)?@(\[[^\]]+\]|[a-z0-9][a-z0-9.-]*)(?::\d{1,5}(?:\/|$)|\/)/i;
const NOT_ENDPOINTS = /^(true|false|yes|no|on|off|y|n|none|null|disabled?|enabled?|-?\d+(\.\d+)?)$/i;
/**
 * Last labels that make `a.b` a domain rather than `service.namespace`: generic top-level
 * domains, the private suffixes sites use, and common country codes.
 */
const DOMAIN_SUFFIXES = new Set(['com', 'net', 'org', 'io', 'dev', 'app', 'cloud', 'ai', 'co', 'info', 'biz', 'edu', 'gov', 'mil', 'int', 'xyz', 'tech', 'site', 'online',
  'corp', 'internal', 'intranet', 'lan', 'home', 'local', 'localdomain', 'example', 'test', 'invalid',
  'de', 'uk', 'fr', 'nl', 'eu', 'us', 'ca', 'jp', 'cn', 'ru', 'ch', 'se', 'au', 'it', 'es', 'pl', 'be', 'at', 'dk', 'fi', 'no', 'br', 'cz', 'nz', 'ie', 'kr', 'me', 'tv']);
/** Path segments of documents that a URL names as a constant: a schema, a specification, documentation, an XML namespace. */
const DOCUMENT_SEGMENT = /^(schemas?|specs?|specification|docs?|documentation|draft(-\d+)?|ns|xmlns|licen[cs]es?)$/i;
/** File extensions of two letters: `app.min.js` is a file, not a host under a country code. */
const FILE_EXTENSIONS = new Set(['js', 'py', 'sh', 'md', 'rb', 'pl', 'ts', 'go', 'rs', 'cs', 'so', 'gz', 'xz', 'db', 'ps', 'cc', 'hh', 'pm', 'ml', 'mk', 'ko', 'in']);

/**
 * What a literal IP address is (`10.0.0.12`, `2606:4700::1111`, `[fd00::1]`, `fe80::1%eth0`,
 * `::ffff:203.0.113.5`): 'local' for the pod itself, a loopback address (127.0.0.0/8, `::1`)
 * or the unspecified address a server binds to listen on every interface (`0.0.0.0`, `::`),
 * also IPv4-mapped (`::ffff:127.0.0.1`); 'remote' for any other address (public, private,
 * link-local, unique local), since the same cluster never has the same addresses twice;
 * undefined when `host` is no IP address.
 */
function ipKind(host: string): 'local' | 'remote' | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const parsed = parseAddress(bare);
  if (parsed === undefined) return undefined;
  let value = parsed.value;
  const v6 = parsed.version === 6;
  let v4 = !v6;
  if (v6 && value >> BigInt(32) === BigInt(0xffff)) {
    value &= BigInt(0xffffffff);
    v4 = true;
  }
  const local = v4 ? value === BigInt(0) || value >> BigInt(24) === BigInt(127) : value <= BigInt(1);
  return local ? 'local' : 'remote';
}

/** A host that is a bare IPv6 address (`2606:4700::1111`, `::`, `fe80::1%eth0`): it has no `host:port` form. */
function bareIpv6(item: string): string | undefined {
  return /^[0-9a-f:.]*:[0-9a-f:.]*:[0-9a-f:.]*(%[\w.-]+)?$/i.test(item) && ipKind(item) !== undefined ? item : undefined;
}

/**
 * Whether a host name has a public-looking suffix: two or more labels, the last a top-level
 * domain from DOMAIN_SUFFIXES, or with three labels or more any two-letter country code that is
 * not a file extension (`elastic.acme.io`, `db.acme.de`; not `postgres.db`, `app.min.js`).
 */
function domainLike(host: string): boolean {
  const parts = host.toLowerCase().replace(/\.$/, '').split('.');
  if (parts.length < 2) return false;
  const last = parts[parts.length - 1];
  return DOMAIN_SUFFIXES.has(last) || (parts.length >= 3 && /^[a-z]{2}$/.test(last) && !FILE_EXTENSIONS.has(last));
}

/**
 * Whether a host stays the same in every environment: localhost, or a name inside the cluster
 * (`db`, `db.shop`, `db.shop.svc`, `db.shop.svc.cluster.local`, `web-0.web.shop`): a name is
 * outside the cluster when it is an IP address or has a public-looking suffix (domainLike),
 * unless the output has that Service or namespace (`db.shop` with a namespace shop).
 */
function inCluster(index: ObjectIndex, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const ip = ipKind(h);
  if (ip !== undefined) return ip === 'local';
  if (h === 'localhost') return true;
  if (/\.svc(\.cluster\.local)?$/.test(h) || h.endsWith('.cluster.local')) return true;
  const parts = h.split('.');
  if (parts.length === 2 && (index.get('Service', parts[1], parts[0]) !== undefined || index.hasNamespace(parts[1]))) return true;
  return !domainLike(h);
}

/** The host of `host`, `host:port` or `[v6]:port`. */
function hostOf(address: string): string {
  const m = HOST_VALUE.exec(address);
  return m ? m[1] : address.replace(/:\d+$/, '');
}

/**
 * Hosts whose URLs name things rather than serve them: XML namespaces (`http://www.w3.org/2001/XMLSchema`,
 * `http://xmlns.com/foaf/0.1/`, `http://purl.org/dc/elements/1.1/`, SOAP and Office schemas), JSON
 * schemas, licenses and standards. Such a URL is an identifier, the same in every environment.
 */
const IDENTIFIER_HOST = /(^|\.)(w3\.org|xmlns\.com|purl\.org|json-schema\.org|schema\.org|schemastore\.org|xmlsoap\.org|openxmlformats\.org|oasis-open\.org|spdx\.org|opensource\.org|creativecommons\.org|gnu\.org|ietf\.org|rfc-editor\.org|iana\.org)$/i;
/** First labels of hosts that publish documents (`docs.example.com`, `schemas.microsoft.com`). */
const DOCUMENT_HOST_LABEL = /^(docs?|documentation|schemas?|xmlns|ns|specs?|wiki|help)$/i;
/** What comes right before a URL used as an identifier: `"$schema": "`, `xmlns:x="`, `targetNamespace="`, `xsi:schemaLocation="`. */
const IDENTIFIER_CONTEXT = /(\$schema["']?\s*[:=]\s*["']?|\$id["']?\s*[:=]\s*["']?|xmlns(:[\w.-]+)?\s*=\s*["']?|targetNamespace\s*=\s*["']?|schemaLocation\s*=\s*["'][^"']*)$/i;
/** Variables (and flags) whose value is an identifier or a link for people, never an endpoint the pod calls. */
const IDENTIFIER_NAME = /(^|_)(XMLNS|NS|NAMESPACE_UR[IL]|SCHEMA|SCHEMA_UR[IL]|SCHEMA_LOCATION|LICEN[CS]E|LICEN[CS]E_UR[IL]|DOCS?|DOCS?_UR[IL]|DOCUMENTATION_UR[IL]|HELP_UR[IL])$/i;

/**
 * Whether a URL names a document or an identifier (an XML namespace, a JSON schema, a
 * specification, a license, docs): a constant, the same in every environment. `before` is the
 * text in front of the URL in its value.
 */
function isDocumentUrl(url: string, host: string, before: string): boolean {
  if (IDENTIFIER_HOST.test(host) || DOCUMENT_HOST_LABEL.test(host.split('.')[0]) || IDENTIFIER_CONTEXT.test(before)) return true;
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#\s"']/)[0];
  return path.split('/').some((seg) => DOCUMENT_SEGMENT.test(seg)) || /\.(json|xsd|dtd|html?|md|txt)$/i.test(path);
}

/**
 * The host an environment variable's (or flag's) value points at, when the value is an
 * endpoint, judged on the value: the first URL that names no document, a gRPC target
 * (`dns:///host:443`), a DSN (`user@tcp(host:3306)/db`), a host with a port, an IP address, or
 * a name with a public-looking suffix (`db.example.com`); under an endpoint-named variable or
 * flag (`DB_HOST`, `--db-host`) any host. In each comma-separated item.
 */
function endpointHost(name: string, value: string): string | undefined {
  if (IDENTIFIER_NAME.test(name) || NOT_ENDPOINTS.test(value)) return undefined;
  const javaProxy = JAVA_PROXY_HOST.exec(value);
  if (javaProxy) return javaProxy[1];
  const grpc = GRPC_TARGET.exec(value);
  if (grpc) return hostOf(grpc[1]);
  const urls = new RegExp(URL_VALUE.source, 'gi');
  let any = false;
  for (let url = urls.exec(value); url; url = urls.exec(value)) {
    any = true;
    if (!isDocumentUrl(value.slice(url.index), url[1], value.slice(0, url.index))) return url[1];
  }
  if (any) return undefined;
  const dsn = DSN_PARENS.exec(value) ?? DSN_PLAIN.exec(value);
  if (dsn) return hostOf(dsn[1]);
  const named = ENDPOINT_NAME.test(name) || PROXY_NAME.test(name);
  for (const item of value.split(',').map((x) => x.trim())) {
    const v6 = bareIpv6(item);
    if (v6 !== undefined) return v6;
    const m = HOST_VALUE.exec(item);
    if (m && (named || m[2] !== undefined || ipKind(m[1]) !== undefined || domainLike(m[1]))) return m[1];
  }
  return undefined;
}

/** A command-line flag's name as an environment variable's (`--db-host` -> DB_HOST). */
const flagName = (flag: string) => flag.replace(/^-+/, '').replace(/[-.]/g, '_').toUpperCase();

/** Endpoints in a container's command and args: `--db-host=x`, `--db-host x`, or a URL anywhere. */
function argEndpoints(list: unknown): Array<{ i: number; value: string; host: string; name: string }> {
  const args = Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : '')) : [];
  const out: Array<{ i: number; value: string; host: string; name: string }> = [];
  args.forEach((arg, i) => {
    const flag = /^(-{1,2}[a-zA-Z][\w.-]*)=(.*)$/.exec(arg);
    let name = '';
    let value = arg;
    if (flag) {
      name = flagName(flag[1]);
      value = flag[2];
    } else if (i > 0 && /^-{1,2}[a-zA-Z][\w.-]*$/.test(args[i - 1]) && !arg.startsWith('-')) {
      name = flagName(args[i - 1]);
    }
    const host = value.trim() === '' || NO_PROXY_NAME.test(name) ? undefined : endpointHost(name, value.trim());
    if (host !== undefined) out.push({ i, value: arg, host, name });
  });
  return out;
}

/**
 * `config-external`: proxies and endpoints that differ per environment come from config, not
 * literals in the pod spec (env values, command and args). Judged on the value, whatever the
 * variable is called (endpointHost): URLs (JDBC URLs included), gRPC targets, DSNs, hosts with a
 * port, IP addresses and names with a public-looking suffix, outside the cluster. Booleans,
 * numbers, localhost, in-cluster names (`name`, `name.namespace`, `*.svc`) and URLs of
 * documents (a schema, a specification, docs: constants, not endpoints) are the same everywhere.
 */
export function configExternal(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      const env = Array.isArray(c.c.env) ? c.c.env : [];
      const report = (what: string, name: string, value: string, host: string, field: string) => {
        if (inCluster(ctx.index, host) && !PROXY_NAME.test(name)) return;
        ctx.report(p.obj, `container "${c.name}": ${what} is a literal in the pod spec ("${value.length > 60 ? value.slice(0, 57) + '...' : value}"), pointing at ${host}, but proxies and endpoints outside the cluster differ per environment`, { field });
      };
      env.forEach((e: any, i: number) => {
        if (!isObject(e) || typeof e.value !== 'string' || e.value.trim() === '') return;
        const name = String(e.name ?? '');
        if (NO_PROXY_NAME.test(name)) return;
        const host = endpointHost(name, e.value.trim());
        if (host !== undefined) report(`env ${name}`, name, e.value, host, `${c.field}.env[${i}]`);
      });
      for (const list of ['command', 'args']) {
        for (const a of argEndpoints(c.c[list])) report(`${list}[${a.i}]`, a.name, a.value, a.host, `${c.field}.${list}[${a.i}]`);
      }
    }
  }
}

/** Claims a pod mounts that are (or may be) ReadWriteOnce: name -> 'rwo' | 'unknown'. */
export function rwoClaims(index: ObjectIndex, p: PodSet): Map<string, 'rwo' | 'unknown'> {
  const out = new Map<string, 'rwo' | 'unknown'>();
  const volumes = Array.isArray(p.spec.volumes) ? p.spec.volumes : [];
  for (const v of volumes) {
    const claim = v?.persistentVolumeClaim?.claimName;
    if (typeof claim !== 'string') continue;
    const pvc = index.get('PersistentVolumeClaim', p.obj.ns, claim);
    if (!pvc) { out.set(claim, 'unknown'); continue; }
    const modes: unknown[] = Array.isArray(pvc.m.spec?.accessModes) ? pvc.m.spec.accessModes : [];
    if (modes.includes('ReadWriteOnce') || modes.includes('ReadWriteOncePod')) out.set(claim, 'rwo');
  }
  return out;
}

/**
 * `rwo-volume`: a workload whose pods may run on several nodes at once mounts no ReadWriteOnce
 * claim (replicated kinds with 2+ replicas, DaemonSets, Jobs with parallelism above 1, and
 * CronJobs whose runs may overlap: concurrencyPolicy Allow, the API default); a
 * single-replica Deployment with one uses the Recreate strategy.
 */
export function rwoVolume(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    const batch = p.obj.kind === 'Job' || p.obj.kind === 'CronJob';
    if (!p.replicated && p.obj.kind !== 'DaemonSet' && !batch) continue;
    const rwo = [...rwoClaims(ctx.index, p)].filter(([, mode]) => mode === 'rwo').map(([name]) => name);
    if (rwo.length === 0) continue;
    if (batch) {
      const spec = isObject(p.obj.m.spec) ? p.obj.m.spec : {};
      const job = p.obj.kind === 'CronJob' ? (isObject(spec.jobTemplate?.spec) ? spec.jobTemplate.spec : {}) : spec;
      const prefix = p.obj.kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec';
      const parallelism = asInt(job.parallelism) ?? 1;
      if (parallelism > 1) {
        ctx.report(p.obj, `runs ${parallelism} pods in parallel but mounts the ReadWriteOnce claim ${rwo.join(', ')}, which attaches to one node only`, {
          field: `${prefix}.parallelism`, fix: 'set parallelism to 1, or use a ReadWriteMany claim',
        });
      } else if (p.obj.kind === 'CronJob' && (spec.concurrencyPolicy ?? 'Allow') === 'Allow') {
        ctx.report(p.obj, `lets its runs overlap (concurrencyPolicy ${spec.concurrencyPolicy === undefined ? 'unset, so Allow' : 'Allow'}) but mounts the ReadWriteOnce claim ${rwo.join(', ')}, which attaches to one node only`, {
          field: 'spec.concurrencyPolicy', fix: 'set spec.concurrencyPolicy to Forbid or Replace',
        });
      }
      continue;
    }
    const fix = p.obj.kind === 'StatefulSet' ? 'give each pod its own claim through spec.volumeClaimTemplates' : undefined;
    if (p.obj.kind === 'DaemonSet') {
      ctx.report(p.obj, `runs a pod on every node but mounts the ReadWriteOnce claim ${rwo.join(', ')}, which attaches to one node only`, { field: `${p.specField}.volumes` });
      continue;
    }
    const range = replicaRange(ctx.index, p);
    if (!range) continue;
    if (range.max > 1) {
      ctx.report(p.obj, `runs up to ${range.max} replicas but mounts the ReadWriteOnce claim ${rwo.join(', ')}, which attaches to one node only`, {
        field: `${p.specField}.volumes`, fix,
      });
    } else if (p.obj.kind === 'Deployment' && p.obj.m.spec?.strategy?.type !== 'Recreate') {
      ctx.report(p.obj, `mounts the ReadWriteOnce claim ${rwo.join(', ')} with a rolling update: the new pod cannot attach it while the old one holds it`, {
        field: 'spec.strategy.type', fix: 'set spec.strategy.type: Recreate (or move the data to a StatefulSet)',
      });
    }
  }
}

function positive(x: unknown): boolean | undefined {
  if (typeof x === 'number') return x > 0;
  if (typeof x === 'string') {
    const m = /^(\d+)%?$/.exec(x);
    return m ? parseInt(m[1], 10) > 0 : undefined;
  }
  return undefined;
}

/**
 * `rollout`: the update strategy is one the kind knows and rolls out by itself (not a
 * StatefulSet's or DaemonSet's OnDelete); a Deployment's rolling updates keep full capacity,
 * with minReadySeconds and a progress deadline.
 */
export function rollout(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    const kind = p.kind;
    if (kind.strategyField === undefined) continue;
    const spec = isObject(p.obj.m.spec) ? p.obj.m.spec : {};
    const given = isObject(spec[kind.strategyField]) ? spec[kind.strategyField] : {};
    // "" and null are unset: the API server defaults them before it validates.
    const strategy = given.type === '' || given.type === null ? { ...given, type: undefined } : given;
    if (strategy.type !== undefined && !kind.strategyTypes!.includes(strategy.type)) {
      if (!refusedByApiServer(ctx, p.obj, `spec.${kind.strategyField}.type`)) ctx.report(p.obj, `has spec.${kind.strategyField}.type ${JSON.stringify(strategy.type)}; a ${p.obj.kind} knows only ${kind.strategyTypes!.join(' and ')}, so the API server rejects it`, {
        field: `spec.${kind.strategyField}.type`, fix: `set spec.${kind.strategyField}.type to ${kind.strategyTypes![0]}`,
      });
      continue;
    }
    if (strategy.type === 'OnDelete') {
      ctx.report(p.obj, `has spec.${kind.strategyField}.type OnDelete: a changed pod template reaches no pod until someone deletes each pod by hand, so a deploy never rolls out`, {
        field: `spec.${kind.strategyField}.type`,
        fix: `set spec.${kind.strategyField}.type: RollingUpdate${p.obj.kind === 'StatefulSet' ? ' (rollingUpdate.partition stages it)' : ''}, or record why pods are replaced by hand with a skip annotation for rollout`,
      });
      continue;
    }
    if (p.obj.kind !== 'Deployment') continue;
    if (strategy.type === 'Recreate') {
      // Recreate is what rwo-volume asks for when a claim attaches to one node only.
      if (rwoClaims(ctx.index, p).size === 0) {
        ctx.report(p.obj, 'uses the Recreate strategy: every pod stops before a new one starts, so each deploy is an outage', { field: 'spec.strategy.type' });
      }
    } else {
      const ru = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
      const maxUnavailable = ru.maxUnavailable ?? '25%';
      if (positive(maxUnavailable) !== false) {
        ctx.report(p.obj, `rolls out with maxUnavailable ${maxUnavailable}${ru.maxUnavailable === undefined ? ' (the default)' : ''}, so a deploy reduces capacity`, {
          field: 'spec.strategy.rollingUpdate.maxUnavailable',
        });
      }
      const maxSurge = ru.maxSurge ?? '25%';
      if (positive(maxSurge) !== true) {
        ctx.report(p.obj, `rolls out with maxSurge ${maxSurge}: with maxUnavailable 0 it needs at least one extra pod to make progress`, {
          field: 'spec.strategy.rollingUpdate.maxSurge',
        });
      }
    }
    const minReady = asInt(spec.minReadySeconds);
    if (minReady === undefined || minReady <= 0) {
      ctx.report(p.obj, 'has no minReadySeconds: a pod that passes one readiness check and then crashes counts as available', { field: 'spec.minReadySeconds' });
    }
    const deadline = asInt(spec.progressDeadlineSeconds);
    if (deadline === undefined) {
      ctx.report(p.obj, 'has no progressDeadlineSeconds: say how long a rollout may take before it is reported as failed', { field: 'spec.progressDeadlineSeconds' });
    } else if (minReady !== undefined && deadline <= minReady) {
      ctx.report(p.obj, `has progressDeadlineSeconds ${deadline}, not above minReadySeconds ${minReady}`, { field: 'spec.progressDeadlineSeconds' });
    }
  }
}
