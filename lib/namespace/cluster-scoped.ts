import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Cluster-scoped kinds, as `<api group>/<kind>` ('core' for the core group): the
 * built-in ones up to Kubernetes 1.33, and those of CRDs this library works with.
 */
const BUILT_IN: readonly string[] = [
  'core/Namespace', 'core/Node', 'core/PersistentVolume', 'core/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'authentication.k8s.io/TokenReview', 'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SubjectAccessReview', 'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'policy/PodSecurityPolicy',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
  'internal.apiserver.k8s.io/StorageVersion',
  'storagemigration.k8s.io/StorageVersionMigration',
  'snapshot.storage.k8s.io/VolumeSnapshotClass', 'snapshot.storage.k8s.io/VolumeSnapshotContent',
  'gateway.networking.k8s.io/GatewayClass',
  'cert-manager.io/ClusterIssuer',
  'external-secrets.io/ClusterSecretStore', 'external-secrets.io/ClusterExternalSecret',
];

/** The set of cluster-scoped kinds: built-in, declared by CRDs in the app, and extra. */
export class ClusterScopedKinds {
  private readonly qualified = new Set<string>(BUILT_IN);
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

/** The kinds that CustomResourceDefinitions anywhere under `root` declare cluster-scoped, as "group/Kind". */
export function clusterScopedKindsOfCrds(root: IConstruct): string[] {
  const kinds: string[] = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || c.kind !== 'CustomResourceDefinition') continue;
    const spec = (c.toJson() as any).spec ?? {};
    if (spec.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string') {
      kinds.push(`${spec.group}/${spec.names.kind}`);
    }
  }
  return kinds;
}

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
