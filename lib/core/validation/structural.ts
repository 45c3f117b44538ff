/**
 * The API server's validation of single definitions that an OpenAPI schema cannot say: one of
 * several fields, values that depend on each other, the least value of an integer. Run by the
 * structural check (schema.ts) on every place the definition appears in a built-in object.
 *
 * Written from the core, apps, batch, autoscaling and meta/v1 validation of Kubernetes
 * (pkg/apis/<group>/validation, apimachinery's pkg/apis/meta/v1/validation).
 */
import { isExtendedResourceName } from './api';
import { parseQuantity } from './quantity';
import { labelValueProblem, qualifiedNameProblem } from './rules';
import { OBJECT_RULES } from './object-semantics';
import { POD_RULES } from './pod-semantics';
import { JOB_RULES } from './job-semantics';
import { NETWORK_QUOTA_RULES } from './network-quota-semantics';
import { POD_OS_RULES } from './pod-os-semantics';
import { RBAC_STORAGE_RULES } from './rbac-storage-semantics';
import { EPHEMERAL_RULES } from './ephemeral-semantics';
import { ENDPOINT_RULES } from './endpoint-semantics';
import type { SchemaFindings } from './schema';
import { mergeRules } from './structural-rule';
import { at, given, show } from './rule-helpers';

type Rule = (v: { [key: string]: any }, field: string, f: SchemaFindings) => void;


/** The least value of integer fields (a negative count or duration is refused), by definition. */
export const MINIMUMS: { readonly [definition: string]: { readonly [field: string]: number } } = {
  'api.apps.v1.DeploymentSpec': { replicas: 0, minReadySeconds: 0, revisionHistoryLimit: 0, progressDeadlineSeconds: 0 },
  'api.apps.v1.ReplicaSetSpec': { replicas: 0, minReadySeconds: 0 },
  'api.core.v1.ReplicationControllerSpec': { replicas: 0, minReadySeconds: 0 },
  'api.apps.v1.StatefulSetSpec': { replicas: 0, minReadySeconds: 0, revisionHistoryLimit: 0 },
  'api.apps.v1.StatefulSetOrdinals': { start: 0 },
  'api.apps.v1.RollingUpdateStatefulSetStrategy': { partition: 0, maxUnavailable: 1 },
  'api.apps.v1.DaemonSetSpec': { minReadySeconds: 0, revisionHistoryLimit: 0 },
  'api.apps.v1.RollingUpdateDaemonSet': { maxUnavailable: 0, maxSurge: 0 },
  'api.apps.v1.RollingUpdateDeployment': { maxUnavailable: 0, maxSurge: 0 },
  'api.batch.v1.JobSpec': { parallelism: 0, completions: 0, backoffLimit: 0, activeDeadlineSeconds: 0, ttlSecondsAfterFinished: 0, backoffLimitPerIndex: 0, maxFailedIndexes: 0 },
  'api.batch.v1.CronJobSpec': { startingDeadlineSeconds: 0, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 },
  'api.core.v1.PodSpec': { activeDeadlineSeconds: 1 },
  'api.core.v1.PodSecurityContext': { runAsUser: 0, runAsGroup: 0, fsGroup: 0 },
  'api.core.v1.SecurityContext': { runAsUser: 0, runAsGroup: 0 },
  'api.core.v1.TopologySpreadConstraint': { maxSkew: 1, minDomains: 1 },
  'api.autoscaling.v1.HorizontalPodAutoscalerSpec': { minReplicas: 1, maxReplicas: 1, targetCPUUtilizationPercentage: 1 },
  'api.autoscaling.v2.HorizontalPodAutoscalerSpec': { minReplicas: 1, maxReplicas: 1 },
  'api.policy.v1.PodDisruptionBudgetSpec': { minAvailable: 0, maxUnavailable: 0 },
};

