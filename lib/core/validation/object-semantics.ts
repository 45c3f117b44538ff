/**
 * The API server's validation of Services, Ingresses, NetworkPolicy address blocks, typed
 * Secrets, EndpointSlice and v1 Endpoints addresses, CronJob schedules, Indexed Jobs, HorizontalPodAutoscaler targets and behaviour, RBAC
 * bindings, LimitRanges (types, resource names, bounds), ResourceQuotas (names, whole-number counts, scopes), rolling
 * updates, controllers' pod templates (no activeDeadlineSeconds) and strategies (no rollingUpdate with Recreate or
 * OnDelete), CronJob job templates (no selector), and its warnings about Services and addresses not in canonical form: what an OpenAPI
 * schema cannot say. Rules by definition, run by the structural check (schema.ts) wherever the
 * definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/core/validation: validateService,
 * ValidateSecret, ValidateEndpoints, ValidateLimitRange, ValidateResourceQuotaSpec, ValidateResourceQuantityValue;
 * pkg/apis/networking, batch, autoscaling, rbac and apps validation) and warnings
 * (pkg/api/service/warnings.go, GetWarningsForIP and GetWarningsForCIDR).
 */
import { createPrivateKey, X509Certificate } from 'crypto';
import { scheduleSyntaxProblem, timeZoneProblem } from '../cron';
import { containerResourceNameProblem, isIntegerResourceName, portNameProblem, serviceNameProblem, STANDARD_RESOURCE_NAMES } from './api';
import { cidrContains, cidrFormWarning, endpointAddressProblem, ipFormWarning, ipProblem, ipWithForm, parseCidr } from './cidr';
import { parseQuantity } from './quantity';
import { cidrProblem, dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem, qualifiedNameProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import type { SchemaFindings } from './schema';
import { DEFAULT_TARGET_MINOR } from './target';
import { at, given, isObject, list, oneOfText, show } from './rule-helpers';


/** Longest ClientIP session affinity: one day (MaxClientIPServiceAffinitySeconds). */
export const SESSION_AFFINITY_SECONDS_MAX = 86400;
/** Most pods an Indexed Job may run at once. */
export const INDEXED_JOB_PARALLELISM_MAX = 100000;
/** Longest period of an HPA scaling policy (seconds). */
export const HPA_POLICY_PERIOD_MAX = 1800;
/** Longest HPA stabilization window (seconds). */
export const HPA_STABILIZATION_WINDOW_MAX = 3600;

function labelMap(labels: unknown, field: string, f: SchemaFindings): void {
  if (!isObject(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) { f.bad(`${field}[${JSON.stringify(key)}]`, key, keyProblem); continue; }
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
    if (valueProblem) f.bad(`${field}.${key}`, value, valueProblem);
  }
}

// Services

function clusterIPs(spec: { [key: string]: any }, field: string, type: string, f: SchemaFindings): void {
  // clusterIPs is defaulted from clusterIP, and the API server warns about the form of clusterIPs:
  // the form of clusterIP is checked only without clusterIPs, so that one address is one finding.
  const ips: Array<[string, unknown, boolean]> = [];
  const hasList = list(spec.clusterIPs).length > 0;
  if (given(spec.clusterIP)) ips.push([at(field, 'clusterIP'), spec.clusterIP, !hasList]);
  list(spec.clusterIPs).forEach((ip, i) => ips.push([`${at(field, 'clusterIPs')}[${i}]`, ip, true]));
  for (const [here, ip, form] of ips) {
    if (ip === '' || typeof ip !== 'string') continue;
    if (type === 'ExternalName') { f.bad(here, ip, 'no cluster IP: an ExternalName Service has none'); continue; }
    if (ip === 'None') {
      if (type === 'LoadBalancer' || type === 'NodePort') f.bad(here, ip, `an IP address or "": a ${type} Service cannot be headless`);
      continue;
    }
    const problem = ipProblem(ip);
    if (problem) f.bad(here, ip, `"None" (a headless Service), "" (one is allocated) or ${problem}`);
    else if (form && ipFormWarning(ip)) f.say(here, ipFormWarning(ip)!);
  }
}

const serviceSpec: DefinitionRule = (spec, field, f) => {
  const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP'; // "" is defaulted as unset
  const ports = list(spec.ports);
  const nodePorts = new Map<string, number>();
  ports.forEach((p, i) => {
    if (!isObject(p) || typeof p.nodePort !== 'number' || p.nodePort === 0) return;
    const here = `${at(field, 'ports')}[${i}].nodePort`;
    if (type === 'ClusterIP' || type === 'ExternalName') { f.bad(here, p.nodePort, `no nodePort on a ${type} Service${given(spec.type) && spec.type !== '' ? '' : ' (the default type)'}: set type NodePort or LoadBalancer, or remove it`); return; }
    const key = `${p.protocol || 'TCP'}/${p.nodePort}`;
    if (nodePorts.has(key)) f.say(here, `node port ${key} is used twice; the API server refuses duplicate node ports`);
    nodePorts.set(key, i);
  });
  labelMap(spec.selector, at(field, 'selector'), f);
  if (type === 'ExternalName') {
    const name = typeof spec.externalName === 'string' ? spec.externalName.replace(/\.$/, '') : '';
    const problem = name === '' ? 'a DNS name such as "db.example.com": an ExternalName Service needs one' : dns1123SubdomainProblem(name);
    if (problem) f.bad(at(field, 'externalName'), spec.externalName, problem);
  }
  clusterIPs(spec, field, type, f);
  list(spec.externalIPs).forEach((ip, i) => ipWithForm(`${at(field, 'externalIPs')}[${i}]`, ip, f));
  const headless = type === 'ClusterIP' && spec.clusterIP === 'None';
  if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== '') {
    // Not validated, only warned about: an address that is not one, or not in standard form.
    const lb = spec.loadBalancerIP;
    const problem = ipProblem(lb);
    if (headless) f.say(at(field, 'loadBalancerIP'), 'is set on a headless Service; the API server warns "spec.loadBalancerIP is ignored for headless services"');
    else if (problem) f.say(at(field, 'loadBalancerIP'), `${JSON.stringify(lb)} is not an IP address in standard form; the API server accepts it but warns that it is invalid; expected ${problem}`);
    else if (ipFormWarning(lb)) f.say(at(field, 'loadBalancerIP'), ipFormWarning(lb)!);
  }
  if (headless && spec.sessionAffinity === 'ClientIP') {
    f.say(at(field, 'sessionAffinity'), 'is ClientIP on a headless Service; the API server warns "spec.SessionAffinity is ignored for headless services" (clients connect to the pods directly)');
  }
  if (list(spec.externalIPs).length > 0) {
    const why = type === 'ExternalName' ? 'is ignored on an ExternalName Service' : spec.clusterIP === 'None' ? 'is ignored on a headless Service'
      : 'is deprecated and may no longer be implemented in some clusters (from Kubernetes 1.36 on; use a LoadBalancer Service instead)';
    f.say(at(field, 'externalIPs'), `is set; the API server warns that spec.externalIPs ${why}`);
  }
  const ranges = list(spec.loadBalancerSourceRanges);
  if (ranges.length > 0 && type !== 'LoadBalancer') {
    f.bad(at(field, 'loadBalancerSourceRanges'), spec.loadBalancerSourceRanges, `no source ranges on a ${type} Service: the API server accepts them only with type LoadBalancer`);
  } else {
    ranges.forEach((r, i) => {
      // Validation trims spaces around a range; before 1.33 the API server warns about them.
      const here = `${at(field, 'loadBalancerSourceRanges')}[${i}]`;
      const problem = cidrProblem(typeof r === 'string' ? r.trim() : r);
      if (problem) f.bad(here, r, problem);
      else if (cidrFormWarning(r.trim())) f.say(here, cidrFormWarning(r.trim())!);
      else if (typeof r === 'string' && r !== r.trim() && (f.targetMinor?.() ?? 27) < 33) {
        f.say(here, `${JSON.stringify(r)} has spaces around the range; the API server accepts it but warns before 1.33: write ${JSON.stringify(r.trim())}`);
      }
    });
  }
  const external = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  if (!external && typeof spec.externalTrafficPolicy === 'string' && spec.externalTrafficPolicy !== '') {
    f.bad(at(field, 'externalTrafficPolicy'), spec.externalTrafficPolicy, `no externalTrafficPolicy on a ${type} Service without externalIPs: the API server accepts it only for NodePort and LoadBalancer Services (or externalIPs)`);
  }
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0 && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    f.bad(at(field, 'healthCheckNodePort'), spec.healthCheckNodePort, 'no healthCheckNodePort: the API server accepts it only with type LoadBalancer and externalTrafficPolicy Local');
  }
  if (given(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    f.bad(at(field, 'allocateLoadBalancerNodePorts'), spec.allocateLoadBalancerNodePorts, 'no allocateLoadBalancerNodePorts: the API server accepts it only with type LoadBalancer');
  }
  if (typeof spec.loadBalancerClass === 'string' && type !== 'LoadBalancer') {
    f.bad(at(field, 'loadBalancerClass'), spec.loadBalancerClass, `no loadBalancerClass on a ${type} Service${given(spec.type) && spec.type !== '' ? '' : ' (the default type)'}: the API server accepts it only with type LoadBalancer`);
  }
  const affinity = typeof spec.sessionAffinity === 'string' ? spec.sessionAffinity : 'None';
  if (affinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (typeof timeout === 'number' && (timeout < 1 || timeout > SESSION_AFFINITY_SECONDS_MAX)) {
      f.bad(at(field, 'sessionAffinityConfig.clientIP.timeoutSeconds'), timeout, `a number of seconds from 1 to ${SESSION_AFFINITY_SECONDS_MAX} (one day); leave it out for 10800`);
    }
  }
};

