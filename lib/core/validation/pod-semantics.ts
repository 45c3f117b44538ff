/**
 * The API server's validation of pod specs, containers and volumes that an OpenAPI schema
 * cannot say: file modes, relative paths that must stay inside their volume, host and DNS
 * names, DNS settings, host aliases, pull secrets, readiness gates, init containers without
 * probes or hooks, host ports, mount propagation, seccomp profiles, user and group ids, and
 * topology spread constraints and pod affinity terms (matchLabelKeys and mismatchLabelKeys beside a
 * labelSelector). Rules by definition,
 * run by the structural check (schema.ts) wherever the definition appears.
 *
 * Written from the core validation of Kubernetes (pkg/apis/core/validation: ValidatePodSpec,
 * validateInitContainers, ValidateVolumeMounts, validateKeyToPath, validatePodDNSConfig,
 * ValidateHostAliases, validateSeccompProfileField, validateTopologySpreadConstraints,
 * validateMatchLabelKeysAndMismatchLabelKeys, IsValidUserID and IsValidGroupID) and the pod warnings of pkg/api/pod, which
 * a server returns with an accepted object: both mean the object is not as written.
 */
import { ipFormWarning, ipProblem, ipWithForm } from './cidr';
import { parseQuantity } from './quantity';
import { dns1123LabelProblem, dns1123SubdomainProblem, envVarNameProblemAt, qualifiedNameProblem } from './rules';
import { DEFAULT_TARGET_MINOR } from './target';
import type { DefinitionRule } from './structural-rule';

type Findings = Parameters<DefinitionRule>[2];
import { at, given, isObject, list } from './rule-helpers';


/** The largest file mode (0777, 511 in decimal): the permission bits a volume file can have. */
export const FILE_MODE_MAX = 0o777;
/** Most nameservers a pod's DNS config lists (libc reads 3). */
export const DNS_NAMESERVERS_MAX = 3;
/** Most search domains a pod's DNS config lists. */
export const DNS_SEARCHES_MAX = 32;
/** Kubernetes minor version from which a DNS search domain may hold '_' or be "." (RelaxedDNSSearchValidation). */
export const RELAXED_DNS_SEARCH_MINOR = 33;
/** Longest search list, in characters with the spaces between domains. */
export const DNS_SEARCH_LIST_CHARS_MAX = 2048;

const FILE_MODE = `a file mode from 0 to 0777 (511 in decimal; YAML reads a leading 0 as octal, JSON needs decimal such as 420 for 0644)`;

function fileMode(v: { [key: string]: any }, field: string, key: string, f: Parameters<DefinitionRule>[2]): void {
  const mode = v[key];
  if (typeof mode === 'number' && (mode < 0 || mode > FILE_MODE_MAX)) f.bad(at(field, key), mode, FILE_MODE);
}

/**
 * A relative path that stays inside its volume (validateLocalDescendingPath): not absolute
 * and without a '..' element; `reserved` also refuses a name starting with '..' (the kubelet's
 * own files in a ConfigMap or Secret volume).
 */
export function descendingPathProblem(value: unknown, reserved = false, what = 'a relative path inside the volume, such as "config/app.yaml"'): string | undefined {
  if (typeof value !== 'string') return undefined;
  const shape = `${what}: not starting with '/' and without a ".." element`;
  if (value.startsWith('/') || value.split('/').includes('..')) return shape;
  if (reserved && value.startsWith('..')) return `${shape}, and not starting with ".." (reserved by the kubelet for the files it writes)`;
  return undefined;
}

const defaultModeRule: DefinitionRule = (v, field, f) => fileMode(v, field, 'defaultMode', f);

/** One file of a ConfigMap, Secret or downward API volume: its path and mode. */
const volumeFile: DefinitionRule = (v, field, f) => {
  if (typeof v.path === 'string') {
    if (v.path === '') f.bad(at(field, 'path'), v.path, 'a relative file path such as "app.yaml"');
    else {
      const problem = descendingPathProblem(v.path, true);
      if (problem) f.bad(at(field, 'path'), v.path, problem);
    }
  }
  fileMode(v, field, 'mode', f);
};