/**
 * String fields that the API server's defaulting fills in when they are empty, before
 * validation, or whose validation takes "" as unset: "" and null there mean "leave it out"
 * (Helm renders `{{ .Values.x | quote }}` of an unset value as ""). Collected from the
 * `if obj.X == ""` and `len(obj.X) == 0` branches of SetDefaults_* in pkg/apis/{core,apps,batch,rbac}/v1/defaults.go
 * and the `+default=` markers of k8s.io/api (Kubernetes 1.30 and 1.37), plus Toleration's
 * operator and effect, which validation reads as Equal and "every effect".
 */
export const EMPTY_IS_UNSET: { readonly [definition: string]: readonly string[] } = {
  'api.core.v1.Container': ['imagePullPolicy', 'terminationMessagePath', 'terminationMessagePolicy'],
  'api.core.v1.EphemeralContainer': ['imagePullPolicy', 'terminationMessagePath', 'terminationMessagePolicy'],
  'api.core.v1.ContainerPort': ['protocol'],
  'api.core.v1.ServicePort': ['protocol'],
  'api.core.v1.EndpointPort': ['protocol'],
  'api.core.v1.ServiceSpec': ['type', 'sessionAffinity', 'externalTrafficPolicy'],
  'api.core.v1.PodSpec': ['dnsPolicy', 'restartPolicy', 'schedulerName', 'serviceAccountName'],
  'api.core.v1.HTTPGetAction': ['path', 'scheme'],
  'api.core.v1.ObjectFieldSelector': ['apiVersion'],
  'api.core.v1.Secret': ['type'],
  'api.core.v1.PersistentVolumeSpec': ['persistentVolumeReclaimPolicy'],
  'api.core.v1.Toleration': ['operator', 'effect'],
  'api.apps.v1.DeploymentStrategy': ['type'],
  'api.apps.v1.DaemonSetUpdateStrategy': ['type'],
  'api.apps.v1.StatefulSetUpdateStrategy': ['type'],
  'api.apps.v1.StatefulSetSpec': ['podManagementPolicy'],
  'api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': ['whenDeleted', 'whenScaled'],
  'api.batch.v1.CronJobSpec': ['concurrencyPolicy'],
  'api.rbac.v1.RoleRef': ['apiGroup'],
  'api.rbac.v1.Subject': ['apiGroup'],
};

/** Field paths an env var's fieldRef may name (validEnvDownwardAPIFieldPathExpressions). */
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
/** Field paths a downward API volume file may name (validVolumeDownwardAPIFieldPathExpressions). */
const VOLUME_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.annotations', 'metadata.uid'];
/** `metadata.labels['key']` and `metadata.annotations['key']`: one label or annotation. */
const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;
const RESOURCE_FIELDS = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/;

function fieldPathRule(allowed: readonly string[], where: string): Rule {
  return (v, field, f) => {
    const ref = v.fieldRef;
    if (!ref || typeof ref.fieldPath !== 'string') return;
    const path = ref.fieldPath;
    const sub = SUBSCRIPT.exec(path);
    if (sub) {
      const problem = qualifiedNameProblem(sub[1] === 'annotations' ? sub[2].toLowerCase() : sub[2]);
      if (problem) f.bad(at(field, 'fieldRef.fieldPath'), path, `a ${sub[1] === 'labels' ? 'label' : 'annotation'} key inside [''] that is ${problem}`);
      return;
    }
    if (!allowed.includes(path)) {
      f.bad(at(field, 'fieldRef.fieldPath'), path, `one of ${allowed.join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>'] (the fields ${where} may name)`);
    }
  };
}

/** Exactly one of a definition's fields (but `except`) set. */
function oneOf(what: string, except: readonly string[], least: number): Rule {
  return (v, field, f) => {
    const set = Object.keys(v).filter((k) => !except.includes(k) && given(v[k]));
    if (set.length > 1) f.say(field, `sets ${set.length} ${what} (${set.join(', ')}); the API server accepts exactly one`);
    else if (set.length < least) f.say(field, `sets no ${what}; the API server needs exactly one`);
  };
}

