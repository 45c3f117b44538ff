/**
 * `kind-fields`: each pod-bearing kind's own fields hold values that work. What the API server
 * refuses (a wrong restartPolicy for the kind, activeDeadlineSeconds under a controller that
 * restarts its pods, a rollingUpdate with Recreate or OnDelete, a CronJob job template with a
 * selector, an init container restartPolicy other than Always, a schedule that does not parse,
 * an unknown concurrencyPolicy, podManagementPolicy or timeZone, negative counts, a claim
 * template without storage, an unknown field such as a DaemonSet's spec.replicas) is reported
 * by api-valid alone, which cannot be switched off. This rule keeps what the API server accepts
 * but does not work: a StatefulSet without a governing headless Service, a CronJob schedule
 * that never fires, a Job deadline of 0 seconds, a target-version annotation that is not one,
 * and fields newer than the object's target Kubernetes version.
 */
import { scheduleProblem, scheduleSyntaxProblem } from '../../core/cron';
import { KUBERNETES_VERSION_ANNOTATION } from '../../core/labels';
import { DEFAULT_TARGET_MINOR, kubernetesTarget } from '../../core/validation/target';
import { RuleContext } from '../context';
import { isObject, Obj, PodSet } from '../objects';

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
    const spec = isObject(p.obj.m.spec) ? p.obj.m.spec : {};
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
    }
    jobDeadline(ctx, p.obj, spec, kind);
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

/**
 * A Job deadline of 0 seconds: the API server accepts it (a negative one is api-valid's), but
 * the deadline has passed when the Job starts, so it fails at once without running a pod to the end.
 */
function jobDeadline(ctx: RuleContext, obj: Obj, spec: { [key: string]: any }, kind: string): void {
  const job = kind === 'Job' ? spec : kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  if (job === undefined || job.activeDeadlineSeconds !== 0) return;
  const field = `${kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec'}.activeDeadlineSeconds`;
  ctx.report(obj, `has ${field} 0: the deadline has passed when the Job starts, so it fails at once`, {
    field, fix: `set ${field} to the seconds a run may take, or leave it out for no deadline`,
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
