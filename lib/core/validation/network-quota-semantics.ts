/**
 * The API server's validation of IngressClasses, NetworkPolicy policy types and
 * HorizontalPodAutoscaler metric sources that an OpenAPI schema cannot say: a controller named
 * by a domain-prefixed path, a metric whose source is not the one its type names. (ResourceQuota
 * scopes are checked with the rest of the quota, in object-semantics.ts.) Rules by definition, run by the
 * structural check (schema.ts) wherever the definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/networking/validation: validateIngressClassSpec,
 * ValidateNetworkPolicySpec; pkg/apis/autoscaling/validation:
 * validateMetricSpec and the validate*Source functions), Kubernetes 1.30 to 1.37.
 */
import { dns1123LabelProblem, dns1123SubdomainProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import { at, blank, given, isObject, list } from './rule-helpers';

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
  'api.autoscaling.v2.MetricSpec': metricSpec,
  'api.autoscaling.v2.MetricIdentifier': metricIdentifier,
  'api.autoscaling.v2.ObjectMetricSource': objectMetric,
  'api.autoscaling.v2.PodsMetricSource': podsMetric,
  'api.autoscaling.v2.ExternalMetricSource': externalMetric,
};
