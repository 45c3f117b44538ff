/**
 * `kind-fields`: each pod-bearing kind's own fields hold values the API server accepts for
 * that kind, and that work (a wrong restartPolicy for the kind, a schedule that does not parse
 * an unknown timeZone and a podFailurePolicy without restartPolicy Never are the API server's
 * refusals, reported by api-valid, which cannot be
 * switched off): no activeDeadlineSeconds under a
 * controller that restarts its pods, an update strategy without a rollingUpdate it cannot
 * use, a StatefulSet's serviceName (a headless Service when the output has one for it), its
 * claim templates and podManagementPolicy, a CronJob schedule that fires, its
 * concurrencyPolicy, init container restartPolicy,
 * no negative counts or seconds, and no `spec.replicas` on a DaemonSet. A JSON
 * patch or a hand-written object that breaks one is refused at apply time, or never runs.
 */
import { scheduleProblem, scheduleSyntaxProblem } from '../../core/cron';
import { KUBERNETES_VERSION_ANNOTATION } from '../../core/labels';
import { int32Problem } from '../../core/validation/rules';
import { DEFAULT_TARGET_MINOR, kubernetesTarget } from '../../core/validation/target';
import { RuleContext } from '../context';
import { isObject, Obj, PodSet } from '../objects';

/** The strategy types that take no `rollingUpdate` (the API server rejects one), per kind. */
const NO_ROLLING_UPDATE: { [kind: string]: string } = { Deployment: 'Recreate', StatefulSet: 'OnDelete' };

export function kindFields(ctx: RuleContext): void {
  for (const obj of ctx.index.all) {
    const recorded = obj.subject ? obj.m.metadata?.annotations?.[KUBERNETES_VERSION_ANNOTATION] : undefined;
    if (recorded === undefined || recorded === null || kubernetesTarget(obj.m).recorded) continue;
    ctx.report(obj, `has the annotation ${KUBERNETES_VERSION_ANNOTATION} ${JSON.stringify(recorded)}, which is not a target version, so it is judged at the default target 1.${DEFAULT_TARGET_MINOR}`, {
      field: `metadata.annotations.${KUBERNETES_VERSION_ANNOTATION}`, fix: 'write the minor version alone, such as "1.29" (no "v", no patch number)',
    });
  }
  for (const p of ctx.index.podSets) {
    const kind = p.obj.kind;
    const allowed = p.kind.restartPolicies; // a wrong restartPolicy is the API server's refusal: api-valid reports it
    // Controllers that restart their pods for ever: a deadline would end each pod and restart it.
    if (kind !== 'Pod' && allowed.length === 1 && allowed[0] === 'Always' && p.spec.activeDeadlineSeconds !== undefined && p.spec.activeDeadlineSeconds !== null) {
      ctx.report(p.obj, `sets activeDeadlineSeconds in its pod template, which the API server rejects for a ${kind}: its pods run until they are replaced`, {
        field: `${p.specField}.activeDeadlineSeconds`, fix: 'remove activeDeadlineSeconds from the pod template (a Job bounds a run with it)',
      });
    }
    const spec = isObject(p.obj.m.spec) ? p.obj.m.spec : {};
    const strategyField = p.kind.strategyField;
    const strategy = strategyField !== undefined && isObject(spec[strategyField]) ? spec[strategyField] : {};
    if (NO_ROLLING_UPDATE[kind] !== undefined && strategy.type === NO_ROLLING_UPDATE[kind] && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
      ctx.report(p.obj, `has spec.${strategyField}.rollingUpdate with type ${strategy.type}, which the API server rejects: rollingUpdate is only for type RollingUpdate`, {
        field: `spec.${strategyField}.rollingUpdate`, fix: `remove spec.${strategyField}.rollingUpdate, or set spec.${strategyField}.type to RollingUpdate`,
      });
    }
    if (kind === 'StatefulSet' && (typeof spec.serviceName !== 'string' || spec.serviceName === '')) {
      ctx.report(p.obj, 'has no spec.serviceName: its pods get no stable DNS names (<pod>.<service>), and the schemas of Kubernetes 1.30 require the field', {
        field: 'spec.serviceName', fix: 'set spec.serviceName to a headless Service (clusterIP: None) that selects the pods',
      });
    }
    if (kind === 'StatefulSet' && typeof spec.serviceName === 'string' && spec.serviceName !== '') governingService(ctx, p, spec.serviceName);
    if (kind === 'CronJob') {
      // A schedule that does not parse is the API server's refusal (api-valid); one that never fires is this rule's.
      const problem = scheduleSyntaxProblem(spec.schedule) === undefined ? scheduleProblem(spec.schedule) : undefined;
      if (problem !== undefined) {
        ctx.report(p.obj, `has spec.schedule ${JSON.stringify(spec.schedule) ?? 'unset'}; expected ${problem}`, { field: 'spec.schedule' });
      }
      cronFields(ctx, p.obj, spec);
    }
    if (kind === 'StatefulSet') statefulSetFields(ctx, p.obj, spec);
    if (kind === 'DaemonSet' && spec.replicas !== undefined && spec.replicas !== null) {
      ctx.report(p.obj, 'has spec.replicas, which a DaemonSet does not have: it runs one pod on each matching node, and the API server refuses the unknown field', {
        field: 'spec.replicas', fix: 'remove spec.replicas; choose the nodes with a nodeSelector, affinity and tolerations',
      });
    }
    negativeCounts(ctx, p.obj, spec, kind);
    podFields(ctx, p);
    versionGated(ctx, p, spec);
  }
}

