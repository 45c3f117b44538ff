/**
 * `pod-security`: the Pod Security Standards, level "restricted" in the restricted profile
 * (plus a read-only root filesystem), level "baseline" in the baseline profile.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 *
 * Narrow exceptions (`guardrails.cdk8s.io/skip.pod-security.<check>`, lib/practices/exceptions.ts)
 * hide exactly what they waive; every other finding, and anything beyond the waived scope
 * (another path, a writable mount, another UID), is reported.
 */
import { RuleContext } from '../context';
import { hostPathKey, MIN_ID, readWaivers, Waiver, Waivers } from '../exceptions';
import { ContainerRef, Obj, PodSet, asInt, isObject } from '../objects';

export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
export const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
export const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
export const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Pod Security admission compares capability names exactly: `ALL`, not `all`; `NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`. */
const EXACT = 'Pod Security admission compares capability names exactly (upper case, no CAP_ prefix)';

export function capList(x: unknown): string[] {
  return Array.isArray(x) ? x.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))) : [];
}

/** A hint when a name differs from an allowed one only in case or a CAP_ prefix. */
function nearMiss(names: string[], allowed: (n: string) => boolean): string {
  const near = names.filter((n) => allowed(n.toUpperCase().replace(/^CAP_/, '')));
  return near.length > 0 ? ` (${near.join(', ')}: ${EXACT})` : '';
}

export function sc(x: any): any {
  return isObject(x?.securityContext) ? x.securityContext : {};
}

/**
 * Whether a pod spec declares a Windows pod (`os.name: windows`). The API server then refuses
 * the Linux-only security fields (seccompProfile, capabilities, allowPrivilegeEscalation,
 * readOnlyRootFilesystem, runAsUser, runAsGroup, fsGroup, supplementalGroups, ...), so no
 * check may ask for them. A Windows node selector alone does not count: the API server
 * validates such a pod as any other.
 * @see https://kubernetes.io/docs/concepts/windows/intro/#compatibility-v1-pod-spec-containers-securitycontext
 */
export function isWindowsPod(spec: any): boolean {
  return isObject(spec?.os) && spec.os.name === 'windows';
}

/** `pod-security`: Pod Security Standards (restricted, or baseline in the baseline profile). */
export function podSecurity(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    baseline(ctx, p);
    if (ctx.restricted) restricted(ctx, p);
  }
  for (const loose of ctx.index.looseContainers) {
    loose.containers.forEach((c, i) => looseContainer(ctx, loose.obj, loose.fields[i], c));
  }
  for (const p of ctx.index.loosePods) loosePod(ctx, p);
}

const LOOSE_POD = ' (in pod settings the operator applies to the pods it makes; Pod Security admission judges those pods all the same)';

/**
 * Pod-level settings outside any pod template (a pod template override, an Argo Workflow's
 * spec, a Strimzi `template.pod`): the rest of the pod is the operator's, so what these
 * settings ask for is judged, by the baseline level (host namespaces, hostPath volumes,
 * privileged containers, added capabilities, ...), and root (runAsUser 0) in "restricted".
 * Containers are named by their name: an override has no image.
 */
function loosePod(ctx: RuleContext, p: PodSet): void {
  baseline(ctx, p, LOOSE_POD);
  if (!ctx.restricted) return;
  const report = reporter(ctx, p, LOOSE_POD);
  if (asInt(sc(p.spec).runAsUser) === 0) report('runs as root (runAsUser: 0)', `${p.specField}.securityContext.runAsUser`);
  for (const c of p.allContainers) {
    if (asInt(sc(c.c).runAsUser) === 0) report(`container "${c.name}" runs as root (runAsUser: 0)`, `${c.field}.securityContext.runAsUser`);
  }
}

/**
 * A container outside any pod template the checker knows (an Argo Workflows template's
 * `container`, a SparkApplication's `driver`): the rest of its pod is unknown, so only what it
 * asks for itself is judged, by the baseline level: to be privileged, or to add capabilities.
 */
