/**
 * Rules across objects of the whole app: PodDisruptionBudgets, ServiceAccounts, config
 * objects, metrics scraping and label selection. Each lookup goes through the index.
 */
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME } from '../../core/labels';
import { RuleContext } from '../context';
import { Obj, ObjectIndex, PodSet, asInt, isExternal, isObject } from '../objects';
import { showSelector } from '../selector';
import { refusedByApiServer } from './api-valid';
import { ReplicaRange, replicaRange, servicesByPod, servingContainers } from './workload';

/** PodDisruptionBudgets by the pod templates they select, and the templates each selects. */
function pdbIndex(index: ObjectIndex) {
  return index.once('pdbs', () => {
    const byPods = new Map<PodSet, Obj[]>();
    const selected = new Map<Obj, PodSet[]>();
    for (const pdb of index.ofKind('PodDisruptionBudget')) {
      // Helm hook Pods and Jobs run to completion: no drain waits for them, and they do not count.
      const pods = index.selectPods(pdb.ns ?? '', pdb.m.spec?.selector).filter((p) => !p.hook);
      selected.set(pdb, pods);
      for (const p of pods) {
        const list = byPods.get(p);
        if (list) list.push(pdb); else byPods.set(p, [pdb]);
      }
    }
    return { byPods, selected };
  });
}

function percent(x: unknown): number | undefined {
  if (typeof x !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(x);
  return m ? parseInt(m[1], 10) : undefined;
}

/** Why the API server rejects a PodDisruptionBudget's spec (both bounds, a negative number, a bad percentage), or undefined. */
function budgetProblem(spec: any): string | undefined {
  if (spec.maxUnavailable !== undefined && spec.minAvailable !== undefined) return 'sets both maxUnavailable and minAvailable, and only one is allowed';
  for (const f of ['minAvailable', 'maxUnavailable']) {
    const v = spec[f];
    if (v === undefined) continue;
    if (typeof v === 'number' ? !(Number.isInteger(v) && v >= 0 && v <= 2147483647) : !(typeof v === 'string' && /^\d+%$/.test(v) && parseInt(v, 10) <= 100)) {
      return `has ${f} ${JSON.stringify(v)}, which is neither a whole number of at least 0 nor a percentage from 0% to 100%`;
    }
  }
  return undefined;
}

/** Why a PDB blocks every drain of a workload with `replicas` pods, or undefined when it allows one. */
function blocksDrain(pdb: Obj, replicas: number): string | undefined {
  const spec = pdb.m.spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const n = asInt(spec.maxUnavailable);
    const pct = percent(spec.maxUnavailable);
    if (n === 0 || pct === 0) return `maxUnavailable ${spec.maxUnavailable}`;
    return undefined;
  }
  if (spec.minAvailable !== undefined) {
    const n = asInt(spec.minAvailable);
    const pct = percent(spec.minAvailable);
    const need = n ?? (pct !== undefined ? Math.ceil((pct * replicas) / 100) : undefined);
    if (need !== undefined && need >= replicas) return `minAvailable ${spec.minAvailable} with ${replicas} replica${replicas === 1 ? '' : 's'}`;
    return undefined;
  }
  return 'neither maxUnavailable nor minAvailable';
}

/** The fewest pods a workload runs while it runs any: its minimum, or 1 when it may scale to zero and back up. */
function lowestRunning(range: ReplicaRange): number {
  return range.min > 0 ? range.min : Math.min(range.max, 1);
}

/** A workload's replicas in words: `2 replicas`, `HorizontalPodAutoscaler minReplicas 1`, `ScaledObject minReplicaCount 0, maxReplicaCount 1: 1 pod whenever it runs`. */
function rangeWords(range: ReplicaRange): string {
  const base = range.minText ?? `${range.min} replica${range.min === 1 ? '' : 's'}`;
  return range.min === 0 && range.max > 0 ? `${base}, up to ${range.max}: 1 pod whenever it runs` : base;
}

