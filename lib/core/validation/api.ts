import { CLUSTER_SCOPED_KINDS } from '../cluster-scoped-kinds';
import { POD_KINDS } from '../kinds';
import { dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, qualifiedNameProblem } from './rules';
import { DEFAULT_TARGET_MINOR } from './target';

/**
 * More of the API server's own rules, for whole objects read from anywhere: API versions,
 * kinds, object names per kind, port names, resource names. Predicates like those of
 * rules.ts: `undefined` when valid, else what is allowed, in words that fit after "expected".
 *
 * Written from k8s.io/apimachinery (pkg/runtime/schema ParseGroupVersion, pkg/api/validation
 * path and name rules) and the core, apps, batch and rbac validation of the API server.
 */

const IANA_SVC_NAME_MAX = 15;

/**
 * IsValidPortName (IANA_SVC_NAME): container port names and named target ports. 1 to 15
 * lower-case letters, digits and '-', with at least one letter, no '--', and neither
 * starting nor ending with '-'.
 */
export function portNameProblem(value: unknown): string | undefined {
  const shape = 'a port name of 1 to 15 lower-case letters, digits and \'-\', with at least one letter, '
    + 'not starting or ending with \'-\' and without "--" (e.g. "http", "metrics", "grpc-web")';
  if (typeof value !== 'string' || value.length === 0 || value.length > IANA_SVC_NAME_MAX) return shape;
  if (!/^[-a-z0-9]+$/.test(value) || !/[a-z]/.test(value) || value.startsWith('-') || value.endsWith('-') || value.includes('--')) return shape;
  return undefined;
}

/**
 * IsValidPathSegmentName: names of RBAC objects and HorizontalPodAutoscalers. Anything but
 * ".", ".." and names that contain '/' or '%' (so "system:aggregate-to-edit" is fine).
 */
export function pathSegmentNameProblem(value: unknown): string | undefined {
  const shape = 'a name that is not "." or ".." and has no \'/\' or \'%\'';
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/%]/.test(value)) return shape;
  return undefined;
}

/**
 * ParseGroupVersion: `<version>` for the core group ("v1") or `<group>/<version>`; the group a
 * DNS-1123 subdomain, the version a DNS-1035 label ("v1", "v1beta1"), as CustomResourceDefinitions
 * require.
 */
export function apiVersionProblem(value: unknown): string | undefined {
  const shape = 'an API version "<version>" for the core group (e.g. "v1") or "<group>/<version>" '
    + '(e.g. "apps/v1", "cert-manager.io/v1"): one \'/\' at most, a DNS-1123 subdomain group and a lower-case version such as "v1beta1"';
  if (typeof value !== 'string' || value === '') return shape;
  const parts = value.split('/');
  if (parts.length > 2) return shape;
  if (parts.length === 2 && dns1123SubdomainProblem(parts[0]) !== undefined) return shape;
  if (dns1035LabelProblem(parts[parts.length - 1]) !== undefined) return shape;
  return undefined;
}

/** Built-in namespaced kinds, as `<group>/<kind>` ('core' for the core group); the cluster-scoped ones are in CLUSTER_SCOPED_KINDS. */
const NAMESPACED_KINDS: readonly string[] = [
  'core/Pod', 'core/Service', 'core/ConfigMap', 'core/Secret', 'core/ServiceAccount', 'core/Endpoints', 'core/Event',
  'core/LimitRange', 'core/ResourceQuota', 'core/PersistentVolumeClaim', 'core/PodTemplate', 'core/ReplicationController', 'core/Binding',
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'apps/ControllerRevision',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy', 'networking.k8s.io/Ingress', 'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
  'coordination.k8s.io/Lease', 'discovery.k8s.io/EndpointSlice', 'storage.k8s.io/CSIStorageCapacity',
  'resource.k8s.io/ResourceClaim', 'resource.k8s.io/ResourceClaimTemplate', 'authorization.k8s.io/LocalSubjectAccessReview',
];

/** Built-in kinds by their lower-case spelling. */
const BUILT_IN_KINDS = new Map<string, string>(
  [...NAMESPACED_KINDS, ...CLUSTER_SCOPED_KINDS, ...POD_KINDS.map((k) => `${k.group || 'core'}/${k.kind}`)]
    .map((k) => k.slice(k.indexOf('/') + 1))
    .map((k) => [k.toLowerCase(), k]),
);

/**
 * A kind: its lower-case form a DNS-1035 label (what a CustomResourceDefinition allows), and a
 * built-in kind spelt as Kubernetes spells it: kinds are matched case-sensitively, so
 * `deployment` is no kind kubectl or the API server knows.
 */
export function kindProblem(value: unknown): string | undefined {
  const shape = 'a kind in UpperCamelCase such as "Deployment" or "ConfigMap" (letters and digits, starting with a letter)';
  if (typeof value !== 'string' || dns1035LabelProblem(value.toLowerCase()) !== undefined) return shape;
  const builtIn = BUILT_IN_KINDS.get(value.toLowerCase());
  if (builtIn !== undefined && builtIn !== value) return `"${builtIn}": kinds are case-sensitive`;
  return undefined;
}

