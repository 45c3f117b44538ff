import { IConstruct } from 'constructs';
import { fail, failAt } from './errors';
import {
  annotationKeyProblem, annotationsBytes, ANNOTATIONS_MAX_BYTES, byteLength, cleanAbsolutePathProblem, CONFIG_DATA_MAX_BYTES,
  configMapKeyProblem, dns1123LabelProblem, dns1123SubdomainProblem, envVarNameProblem, ingressPathProblem,
  int32Problem, intProblem, labelsProblem, labelValueProblem, portProblem, portRangeProblem, qualifiedNameProblem, quantityProblem,
} from './validation/rules';

// Construct-time checks: each runs one rule of ./validation/rules and, when the value
// breaks it, fails with the construct path, the property, the value and what is allowed.
// Nothing here loads cdk8s, so the checker and the CLI can use it; the checks of cdk8s
// Durations and Sizes are in ./validation/units.

export * from './validation/rules';

function check<T>(scope: IConstruct, kind: string, prop: string, value: T, problem: string | undefined): T {
  if (problem !== undefined) fail(scope, kind, prop, value, problem);
  return value;
}

/** A DNS-1123 label (Service, Namespace and most object names that become DNS names). */
export function checkDnsLabel(scope: IConstruct, kind: string, prop: string, value: string, maxLength = 63): string {
  return check(scope, kind, prop, value, dns1123LabelProblem(value, maxLength));
}

/** A DNS-1123 subdomain (most object names). */
export function checkDnsSubdomain(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, dns1123SubdomainProblem(value));
}

export function isLabelValue(value: string): boolean {
  return labelValueProblem(value) === undefined;
}

/** A label value (empty allowed, as Kubernetes allows it). */
export function checkLabelValue(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, labelValueProblem(value));
}

/** A label value that says something: not empty. */
export function checkNonEmptyLabelValue(scope: IConstruct, kind: string, prop: string, value: string): string {
  if (value === '') fail(scope, kind, prop, value, `a non-empty ${labelValueProblem(undefined)!.replace(/^a /, '')}`);
  return checkLabelValue(scope, kind, prop, value);
}

/** A label key, nodeSelector key or other qualified name: `[prefix/]name`. */
export function checkLabelKey(scope: IConstruct, kind: string, prop: string, key: string): string {
  return check(scope, kind, prop, key, qualifiedNameProblem(key));
}

/**
 * A map of labels (or a nodeSelector, a matchLabels): every key a qualified name, every value
 * a label value. Errors name `<prop> key` or `<prop>.<key>`. Returns a copy.
 */
export function checkLabels(scope: IConstruct, kind: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  if (labels === undefined) return {};
  const p = labelsProblem(labels);
  if (p) fail(scope, kind, prop + p.suffix, p.value, p.problem);
  return { ...labels };
}

/** `checkLabels` where there is no construct: `where` names the call ("NetworkPeer.pods()"). */
export function checkLabelsAt(where: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  if (labels === undefined) return {};
  const p = labelsProblem(labels);
  if (p) failAt(where, prop + p.suffix, p.value, p.problem);
  return { ...labels };
}

/** A value checked by one rule where there is no construct: `where` names the call. */
export function checkAt<T>(where: string, prop: string, value: T, problem: string | undefined): T {
  if (problem !== undefined) failAt(where, prop, value, problem);
  return value;
}

/**
 * Annotations: every key a qualified name (case does not matter), every value a string, and
 * at most 256 KiB in total, keys and values, counting `otherBytes` already on the object.
 */
export function checkAnnotations(scope: IConstruct, kind: string, prop: string, annotations: { [key: string]: string } | undefined, otherBytes = 0): { [key: string]: string } {
  if (annotations === undefined) return {};
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) fail(scope, kind, prop, annotations, 'a map of annotation keys to strings');
  for (const [key, value] of Object.entries(annotations)) {
    check(scope, kind, `${prop} key`, key, annotationKeyProblem(key));
    if (typeof value !== 'string') fail(scope, kind, `${prop}.${key}`, value, 'a string (annotation values are strings: quote numbers and booleans)');
  }
  checkAnnotationsSize(scope, kind, prop, annotations, otherBytes);
  return { ...annotations };
}

/** The 256 KiB bound on an object's annotations (keys plus values, in bytes). */
export function checkAnnotationsSize(scope: IConstruct, kind: string, prop: string, annotations: { [key: string]: string }, otherBytes = 0): void {
  const total = annotationsBytes(annotations) + otherBytes;
  if (total > ANNOTATIONS_MAX_BYTES) {
    fail(scope, kind, prop, `(${total} bytes of annotations)`,
      `at most ${ANNOTATIONS_MAX_BYTES} bytes (256 KiB) of annotations on one object, keys and values together: the API server refuses more; keep long text in a ConfigMap or shorten it`);
  }
}

