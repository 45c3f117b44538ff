/**
 * The API server's validation of pod specs that an OpenAPI schema cannot say, by operating
 * system and by field: the Linux settings a Windows pod may not carry (and the Windows options a
 * Linux pod may not), AppArmor profiles, HTTP header names of probes and hooks, the names a
 * volume source requires, tolerations, and node selector requirements (matchExpressions and
 * matchFields). Rules by definition, run by the structural check (schema.ts) wherever the
 * definition appears.
 *
 * Written from the core validation of Kubernetes (pkg/apis/core/validation: validateWindows,
 * validateLinux, ValidateAppArmorProfileField, validateHTTPGetAction, validateConfigMapVolumeSource
 * and the other volume sources, ValidateTolerations, ValidateNodeSelectorRequirement,
 * ValidateNodeFieldSelectorRequirement), Kubernetes 1.30 to 1.37.
 */
import { dns1123SubdomainProblem, labelValueProblem, qualifiedNameProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import { at, blank, given, isObject, list } from './rule-helpers';

type Findings = Parameters<DefinitionRule>[2];

// Operating systems

/** Pod securityContext fields a Windows pod may not set (validateWindows). */
export const WINDOWS_FORBIDDEN_POD_SECURITY = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'fsGroup', 'fsGroupChangePolicy', 'sysctls',
  'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'];
/** Container securityContext fields a Windows pod may not set. */
export const WINDOWS_FORBIDDEN_CONTAINER_SECURITY = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem',
  'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

const WINDOWS = 'is set in a Windows pod (os.name "windows"); the API server refuses it there, it is a Linux setting';
const WINDOWS_FIX = 'remove it (Windows settings go in securityContext.windowsOptions), or set os.name to "linux" if the pod runs on Linux';

function windowsPod(spec: { [key: string]: any }, field: string, f: Findings): void {
  const sc = spec.securityContext;
  if (isObject(sc)) {
    for (const key of WINDOWS_FORBIDDEN_POD_SECURITY) {
      // sysctls: only a non-empty list counts (the API server tests its length).
      if (key === 'sysctls' ? list(sc.sysctls).length > 0 : given(sc[key])) f.say(at(field, `securityContext.${key}`), `${WINDOWS}: ${WINDOWS_FIX}`);
    }
  }
  for (const key of ['hostUsers', 'shareProcessNamespace', 'resources']) {
    if (given(spec[key])) f.say(at(field, key), `${WINDOWS}: ${WINDOWS_FIX}`);
  }
  for (const key of ['hostPID', 'hostIPC']) {
    if (spec[key] === true) f.say(at(field, key), `${WINDOWS}: ${WINDOWS_FIX}`);
  }
  for (const listName of CONTAINER_LISTS) {
    list(spec[listName]).forEach((c, i) => {
      const csc = isObject(c) ? c.securityContext : undefined;
      if (!isObject(csc)) return;
      for (const key of WINDOWS_FORBIDDEN_CONTAINER_SECURITY) {
        if (given(csc[key])) f.say(`${at(field, listName)}[${i}].securityContext.${key}`, `${WINDOWS}: ${WINDOWS_FIX}`);
      }
    });
  }
}

function linuxPod(spec: { [key: string]: any }, field: string, f: Findings): void {
  const message = 'is set in a Linux pod (os.name "linux"); the API server refuses Windows options there: remove it, or set os.name to "windows" if the pod runs on Windows';
  if (isObject(spec.securityContext) && given(spec.securityContext.windowsOptions)) f.say(at(field, 'securityContext.windowsOptions'), message);
  for (const listName of CONTAINER_LISTS) {
    list(spec[listName]).forEach((c, i) => {
      if (isObject(c) && isObject(c.securityContext) && given(c.securityContext.windowsOptions)) f.say(`${at(field, listName)}[${i}].securityContext.windowsOptions`, message);
    });
  }
}

const podSpec: DefinitionRule = (spec, field, f) => {
  const os = isObject(spec.os) ? spec.os.name : undefined;
  if (os === 'windows') windowsPod(spec, field, f);
  else if (os === 'linux') linuxPod(spec, field, f);
};

// AppArmor

/** Longest path of a Localhost AppArmor profile (PATH_MAX - 1). */
export const APPARMOR_PROFILE_MAX = 4095;

const appArmorProfile: DefinitionRule = (v, field, f) => {
  const profile = v.localhostProfile;
  if (v.type === 'Localhost') {
    if (!given(profile) || (typeof profile === 'string' && profile.trim() === '')) {
      f.say(at(field, 'localhostProfile'), `is ${given(profile) ? JSON.stringify(profile) : 'unset'}; the API server requires it when type is Localhost: the name of a profile loaded on the node, such as "k8s-apparmor-example-deny-write"`);
    } else if (typeof profile === 'string' && profile.trim() !== profile) {
      f.bad(at(field, 'localhostProfile'), profile, 'a profile name without leading or trailing white space');
    } else if (typeof profile === 'string' && profile.length > APPARMOR_PROFILE_MAX) {
      f.bad(at(field, 'localhostProfile'), profile, `a profile name of at most ${APPARMOR_PROFILE_MAX} characters`);
    }
  } else if (given(profile) && (v.type === 'RuntimeDefault' || v.type === 'Unconfined')) {
    f.bad(at(field, 'localhostProfile'), profile, `no localhostProfile with type ${v.type}: the API server accepts it only with type Localhost`);
  } else if (v.type === '') {
    f.bad(at(field, 'type'), v.type, '"RuntimeDefault", "Localhost" or "Unconfined"');
  }
};