/** A field that a Kubernetes version before `minor` refuses or drops (its feature gate is off by default). */
interface Gated { readonly minor: number; readonly what: string; readonly field: string }

/**
 * Fields newer than the object's target Kubernetes version (annotation
 * `guardrails.cdk8s.io/kubernetes-version`, else 1.27): an older API server refuses or
 * silently drops them, so the pod runs without what they ask for.
 */
function versionGated(ctx: RuleContext, p: PodSet, spec: { [key: string]: any }): void {
  const { minor: target, recorded: match } = kubernetesTarget(p.obj.m);
  const found: Gated[] = [];
  const pod = p.spec;
  (Array.isArray(pod.initContainers) ? pod.initContainers : []).forEach((c: any, i: number) => {
    if (isObject(c) && c.restartPolicy === 'Always') found.push({ minor: 29, what: `native sidecar "${c.name}" (an init container with restartPolicy: Always)`, field: `${p.specField}.initContainers[${i}].restartPolicy` });
  });
  for (const list of ['initContainers', 'containers']) {
    (Array.isArray(pod[list]) ? pod[list] : []).forEach((c: any, i: number) => {
      if (!isObject(c)) return;
      for (const hook of ['preStop', 'postStart']) {
        if (isObject(c.lifecycle?.[hook]?.sleep)) found.push({ minor: 30, what: `the sleep action of container "${c.name}"'s ${hook} hook`, field: `${p.specField}.${list}[${i}].lifecycle.${hook}.sleep` });
      }
      if (c.resizePolicy !== undefined) found.push({ minor: 33, what: `resizePolicy of container "${c.name}" (in-place resize)`, field: `${p.specField}.${list}[${i}].resizePolicy` });
      if (c.securityContext?.appArmorProfile !== undefined) found.push({ minor: 30, what: `securityContext.appArmorProfile of container "${c.name}"`, field: `${p.specField}.${list}[${i}].securityContext.appArmorProfile` });
    });
  }
  if (pod.securityContext?.appArmorProfile !== undefined) found.push({ minor: 30, what: 'the pod\'s securityContext.appArmorProfile', field: `${p.specField}.securityContext.appArmorProfile` });
  if (pod.hostUsers === false) found.push({ minor: 33, what: 'hostUsers: false (user namespaces)', field: `${p.specField}.hostUsers` });
  const job = p.obj.kind === 'Job' ? spec : p.obj.kind === 'CronJob' && isObject(spec.jobTemplate?.spec) ? spec.jobTemplate.spec : undefined;
  const jobAt = p.obj.kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec';
  if (job !== undefined) {
    for (const [name, minor] of [['backoffLimitPerIndex', 29], ['maxFailedIndexes', 29], ['podReplacementPolicy', 29], ['successPolicy', 31], ['managedBy', 32]] as const) {
      if (job[name] !== undefined && job[name] !== null) found.push({ minor, what: `${jobAt}.${name}`, field: `${jobAt}.${name}` });
    }
  }
  for (const g of found) {
    if (g.minor <= target) continue;
    ctx.report(p.obj, `uses ${g.what}, which needs Kubernetes 1.${g.minor}, above its target 1.${target}${match ? '' : ' (the default: no guardrails.cdk8s.io/kubernetes-version annotation)'}; an older API server refuses or drops it`, {
      field: g.field, fix: `remove ${g.field}, or raise the target to 1.${g.minor} (KubernetesVersion.setTarget, or the annotation ${KUBERNETES_VERSION_ANNOTATION}: "1.${g.minor}")`,
    });
  }
}