export function checkEnvName(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, envVarNameProblem(value));
}

/** A ConfigMap or Secret key. */
export function checkConfigKey(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, configMapKeyProblem(value));
}

/**
 * ConfigMap or Secret data: every key a ConfigMap key, every value a string, and at most
 * 1 MiB in total (keys and values, in bytes). Returns a copy with sorted keys.
 */
export function checkConfigData(scope: IConstruct, kind: string, prop: string, data: { [key: string]: string }): { [key: string]: string } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(scope, kind, prop, data, 'a map of ConfigMap keys to strings');
  const out: { [key: string]: string } = {};
  let total = 0;
  for (const key of Object.keys(data).sort()) {
    checkConfigKey(scope, kind, `${prop} key`, key);
    const value = data[key];
    if (typeof value !== 'string') fail(scope, kind, `${prop}.${key}`, value, 'a string (quote numbers and booleans; the content is written as given)');
    total += byteLength(key) + byteLength(value);
    out[key] = value;
  }
  if (total > CONFIG_DATA_MAX_BYTES) {
    fail(scope, kind, prop, `(${total} bytes in ${Object.keys(out).length} keys)`,
      `at most ${CONFIG_DATA_MAX_BYTES} bytes (1 MiB) of data in one ConfigMap, keys and values together: the API server refuses more; split the data or mount large files from a volume`);
  }
  return out;
}

/** An optional boolean: a string such as 'false' is an error, never read as true or written as text. */
export function checkBoolean(scope: IConstruct, kind: string, prop: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(scope, kind, prop, value, 'true or false (a boolean, not a string)');
  return value;
}

/** An integer within [min, max]. */
export function checkInt(scope: IConstruct, kind: string, prop: string, value: number, min: number, max: number): number {
  return check(scope, kind, prop, value, intProblem(value, min, max));
}

/** An int32 field: an integer from `min` to 2147483647. */
export function checkInt32(scope: IConstruct, kind: string, prop: string, value: number, min = 0): number {
  return check(scope, kind, prop, value, int32Problem(value, min));
}

/** A port number, 1 to 65535. */
export function checkPort(scope: IConstruct, kind: string, prop: string, value: number): number {
  return check(scope, kind, prop, value, portProblem(value));
}

/** A port and an optional `endPort` (a NetworkPolicy range): both ports, `endPort` not below `port`. */
export function checkPortRange(scope: IConstruct, kind: string, prop: string, port: number, endPort: number | undefined): void {
  checkPort(scope, kind, `${prop}.port`, port);
  if (endPort !== undefined) checkPort(scope, kind, `${prop}.endPort`, endPort);
  check(scope, kind, `${prop}.endPort`, endPort, portRangeProblem(port, endPort));
}

/** A Kubernetes quantity string ("250m", "128Mi"); `nonNegative` for requests, limits and quotas. */
export function checkQuantity(scope: IConstruct, kind: string, prop: string, value: string, nonNegative = true): string {
  return check(scope, kind, prop, value, quantityProblem(value, { nonNegative }));
}

/** An absolute path in clean form (a mount path, a writable path). */
export function checkCleanAbsolutePath(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, cleanAbsolutePathProblem(value));
}

/** An Ingress path of type Prefix or Exact, as the API server accepts it. */
export function checkIngressPath(scope: IConstruct, kind: string, prop: string, value: string): string {
  return check(scope, kind, prop, value, ingressPathProblem(value));
}

/**
 * A prop that has no effect in this configuration is an error rather than silently ignored:
 * `why` says when it applies, e.g. "a PodDisruptionBudget exists only from 2 replicas".
 */
export function checkUnused(scope: IConstruct, kind: string, prop: string, value: unknown, why: string): void {
  if (value !== undefined) fail(scope, kind, prop, value, `no ${prop}: ${why}`);
}

/**
 * Mount paths of one container: each absolute and clean, and no two equal (the API server
 * refuses two volume mounts at one path). `entries` are [property, path] pairs.
 */
export function checkDistinctPaths(scope: IConstruct, kind: string, entries: ReadonlyArray<readonly [string, string]>): void {
  const seen = new Map<string, string>();
  for (const [prop, p] of entries) {
    checkCleanAbsolutePath(scope, kind, prop, p);
    const other = seen.get(p);
    if (other !== undefined) {
      fail(scope, kind, prop, p, `a path not already used by ${other}: two mounts at one path are refused by the API server`);
    }
    seen.set(p, prop);
  }
}
