import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CLUSTER_SCOPED_KINDS } from './cluster-scoped-kinds';
import { allApiObjects } from './synthesis';

/** The set of cluster-scoped kinds: built-in, declared by CRDs in the app, and extra. */
export class ClusterScopedKinds {
  private readonly qualified = new Set<string>(CLUSTER_SCOPED_KINDS);
  private readonly anyGroup = new Set<string>();

  /** `extra`: "Kind" (any API group) or "group/Kind". */
  constructor(extra: readonly string[]) {
    for (const e of extra) {
      if (e.includes('/')) this.qualified.add(e);
      else this.anyGroup.add(e);
    }
  }

  /** Adds kinds as "group/Kind". */
  public addQualified(kinds: readonly string[]): void {
    for (const k of kinds) this.qualified.add(k);
  }

  public has(obj: ApiObject): boolean {
    return this.anyGroup.has(obj.kind) || this.qualified.has(`${obj.apiGroup}/${obj.kind}`);
  }
}

/** The kinds that CustomResourceDefinitions anywhere in the app of `root` declare cluster-scoped, as "group/Kind". */
export function clusterScopedKindsOfCrds(root: IConstruct): string[] {
  const kinds: string[] = [];
  for (const c of allApiObjects(root)) {
    if (c.kind !== 'CustomResourceDefinition') continue;
    const spec = (c.toJson() as any).spec ?? {};
    if (spec.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string') {
      kinds.push(`${spec.group}/${spec.names.kind}`);
    }
  }
  return kinds;
}
