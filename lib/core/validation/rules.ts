import { parseCidr } from './cidr';

/**
 * The validation rules that the Kubernetes API server applies to names, labels,
 * annotations, keys, ports, address blocks, quantities and paths, as predicates: each
 * returns `undefined` when the value is valid, else what is wrong with it, in words that
 * fit after "expected" in an error message.
 *
 * Written from the rules of k8s.io/apimachinery (pkg/util/validation, pkg/api/validate,
 * pkg/api/resource) and the networking validation of the API server. Lengths are counted
 * in bytes, as the API server does.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Longest DNS-1123 label and label value (bytes). */
export const DNS_1123_LABEL_MAX = 63;
/** Longest DNS-1123 subdomain, object name and ConfigMap key (bytes). */
export const DNS_1123_SUBDOMAIN_MAX = 253;
/** Largest total size of an object's annotations, keys plus values: 256 KiB (`TotalAnnotationSizeLimitB`). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** Largest total size of a ConfigMap's or Secret's data: 1 MiB (`MaxSecretSize`, and etcd's object limit). */
export const CONFIG_DATA_MAX_BYTES = 1024 * 1024;
/** Bounds of an int32 field. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** Bytes of a string in UTF-8 (the API server's `len`). */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

const DNS_1123_LABEL_TEXT = 'lower-case letters, digits and \'-\', starting and ending with a letter or digit';

/** IsDNS1123Label: most object names that become DNS names (Namespace, Service). */
export function dns1123LabelProblem(value: unknown, max = DNS_1123_LABEL_MAX): string | undefined {
  if (isString(value) && value.length <= max && DNS_1123_LABEL.test(value)) return undefined;
  return `a DNS-1123 label of at most ${max} characters: ${DNS_1123_LABEL_TEXT}`;
}

/** IsDNS1123Subdomain: most object names (ConfigMap, Secret, PriorityClass, Deployment). */
export function dns1123SubdomainProblem(value: unknown): string | undefined {
  if (isString(value) && value.length <= DNS_1123_SUBDOMAIN_MAX && DNS_1123_SUBDOMAIN.test(value)) return undefined;
  return 'a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'';
}

/** IsDNS1035Label: names that must start with a letter (Service names, port names). */
export function dns1035LabelProblem(value: unknown): string | undefined {
  if (isString(value) && value.length <= DNS_1123_LABEL_MAX && DNS_1035_LABEL.test(value)) return undefined;
  return 'a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit';
}

/**
 * IsQualifiedName: label keys, annotation keys (compared in lower case), nodeSelector keys,
 * topology keys. `[prefix/]name`: an optional DNS-1123 subdomain prefix, and a name of at
 * most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
 */
export function qualifiedNameProblem(value: unknown): string | undefined {
  if (!isString(value)) return QUALIFIED_NAME_SHAPE;
  // Keys repeat across objects (app.kubernetes.io/name...): each distinct key is judged once.
  const known = QUALIFIED_NAMES.get(value);
  if (known !== undefined) return known ? undefined : QUALIFIED_NAME_SHAPE;
  const slash = value.indexOf('/');
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  const ok = !(slash >= 0 && (value.indexOf('/', slash + 1) >= 0 || dns1123SubdomainProblem(value.slice(0, slash)) !== undefined))
    && name.length <= DNS_1123_LABEL_MAX && NAME_PART.test(name);
  if (QUALIFIED_NAMES.size < MEMO_LIMIT) QUALIFIED_NAMES.set(value, ok);
  return ok ? undefined : QUALIFIED_NAME_SHAPE;
}

const QUALIFIED_NAME_SHAPE = 'a key of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', '
  + 'then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")';
/** Key -> whether it is a qualified name; at most `MEMO_LIMIT` keys. */
const QUALIFIED_NAMES = new Map<string, boolean>();
const MEMO_LIMIT = 10000;

/** IsValidLabelValue: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
export function labelValueProblem(value: unknown): string | undefined {
  if (isString(value) && value.length <= DNS_1123_LABEL_MAX && LABEL_VALUE.test(value)) return undefined;
  return 'a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
}

/** An annotation key: a qualified name, compared in lower case. */
export function annotationKeyProblem(value: unknown): string | undefined {
  if (!isString(value)) return qualifiedNameProblem(value);
  return qualifiedNameProblem(/[A-Z]/.test(value) ? value.toLowerCase() : value);
}