/** `pdb`: every workload with 2+ replicas has exactly one PDB that selects only its pods and allows a drain. */
export function pdb(ctx: RuleContext): void {
  const { byPods, selected } = pdbIndex(ctx.index);
  for (const p of ctx.index.podSets) {
    const range = replicaRange(ctx.index, p);
    if (!range || range.min < 2) continue;
    const pdbs = byPods.get(p) ?? [];
    if (pdbs.length === 0) {
      ctx.report(p.obj, `runs ${range.min}+ replicas but no PodDisruptionBudget selects its pods ${showSelector(p.labels)}, so a node drain may take them all at once`, {
        field: `${p.metaField}.labels`,
      });
      continue;
    }
    if (pdbs.length > 1) {
      ctx.report(p.obj, `is selected by ${pdbs.length} PodDisruptionBudgets (${pdbs.map((b) => b.name).join(', ')}); the eviction API refuses to evict pods covered by more than one, so drains block`, {
        field: `${p.metaField}.labels`, alsoSkippedBy: pdbs,
        fix: 'keep one PodDisruptionBudget for these pods: delete the others or narrow their selectors to other workloads',
      });
      continue;
    }
    const budget = pdbs[0];
    const others = (selected.get(budget) ?? []).filter((o) => o !== p);
    if (others.length > 0) {
      ctx.report(p.obj, `its PodDisruptionBudget ${budget.name} also selects the pods of ${others.map((o) => `${o.obj.kind}/${o.obj.name}`).join(', ')}, so the budget does not count this workload's replicas`, {
        field: `${p.metaField}.labels`, alsoSkippedBy: [budget],
      });
    }
    const blocked = blocksDrain(budget, range.min);
    if (blocked) {
      ctx.report(p.obj, `its PodDisruptionBudget ${budget.name} allows no disruption (${blocked}), so node drains block forever`, {
        field: `${p.metaField}.labels`, alsoSkippedBy: [budget], fix: 'set maxUnavailable: 1 on the PodDisruptionBudget',
      });
    }
  }
  for (const [budget, pods] of selected) {
    const invalid = budgetProblem(budget.m.spec ?? {});
    if (invalid) {
      if (!['spec.minAvailable', 'spec.maxUnavailable'].some((f) => refusedByApiServer(ctx, budget, f))) ctx.report(budget, `${invalid}; the API server rejects it`, { field: 'spec', fix: 'set one of maxUnavailable (1 or a percentage such as 25%) or minAvailable' });
      continue;
    }
    if (pods.length === 0) {
      ctx.report(budget, `selects no pods of the app (selector ${showSelector(budget.m.spec?.selector)})`, {
        field: 'spec.selector', fix: 'select the labels of the workload\'s pod template',
      });
      continue;
    }
    // A budget over workloads of fewer than 2 replicas (or several workloads) is judged on the
    // budget: it must still allow one eviction, or every drain of their nodes blocks.
    if (pods.length === 1 && (replicaRange(ctx.index, pods[0])?.min ?? 0) >= 2) continue; // judged on the workload above
    if (pods.every((p) => p.obj.kind === 'DaemonSet')) continue; // drains skip DaemonSet pods (--ignore-daemonsets)
    // Judged at the fewest pods the workloads run when they run at all: an autoscaler that may
    // scale to zero (KEDA minReplicaCount 0) runs one pod whenever it runs any.
    let total = 0;
    let known = true;
    for (const p of pods) {
      const range = replicaRange(ctx.index, p);
      if (range) total += lowestRunning(range);
      else if (p.obj.kind === 'Pod') total += 1;
      else known = false; // DaemonSet, Job, CronJob: the count is not in the manifests
    }
    const spec = budget.m.spec ?? {};
    const always = asInt(spec.maxUnavailable) === 0 || percent(spec.maxUnavailable) === 0 || percent(spec.minAvailable) === 100;
    if (!known && !always) continue;
    // No pod ever runs (every workload scaled to zero, no autoscaler above it): no drain waits on the budget.
    if (known && total === 0) continue;
    const blocked = blocksDrain(budget, total);
    if (!blocked) continue;
    const over = pods.map((p) => {
      const range = replicaRange(ctx.index, p);
      return `${p.obj.kind}/${p.obj.name}${range ? ` (${rangeWords(range)})` : ''}`;
    }).join(', ');
    ctx.report(budget, `allows no disruption (${always ? blocked.replace(/ with \d+ replicas?$/, '') : blocked}) over ${over}, so every drain of their nodes blocks forever`, {
      field: 'spec', alsoSkippedBy: pods.map((p) => p.obj), fix: 'set maxUnavailable: 1 (or remove the budget from a workload that runs a single replica)',
    });
  }
}