const volumeMount: DefinitionRule = (v, field, f) => {
  for (const key of ['subPath', 'subPathExpr']) {
    const problem = descendingPathProblem(v[key]);
    if (typeof v[key] === 'string' && v[key] !== '' && problem) f.bad(at(field, key), v[key], problem);
  }
  if (typeof v.subPath === 'string' && v.subPath !== '' && typeof v.subPathExpr === 'string' && v.subPathExpr !== '') {
    f.say(at(field, 'subPathExpr'), 'is set with subPath; the API server accepts one of subPath and subPathExpr');
  }
};

/** An envFrom prefix: an env var name as the target version checks it (as api-valid checks the names themselves). */
const envFrom: DefinitionRule = (v, field, f) => {
  if (typeof v.prefix !== 'string' || v.prefix === '') return;
  const problem = envVarNameProblemAt(v.prefix, f.targetMinor?.() ?? DEFAULT_TARGET_MINOR);
  if (problem) f.bad(at(field, 'prefix'), v.prefix, `a prefix that is ${problem}`);
};

const seccompProfile: DefinitionRule = (v, field, f) => {
  if (v.type === 'Localhost') {
    if (!given(v.localhostProfile)) f.say(at(field, 'localhostProfile'), 'is unset, and the API server requires it when type is Localhost: the path of the profile under the kubelet\'s seccomp directory, such as "profiles/app.json"');
    else {
      const problem = descendingPathProblem(v.localhostProfile, false, 'a path relative to the kubelet\'s seccomp directory, such as "profiles/app.json"');
      if (problem) f.bad(at(field, 'localhostProfile'), v.localhostProfile, problem);
    }
  } else if (given(v.localhostProfile) && typeof v.type === 'string') {
    f.bad(at(field, 'localhostProfile'), v.localhostProfile, `no localhostProfile with type ${v.type}: the API server accepts it only with type Localhost`);
  }
};

/** Warnings the API server returns for a container's ports (hostIP without hostPort). */
function containerPorts(c: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  list(c.ports).forEach((p, i) => {
    if (!isObject(p)) return;
    // The API server does not check the address itself (a hostIP that is no IP is accepted).
    if (typeof p.hostIP === 'string' && p.hostIP !== '' && (!given(p.hostPort) || p.hostPort === 0)) {
      f.say(at(field, `ports[${i}].hostIP`), `${JSON.stringify(p.hostIP)} is set without a hostPort; the API server warns "hostIP set without hostPort" and ignores it (set hostPort, or remove hostIP)`);
    }
  });
}

const container: DefinitionRule = (c, field, f) => {
  containerPorts(c, field, f);
  const privileged = c.securityContext?.privileged === true;
  list(c.volumeMounts).forEach((m, i) => {
    if (isObject(m) && m.mountPropagation === 'Bidirectional' && !privileged) {
      f.bad(at(field, `volumeMounts[${i}].mountPropagation`), m.mountPropagation, 'HostToContainer or None: the API server allows Bidirectional only in a privileged container');
    }
  });
};

/** `protocol/hostIP/hostPort` of each host port of the containers; a second one is refused. */
function hostPorts(containers: readonly any[], listField: string, f: Parameters<DefinitionRule>[2], seen = new Map<string, string>()): void {
  containers.forEach((c, i) => {
    list(c?.ports).forEach((p, j) => {
      if (!isObject(p) || typeof p.hostPort !== 'number' || p.hostPort === 0) return;
      const key = `${p.protocol || 'TCP'}/${p.hostIP ?? ''}/${p.hostPort}`;
      const here = `${listField}[${i}].ports[${j}].hostPort`;
      const other = seen.get(key);
      if (other !== undefined) f.say(here, `host port ${p.hostPort}/${p.protocol || 'TCP'}${p.hostIP ? ` on ${p.hostIP}` : ''} is also taken at ${other}; the API server refuses the same host port, protocol and hostIP twice in a pod`);
      else seen.set(key, here);
    });
  });
}

