import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkLabels } from '../core/validate';
import { ConstructKind } from '../core/kinds';
import { SpreadProps } from './props';
import { KubernetesVersion } from './version';

/** Topology spread and anti-affinity of a replicated kind, resolved. */
export interface ResolvedSpread {
  readonly nodeRequired: boolean;
  readonly zoneRequired: boolean;
  readonly matchLabelKeys?: readonly string[];
}

/** Spread over nodes and zones (rules spread-nodes, spread-zones). */
export function resolveSpread(props: SpreadProps, kind: ConstructKind, version: KubernetesVersion): ResolvedSpread {
  // matchLabelKeys is beta and on by default from 1.27, the oldest supported target.
  const matchLabelKeys = kind.spreadMatchLabelKeys && version.atLeast(KubernetesVersion.V1_27) ? kind.spreadMatchLabelKeys : undefined;
  return { nodeRequired: props.nodeSpreadRequired === true, zoneRequired: props.zoneSpreadRequired === true, matchLabelKeys };
}

/** The node selector: `nodeSelector` plus `kubernetes.io/arch` (rule arch-explicit). */
export function resolveNodeSelector(scope: IConstruct, kind: string, nodeSelector: { [key: string]: string } | undefined, architecture: string | undefined): { [key: string]: string } | undefined {
  const result = checkLabels(scope, kind, 'nodeSelector', nodeSelector);
  if (architecture !== undefined) {
    if (!/^[a-z0-9]+$/.test(architecture)) fail(scope, kind, 'architecture', architecture, 'a GOARCH name such as "amd64" or "arm64"');
    const given = result['kubernetes.io/arch'];
    if (given !== undefined && given !== architecture) {
      fail(scope, kind, 'nodeSelector.kubernetes.io/arch', given, `the same architecture as architecture (${architecture}), or only one of them`);
    }
    result['kubernetes.io/arch'] = architecture;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}
