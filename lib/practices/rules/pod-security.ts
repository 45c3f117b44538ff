/**
 * `pod-security`: the Pod Security Standards, level "restricted" in the restricted profile
 * (plus a read-only root filesystem), level "baseline" in the baseline profile.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { RuleContext } from '../context';
import { PodSet, asInt, isObject } from '../objects';

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Pod Security admission compares capability names exactly: `ALL`, not `all`; `NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`. */
const EXACT = 'Pod Security admission compares capability names exactly (upper case, no CAP_ prefix)';

function capList(x: unknown): string[] {
  return Array.isArray(x) ? x.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))) : [];
}

/** A hint when a name differs from an allowed one only in case or a CAP_ prefix. */
function nearMiss(names: string[], allowed: (n: string) => boolean): string {
  const near = names.filter((n) => allowed(n.toUpperCase().replace(/^CAP_/, '')));
  return near.length > 0 ? ` (${near.join(', ')}: ${EXACT})` : '';
}

function sc(x: any): any {
  return isObject(x?.securityContext) ? x.securityContext : {};
}

/** `pod-security`: Pod Security Standards (restricted, or baseline in the baseline profile). */
export function podSecurity(ctx: RuleContext): void {
  for (const p of ctx.index.podSets) {
    baseline(ctx, p);
    if (ctx.restricted) restricted(ctx, p);
  }
}

function baseline(ctx: RuleContext, p: PodSet): void {
  const report = (message: string, field: string) => ctx.report(p.obj, message, { field });
  const podSc = sc(p.spec);
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (p.spec[ns] === true) report(`shares the node's ${ns.slice(4)} namespace (${ns}: true)`, `${p.specField}.${ns}`);
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
  volumes.forEach((v: any, i: number) => {
    if (isObject(v?.hostPath)) report(`mounts the node's path ${v.hostPath.path} (hostPath volume "${v.name}")`, `${p.specField}.volumes[${i}].hostPath`);
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
      if (hostPort !== undefined && hostPort !== 0) report(`container "${c.name}" binds the node's port ${hostPort}`, `${c.field}.ports[${i}].hostPort`);
    });
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
  const report = (message: string, field: string) => ctx.report(p.obj, message, { field });
  const podSc = sc(p.spec);
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
  for (const c of p.allContainers) {
    const s = sc(c.c);
    const f = `${c.field}.securityContext`;
    if (s.allowPrivilegeEscalation !== false) {
      report(`container "${c.name}" does not set allowPrivilegeEscalation: false`, `${f}.allowPrivilegeEscalation`);
    }
    if (s.runAsNonRoot === false || (!podNonRoot && s.runAsNonRoot !== true)) {
      report(`container "${c.name}" may run as root: runAsNonRoot is not true on the container or the pod`, `${f}.runAsNonRoot`);
    }
    if (asInt(s.runAsUser) === 0) report(`container "${c.name}" runs as root (runAsUser: 0)`, `${f}.runAsUser`);
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
      report(`container "${c.name}" has a writable root filesystem (readOnlyRootFilesystem is not true)`, `${f}.readOnlyRootFilesystem`);
    }
  }
}