/**
 * The API server's warnings about container ports declared more than once for one
 * containerPort and protocol, across init, regular and ephemeral containers: the same hostIP and
 * hostPort (a duplicate), a hostPort on one and not the other (overlapping), or the same hostPort
 * with a hostIP on only one (ambiguous).
 */
function portWarnings(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const seen = new Map<string, Array<{ at: string; hostIP: string; hostPort: number }>>();
  for (const listName of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[listName]).forEach((c, i) => list(c?.ports).forEach((p, j) => {
      if (!isObject(p)) return;
      const here = `${at(field, listName)}[${i}].ports[${j}]`;
      const port = { at: here, hostIP: typeof p.hostIP === 'string' ? p.hostIP : '', hostPort: typeof p.hostPort === 'number' ? p.hostPort : 0 };
      const key = `${p.containerPort}/${p.protocol || 'TCP'}`;
      const others = seen.get(key) ?? [];
      for (const other of others) {
        const why = port.hostIP === other.hostIP && port.hostPort === other.hostPort ? 'duplicates'
          : port.hostPort === 0 || other.hostPort === 0 ? 'overlaps'
            : port.hostPort === other.hostPort && (port.hostIP === '') !== (other.hostIP === '') ? 'is ambiguous with' : undefined;
        if (why) { f.say(here, `port ${key} ${why} ${other.at}; the API server warns about it (declare each container port once)`); break; }
      }
      seen.set(key, [...others, port]);
    }));
  }
}

const PROBES_AND_HOOKS = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'];

/**
 * An init container's restartPolicy is Always (a native sidecar) or unset (validateInitContainers);
 * an API server before 1.29 does not know the field, so no other value works there either.
 */
function initRestartPolicy(c: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  if (!given(c.restartPolicy) || c.restartPolicy === 'Always') return;
  f.bad(at(field, 'restartPolicy'), c.restartPolicy, 'Always (a native sidecar), or no restartPolicy for an init container that runs to completion');
}

function initContainers(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  list(spec.initContainers).forEach((c, i) => {
    if (!isObject(c)) return;
    hostPorts([c], at(field, 'initContainers'), f); // init containers run one at a time: each on its own
    if (c.restartPolicy === 'Always') return;
    initRestartPolicy(c, `${at(field, 'initContainers')}[${i}]`, f);
    for (const key of PROBES_AND_HOOKS) {
      if (given(c[key])) {
        f.say(at(field, `initContainers[${i}].${key}`), `is set on init container ${JSON.stringify(c.name)}, which runs to completion; the API server allows ${key} only on a sidecar (restartPolicy: Always, Kubernetes 1.29+) or a regular container`);
      }
    }
  });
}

function dnsConfig(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const here = at(field, 'dnsConfig');
  const config = spec.dnsConfig;
  if (spec.dnsPolicy === 'None' && list(config?.nameservers).length === 0) {
    f.say(at(here, 'nameservers'), 'is empty, and the API server requires at least one nameserver when dnsPolicy is None');
  }
  if (!isObject(config)) return;
  const nameservers = list(config.nameservers);
  if (nameservers.length > DNS_NAMESERVERS_MAX) f.say(at(here, 'nameservers'), `lists ${nameservers.length} nameservers; the API server allows at most ${DNS_NAMESERVERS_MAX}`);
  nameservers.forEach((ns, i) => { if (typeof ns === 'string') ipWithForm(`${at(here, 'nameservers')}[${i}]`, ns, f); });
  const searches = list(config.searches).filter((s) => typeof s === 'string') as string[];
  if (searches.length > DNS_SEARCHES_MAX) f.say(at(here, 'searches'), `lists ${searches.length} search domains; the API server allows at most ${DNS_SEARCHES_MAX}`);
  const chars = searches.join(' ').length;
  if (chars > DNS_SEARCH_LIST_CHARS_MAX) f.say(at(here, 'searches'), `take ${chars} characters with the spaces between them; the API server allows at most ${DNS_SEARCH_LIST_CHARS_MAX}`);
  // From 1.33 a search domain may hold '_' and may be "." (RelaxedDNSSearchValidation); a trailing '.' is dropped first.
  const relaxed = (f.targetMinor?.() ?? DEFAULT_TARGET_MINOR) >= RELAXED_DNS_SEARCH_MINOR;
  list(config.searches).forEach((s, i) => {
    if (typeof s !== 'string' || (relaxed && s === '.')) return;
    const name = s.replace(/\.$/, '');
    if (dns1123SubdomainProblem(relaxed ? name.replace(/_/g, 'a') : name)) {
      f.bad(`${at(here, 'searches')}[${i}]`, s, relaxed
        ? 'a search domain: a DNS-1123 subdomain (lower-case letters, digits, \'-\', \'_\' and \'.\', at most 253 characters), or "."'
        : `a search domain: a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters; '_' and "." alone only from Kubernetes 1.${RELAXED_DNS_SEARCH_MINOR} on)`);
    }
  });
  list(config.options).forEach((o, i) => {
    if (isObject(o) && (typeof o.name !== 'string' || o.name === '')) f.bad(`${at(here, 'options')}[${i}].name`, o.name, 'an option name such as "ndots"');
  });
}