function looseContainer(ctx: RuleContext, obj: Obj, field: string, c: any): void {
  const s = sc(c);
  const who = `container at ${field}${typeof c.name === 'string' ? ` ("${c.name}")` : ''}`;
  const report = (message: string, at: string) => ctx.report(obj, `${message} (outside any pod template the checker knows; Pod Security admission judges the pod it becomes all the same)`, { field: at, fix: fixFor(at) });
  if (s.privileged === true) report(`${who} is privileged`, `${field}.securityContext.privileged`);
  const extra = capList(s.capabilities?.add).filter((a) => !BASELINE_CAPABILITIES.has(a));
  if (extra.length > 0) report(`${who} adds the capabilities ${extra.join(', ')}${nearMiss(extra, (n) => BASELINE_CAPABILITIES.has(n))}`, `${field}.securityContext.capabilities.add`);
}

/** What to set for each finding, by the end of the field it is reported on (indices dropped). */
const FIXES: Array<[string, string]> = [
  ['hostNetwork', 'remove hostNetwork (or set it to false) and reach the pods through a Service'],
  ['hostPID', 'remove hostPID (or set it to false)'],
  ['hostIPC', 'remove hostIPC (or set it to false)'],
  ['windowsOptions.hostProcess', 'remove windowsOptions.hostProcess (or set it to false)'],
  ['seLinuxOptions.type', 'remove seLinuxOptions.type, or use container_t, container_init_t, container_kvm_t or container_engine_t'],
  ['seLinuxOptions.user', 'remove seLinuxOptions.user'],
  ['seLinuxOptions.role', 'remove seLinuxOptions.role'],
  ['seccompProfile.type', 'set seccompProfile.type: RuntimeDefault (or Localhost with a profile)'],
  ['appArmorProfile.type', 'set appArmorProfile.type: RuntimeDefault (or Localhost with a profile)'],
  ['sysctls', 'remove the sysctl, or use one of the safe sysctls Pod Security allows'],
  ['hostPath', 'replace the hostPath volume with a persistentVolumeClaim, configMap, secret, emptyDir or projected volume'],
  ['metadata.annotations', 'remove the AppArmor annotation, or set it to runtime/default'],
  ['privileged', 'remove securityContext.privileged (or set it to false)'],
  ['capabilities.add', 'remove them from capabilities.add: "restricted" allows only NET_BIND_SERVICE, baseline the default container capabilities, with exact upper-case names without CAP_'],
  ['procMount', 'remove procMount (or set it to Default)'],
  ['hostPort', 'remove hostPort and expose the port through a Service'],
  ['volumes', 'use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes'],
  ['runAsUser', 'set runAsUser to a non-zero UID, such as 10001'],
  ['allowPrivilegeEscalation', 'set securityContext.allowPrivilegeEscalation: false on the container'],
  ['runAsNonRoot', 'set securityContext.runAsNonRoot: true on the container or the pod, with a non-zero runAsUser'],
  ['seccompProfile', 'set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container'],
  ['capabilities.drop', 'set securityContext.capabilities.drop: [ALL] (exactly "ALL")'],
  ['readOnlyRootFilesystem', 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes'],
];

/** The fix for a finding on `field`: what to set, from the longest matching end of the field. */
export function fixFor(field: string): string | undefined {
  const plain = field.replace(/\[\d+\]/g, '');
  let best: [string, string] | undefined;
  for (const entry of FIXES) {
    if ((plain === entry[0] || plain.endsWith(`.${entry[0]}`)) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

type Report = (message: string, field: string, waivedBy?: Waiver, fix?: string) => void;

/** Reports a finding, unless a narrow exception of the object covers it (then it is counted as hidden). */
function reporter(ctx: RuleContext, p: PodSet, tail = ''): Report {
  return (message, field, waivedBy, fix) => ctx.report(p.obj, `${message}${tail}`, { field, fix: fix ?? fixFor(field), waivedBy });
}

/** `tail`: what follows each message (where the settings are, when not in a pod template). */
function baseline(ctx: RuleContext, p: PodSet, tail = ''): void {
  const report = reporter(ctx, p, tail);
  const waivers = readWaivers(p.obj.scoped);
  const podSc = sc(p.spec);
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (p.spec[ns] === true) report(`shares the node's ${ns.slice(4)} namespace (${ns}: true)`, `${p.specField}.${ns}`, ns === 'hostNetwork' ? waivers.hostNetwork : undefined);
  }
  if (podSc.windowsOptions?.hostProcess === true) report('runs as a Windows HostProcess pod', `${p.specField}.securityContext.windowsOptions.hostProcess`);
  checkSeLinux(podSc, `${p.specField}.securityContext`, 'the pod', report);
  if (podSc.seccompProfile?.type === 'Unconfined') report('turns seccomp off for the pod (seccompProfile Unconfined)', `${p.specField}.securityContext.seccompProfile.type`);
  if (podSc.appArmorProfile?.type === 'Unconfined') report('turns AppArmor off for the pod', `${p.specField}.securityContext.appArmorProfile.type`);
  const sysctls = Array.isArray(podSc.sysctls) ? podSc.sysctls : [];
  sysctls.forEach((s: any, i: number) => {
    if (!SAFE_SYSCTLS.has(String(s?.name))) report(`sets the unsafe sysctl ${s?.name}`, `${p.specField}.securityContext.sysctls[${i}]`);
  });
  const volumes = Array.isArray(p.spec.volumes) ? p.spec.volumes : [];
  const waivedPaths = [...waivers.hostPath.keys()];
  volumes.forEach((v: any, i: number) => {
    if (!isObject(v?.hostPath)) return;
    const waiver = typeof v.hostPath.path === 'string' ? waivers.hostPath.get(hostPathKey(v.hostPath.path)) : undefined;
    const only = waivedPaths.length > 0 ? `; the pod-security.hostPath exception waives only ${waivedPaths.join(', ')}` : '';
    report(`mounts the node's path ${v.hostPath.path} (hostPath volume "${v.name}")${waiver ? '' : only}`, `${p.specField}.volumes[${i}].hostPath`, waiver);
    if (waiver) checkReadOnlyMounts(p, String(v.name), v.hostPath.path, report);
  });
  for (const [key, value] of Object.entries(p.annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value === 'unconfined') {
      report(`turns AppArmor off for container "${key.slice(APPARMOR_ANNOTATION.length)}"`, `${p.metaField}.annotations`);
    }
  }
  for (const c of p.allContainers) {
    const s = sc(c.c);
    const f = `${c.field}.securityContext`;
    if (s.privileged === true) report(`container "${c.name}" is privileged`, `${f}.privileged`);
    if (s.windowsOptions?.hostProcess === true) report(`container "${c.name}" runs as a Windows HostProcess`, `${f}.windowsOptions.hostProcess`);
    const extra = capList(s.capabilities?.add).filter((a) => !BASELINE_CAPABILITIES.has(a));
    if (extra.length > 0) report(`container "${c.name}" adds the capabilities ${extra.join(', ')}${nearMiss(extra, (n) => BASELINE_CAPABILITIES.has(n))}`, `${f}.capabilities.add`);
    if (s.procMount !== undefined && s.procMount !== 'Default') report(`container "${c.name}" unmasks /proc (procMount ${s.procMount})`, `${f}.procMount`);
    if (s.seccompProfile?.type === 'Unconfined') report(`container "${c.name}" turns seccomp off (seccompProfile Unconfined)`, `${f}.seccompProfile.type`);
    if (s.appArmorProfile?.type === 'Unconfined') report(`container "${c.name}" turns AppArmor off`, `${f}.appArmorProfile.type`);
    checkSeLinux(s, f, `container "${c.name}"`, report);
    const ports = Array.isArray(c.c.ports) ? c.c.ports : [];
    ports.forEach((port: any, i: number) => {
      const hostPort = asInt(port?.hostPort);
      // In the node's network the API server sets each hostPort to its containerPort: hostNetwork's exception covers that.
      const implied = waivers.hostNetwork !== undefined && p.spec.hostNetwork === true && hostPort === asInt(port?.containerPort);
      if (hostPort !== undefined && hostPort !== 0) report(`container "${c.name}" binds the node's port ${hostPort}`, `${c.field}.ports[${i}].hostPort`, implied ? waivers.hostNetwork : undefined);
    });
  }
}

/** A hostPath waived read-only: every container mounts it read-only. */
function checkReadOnlyMounts(p: PodSet, volume: string, path: string, report: Report): void {
  for (const c of p.allContainers) {
    const mounts = Array.isArray(c.c.volumeMounts) ? c.c.volumeMounts : [];
    mounts.forEach((m: any, j: number) => {
      if (m?.name === volume && m.readOnly !== true) {
        report(`container "${c.name}" mounts the node's path ${path} (hostPath volume "${volume}") writable, and its pod-security.hostPath exception is read-only`,
          `${c.field}.volumeMounts[${j}].readOnly`, undefined, 'set readOnly: true on the mount: the exception waives the path read-only only');
      }
    });
  }
}

/**
 * UIDs and GIDs below 10001 need their own exception. Once an object has any id exception
 * (runAsUser, runAsGroup, supplementalGroups), every id below 10001 must be one its own check
 * waives: runAsUser the UIDs, runAsGroup the GIDs of runAsGroup and fsGroup, supplementalGroups
 * the GIDs of supplementalGroups (an exception for one never covers another). Without one the
 * checker does not judge ids (10001 and up is a construct default), except GID 0 in
 * supplementalGroups, which is always reported unless its own exception waives it.
 */
function checkIds(p: PodSet, podSc: any, waivers: Waivers, report: Report): void {
  const any = waivers.runAsUser.size + waivers.runAsGroup.size + waivers.supplementalGroups.size > 0;
  const fields: Array<['runAsUser' | 'runAsGroup', string]> = [['runAsUser', 'runAsUser'], ['runAsGroup', 'runAsGroup'], ['runAsGroup', 'fsGroup']];
  const only = (check: 'runAsUser' | 'runAsGroup' | 'supplementalGroups') => {
    const allowed = [...waivers[check].keys()].join(', ');
    return allowed === '' ? `and no pod-security.${check} exception waives it` : `and its pod-security.${check} exception waives only ${allowed}`;
  };
  const judge = (s: any, field: string, who: string) => {
    if (!any) return;
    for (const [check, name] of fields) {
      const id = asInt(s[name]);
      // UID 0 is reported as root already.
      if (id === undefined || id >= MIN_ID || (id === 0 && name === 'runAsUser')) continue;
      const allowed = [...waivers[check].keys()].join(', ');
      report(`${who} sets ${name} ${id}, below ${MIN_ID}, ${only(check)}`, `${field}.${name}`, waivers[check].get(id),
        `set ${name} to ${allowed === '' ? '' : `${allowed} (the waived ${check === 'runAsUser' ? 'UID' : 'GID'}) or to `}${MIN_ID} or more${allowed === '' ? `, or record it with its own pod-security.${check} exception` : ''}`);
    }
  };
  judge(podSc, `${p.specField}.securityContext`, 'the pod');
  for (const c of p.allContainers) judge(sc(c.c), `${c.field}.securityContext`, `container "${c.name}"`);
  const groups: unknown[] = Array.isArray(podSc.supplementalGroups) ? podSc.supplementalGroups : [];
  groups.forEach((g, i) => {
    const id = asInt(g);
    if (id === undefined || id >= MIN_ID || (id !== 0 && !any)) return;
    const root = id === 0 ? ' (the root group: it reads and writes what root\'s group owns on every mounted volume)' : '';
    report(`the pod sets supplementalGroups ${id}${root}, below ${MIN_ID}, ${only('supplementalGroups')}`,
      `${p.specField}.securityContext.supplementalGroups[${i}]`, waivers.supplementalGroups.get(id),
      `remove ${id} from supplementalGroups, or record it with its own pod-security.supplementalGroups exception (\`${id}: <reason>\`)`);
  });
}

/**
 * GID 0, root's group, in fsGroup or runAsGroup (supplementalGroups: checkIds): the processes read (and
 * write) every file the group root may, such as the node's pod logs (root:root 0640) on a
 * hostPath. Pod Security "restricted" does not look at groups; this rule does.
 */
function checkRootGroup(p: PodSet, podSc: any, groupWaived: boolean, report: Report): void {
  // GID 0 in supplementalGroups is judged with its own exception by checkIds.
  const fix = 'remove GID 0; an agent that must read root-group files (pod logs are root:root 0640) adds it to supplementalGroups with a pod-security.supplementalGroups exception (`0: <reason>`)';
  // With a runAsGroup exception, checkIds judges fsGroup and runAsGroup already.
  if (groupWaived) return;
  if (asInt(podSc.fsGroup) === 0) report('the pod sets fsGroup 0 (root\'s group): its volumes and processes get root\'s group', `${p.specField}.securityContext.fsGroup`, undefined, fix);
  if (asInt(podSc.runAsGroup) === 0) report('the pod runs as GID 0 (runAsGroup 0, root\'s group)', `${p.specField}.securityContext.runAsGroup`, undefined, fix);
  for (const c of p.allContainers) {
    if (asInt(sc(c.c).runAsGroup) === 0) report(`container "${c.name}" runs as GID 0 (runAsGroup 0, root's group)`, `${c.field}.securityContext.runAsGroup`, undefined, fix);
  }
}

function checkSeLinux(s: any, field: string, who: string, report: (message: string, field: string) => void): void {
  const o = s.seLinuxOptions;
  if (!isObject(o)) return;
  if (o.type !== undefined && !SELINUX_TYPES.has(String(o.type))) report(`${who} sets the SELinux type ${o.type}`, `${field}.seLinuxOptions.type`);
  if (o.user) report(`${who} sets the SELinux user ${o.user}`, `${field}.seLinuxOptions.user`);
  if (o.role) report(`${who} sets the SELinux role ${o.role}`, `${field}.seLinuxOptions.role`);
}

function restricted(ctx: RuleContext, p: PodSet): void {
  const report = reporter(ctx, p);
  const waivers = readWaivers(p.obj.scoped);
  const podSc = sc(p.spec);
  checkIds(p, podSc, waivers, report);
  checkRootGroup(p, podSc, waivers.runAsGroup.size > 0, report);
  const volumes = Array.isArray(p.spec.volumes) ? p.spec.volumes : [];
  volumes.forEach((v: any, i: number) => {
    if (!isObject(v)) return;
    const types = Object.keys(v).filter((k) => k !== 'name');
    const bad = types.filter((t) => !RESTRICTED_VOLUMES.includes(t) && t !== 'hostPath'); // hostPath is reported by baseline
    if (bad.length > 0) report(`volume "${v.name}" is of type ${bad.join(', ')}, which Pod Security "restricted" does not allow`, `${p.specField}.volumes[${i}]`);
  });
  if (asInt(podSc.runAsUser) === 0) report('runs as root (runAsUser: 0)', `${p.specField}.securityContext.runAsUser`);
  const podNonRoot = podSc.runAsNonRoot === true;
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type);
  // Windows pods: the API server refuses the Linux-only fields, and admission exempts them
  // from these checks (from v1.25); the catalog's read-only root filesystem does not apply either.
  const linux = !isWindowsPod(p.spec);
  for (const c of p.allContainers) {
    const s = sc(c.c);
    const f = `${c.field}.securityContext`;
    if (s.runAsNonRoot === false || (!podNonRoot && s.runAsNonRoot !== true)) {
      report(`container "${c.name}" may run as root: runAsNonRoot is not true on the container or the pod`, `${f}.runAsNonRoot`);
    }
    if (asInt(s.runAsUser) === 0) report(`container "${c.name}" runs as root (runAsUser: 0)`, `${f}.runAsUser`);
    if (linux) restrictedLinux(c, s, f, podSeccomp, waivers, report);
  }
}

/** The checks of "restricted" (and the catalog's read-only root filesystem) that apply to Linux pods only. */
function restrictedLinux(c: ContainerRef, s: any, f: string, podSeccomp: boolean, waivers: Waivers, report: Report): void {
  if (s.allowPrivilegeEscalation !== false) {
    report(`container "${c.name}" does not set allowPrivilegeEscalation: false`, `${f}.allowPrivilegeEscalation`);
  }
  const type = s.seccompProfile?.type;
  if (type === undefined ? !podSeccomp : !['RuntimeDefault', 'Localhost'].includes(type) && type !== 'Unconfined') {
    report(`container "${c.name}" has no seccompProfile RuntimeDefault (or Localhost), on the container or the pod`, `${f}.seccompProfile`);
  }
  const drop = capList(s.capabilities?.drop);
  if (!drop.includes('ALL')) report(`container "${c.name}" does not drop ALL capabilities${nearMiss(drop, (n) => n === 'ALL')}`, `${f}.capabilities.drop`);
  // Names outside the baseline set are reported by baseline already.
  const extra = capList(s.capabilities?.add).filter((a) => a !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(a));
  if (extra.length > 0) report(`container "${c.name}" adds the capabilities ${extra.join(', ')}; "restricted" allows only NET_BIND_SERVICE`, `${f}.capabilities.add`);
  if (c.list !== 'ephemeralContainers' && s.readOnlyRootFilesystem !== true) {
    report(`container "${c.name}" has a writable root filesystem (readOnlyRootFilesystem is not true)`, `${f}.readOnlyRootFilesystem`, waivers.readOnlyRootFilesystem.get(c.name));
  }
}
