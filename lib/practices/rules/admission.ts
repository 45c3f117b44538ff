/**
 * What Pod Security admission refuses: the checks of the Pod Security Standards that a pod
 * template fails at a level ("baseline", or "restricted", which includes baseline), as of a
 * version of the standards (a namespace's `pod-security.kubernetes.io/enforce-version`).
 *
 * Admission knows neither the catalog's additions to rule `pod-security` (readOnlyRootFilesystem,
 * ids below 10001, root's group) nor its skips and narrow exceptions: a refusal here is what the
 * API server does to the pods, whatever the workload's annotations say.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
import { hostPathKey, readWaivers, Waiver } from '../exceptions';
import { ContainerRef, PodSet, asInt, isObject } from '../objects';
import { APPARMOR_ANNOTATION, BASELINE_CAPABILITIES, capList, isWindowsPod, RESTRICTED_VOLUMES, SAFE_SYSCTLS, sc, SELINUX_TYPES } from './pod-security';

/** A Pod Security level that refuses pods. */
export type AdmissionLevel = 'baseline' | 'restricted';

/** One check of the standards that a pod template fails. */
export interface Refusal {
  /** The lowest level that refuses it. */
  readonly level: AdmissionLevel;
  readonly field: string;
  readonly message: string;
  /** Whether rule `pod-security` judges this field the same way, so that its own finding stands for this one unless skipped or waived. */
  readonly catalog: boolean;
  /** The `pod-security` exception of the workload that hides the catalog's finding on this field. */
  readonly waivedBy?: Waiver;
  /** A fix more specific than the one rule `pod-security` gives for the field. */
  readonly fix?: string;
}

/** The version of the standards that "latest" (and a missing or unreadable enforce-version) stands for. */
export const LATEST = Number.POSITIVE_INFINITY;

/**
 * The minor version of the standards a namespace label names (`v1.27` is 27): `latest`, a
 * missing label and one admission cannot read all mean the newest standards the cluster knows.
 */
export function standardsVersion(label: string | undefined): number {
  const m = label === undefined ? null : /^v1\.(0|[1-9]\d*)$/.exec(label);
  return m ? Number(m[1]) : LATEST;
}

/** Sysctls the baseline level allows, by the version of the standards that first allowed them. */
const SAFE_SYSCTLS_SINCE: Array<[number, string[]]> = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];

/** The version of the standards that added each versioned check. */
const SINCE = {
  allowPrivilegeEscalation: 8,
  seccomp: 19,
  capabilitiesRestricted: 22,
  runAsUser: 23,
  /**
   * Seccomp, capabilities and privilege escalation are Linux-only checks from this version on:
   * a Windows pod (`os.name: windows`) passes them. Before it, none passes, since the API server
   * refuses those fields on a Windows pod.
   */
  windowsExempt: 25,
  hostProbes: 34,
};

/** The fix for a Linux-only check that admission before v1.25 applies to a Windows pod. */
const WINDOWS_BEFORE_EXEMPT = 'a Windows pod cannot pass this check (the API server refuses the field on it): pin pod-security.kubernetes.io/enforce-version to v1.25 or later, which exempts Windows pods from it';

type Refuse = (level: AdmissionLevel, field: string, message: string, more?: { catalog?: boolean; waivedBy?: Waiver; fix?: string }) => void;

/**
 * The checks of level `level`, version `version` (a minor version, or LATEST), that the pods of
 * `p` fail, in the order of the standards: baseline first.
 */
export function admissionRefusals(p: PodSet, level: AdmissionLevel, version: number): Refusal[] {
  const out: Refusal[] = [];
  const refuse: Refuse = (lvl, field, message, more = {}) => out.push({ level: lvl, field, message, catalog: more.catalog ?? true, waivedBy: more.waivedBy, fix: more.fix });
  baseline(p, version, refuse);
  if (level === 'restricted') restricted(p, version, refuse);
  return out;
}