function hostAliases(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const ips = new Set<string>();
  list(spec.hostAliases).forEach((a, i) => {
    if (!isObject(a)) return;
    const here = `${at(field, 'hostAliases')}[${i}]`;
    if (ipProblem(a.ip) !== undefined || ipFormWarning(a.ip) !== undefined) ipWithForm(`${here}.ip`, a.ip, f); // refused, or warned about
    else if (ips.has(a.ip)) f.say(`${here}.ip`, `${JSON.stringify(a.ip)} is listed twice; the API server warns about the duplicate (merge the hostnames into one entry)`);
    ips.add(a.ip);
    list(a.hostnames).forEach((h, j) => {
      const hostProblem = dns1123SubdomainProblem(h);
      if (hostProblem) f.bad(`${here}.hostnames[${j}]`, h, hostProblem);
    });
  });
}

function imagePullSecrets(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const names = new Set<string>();
  list(spec.imagePullSecrets).forEach((s, i) => {
    if (!isObject(s)) return;
    const here = `${at(field, 'imagePullSecrets')}[${i}].name`;
    if (typeof s.name !== 'string' || s.name === '') f.say(here, 'is empty; the API server warns "invalid empty name" and the entry pulls nothing (name a Secret, or remove the entry)');
    else if (names.has(s.name)) f.say(here, `${JSON.stringify(s.name)} is listed twice; the API server warns about the duplicate`);
    else names.add(s.name);
  });
}

const podSpec: DefinitionRule = (spec, field, f) => {
  for (const key of ['hostname', 'subdomain']) {
    if (typeof spec[key] === 'string' && spec[key] !== '') {
      const problem = dns1123LabelProblem(spec[key]);
      if (problem) f.bad(at(field, key), spec[key], problem);
    }
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
    const problem = dns1123SubdomainProblem(spec.nodeName);
    if (problem) f.bad(at(field, 'nodeName'), spec.nodeName, `a node name: ${problem}`);
  }
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    f.say(at(field, 'shareProcessNamespace'), 'is true with hostPID: true; the API server refuses both (with hostPID the pod already sees every process of the node)');
  }
  dnsConfig(spec, field, f);
  hostAliases(spec, field, f);
  imagePullSecrets(spec, field, f);
  list(spec.readinessGates).forEach((g, i) => {
    if (!isObject(g) || typeof g.conditionType !== 'string') return;
    const problem = qualifiedNameProblem(g.conditionType);
    if (problem) f.bad(`${at(field, 'readinessGates')}[${i}].conditionType`, g.conditionType, `a condition type that is ${problem.replace(/^a key of the form /, 'of the form ')}`);
  });
  if (spec.runtimeClassName === '') f.bad(at(field, 'runtimeClassName'), spec.runtimeClassName, 'the name of a RuntimeClass, or no runtimeClassName (null or left out) for the default runtime');
  sleepHooks(spec, field, f);
  spreadConstraints(spec, field, f);
  initContainers(spec, field, f);
  hostPorts(list(spec.containers), at(field, 'containers'), f);
  portWarnings(spec, field, f);
  if (spec.hostNetwork === true) {
    list(spec.containers).forEach((c, i) => list(c?.ports).forEach((p, j) => {
      if (isObject(p) && typeof p.hostPort === 'number' && p.hostPort !== 0 && p.hostPort !== p.containerPort) {
        f.bad(`${at(field, 'containers')}[${i}].ports[${j}].hostPort`, p.hostPort, `the containerPort (${p.containerPort}) or no hostPort: with hostNetwork the container listens on the node's port itself`);
      }
    }));
  }
};

