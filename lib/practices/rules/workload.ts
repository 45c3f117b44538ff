/**
 * Rules on the Pod template of one workload (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, CronJob, Pod). One function per rule id.
 */
import { isPinned, parseImage, registryAllowed } from '../../core/image';
import { RuleContext } from '../context';
import { ObjectIndex, PodSet, asInt, isObject } from '../objects';
import { selectorMatches, showSelector } from '../selector';

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const ARCH = 'kubernetes.io/arch';

/** Replica range of a workload: static replicas, or the HPA's min and max. Undefined for kinds without replicas. */
export function replicaRange(index: ObjectIndex, p: PodSet): { min: number; max: number; hpa?: string } | undefined {
  if (!p.replicated) return undefined;
  const hpa = index.hpaFor(p.obj);
  if (hpa) {
    const min = asInt(hpa.m.spec?.minReplicas) ?? 1;
    const max = asInt(hpa.m.spec?.maxReplicas) ?? min;
    return { min, max, hpa: hpa.name };
  }
  const r = asInt(p.obj.m.spec?.replicas) ?? 1;
  return { min: r, max: r };
}

/** `image-pinned`: every image names a tag other than latest, or a digest (a digest when required). */
export function imagePinned(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      const image = c.c.image;
      const field = `${c.field}.image`;
      if (typeof image !== 'string' || image === '') {
        ctx.report(p.obj, `container "${c.name}" has no image`, { field });
        continue;
      }
      const ref = parseImage(image);
      if (!ref) {
        ctx.report(p.obj, `container "${c.name}": "${image}" is not a valid image reference`, { field });
      } else if (!isPinned(ref)) {
        ctx.report(p.obj, ref.tag === 'latest'
          ? `container "${c.name}": image "${image}" uses the tag "latest", which changes under the same name`
          : `container "${c.name}": image "${image}" has neither a tag nor a digest, so it means "latest"`, { field });
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

/** `replicas-min`: a Deployment runs at least 2 replicas (HPA minReplicas at least 2). */
export function replicasMin(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (p.obj.kind !== 'Deployment') continue;
    const range = replicaRange(ctx.index, p)!;
    if (range.min >= 2) continue;
    if (range.hpa !== undefined) {
      const hpa = ctx.index.get('HorizontalPodAutoscaler', p.obj.ns, range.hpa);
      ctx.report(p.obj, `is scaled by HorizontalPodAutoscaler ${range.hpa} with minReplicas ${range.min}; one replica means downtime whenever its node goes away`, {
        field: 'spec.replicas', alsoSkippedBy: hpa ? [hpa] : [],
        fix: `set spec.minReplicas of HorizontalPodAutoscaler ${range.hpa} to 2 or more`,
      });
    } else {
      const given = p.obj.m.spec?.replicas;
      ctx.report(p.obj, given === undefined
        ? 'has no spec.replicas, so it runs 1 replica; one replica means downtime whenever its node goes away'
        : `runs ${range.min} replica${range.min === 1 ? '' : 's'}; one replica means downtime whenever its node goes away`, { field: 'spec.replicas' });
    }
  }
}

function spreadsOver(p: PodSet, keys: string[]): boolean {
  const tsc = Array.isArray(p.spec.topologySpreadConstraints) ? p.spec.topologySpreadConstraints : [];
  if (tsc.some((t: any) => isObject(t) && keys.includes(t.topologyKey) && selectorMatches(t.labelSelector, p.labels))) return true;
  const anti = p.spec.affinity?.podAntiAffinity;
  if (!isObject(anti)) return false;
  const terms: any[] = [
    ...(Array.isArray(anti.requiredDuringSchedulingIgnoredDuringExecution) ? anti.requiredDuringSchedulingIgnoredDuringExecution : []),
    ...(Array.isArray(anti.preferredDuringSchedulingIgnoredDuringExecution)
      ? anti.preferredDuringSchedulingIgnoredDuringExecution.map((w: any) => w?.podAffinityTerm) : []),
  ];
  return terms.some((t) => isObject(t) && keys.includes(t.topologyKey) && selectorMatches(t.labelSelector, p.labels));
}

function spreadRule(ctx: RuleContext, keys: string[], what: string): void {
  for (const p of ctx.index.podSets) {
    const range = replicaRange(ctx.index, p);
    if (!range || range.max < 2) continue;
    if (spreadsOver(p, keys)) continue;
    ctx.report(p.obj, `runs up to ${range.max} replicas but nothing spreads them across ${what}: no topologySpreadConstraint or podAntiAffinity term on ${keys[0]} selects its own pods ${showSelector(p.labels)}`, {
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

function hasPorts(c: any): boolean {
  return Array.isArray(c.ports) && c.ports.length > 0;
}

function portList(c: any): string {
  return (c.ports as any[]).map((p) => p?.containerPort ?? p?.name).join(', ');
}

/** `probe-readiness`: every serving container (one that declares ports) of a long-running workload has a readiness probe. */
export function probeReadiness(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (!p.longRunning) continue;
    for (const c of p.containers) {
      if (hasPorts(c.c) && !isObject(c.c.readinessProbe)) {
        ctx.report(p.obj, `container "${c.name}" serves on port ${portList(c.c)} but has no readinessProbe, so it receives traffic while starting or failing`, {
          field: `${c.field}.readinessProbe`,
        });
      }
    }
  }
}

function tolerance(probe: any): number {
  return (asInt(probe.periodSeconds) ?? 10) * (asInt(probe.failureThreshold) ?? 3);
}

/** `probe-liveness`: every container of a long-running workload has a liveness probe more tolerant than its readiness probe. */
export function probeLiveness(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (!p.longRunning) continue;
    for (const c of p.containers) {
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

/** The delay of a preStop hook in seconds, when it is a plain sleep. */
function preStopDelay(preStop: any): number | undefined {
  if (!isObject(preStop)) return undefined;
  const sleep = asInt(preStop.sleep?.seconds);
  if (sleep !== undefined) return sleep;
  const cmd = preStop.exec?.command;
  if (!Array.isArray(cmd)) return undefined;
  const text = cmd.map(String).join(' ');
  const m = /(?:^|[\s;&|])sleep\s+(\d+)(?:s)?(?:$|[\s;&|])/.exec(text);
  return m ? parseInt(m[1], 10) : undefined;
}

/** `graceful-shutdown`: terminationGracePeriodSeconds is set, and serving containers wait in preStop for a shorter time. */
export function gracefulShutdown(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (!p.longRunning) continue;
    const grace = asInt(p.spec.terminationGracePeriodSeconds);
    if (grace === undefined) {
      ctx.report(p.obj, 'has no terminationGracePeriodSeconds: the 30 s default is an accident, not a decision about how long the app needs to stop', {
        field: `${p.specField}.terminationGracePeriodSeconds`,
      });
    }
    for (const c of p.containers) {
      if (!hasPorts(c.c)) continue;
      const preStop = c.c.lifecycle?.preStop;
      if (!isObject(preStop)) {
        ctx.report(p.obj, `container "${c.name}" serves on port ${portList(c.c)} but has no lifecycle.preStop delay, so it gets SIGTERM while Services still send it traffic`, {
          field: `${c.field}.lifecycle.preStop`,
        });
        continue;
      }
      const delay = preStopDelay(preStop);
      const effectiveGrace = grace ?? 30;
      if (delay !== undefined && effectiveGrace <= delay) {
        ctx.report(p.obj, `container "${c.name}": the preStop delay (${delay}s) is not shorter than terminationGracePeriodSeconds (${effectiveGrace}s), so SIGKILL comes before the app has had SIGTERM`, {
          field: `${p.specField}.terminationGracePeriodSeconds`,
        });
      }
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
      const missing: string[] = [];
      // A limit without a request makes the request equal to the limit.
      if (requests.cpu === undefined && limits.cpu === undefined) missing.push('requests.cpu');
      if (requests.memory === undefined && limits.memory === undefined) missing.push('requests.memory');
      if (limits.memory === undefined) missing.push('limits.memory');
      if (missing.length > 0) {
        ctx.report(p.obj, `container "${c.name}" has no resources.${missing.join(', resources.')}`, { field: `${c.field}.resources` });
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

const ENV_SPECIFIC_NAME = /(^|_)(HTTPS?_PROXY|NO_PROXY|ALL_PROXY|FTP_PROXY)$|_(URL|URI|URLS|ENDPOINT|ENDPOINTS|HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|SERVER|SERVERS|DSN|PROXY)$/i;
const URL_VALUE = /^[a-z][a-z0-9+.-]*:\/\/(?!(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)([:/]|$))/i;

/** `config-external`: proxies and endpoints come from config, not literals in the pod spec. */
export function configExternal(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    for (const c of p.allContainers) {
      const env = Array.isArray(c.c.env) ? c.c.env : [];
      env.forEach((e: any, i: number) => {
        if (!isObject(e) || typeof e.value !== 'string' || e.value === '') return;
        const name = String(e.name ?? '');
        if (ENV_SPECIFIC_NAME.test(name) || URL_VALUE.test(e.value)) {
          ctx.report(p.obj, `container "${c.name}": env ${name} is a literal in the pod spec ("${e.value.length > 60 ? e.value.slice(0, 57) + '...' : e.value}"), but proxies and endpoints differ per environment`, {
            field: `${c.field}.env[${i}]`,
          });
        }
      });
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

/** `rwo-volume`: a Deployment with several replicas mounts no ReadWriteOnce claim; with one replica it uses Recreate. */
export function rwoVolume(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (p.obj.kind !== 'Deployment' && p.obj.kind !== 'ReplicaSet') continue;
    const rwo = [...rwoClaims(ctx.index, p)].filter(([, mode]) => mode === 'rwo').map(([name]) => name);
    if (rwo.length === 0) continue;
    const range = replicaRange(ctx.index, p)!;
    if (range.max > 1) {
      ctx.report(p.obj, `runs up to ${range.max} replicas but mounts the ReadWriteOnce claim ${rwo.join(', ')}, which attaches to one node only`, {
        field: `${p.specField}.volumes`,
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

/** `rollout`: rolling updates keep full capacity, with minReadySeconds and a progress deadline. */
export function rollout(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    if (p.obj.kind !== 'Deployment') continue;
    const spec = p.obj.m.spec ?? {};
    const strategy = isObject(spec.strategy) ? spec.strategy : {};
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