const resources: Rule = (v, field, f) => {
  const requests = v.requests !== null && typeof v.requests === 'object' ? v.requests : {};
  const limits = v.limits !== null && typeof v.limits === 'object' ? v.limits : {};
  for (const [section, list] of [['requests', requests], ['limits', limits]] as const) {
    for (const name of Object.keys(list)) {
      if (!isExtendedResourceName(name) || !given(list[name])) continue;
      const amount = parseQuantity(typeof list[name] === 'number' ? list[name] : String(list[name]));
      if (Number.isFinite(amount) && !Number.isInteger(amount)) {
        f.bad(`${field}.${section}.${name}`, list[name], `a whole number: extended resources such as ${name} are counted in units`);
      }
    }
  }
  // Extended resources and huge pages cannot be overcommitted: a request needs an equal limit.
  for (const name of Object.keys(requests)) {
    if (!(isExtendedResourceName(name) || name.startsWith('hugepages-')) || !given(requests[name])) continue;
    if (!given(limits[name])) {
      f.say(`${field}.requests.${name}`, `requests ${name} ${show(requests[name])} without a limit; the API server refuses it: ${name} cannot be overcommitted, set limits.${name} to the same amount`);
    } else if (parseQuantity(String(requests[name])) !== parseQuantity(String(limits[name]))) {
      f.say(`${field}.requests.${name}`, `requests ${name} ${show(requests[name])} but its limit is ${show(limits[name])}; the API server refuses it: ${name} cannot be overcommitted, so its request equals its limit`);
    }
  }
};

const labelSelector: Rule = (v, field, f) => {
  const labels = v.matchLabels;
  if (labels !== null && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const key of Object.keys(labels)) {
      const problem = qualifiedNameProblem(key);
      if (problem) { f.bad(`${field}.matchLabels[${JSON.stringify(key)}]`, key, problem); continue; }
      if (typeof labels[key] === 'string') {
        const valueProblem = labelValueProblem(labels[key]);
        if (valueProblem) f.bad(`${field}.matchLabels.${key}`, labels[key], valueProblem);
      }
    }
  }
  if (!Array.isArray(v.matchExpressions)) return;
  v.matchExpressions.forEach((e: any, i: number) => {
    if (e === null || typeof e !== 'object') return;
    const here = `${field}.matchExpressions[${i}]`;
    if (typeof e.key === 'string') {
      const problem = qualifiedNameProblem(e.key);
      if (problem) f.bad(`${here}.key`, e.key, problem);
    }
    const n = Array.isArray(e.values) ? e.values.length : 0;
    if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) f.bad(`${here}.values`, e.values, `at least one value for operator ${e.operator}`);
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) f.bad(`${here}.values`, e.values, `no values for operator ${e.operator}`);
    if (Array.isArray(e.values)) {
      e.values.forEach((x: unknown, j: number) => {
        if (typeof x !== 'string') return;
        const problem = labelValueProblem(x);
        if (problem) f.bad(`${here}.values[${j}]`, x, problem);
      });
    }
  });
};

const isZero = (x: unknown): boolean => x === 0 || x === '0%';

/** A rolling update that may take no pod down and add none cannot progress. */
function rollingUpdate(defaults: { maxUnavailable: number | string; maxSurge: number | string }): Rule {
  return (v, field, f) => {
    const unavailable = given(v.maxUnavailable) ? v.maxUnavailable : defaults.maxUnavailable;
    const surge = given(v.maxSurge) ? v.maxSurge : defaults.maxSurge;
    if (isZero(unavailable) && isZero(surge)) {
      f.say(at(field, 'maxUnavailable'), `maxUnavailable ${show(unavailable)} with maxSurge ${show(surge)}${given(v.maxSurge) ? '' : ' (the default)'}: the API server refuses both 0, a rollout could never replace a pod; set maxSurge to 1 or maxUnavailable to 1`);
    }
  };
}

