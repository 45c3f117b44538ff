/**
 * Traffic as checks of the rule engine.
 *
 * - Blocked calls: each call that the app's NetworkPolicies refuse is reported on the calling
 *   workload, at the field that holds the address, with the rule to add as the fix; and each
 *   port of a LoadBalancer or NodePort Service whose pods refuse the outside traffic is
 *   reported on the Service. A skip annotation with a reason suppresses it, like any rule.
 * - Exposure: a LoadBalancer or NodePort Service is reported unless a skip annotation gives
 *   the reason it is reachable from outside the cluster.
 */
import { RuleContext } from '../practices/context';
import { Obj } from '../practices/objects';
import { blockedCalls } from './calls';
import { NetworkPolicyEvaluator } from './evaluator';
import { droppedExposures, EXTERNAL_SERVICE_TYPES } from './exposure';
import { readTrafficModel } from './model';

/** Reports every blocked call, and every external Service whose pods refuse its traffic, under `ctx.rule`. */
export function checkBlockedCalls(ctx: RuleContext): void {
  const found = ctx.index.once('traffic-blocked-calls', () => {
    const model = readTrafficModel(ctx.index.all.map((o) => o.m));
    const evaluator = new NetworkPolicyEvaluator(model);
    return { blocked: blockedCalls(model, evaluator), dropped: droppedExposures(model, evaluator) };
  });
  if (found.blocked.length === 0 && found.dropped.length === 0) return;
  const callers = new Map(ctx.index.podSets.map((p) => [`${p.obj.kind}/${p.obj.ns || 'default'}/${p.obj.name}`, p.obj]));
  for (const b of found.blocked) {
    const caller = callers.get(b.call.caller.id);
    if (caller) ctx.report(caller, b.message, { field: b.call.site.field, fix: b.fix });
  }
  const services = new Map(ctx.index.all.filter((o) => o.kind === 'Service').map((o) => [`${o.ns || 'default'}/${o.name}`, o]));
  for (const d of found.dropped) {
    const service = services.get(`${d.service.namespace}/${d.service.name}`);
    if (service) ctx.report(service, d.message, { field: `spec.ports[${d.portIndex}]`, fix: d.fix });
  }
}

/** Reports every LoadBalancer and NodePort Service under `ctx.rule` (a skip annotation with the reason allows it). */
export function checkExposure(ctx: RuleContext): void {
  for (const o of ctx.index.all) {
    if (o.kind !== 'Service' || !EXTERNAL_SERVICE_TYPES.includes(o.m?.spec?.type)) continue;
    ctx.report(o, exposureMessage(o), { field: 'spec.type' });
  }
}

function exposureMessage(o: Obj): string {
  const what = o.m.spec.type === 'LoadBalancer'
    ? 'a load balancer of the cloud makes its pods reachable from outside the cluster'
    : 'every node opens a port to its pods, reachable from outside the cluster';
  return `Service ${o.ns || 'default'}/${o.name} is of type ${o.m.spec.type}: ${what}, and no reason says why`;
}
