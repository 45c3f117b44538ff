/**
 * The API server's validation of pod specs that an OpenAPI schema cannot say, by operating
 * system and by field: the Linux settings a Windows pod may not carry (and the Windows options a
 * Linux pod may not), AppArmor profiles, HTTP header names of probes and hooks, the names a
 * volume source requires (CSI driver names, NFS servers and paths, and the rest), tolerations, and node selector requirements (matchExpressions and
 * matchFields). Rules by definition, run by the structural check (schema.ts) wherever the
 * definition appears.
 *
 * Written from the core validation of Kubernetes (pkg/apis/core/validation: validateWindows,
 * validateLinux, ValidateAppArmorProfileField, validateHTTPGetAction, validateConfigMapVolumeSource
 * and the other volume sources, ValidateCSIDriverName, ValidateTolerations, ValidateNodeSelectorRequirement,
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
  hostProcess(spec, field, f);
  const os = isObject(spec.os) ? spec.os.name : undefined;
  if (os === 'windows') windowsPod(spec, field, f);
  else if (os === 'linux') linuxPod(spec, field, f);
};

/** hostProcess of a pod's or container's Windows options, or undefined. */
const hostProcessOf = (x: unknown): unknown => (isObject(x) && isObject(x.securityContext) && isObject(x.securityContext.windowsOptions) ? x.securityContext.windowsOptions.hostProcess : undefined);

/**
 * HostProcess containers (validateWindowsHostProcessPod, any pod): a container's hostProcess
 * agrees with the pod's, all containers are HostProcess containers or none, and then the pod
 * uses the host's network.
 */
function hostProcess(spec: { [key: string]: any }, field: string, f: Findings): void {
  const pod = hostProcessOf(spec);
  const others: string[] = [];
  let hosts = 0;
  for (const listName of CONTAINER_LISTS) {
    list(spec[listName]).forEach((c, i) => {
      const own = hostProcessOf(c);
      const here = `${at(field, listName)}[${i}].securityContext.windowsOptions.hostProcess`;
      if (typeof pod === 'boolean' && typeof own === 'boolean' && own !== pod) {
        f.bad(here, own, `${pod}, the pod's securityContext.windowsOptions.hostProcess, or no value (a container inherits the pod's)`);
      }
      if (own === true || (!given(own) && pod === true)) hosts++;
      else others.push(here);
    });
  }
  if (hosts === 0) return;
  if (spec.hostNetwork !== true) f.say(at(field, 'hostNetwork'), 'is not true in a pod with HostProcess containers; the API server requires hostNetwork: true there (they run in the node\'s network)');
  for (const here of others) {
    f.say(here, 'is not true in a pod with HostProcess containers; the API server requires every container of such a pod to be one (set securityContext.windowsOptions.hostProcess: true on the pod)');
  }
}

