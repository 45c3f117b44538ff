import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Cpu } from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  IsolatedNamespace, IsolatedNamespaceProps, QuotaPreset, ResourcePreset, SafeDeployment, SafeDeploymentProps,
} from '../../lib';
import { all, one } from '../helpers';
import { apiServerProblems } from './api-server';

const IMAGE = 'ghcr.io/acme/web:1.0.0';
const PREFIX = 'IsolatedNamespace at \'payments\': invalid ';

function build(props: Partial<IsolatedNamespaceProps> = {}) {
  const app = Testing.app();
  return { app, ns: new IsolatedNamespace(app, 'payments', { team: 'payments', ...props }) };
}

function web(ns: Chart, props: Partial<SafeDeploymentProps> = {}, id = 'web') {
  return new SafeDeployment(ns, id, { image: IMAGE, port: 8080, ...props });
}

function error(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** The validation errors of a synthesis, without cdk8s's header and path prefix. */
function synthErrors(ns: IsolatedNamespace): string[] {
  const msg = error(() => Testing.synth(ns));
  expect(msg).toMatch(/^Validation failed with the following errors:\n/);
  return msg.split('\n').slice(1).map((l) => l.replace(/^\s+\[[^\]]*\] /, ''));
}

const SMALL_HARD = {
  'requests.cpu': '4',
  'limits.cpu': '20',
  'requests.memory': '8Gi',
  'limits.memory': '16Gi',
  'requests.ephemeral-storage': '16Gi',
  'limits.ephemeral-storage': '40Gi',
  'pods': 20,
  'services': 10,
  'services.loadbalancers': 0,
  'services.nodeports': 0,
  'persistentvolumeclaims': 10,
  'requests.storage': '100Gi',
};