/** Count and seconds fields of each kind, and the least value the API server accepts. */
const COUNTS: { [kind: string]: { [field: string]: number } } = {
  Deployment: { minReadySeconds: 0, revisionHistoryLimit: 0, progressDeadlineSeconds: 1 },
  ReplicaSet: { minReadySeconds: 0 },
  StatefulSet: { minReadySeconds: 0, revisionHistoryLimit: 0 },
  DaemonSet: { minReadySeconds: 0, revisionHistoryLimit: 0 },
  Job: { backoffLimit: 0, completions: 0, parallelism: 0, activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 0 },
  CronJob: { startingDeadlineSeconds: 0, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 },
};

function negativeCounts(ctx: RuleContext, obj: Obj, spec: { [key: string]: any }, kind: string): void {
  const check = (fields: { [field: string]: number } | undefined, at: { [key: string]: any }, prefix: string) => {
    for (const [name, min] of Object.entries(fields ?? {})) {
      const value = at[name];
      if (value === undefined || value === null || int32Problem(value, min) === undefined) continue;
      ctx.report(obj, `has ${prefix}.${name} ${JSON.stringify(value)}; the API server accepts only a whole number of at least ${min}`, {
        field: `${prefix}.${name}`, fix: `set ${prefix}.${name} to ${min} or more, or leave it out for the default`,
      });
    }
  };
  check(COUNTS[kind], spec, 'spec');
  if (kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) check(COUNTS.Job, spec.jobTemplate.spec, 'spec.jobTemplate.spec');
}

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

function cronFields(ctx: RuleContext, obj: Obj, spec: { [key: string]: any }): void {
  // An unknown timeZone is the API server's refusal: api-valid reports it.
  // "" is unset: the API server's defaulting sets Allow.
  if (spec.concurrencyPolicy !== undefined && spec.concurrencyPolicy !== null && spec.concurrencyPolicy !== '' && !CONCURRENCY_POLICIES.includes(spec.concurrencyPolicy)) {
    ctx.report(obj, `has spec.concurrencyPolicy ${JSON.stringify(spec.concurrencyPolicy)}; the API server accepts only Allow, Forbid or Replace`, {
      field: 'spec.concurrencyPolicy', fix: 'set spec.concurrencyPolicy to Forbid (one run at a time), Replace or Allow',
    });
  }
  const job = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
  for (const name of ['selector', 'manualSelector']) {
    if (job[name] === undefined || job[name] === null || (name === 'manualSelector' && job[name] === false)) continue;
    ctx.report(obj, `sets spec.jobTemplate.spec.${name}, which the API server rejects for a CronJob: the selector of each Job it starts is generated`, {
      field: `spec.jobTemplate.spec.${name}`, fix: `remove spec.jobTemplate.spec.${name}`,
    });
  }
}