/** The managers of the EndpointSlices Kubernetes writes itself. */
const CONTROLLER_SLICE_MANAGERS: readonly unknown[] = ['endpointslice-controller.k8s.io', 'endpointslicemirroring-controller.k8s.io'];

/** The addresses of an EndpointSlice of type IPv4 or IPv6: of that family, routable, and in canonical form. */
const endpointSlice: DefinitionRule = (eps, field, f) => {
  const family = eps.addressType === 'IPv4' ? 4 : eps.addressType === 'IPv6' ? 6 : undefined;
  if (family === undefined) return;
  // The API server trusts its own controllers' slices and does not warn about them.
  const warn = !CONTROLLER_SLICE_MANAGERS.includes(eps.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']);
  list(eps.endpoints).forEach((e, i) => list(isObject(e) ? e.addresses : undefined).forEach((a, j) => {
    if (typeof a !== 'string') return;
    const here = `${at(field, 'endpoints')}[${i}].addresses[${j}]`;
    const problem = endpointAddressProblem(a, family);
    if (problem) f.bad(here, a, problem);
    else if (warn && ipFormWarning(a)) f.say(here, ipFormWarning(a)!);
  }));
};

/**
 * The addresses of a v1 Endpoints object (ValidateEndpoints): IP addresses, IPv4 or IPv6, that
 * are not unspecified, loopback or link-local, as an EndpointSlice's are. IPv4 with leading
 * zeros is accepted here (a legacy field).
 */
const endpointAddress: DefinitionRule = (a, field, f) => {
  if (typeof a.ip !== 'string') return;
  const ip = a.ip.includes(':') ? a.ip : a.ip.replace(/(^|\.)0+(?=\d)/g, '$1');
  const problem = endpointAddressProblem(ip, ip.includes(':') ? 6 : 4);
  if (problem) f.bad(at(field, 'ip'), a.ip, problem.replace(/^an IPv4 address/, 'an IP address').replace(/^an IPv6 address/, 'an IP address'));
  if (typeof a.hostname === 'string' && a.hostname !== '') {
    const bad = dns1123LabelProblem(a.hostname);
    if (bad) f.bad(at(field, 'hostname'), a.hostname, bad);
  }
};

/** The annotation that chose topology-aware routing before spec.trafficDistribution and service.kubernetes.io/topology-mode. */
const TOPOLOGY_AWARE_HINTS = 'service.kubernetes.io/topology-aware-hints';

const service: DefinitionRule = (svc, field, f) => {
  const annotations = svc.metadata?.annotations;
  if (isObject(annotations) && annotations[TOPOLOGY_AWARE_HINTS] !== undefined) {
    f.say(at(field, `metadata.annotations.${TOPOLOGY_AWARE_HINTS}`), `is deprecated; the API server warns "annotation ${TOPOLOGY_AWARE_HINTS} is deprecated, please use service.kubernetes.io/topology-mode instead" (or spec.trafficDistribution)`);
  }
};

const servicePort: DefinitionRule = (p, field, f) => {
  if (typeof p.appProtocol !== 'string') return;
  const problem = qualifiedNameProblem(p.appProtocol);
  if (problem) f.bad(at(field, 'appProtocol'), p.appProtocol, `an application protocol such as "http", "h2c" or "kubernetes.io/ws": ${problem.replace(/^a key of the form /, 'of the form ')}`);
};

// Ingresses

const WILDCARD_HOST = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An Ingress host: a lower-case DNS name, or a wildcard `*.` followed by one; never an IP address. */
export function ingressHostProblem(host: unknown): string | undefined {
  if (typeof host !== 'string' || host === '') return undefined;
  if (ipProblem(host) === undefined) return 'a DNS name, not an IP address (leave host out to match every host)';
  if (host.includes('*')) {
    return host.length <= 253 && WILDCARD_HOST.test(host) ? undefined : 'a wildcard host "*." followed by a lower-case DNS name, such as "*.example.com" (the \'*\' stands for one whole label)';
  }
  const problem = dns1123SubdomainProblem(host);
  return problem && `a lower-case DNS name such as "shop.example.com": ${problem}`;
}

const ingressSpec: DefinitionRule = (spec, field, f) => {
  if (list(spec.rules).length === 0 && !given(spec.defaultBackend)) {
    f.say(field === '' ? 'spec' : field, 'has no rules and no defaultBackend; the API server needs one of them');
  }
  if (typeof spec.ingressClassName === 'string') {
    const problem = dns1123SubdomainProblem(spec.ingressClassName);
    if (problem) f.bad(at(field, 'ingressClassName'), spec.ingressClassName, `the name of an IngressClass: ${problem}`);
  }
};

const ingressRule: DefinitionRule = (rule, field, f) => {
  const problem = ingressHostProblem(rule.host);
  if (problem) f.bad(at(field, 'host'), rule.host, problem);
  if (isObject(rule.http) && list(rule.http.paths).length === 0) f.say(at(field, 'http.paths'), 'is empty; the API server needs at least one path in http');
};

const ingressTls: DefinitionRule = (tls, field, f) => {
  list(tls.hosts).forEach((h, i) => {
    // TLS hosts are checked as DNS subdomains only, which an IPv4 address is: unlike a rule's
    // host, an IP address passes.
    const problem = typeof h === 'string' && ipProblem(h) === undefined && !h.includes(':') ? undefined : ingressHostProblem(h);
    if (problem) f.bad(`${at(field, 'hosts')}[${i}]`, h, problem);
  });
  if (typeof tls.secretName === 'string' && tls.secretName !== '') {
    const problem = dns1123SubdomainProblem(tls.secretName);
    if (problem) f.bad(at(field, 'secretName'), tls.secretName, `the name of a Secret: ${problem}`);
  }
};

const ingressServiceBackend: DefinitionRule = (b, field, f) => {
  if (typeof b.name === 'string' && b.name !== '') {
    const problem = serviceNameProblem(b.name, f.targetMinor?.() ?? DEFAULT_TARGET_MINOR);
    if (problem) f.bad(at(field, 'name'), b.name, `the name of a Service: ${problem}`);
  }
  const name = b.port?.name;
  if (typeof name === 'string' && name !== '' && !given(b.port?.number)) {
    const problem = portNameProblem(name);
    if (problem) f.bad(at(field, 'port.name'), name, problem);
  }
};

// NetworkPolicy

const ipBlock: DefinitionRule = (block, field, f) => {
  const outer = typeof block.cidr === 'string' ? parseCidr(block.cidr) : undefined;
  if (outer === undefined || typeof outer === 'string') return;
  list(block.except).forEach((e, i) => {
    const inner = typeof e === 'string' ? parseCidr(e) : undefined;
    if (inner === undefined || typeof inner === 'string') return;
    if (!cidrContains(outer, inner) || inner.prefix <= outer.prefix) {
      f.bad(`${at(field, 'except')}[${i}]`, e, `a block strictly inside cidr ${block.cidr} (a longer prefix within it)`);
    }
  });
};

// Secrets

/** Keys each Secret type requires, and how many of them suffice (basic-auth: either). */
const SECRET_KEYS: { readonly [type: string]: { readonly keys: readonly string[]; readonly any?: boolean; readonly json?: boolean; readonly nonEmpty?: boolean } } = {
  'kubernetes.io/tls': { keys: ['tls.crt', 'tls.key'] },
  'kubernetes.io/dockerconfigjson': { keys: ['.dockerconfigjson'], json: true },
  'kubernetes.io/dockercfg': { keys: ['.dockercfg'], json: true },
  'kubernetes.io/basic-auth': { keys: ['username', 'password'], any: true },
  'kubernetes.io/ssh-auth': { keys: ['ssh-privatekey'], nonEmpty: true },
};

const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/** The text of a Secret key: stringData as written, data decoded from base64. */
function secretText(secret: { [key: string]: any }, key: string): string | undefined {
  if (typeof secret.stringData?.[key] === 'string') return secret.stringData[key];
  if (typeof secret.data?.[key] === 'string') return Buffer.from(secret.data[key], 'base64').toString('utf8');
  return undefined;
}

const secret: DefinitionRule = (s, field, f) => {
  const type = s.type;
  if (type === 'kubernetes.io/service-account-token') {
    const name = s.metadata?.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION];
    if (typeof name !== 'string' || name === '') {
      f.say(at(field, `metadata.annotations.${SERVICE_ACCOUNT_NAME_ANNOTATION}`), `is unset; the API server requires it on a Secret of type ${type}: the name of the ServiceAccount whose token it holds`);
    }
    return;
  }
  const need = typeof type === 'string' ? SECRET_KEYS[type] : undefined;
  if (!need) return;
  const present = need.keys.filter((k) => secretText(s, k) !== undefined);
  const missing = need.keys.filter((k) => !present.includes(k));
  if (need.any ? present.length === 0 : missing.length > 0) {
    const which = need.any ? need.keys.join(' or ') : missing.join(' and ');
    f.say(at(field, 'data'), `has no ${which}; the API server requires ${need.any ? 'at least one of ' : ''}${need.keys.map((k) => JSON.stringify(k)).join(need.any ? ', ' : ' and ')} in a Secret of type ${type} (in data or stringData)`);
    return;
  }
  if (type === 'kubernetes.io/tls') {
    const problem = keyPairProblem(secretText(s, 'tls.crt')!, secretText(s, 'tls.key')!);
    if (problem) f.say(at(field, 'data["tls.crt"]'), `tls.crt and tls.key are not a certificate and its private key (${problem}); the API server warns about it (values not shown)`);
  }
  for (const key of present) {
    const text = secretText(s, key)!;
    if (need.nonEmpty && text === '') f.say(at(field, `data[${JSON.stringify(key)}]`), `is empty; the API server requires a non-empty ${key} in a Secret of type ${type}`);
    if (need.json && !isJsonObject(text)) f.say(at(field, `data[${JSON.stringify(key)}]`), `does not hold a JSON object; the API server refuses a Secret of type ${type} whose ${key} is not JSON (value not shown)`);
  }
};

