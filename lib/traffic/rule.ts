/**
 * Blocked calls as a check of the rule engine: each call that the app's NetworkPolicies refuse
 * is reported on the calling workload, at the field that holds the address, with the rule to
 * add as the fix. A skip annotation with a reason on the caller suppresses it, like any rule.
 */
import { RuleContext } from '../practices/context';
import { BlockedCall, findBlockedCalls } from './calls';

/** Reports every blocked call of the indexed app under `ctx.rule`. */
export function checkBlockedCalls(ctx: RuleContext): void {
  const blocked = ctx.index.once('traffic-blocked-calls', (): BlockedCall[] => findBlockedCalls(ctx.index.all.map((o) => o.m)));
  if (blocked.length === 0) return;
  const callers = new Map(ctx.index.podSets.map((p) => [`${p.obj.kind}/${p.obj.ns || 'default'}/${p.obj.name}`, p.obj]));
  for (const b of blocked) {
    const caller = callers.get(b.call.caller.id);
    if (caller) ctx.report(caller, b.message, { field: b.call.site.field, fix: b.fix });
  }
}