const POD_MANAGEMENT_POLICIES = ['OrderedReady', 'Parallel'];

function statefulSetFields(ctx: RuleContext, obj: Obj, spec: { [key: string]: any }): void {
  // "" is unset: the API server's defaulting sets OrderedReady.
  if (spec.podManagementPolicy !== undefined && spec.podManagementPolicy !== null && spec.podManagementPolicy !== '' && !POD_MANAGEMENT_POLICIES.includes(spec.podManagementPolicy)) {
    ctx.report(obj, `has spec.podManagementPolicy ${JSON.stringify(spec.podManagementPolicy)}; the API server accepts only OrderedReady or Parallel`, {
      field: 'spec.podManagementPolicy', fix: 'set spec.podManagementPolicy to OrderedReady (the default) or Parallel',
    });
  }
  (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).forEach((c: any, i: number) => {
    const storage = c?.spec?.resources?.requests?.storage;
    if (storage !== undefined && storage !== null && storage !== '') return;
    const field = `spec.volumeClaimTemplates[${i}].spec.resources.requests.storage`;
    ctx.report(obj, `claim template ${JSON.stringify(c?.metadata?.name ?? `#${i}`)} has no ${field.slice(field.indexOf('spec.resources'))}; the API server rejects a claim without a storage size`, {
      field, fix: `set ${field} to the size each pod needs, e.g. "10Gi"`,
    });
  });
}

/** A StatefulSet's serviceName names a headless Service, when the output has Services for its pods. */
function governingService(ctx: RuleContext, p: PodSet, serviceName: string): void {
  const services = ctx.index.ofKind('Service').filter((o) => o.ns === p.obj.ns);
  const named = services.find((o) => o.name === serviceName);
  if (named !== undefined) {
    if (named.m.spec?.clusterIP !== 'None') {
      ctx.report(p.obj, `has spec.serviceName ${JSON.stringify(serviceName)}, a Service that is not headless: its pods get no stable DNS names (<pod>.${serviceName})`, {
        field: 'spec.serviceName', fix: `set spec.clusterIP: None on Service ${serviceName}, or point spec.serviceName at a headless Service that selects the pods`,
      });
    }
    return;
  }
  const selecting = services.filter((o) => isObject(o.m.spec?.selector) && Object.keys(o.m.spec.selector).length > 0
    && Object.entries(o.m.spec.selector).every(([k, v]) => p.labels[k] === v));
  if (selecting.length === 0) return;
  ctx.report(p.obj, `has spec.serviceName ${JSON.stringify(serviceName)}, but no Service of that name is in the output; the Services that select its pods are ${selecting.map((o) => o.name).join(', ')}`, {
    field: 'spec.serviceName', fix: 'set spec.serviceName to a headless Service (clusterIP: None) that selects the pods, and add it',
  });
}

/** Pod spec fields the API server checks the same way for every kind. */
function podFields(ctx: RuleContext, p: PodSet): void {
  (Array.isArray(p.spec.initContainers) ? p.spec.initContainers : []).forEach((c: any, i: number) => {
    if (!isObject(c) || c.restartPolicy === undefined || c.restartPolicy === null || c.restartPolicy === 'Always') return;
    const field = `${p.specField}.initContainers[${i}].restartPolicy`;
    ctx.report(p.obj, `init container ${JSON.stringify(c.name)} has restartPolicy ${JSON.stringify(c.restartPolicy)}; the API server accepts only Always (a native sidecar) there`, {
      field, fix: `remove ${field} for an init container that runs to completion, or set it to Always for a sidecar`,
    });
  });
  // A toleration with operator Exists and a value is the API server's refusal: api-valid reports it.
}
