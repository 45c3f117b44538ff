/**
 * `kind-fields`: each pod-bearing kind's own fields hold values the API server accepts for
 * that kind, and that work: the pods' restartPolicy, no activeDeadlineSeconds under a
 * controller that restarts its pods, an update strategy without a rollingUpdate it cannot
 * use, a StatefulSet's serviceName, and a CronJob schedule that parses and fires. A JSON
 * patch or a hand-written object that breaks one is refused at apply time, or never runs.
 */
import { scheduleProblem } from '../../core/cron';
import { RuleContext } from '../context';
import { isObject } from '../objects';

/** The strategy types that take no `rollingUpdate` (the API server rejects one), per kind. */
const NO_ROLLING_UPDATE: { [kind: string]: string } = { Deployment: 'Recreate', StatefulSet: 'OnDelete' };

export function kindFields(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    const kind = p.obj.kind;
    const allowed = p.kind.restartPolicies;
    const policy = p.spec.restartPolicy;
    const field = `${p.specField}.restartPolicy`;
    if (policy === undefined || policy === null) {
      if (!allowed.includes('Always')) {
        ctx.report(p.obj, `its pod template has no restartPolicy, so it means Always, which the API server rejects for a ${kind}: its pods run to completion`, {
          field, fix: `set ${field} to ${allowed.join(' or ')}`,
        });
      }
    } else if (!allowed.includes(policy)) {
      ctx.report(p.obj, `has restartPolicy ${JSON.stringify(policy)}; a ${kind} accepts only ${allowed.join(' or ')}, so the API server rejects it`, {
        field, fix: `set ${field} to ${allowed[0]}${allowed.length > 1 ? ` or ${allowed.slice(1).join(' or ')}` : ' (or leave it out)'}`,
      });
    }
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
    if (kind === 'CronJob') {
      const problem = scheduleProblem(spec.schedule);
      if (problem !== undefined) {
        ctx.report(p.obj, `has spec.schedule ${JSON.stringify(spec.schedule) ?? 'unset'}; expected ${problem}`, { field: 'spec.schedule' });
      }
    }
  }
}
