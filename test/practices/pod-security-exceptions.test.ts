import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { POD_KINDS } from '../../lib/core/kinds';
import { checkManifests, formatSuppression } from '../../lib/practices/checker';
import { Profile } from '../../lib';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { resolveOptions } from '../../lib/practices/options';
import { asKind, goodApp, template } from './helpers';

/**
 * Narrow pod-security exceptions (`guardrails.cdk8s.io/skip.pod-security.<check>`) on raw
 * objects of every workload kind the constructs make, and on a bare Pod: each hides exactly
 * what it waives, and everything else of the rule is still flagged.
 */
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'];
const P = 'guardrails.cdk8s.io/skip.pod-security';
const EXCEPTIONS = {
  [`${P}.runAsUser`]: '1000: vendor image built for uid 1000',
  [`${P}.runAsGroup`]: '1000: its files belong to gid 1000',
  [`${P}.readOnlyRootFilesystem`]: 'app: writes a pid file next to the binary',
  [`${P}.hostNetwork`]: 'reports the node\'s interfaces',
  [`${P}.hostPath`]: '/var/log (read-only): ships the node\'s logs\n/run/containerd/containerd.sock (read-only): reads container metadata',
};

/** The good app's workload as `kind`, using exactly what EXCEPTIONS waive, then `change`. */
function agent(kind: string, change: (spec: any, w: any) => void = () => undefined, annotations: { [key: string]: string } = EXCEPTIONS): any {
  const w = asKind(kind, goodApp().deployment);
  w.metadata = { ...w.metadata, annotations: { ...w.metadata.annotations, ...annotations } };
  const spec = template(w).spec = structuredClone(template(w).spec);
  spec.securityContext = { ...spec.securityContext, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 };
  spec.hostNetwork = true;
  spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }, { name: 'cri', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } }];
  const app = spec.containers[0];
  app.ports = [{ containerPort: 8080, hostPort: 8080, name: 'http' }];
  app.securityContext = { ...app.securityContext, runAsUser: 1000, readOnlyRootFilesystem: false };
  app.volumeMounts = [{ name: 'logs', mountPath: '/var/log', readOnly: true }, { name: 'cri', mountPath: '/run/cri.sock', readOnly: true }];
  change(spec, w);
  return w;
}

function podField(kind: string): string {
  return [...POD_KINDS.find((k) => k.kind === kind)!.templatePath, 'spec'].join('.');
}

function check(w: any) {
  const result = checkManifests([{ manifest: w }], DEFAULT_OPTIONS);
  return {
    findings: result.violations.filter((v) => v.rule === 'pod-security').map((v) => `${v.field}: ${v.message}`),
    suppressions: result.suppressions.map(formatSuppression),
    warnings: result.warnings,
  };
}