// HTTP probes and hooks

const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;

const httpGet: DefinitionRule = (v, field, f) => {
  list(v.httpHeaders).forEach((h, i) => {
    if (isObject(h) && typeof h.name === 'string' && !HTTP_HEADER_NAME.test(h.name)) {
      f.bad(`${at(field, 'httpHeaders')}[${i}].name`, h.name, 'an HTTP header name of letters, digits and \'-\' such as "X-Request-Id"');
    }
  });
};

// Volume sources

/** A field a volume source requires to be set and not "", and what it names. */
function required(key: string, what: string): DefinitionRule {
  return (v, field, f) => {
    if (blank(v[key])) f.say(at(field, key), `is ${v[key] === '' ? '""' : 'unset'}; the API server requires ${what}`);
  };
}

// Tolerations

const toleration: DefinitionRule = (v, field, f) => {
  if (typeof v.key === 'string' && v.key !== '') {
    const problem = qualifiedNameProblem(v.key);
    if (problem) f.bad(at(field, 'key'), v.key, `a taint key: ${problem.replace(/^a key of the form /, 'of the form ')}`);
  }
  if (given(v.tolerationSeconds) && v.effect !== 'NoExecute') {
    f.bad(at(field, 'effect'), given(v.effect) ? v.effect : undefined, '"NoExecute" with tolerationSeconds (only a NoExecute taint evicts a running pod, after that many seconds); remove tolerationSeconds for another effect');
  }
  if ((v.operator === 'Equal' || blank(v.operator)) && typeof v.value === 'string' && v.value !== '') {
    const problem = labelValueProblem(v.value);
    if (problem) f.bad(at(field, 'value'), v.value, `a taint value that is ${problem}`);
  }
};

// Node selectors

/** The only field a node's matchFields may test (nodeFieldSelectorValidators). */
export const NODE_SELECTOR_FIELDS = ['metadata.name'];

function expression(e: { [key: string]: any }, here: string, f: Findings): void {
  const values = list(e.values);
  if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) f.say(`${here}.values`, `is empty; the API server requires at least one value with operator ${e.operator}`);
  else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) f.say(`${here}.values`, `is set with operator ${e.operator}; the API server refuses values with it`);
  else if ((e.operator === 'Gt' || e.operator === 'Lt') && values.length !== 1) f.say(`${here}.values`, `holds ${values.length} values; the API server requires exactly one (a number) with operator ${e.operator}`);
  if (typeof e.key === 'string') {
    const problem = qualifiedNameProblem(e.key);
    if (problem) f.bad(`${here}.key`, e.key, `a node label key: ${problem.replace(/^a key of the form /, 'of the form ')}`);
  }
  values.forEach((value, k) => {
    const problem = typeof value === 'string' ? labelValueProblem(value) : undefined;
    if (problem) f.bad(`${here}.values[${k}]`, value, problem);
  });
}

function fieldExpression(e: { [key: string]: any }, here: string, f: Findings): void {
  const values = list(e.values);
  if (given(e.operator) && e.operator !== 'In' && e.operator !== 'NotIn') f.bad(`${here}.operator`, e.operator, '"In" or "NotIn" (matchFields compares the node\'s name)');
  else if (given(e.operator) && values.length !== 1) f.say(`${here}.values`, `holds ${values.length} values; the API server requires exactly one node name in a matchFields requirement`);
  if (typeof e.key === 'string' && !NODE_SELECTOR_FIELDS.includes(e.key)) {
    f.bad(`${here}.key`, e.key, `"metadata.name", the only node field matchFields tests; node labels go in matchExpressions`);
    return;
  }
  values.forEach((value, k) => {
    const problem = typeof value === 'string' ? dns1123SubdomainProblem(value) : undefined;
    if (problem) f.bad(`${here}.values[${k}]`, value, `a node name: ${problem}`);
  });
}

const nodeSelectorTerm: DefinitionRule = (term, field, f) => {
  // Values are label values in preferred terms too: 1.30 checks them in required terms only, later versions in both.
  list(term.matchExpressions).forEach((e, j) => { if (isObject(e)) expression(e, `${at(field, 'matchExpressions')}[${j}]`, f); });
  list(term.matchFields).forEach((e, j) => { if (isObject(e)) fieldExpression(e, `${at(field, 'matchFields')}[${j}]`, f); });
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const POD_OS_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.core.v1.PodSpec': podSpec,
  'api.core.v1.AppArmorProfile': appArmorProfile,
  'api.core.v1.HTTPGetAction': httpGet,
  'api.core.v1.ConfigMapVolumeSource': required('name', 'the name of the ConfigMap to mount'),
  'api.core.v1.SecretVolumeSource': required('secretName', 'the name of the Secret to mount'),
  'api.core.v1.PersistentVolumeClaimVolumeSource': required('claimName', 'the name of the PersistentVolumeClaim to mount'),
  'api.core.v1.ConfigMapProjection': required('name', 'the name of the ConfigMap to project'),
  'api.core.v1.SecretProjection': required('name', 'the name of the Secret to project'),
  'api.core.v1.HostPathVolumeSource': required('path', 'the path on the node to mount'),
  'api.core.v1.Toleration': toleration,
  'api.core.v1.NodeSelectorTerm': nodeSelectorTerm,
};