/** Longest gmsaCredentialSpec (64 KiB), and the longest domain and user of a runAsUserName. */
export const GMSA_CREDENTIAL_SPEC_MAX = 64 * 1024;
export const WINDOWS_USER_DOMAIN_MAX = 255;
export const WINDOWS_USER_MAX = 104;
const NETBIOS_DOMAIN = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const DNS_DOMAIN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Why a Windows runAsUserName (`[DOMAIN\]USER`) is refused, or undefined. */
export function windowsUserNameProblem(name: string): string | undefined {
  const shape = 'a Windows user name such as "ContainerUser" or "DOMAIN\\user": ';
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[\x00-\x1f\x7f]/.test(name)) return `${shape}not empty, without control characters`;
  const parts = name.split('\\');
  if (parts.length > 2) return `${shape}at most one '\\'`;
  const [domain, user] = parts.length === 2 ? parts : ['', parts[0]];
  if (domain.length > WINDOWS_USER_DOMAIN_MAX) return `${shape}a domain of at most ${WINDOWS_USER_DOMAIN_MAX} characters`;
  if (parts.length === 2 && !NETBIOS_DOMAIN.test(domain) && !DNS_DOMAIN.test(domain)) return `${shape}a NetBIOS domain (1 to 15 characters, none of \\ / : * ? " < > |, not starting with '.') or a DNS domain`;
  if (user === '' || user.length > WINDOWS_USER_MAX) return `${shape}a user of 1 to ${WINDOWS_USER_MAX} characters`;
  if (/^[. ]+$/.test(user) || /["/\\:;|=,+*?<>@[\]]/.test(user)) return `${shape}a user of more than periods and spaces, without any of " / \\ [ ] : ; | = , + * ? < > @`;
  return undefined;
}

const windowsOptions: DefinitionRule = (v, field, f) => {
  if (typeof v.gmsaCredentialSpecName === 'string') {
    const problem = dns1123SubdomainProblem(v.gmsaCredentialSpecName);
    if (problem) f.bad(at(field, 'gmsaCredentialSpecName'), v.gmsaCredentialSpecName, `the name of a GMSACredentialSpec: ${problem}`);
  }
  if (typeof v.gmsaCredentialSpec === 'string' && (v.gmsaCredentialSpec === '' || v.gmsaCredentialSpec.length > GMSA_CREDENTIAL_SPEC_MAX)) {
    f.bad(at(field, 'gmsaCredentialSpec'), v.gmsaCredentialSpec, `a credential spec (JSON) of 1 to ${GMSA_CREDENTIAL_SPEC_MAX} characters (64 KiB)`);
  }
  if (typeof v.runAsUserName === 'string') {
    const problem = windowsUserNameProblem(v.runAsUserName);
    if (problem) f.bad(at(field, 'runAsUserName'), v.runAsUserName, problem);
  }
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

/** Reports `key` of `v` when it is unset, "" or an empty list: the API server requires `what`. */
function requireField(v: { [key: string]: any }, field: string, key: string, what: string, f: Findings): void {
  const value = v[key];
  if (blank(value) || (Array.isArray(value) && value.length === 0)) {
    f.say(at(field, key), `is ${value === '' ? '""' : Array.isArray(value) ? '[]' : 'unset'}; the API server requires ${what}`);
  }
}

/** Fields a volume source requires to be set and not "" (or an empty list), each with what it names. */
function required(...fields: Array<[string, string]>): DefinitionRule {
  return (v, field, f) => { for (const [key, what] of fields) requireField(v, field, key, what, f); };
}

/** Longest CSI driver name (bytes). */
export const CSI_DRIVER_NAME_MAX = 63;

/**
 * Why a CSI driver name is refused (ValidateCSIDriverName), or undefined: at most 63 bytes, and
 * a DNS-1123 subdomain once in lower case ("ebs.csi.aws.com").
 */
export function csiDriverNameProblem(name: string): string | undefined {
  if (Buffer.byteLength(name, 'utf8') <= CSI_DRIVER_NAME_MAX && dns1123SubdomainProblem(name.toLowerCase()) === undefined) return undefined;
  return `a CSI driver name of at most ${CSI_DRIVER_NAME_MAX} characters such as "ebs.csi.aws.com": letters, digits, '-' and '.', starting and ending with a letter or digit`;
}

/** An inline CSI volume: the driver's name, and the name of nodePublishSecretRef when it is set. */
const csiVolume: DefinitionRule = (v, field, f) => {
  if (typeof v.driver === 'string') {
    if (v.driver === '') requireField(v, field, 'driver', 'the name of the CSI driver, such as "secrets-store.csi.k8s.io"', f);
    else { const problem = csiDriverNameProblem(v.driver); if (problem) f.bad(at(field, 'driver'), v.driver, problem); }
  }
  if (isObject(v.nodePublishSecretRef)) requireField(v.nodePublishSecretRef, at(field, 'nodePublishSecretRef'), 'name', 'the name of the Secret passed to the driver', f);
};

/** An NFS volume: a server, and an absolute path on it. */
const nfsVolume: DefinitionRule = (v, field, f) => {
  requireField(v, field, 'server', 'the host name or IP address of the NFS server', f);
  if (typeof v.path === 'string' && v.path !== '' && !v.path.startsWith('/')) f.bad(at(field, 'path'), v.path, 'an absolute path exported by the NFS server, such as "/exports"');
  else requireField(v, field, 'path', 'the path exported by the NFS server, such as "/exports"', f);
};

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
  'api.core.v1.WindowsSecurityContextOptions': windowsOptions,
  'api.core.v1.AppArmorProfile': appArmorProfile,
  'api.core.v1.HTTPGetAction': httpGet,
  'api.core.v1.ConfigMapVolumeSource': required(['name', 'the name of the ConfigMap to mount']),
  'api.core.v1.SecretVolumeSource': required(['secretName', 'the name of the Secret to mount']),
  'api.core.v1.PersistentVolumeClaimVolumeSource': required(['claimName', 'the name of the PersistentVolumeClaim to mount']),
  'api.core.v1.ConfigMapProjection': required(['name', 'the name of the ConfigMap to project']),
  'api.core.v1.SecretProjection': required(['name', 'the name of the Secret to project']),
  'api.core.v1.HostPathVolumeSource': required(['path', 'the path on the node to mount']),
  'api.core.v1.CSIVolumeSource': csiVolume,
  'api.core.v1.NFSVolumeSource': nfsVolume,
  'api.core.v1.ISCSIVolumeSource': required(['targetPortal', 'the iSCSI target portal, "host:port"'], ['iqn', 'the iSCSI qualified name of the target']),
  'api.core.v1.GlusterfsVolumeSource': required(['endpoints', 'the name of the Endpoints of the Glusterfs cluster'], ['path', 'the Glusterfs volume path']),
  'api.core.v1.RBDVolumeSource': required(['monitors', 'at least one Ceph monitor'], ['image', 'the name of the RADOS image']),
  'api.core.v1.CephFSVolumeSource': required(['monitors', 'at least one Ceph monitor']),
  'api.core.v1.CinderVolumeSource': required(['volumeID', 'the id of the Cinder volume']),
  'api.core.v1.FlexVolumeSource': required(['driver', 'the name of the FlexVolume driver']),
  'api.core.v1.AzureFileVolumeSource': required(['secretName', 'the name of the Secret with the storage account'], ['shareName', 'the name of the Azure file share']),
  'api.core.v1.AzureDiskVolumeSource': required(['diskName', 'the name of the Azure data disk'], ['diskURI', 'the URI of the Azure data disk']),
  'api.core.v1.VsphereVirtualDiskVolumeSource': required(['volumePath', 'the path of the vSphere volume']),
  'api.core.v1.PhotonPersistentDiskVolumeSource': required(['pdID', 'the id of the Photon Controller disk']),
  'api.core.v1.PortworxVolumeSource': required(['volumeID', 'the id of the Portworx volume']),
  'api.core.v1.ScaleIOVolumeSource': required(['gateway', 'the host of the ScaleIO API gateway'], ['system', 'the name of the ScaleIO storage system'], ['volumeName', 'the name of the ScaleIO volume']),
  'api.core.v1.QuobyteVolumeSource': required(['registry', 'the Quobyte registry, "host:port" pairs separated by commas'], ['volume', 'the name of the Quobyte volume']),
  'api.core.v1.StorageOSVolumeSource': required(['volumeName', 'the name of the StorageOS volume']),
  'api.core.v1.GCEPersistentDiskVolumeSource': required(['pdName', 'the name of the GCE persistent disk']),
  'api.core.v1.AWSElasticBlockStoreVolumeSource': required(['volumeID', 'the id of the EBS volume']),
  'api.core.v1.Toleration': toleration,
  'api.core.v1.NodeSelectorTerm': nodeSelectorTerm,
};