/**
 * Why PEM texts are not a certificate and the private key of its public key, as Go's
 * tls.X509KeyPair reads them (the API server's warning on a TLS Secret); undefined when they are.
 */
export function keyPairProblem(certPem: string, keyPem: string): string | undefined {
  if (!/-----BEGIN CERTIFICATE-----/.test(certPem)) return 'tls.crt holds no PEM certificate';
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) return 'tls.key holds no PEM private key';
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    return cert.checkPrivateKey(key) ? undefined : 'the private key does not match the certificate\'s public key';
  } catch (e) {
    return `they do not parse: ${(e as Error).message}`;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return isObject(v);
  } catch {
    return false;
  }
}

// Jobs and CronJobs

const cronJobSpec: DefinitionRule = (spec, field, f) => {
  if (typeof spec.schedule === 'string' && spec.schedule.includes('TZ')) {
    f.bad(at(field, 'schedule'), spec.schedule, 'a schedule without TZ= or CRON_TZ=: set the time zone in spec.timeZone (such as "Europe/Berlin") instead');
  } else if (typeof spec.schedule === 'string') {
    const problem = scheduleSyntaxProblem(spec.schedule);
    if (problem) f.bad(at(field, 'schedule'), spec.schedule, problem);
  }
  if (spec.timeZone === '') f.bad(at(field, 'timeZone'), spec.timeZone, 'a time zone name such as "Etc/UTC", or no timeZone (null or left out) for the time zone of the controller');
  else if (typeof spec.timeZone === 'string') {
    const problem = timeZoneProblem(spec.timeZone);
    if (problem) f.bad(at(field, 'timeZone'), spec.timeZone, problem);
  }
};

