import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ConstructKind, ruleNotApplicable } from '../core/kinds';

/**
 * Refuses a skip, given in a workload's own props, of a rule that cannot apply to its kind:
 * it would be written and switch nothing off.
 * @throws naming the rule and why it does not apply
 */
export function checkSkipsApply(scope: IConstruct, kind: ConstructKind, skip: { [ruleId: string]: string } | undefined): void {
  if (skip === undefined || skip === null || typeof skip !== 'object') return;
  for (const id of Object.keys(skip).sort()) {
    const why = ruleNotApplicable(id, kind);
    if (why !== undefined) fail(scope, kind.construct, `skip.${id}`, id, `no skip of a rule that does not apply: ${why}; remove skip['${id}']`);
  }
}

/** The skips that apply to the kind: inherited chart and app skips reach only the kinds they mean something for. */
export function applicableSkips(kind: ConstructKind, skip: { [ruleId: string]: string } | undefined): { [ruleId: string]: string } | undefined {
  if (skip === undefined || skip === null || typeof skip !== 'object') return skip;
  return Object.fromEntries(Object.entries(skip).filter(([id]) => ruleNotApplicable(id, kind) === undefined));
}