/** Shortest lifetime of a projected service account token, in seconds (10 minutes). */
export const TOKEN_EXPIRATION_MIN = 600;
/** Longest lifetime of a projected service account token, in seconds (2^32). */
export const TOKEN_EXPIRATION_MAX = 2 ** 32;
/** A sysctl name (SysctlContainSlashFmt): segments separated by '.' or '/'. */
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
/** Longest sysctl name. */
export const SYSCTL_NAME_MAX = 253;

const sysctl: DefinitionRule = (v, field, f) => {
  if (typeof v.name === 'string' && (v.name.length > SYSCTL_NAME_MAX || !SYSCTL_NAME.test(v.name))) {
    f.bad(at(field, 'name'), v.name, `a sysctl name such as "net.ipv4.ip_local_port_range": segments of lower-case letters, digits, '-' and '_', separated by '.' or '/', at most ${SYSCTL_NAME_MAX} characters`);
  }
};

const emptyDir: DefinitionRule = (v, field, f) => {
  if (given(v.sizeLimit) && parseQuantity(v.sizeLimit) < 0) f.bad(at(field, 'sizeLimit'), v.sizeLimit, 'a size of at least 0 such as "1Gi"');
};

/** An item of a ConfigMap or Secret volume, also checked as a volume file (volumeFile). */
const keyToPath: DefinitionRule = (v, field, f) => {
  volumeFile(v, field, f);
  if (v.key === '') f.bad(at(field, 'key'), v.key, 'the key of an entry of the ConfigMap or Secret');
};

const tokenProjection: DefinitionRule = (v, field, f) => {
  const seconds = v.expirationSeconds;
  if (typeof seconds === 'number' && (seconds < TOKEN_EXPIRATION_MIN || seconds > TOKEN_EXPIRATION_MAX)) {
    f.bad(at(field, 'expirationSeconds'), seconds, `a number of seconds from ${TOKEN_EXPIRATION_MIN} (10 minutes) to ${TOKEN_EXPIRATION_MAX}; leave it out for 3600 (one hour)`);
  }
};

const nodeSelector: DefinitionRule = (v, field, f) => {
  if (Array.isArray(v.nodeSelectorTerms) && v.nodeSelectorTerms.length === 0) {
    f.say(at(field, 'nodeSelectorTerms'), 'is empty; the API server requires at least one node selector term (leave requiredDuringSchedulingIgnoredDuringExecution out to require nothing)');
  }
};

/** The weight of a preferred scheduling or affinity term. */
const weighted: DefinitionRule = (v, field, f) => {
  if (typeof v.weight === 'number' && (v.weight < 1 || v.weight > 100)) f.bad(at(field, 'weight'), v.weight, 'a weight from 1 to 100');
};

/** A pod template (in a workload or a PodTemplate): no ephemeral containers, which are added to running Pods only. */
const podTemplate: DefinitionRule = (v, field, f) => {
  if (isObject(v.spec) && list(v.spec.ephemeralContainers).length > 0) {
    f.say(at(field, 'spec.ephemeralContainers'), 'is set in a pod template; the API server refuses ephemeral containers there (they are added to a running Pod with kubectl debug)');
  }
};

/** Kubernetes minor version from which a sleep hook may last 0 seconds (PodLifecycleSleepActionAllowZero, on by default). */
export const SLEEP_ZERO_MINOR = 33;

/**
 * A sleep hook lasts at most the pod's termination grace period (default 30 seconds), and at
 * least 1 second, or 0 from Kubernetes 1.33 on.
 */
