import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ConstructKind } from '../core/kinds';

/**
 * Why a workload rule cannot apply to a kind (so a skip of it switches nothing off), or
 * undefined when it applies. The same kinds as the checker's: replicas-min on stateless
 * kinds, pdb and spread on replicated ones, probes, graceful shutdown and metrics on
 * long-running ones, rollout on kinds with an update strategy.
 */
export function ruleNotApplicable(ruleId: string, kind: ConstructKind): string | undefined {
  const k = kind.construct;
  const completes = `a ${k}'s pods run to completion`;
  switch (ruleId) {
    case 'replicas-min':
      if (kind.stateless) return undefined;
      if (kind.replicated) return `rule replicas-min is for stateless workloads; a ${k} may run one replica without a skip`;
      return kind.longRunning ? `a ${k} runs one pod on each node and has no replicas` : `${completes}, and it has no replicas`;
    case 'pdb':
    case 'spread-nodes':
    case 'spread-zones':
      if (kind.replicated) return undefined;
      return kind.longRunning ? `a ${k} runs one pod on each node: there are no replicas to ${ruleId === 'pdb' ? 'protect with a PodDisruptionBudget' : 'spread'}` : `${completes}: there are no replicas to ${ruleId === 'pdb' ? 'protect with a PodDisruptionBudget' : 'spread'}`;
    case 'probe-readiness':
    case 'probe-liveness':
    case 'graceful-shutdown':
    case 'metrics':
      return kind.longRunning ? undefined : `${completes}: rule ${ruleId} is for pods that run until they are stopped`;
    case 'rollout':
      return kind.strategyField !== undefined ? undefined : `a ${k} has no update strategy`;
    default:
      return undefined;
  }
}

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