/** `service-account`: each workload has its own ServiceAccount, present in the output (or external), without an automounted token. */
export function serviceAccount(ctx: RuleContext): void {
  const users = new Map<string, PodSet[]>();
  for (const p of ctx.index.podSets) {
    const name = p.spec.serviceAccountName ?? p.spec.serviceAccount;
    if (typeof name === 'string' && name !== '' && name !== 'default') {
      const k = `${p.obj.ns ?? ''}/${name}`;
      const list = users.get(k);
      if (list) list.push(p); else users.set(k, [p]);
    }
  }
  for (const p of ctx.index.podSets) {
    const field = `${p.specField}.serviceAccountName`;
    const name = p.spec.serviceAccountName ?? p.spec.serviceAccount;
    if (typeof name !== 'string' || name === '' || name === 'default') {
      ctx.report(p.obj, 'runs as the namespace\'s "default" ServiceAccount, which every pod in the namespace shares', { field });
      continue;
    }
    const sa = ctx.index.get('ServiceAccount', p.obj.ns, name);
    const external = isExternal(ctx.options.externalServiceAccounts, p.obj.ns, name);
    if (!sa && !external) {
      ctx.report(p.obj, `names the ServiceAccount ${name}, which is not in the output; the pod would not start`, {
        field, fix: `add the ServiceAccount ${name} to the app, or declare it external (externalServiceAccounts) if it already exists in the cluster`,
      });
    }
    const sharing = (users.get(`${p.obj.ns ?? ''}/${name}`) ?? []).filter((o) => o !== p);
    if (sharing.length > 0) {
      ctx.report(p.obj, `shares the ServiceAccount ${name} with ${sharing.map((o) => `${o.obj.kind}/${o.obj.name}`).join(', ')}: permissions granted to one are granted to all`, {
        field, alsoSkippedBy: sa ? [sa] : [],
      });
    }
    const podAuto = p.spec.automountServiceAccountToken;
    if (podAuto === undefined) {
      const saAuto = sa?.m.automountServiceAccountToken;
      if (saAuto !== false) {
        ctx.report(p.obj, sa
          ? `mounts the token of ServiceAccount ${name} without asking for it: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false`
          : `mounts the token of ServiceAccount ${name} without asking for it: the pod does not set automountServiceAccountToken`, {
          field: `${p.specField}.automountServiceAccountToken`,
          fix: 'set automountServiceAccountToken: false on the pod (true only when the app calls the Kubernetes API)',
        });
      }
    }
  }
}