const hpaSpec: Rule = (v, field, f) => {
  if (typeof v.minReplicas === 'number' && typeof v.maxReplicas === 'number' && v.minReplicas > v.maxReplicas) {
    f.say(at(field, 'minReplicas'), `minReplicas ${v.minReplicas} is above maxReplicas ${v.maxReplicas}; the API server refuses it`);
  }
};

const deploymentSpec: Rule = (v, field, f) => {
  const ready = typeof v.minReadySeconds === 'number' ? v.minReadySeconds : 0;
  if (typeof v.progressDeadlineSeconds === 'number' && v.progressDeadlineSeconds <= ready) {
    f.say(at(field, 'progressDeadlineSeconds'), `progressDeadlineSeconds ${v.progressDeadlineSeconds} is not above minReadySeconds ${ready}; the API server refuses it (a pod could never be available in time)`);
  }
};

const toleration: Rule = (v, field, f) => {
  if (v.operator === 'Exists' && typeof v.value === 'string' && v.value !== '') {
    f.bad(at(field, 'value'), v.value, 'no value with operator Exists (it matches every value of the key)');
  }
  if ((v.key === undefined || v.key === null || v.key === '') && given(v.operator) && v.operator !== 'Exists') {
    f.bad(at(field, 'operator'), v.operator, '"Exists" for a toleration without a key (it tolerates every taint)');
  }
};

const envVar: Rule = (v, field, f) => {
  if (typeof v.value === 'string' && v.value !== '' && given(v.valueFrom)) {
    f.say(at(field, 'valueFrom'), 'is set with a non-empty value; the API server accepts value or valueFrom, not both');
  }
};

const envFieldPath = fieldPathRule(ENV_FIELD_PATHS, 'an env var');
const envSources = oneOf('sources', [], 1);
const envVarSource: Rule = (v, field, f) => {
  envSources(v, field, f);
  envFieldPath(v, field, f);
  const ref = v.resourceFieldRef;
  if (ref && typeof ref.resource === 'string' && !RESOURCE_FIELDS.test(ref.resource)) {
    f.bad(at(field, 'resourceFieldRef.resource'), ref.resource, 'limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage or a hugepages-<size> limit or request');
  }
};

/** Rules by definition (schema/k8s-openapi.json names): these, then those of pods and of other objects. */
const RULES: { readonly [definition: string]: Rule } = {
  'api.core.v1.EnvVar': envVar,
  'api.core.v1.EnvVarSource': envVarSource,
  'api.core.v1.DownwardAPIVolumeFile': fieldPathRule(VOLUME_FIELD_PATHS, 'a downward API volume file'),
  'api.core.v1.Volume': oneOf('volume sources', ['name'], 0),
  'api.core.v1.Toleration': toleration,
  'api.core.v1.ResourceRequirements': resources,
  'apimachinery.pkg.apis.meta.v1.LabelSelector': labelSelector,
  'api.apps.v1.RollingUpdateDaemonSet': rollingUpdate({ maxUnavailable: 1, maxSurge: 0 }),
  'api.apps.v1.RollingUpdateDeployment': rollingUpdate({ maxUnavailable: '25%', maxSurge: '25%' }),
  'api.apps.v1.DeploymentSpec': deploymentSpec,
  'api.autoscaling.v1.HorizontalPodAutoscalerSpec': hpaSpec,
  'api.autoscaling.v2.HorizontalPodAutoscalerSpec': hpaSpec,
};

export const DEFINITION_RULES: { readonly [definition: string]: Rule } = mergeRules(RULES, POD_RULES, OBJECT_RULES,
  RBAC_STORAGE_RULES, NETWORK_QUOTA_RULES, JOB_RULES, POD_OS_RULES, EPHEMERAL_RULES, ENDPOINT_RULES);
