import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { Guardrails, PersistentVolumeClaimRetention, SafeDeployment, SafeStatefulSet, SafeStatefulSetProps, ScrapeMethod } from '../../lib';
import { all, errorOf, newChart, one, synth } from '../helpers';
import { IMAGE, podCoreSuite } from './pod-core.shared';

podCoreSuite({
  construct: 'SafeStatefulSet',
  kind: 'StatefulSet',
  serving: true,
  create: (scope, id, props) => new SafeStatefulSet(scope, id, props),
});

const DATA = { name: 'data', mountPath: '/data', storage: Size.gibibytes(10) };

function store(props: Partial<SafeStatefulSetProps> = {}) {
  const chart = newChart('shop');
  const construct = new SafeStatefulSet(chart, 'redis', { image: IMAGE, port: 6379, volumeClaimTemplates: [DATA], ...props });
  const manifests = synth(chart);
  const statefulSet = one(manifests, 'StatefulSet');
  return { chart, construct, manifests, statefulSet, spec: statefulSet.spec, pod: statefulSet.spec.template.spec, main: statefulSet.spec.template.spec.containers[0] };
}
const error = (props: Partial<SafeStatefulSetProps>) => errorOf(() => store(props));
const prefix = 'SafeStatefulSet at \'test/redis\': invalid';

