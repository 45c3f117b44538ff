import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { Guardrails, IsolatedNamespace, PodSecurityLevel, SafeDaemonSet, SafeDaemonSetProps, TolerationOperator } from '../../lib';
import { all, errorOf, newChart, one, synth } from '../helpers';
import { IMAGE, podCoreSuite } from './pod-core.shared';

podCoreSuite({
  construct: 'SafeDaemonSet',
  kind: 'DaemonSet',
  serving: true,
  create: (scope, id, props) => new SafeDaemonSet(scope, id, props),
});

const AGENT: SafeDaemonSetProps = { image: IMAGE, livenessCommand: ['/bin/healthcheck'] };
const VAR_LOG = { path: '/var/log', reason: 'ships the node\'s container logs' };

function agent(props: Partial<SafeDaemonSetProps> = {}) {
  const chart = newChart('logging');
  const construct = new SafeDaemonSet(chart, 'shipper', { ...AGENT, ...props });
  const manifests = synth(chart);
  const daemonSet = one(manifests, 'DaemonSet');
  return { chart, construct, manifests, daemonSet, spec: daemonSet.spec, pod: daemonSet.spec.template.spec, main: daemonSet.spec.template.spec.containers[0] };
}
const error = (props: Partial<SafeDaemonSetProps>) => errorOf(() => agent(props));
const prefix = 'SafeDaemonSet at \'test/shipper\': invalid';

describe('SafeDaemonSet: the simplest call', () => {
  const { manifests, spec, pod, main, daemonSet, construct } = agent();

  it('emits the DaemonSet, its ServiceAccount and NetworkPolicy: no PDB, no HPA, no Service without a port', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['DaemonSet/shipper', 'NetworkPolicy/shipper', 'ServiceAccount/shipper']);
    expect(construct.service).toBeUndefined();
    expect(construct.daemonSet.kind).toBe('DaemonSet');
  });

  it('rolls one node at a time without surge, minReadySeconds 10, no replicas', () => {
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.replicas).toBeUndefined();
    expect(spec.revisionHistoryLimit).toBeUndefined();
    expect(spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'shipper', 'app.kubernetes.io/name': 'shipper' } });
  });

  it('no spread, no tolerations, no host access: restricted like every workload', () => {
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.dnsPolicy).toBe('ClusterFirst');
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.restartPolicy).toBe('Always');
    expect(main.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(main.livenessProbe.exec).toEqual({ command: ['/bin/healthcheck'] });
    expect(daemonSet.metadata.annotations).toBeUndefined();
    expect(construct.skippedRules).toEqual({});
  });

  it('a node agent with a port gets a Service and probes; priorityClassName is passed on', () => {
    const { manifests: m, pod: p } = agent({ livenessCommand: undefined, port: 9100, priorityClassName: 'system-node-critical' });
    expect(one(m, 'Service').spec.ports).toEqual([{ name: 'http', port: 9100, targetPort: 9100, protocol: 'TCP' }]);
    expect(p.containers[0].readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(p.priorityClassName).toBe('system-node-critical');
    expect(all(m, 'PodDisruptionBudget')).toHaveLength(0);
  });
});

describe('SafeDaemonSet: rolling updates', () => {
  it('maxUnavailable, maxSurge, minReadySeconds and history are options', () => {
    const { spec } = agent({ maxUnavailable: 0, maxSurge: 1, minReadySeconds: 0, revisionHistoryLimit: 5 });
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(spec.minReadySeconds).toBeUndefined();
    expect(spec.revisionHistoryLimit).toBe(5);
  });

  it('a rollout must make progress; numbers are checked', () => {
    expect(error({ maxUnavailable: 0 })).toBe(`${prefix} maxUnavailable 0; expected at least 1 when maxSurge is 0, or the rollout never makes progress.`);
    expect(error({ maxSurge: -1 })).toBe(`${prefix} maxSurge -1; expected an integer from 0 to 10000.`);
    expect(error({ maxUnavailable: 1.5 })).toBe(`${prefix} maxUnavailable 1.5; expected an integer from 0 to 10000.`);
    expect(error({ minReadySeconds: -1 })).toBe(`${prefix} minReadySeconds -1; expected an integer from 0 to 3600.`);
    expect(error({ revisionHistoryLimit: 1001 })).toBe(`${prefix} revisionHistoryLimit 1001; expected an integer from 0 to 1000.`);
  });
});