function sleepHooks(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  const least = (f.targetMinor?.() ?? DEFAULT_TARGET_MINOR) >= SLEEP_ZERO_MINOR ? 0 : 1;
  for (const listName of ['initContainers', 'containers']) {
    list(spec[listName]).forEach((c, i) => {
      for (const hook of ['preStop', 'postStart']) {
        const seconds = c?.lifecycle?.[hook]?.sleep?.seconds;
        if (typeof seconds === 'number' && (seconds < least || seconds > grace)) {
          f.bad(`${at(field, listName)}[${i}].lifecycle.${hook}.sleep.seconds`, seconds, `a number of seconds from ${least} to the pod's terminationGracePeriodSeconds (${grace})${least === 1 ? ` (0 only from Kubernetes 1.${SLEEP_ZERO_MINOR} on)` : ''}`);
        }
      }
    });
  }
}

/** The largest user or group id the API server accepts (IsValidUserID, IsValidGroupID): 2^31-1. */
export const ID_MAX = 2147483647;
const ID = `from 0 to ${ID_MAX} (2^31-1)`;

/** User and group ids of a pod's or a container's security context, supplementalGroups included. */
const securityContextIds: DefinitionRule = (v, field, f) => {
  for (const key of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    if (typeof v[key] === 'number' && (v[key] < 0 || v[key] > ID_MAX)) f.bad(at(field, key), v[key], `a ${key === 'runAsUser' ? 'user' : 'group'} id ${ID}`);
  }
  list(v.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number' && (g < 0 || g > ID_MAX)) f.bad(`${at(field, 'supplementalGroups')}[${i}]`, g, `a group id ${ID}`);
  });
};

/** Kubernetes minor version from which a topology spread constraint's matchLabelKeys may name a key of its labelSelector (MatchLabelKeysInPodTopologySpreadSelectorMerge). */
export const SPREAD_KEYS_IN_SELECTOR_MINOR = 34;

/** The keys a label selector tests: those of matchLabels and of matchExpressions. */
function selectorKeys(selector: { [key: string]: any }): Set<unknown> {
  return new Set<unknown>([...(isObject(selector.matchLabels) ? Object.keys(selector.matchLabels) : []), ...list(selector.matchExpressions).map((e) => e?.key)]);
}

/**
 * Label keys that copy the incoming pod's labels into a selector (matchLabelKeys, and
 * mismatchLabelKeys of a pod affinity term): only next to a labelSelector, each a label key.
 * Reports them and returns whether there is a selector to compare them with.
 */
function labelKeys(v: { [key: string]: any }, field: string, key: string, f: Findings): boolean {
  const keys = list(v[key]);
  if (keys.length === 0) return false;
  if (!isObject(v.labelSelector)) {
    f.say(at(field, key), `is set without a labelSelector; the API server refuses ${key} unless labelSelector is set (add a labelSelector that matches the pods, such as the pod template's own labels)`);
    return false;
  }
  keys.forEach((k, i) => {
    const problem = typeof k === 'string' ? qualifiedNameProblem(k) : undefined;
    if (problem) f.bad(`${at(field, key)}[${i}]`, k, `a label key: ${problem.replace(/^a key of the form /, 'of the form ')}`);
  });
  return true;
}

/** A topology spread constraint: minDomains only with whenUnsatisfiable DoNotSchedule, a topologyKey, and matchLabelKeys beside a labelSelector. */
const spreadConstraint: DefinitionRule = (v, field, f) => {
  if (v.topologyKey === '') f.bad(at(field, 'topologyKey'), v.topologyKey, 'a node label key such as "topology.kubernetes.io/zone" or "kubernetes.io/hostname"');
  if (given(v.minDomains) && typeof v.whenUnsatisfiable === 'string' && v.whenUnsatisfiable !== 'DoNotSchedule') {
    f.bad(at(field, 'minDomains'), v.minDomains, `no minDomains with whenUnsatisfiable ${JSON.stringify(v.whenUnsatisfiable)}: the API server accepts minDomains only with whenUnsatisfiable "DoNotSchedule"`);
  }
  if (!labelKeys(v, field, 'matchLabelKeys', f) || (f.targetMinor?.() ?? DEFAULT_TARGET_MINOR) >= SPREAD_KEYS_IN_SELECTOR_MINOR) return;
  const inSelector = selectorKeys(v.labelSelector);
  list(v.matchLabelKeys).forEach((k, i) => {
    if (inSelector.has(k)) f.say(`${at(field, 'matchLabelKeys')}[${i}]`, `${JSON.stringify(k)} is also a key of labelSelector; API servers before Kubernetes 1.${SPREAD_KEYS_IN_SELECTOR_MINOR} refuse a key in both (leave it out of matchLabelKeys or out of labelSelector)`);
  });
};