describe('SafeStatefulSet: the simplest call', () => {
  const { manifests, spec, main, construct } = store();

  it('emits the StatefulSet, a headless governing Service, a client Service, PDB, NetworkPolicy and ServiceAccount', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'NetworkPolicy/redis', 'PodDisruptionBudget/redis', 'Service/redis', 'Service/redis-headless', 'ServiceAccount/redis', 'StatefulSet/redis',
    ]);
    expect(construct.headlessService.name).toBe('redis-headless');
    expect(construct.service?.name).toBe('redis');
  });

  it('defaults: 2 replicas, OrderedReady, rolling updates of every pod, minReadySeconds 10, claims retained', () => {
    expect(spec.replicas).toBe(2);
    expect(spec.serviceName).toBe('redis-headless');
    expect(spec.podManagementPolicy).toBe('OrderedReady');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.persistentVolumeClaimRetentionPolicy).toBeUndefined(); // the server's default: Retain, Retain
    expect(spec.ordinals).toBeUndefined();
    expect(spec.revisionHistoryLimit).toBeUndefined();
    expect(spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' } });
  });

  it('one ReadWriteOnce claim per pod, mounted into the main container, without the version label', () => {
    expect(spec.volumeClaimTemplates).toEqual([{
      metadata: {
        name: 'data',
        labels: {
          'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/component': 'server',
          'app.kubernetes.io/part-of': 'redis', 'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(main.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/data', name: 'data' }]);
    expect(spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('the headless Service has clusterIP None, the same ports and selector, and publishes only ready pods', () => {
    const headless = one(manifests, 'Service', 'redis-headless');
    expect(headless.spec).toEqual({
      type: 'ClusterIP', clusterIP: 'None',
      selector: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' },
      ports: [{ name: 'http', port: 6379, targetPort: 6379, protocol: 'TCP' }],
    });
    expect(one(manifests, 'Service', 'redis').spec.ports).toEqual(headless.spec.ports);
    expect(one(manifests, 'Service', 'redis').spec.clusterIP).toBeUndefined();
  });

  it('a PDB that selects exactly its pods and allows one eviction; spread over nodes and zones', () => {
    expect(one(manifests, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(spec.template.spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.matchLabelKeys])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway', undefined], ['topology.kubernetes.io/zone', 'ScheduleAnyway', undefined],
    ]);
    expect(spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  it('probes, graceful shutdown and restricted security come from the pod core', () => {
    expect(main.readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(main.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(main.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.template.spec.restartPolicy).toBe('Always');
    expect(main.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });
});

describe('SafeStatefulSet: claim templates', () => {
  it('several templates with storage class and access mode; sizes in MiB or GiB', () => {
    const { spec, main } = store({
      volumeClaimTemplates: [
        DATA,
        { name: 'wal', mountPath: '/wal', storage: Size.mebibytes(512), storageClassName: 'fast-ssd', accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD },
      ],
    });
    expect(spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec])).toEqual([
      ['data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } }],
      ['wal', { accessModes: ['ReadWriteOncePod'], storageClassName: 'fast-ssd', resources: { requests: { storage: '512Mi' } } }],
    ]);
    expect(main.volumeMounts.map((m: any) => [m.name, m.mountPath])).toEqual([['tmp', '/tmp'], ['data', '/data'], ['wal', '/wal']]);
  });

  it('no templates: no volumeClaimTemplates field', () => {
    expect(store({ volumeClaimTemplates: undefined }).spec.volumeClaimTemplates).toBeUndefined();
  });

  it('bad templates are errors', () => {
    expect(error({ volumeClaimTemplates: [{ ...DATA, storage: Size.kibibytes(1536) }] })).toBe(
      `${prefix} volumeClaimTemplates[0].storage "1536Ki"; expected a whole number of MiB, at least 1, e.g. Size.gibibytes(10).`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, storage: '10Gi' as any }] })).toBe(
      `${prefix} volumeClaimTemplates[0].storage "10Gi"; expected a Size such as Size.gibibytes(10).`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, name: 'Data' }] })).toBe(
      `${prefix} volumeClaimTemplates[0].name "Data"; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit.`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, name: 'tmp' }] })).toBe(
      `${prefix} volumeClaimTemplates[0].name "tmp"; expected a volume name no other volume of the pod uses (tmp).`);
    expect(error({ volumeClaimTemplates: [DATA, { ...DATA, mountPath: '/other' }] })).toBe(
      `${prefix} volumeClaimTemplates[1].name "data"; expected a volume name no other volume of the pod uses (data, tmp).`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, mountPath: '/tmp' }] })).toBe(
      `${prefix} volumeClaimTemplates[0].mountPath "/tmp"; expected a path not already mounted in the container (volume "tmp" is mounted there).`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, mountPath: 'data' }] })).toBe(
      `${prefix} volumeClaimTemplates[0].mountPath "data"; expected an absolute path other than "/".`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, accessMode: 'ReadWriteAll' as any }] })).toBe(
      `${prefix} volumeClaimTemplates[0].accessMode "ReadWriteAll"; expected PersistentVolumeAccessMode.READ_WRITE_ONCE, READ_ONLY_MANY, READ_WRITE_MANY or READ_WRITE_ONCE_POD ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod").`);
    expect(error({ volumeClaimTemplates: [{ ...DATA, storageClassName: 'Fast SSD' }] })).toBe(
      `${prefix} volumeClaimTemplates[0].storageClassName "Fast SSD"; expected a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, '-' and '.'.`);
  });

  it('a shared ReadWriteOnce claim with several replicas is refused, pointing to volumeClaimTemplates', () => {
    const chart = newChart();
    const claim = new kplus.PersistentVolumeClaim(chart, 'shared', { storage: Size.gibibytes(1) });
    expect(errorOf(() => new SafeStatefulSet(chart, 'redis', { image: IMAGE, port: 6379, claims: [{ claim, mountPath: '/shared' }] })))
      .toMatch(/^SafeStatefulSet at 'test\/redis': invalid claims\[0\] "test-shared-[0-9a-f]+"; expected no ReadWriteOnce claim shared by several replicas: it attaches to one node only\. Use volumeClaimTemplates \(one claim per pod\), or replicas: 1 \(rule rwo-volume\)\.$/);
    const single = new SafeStatefulSet(chart, 'single', {
      image: IMAGE, port: 6379, replicas: 1, claims: [{ claim, mountPath: '/shared' }],
    });
    expect(single.pdb).toBeUndefined();
  });

  it('SafeDeployment\'s shared-claim error names SafeStatefulSet', () => {
    const chart = newChart();
    const claim = new kplus.PersistentVolumeClaim(chart, 'shared', { storage: Size.gibibytes(1) });
    expect(errorOf(() => new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, claims: [{ claim, mountPath: '/data' }] })))
      .toContain('Use a SafeStatefulSet with volumeClaimTemplates (one claim per pod)');
  });
});