/** Longest CronJob name: its Jobs get an 11-character suffix and must stay DNS-1035 labels. */
export const CRON_JOB_NAME_MAX = 52;

const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'HorizontalPodAutoscaler']);

/** Kubernetes minor version from which a Service name is a DNS-1123 label, which may start with a digit (RelaxedServiceNameValidation). */
export const RELAXED_SERVICE_NAMES_MINOR = 36;

/**
 * The rule for `metadata.name` of an object of this kind: a DNS-1123 label for a Namespace, a
 * DNS-1035 label for a Service (a DNS-1123 label from a 1.36 target on), a path segment for
 * RBAC objects and HorizontalPodAutoscalers, at most 52 characters for a CronJob, and a DNS-1123
 * subdomain for every other kind (custom resources included).
 */
export function objectNameProblem(kind: string, name: unknown, targetMinor = DEFAULT_TARGET_MINOR): string | undefined {
  if (kind === 'Namespace') return dns1123LabelProblem(name);
  if (kind === 'Service') return serviceNameProblem(name, targetMinor);
  if (PATH_SEGMENT_NAMED.has(kind)) return pathSegmentNameProblem(name);
  // A StatefulSet's name is its pods' hostname prefix: the API server refuses one that is no DNS label.
  if (kind === 'StatefulSet') return dns1123LabelProblem(name);
  const subdomain = dns1123SubdomainProblem(name);
  if (subdomain !== undefined) return subdomain;
  if (kind === 'CronJob' && (name as string).length > CRON_JOB_NAME_MAX) return `a CronJob name of at most ${CRON_JOB_NAME_MAX} characters (its Jobs add an 11-character suffix)`;
  return undefined;
}

/** Resource names a container may request without a domain: cpu, memory, ephemeral-storage, hugepages-<size>. */
export function containerResourceNameProblem(value: string): string | undefined {
  if (value === 'cpu' || value === 'memory' || value === 'ephemeral-storage' || /^hugepages-/.test(value)) return undefined;
  if (value.includes('/') && qualifiedNameProblem(value) === undefined) return undefined;
  return 'a container resource: cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource with a domain (e.g. "nvidia.com/gpu")';
}

/**
 * Whether a resource name is an extended resource (`nvidia.com/gpu`, `count/jobs.batch`) as the
 * API server reads one (IsExtendedResourceName): with a domain that is not Kubernetes' own
 * (`kubernetes.io/`), not a quota's `requests.` name, and a qualified name with `requests.`
 * in front. Extended resources are counted in whole units and cannot be overcommitted.
 */
export function isExtendedResourceName(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.') && qualifiedNameProblem(`requests.${name}`) === undefined;
}

/** Object counts a ResourceQuota holds in whole numbers (with extended resources: IsIntegerResourceName). */
const INTEGER_QUOTA_RESOURCES = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

/** Whether the API server counts a resource in whole numbers (IsIntegerResourceName): object counts and extended resources. */
export function isIntegerResourceName(name: string): boolean {
  return INTEGER_QUOTA_RESOURCES.has(name) || isExtendedResourceName(name);
}

/** Resource names a quota or a PersistentVolumeClaim limit knows without a domain (IsStandardResourceName). */
export const STANDARD_RESOURCE_NAMES: readonly string[] = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory',
  'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', ...INTEGER_QUOTA_RESOURCES, 'storage', 'requests.storage'];

/** A Service name as API servers of the target version check it: a DNS-1035 label before 1.36, then a DNS-1123 label. */
export function serviceNameProblem(name: unknown, targetMinor: number): string | undefined {
  if (targetMinor >= RELAXED_SERVICE_NAMES_MINOR) return dns1123LabelProblem(name);
  const problem = dns1035LabelProblem(name);
  return problem && `${problem} (from Kubernetes 1.${RELAXED_SERVICE_NAMES_MINOR} on it may start with a digit)`;
}

/** Kinds whose name the API server warns about when it is not a DNS label (it becomes Pod names and hostnames). */
const HOSTNAME_NAMED = new Set(['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

/**
 * The API server's warning about a valid object name, or undefined: a Deployment, ReplicaSet,
 * ReplicationController, Job, CronJob or Pod named with a '.' or longer than 63 characters is
 * accepted, but its name is used in Pod names and hostnames, and the server warns.
 */
export function objectNameWarning(kind: string, name: string): string | undefined {
  if (!HOSTNAME_NAMED.has(kind) || dns1123LabelProblem(name) === undefined) return undefined;
  return `${JSON.stringify(name)} is not a DNS label; the API server warns "this is used in ${kind === 'Pod' ? 'the Pod\'s hostname' : 'Pod names and hostnames'}, which can result in surprising behavior; a DNS label is recommended"`;
}