describe.each(KINDS)('pod-security exceptions on a raw %s', (kind) => {
  const f = podField(kind);
  const c = `${f}.containers[0]`;

  it('what the exceptions waive passes, and each is listed with what it hides', () => {
    const { findings, suppressions, warnings } = check(agent(kind));
    expect(findings).toEqual([]);
    expect(warnings).toEqual([]);
    expect(suppressions).toEqual([
      `pod-security waived for hostNetwork on ${kind} shop/web (hides 2 violations): reports the node's interfaces`,
      `pod-security waived for hostPath /var/log (read-only) on ${kind} shop/web (hides 1 violation): ships the node's logs`,
      `pod-security waived for hostPath /run/containerd/containerd.sock (read-only) on ${kind} shop/web (hides 1 violation): reads container metadata`,
      `pod-security waived for readOnlyRootFilesystem app on ${kind} shop/web (hides 1 violation): writes a pid file next to the binary`,
      `pod-security waived for runAsGroup 1000 on ${kind} shop/web (hides 2 violations): its files belong to gid 1000`,
      `pod-security waived for runAsUser 1000 on ${kind} shop/web (hides 2 violations): vendor image built for uid 1000`,
    ]);
  });

  const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
  const cases: Array<[string, (spec: any) => void, string[]]> = [
    ['privileged', (s) => { s.containers[0].securityContext.privileged = true; }, [`${c}.securityContext.privileged: container "app" is privileged`]],
    ['privilege escalation', (s) => { s.containers[0].securityContext.allowPrivilegeEscalation = true; },
      [`${c}.securityContext.allowPrivilegeEscalation: container "app" does not set allowPrivilegeEscalation: false`]],
    ['an added capability', (s) => { s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN', 'CHOWN']; },
      [`${c}.securityContext.capabilities.add: container "app" adds the capabilities CHOWN; "restricted" allows only NET_BIND_SERVICE`,
        `${c}.securityContext.capabilities.add: container "app" adds the capabilities SYS_ADMIN`]],
    ['hostPID', (s) => { s.hostPID = true; }, [`${f}.hostPID: shares the node's PID namespace (hostPID: true)`]],
    ['hostIPC', (s) => { s.hostIPC = true; }, [`${f}.hostIPC: shares the node's IPC namespace (hostIPC: true)`]],
    ['a writable mount of a waived path', (s) => { delete s.containers[0].volumeMounts[0].readOnly; },
      [`${c}.volumeMounts[0].readOnly: container "app" mounts the node's path /var/log (hostPath volume "logs") writable, and its pod-security.hostPath exception is read-only`]],
    ['another path', (s) => { s.volumes[0].hostPath.path = '/etc'; },
      [`${f}.volumes[0].hostPath: mounts the node's path /etc (hostPath volume "logs"); the pod-security.hostPath exception waives only /var/log, /run/containerd/containerd.sock`]],
    ['a path below a waived one', (s) => { s.volumes[0].hostPath.path = '/var/log/pods'; },
      [`${f}.volumes[0].hostPath: mounts the node's path /var/log/pods (hostPath volume "logs"); the pod-security.hostPath exception waives only /var/log, /run/containerd/containerd.sock`]],
    ['a lower UID', (s) => { s.containers[0].securityContext.runAsUser = 999; },
      [`${c}.securityContext.runAsUser: container "app" sets runAsUser 999, below 10001, and its pod-security.runAsUser exception waives only 1000`]],
    ['root', (s) => { s.securityContext.runAsUser = 0; }, [`${f}.securityContext.runAsUser: runs as root (runAsUser: 0)`]],
    ['another GID', (s) => { s.securityContext.fsGroup = 0; },
      [`${f}.securityContext.fsGroup: the pod sets fsGroup 0, below 10001, and its pod-security.runAsGroup exception waives only 1000`]],
    ['a writable root filesystem in another container', (s) => {
      s.initContainers = [{ name: 'init', image: 'ghcr.io/acme/init:1.0.0', securityContext: { ...restricted, readOnlyRootFilesystem: false } }];
    }, [`${f}.initContainers[0].securityContext.readOnlyRootFilesystem: container "init" has a writable root filesystem (readOnlyRootFilesystem is not true)`]],
    ['a hostPort other than its containerPort', (s) => { s.containers[0].ports[0].hostPort = 80; },
      [`${c}.ports[0].hostPort: container "app" binds the node's port 80`]],
  ];
  it.each(cases)('%s is flagged', (_, change, expected) => {
    expect(check(agent(kind, change)).findings).toEqual(expected);
  });

  it('without the exceptions, each waived finding is back', () => {
    expect(check(agent(kind, () => undefined, {})).findings).toEqual([
      `${c}.ports[0].hostPort: container "app" binds the node's port 8080`,
      `${c}.securityContext.readOnlyRootFilesystem: container "app" has a writable root filesystem (readOnlyRootFilesystem is not true)`,
      `${f}.hostNetwork: shares the node's Network namespace (hostNetwork: true)`,
      `${f}.volumes[0].hostPath: mounts the node's path /var/log (hostPath volume "logs")`,
      `${f}.volumes[1].hostPath: mounts the node's path /run/containerd/containerd.sock (hostPath volume "cri")`,
    ]);
  });

  it('the whole-rule skip, written on purpose, still switches everything off', () => {
    const w = agent(kind, (s) => { s.containers[0].securityContext.privileged = true; s.hostPID = true; }, { [P]: 'vendor agent, reviewed by the platform team' });
    const { findings, suppressions } = check(w);
    expect(findings).toEqual([]);
    expect(suppressions).toEqual([`pod-security switched off for ${kind} shop/web (hides 7 violations): vendor agent, reviewed by the platform team`]);
  });
});

describe('pod-security exceptions in the baseline profile', () => {
  const baseline = resolveOptions({ profile: Profile.BASELINE }, (p, v, a) => { throw new Error(`${p} ${String(v)} ${a}`); });
  const findings = (w: any) => checkManifests([{ manifest: w }], baseline).violations.filter((v) => v.rule === 'pod-security').map((v) => v.message);

  it('host access is waived as asked, and a writable mount or another path is still flagged', () => {
    expect(findings(agent('DaemonSet'))).toEqual([]);
    expect(findings(agent('DaemonSet', (s) => { s.containers[0].volumeMounts[1].readOnly = false; s.volumes.push({ name: 'etc', hostPath: { path: '/etc' } }); }))).toEqual([
      'container "app" mounts the node\'s path /run/containerd/containerd.sock (hostPath volume "cri") writable, and its pod-security.hostPath exception is read-only',
      'mounts the node\'s path /etc (hostPath volume "etc"); the pod-security.hostPath exception waives only /var/log, /run/containerd/containerd.sock',
    ]);
  });
});

describe('pod-security exceptions that waive nothing', () => {
  const where = 'Deployment shop/web';
  const cases: Array<[string, { [key: string]: string }, string]> = [
    ['an unknown check', { [`${P}.privileged`]: 'needs it' },
      `${where}: skip annotation ${P}.privileged names no pod-security check that can be waived on its own (hostNetwork, hostPath, readOnlyRootFilesystem, runAsGroup, runAsUser, supplementalGroups); it waives nothing`],
    ['a check of another rule', { 'guardrails.cdk8s.io/skip.replicas-min.replicas': 'one' },
      `${where}: skip annotation guardrails.cdk8s.io/skip.replicas-min.replicas waives part of rule "replicas-min", and only pod-security and secret-no-plaintext.env have checks that can be waived on their own; it waives nothing`],
    ['a hostPath line without read-only', { [`${P}.hostPath`]: '/var/log: ships logs' },
      `${where}: skip annotation ${P}.hostPath: the line "/var/log: ships logs" is not "<path> (read-only): <reason>"; it waives nothing`],
    ['UID 0', { [`${P}.runAsUser`]: '0: legacy' },
      `${where}: skip annotation ${P}.runAsUser: the line "0: legacy" is not "<UID from 1 to 10000, no leading zero>: <reason>"; it waives nothing`],
    ['a UID that needs no exception', { [`${P}.runAsUser`]: '10001: nothing' },
      `${where}: skip annotation ${P}.runAsUser: the line "10001: nothing" is not "<UID from 1 to 10000, no leading zero>: <reason>"; it waives nothing`],
    ['a reason without its scope', { [`${P}.readOnlyRootFilesystem`]: 'writes a pid file' },
      `${where}: skip annotation ${P}.readOnlyRootFilesystem: the line "writes a pid file" is not "<container>[, <container>...]: <reason>"; it waives nothing`],
    ['no reason', { [`${P}.hostNetwork`]: ' ' }, `${where}: skip annotation ${P}.hostNetwork has no reason, so the check still applies`],
    ['hostNetwork on several lines', { [`${P}.hostNetwork`]: 'a\nb' }, `${where}: skip annotation ${P}.hostNetwork has 2 lines; expected one line, the reason; it waives nothing`],
  ];
  it.each(cases)('%s: a warning, and the finding stays', (_, annotations, warning) => {
    const { findings, warnings, suppressions } = check(agent('Deployment', () => undefined, annotations));
    expect(warnings).toEqual([warning]);
    expect(suppressions).toEqual([]);
    expect(findings).toHaveLength(5);
  });

  it('a UID below 10001 is judged only against an exception: without one it is a construct default, not a checker rule', () => {
    const w = agent('Deployment', (s) => { delete s.hostNetwork; s.volumes = []; s.containers[0].volumeMounts = []; s.containers[0].ports = [{ containerPort: 8080, name: 'http' }]; },
      { [`${P}.readOnlyRootFilesystem`]: EXCEPTIONS[`${P}.readOnlyRootFilesystem`] });
    expect(check(w).findings).toEqual([]);
  });
});

describe('check on raw YAML reads the same exceptions', () => {
  const yaml = (readOnly: boolean) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: shipper
  namespace: nodes
  annotations:
    ${P}.hostPath: |-
      /var/log (read-only): ships the node's logs
spec:
  selector: { matchLabels: { app: shipper } }
  template:
    metadata: { labels: { app: shipper } }
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      volumes: [{ name: logs, hostPath: { path: /var/log } }]
      containers:
        - name: app
          image: ghcr.io/acme/shipper:1.0.0
          volumeMounts: [{ name: logs, mountPath: /var/log${readOnly ? ', readOnly: true' : ''} }]
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
`;
  function run(stdin: string): string {
    let out = '';
    const off = ['probe-liveness', 'resources', 'graceful-shutdown', 'service-account', 'labels'].flatMap((r) => ['--disable', `${r}=not under test`]);
    main(['check', ...off, '-'], { out: (t) => { out += t; }, err: (t) => { out += t; }, stdin: () => stdin });
    return out;
  }

  it('the waived read-only path passes, and the report lists the exception', () => {
    const out = run(yaml(true));
    expect(out).not.toContain('pod-security: spec');
    expect(out).toContain(`  pod-security waived for hostPath /var/log (read-only) on DaemonSet nodes/shipper in <stdin> (hides 1 violation): ships the node's logs`);
  });

  it('the same path mounted writable is flagged', () => {
    expect(run(yaml(false))).toContain('  pod-security: spec.template.spec.containers[0].volumeMounts[0].readOnly: container "app" mounts the node\'s path /var/log (hostPath volume "logs") writable, and its pod-security.hostPath exception is read-only\n'
      + '    fix: set readOnly: true on the mount: the exception waives the path read-only only\n');
  });
});