describe('ns-quota: the ResourceQuota', () => {
  it('bounds every resource with the SMALL preset by default', () => {
    const { ns } = build();
    const quota = one(Testing.synth(ns), 'ResourceQuota');
    expect(quota.metadata.name).toBe('quota');
    expect(quota.spec).toEqual({ hard: SMALL_HARD });
  });

  it.each([
    [QuotaPreset.MEDIUM, { 'requests.cpu': '16', 'limits.cpu': '80', 'requests.memory': '32Gi', 'limits.memory': '64Gi', 'requests.ephemeral-storage': '64Gi', 'limits.ephemeral-storage': '160Gi', 'pods': 80, 'services': 40, 'persistentvolumeclaims': 40, 'requests.storage': '500Gi' }],
    [QuotaPreset.LARGE, { 'requests.cpu': '64', 'limits.cpu': '320', 'requests.memory': '128Gi', 'limits.memory': '256Gi', 'requests.ephemeral-storage': '256Gi', 'limits.ephemeral-storage': '640Gi', 'pods': 320, 'services': 160, 'persistentvolumeclaims': 160, 'requests.storage': '2Ti' }],
  ])('uses the preset %s', (preset, hard) => {
    const quota = one(Testing.synth(build({ quotaPreset: preset }).ns), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({ ...hard, 'services.loadbalancers': 0, 'services.nodeports': 0 });
  });

  it('names its presets', () => {
    expect([QuotaPreset.SMALL, QuotaPreset.MEDIUM, QuotaPreset.LARGE].map((p) => p.name)).toEqual(['SMALL', 'MEDIUM', 'LARGE']);
  });

  it('explicit values override single fields of the preset', () => {
    const quota = one(Testing.synth(build({
      quotaPreset: QuotaPreset.MEDIUM,
      quota: {
        cpuRequests: Cpu.millis(2500), memoryLimits: Size.mebibytes(40960), loadBalancers: 1, nodePorts: 2,
        storageRequests: Size.tebibytes(1), pods: 30, ephemeralStorageRequests: Size.mebibytes(1536),
      },
    }).ns), 'ResourceQuota');
    expect(quota.spec.hard).toMatchObject({
      'requests.cpu': '2500m', 'limits.cpu': '80', 'limits.memory': '40Gi', 'services.loadbalancers': 1, 'services.nodeports': 2,
      'requests.storage': '1Ti', 'pods': 30, 'services': 40, 'requests.ephemeral-storage': '1536Mi',
    });
  });

  it.each([
    [{ pods: -1 }, 'quota.pods -1; expected an integer from 0 to 1000000.'],
    [{ services: 1.5 }, 'quota.services 1.5; expected an integer from 0 to 1000000.'],
    [{ cpuLimits: Cpu.units(2) }, 'quota.cpuLimits "2"; expected at least quotaPreset (SMALL: requests.cpu) (4): limits include the requests.'],
    [{ memoryRequests: Size.gibibytes(32) }, 'quotaPreset (SMALL: limits.memory) "16Gi"; expected at least quota.memoryRequests (32Gi): limits include the requests.'],
  ])('rejects quota %j', (quota, expected) => {
    expect(error(() => build({ quota }))).toBe(PREFIX + expected);
  });

  it('skipping the rule removes the quota and records the reason', () => {
    const { ns } = build({ skip: { 'ns-quota': 'a cluster-wide quota controller manages it' } });
    const manifests = Testing.synth(ns);
    expect(all(manifests, 'ResourceQuota')).toEqual([]);
    expect(ns.quota).toBeUndefined();
    expect(one(manifests, 'Namespace').metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.ns-quota': 'a cluster-wide quota controller manages it' });
  });

  it('refuses quota settings when the rule is skipped', () => {
    expect(error(() => build({ skip: { 'ns-quota': 'x' }, quotaPreset: QuotaPreset.LARGE }))).toBe(
      `${PREFIX}quotaPreset "LARGE"; expected no quota settings when the rule ns-quota is skipped (no ResourceQuota is emitted).`);
  });
});

describe('ns-limits: the LimitRange', () => {
  it('gives containers ResourcePreset.SMALL and a 1 CPU limit, within min and max', () => {
    const { ns } = build();
    const lr = one(Testing.synth(ns), 'LimitRange');
    expect(lr.metadata.name).toBe('limits');
    expect(lr.spec).toEqual({
      limits: [{
        type: 'Container',
        default: { 'cpu': '1', 'memory': '128Mi', 'ephemeral-storage': '1Gi' },
        defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
        min: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' },
        max: { 'cpu': '4', 'memory': '8Gi', 'ephemeral-storage': '16Gi' },
      }],
    });
  });

  it('takes its defaults from another ResourcePreset', () => {
    const item = one(Testing.synth(build({ defaultResourcePreset: ResourcePreset.MEDIUM }).ns), 'LimitRange').spec.limits[0];
    expect(item.defaultRequest).toEqual({ 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '512Mi' });
    expect(item.default).toEqual({ 'cpu': '1', 'memory': '512Mi', 'ephemeral-storage': '2Gi' });
  });

  it('explicit values override single fields', () => {
    const item = one(Testing.synth(build({
      containerLimits: { defaultCpuLimit: Cpu.millis(1500), maxMemory: Size.gibibytes(2), minCpu: Cpu.millis(50), defaultMemoryRequest: Size.mebibytes(64) },
    }).ns), 'LimitRange').spec.limits[0];
    expect(item.default.cpu).toBe('1500m');
    expect(item.max.memory).toBe('2Gi');
    expect(item.min.cpu).toBe('50m');
    expect(item.defaultRequest.memory).toBe('64Mi');
  });

  it.each([
    [{ defaultMemoryLimit: Size.gibibytes(16) },
      'containerLimits.defaultMemoryLimit "16Gi"; expected at most containerLimits.maxMemory (8Gi): the LimitRange default memory limit must not exceed its max.'],
    [{ maxMemory: Size.mebibytes(64) },
      'containerLimits.maxMemory "64Mi"; expected at least defaultResourcePreset (SMALL: default memory) (128Mi): the LimitRange default memory limit must not exceed its max.'],
    [{ defaultCpuRequest: Cpu.units(2) },
      'containerLimits.defaultCpuRequest "2"; expected at most containerLimits.defaultCpuLimit (1): the LimitRange defaultRequest cpu must not exceed its default limit.'],
    [{ defaultCpuLimit: Cpu.millis(50) },
      'containerLimits.defaultCpuLimit "50m"; expected at least defaultResourcePreset (SMALL: defaultRequest cpu) (100m): the LimitRange defaultRequest cpu must not exceed its default limit.'],
    [{ minCpu: Cpu.units(8) },
      'containerLimits.minCpu "8"; expected at most containerLimits.maxCpu (4): the LimitRange cpu min must not exceed its max.'],
    [{ minEphemeralStorage: Size.mebibytes(512) },
      'containerLimits.minEphemeralStorage "512Mi"; expected at most defaultResourcePreset (SMALL: defaultRequest ephemeral-storage) (256Mi): the LimitRange ephemeral-storage min must not exceed its defaultRequest.'],
    [{ maxCpu: Cpu.millis(0) },
      'containerLimits.maxCpu "0m"; expected a positive CPU amount such as Cpu.millis(100).'],
  ])('rejects containerLimits %j', (containerLimits, expected) => {
    expect(error(() => build({ containerLimits }))).toBe(PREFIX + expected);
  });

  it('blames the preset value when the preset exceeds the built-in max', () => {
    expect(error(() => build({ defaultResourcePreset: ResourcePreset.LARGE, containerLimits: { maxEphemeralStorage: Size.gibibytes(2) } }))).toBe(
      `${PREFIX}containerLimits.maxEphemeralStorage "2Gi"; expected at least defaultResourcePreset (LARGE: default ephemeral-storage) (4Gi): the LimitRange default ephemeral-storage limit must not exceed its max.`);
  });

  it('skipping the rule removes the LimitRange; its settings are then refused', () => {
    const { ns } = build({ skip: { 'ns-limits': 'every workload sets its resources' } });
    expect(all(Testing.synth(ns), 'LimitRange')).toEqual([]);
    expect(ns.limitRange).toBeUndefined();
    expect(error(() => build({ skip: { 'ns-limits': 'x' }, defaultResourcePreset: ResourcePreset.NANO }))).toBe(
      `${PREFIX}defaultResourcePreset "nano"; expected no LimitRange settings when the rule ns-limits is skipped (no LimitRange is emitted).`);
  });

  it('the LimitRange and quota pass the strictness of an API server for every preset', () => {
    for (const preset of [ResourcePreset.NANO, ResourcePreset.SMALL, ResourcePreset.MEDIUM, ResourcePreset.LARGE]) {
      expect(apiServerProblems(Testing.synth(build({ defaultResourcePreset: preset }).ns))).toEqual([]);
    }
  });
});

describe('the quota and the LimitRange admit the workloads of the namespace', () => {
  it.each([ResourcePreset.NANO, ResourcePreset.SMALL, ResourcePreset.MEDIUM, ResourcePreset.LARGE])(
    'a default SafeDeployment with ResourcePreset %s fits the default quota and LimitRange', (preset) => {
      const { ns } = build();
      web(ns, { resourcePreset: preset });
      expect(() => Testing.synth(ns)).not.toThrow();
    });

  it('the default quota holds several default SafeDeployments', () => {
    const { ns } = build();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) web(ns, {}, id);
    expect(() => Testing.synth(ns)).not.toThrow();
  });

  it('counts requests x (replicas + maxSurge) and names every contribution', () => {
    const { ns } = build({ quota: { cpuRequests: Cpu.millis(500) } });
    web(ns);
    web(ns, { replicas: 3, maxSurge: 2, resources: { cpuRequest: Cpu.millis(50) } }, 'api');
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.cpuRequests "500m"; expected at least 550m of requests.cpu: the workloads of the namespace need that much (Deployment web: 3 pods (replicas 2 + maxSurge 1) x 100m; Deployment api: 5 pods (replicas 3 + maxSurge 2) x 50m). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuRequests or choose a larger QuotaPreset.`,
    ]);
  });

  it('counts the HPA maxReplicas', () => {
    const { ns } = build({ quota: { pods: 10 } });
    web(ns, { autoscaling: { maxReplicas: 10 } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.pods 10; expected at least 11 of pods: the workloads of the namespace need that much (Deployment web: 11 pods (HPA maxReplicas 10 + maxSurge 1)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.pods or choose a larger QuotaPreset.`,
    ]);
  });

  it('counts the LimitRange default CPU limit for containers without one, and reports every exceeded key', () => {
    const { ns } = build({ quota: { cpuLimits: Cpu.units(4), services: 0 } });
    web(ns, { replicas: 4 });
    const errors = synthErrors(ns);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`${PREFIX}quota.cpuLimits "4"; expected at least 5 of limits.cpu: the workloads of the namespace need that much (Deployment web: 5 pods (replicas 4 + maxSurge 1) x 1). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuLimits or choose a larger QuotaPreset.`);
    expect(errors[1]).toBe(`${PREFIX}quota.services 0; expected at least 1 of services: the workloads of the namespace need that much (Service web). Raise quota.services or choose a larger QuotaPreset.`);
  });

  it('names the preset when the preset is too small', () => {
    const { ns } = build();
    web(ns, { replicas: 20 });
    expect(synthErrors(ns).find((e) => e.includes('of pods'))).toBe(`${PREFIX}quotaPreset (SMALL: pods) 20; expected at least 21 of pods: the workloads of the namespace need that much (Deployment web: 21 pods (replicas 20 + maxSurge 1)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.pods or choose a larger QuotaPreset.`);
  });

  it('counts load balancers, node ports, claims and storage', () => {
    const { ns } = build({ quota: { persistentVolumeClaims: 2, storageRequests: Size.gibibytes(10) } });
    new kplus.Service(ns, 'Lb', { metadata: { name: 'lb' }, type: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 443 }, { port: 80 }] });
    new kplus.Service(ns, 'Np', { metadata: { name: 'np' }, type: kplus.ServiceType.NODE_PORT, ports: [{ port: 8080 }] });
    new kplus.k8s.KubePersistentVolumeClaim(ns, 'Data', {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('8Gi') } } },
    });
    new kplus.k8s.KubeStatefulSet(ns, 'Db', {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16.2' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('5Gi') } } } }],
      },
    });
    const errors = synthErrors(ns);
    expect(errors).toEqual([
      `${PREFIX}quotaPreset (SMALL: services.loadbalancers) 0; expected at least 1 of services.loadbalancers: the workloads of the namespace need that much (Service lb). Raise quota.loadBalancers or choose a larger QuotaPreset.`,
      `${PREFIX}quotaPreset (SMALL: services.nodeports) 0; expected at least 3 of services.nodeports: the workloads of the namespace need that much (Service lb: 2 node ports; Service np: 1 node ports). Raise quota.nodePorts or choose a larger QuotaPreset.`,
      `${PREFIX}quota.persistentVolumeClaims 2; expected at least 3 of persistentvolumeclaims: the workloads of the namespace need that much (PersistentVolumeClaim data; StatefulSet db: 2 claims). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.persistentVolumeClaims or choose a larger QuotaPreset.`,
      `${PREFIX}quota.storageRequests "10Gi"; expected at least 18Gi of requests.storage: the workloads of the namespace need that much (PersistentVolumeClaim data: 8Gi; StatefulSet db: 2 x 5Gi). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.storageRequests or choose a larger QuotaPreset.`,
    ]);
  });

  it('applies LimitRange defaults to bare containers, counts init containers, Jobs and CronJobs, not DaemonSets', () => {
    const { ns } = build({ quota: { memoryRequests: Size.mebibytes(1024) } });
    const container = { name: 'c', image: 'busybox:1.36' };
    const template = (extra: any = {}) => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [container], ...extra } });
    // 2 pods x max(128Mi default, 512Mi init: the request defaults to the limit) = 1Gi
    new kplus.k8s.KubeDeployment(ns, 'Plain', {
      metadata: { name: 'plain' },
      spec: {
        replicas: 2, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'x' } },
        template: template({ initContainers: [{ name: 'init', image: 'busybox:1.36', resources: { limits: { memory: kplus.k8s.Quantity.fromString('512Mi') } } }] }),
      },
    });
    new kplus.k8s.KubeJob(ns, 'Job', { metadata: { name: 'job' }, spec: { parallelism: 3, template: template({ restartPolicy: 'Never' }) } });
    new kplus.k8s.KubeCronJob(ns, 'Cron', { metadata: { name: 'cron' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } });
    new kplus.k8s.KubeDaemonSet(ns, 'Ds', { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template() } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.memoryRequests "1Gi"; expected at least 1536Mi of requests.memory: the workloads of the namespace need that much (Deployment plain: 2 pods (replicas 2) x 512Mi; Job job: 3 pods x 128Mi; CronJob cron: 1 pods x 128Mi). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.memoryRequests or choose a larger QuotaPreset.`,
    ]);
  });

  it('counts a percentage maxSurge, rounded up', () => {
    const { ns } = build({ quota: { pods: 4 } });
    new kplus.k8s.KubeDeployment(ns, 'Plain', {
      metadata: { name: 'plain' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    expect(synthErrors(ns)[0]).toContain('(Deployment plain: 5 pods (replicas 4 + maxSurge 1))');
  });

  it('counts workloads of other charts in the same namespace', () => {
    const { app, ns } = build({ quota: { pods: 3 } });
    web(new Chart(app, 'elsewhere', { namespace: 'payments' }), {}, 'other');
    web(new Chart(app, 'unrelated', { namespace: 'ledger' }), {}, 'far');
    expect(() => Testing.synth(ns)).not.toThrow();
    web(ns);
    expect(synthErrors(ns)[0]).toContain('expected at least 6 of pods: the workloads of the namespace need that much (Deployment web: 3 pods (replicas 2 + maxSurge 1); Deployment other: 3 pods (replicas 2 + maxSurge 1))');
  });

  it('reports a container limit above the LimitRange max', () => {
    const { ns } = build();
    web(ns, { resources: { cpuLimit: Cpu.units(5) } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}containerLimits.maxCpu "4"; expected at least 5: container app of Deployment web (5) sets limits.cpu 5, above the LimitRange max, which the API server rejects; or lower the container's limit.`,
    ]);
  });

  it('reports a CPU request above the default limit of a container without a limit', () => {
    const { ns } = build({ quotaPreset: QuotaPreset.MEDIUM });
    web(ns, { resources: { cpuRequest: Cpu.units(2) } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}containerLimits.defaultCpuLimit "1"; expected at least 2: container app of Deployment web (2) requests cpu 2 without a limit, so it gets the LimitRange default limit, and a limit below the request is rejected; or give the container a cpu limit.`,
    ]);
  });

  it('reports a request below the LimitRange min', () => {
    const { ns } = build();
    web(ns, { resources: { cpuRequest: Cpu.millis(5) } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}containerLimits.minCpu "10m"; expected at most 5m: container app of Deployment web (5m) sets requests.cpu 5m, below the LimitRange min, which the API server rejects; or raise the container's requests.`,
    ]);
  });

  it('without a LimitRange, reports the containers the quota would reject', () => {
    const { ns } = build({ skip: { 'ns-limits': 'every workload sets its resources' } });
    web(ns);
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}skip.ns-limits "every workload sets its resources"; expected a LimitRange, or containers that set limits.cpu: container app of Deployment web sets none, and with a quota on limits.cpu the API server rejects such pods.`,
    ]);
  });

  it('without a quota, still checks the LimitRange', () => {
    const { ns } = build({ skip: { 'ns-quota': 'managed elsewhere' } });
    web(ns, { replicas: 100, resources: { cpuLimit: Cpu.units(8) } });
    // One error: the LimitRange max; no quota errors for 101 pods.
    expect(synthErrors(ns)).toHaveLength(1);
  });

  it('ignores objects that are not workloads and unknown kinds', () => {
    const { ns } = build({ quota: { pods: 0, services: 0 } });
    new ApiObject(ns, 'Custom', { apiVersion: 'acme.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: 100 } });
    new kplus.k8s.KubeConfigMap(ns, 'Cm', { metadata: { name: 'cm' }, data: { a: 'b' } });
    expect(() => Testing.synth(ns)).not.toThrow();
  });
});