/** ConfigMaps and Secrets a pod template uses, with the field that names them. */
export function configRefs(p: PodSet): Array<{ kind: 'ConfigMap' | 'Secret'; name: string; field: string; optional: boolean }> {
  const out: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; field: string; optional: boolean }> = [];
  const add = (kind: 'ConfigMap' | 'Secret', name: unknown, field: string, optional: unknown) => {
    if (typeof name === 'string' && name !== '') out.push({ kind, name, field, optional: optional === true });
  };
  for (const c of p.allContainers) {
    (Array.isArray(c.c.env) ? c.c.env : []).forEach((e: any, i: number) => {
      const cm = e?.valueFrom?.configMapKeyRef;
      if (cm) add('ConfigMap', cm.name, `${c.field}.env[${i}]`, cm.optional);
      const s = e?.valueFrom?.secretKeyRef;
      if (s) add('Secret', s.name, `${c.field}.env[${i}]`, s.optional);
    });
    (Array.isArray(c.c.envFrom) ? c.c.envFrom : []).forEach((e: any, i: number) => {
      if (e?.configMapRef) add('ConfigMap', e.configMapRef.name, `${c.field}.envFrom[${i}]`, e.configMapRef.optional);
      if (e?.secretRef) add('Secret', e.secretRef.name, `${c.field}.envFrom[${i}]`, e.secretRef.optional);
    });
  }
  (Array.isArray(p.spec.volumes) ? p.spec.volumes : []).forEach((v: any, i: number) => {
    const field = `${p.specField}.volumes[${i}]`;
    if (v?.configMap) add('ConfigMap', v.configMap.name, field, v.configMap.optional);
    if (v?.secret) add('Secret', v.secret.secretName, field, v.secret.optional);
    for (const src of Array.isArray(v?.projected?.sources) ? v.projected.sources : []) {
      if (src?.configMap) add('ConfigMap', src.configMap.name, field, src.configMap.optional);
      if (src?.secret) add('Secret', src.secret.name, field, src.secret.optional);
    }
  });
  (Array.isArray(p.spec.imagePullSecrets) ? p.spec.imagePullSecrets : []).forEach((s: any, i: number) => {
    add('Secret', s?.name, `${p.specField}.imagePullSecrets[${i}]`, true); // a missing pull secret does not stop the pod
  });
  return out;
}

/** Whether a name ends in a content hash: hex (HashedConfigMap) or kustomize's alphabet. */
export function hasContentHash(name: string): boolean {
  const suffix = name.slice(name.lastIndexOf('-') + 1);
  if (suffix === name) return false;
  return (/^[0-9a-f]{6,}$/.test(suffix) && /\d/.test(suffix)) || /^[bcdfghkmt2-9]{10}$/.test(suffix);
}

/**
 * Whether a name ends in the hash suffix of a kustomize generator (`configMapGenerator`,
 * `secretGenerator`): ten characters of kustomize's alphabet, such as `app-config-5f7h9k2m4b`.
 */
export function hasKustomizeHash(name: string): boolean {
  return /-[bcdfghkmt2-9]{10}$/.test(name);
}

/**
 * `config-immutable`: ConfigMaps and Secrets in the output that a workload uses are immutable and
 * hash-named. A kustomize generator's hash-suffixed name is content naming without `immutable`:
 * the generator makes a new object for every change and rewrites every reference to it, so the
 * object in the output is never edited in place by a deploy (a plain mutable one is still flagged).
 */