describe('SafeDaemonSet: tolerations', () => {
  it('a list of tolerations: operator from the value, effect and tolerationSeconds', () => {
    const { pod } = agent({
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', effect: kplus.TaintEffect.NO_SCHEDULE },
        { key: 'dedicated', value: 'gpu' },
        { key: 'node.kubernetes.io/unreachable', operator: TolerationOperator.EXISTS, effect: kplus.TaintEffect.NO_EXECUTE, tolerationSeconds: 300 },
      ],
    });
    expect(pod.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('tolerateAllTaints: one toleration without a key', () => {
    expect(agent({ tolerateAllTaints: true }).pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(agent({ tolerateAllTaints: false }).pod.tolerations).toBeUndefined();
  });

  it('bad tolerations are errors', () => {
    expect(error({ tolerateAllTaints: true, tolerations: [{ key: 'a' }] })).toBe(
      `${prefix} tolerations [{"key":"a"}]; expected no tolerations with tolerateAllTaints: true, which already tolerates every taint.`);
    expect(error({ tolerations: [{ key: '' }] })).toBe(`${prefix} tolerations[0].key ""; expected a taint key; to tolerate every taint use tolerateAllTaints: true.`);
    expect(error({ tolerations: [{ key: 'bad key' }] })).toBe(
      `${prefix} tolerations[0].key "bad key"; expected a taint key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.'.`);
    expect(error({ tolerations: [{ key: 'a', operator: TolerationOperator.EXISTS, value: 'x' }] })).toBe(
      `${prefix} tolerations[0].value "x"; expected no value with TolerationOperator.EXISTS, which matches every value.`);
    expect(error({ tolerations: [{ key: 'a', operator: 'In' as any }] })).toBe(`${prefix} tolerations[0].operator "In"; expected TolerationOperator.EQUAL or EXISTS ("Equal", "Exists").`);
    expect(error({ tolerations: [{ key: 'a', value: 'not valid' }] })).toBe(
      `${prefix} tolerations[0].value "not valid"; expected a taint value: at most 63 letters, digits, '-', '_' and '.'.`);
    expect(error({ tolerations: [{ key: 'a', effect: 'Evict' as any }] })).toBe(`${prefix} tolerations[0].effect "Evict"; expected TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE ("NoSchedule", "PreferNoSchedule", "NoExecute").`);
    expect(error({ tolerations: [{ key: 'a', effect: kplus.TaintEffect.NO_SCHEDULE, tolerationSeconds: 60 }] })).toBe(
      `${prefix} tolerations[0].tolerationSeconds 60; expected no tolerationSeconds unless effect is kplus.TaintEffect.NO_EXECUTE: only NoExecute taints evict.`);
    expect(error({ tolerations: [{ key: 'a', effect: kplus.TaintEffect.NO_EXECUTE, tolerationSeconds: -1 }] })).toBe(
      `${prefix} tolerations[0].tolerationSeconds -1; expected an integer from 0 to 2147483647.`);
  });
});

describe('SafeDaemonSet: host access, only as narrow as asked and each with a reason', () => {
  it('a read-only hostPath: the volume, the mount and the reason as the narrow pod-security.hostPath exception', () => {
    const { pod, main, daemonSet, construct } = agent({ hostPaths: [VAR_LOG] });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } }]);
    expect(main.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/var/log', name: 'host-var-log', readOnly: true }]);
    const line = '/var/log (read-only): ships the node\'s container logs';
    expect(daemonSet.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.pod-security.hostPath': line });
    expect(construct.skippedRules).toEqual({ 'pod-security.hostPath': line });
    // nothing else is relaxed
    expect(pod.hostNetwork).toBeUndefined();
    expect(main.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false });
  });

  it('mountPath and type are options; several paths each with a reason, one line each; hostNetwork with its own reason', () => {
    const { pod, main, daemonSet, construct } = agent({
      hostPaths: [VAR_LOG, { path: '/run/containerd/containerd.sock', mountPath: '/run/cri.sock', type: kplus.HostPathVolumeType.SOCKET, reason: 'reads container\n  metadata' }],
      hostNetwork: true,
      hostNetworkReason: 'node-local metrics on the host address',
      skip: { 'pod-security.runAsUser': 'the image runs as uid 1000' },
      runAsUser: 1000,
    });
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'host-run-containerd-containerd-sock', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } },
    ]);
    expect(main.volumeMounts[2]).toEqual({ mountPath: '/run/cri.sock', name: 'host-run-containerd-containerd-sock', readOnly: true });
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    const exceptions = {
      'pod-security.hostNetwork': 'node-local metrics on the host address',
      'pod-security.hostPath': '/var/log (read-only): ships the node\'s container logs\n/run/containerd/containerd.sock (read-only): reads container metadata',
      'pod-security.runAsUser': '1000: the image runs as uid 1000',
    };
    expect(daemonSet.metadata.annotations).toEqual({
      'kube-score/ignore': 'container-security-context-user-group-id',
      'polaris.fairwinds.com/hostNetworkSet-exempt': 'true',
      ...Object.fromEntries(Object.entries(exceptions).map(([k, v]) => [`guardrails.cdk8s.io/skip.${k}`, v])),
    });
    expect(construct.skippedRules).toEqual(exceptions);
    expect(agent({ hostPaths: [{ ...VAR_LOG, type: kplus.HostPathVolumeType.DEFAULT }] }).pod.volumes[1]).toEqual({ name: 'host-var-log', hostPath: { path: '/var/log' } });
  });

  it('a whole-rule skip asked for on purpose is written as given, beside the narrow exceptions', () => {
    const { daemonSet, construct } = agent({ hostPaths: [VAR_LOG], skip: { 'pod-security': 'vendor agent, reviewed' } });
    expect(construct.skippedRules).toEqual({ 'pod-security': 'vendor agent, reviewed', 'pod-security.hostPath': '/var/log (read-only): ships the node\'s container logs' });
    expect(daemonSet.metadata.annotations['guardrails.cdk8s.io/skip.pod-security']).toBe('vendor agent, reviewed');
  });

  it('a skip reason alone grants no host access', () => {
    const { pod } = agent({ skip: { 'pod-security': 'uid 1000' }, runAsUser: 1000 });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.hostNetwork).toBeUndefined();
    expect(error({ skip: { 'pod-security.hostNetwork': 'x' } })).toBe(
      `${prefix} skip.pod-security.hostNetwork "pod-security.hostNetwork"; expected one of pod-security.readOnlyRootFilesystem, pod-security.runAsGroup, pod-security.runAsUser: host access is asked for with SafeDaemonSet's hostNetwork and hostNetworkReason.`);
  });

  it('every exception needs its own reason; paths are absolute and narrow', () => {
    expect(error({ hostPaths: [{ path: '/var/log', reason: ' ' }] })).toBe(
      `${prefix} hostPaths[0].reason " "; expected a non-empty reason: host access breaks Pod Security "restricted" (rule pod-security), so it must say why.`);
    expect(error({ hostPaths: [{ path: '/var/log' } as any] })).toBe(`${prefix} hostPaths[0].reason (undefined); expected a string: hostPaths[0].reason is required.`);
    expect(error({ hostNetwork: true })).toBe(
      `${prefix} hostNetworkReason (undefined); expected a non-empty reason: host access breaks Pod Security "restricted" (rule pod-security), so it must say why.`);
    expect(error({ hostNetworkReason: 'x' })).toBe(`${prefix} hostNetworkReason "x"; expected no hostNetworkReason without hostNetwork: true.`);
    for (const path of ['/', 'var/log', '/var/../etc', '/var/my logs']) {
      expect(error({ hostPaths: [{ path, reason: 'r' }] })).toBe(`${prefix} hostPaths[0].path ${JSON.stringify(path)}; expected an absolute node path other than "/", without ".." and without spaces.`);
    }
    expect(error({ hostPaths: [{ ...VAR_LOG, type: 'Dir' as any }] })).toBe(`${prefix} hostPaths[0].type "Dir"; expected HostPathVolumeType.DEFAULT, DIRECTORY_OR_CREATE, DIRECTORY, FILE_OR_CREATE, FILE, SOCKET, CHAR_DEVICE or BLOCK_DEVICE ("", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice").`);
    expect(error({ hostPaths: [{ ...VAR_LOG, mountPath: '/tmp' }] })).toBe(
      `${prefix} hostPaths[0].mountPath "/tmp"; expected a path not already mounted in the container (volume "tmp" is mounted there).`);
    expect(error({ hostPaths: [VAR_LOG, VAR_LOG] })).toBe(
      `${prefix} hostPaths[1].name "host-var-log"; expected a volume name no other volume of the pod uses (host-var-log, tmp).`);
  });

  it('hostNetwork with ports refuses a surge, which would bind the same node ports', () => {
    expect(error({ livenessCommand: undefined, port: 9100, hostNetwork: true, hostNetworkReason: 'r', maxSurge: 1, maxUnavailable: 0 })).toBe(
      `${prefix} maxSurge 1; expected 0 with hostNetwork: a surge pod would bind the same node ports as the old one.`);
    expect(agent({ hostNetwork: true, hostNetworkReason: 'r', maxSurge: 1 }).spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 1 });
  });

  describe('the namespace must allow it', () => {
    function inNamespace(level: PodSecurityLevel | undefined) {
      const app: App = Testing.app();
      new IsolatedNamespace(app, 'logging', { team: 'platform', quota: { expectedNodes: 3 }, ...(level ? { podSecurityEnforce: level, skip: { 'ns-pod-security': 'node agents read host paths' } } : {}) });
      const chart = new Chart(app, 'agents', { namespace: 'logging' });
      new SafeDaemonSet(chart, 'shipper', { ...AGENT, hostPaths: [VAR_LOG] });
      return () => app.synth();
    }

    it('a namespace of the app that enforces restricted or baseline is an error at synthesis', () => {
      for (const level of [undefined, PodSecurityLevel.BASELINE]) {
        expect(errorOf(inNamespace(level))).toContain(
          `SafeDaemonSet at 'agents/shipper': invalid hostPaths "logging"; expected a namespace whose Pod Security enforce level is "privileged": namespace "logging" enforces "${level ?? 'restricted'}", which refuses hostPath volumes and hostNetwork. Put the node agent in its own namespace with podSecurityEnforce: PodSecurityLevel.PRIVILEGED (and a reason in skip['ns-pod-security']).`);
      }
    });

    it('privileged is fine, and so is a namespace the app does not declare', () => {
      expect(() => inNamespace(PodSecurityLevel.PRIVILEGED)()).not.toThrow();
      expect(() => synth(agent({ hostPaths: [VAR_LOG] }).chart)).not.toThrow();
    });
  });
});