function baseline(p: PodSet, version: number, refuse: Refuse): void {
  const waivers = readWaivers(p.obj.scoped);
  const podSc = sc(p.spec);
  const f = p.specField;
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (p.spec[ns] === true) refuse('baseline', `${f}.${ns}`, `the pod shares the node's ${ns.slice(4).toLowerCase()} namespace (${ns}: true)`, { waivedBy: ns === 'hostNetwork' ? waivers.hostNetwork : undefined });
  }
  const volumes = Array.isArray(p.spec.volumes) ? p.spec.volumes : [];
  volumes.forEach((v: any, i: number) => {
    if (!isObject(v?.hostPath)) return;
    const waiver = typeof v.hostPath.path === 'string' ? waivers.hostPath.get(hostPathKey(v.hostPath.path)) : undefined;
    refuse('baseline', `${f}.volumes[${i}].hostPath`, `volume "${v.name}" mounts the node's path ${v.hostPath.path} (hostPath)`, { waivedBy: waiver });
  });
  const sysctls = Array.isArray(podSc.sysctls) ? podSc.sysctls : [];
  const safe = new Set(SAFE_SYSCTLS_SINCE.filter(([since]) => since <= version).flatMap(([, names]) => names));
  sysctls.forEach((s: any, i: number) => {
    const name = String(s?.name);
    if (!safe.has(name)) refuse('baseline', `${f}.securityContext.sysctls[${i}]`, `the pod sets the sysctl ${name}, which the standards${version === LATEST ? '' : ` of v1.${version}`} do not count as safe`, { catalog: !SAFE_SYSCTLS.has(name) });
  });
  for (const [key, value] of Object.entries(p.annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && !(value === '' || value === 'runtime/default' || value.startsWith('localhost/'))) {
      refuse('baseline', `${p.metaField}.annotations`, `container "${key.slice(APPARMOR_ANNOTATION.length)}" has the AppArmor profile ${value} (only runtime/default and localhost/<profile> are allowed)`, { catalog: value === 'unconfined' });
    }
  }
  const who = [{ s: podSc, field: `${f}.securityContext`, name: 'the pod' }, ...p.allContainers.map((c) => ({ s: sc(c.c), field: `${c.field}.securityContext`, name: `container "${c.name}"` }))];
  for (const { s, field, name } of who) {
    if (s.windowsOptions?.hostProcess === true) refuse('baseline', `${field}.windowsOptions.hostProcess`, `${name} runs as a Windows HostProcess`);
    const se = isObject(s.seLinuxOptions) ? s.seLinuxOptions : {};
    if (se.type !== undefined && !SELINUX_TYPES.has(String(se.type))) refuse('baseline', `${field}.seLinuxOptions.type`, `${name} sets the SELinux type ${se.type}`);
    if (se.user) refuse('baseline', `${field}.seLinuxOptions.user`, `${name} sets the SELinux user ${se.user}`);
    if (se.role) refuse('baseline', `${field}.seLinuxOptions.role`, `${name} sets the SELinux role ${se.role}`);
    if (version >= SINCE.seccomp && s.seccompProfile?.type === 'Unconfined') refuse('baseline', `${field}.seccompProfile.type`, `${name} turns seccomp off (seccompProfile Unconfined)`);
    if (s.appArmorProfile?.type !== undefined && !['RuntimeDefault', 'Localhost'].includes(s.appArmorProfile.type)) {
      refuse('baseline', `${field}.appArmorProfile.type`, `${name} turns AppArmor off (appArmorProfile ${s.appArmorProfile.type})`);
    }
  }
  for (const c of p.allContainers) {
    const s = sc(c.c);
    const field = `${c.field}.securityContext`;
    if (s.privileged === true) refuse('baseline', `${field}.privileged`, `container "${c.name}" is privileged`);
    const extra = capList(s.capabilities?.add).filter((a) => !BASELINE_CAPABILITIES.has(a));
    if (extra.length > 0) refuse('baseline', `${field}.capabilities.add`, `container "${c.name}" adds the capabilities ${extra.join(', ')}`);
    if (s.procMount !== undefined && s.procMount !== 'Default') refuse('baseline', `${field}.procMount`, `container "${c.name}" unmasks /proc (procMount ${s.procMount})`);
    const ports = Array.isArray(c.c.ports) ? c.c.ports : [];
    ports.forEach((port: any, i: number) => {
      const hostPort = asInt(port?.hostPort);
      if (hostPort === undefined || hostPort === 0) return;
      const implied = p.spec.hostNetwork === true && hostPort === asInt(port?.containerPort) ? waivers.hostNetwork : undefined;
      refuse('baseline', `${c.field}.ports[${i}].hostPort`, `container "${c.name}" binds the node's port ${hostPort}`, { waivedBy: implied });
    });
    if (version >= SINCE.hostProbes) hostProbes(c, refuse);
  }
}