// PodDisruptionBudgets

const pdbSpec: DefinitionRule = (spec, field, f) => {
  if (given(spec.minAvailable) && given(spec.maxUnavailable)) {
    f.say(at(field, 'maxUnavailable'), 'is set with minAvailable; the API server accepts one of them');
  }
  for (const key of ['minAvailable', 'maxUnavailable']) {
    const x = spec[key];
    if (typeof x !== 'string') continue;
    if (!PERCENT.test(x)) f.bad(at(field, key), x, `a whole number such as 1 (unquoted), or a percentage such as "50%"`);
    else if (parseInt(x, 10) > 100) f.bad(at(field, key), x, 'a percentage of at most "100%"');
  }
};

// PriorityClasses

/** The highest priority of a PriorityClass a user creates (HighestUserDefinablePriority); higher ones are the system's. */
export const USER_PRIORITY_MAX = 1000000000;

const priorityClass: DefinitionRule = (pc, field, f) => {
  const name = pc.metadata?.name;
  const system = typeof name === 'string' && name.startsWith('system-');
  if (!system && typeof pc.value === 'number' && pc.value > USER_PRIORITY_MAX) {
    f.bad(at(field, 'value'), pc.value, `a priority of at most ${USER_PRIORITY_MAX} (higher ones are reserved for the system's classes)`);
  }
};

/** The object an HPA scales: kind and name are required and not empty. */
const scaleTarget: DefinitionRule = (ref, field, f) => {
  for (const key of ['kind', 'name']) {
    if (ref[key] === '') f.bad(at(field, key), ref[key], key === 'kind' ? 'the kind of the object to scale, such as "Deployment"' : 'the name of the object to scale');
  }
};

const jobSpec: DefinitionRule = (spec, field, f) => {
  if (spec.completionMode !== 'Indexed') return;
  if (!given(spec.completions)) f.say(at(field, 'completions'), 'is unset; the API server requires completions when completionMode is Indexed (one pod per index from 0 to completions-1)');
  if (typeof spec.parallelism === 'number' && spec.parallelism > INDEXED_JOB_PARALLELISM_MAX) {
    f.bad(at(field, 'parallelism'), spec.parallelism, `at most ${INDEXED_JOB_PARALLELISM_MAX} pods at once in an Indexed Job`);
  }
  if (typeof spec.maxFailedIndexes === 'number' && typeof spec.completions === 'number' && spec.maxFailedIndexes > spec.completions) {
    f.bad(at(field, 'maxFailedIndexes'), spec.maxFailedIndexes, `at most completions (${spec.completions})`);
  }
};

// HorizontalPodAutoscalers