describe('SafeDaemonSet: passes the checker', () => {
  it('a restricted agent with a port and tolerations breaks no rule; host access is suppressed only by its exceptions', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'nodes', { namespace: 'nodes' });
    new SafeDaemonSet(chart, 'exporter', { image: IMAGE, port: 9100, tolerations: [{ key: 'dedicated', value: 'gpu' }] });
    new SafeDaemonSet(chart, 'shipper', { ...AGENT, hostPaths: [VAR_LOG], hostNetwork: true, hostNetworkReason: 'host interfaces', tolerateAllTaints: true });
    Guardrails.enforce(app);
    Testing.synth(chart); // enforcement throws on any violation
    const report = Guardrails.report(app);
    expect(report.violations).toEqual([]);
    expect(report.suppressions.map((x) => [x.rule, x.scope, x.kind, x.name, x.suppressed])).toEqual([
      ['pod-security', 'hostNetwork', 'DaemonSet', 'shipper', 1],
      ['pod-security', 'hostPath /var/log (read-only)', 'DaemonSet', 'shipper', 1],
    ]);
  });

  describe('a patch beyond the host access asked for is flagged', () => {
    const POD = '/spec/template/spec';
    const FIELD = 'spec.template.spec';
    /** pod-security findings (`field: message`) of an agent with /var/log and hostNetwork, after `patches`. */
    function findings(props: Partial<SafeDaemonSetProps>, ...patches: JsonPatch[]): string[] {
      const chart = newChart('nodes');
      const ds = new SafeDaemonSet(chart, 'shipper', { ...AGENT, hostPaths: [VAR_LOG], hostNetwork: true, hostNetworkReason: 'host interfaces', ...props });
      ds.daemonSet.addJsonPatch(...patches);
      Guardrails.enforce(chart);
      return Guardrails.report(chart).violations.filter((v) => v.rule === 'pod-security').map((v) => `${v.field}: ${v.message}`);
    }
    const sc = `${POD}/containers/0/securityContext`;
    const scField = `${FIELD}.containers[0].securityContext`;

    it('the output as written passes; a hostPort equal to its containerPort is what hostNetwork means', () => {
      expect(findings({})).toEqual([]);
      expect(findings({ livenessCommand: undefined, port: 9100 }, JsonPatch.add(`${POD}/containers/0/ports/0/hostPort`, 9100))).toEqual([]);
      expect(findings({ livenessCommand: undefined, port: 9100 }, JsonPatch.add(`${POD}/containers/0/ports/0/hostPort`, 80))).toEqual([
        `${FIELD}.containers[0].ports[0].hostPort: container "app" binds the node's port 80`,
      ]);
    });

    it('a writable mount, another path, or the same path under another volume mounted writable', () => {
      expect(findings({}, JsonPatch.remove(`${POD}/containers/0/volumeMounts/1/readOnly`))).toEqual([
        `${FIELD}.containers[0].volumeMounts[1].readOnly: container "app" mounts the node's path /var/log (hostPath volume "host-var-log") writable, and its pod-security.hostPath exception is read-only`,
      ]);
      expect(findings({}, JsonPatch.replace(`${POD}/volumes/1/hostPath/path`, '/etc'))).toEqual([
        `${FIELD}.volumes[1].hostPath: mounts the node's path /etc (hostPath volume "host-var-log"); the pod-security.hostPath exception waives only /var/log`,
      ]);
      expect(findings({}, JsonPatch.replace(`${POD}/volumes/1/hostPath/path`, '/var/log/../../etc'))).toEqual([
        `${FIELD}.volumes[1].hostPath: mounts the node's path /var/log/../../etc (hostPath volume "host-var-log"); the pod-security.hostPath exception waives only /var/log`,
      ]);
      expect(findings({},
        JsonPatch.add(`${POD}/volumes/-`, { name: 'logs', hostPath: { path: '/var/log' } }),
        JsonPatch.add(`${POD}/containers/0/volumeMounts/-`, { name: 'logs', mountPath: '/logs' }))).toEqual([
        `${FIELD}.containers[0].volumeMounts[2].readOnly: container "app" mounts the node's path /var/log (hostPath volume "logs") writable, and its pod-security.hostPath exception is read-only`,
      ]);
    });

    it('privileged, escalation, capabilities, hostPID and hostIPC are never part of host access', () => {
      const cases: Array<[JsonPatch, string, Partial<SafeDaemonSetProps>?]> = [
        [JsonPatch.replace(`${sc}/privileged`, true), `${scField}.privileged: container "app" is privileged`],
        [JsonPatch.replace(`${sc}/allowPrivilegeEscalation`, true), `${scField}.allowPrivilegeEscalation: container "app" does not set allowPrivilegeEscalation: false`],
        [JsonPatch.add(`${sc}/capabilities/add`, ['NET_ADMIN']), `${scField}.capabilities.add: container "app" adds the capabilities NET_ADMIN`],
        [JsonPatch.add(`${POD}/hostPID`, true), `${FIELD}.hostPID: shares the node's PID namespace (hostPID: true)`],
        [JsonPatch.add(`${POD}/hostIPC`, true), `${FIELD}.hostIPC: shares the node's IPC namespace (hostIPC: true)`],
        [JsonPatch.replace(`${POD}/securityContext/runAsUser`, 1000), `${FIELD}.securityContext.runAsUser: the pod sets runAsUser 1000, below 10001, and its pod-security.runAsUser exception waives only 999`,
          { runAsUser: 999, skip: { 'pod-security.runAsUser': 'image uid' } }],
      ];
      for (const [patch, finding, props] of cases) expect(findings(props ?? {}, patch)).toEqual([finding]);
    });
  });
});
