import * as kplus from 'cdk8s-plus-27';

/** One grant: verbs on resources of one API group ('' is the core group). */
export interface Grant {
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/**
 * What a viewer reads: the namespace's workloads, their status, logs and events, and the
 * objects this library emits. No Secrets (`list` on Secrets returns their values).
 */
export const VIEWER_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts', 'events', 'limitranges', 'resourcequotas', 'replicationcontrollers'], verbs: READ },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroup: 'policy', resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroup: 'networking.k8s.io', resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroup: 'discovery.k8s.io', resources: ['endpointslices'], verbs: READ },
  { apiGroup: 'events.k8s.io', resources: ['events'], verbs: READ },
  { apiGroup: 'metrics.k8s.io', resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroup: 'monitoring.coreos.com', resources: ['servicemonitors', 'podmonitors'], verbs: READ },
  { apiGroup: 'cert-manager.io', resources: ['certificates'], verbs: READ },
  { apiGroup: 'external-secrets.io', resources: ['externalsecrets'], verbs: READ },
];

/**
 * What an editor does besides reading: operate the running workloads (restart and evict
 * pods, scale, delete finished Jobs) and manage config, Services, claims, HPAs and PDBs.
 * Not pods or pod templates (creating a Deployment or Job is creating pods, which can
 * mount every Secret and use every ServiceAccount of the namespace), not NetworkPolicies
 * or Ingresses (the tenant boundary), not Secrets, ServiceAccounts or their tokens.
 */
export const EDITOR_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['pods'], verbs: ['delete'] },
  { apiGroup: '', resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroup: '', resources: ['configmaps', 'services', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroup: 'apps', resources: ['deployments/scale', 'replicasets/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroup: 'batch', resources: ['jobs'], verbs: ['delete'] },
  { apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroup: 'policy', resources: ['poddisruptionbudgets'], verbs: WRITE },
];

/** Reading Secrets (granted on purpose only). */
export const SECRET_READ_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['secrets'], verbs: READ },
];

/**
 * Running commands in and attaching to containers (granted on purpose only). `get` is
 * needed as well as `create`: kubectl 1.30+ connects over WebSockets with a GET.
 */
export const EXEC_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['pods/exec', 'pods/attach'], verbs: ['get', 'create'] },
];

/** Port-forwarding into pods, which bypasses NetworkPolicies. */
export const PORT_FORWARD_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['pods/portforward'], verbs: ['get', 'create'] },
];

/** Creating pods and the workloads that create pods (granted on purpose only). */
export const POD_CREATE_GRANTS: readonly Grant[] = [
  { apiGroup: '', resources: ['pods'], verbs: ['create', 'update', 'patch'] },
  { apiGroup: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: WRITE },
  { apiGroup: 'batch', resources: ['jobs', 'cronjobs'], verbs: ['create', 'update', 'patch'] },
];

/** Adds grants to a cdk8s-plus Role (one rule per resource, as cdk8s-plus renders them). */
export function applyGrants(role: kplus.Role, grants: readonly Grant[]): void {
  for (const g of grants) {
    role.allow([...g.verbs], ...g.resources.map((resourceType) => kplus.ApiResource.custom({ apiGroup: g.apiGroup, resourceType })));
  }
}