const metricTarget: DefinitionRule = (t, field, f) => {
  if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) {
    f.bad(at(field, 'averageUtilization'), t.averageUtilization, 'a percentage of at least 1');
  }
  for (const key of ['value', 'averageValue']) {
    if (!given(t[key])) continue;
    const amount = parseQuantity(t[key]);
    if (Number.isFinite(amount) && amount <= 0) f.bad(at(field, key), t[key], 'a positive quantity such as "100m" or "1k"');
  }
  const needs: { [type: string]: string } = { Utilization: 'averageUtilization', Value: 'value', AverageValue: 'averageValue' };
  const key = typeof t.type === 'string' ? needs[t.type] : undefined;
  if (key !== undefined && !given(t[key])) f.say(at(field, key), `is unset; a target of type ${t.type} is ${key}, and the API server has nothing to scale on`);
};

/** A Resource or ContainerResource metric: a utilization or an average value, not both. */
const resourceMetric: DefinitionRule = (src, field, f) => {
  const t = isObject(src.target) ? src.target : {};
  if (given(t.averageUtilization) && given(t.averageValue)) {
    f.say(at(field, 'target.averageValue'), 'is set with averageUtilization; the API server accepts one of them');
  } else if (!given(t.averageUtilization) && !given(t.averageValue) && isObject(src.target)) {
    f.say(at(field, 'target.averageUtilization'), 'is unset and so is averageValue; the API server requires one for a resource metric');
  }
  if (typeof src.container === 'string') {
    const problem = dns1123LabelProblem(src.container);
    if (problem) f.bad(at(field, 'container'), src.container, `the name of a container: ${problem}`);
  }
};

/** Kubernetes minor version from which an HPA's scaling rules take a tolerance (HPAConfigurableTolerance on by default). */
export const HPA_TOLERANCE_MINOR = 35;

const scalingRules: DefinitionRule = (r, field, f) => {
  const window = r.stabilizationWindowSeconds;
  if (typeof window === 'number' && (window < 0 || window > HPA_STABILIZATION_WINDOW_MAX)) {
    f.bad(at(field, 'stabilizationWindowSeconds'), window, `a number of seconds from 0 to ${HPA_STABILIZATION_WINDOW_MAX} (one hour)`);
  }
  if (given(r.tolerance)) {
    const tolerance = parseQuantity(typeof r.tolerance === 'string' ? r.tolerance.trim() : r.tolerance);
    if (tolerance < 0) f.bad(at(field, 'tolerance'), r.tolerance, 'a quantity of at least 0 such as "0.05" (5%)');
    else if ((f.targetMinor?.() ?? DEFAULT_TARGET_MINOR) < HPA_TOLERANCE_MINOR) {
      f.say(at(field, 'tolerance'), `is set, but the API server takes it only from Kubernetes 1.${HPA_TOLERANCE_MINOR} on (HPAConfigurableTolerance): before 1.33 it refuses the unknown field, 1.33 and 1.34 drop it and the default tolerance (10%) applies; target 1.${HPA_TOLERANCE_MINOR} or leave tolerance out`);
    }
  }
  if (Array.isArray(r.policies) && r.policies.length === 0) f.say(at(field, 'policies'), 'is empty; the API server needs at least one policy (leave policies out for the defaults)');
};

const scalingPolicy: DefinitionRule = (p, field, f) => {
  if (typeof p.value === 'number' && p.value <= 0) f.bad(at(field, 'value'), p.value, 'a number of at least 1');
  const period = p.periodSeconds;
  if (typeof period === 'number' && (period <= 0 || period > HPA_POLICY_PERIOD_MAX)) {
    f.bad(at(field, 'periodSeconds'), period, `a number of seconds from 1 to ${HPA_POLICY_PERIOD_MAX} (30 minutes)`);
  }
};

// RBAC

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function roleRef(ref: unknown, field: string, kinds: readonly string[], f: SchemaFindings): void {
  if (!isObject(ref)) return;
  // "" is unset: the API server's defaulting sets the RBAC group.
  if (typeof ref.apiGroup === 'string' && ref.apiGroup !== '' && ref.apiGroup !== RBAC_GROUP) f.bad(at(field, 'roleRef.apiGroup'), ref.apiGroup, `"${RBAC_GROUP}"`);
  if (typeof ref.kind === 'string' && !kinds.includes(ref.kind)) {
    const near = kinds.find((k) => k.toLowerCase() === ref.kind.toLowerCase());
    f.bad(at(field, 'roleRef.kind'), ref.kind, `${kinds.map((k) => JSON.stringify(k)).join(' or ')}${near ? ` (${JSON.stringify(near)}: kinds are case-sensitive)` : ''}`);
  }
}

function subjects(b: { [key: string]: any }, field: string, cluster: boolean, f: SchemaFindings): void {
  list(b.subjects).forEach((s, i) => {
    if (!isObject(s)) return;
    const here = `${at(field, 'subjects')}[${i}]`;
    if (typeof s.kind === 'string' && !SUBJECT_KINDS.includes(s.kind)) {
      const near = SUBJECT_KINDS.find((k) => k.toLowerCase() === s.kind.toLowerCase());
      f.bad(`${here}.kind`, s.kind, `"ServiceAccount", "User" or "Group"${near ? ` (${JSON.stringify(near)}: kinds are case-sensitive)` : ''}`);
      return;
    }
    if (s.kind === 'ServiceAccount') {
      if (typeof s.apiGroup === 'string' && s.apiGroup !== '') f.bad(`${here}.apiGroup`, s.apiGroup, '"" (a ServiceAccount is in the core group)');
      if (typeof s.name === 'string' && s.name !== '') {
        const problem = dns1123SubdomainProblem(s.name);
        if (problem) f.bad(`${here}.name`, s.name, `the name of a ServiceAccount: ${problem}`);
      }
      if (cluster && (typeof s.namespace !== 'string' || s.namespace === '')) {
        f.say(`${here}.namespace`, 'is unset; a ServiceAccount subject of a ClusterRoleBinding needs the namespace of the ServiceAccount (a ClusterRoleBinding has none to default to)');
      }
    } else if (typeof s.apiGroup === 'string' && s.apiGroup !== '' && s.apiGroup !== RBAC_GROUP) {
      f.bad(`${here}.apiGroup`, s.apiGroup, `"${RBAC_GROUP}" for a ${s.kind}`);
    }
  });
}

