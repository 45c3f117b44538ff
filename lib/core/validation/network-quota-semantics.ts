/**
 * The API server's validation of IngressClasses, NetworkPolicy policy types, ResourceQuota
 * scopes and HorizontalPodAutoscaler metric sources that an OpenAPI schema cannot say: a
 * controller named by a domain-prefixed path, scopes that do not apply to a quota's resources,
 * a metric whose source is not the one its type names. Rules by definition, run by the
 * structural check (schema.ts) wherever the definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/networking/validation: validateIngressClassSpec,
 * ValidateNetworkPolicySpec; pkg/apis/core/validation: validateResourceQuotaScopes,
 * validateScopedResourceSelectorRequirement; pkg/apis/autoscaling/validation:
 * validateMetricSpec and the validate*Source functions), Kubernetes 1.30 to 1.37.
 */
import { quotaResourceNameProblem } from './object-semantics';
import { dns1123LabelProblem, dns1123SubdomainProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import { DEFAULT_TARGET_MINOR } from './target';
import { at, blank, given, isObject, list, oneOfText } from './rule-helpers';

type Findings = Parameters<DefinitionRule>[2];

/** IsPathSegmentName: a name that can be one segment of a URL path. */
export function pathSegmentProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return 'a name other than "." and ".." (it is a segment of a URL path)';
  if (/[/%]/.test(name)) return 'a name without \'/\' and \'%\' (it is a segment of a URL path)';
  return undefined;
}

// IngressClasses

/** Longest controller name of an IngressClass. */
export const INGRESS_CLASS_CONTROLLER_MAX = 250;
const CONTROLLER_NEEDED = 'the API server requires the name of the controller that serves the class, a domain-prefixed path such as "k8s.io/ingress-nginx"';
const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** IsDomainPrefixedPath: `example.com/path`, a DNS subdomain, '/', and a URL path; `example` shows one. */
export function domainPrefixedPathProblem(value: string, example: string): string | undefined {
  const shape = `a domain-prefixed path such as ${JSON.stringify(example)}: a DNS subdomain, '/' and a path`;
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return shape;
  if (dns1123SubdomainProblem(value.slice(0, slash))) return `${shape} (the domain ${JSON.stringify(value.slice(0, slash))} is not ${dns1123SubdomainProblem(value.slice(0, slash))})`;
  if (!HTTP_PATH.test(value.slice(slash + 1))) return `${shape} (the path holds a character a URL path does not take)`;
  return undefined;
}

const ingressClassSpec: DefinitionRule = (spec, field, f) => {
  const controller = spec.controller;
  if (blank(controller)) {
    f.say(at(field, 'controller'), `is ${controller === '' ? '""' : 'unset'}; ${CONTROLLER_NEEDED}`);
  } else if (typeof controller === 'string') {
    const problem = controller.length > INGRESS_CLASS_CONTROLLER_MAX ? `a controller name of at most ${INGRESS_CLASS_CONTROLLER_MAX} characters` : domainPrefixedPathProblem(controller, 'k8s.io/ingress-nginx');
    if (problem) f.bad(at(field, 'controller'), controller, problem);
  }
  const p = spec.parameters;
  if (!isObject(p)) return;
  const here = at(field, 'parameters');
  if (typeof p.apiGroup === 'string') {
    const problem = dns1123SubdomainProblem(p.apiGroup);
    if (problem) f.bad(`${here}.apiGroup`, p.apiGroup, `an API group such as "k8s.example.com": ${problem}`);
  }
  for (const key of ['kind', 'name']) {
    if (blank(p[key])) f.say(`${here}.${key}`, `is ${p[key] === '' ? '""' : 'unset'}; the API server requires the ${key} of the parameters object`);
    else if (typeof p[key] === 'string' && pathSegmentProblem(p[key])) f.bad(`${here}.${key}`, p[key], pathSegmentProblem(p[key])!);
  }
  // Left out, scope is Cluster (the API server's defaulting).
  const scope = given(p.scope) ? p.scope : 'Cluster';
  if (scope !== 'Cluster' && scope !== 'Namespace') f.bad(`${here}.scope`, p.scope, '"Cluster" or "Namespace"');
  else if (scope === 'Namespace' && !given(p.namespace)) f.say(`${here}.namespace`, 'is unset; the API server requires the namespace of the parameters object when scope is Namespace');
  else if (scope === 'Namespace' && typeof p.namespace === 'string' && dns1123LabelProblem(p.namespace)) f.bad(`${here}.namespace`, p.namespace, `a namespace name: ${dns1123LabelProblem(p.namespace)}`);
  else if (scope === 'Cluster' && given(p.namespace)) f.say(`${here}.namespace`, `is set with scope Cluster${given(p.scope) ? '' : ' (the default)'}; the API server refuses a namespace for cluster-scoped parameters: set scope to Namespace or remove it`);
};