/** Probes and lifecycle handlers that name a host: the kubelet would reach another machine from the node's network. */
function hostProbes(c: ContainerRef, refuse: Refuse): void {
  const handlers: Array<[string, any]> = [
    ...['livenessProbe', 'readinessProbe', 'startupProbe'].map((k): [string, any] => [k, c.c[k]]),
    ...['postStart', 'preStop'].map((k): [string, any] => [`lifecycle.${k}`, c.c.lifecycle?.[k]]),
  ];
  for (const [where, h] of handlers) {
    for (const action of ['httpGet', 'tcpSocket']) {
      const host = isObject(h) && isObject(h[action]) ? h[action].host : undefined;
      if (host === undefined || host === '') continue;
      refuse('baseline', `${c.field}.${where}.${action}.host`, `container "${c.name}" sends its ${where.replace('lifecycle.', '')} ${action} to host ${host}`, {
        catalog: false, fix: `remove ${where}.${action}.host: the kubelet then checks the pod's own IP`,
      });
    }
  }
}

function restricted(p: PodSet, version: number, refuse: Refuse): void {
  const podSc = sc(p.spec);
  const f = p.specField;
  const volumes = Array.isArray(p.spec.volumes) ? p.spec.volumes : [];
  volumes.forEach((v: any, i: number) => {
    if (!isObject(v)) return;
    // hostPath is refused at baseline already.
    const bad = Object.keys(v).filter((k) => k !== 'name' && k !== 'hostPath' && !RESTRICTED_VOLUMES.includes(k));
    if (bad.length > 0) refuse('restricted', `${f}.volumes[${i}]`, `volume "${v.name}" is of type ${bad.join(', ')}`);
  });
  const windowsPod = isWindowsPod(p.spec);
  const windows = windowsPod && version >= SINCE.windowsExempt;
  // Rule pod-security does not ask a Windows pod for the Linux-only fields: admission before v1.25 does.
  const linuxOnly = windowsPod ? { catalog: false, fix: WINDOWS_BEFORE_EXEMPT } : {};
  // The catalog judges runAsNonRoot per container: it reports the containers that inherit this false.
  const inherited = p.allContainers.some((c) => sc(c.c).runAsNonRoot !== true);
  if (podSc.runAsNonRoot === false) refuse('restricted', `${f}.securityContext.runAsNonRoot`, 'the pod sets runAsNonRoot: false', { catalog: inherited });
  if (version >= SINCE.runAsUser && asInt(podSc.runAsUser) === 0) refuse('restricted', `${f}.securityContext.runAsUser`, 'the pod runs as root (runAsUser: 0)');
  const podNonRoot = podSc.runAsNonRoot === true;
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type);
  for (const c of p.allContainers) {
    const s = sc(c.c);
    const field = `${c.field}.securityContext`;
    if (!windows && version >= SINCE.allowPrivilegeEscalation && s.allowPrivilegeEscalation !== false) {
      refuse('restricted', `${field}.allowPrivilegeEscalation`, `container "${c.name}" does not set allowPrivilegeEscalation: false`, linuxOnly);
    }
    if (s.runAsNonRoot === false || (!podNonRoot && s.runAsNonRoot !== true)) {
      refuse('restricted', `${field}.runAsNonRoot`, `container "${c.name}" may run as root: runAsNonRoot is not true on the container or the pod`);
    }
    if (version >= SINCE.runAsUser && asInt(s.runAsUser) === 0) refuse('restricted', `${field}.runAsUser`, `container "${c.name}" runs as root (runAsUser: 0)`);
    const type = s.seccompProfile?.type;
    // Unconfined is refused at baseline already.
    if (!windows && version >= SINCE.seccomp && (type === undefined ? !podSeccomp : !['RuntimeDefault', 'Localhost', 'Unconfined'].includes(type))) {
      refuse('restricted', `${field}.seccompProfile`, `container "${c.name}" has no seccompProfile RuntimeDefault (or Localhost), on the container or the pod`, linuxOnly);
    }
    if (!windows && version >= SINCE.capabilitiesRestricted) {
      if (!capList(s.capabilities?.drop).includes('ALL')) refuse('restricted', `${field}.capabilities.drop`, `container "${c.name}" does not drop ALL capabilities`, linuxOnly);
      // Names outside the baseline set are refused at baseline already.
      const extra = capList(s.capabilities?.add).filter((a) => a !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(a));
      if (extra.length > 0) refuse('restricted', `${field}.capabilities.add`, `container "${c.name}" adds the capabilities ${extra.join(', ')} (only NET_BIND_SERVICE is allowed)`, linuxOnly);
    }
  }
}