const roleBinding: DefinitionRule = (b, field, f) => { roleRef(b.roleRef, field, ['Role', 'ClusterRole'], f); subjects(b, field, false, f); };
const clusterRoleBinding: DefinitionRule = (b, field, f) => { roleRef(b.roleRef, field, ['ClusterRole'], f); subjects(b, field, true, f); };

// LimitRanges and ResourceQuotas

function amounts(x: unknown): Map<string, { text: unknown; value: number }> {
  const out = new Map<string, { text: unknown; value: number }>();
  if (!isObject(x)) return out;
  for (const [k, v] of Object.entries(x)) {
    const value = parseQuantity(v);
    if (Number.isFinite(value)) out.set(k, { text: v, value });
  }
  return out;
}

/**
 * Why a resource name of a LimitRange item is refused: a container resource for types Container
 * and Pod, a standard or domain-qualified resource name for the others (validateLimitRangeResourceName).
 */
function limitResourceNameProblem(type: unknown, name: string): string | undefined {
  if (type === 'Container' || type === 'Pod') return containerResourceNameProblem(name);
  if (name.includes('/') ? qualifiedNameProblem(name) === undefined : STANDARD_RESOURCE_NAMES.includes(name)) return undefined;
  return `a resource name: ${STANDARD_RESOURCE_NAMES.join(', ')}, or a name with a domain such as "example.com/widgets"`;
}

/** Whether a request may be below its limit (IsOvercommitAllowed): Kubernetes' own resources but huge pages. */
const overcommitAllowed = (name: string): boolean => (!name.includes('/') || name.includes('kubernetes.io/')) && !name.startsWith('hugepages-');

const LIMIT_SECTIONS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

/** The limit types Kubernetes knows; any other type must be a domain-qualified name (validateLimitRangeTypeName). */
export const STANDARD_LIMIT_TYPES: readonly string[] = ['Container', 'Pod', 'PersistentVolumeClaim'];

const limitRangeItem: DefinitionRule = (item, field, f) => {
  if (typeof item.type === 'string' && !STANDARD_LIMIT_TYPES.includes(item.type) && (!item.type.includes('/') || qualifiedNameProblem(item.type) !== undefined)) {
    const near = STANDARD_LIMIT_TYPES.find((t) => t.toLowerCase() === item.type.toLowerCase());
    f.bad(at(field, 'type'), item.type, `${oneOfText(STANDARD_LIMIT_TYPES)}${near ? ` (${JSON.stringify(near)}: the types are case-sensitive)` : ''}, or a domain-qualified type such as "example.com/gpu"`);
  }
  for (const section of LIMIT_SECTIONS) {
    if (!isObject(item[section])) continue;
    for (const name of Object.keys(item[section])) {
      const problem = limitResourceNameProblem(item.type, name);
      if (problem) f.bad(`${at(field, section)}[${JSON.stringify(name)}]`, name, problem);
    }
  }
  if (item.type === 'Pod') {
    for (const key of ['default', 'defaultRequest']) if (given(item[key])) f.bad(at(field, key), item[key], `no ${key} on a limit of type Pod (it applies to containers)`);
  }
  if (item.type === 'PersistentVolumeClaim' && !given(item.min?.storage) && !given(item.max?.storage)) {
    f.say(field, 'sets neither min.storage nor max.storage; the API server requires one on a limit of type PersistentVolumeClaim');
  }
  const min = amounts(item.min);
  const max = amounts(item.max);
  const def = amounts(item.default);
  const req = amounts(item.defaultRequest);
  if (item.type === 'Container') {
    // The API server's defaulting: default from max, then defaultRequest from default, then from min.
    for (const [k, q] of max) if (!def.has(k)) def.set(k, q);
    for (const [k, q] of def) if (!req.has(k)) req.set(k, q);
    for (const [k, q] of min) if (!req.has(k)) req.set(k, q);
  }
  // The order the API server requires, pair by pair; one finding per resource, preferring a pair of given values.
  const pairs: Array<[string, Map<string, { text: unknown; value: number }>, string, Map<string, { text: unknown; value: number }>]> = [
    ['min', min, 'max', max], ['min', min, 'defaultRequest', req], ['defaultRequest', req, 'max', max],
    ['defaultRequest', req, 'default', def], ['min', min, 'default', def], ['default', def, 'max', max],
  ];
  const written = (name: string, k: string) => isObject(item[name]) && given(item[name][k]);
  const keys = new Set([...min.keys(), ...max.keys(), ...def.keys(), ...req.keys()]);
  for (const k of keys) {
    const broken = pairs.filter(([, lo, , hi]) => lo.has(k) && hi.has(k) && lo.get(k)!.value > hi.get(k)!.value);
    const [low, lo, high, hi] = broken.find(([l, , h]) => written(l, k) && written(h, k)) ?? broken[0] ?? [];
    if (low === undefined) continue;
    const note = (name: string) => (written(name, k) ? '' : ` (defaulted from ${name === 'default' ? 'max' : 'default or min'})`);
    f.say(at(field, `${written(low, k) ? low : high}.${k}`), `${low} ${k} ${show(lo.get(k)!.text)}${note(low)} is above ${high} ${show(hi.get(k)!.text)}${note(high)}; the API server requires min <= defaultRequest <= default <= max`);
  }
  // Extended resources and huge pages cannot be overcommitted: a container's request is its limit.
  for (const [k, d] of def) {
    const r = req.get(k);
    if (r === undefined || r.value === d.value || overcommitAllowed(k)) continue;
    f.say(at(field, `defaultRequest.${k}`), `defaultRequest ${k} ${show(r.text)}${written('defaultRequest', k) ? '' : ' (defaulted from default or min)'} differs from default ${show(d.text)}${written('default', k) ? '' : ' (defaulted from max)'}; the API server requires them equal: ${k} cannot be overcommitted`);
  }
  for (const [k, ratio] of amounts(item.maxLimitRequestRatio)) {
    if (ratio.value < 1) f.bad(at(field, `maxLimitRequestRatio.${k}`), ratio.text, 'a ratio of at least 1 (a limit is never below its request)');
  }
};

