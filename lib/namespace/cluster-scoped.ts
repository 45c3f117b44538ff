import { ApiObject } from 'cdk8s';
import { ClusterScopedKinds } from '../core/cluster-scoped-objects';

export { ClusterScopedKinds, clusterScopedKindsOfCrds } from '../core/cluster-scoped-objects';

/**
 * Removes the namespace that a Chart with a namespace stamps on every object it contains
 * from the cluster-scoped ones: the API server rejects or misfiles such objects. Returns
 * the objects changed.
 */
export function unstampClusterScoped(objects: readonly ApiObject[], kinds: ClusterScopedKinds): ApiObject[] {
  const changed: ApiObject[] = [];
  for (const obj of objects) {
    if (obj.metadata.namespace !== undefined && kinds.has(obj)) {
      // `namespace` is read-only in the typings only; the metadata is rendered from it.
      (obj.metadata as { namespace?: string }).namespace = undefined;
      changed.push(obj);
    }
  }
  return changed;
}

/**
 * Gives the namespace `namespace` to the namespaced objects under a chart that have none:
 * those of plain Charts nested in an IsolatedNamespace, which cdk8s leaves without one (they
 * would land in whatever namespace kubectl defaults to). Returns the objects changed.
 */
export function stampNamespaced(objects: readonly ApiObject[], kinds: ClusterScopedKinds, namespace: string): ApiObject[] {
  const changed: ApiObject[] = [];
  for (const obj of objects) {
    if (obj.metadata.namespace === undefined && !kinds.has(obj)) {
      (obj.metadata as { namespace?: string }).namespace = namespace;
      changed.push(obj);
    }
  }
  return changed;
}
