import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { podKindOf, podTemplateOf } from '../core/kinds';

/**
 * Whether a workload's pods run on the node's network: the pod template of its object says
 * `hostNetwork: true` (false while no pod object is written yet). Such pods are not pods to
 * a NetworkPolicy: their traffic carries the node's address, no pod selector names them, and
 * their own policies do not apply.
 */
export function runsOnNodeNetwork(workload: IConstruct): boolean {
  return workload.node.findAll().some((c) => ApiObject.isApiObject(c) && podKindOf({ kind: c.kind }) !== undefined
    && podTemplateOf(c.toJson())?.spec?.hostNetwork === true);
}