/** Quota names without a domain the quota system knows (IsStandardQuotaResourceName). */
const QUOTA_NAMES = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets',
  'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers'];

/** Why a ResourceQuota key is refused: a known name, `hugepages-<size>`, or a qualified name with '/' (`count/deployments.apps`). */
export function quotaResourceNameProblem(name: string): string | undefined {
  const shape = `a quota resource: ${QUOTA_NAMES.join(', ')}, requests.hugepages-<size>, or a name with '/' such as "count/deployments.apps", "requests.nvidia.com/gpu" or "<class>.storageclass.storage.k8s.io/requests.storage"`;
  if (!name.includes('/')) return QUOTA_NAMES.includes(name) || /^(requests\.)?hugepages-/.test(name) ? undefined : shape;
  return qualifiedNameProblem(name) === undefined ? undefined : shape;
}

/** Whether an amount is a whole number (a quantity's thousandths, as the API server reads them, are 0). */
const isWhole = (amount: number): boolean => Number.isInteger(Math.round(amount * 1e6) / 1e6);

/** Kubernetes minor version from which a quota may be scoped to a VolumeAttributesClass. */
export const QUOTA_VOLUME_ATTRIBUTES_CLASS_MINOR = 33;
/** Scopes and the standard quota resources each applies to (IsResourceQuotaScopeValidForResource); undefined: any. */
const POD_QUOTA = ['pods', 'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];
const QUOTA_SCOPES: { readonly [scope: string]: readonly string[] | undefined } = {
  Terminating: POD_QUOTA, NotTerminating: POD_QUOTA, BestEffort: ['pods'], NotBestEffort: POD_QUOTA,
  PriorityClass: POD_QUOTA, CrossNamespacePodAffinity: POD_QUOTA, VolumeAttributesClass: ['persistentvolumeclaims', 'requests.storage'],
};
/** Scopes a quota cannot hold both of. */
const CONFLICTING_SCOPES = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']];
/** Scopes a scope selector matches with operator Exists only. */
const EXISTS_ONLY_SCOPES = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'];

/**
 * The scopes of a quota, listed or in its scope selector (validateResourceQuotaScopes,
 * validateScopedResourceSelectorRequirement): known scopes, each applying to every standard
 * resource of `hard`, no two that contradict each other, and selector operators that fit.
 */
function quotaScopes(spec: { [key: string]: any }, field: string, f: SchemaFindings): void {
  const minor = f.targetMinor?.() ?? DEFAULT_TARGET_MINOR;
  const known = Object.keys(QUOTA_SCOPES).filter((s) => s !== 'VolumeAttributesClass' || minor >= QUOTA_VOLUME_ATTRIBUTES_CLASS_MINOR);
  const standard = Object.keys(isObject(spec.hard) ? spec.hard : {}).filter((k) => !k.includes('/') && quotaResourceNameProblem(k) === undefined);
  const check = (here: string, scope: unknown): string | undefined => {
    if (typeof scope !== 'string') return undefined;
    if (!known.includes(scope)) {
      f.bad(here, scope, `a quota scope: ${known.join(', ')}${scope === 'VolumeAttributesClass' ? ` (VolumeAttributesClass from Kubernetes 1.${QUOTA_VOLUME_ATTRIBUTES_CLASS_MINOR} on)` : ''}`);
      return undefined;
    }
    const applies = QUOTA_SCOPES[scope]!;
    const outside = standard.filter((k) => !applies.includes(k));
    if (outside.length > 0) {
      f.say(here, `scope ${scope} does not apply to ${outside.join(', ')} in hard; the API server refuses it ("unsupported scope applied to resource"): a ${scope} quota limits only ${applies.join(', ')} (put the others in a quota of their own)`);
    }
    return scope;
  };
  const conflicts = (here: string, scopes: Array<string | undefined>) => {
    for (const pair of CONFLICTING_SCOPES) {
      if (pair.every((p) => scopes.includes(p))) f.say(here, `holds both ${pair[0]} and ${pair[1]}; the API server refuses conflicting scopes (a quota matching both would match nothing)`);
    }
  };
  conflicts(at(field, 'scopes'), list(spec.scopes).map((s, i) => check(`${at(field, 'scopes')}[${i}]`, s)));
  const expressions = list(spec.scopeSelector?.matchExpressions);
  const selected = expressions.map((e, i) => {
    if (!isObject(e)) return undefined;
    const here = `${at(field, 'scopeSelector.matchExpressions')}[${i}]`;
    const n = list(e.values).length;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) f.bad(`${here}.operator`, e.operator, 'In, NotIn, Exists or DoesNotExist');
    else if (EXISTS_ONLY_SCOPES.includes(e.scopeName) && e.operator !== 'Exists') f.bad(`${here}.operator`, e.operator, `"Exists" for scope ${e.scopeName}`);
    else if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) f.bad(`${here}.values`, e.values, `at least one value for operator ${e.operator}`);
    else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) f.bad(`${here}.values`, e.values, `no values for operator ${e.operator}`);
    return check(`${here}.scopeName`, e.scopeName);
  });
  conflicts(at(field, 'scopeSelector.matchExpressions'), selected);
}

const resourceQuotaSpec: DefinitionRule = (spec, field, f) => {
  quotaScopes(spec, field, f);
  if (!isObject(spec.hard)) return;
  for (const [name, value] of Object.entries(spec.hard)) {
    const problem = quotaResourceNameProblem(name);
    if (problem) { f.bad(`${at(field, 'hard')}[${JSON.stringify(name)}]`, name, problem); continue; }
    const amount = parseQuantity(typeof value === 'string' ? value.trim() : value);
    if (!Number.isFinite(amount)) continue;
    if (amount < 0) f.bad(`${at(field, 'hard')}.${name}`, value, 'a quantity of at least 0');
    else if (!isWhole(amount) && isIntegerResourceName(name)) {
      f.bad(`${at(field, 'hard')}.${name}`, value, `a whole number such as "10": the API server counts ${name} in whole ${name.includes('/') ? 'units' : 'objects'} ("must be an integer")`);
    }
  }
};