/** An IngressClass without a spec has no controller either, which the API server requires. */
const ingressClass: DefinitionRule = (v, field, f) => {
  if (!given(v.spec)) f.say(at(field, 'spec.controller'), `is unset; ${CONTROLLER_NEEDED}`);
};

// NetworkPolicies

const networkPolicySpec: DefinitionRule = (spec, field, f) => {
  const types = list(spec.policyTypes);
  if (types.length > 2) {
    f.bad(at(field, 'policyTypes'), spec.policyTypes, 'at most two policy types: "Ingress", "Egress" or both, each once');
  }
};

// ResourceQuotas

/** Scopes of a ResourceQuota, and the Kubernetes minor version that knows each. */
const QUOTA_SCOPES: { readonly [scope: string]: number } = {
  Terminating: 0, NotTerminating: 0, BestEffort: 0, NotBestEffort: 0, PriorityClass: 0, CrossNamespacePodAffinity: 0, VolumeAttributesClass: 33,
};
const POD_COMPUTE = ['pods', 'cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];
/** The resources of the quota system (IsStandardQuotaResourceName) a scope applies to; other standard ones it refuses. */
const SCOPE_RESOURCES: { readonly [scope: string]: readonly string[] } = {
  Terminating: POD_COMPUTE, NotTerminating: POD_COMPUTE, NotBestEffort: POD_COMPUTE, PriorityClass: POD_COMPUTE, CrossNamespacePodAffinity: POD_COMPUTE,
  BestEffort: ['pods'],
  VolumeAttributesClass: ['persistentvolumeclaims', 'requests.storage'],
};
/** Scopes a scope selector may only test with Exists. */
const EXISTS_ONLY = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'CrossNamespacePodAffinity'];
const CONFLICTS = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']];

/** Why `scope` is refused on a quota of `hard`, or undefined. */
function scopeProblem(scope: unknown, hard: readonly string[], minor: number): string | undefined {
  const since = typeof scope === 'string' ? QUOTA_SCOPES[scope] : undefined;
  if (since === undefined || minor < since) {
    const known = Object.keys(QUOTA_SCOPES).filter((s) => QUOTA_SCOPES[s] <= minor);
    return `${JSON.stringify(scope)} is not a quota scope; the API server accepts ${oneOfText(known)}${since !== undefined ? ` (${scope} from Kubernetes 1.${since} on)` : ''}`;
  }
  const allowed = SCOPE_RESOURCES[scope as string];
  // Only resources of the quota system are matched against a scope (not count/..., nor extended resources).
  const refused = hard.filter((r) => !r.includes('/') && quotaResourceNameProblem(r) === undefined && !allowed.includes(r));
  if (refused.length === 0) return undefined;
  return `scope ${scope} does not apply to ${refused.map((r) => JSON.stringify(r)).join(', ')} in spec.hard, and the API server refuses it: ${scope} limits only ${allowed.join(', ')} (put the other limits in a quota of their own)`;
}

function conflicts(scopes: readonly unknown[], here: string, f: Findings): void {
  for (const [a, b] of CONFLICTS) {
    if (scopes.includes(a) && scopes.includes(b)) f.say(here, `holds both ${a} and ${b}; the API server refuses scopes that exclude each other (a pod is never both)`);
  }
}