/** A pod (anti-)affinity term: a topologyKey, and matchLabelKeys and mismatchLabelKeys beside a labelSelector, no key in both. */
const affinityTerm: DefinitionRule = (v, field, f) => {
  if (v.topologyKey === '') f.bad(at(field, 'topologyKey'), v.topologyKey, 'a node label key such as "kubernetes.io/hostname" or "topology.kubernetes.io/zone"');
  const match = labelKeys(v, field, 'matchLabelKeys', f);
  if (!labelKeys(v, field, 'mismatchLabelKeys', f) || !match) return;
  const mismatch = new Set<unknown>(list(v.mismatchLabelKeys));
  list(v.matchLabelKeys).forEach((k, i) => {
    if (mismatch.has(k)) f.say(`${at(field, 'matchLabelKeys')}[${i}]`, `${JSON.stringify(k)} is also in mismatchLabelKeys; the API server refuses a key in both (a pod cannot both share and differ in one label)`);
  });
};

/** The spread constraints of a pod: one per topologyKey and whenUnsatisfiable. */
function spreadConstraints(spec: { [key: string]: any }, field: string, f: Parameters<DefinitionRule>[2]): void {
  const seen = new Map<string, number>();
  list(spec.topologySpreadConstraints).forEach((c, i) => {
    if (!isObject(c) || typeof c.topologyKey !== 'string' || typeof c.whenUnsatisfiable !== 'string') return;
    const pair = JSON.stringify([c.topologyKey, c.whenUnsatisfiable]);
    const first = seen.get(pair);
    if (first === undefined) { seen.set(pair, i); return; }
    f.say(`${at(field, 'topologySpreadConstraints')}[${i}]`, `spreads over ${JSON.stringify(c.topologyKey)} with ${c.whenUnsatisfiable} as constraint [${first}] does; the API server refuses two constraints with the same topologyKey and whenUnsatisfiable (merge them into one)`);
  });
}

/** Rules by definition (schema/k8s-openapi.json names). */
export const POD_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.core.v1.ConfigMapVolumeSource': defaultModeRule,
  'api.core.v1.SecretVolumeSource': defaultModeRule,
  'api.core.v1.ProjectedVolumeSource': defaultModeRule,
  'api.core.v1.DownwardAPIVolumeSource': defaultModeRule,
  'api.core.v1.KeyToPath': keyToPath,
  'api.core.v1.Sysctl': sysctl,
  'api.core.v1.EmptyDirVolumeSource': emptyDir,
  'api.core.v1.ServiceAccountTokenProjection': tokenProjection,
  'api.core.v1.NodeSelector': nodeSelector,
  'api.core.v1.PodAffinityTerm': affinityTerm,
  'api.core.v1.WeightedPodAffinityTerm': weighted,
  'api.core.v1.PreferredSchedulingTerm': weighted,
  'api.core.v1.PodTemplateSpec': podTemplate,
  'api.core.v1.DownwardAPIVolumeFile': volumeFile,
  'api.core.v1.VolumeMount': volumeMount,
  'api.core.v1.EnvFromSource': envFrom,
  'api.core.v1.SeccompProfile': seccompProfile,
  'api.core.v1.Container': container,
  'api.core.v1.PodSpec': podSpec,
  'api.core.v1.PodSecurityContext': securityContextIds,
  'api.core.v1.SecurityContext': securityContextIds,
  'api.core.v1.TopologySpreadConstraint': spreadConstraint,
};