/** Total bytes of annotations (keys plus values), as the API server counts them. */
export function annotationsBytes(annotations: { [key: string]: string }): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += byteLength(k) + byteLength(String(v));
  return total;
}

/** The '.', '..' and '..'-prefixed names that the kubelet's atomic writer reserves. */
function chDirProblem(value: string): string | undefined {
  if (value === '.' || value === '..') return `not "${value}"`;
  if (value.startsWith('..')) return 'not starting with ".." (reserved by the kubelet for the files it writes)';
  return undefined;
}

/** IsConfigMapKey: keys of ConfigMap and Secret data (also file names when mounted). */
export function configMapKeyProblem(value: unknown): string | undefined {
  const shape = 'a ConfigMap key of at most 253 characters: letters, digits, \'-\', \'_\' and \'.\', '
    + 'other than "." and ".." and not starting with ".."';
  if (!isString(value) || value.length > DNS_1123_SUBDOMAIN_MAX || !CONFIG_MAP_KEY.test(value) || chDirProblem(value)) return shape;
  return undefined;
}

/** IsEnvVarName: letters, digits, '_', '-' and '.', not starting with a digit, other than '.', '..' and '..'-prefixed. */
export function envVarNameProblem(value: unknown): string | undefined {
  if (isString(value) && ENV_VAR_NAME.test(value) && !chDirProblem(value)) return undefined;
  return 'an environment variable name: letters, digits, \'_\', \'-\' and \'.\', not starting with a digit, other than "." and ".." and not starting with ".."';
}

/** Kubernetes minor version from which env var names may be any printable ASCII but '=' (RelaxedEnvironmentVariableValidation). */
export const RELAXED_ENV_NAMES_MINOR = 32;

/**
 * An environment variable name (or envFrom prefix) as API servers of the target version check
 * it: IsEnvVarName before 1.32, then any printable ASCII character but '=' (IsRelaxedEnvVarName).
 */
export function envVarNameProblemAt(value: unknown, targetMinor: number): string | undefined {
  if (targetMinor >= RELAXED_ENV_NAMES_MINOR) {
    if (isString(value) && value !== '' && /^[\x20-\x3c\x3e-\x7e]+$/.test(value)) return undefined;
    return 'an environment variable name of printable ASCII characters other than \'=\'';
  }
  const problem = envVarNameProblem(value);
  return problem && `${problem} (API servers before 1.${RELAXED_ENV_NAMES_MINOR} refuse other names; later ones refuse only '=' and non-printable characters: raise the target to 1.${RELAXED_ENV_NAMES_MINOR} to use them)`;
}

/** An integer in [min, max]. */
export function intProblem(value: unknown, min: number, max: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `an integer from ${min} to ${max}`;
}

/** An int32 field (replicas, seconds, thresholds): an integer in [min, 2147483647]. */
export function int32Problem(value: unknown, min = INT32_MIN): string | undefined {
  return intProblem(value, min, INT32_MAX);
}

/** IsValidPortNum: 1 to 65535. */
export function portProblem(value: unknown): string | undefined {
  return intProblem(value, 1, 65535) && 'a port number from 1 to 65535';
}

/** A NetworkPolicy port range: `endPort` from `port` to 65535. */
export function portRangeProblem(port: number, endPort: unknown): string | undefined {
  if (endPort === undefined) return undefined;
  if (typeof endPort === 'number' && Number.isInteger(endPort) && endPort >= port && endPort <= 65535) return undefined;
  return `an endPort from port (${port}) to 65535`;
}

/** A CIDR (IPv4 or IPv6), with a prefix within the address size and no host bits set. */
export function cidrProblem(value: unknown): string | undefined {
  const parsed = parseCidr(value as string);
  return typeof parsed === 'string' ? `a CIDR such as "10.0.0.0/8" or "fd00::/8" (${parsed})` : undefined;
}

/**
 * The resource.Quantity grammar: `[+-]<number><suffix>`, the number `1`, `1.5`, `1.` or
 * `.5`, the suffix a binary SI unit (Ki Mi Gi Ti Pi Ei), a decimal SI unit (n u m k M G T
 * P E) or an exponent (`e3`, `E-2`).
 */