export function configImmutable(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    const seen = new Set<string>();
    for (const r of configRefs(p)) {
      const k = `${r.kind}/${r.name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const obj = ctx.index.get(r.kind, p.obj.ns, r.name);
      if (!obj) continue; // not generated by the app: nothing to roll
      const problems: string[] = [];
      if (obj.m.immutable !== true && !hasKustomizeHash(r.name)) problems.push('is not immutable, so it can be edited in place under running pods');
      if (!hasContentHash(r.name)) problems.push('has no content hash in its name, so a change does not roll the pods and cannot be rolled back');
      if (problems.length > 0) {
        ctx.report(p.obj, `uses ${r.kind} ${r.name}, which ${problems.join(' and ')}`, {
          field: r.field, alsoSkippedBy: [obj],
          fix: r.kind === 'ConfigMap'
            ? 'use a HashedConfigMap (immutable: true, named <prefix>-<content hash>)'
            : 'set immutable: true and put a content hash in the Secret name',
        });
      }
    }
  }
}

/** Endpoints of a monitor (`podMetricsEndpoints` or `endpoints`) that are objects. */
function monitorEndpoints(mon: Obj, field: string): any[] {
  const list = mon.m.spec?.[field];
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** What a monitor endpoint names as its port (prometheus-operator: `port` by name, `targetPort` or `portNumber`), or undefined: every port. */
function endpointPort(e: any): string | undefined {
  const port = e.port ?? e.targetPort ?? e.portNumber;
  return port === undefined || port === null ? undefined : String(port);
}

/**
 * Pod templates that Prometheus scrapes through a ServiceMonitor or PodMonitor: the monitor
 * selects them, and one of its endpoints names a port they serve (a PodMonitor: a port of any
 * container, sidecars and native sidecars included; a ServiceMonitor: a port of the Service).
 * `missed` keeps, per pod template, the monitors that select it but name no port it has.
 */
function scrapedPods(index: ObjectIndex): { scraped: Set<PodSet>; missed: Map<PodSet, string[]> } {
  return index.once('scraped', () => {
    const scraped = new Set<PodSet>();
    const missed = new Map<PodSet, string[]>();
    const miss = (p: PodSet, text: string) => {
      const list = missed.get(p);
      if (list) list.push(text); else missed.set(p, [text]);
    };
    const namespaces = (mon: Obj): Array<string | undefined> => {
      const sel = mon.m.spec?.namespaceSelector;
      if (sel?.any === true) return [undefined];
      if (Array.isArray(sel?.matchNames) && sel.matchNames.length > 0) return sel.matchNames.map(String);
      return [mon.ns ?? ''];
    };
    for (const pm of index.ofKind('PodMonitor')) {
      const wanted = monitorEndpoints(pm, 'podMetricsEndpoints').map(endpointPort);
      for (const ns of namespaces(pm)) {
        for (const p of index.selectPods(ns, pm.m.spec?.selector)) {
          const declared = p.allContainers.flatMap((c) => (Array.isArray(c.c.ports) ? c.c.ports.filter(isObject) : []));
          const names = declared.flatMap((d: any) => [d.name, d.containerPort].filter((x) => x !== undefined).map(String));
          if (wanted.length === 0 || wanted.some((w) => w === undefined || names.includes(w))) scraped.add(p);
          else miss(p, `PodMonitor ${pm.name} selects its pods but scrapes port ${wanted.map((w) => `"${w}"`).join(', ')}, which no container declares`);
        }
      }
    }
    for (const sm of index.ofKind('ServiceMonitor')) {
      const wanted = monitorEndpoints(sm, 'endpoints').map(endpointPort);
      for (const ns of namespaces(sm)) {
        for (const svc of index.selectObjects('Service', ns, sm.m.spec?.selector)) {
          const ports = Array.isArray(svc.m.spec?.ports) ? svc.m.spec.ports.filter(isObject) : [];
          const names = ports.flatMap((sp: any) => [sp.name, sp.targetPort].filter((x) => x !== undefined).map(String));
          const hit = wanted.length === 0 || wanted.some((w) => w === undefined || names.includes(w));
          for (const p of index.selectPodsByMap(svc.ns ?? '', svc.m.spec?.selector)) {
            if (hit) scraped.add(p);
            else miss(p, `ServiceMonitor ${sm.name} selects Service ${svc.name} but scrapes port ${wanted.map((w) => `"${w}"`).join(', ')}, which the Service does not have`);
          }
        }
      }
    }
    return { scraped, missed };
  });
}

/**
 * Every containerPort the containers of a pod template declare (sidecars and init containers
 * included), or undefined when one is not a port number (api-valid reports it).
 */
function declaredPorts(p: PodSet): number[] | undefined {
  const ports: unknown[] = p.allContainers.flatMap((c) => (Array.isArray(c.c.ports) ? c.c.ports : [])).map((d: any) => d?.containerPort);
  return ports.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) ? ports as number[] : undefined;
}

/**
 * Why a `prometheus.io/port` annotation (of a scraped pod template, or of a scraped Service,
 * whose endpoints Prometheus then scrapes on that port of each pod) misses: not a port number,
 * or a port that no container declares while they declare others (Prometheus then scrapes a
 * port nothing listens on). Undefined when it is sound, when it is not scraped, or when no
 * container declares a port. `pods`: the pod templates whose ports count; `whose`: who declares them.
 */
function annotatedPortProblem(annotations: { [key: string]: string }, pods: PodSet[], whose: (lacking: PodSet[]) => string): string | undefined {
  const port = annotations['prometheus.io/port'];
  if (port === undefined || annotations['prometheus.io/scrape'] !== 'true') return undefined;
  if (typeof port !== 'string' || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return `has the annotation prometheus.io/port ${JSON.stringify(port)}, which is not a port number from 1 to 65535, so Prometheus cannot scrape it`;
  }
  const lacking: PodSet[] = [];
  const declared = new Set<number>();
  for (const p of pods) {
    const ports = declaredPorts(p);
    if (ports === undefined || ports.length === 0 || ports.includes(Number(port))) continue;
    lacking.push(p);
    ports.forEach((n) => declared.add(n));
  }
  if (lacking.length === 0) return undefined;
  const list = [...declared].sort((a, b) => a - b);
  return `has the annotation prometheus.io/port ${port}, but ${whose(lacking)} declare only port${list.length > 1 ? 's' : ''} ${list.join(', ')}, so Prometheus scrapes a port nothing listens on`;
}

const SCRAPE = 'prometheus.io/scrape';
const PORT_ANNOTATION_FIX = 'set prometheus.io/port to the containerPort that serves the metrics (a sidecar\'s, such as an exporter\'s, counts)';

/**
 * Reports a scraped Service whose `prometheus.io/port` no container of the pods it selects
 * declares: Prometheus' endpoint discovery scrapes that port on each selected pod.
 */
function servicePortAnnotations(ctx: RuleContext): void {
  for (const svc of ctx.index.ofKind('Service')) {
    if (svc.annotations['prometheus.io/port'] === undefined || svc.annotations['prometheus.io/scrape'] !== 'true') continue;
    const pods = ctx.index.selectPodsByMap(svc.ns ?? '', svc.m.spec?.selector);
    const problem = annotatedPortProblem(svc.annotations, pods, (lacking) => `the containers of the pods it selects (${lacking.map((p) => `${p.obj.kind}/${p.obj.name}`).join(', ')})`);
    if (problem !== undefined) ctx.report(svc, problem, { field: 'metadata.annotations.prometheus.io/port', fix: PORT_ANNOTATION_FIX });
  }
}

/** `metrics`: a serving workload can be scraped by Prometheus, on a port its containers declare. */
export function metrics(ctx: RuleContext): void {
  const { scraped, missed } = scrapedPods(ctx.index);
  const services = servicesByPod(ctx.index);
  for (const p of ctx.index.podSets) {
    const annotated = annotatedPortProblem(p.annotations, [p], () => 'its containers');
    if (annotated !== undefined) ctx.report(p.obj, annotated, { field: `${p.metaField}.annotations.prometheus.io/port`, fix: PORT_ANNOTATION_FIX });
    if (servingContainers(ctx.index, p).length === 0) continue;
    if (scraped.has(p) || p.annotations['prometheus.io/scrape'] === 'true') continue;
    // Prometheus' Kubernetes service discovery also scrapes the endpoints of an annotated Service.
    if ((services.get(p) ?? []).some((svc) => svc.annotations['prometheus.io/scrape'] === 'true')) continue;
    const monitors = missed.get(p);
    if (monitors !== undefined) {
      ctx.report(p.obj, `serves on a port but nothing scrapes its metrics: ${monitors.join('; ')}`, {
        field: `${p.metaField}.annotations`, fix: 'name a port the pods serve (a sidecar\'s, such as an exporter\'s, counts) in the monitor\'s endpoints',
      });
      continue;
    }
    // Annotations other than "true": Prometheus' usual relabeling keeps only the exact value.
    const values = [
      ...(p.annotations[SCRAPE] !== undefined ? [`${JSON.stringify(p.annotations[SCRAPE])} on its pods`] : []),
      ...(services.get(p) ?? []).filter((svc) => svc.annotations[SCRAPE] !== undefined).map((svc) => `${JSON.stringify(svc.annotations[SCRAPE])} on Service ${svc.name}`),
    ];
    const nothing = 'serves on a port but nothing scrapes its metrics: no ServiceMonitor or PodMonitor selects it, and ';
    if (values.length === 0) {
      ctx.report(p.obj, `${nothing}neither its pods nor a Service that selects them has the ${SCRAPE} annotation`, { field: `${p.metaField}.annotations` });
    } else {
      ctx.report(p.obj, `${nothing}the ${SCRAPE} annotation is ${values.join(' and ')}: only "true", exactly, makes Prometheus scrape`, {
        field: `${p.metaField}.annotations`, fix: `set ${SCRAPE}: "true" (in lower case) on the pods or on a Service that selects them, or select the pods with a ServiceMonitor or PodMonitor`,
      });
    }
  }
  servicePortAnnotations(ctx);
}

const RECOMMENDED = [LABEL_NAME, LABEL_INSTANCE, LABEL_MANAGED_BY];

/** `labels`: objects carry the recommended labels, pod templates theirs, and Services select pods that exist and target ports they declare by name (a workload's own selector is `api-valid`'s). */
export function labels(ctx: RuleContext): void {
  for (const obj of ctx.index.all) {
    const missing = RECOMMENDED.filter((l) => !obj.labels[l]);
    if (missing.length > 0) ctx.report(obj, `has no ${missing.join(', ')} label${missing.length > 1 ? 's' : ''}`, { field: 'metadata.labels' });
  }
  for (const p of ctx.index.podSets) {
    const missing = [LABEL_NAME, LABEL_INSTANCE].filter((l) => !p.labels[l]);
    if (missing.length > 0) ctx.report(p.obj, `its pod template has no ${missing.join(', ')} label${missing.length > 1 ? 's' : ''}`, { field: `${p.metaField}.labels` });
  }
  for (const svc of ctx.index.ofKind('Service')) {
    const spec = svc.m.spec ?? {};
    if (spec.type === 'ExternalName' || !isObject(spec.selector) || Object.keys(spec.selector).length === 0) continue;
    if (isExternal(ctx.options.externalServices, svc.ns, svc.name)) continue;
    const pods = ctx.index.selectPodsByMap(svc.ns ?? '', spec.selector);
    if (pods.length === 0) {
      ctx.report(svc, `selects ${showSelector(spec.selector)}, but no pod template of the app in ${svc.ns ? `namespace ${svc.ns}` : 'its namespace'} has those labels, so it has no endpoints`, {
        field: 'spec.selector', fix: 'select the labels of the workload\'s pod template (or declare the Service external when its pods come from elsewhere)',
      });
      continue;
    }
    namedTargetPorts(ctx, svc, pods);
  }
}

/**
 * Reports each port of a Service whose named targetPort no running container of a selected
 * pod template declares: those pods are no endpoints of that port. A numeric targetPort is
 * sent to that port whether or not a container declares it.
 */
function namedTargetPorts(ctx: RuleContext, svc: Obj, pods: PodSet[]): void {
  const ports = Array.isArray(svc.m.spec?.ports) ? svc.m.spec.ports : [];
  ports.forEach((sp: any, i: number) => {
    const target = isObject(sp) ? sp.targetPort : undefined;
    // "" is unset: the API server sets targetPort to the port.
    if (typeof target !== 'string' || target === '' || /^\d+$/.test(target)) return;
    const lacking = pods.filter((p) => !p.runningContainers.some((c) => (Array.isArray(c.c.ports) ? c.c.ports : []).some((d: any) => isObject(d) && d.name === target)));
    if (lacking.length === 0) return;
    const names = (p: PodSet) => [...new Set(p.runningContainers.flatMap((c) => (Array.isArray(c.c.ports) ? c.c.ports : []).map((d: any) => d?.name).filter((n: unknown) => typeof n === 'string')))];
    const shown = lacking.map((p) => `${p.obj.kind}/${p.obj.name}${names(p).length > 0 ? ` (its port names: ${names(p).join(', ')})` : ' (it names no port)'}`).join(', ');
    ctx.report(svc, `spec.ports[${i}] targets the port named "${target}", which no container of ${shown} declares, so ${lacking.length === pods.length ? 'the Service has no endpoints on that port' : 'those pods are no endpoints of that port'}`, {
      field: `spec.ports[${i}].targetPort`, alsoSkippedBy: lacking.map((p) => p.obj),
      fix: `name the container port "${target}" (ports[].name) or target a declared port name or number`,
    });
  });
}
