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