const resourceQuotaSpec: DefinitionRule = (spec, field, f) => {
  const hard = isObject(spec.hard) ? Object.keys(spec.hard) : [];
  const minor = f.targetMinor?.() ?? DEFAULT_TARGET_MINOR;
  const scopes = list(spec.scopes);
  scopes.forEach((scope, i) => {
    const problem = scopeProblem(scope, hard, minor);
    if (problem) f.say(`${at(field, 'scopes')}[${i}]`, problem);
  });
  conflicts(scopes, at(field, 'scopes'), f);
  const expressions = list(isObject(spec.scopeSelector) ? spec.scopeSelector.matchExpressions : undefined);
  expressions.forEach((e, i) => {
    if (!isObject(e)) return;
    const here = `${at(field, 'scopeSelector.matchExpressions')}[${i}]`;
    const problem = scopeProblem(e.scopeName, hard, minor);
    if (problem) f.say(`${here}.scopeName`, problem);
    const values = list(e.values);
    if (EXISTS_ONLY.includes(e.scopeName) && e.operator !== 'Exists') {
      f.bad(`${here}.operator`, e.operator, `"Exists" for scope ${e.scopeName} (it has no values to match)`);
    } else if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) f.say(`${here}.values`, `is empty; the API server requires at least one value with operator ${e.operator}`);
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) f.say(`${here}.values`, `is set with operator ${e.operator}; the API server refuses values with it`);
    } else if (given(e.operator)) {
      f.bad(`${here}.operator`, e.operator, '"In", "NotIn", "Exists" or "DoesNotExist"');
    }
  });
  conflicts(expressions.map((e) => e?.scopeName), at(field, 'scopeSelector.matchExpressions'), f);
};

// HorizontalPodAutoscaler metrics

/** The source field of each metric type. */
const METRIC_SOURCES: { readonly [type: string]: string } = {
  Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource',
};

const metricSpec: DefinitionRule = (m, field, f) => {
  const source = typeof m.type === 'string' ? METRIC_SOURCES[m.type] : undefined;
  if (source === undefined) return; // an unknown type: the schema's enum
  if (!given(m[source])) f.say(at(field, source), `is unset; a metric of type ${m.type} is described there, and the API server requires it`);
  for (const other of Object.values(METRIC_SOURCES)) {
    if (other !== source && given(m[other])) f.say(at(field, other), `is set in a metric of type ${m.type}; the API server accepts only the source its type names (${source})`);
  }
};

const metricIdentifier: DefinitionRule = (id, field, f) => {
  if (blank(id.name)) f.say(at(field, 'name'), `is ${id.name === '' ? '""' : 'unset'}; the API server requires the name of the metric`);
  else if (typeof id.name === 'string' && pathSegmentProblem(id.name)) f.bad(at(field, 'name'), id.name, `a metric name ${pathSegmentProblem(id.name)!.replace(/^a name /, '')}`);
};

const target = (src: { [key: string]: any }): { [key: string]: any } => (isObject(src.target) ? src.target : {});

const objectMetric: DefinitionRule = (src, field, f) => {
  const t = target(src);
  if (!given(t.value) && !given(t.averageValue)) f.say(at(field, 'target.value'), 'is unset and so is averageValue; the API server requires one for an object metric');
};

const podsMetric: DefinitionRule = (src, field, f) => {
  if (!given(target(src).averageValue)) f.say(at(field, 'target.averageValue'), 'is unset; the API server requires an averageValue (per pod) for a Pods metric');
};

const externalMetric: DefinitionRule = (src, field, f) => {
  const t = target(src);
  if (!given(t.value) && !given(t.averageValue)) f.say(at(field, 'target.value'), 'is unset and so is averageValue; the API server requires one for an external metric');
  else if (given(t.value) && given(t.averageValue)) f.say(at(field, 'target.value'), 'is set with averageValue; the API server accepts one of them');
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const NETWORK_QUOTA_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.networking.v1.IngressClass': ingressClass,
  'api.networking.v1.IngressClassSpec': ingressClassSpec,
  'api.networking.v1.NetworkPolicySpec': networkPolicySpec,
  'api.core.v1.ResourceQuotaSpec': resourceQuotaSpec,
  'api.autoscaling.v2.MetricSpec': metricSpec,
  'api.autoscaling.v2.MetricIdentifier': metricIdentifier,
  'api.autoscaling.v2.ObjectMetricSource': objectMetric,
  'api.autoscaling.v2.PodsMetricSource': podsMetric,
  'api.autoscaling.v2.ExternalMetricSource': externalMetric,
};