// Rolling updates

const PERCENT = /^[0-9]+%$/;

/** maxSurge and maxUnavailable as percentages: `<n>%`, and maxUnavailable at most 100%. */
const rollingPercents: DefinitionRule = (v, field, f) => {
  for (const key of ['maxUnavailable', 'maxSurge']) {
    const x = v[key];
    if (typeof x !== 'string') continue;
    if (!PERCENT.test(x)) { f.bad(at(field, key), x, 'a whole number such as 1, or a percentage such as "25%"'); continue; }
    if (key === 'maxUnavailable' && parseInt(x, 10) > 100) f.bad(at(field, key), x, 'a percentage of at most "100%"');
  }
};

// Controllers' pod templates and update strategies (pkg/apis/apps/validation, pkg/apis/core/validation)

/**
 * A controller that keeps its pods running refuses activeDeadlineSeconds in its pod template
 * (ValidatePodTemplateSpecForReplicaSet, ...ForStatefulSet, ValidateDaemonSetSpec, ...ForRC).
 */
function noPodDeadline(kind: string, spec: { [key: string]: any }, field: string, f: SchemaFindings): void {
  const pod = spec.template?.spec;
  if (!isObject(pod) || !given(pod.activeDeadlineSeconds)) return;
  f.say(at(field, 'template.spec.activeDeadlineSeconds'), `sets activeDeadlineSeconds in its pod template, which the API server rejects for a ${kind}: its pods run until they are replaced`);
}

/** A strategy type that takes no rollingUpdate: the API server refuses one ("" is defaulted to RollingUpdate). */
function noRollingUpdate(spec: { [key: string]: any }, field: string, key: string, type: string, f: SchemaFindings): void {
  const strategy = spec[key];
  if (!isObject(strategy) || strategy.type !== type || !given(strategy.rollingUpdate)) return;
  f.say(at(field, `${key}.rollingUpdate`), `has spec.${key}.rollingUpdate with type ${type}, which the API server rejects: rollingUpdate is only for type RollingUpdate`);
}

const deploymentSpec: DefinitionRule = (spec, field, f) => { noPodDeadline('Deployment', spec, field, f); noRollingUpdate(spec, field, 'strategy', 'Recreate', f); };
const statefulSetSpec: DefinitionRule = (spec, field, f) => { noPodDeadline('StatefulSet', spec, field, f); noRollingUpdate(spec, field, 'updateStrategy', 'OnDelete', f); };
const daemonSetSpec: DefinitionRule = (spec, field, f) => noPodDeadline('DaemonSet', spec, field, f);
const replicaSetSpec: DefinitionRule = (spec, field, f) => noPodDeadline('ReplicaSet', spec, field, f);
const replicationControllerSpec: DefinitionRule = (spec, field, f) => noPodDeadline('ReplicationController', spec, field, f);

/** A CronJob generates the selector of each Job it starts: its job template may not set one (ValidateJobTemplateSpec). */
const jobTemplate: DefinitionRule = (t, field, f) => {
  const job = t.spec;
  if (!isObject(job)) return;
  if (job.manualSelector === true) f.say(at(field, 'spec.manualSelector'), 'sets spec.jobTemplate.spec.manualSelector, which the API server rejects for a CronJob: the selector of each Job it starts is generated');
  if (given(job.selector)) f.say(at(field, 'spec.selector'), 'sets spec.jobTemplate.spec.selector, which the API server rejects for a CronJob: the selector of each Job it starts is generated');
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const OBJECT_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.core.v1.Service': service,
  'api.discovery.v1.EndpointSlice': endpointSlice,
  'api.core.v1.ServiceSpec': serviceSpec,
  'api.core.v1.ServicePort': servicePort,
  'api.networking.v1.IngressSpec': ingressSpec,
  'api.networking.v1.IngressRule': ingressRule,
  'api.networking.v1.IngressTLS': ingressTls,
  'api.networking.v1.IngressServiceBackend': ingressServiceBackend,
  'api.networking.v1.IPBlock': ipBlock,
  'api.core.v1.Secret': secret,
  'api.batch.v1.CronJobSpec': cronJobSpec,
  'api.batch.v1.JobSpec': jobSpec,
  'api.policy.v1.PodDisruptionBudgetSpec': pdbSpec,
  'api.scheduling.v1.PriorityClass': priorityClass,
  'api.autoscaling.v1.CrossVersionObjectReference': scaleTarget,
  'api.autoscaling.v2.CrossVersionObjectReference': scaleTarget,
  'api.autoscaling.v2.MetricTarget': metricTarget,
  'api.autoscaling.v2.ResourceMetricSource': resourceMetric,
  'api.autoscaling.v2.ContainerResourceMetricSource': resourceMetric,
  'api.autoscaling.v2.HPAScalingRules': scalingRules,
  'api.autoscaling.v2.HPAScalingPolicy': scalingPolicy,
  'api.rbac.v1.RoleBinding': roleBinding,
  'api.rbac.v1.ClusterRoleBinding': clusterRoleBinding,
  'api.core.v1.LimitRangeItem': limitRangeItem,
  'api.core.v1.EndpointAddress': endpointAddress,
  'api.core.v1.ResourceQuotaSpec': resourceQuotaSpec,
  'api.apps.v1.RollingUpdateDeployment': rollingPercents,
  'api.apps.v1.RollingUpdateDaemonSet': rollingPercents,
  'api.apps.v1.DeploymentSpec': deploymentSpec,
  'api.apps.v1.StatefulSetSpec': statefulSetSpec,
  'api.apps.v1.DaemonSetSpec': daemonSetSpec,
  'api.apps.v1.ReplicaSetSpec': replicaSetSpec,
  'api.core.v1.ReplicationControllerSpec': replicationControllerSpec,
  'api.batch.v1.JobTemplateSpec': jobTemplate,
};