describe('SafeStatefulSet: options', () => {
  it('Parallel pod management, a partition, the retention policy, ordinals, minReadySeconds and history', () => {
    const { spec } = store({
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      replicas: 3,
      partition: 2,
      persistentVolumeClaimRetentionPolicy: { whenScaled: PersistentVolumeClaimRetention.DELETE },
      ordinalsStart: 1,
      minReadySeconds: 0,
      revisionHistoryLimit: 3,
    });
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    expect(spec.ordinals).toEqual({ start: 1 });
    expect(spec.minReadySeconds).toBeUndefined();
    expect(spec.revisionHistoryLimit).toBe(3);
    expect(store({ persistentVolumeClaimRetentionPolicy: {} }).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('a ServiceMonitor scrapes through the client Service only, not also through the headless one', () => {
    const { manifests } = store({ metrics: { method: ScrapeMethod.SERVICE_MONITOR } });
    expect(one(manifests, 'Service', 'redis-headless').metadata.labels['guardrails.cdk8s.io/headless']).toBe('true');
    expect(one(manifests, 'Service', 'redis').metadata.labels['guardrails.cdk8s.io/headless']).toBeUndefined();
    expect(one(manifests, 'ServiceMonitor').spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' },
      matchExpressions: [{ key: 'guardrails.cdk8s.io/headless', operator: 'DoesNotExist' }],
    });
    // without a client Service the headless one is the only one to scrape
    const headlessOnly = store({ metrics: { method: ScrapeMethod.SERVICE_MONITOR }, clientService: false }).manifests;
    expect(one(headlessOnly, 'ServiceMonitor').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' } });
  });

  it('allowPeerPods opens every declared port between the pods, on both sides of the NetworkPolicy', () => {
    const peers = { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/name': 'redis' } } };
    const ports = [{ port: 6379, protocol: 'TCP' }, { port: 15001, protocol: 'TCP' }, { port: 16379, protocol: 'TCP' }];
    const { manifests } = store({
      port: undefined,
      ports: [{ name: 'redis', containerPort: 6379 }, { name: 'gossip', containerPort: 16379, exposed: false }],
      sidecars: [{ name: 'proxy', image: IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }] }],
      allowPeerPods: true,
    });
    const policy = one(manifests, 'NetworkPolicy').spec;
    expect(policy.ingress).toContainEqual({ from: [peers], ports });
    expect(policy.egress).toContainEqual({ to: [peers], ports });
    const closed = one(store().manifests, 'NetworkPolicy').spec;
    expect(closed.ingress ?? []).not.toContainEqual(expect.objectContaining({ from: [peers] }));
    expect(closed.egress).not.toContainEqual(expect.objectContaining({ to: [peers] }));
    expect(error({ port: undefined, livenessCommand: ['/bin/check'], allowPeerPods: true })).toBe(
      `${prefix} allowPeerPods true; expected a declared port to open between the pods: set port or ports.`);
  });

  it('publishNotReadyAddresses on the headless Service only', () => {
    const { manifests } = store({ publishNotReadyAddresses: true });
    expect(one(manifests, 'Service', 'redis-headless').spec.publishNotReadyAddresses).toBe(true);
    expect(one(manifests, 'Service', 'redis').spec.publishNotReadyAddresses).toBeUndefined();
  });

  it('clientService: false leaves only the headless Service; a worker has no client Service', () => {
    const { manifests, construct } = store({ clientService: false });
    expect(all(manifests, 'Service').map((s) => s.metadata.name)).toEqual(['redis-headless']);
    expect(construct.service).toBeUndefined();
    const worker = store({ port: undefined, livenessCommand: ['/bin/check'] });
    expect(all(worker.manifests, 'Service').map((s) => s.metadata.name)).toEqual(['redis-headless']);
    expect(one(worker.manifests, 'Service').spec.ports).toBeUndefined();
    // kube-score counts the portless headless Service as traffic to pods without readiness
    expect(worker.statefulSet.metadata.annotations).toEqual({ 'kube-score/ignore': 'pod-probes' });
    expect(store().statefulSet.metadata.annotations).toEqual({ 'kube-score/ignore': 'pod-probes-identical' });
    expect(error({ port: undefined, livenessCommand: ['/bin/check'], clientService: true })).toBe(
      `${prefix} clientService true; expected no client Service without an exposed port: set port or ports.`);
  });

  it('one replica needs no replicas-min skip (the checker applies the rule to stateless kinds only), and a skip of it is refused; then no PDB', () => {
    const { manifests, statefulSet } = store({ replicas: 1 });
    expect(statefulSet.spec.replicas).toBe(1);
    expect(all(manifests, 'PodDisruptionBudget')).toHaveLength(0);
    expect(statefulSet.metadata.annotations?.['guardrails.cdk8s.io/skip.replicas-min']).toBeUndefined();
    expect(error({ replicas: 1, skip: { 'replicas-min': 'a cache' } })).toBe(
      `${prefix} skip.replicas-min "replicas-min"; expected no skip of a rule that does not apply: rule replicas-min is for stateless workloads; a SafeStatefulSet may run one replica without a skip; remove skip['replicas-min'].`);
  });

  it('autoscaling: an HPA that targets the StatefulSet, no static replicas', () => {
    const { manifests, spec } = store({ autoscaling: { maxReplicas: 5 }, partition: 5 });
    expect(spec.replicas).toBeUndefined();
    expect(one(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'redis' });
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  it('bad options are errors', () => {
    expect(error({ partition: 3 })).toBe(`${prefix} partition 3; expected an integer from 0 to 2.`);
    expect(error({ partition: -1 })).toBe(`${prefix} partition -1; expected an integer from 0 to 2.`);
    expect(error({ podManagementPolicy: 'Random' as any })).toBe(`${prefix} podManagementPolicy "Random"; expected PodManagementPolicy.ORDERED_READY or PARALLEL ("OrderedReady", "Parallel").`);
    expect(error({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' as any } })).toBe(
      `${prefix} persistentVolumeClaimRetentionPolicy.whenDeleted "Keep"; expected PersistentVolumeClaimRetention.RETAIN or DELETE ("Retain", "Delete").`);
    expect(error({ ordinalsStart: -1 })).toBe(`${prefix} ordinalsStart -1; expected an integer from 0 to 2147483647.`);
    expect(error({ minReadySeconds: 1.5 })).toBe(`${prefix} minReadySeconds 1.5; expected an integer from 0 to 3600.`);
    expect(error({ revisionHistoryLimit: -1 })).toBe(`${prefix} revisionHistoryLimit -1; expected an integer from 0 to 1000.`);
    expect(error({ name: 'a'.repeat(55) })).toBe(
      `${prefix} name "${'a'.repeat(55)}"; expected at most 54 characters: the headless Service "${'a'.repeat(55)}-headless" must be a DNS-1035 label of at most 63.`);
  });

  it('children are public; the StatefulSet is plain JSON for JSON patches', () => {
    const { construct } = store();
    expect(construct.statefulSet.kind).toBe('StatefulSet');
    expect(construct.headlessService.kind).toBe('Service');
    expect(construct.pdb?.kind).toBe('PodDisruptionBudget');
    expect(construct.networkPolicy.kind).toBe('NetworkPolicy');
  });
});

describe('SafeStatefulSet: passes the checker', () => {
  it('a replicated store, a single cache without a skip and a worker break no rule', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'state', { namespace: 'state' });
    new SafeStatefulSet(chart, 'redis', { image: IMAGE, port: 6379, volumeClaimTemplates: [DATA], allowPeerPods: true });
    new SafeStatefulSet(chart, 'cache', { image: IMAGE, port: 6379, replicas: 1 });
    new SafeStatefulSet(chart, 'indexer', { image: IMAGE, livenessCommand: ['/bin/check'], autoscaling: { maxReplicas: 3 }, volumeClaimTemplates: [DATA] });
    Guardrails.enforce(app);
    Testing.synth(chart); // enforcement throws on any violation
    const report = Guardrails.report(app);
    expect(report.violations).toEqual([]);
    expect(report.suppressions).toEqual([]);
  });
});