export function quantityProblem(value: unknown, options: { nonNegative?: boolean } = {}): string | undefined {
  const shape = 'a Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3"';
  if (!isString(value) || !QUANTITY.test(value)) return shape;
  if (options.nonNegative && value.startsWith('-') && /[1-9]/.test(value.replace(/[eE].*$/, ''))) return `a quantity of at least 0 (${shape})`;
  return undefined;
}

/** An absolute path in clean form: starts with '/', no '//', no '.' or '..' segment, no trailing '/' (but '/'). */
export function cleanAbsolutePathProblem(value: unknown): string | undefined {
  const shape = 'an absolute path in clean form, such as "/tmp" or "/var/cache/app": starting with \'/\', '
    + 'without "//", "." or ".." segments or a trailing \'/\'';
  if (!isString(value) || !value.startsWith('/') || value.includes('\0')) return shape;
  if (value === '/') return undefined;
  const segments = value.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return shape;
  return undefined;
}

/** Sequences and endings the API server refuses in an Ingress path of type Prefix or Exact. */
const INGRESS_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INGRESS_PATH_SUFFIXES = ['/..', '/.'];

/**
 * An Ingress path of type Prefix or Exact: absolute, without "//", "/./", "/../" or an
 * encoded '/', and not ending with "/." or "/..".
 */
export function ingressPathProblem(value: unknown): string | undefined {
  if (!isString(value) || !value.startsWith('/')) return 'an absolute path starting with \'/\', such as \'/\' or \'/api\'';
  const seq = INGRESS_PATH_SEQUENCES.find((s) => value.includes(s));
  if (seq) {
    const example = seq === '//' ? `, such as "${value.replace(/\/{2,}/g, '/')}"` : '';
    return `a path without "${seq}" (the API server refuses it in Prefix and Exact paths)${example}`;
  }
  const suffix = INGRESS_PATH_SUFFIXES.find((s) => value.endsWith(s));
  if (suffix) return `a path not ending with "${suffix}" (the API server refuses it in Prefix and Exact paths)`;
  return undefined;
}

/** The first invalid entry of a label map: the key, or the value under its key. */
export interface LabelsProblem {
  /** `' key'` when the key is wrong, `.<key>` when the value is. */
  readonly suffix: string;
  readonly value: unknown;
  readonly problem: string;
}

/** Checks a map of labels (or a nodeSelector, a matchLabels): qualified-name keys, label values. */
export function labelsProblem(labels: unknown): LabelsProblem | undefined {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return { suffix: '', value: labels, problem: 'a map of label keys to label values' };
  }
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) return { suffix: ' key', value: key, problem: keyProblem };
    const valueProblem = labelValueProblem(value);
    if (valueProblem) return { suffix: `.${key}`, value, problem: typeof value === 'string' ? valueProblem : `a string: ${valueProblem}` };
  }
  return undefined;
}

const REGISTRY_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;
const REPOSITORY_PATH = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;

/**
 * An allowed-registry entry: a registry host with an optional port ("ghcr.io",
 * "registry.internal:5000", "localhost"), optionally followed by a repository path
 * ("ghcr.io/acme"); no scheme, no tag or digest, no wildcard.
 */
export function registryPrefixProblem(value: unknown): string | undefined {
  const shape = 'a registry host or host/path such as "ghcr.io", "registry.internal:5000" or "ghcr.io/acme" '
    + '(lower case, without "https://", a tag, a digest or a wildcard)';
  if (!isString(value)) return shape;
  const v = value.replace(/\/+$/, '');
  const slash = v.indexOf('/');
  const host = slash < 0 ? v : v.slice(0, slash);
  const rest = slash < 0 ? '' : v.slice(slash + 1);
  if (!REGISTRY_HOST.test(host)) return shape;
  if (rest !== '' && !REPOSITORY_PATH.test(rest)) return shape;
  return undefined;
}

/**
 * A props or options object with only known keys: a misspelt key (`requireDigst`) is an
 * error that lists the known ones, never silently ignored. Keys with an undefined value
 * count as well.
 */
export function unknownKeyProblem(value: object | undefined, known: readonly string[]): string | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  return Object.keys(value).find((k) => !known.includes(k));
}
