import { errorOf as error } from '../helpers';
import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Cpu } from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  IsolatedNamespace, IsolatedNamespaceProps, QuotaPreset, ResourcePreset, SafeDaemonSet, SafeDeployment, SafeDeploymentProps, SafeStatefulSet,
} from '../../lib';
import { all, one } from '../helpers';
import { apiServerProblems, limitRangeItemAsStored } from './api-server';

const IMAGE = 'ghcr.io/acme/web:1.0.0';
const PREFIX = 'IsolatedNamespace at \'payments\': invalid ';

function build(props: Partial<IsolatedNamespaceProps> = {}) {
  const app = Testing.app();
  return { app, ns: new IsolatedNamespace(app, 'payments', { team: 'payments', ...props }) };
}

function web(ns: Chart, props: Partial<SafeDeploymentProps> = {}, id = 'web') {
  return new SafeDeployment(ns, id, { image: IMAGE, port: 8080, ...props });
}


/** The validation errors of a synthesis, without cdk8s's header and path prefix. */
function synthErrors(ns: IsolatedNamespace): string[] {
  const msg = error(() => Testing.synth(ns));
  expect(msg).toMatch(/^Validation failed with the following errors:\n/);
  return msg.split('\n').slice(1).map((l) => l.replace(/^\s+\[[^\]]*\] /, ''));
}

/** SMALL: CPU bounded by requests only (no limits.cpu), every value a string. */
const SMALL_HARD = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.memory': '16Gi',
  'requests.ephemeral-storage': '16Gi',
  'limits.ephemeral-storage': '40Gi',
  'pods': '20',
  'services': '10',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  'persistentvolumeclaims': '10',
  'requests.storage': '100Gi',
};

describe('ns-quota: the ResourceQuota', () => {
  it('bounds every resource with the SMALL preset by default, CPU by its requests only', () => {
    const { ns } = build();
    const quota = one(Testing.synth(ns), 'ResourceQuota');
    expect(quota.metadata.name).toBe('quota');
    expect(quota.spec).toEqual({ hard: SMALL_HARD });
    expect(quota.spec.hard).not.toHaveProperty(['limits.cpu']);
  });

  it.each([
    [QuotaPreset.MEDIUM, { 'requests.cpu': '16', 'requests.memory': '32Gi', 'limits.memory': '64Gi', 'requests.ephemeral-storage': '64Gi', 'limits.ephemeral-storage': '160Gi', 'pods': '80', 'services': '40', 'persistentvolumeclaims': '40', 'requests.storage': '500Gi' }],
    [QuotaPreset.LARGE, { 'requests.cpu': '64', 'requests.memory': '128Gi', 'limits.memory': '256Gi', 'requests.ephemeral-storage': '256Gi', 'limits.ephemeral-storage': '640Gi', 'pods': '320', 'services': '160', 'persistentvolumeclaims': '160', 'requests.storage': '2Ti' }],
  ])('uses the preset %s', (preset, hard) => {
    const quota = one(Testing.synth(build({ quotaPreset: preset }).ns), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({ ...hard, 'services.loadbalancers': '0', 'services.nodeports': '0' });
  });

  it('presets bound no CPU limits', () => {
    for (const preset of [QuotaPreset.SMALL, QuotaPreset.MEDIUM, QuotaPreset.LARGE]) {
      expect(preset.values.cpuLimits).toBeUndefined();
      expect(one(Testing.synth(build({ quotaPreset: preset }).ns), 'ResourceQuota').spec.hard).not.toHaveProperty(['limits.cpu']);
    }
  });

  it('emits every spec.hard value as a string, as the API server reads it back', () => {
    for (const props of [{}, { quotaPreset: QuotaPreset.LARGE }, { quota: { pods: 7, services: 0, loadBalancers: 1, nodePorts: 3, persistentVolumeClaims: 0, cpuLimits: Cpu.units(8) } }]) {
      const hard = one(Testing.synth(build(props).ns), 'ResourceQuota').spec.hard;
      for (const [key, value] of Object.entries(hard)) expect(typeof value, key).toBe('string');
    }
    const hard = one(Testing.synth(build({ quota: { pods: 7, services: 0, loadBalancers: 1, nodePorts: 3 } }).ns), 'ResourceQuota').spec.hard;
    expect(hard).toMatchObject({ 'pods': '7', 'services': '0', 'services.loadbalancers': '1', 'services.nodeports': '3' });
  });

  it('bounds limits.cpu only when quota.cpuLimits is given', () => {
    const hard = one(Testing.synth(build({ quota: { cpuLimits: Cpu.units(40) } }).ns), 'ResourceQuota').spec.hard;
    expect(hard['limits.cpu']).toBe('40');
    expect(hard).toEqual({ ...SMALL_HARD, 'limits.cpu': '40' });
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
      'requests.cpu': '2500m', 'limits.memory': '40Gi', 'services.loadbalancers': '1', 'services.nodeports': '2',
      'requests.storage': '1Ti', 'pods': '30', 'services': '40', 'requests.ephemeral-storage': '1536Mi',
    });
    expect(quota.spec.hard).not.toHaveProperty(['limits.cpu']);
  });

  it.each([
    [{ pods: -1 }, 'quota.pods -1; expected an integer from 0 to 1000000.'],
    [{ services: 1.5 }, 'quota.services 1.5; expected an integer from 0 to 1000000.'],
    [{ cpuLimits: Cpu.units(2) }, 'quota.cpuLimits "2"; expected at least quotaPreset (SMALL: requests.cpu) (4): limits include the requests.'],
    [{ cpuRequests: Cpu.units(8), cpuLimits: Cpu.millis(7500) }, 'quota.cpuLimits "7500m"; expected at least quota.cpuRequests (8): limits include the requests.'],
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
  it('gives containers ResourcePreset.SMALL without a CPU limit, within min and max', () => {
    const { ns } = build();
    const lr = one(Testing.synth(ns), 'LimitRange');
    expect(lr.metadata.name).toBe('limits');
    expect(lr.spec).toEqual({
      limits: [{
        type: 'Container',
        default: { 'memory': '128Mi', 'ephemeral-storage': '1Gi' },
        defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
        min: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' },
        max: { 'memory': '8Gi', 'ephemeral-storage': '16Gi' },
      }],
    });
  });

  it('the API server stores the default LimitRange as written, and a SafeDeployment keeps its pods as declared', () => {
    const { ns } = build();
    web(ns);
    const manifests = Testing.synth(ns);
    const item = one(manifests, 'LimitRange').spec.limits[0];
    expect(limitRangeItemAsStored(item)).toEqual(item);
    // Nothing in the LimitRange gives the container a CPU limit it did not declare.
    const container = one(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(container.resources.limits.cpu).toBeUndefined();
    expect(item.default.cpu).toBeUndefined();
    expect(item.max.cpu).toBeUndefined();
  });

  it('takes its defaults from another ResourcePreset', () => {
    const item = one(Testing.synth(build({ defaultResourcePreset: ResourcePreset.MEDIUM }).ns), 'LimitRange').spec.limits[0];
    expect(item.defaultRequest).toEqual({ 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '512Mi' });
    expect(item.default).toEqual({ 'memory': '512Mi', 'ephemeral-storage': '2Gi' });
  });

  it('explicit values override single fields', () => {
    const item = one(Testing.synth(build({
      containerLimits: { defaultCpuLimit: Cpu.millis(1500), maxMemory: Size.gibibytes(2), minCpu: Cpu.millis(50), defaultMemoryRequest: Size.mebibytes(64) },
    }).ns), 'LimitRange').spec.limits[0];
    expect(item.default.cpu).toBe('1500m');
    expect(item.max).toEqual({ 'memory': '2Gi', 'ephemeral-storage': '16Gi' });
    expect(item.min.cpu).toBe('50m');
    expect(item.defaultRequest.memory).toBe('64Mi');
  });

  it('sets a CPU default limit and max only when asked, and the API server stores them as written', () => {
    const { ns } = build({ containerLimits: { defaultCpuLimit: Cpu.units(1), maxCpu: Cpu.units(4) } });
    const item = one(Testing.synth(ns), 'LimitRange').spec.limits[0];
    expect(item.default).toEqual({ 'cpu': '1', 'memory': '128Mi', 'ephemeral-storage': '1Gi' });
    expect(item.max).toEqual({ 'cpu': '4', 'memory': '8Gi', 'ephemeral-storage': '16Gi' });
    expect(limitRangeItemAsStored(item)).toEqual(item);
  });

  it('refuses a CPU max without a default CPU limit', () => {
    expect(error(() => build({ containerLimits: { maxCpu: Cpu.units(4) } }))).toBe(
      `${PREFIX}containerLimits.maxCpu "4"; expected containerLimits.defaultCpuLimit as well, or no maxCpu: with a LimitRange max cpu every container needs a cpu limit `
      + '(the API server rejects a container without one unless a default limit exists), and the API server fills a missing default limit with the max, '
      + 'giving every container without a cpu limit (SafeDeployment sets none by default) a limit of 4.');
  });

  it.each([
    [{ defaultMemoryLimit: Size.gibibytes(16) },
      'containerLimits.defaultMemoryLimit "16Gi"; expected at most containerLimits.maxMemory (8Gi): the LimitRange default memory limit must not exceed its max.'],
    [{ maxMemory: Size.mebibytes(64) },
      'containerLimits.maxMemory "64Mi"; expected at least defaultResourcePreset (SMALL: default memory) (128Mi): the LimitRange default memory limit must not exceed its max.'],
    [{ defaultCpuRequest: Cpu.units(2), defaultCpuLimit: Cpu.units(1) },
      'containerLimits.defaultCpuRequest "2"; expected at most containerLimits.defaultCpuLimit (1): the LimitRange defaultRequest cpu must not exceed its default limit.'],
    [{ defaultCpuLimit: Cpu.millis(50) },
      'containerLimits.defaultCpuLimit "50m"; expected at least defaultResourcePreset (SMALL: defaultRequest cpu) (100m): the LimitRange defaultRequest cpu must not exceed its default limit.'],
    [{ defaultCpuLimit: Cpu.units(8), maxCpu: Cpu.units(4) },
      'containerLimits.defaultCpuLimit "8"; expected at most containerLimits.maxCpu (4): the LimitRange default cpu limit must not exceed its max.'],
    [{ minCpu: Cpu.units(8), defaultCpuLimit: Cpu.units(2), maxCpu: Cpu.units(4) },
      'containerLimits.minCpu "8"; expected at most containerLimits.maxCpu (4): the LimitRange cpu min must not exceed its max.'],
    [{ minCpu: Cpu.units(8) },
      'containerLimits.minCpu "8"; expected at most defaultResourcePreset (SMALL: defaultRequest cpu) (100m): the LimitRange cpu min must not exceed its defaultRequest.'],
    [{ maxCpu: Cpu.units(2), defaultCpuLimit: Cpu.units(1), defaultCpuRequest: Cpu.units(3) },
      'containerLimits.defaultCpuRequest "3"; expected at most containerLimits.defaultCpuLimit (1): the LimitRange defaultRequest cpu must not exceed its default limit.'],
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

  it('the LimitRange and quota pass the strictness of an API server for every preset, and read back as written', () => {
    for (const preset of [ResourcePreset.NANO, ResourcePreset.SMALL, ResourcePreset.MEDIUM, ResourcePreset.LARGE]) {
      expect(apiServerProblems(Testing.synth(build({ defaultResourcePreset: preset }).ns))).toEqual([]);
    }
    for (const quotaPreset of [QuotaPreset.SMALL, QuotaPreset.MEDIUM, QuotaPreset.LARGE]) {
      expect(apiServerProblems(Testing.synth(build({ quotaPreset }).ns))).toEqual([]);
    }
    expect(apiServerProblems(Testing.synth(build({
      quota: { cpuLimits: Cpu.units(40) }, containerLimits: { defaultCpuLimit: Cpu.millis(500), maxCpu: Cpu.units(2) },
    }).ns))).toEqual([]);
  });

  it('the API-server model catches what a GitOps diff would never settle', () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'payments' }, spec: { hard: { 'pods': 20, 'requests.cpu': '4' } } };
    const limits = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'payments' }, spec: { limits: [{ type: 'Container', max: { cpu: '4' } }] } };
    expect(apiServerProblems([quota, limits])).toEqual([
      'ResourceQuota/q: quota pods is the number 20: the API server stores a quantity and reads it back as the string "20"',
      'LimitRange/l: cpu: default is not set, and the API server stores 4 there (it reads back differently)',
      'LimitRange/l: cpu: defaultRequest is not set, and the API server stores 4 there (it reads back differently)',
    ]);
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
      `${PREFIX}quota.cpuRequests "500m"; expected at least 550m of requests.cpu: the workloads of the namespace need that much (Deployment web: 3 pods (replicas 2 + maxSurge 1) x 100m; Deployment api: 5 pods (replicas 3 + maxSurge 2) x 50m). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuRequests to at least 550m.`,
    ]);
  });

  it('counts the HPA maxReplicas', () => {
    const { ns } = build({ quota: { pods: 10 } });
    web(ns, { autoscaling: { maxReplicas: 10 } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.pods 10; expected at least 11 of pods: the workloads of the namespace need that much (Deployment web: 11 pods (HPA maxReplicas 10 + maxSurge 1)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.pods to at least 11.`,
    ]);
  });

  it('a default SafeDeployment declares no CPU limit and gets none: the default quota needs none', () => {
    const { ns } = build();
    web(ns, { replicas: 4 });
    const manifests = Testing.synth(ns);
    expect(one(manifests, 'Deployment').spec.template.spec.containers[0].resources.limits.cpu).toBeUndefined();
    expect(one(manifests, 'ResourceQuota').spec.hard).not.toHaveProperty(['limits.cpu']);
  });

  it('with quota.cpuLimits, counts the LimitRange default CPU limit for containers without one, and reports every exceeded key', () => {
    const { ns } = build({ quota: { cpuLimits: Cpu.units(4), services: 0 }, containerLimits: { defaultCpuLimit: Cpu.units(1) } });
    web(ns, { replicas: 4 });
    const errors = synthErrors(ns);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`${PREFIX}quota.cpuLimits "4"; expected at least 5 of limits.cpu: the workloads of the namespace need that much (Deployment web: 5 pods (replicas 4 + maxSurge 1) x 1). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuLimits to at least 5.`);
    expect(errors[1]).toBe(`${PREFIX}quota.services 0; expected at least 1 of services: the workloads of the namespace need that much (Service web). Raise quota.services to at least 1.`);
  });

  it('names the preset when the preset is too small', () => {
    const { ns } = build();
    web(ns, { replicas: 20 });
    expect(synthErrors(ns).find((e) => e.includes('of pods'))).toBe(`${PREFIX}quotaPreset (SMALL: pods) 20; expected at least 21 of pods: the workloads of the namespace need that much (Deployment web: 21 pods (replicas 20 + maxSurge 1)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.pods to at least 21, or choose QuotaPreset.MEDIUM (80).`);
  });

  it('when no preset is large enough, says so instead of naming one', () => {
    const { ns } = build();
    web(ns, { replicas: 400 });
    expect(synthErrors(ns).find((e) => e.includes('of pods'))).toBe(`${PREFIX}quotaPreset (SMALL: pods) 20; expected at least 401 of pods: the workloads of the namespace need that much (Deployment web: 401 pods (replicas 400 + maxSurge 1)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.pods to at least 401: no QuotaPreset allows that much.`);
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
      // No preset allows load balancers or node ports: the fix is a reason, not a larger preset.
      `${PREFIX}quota.loadBalancers (left out: what the Services exposed with a reason need) 0; expected at least 1 of services.loadbalancers: the Services of the namespace take that many (Service lb). `
      + 'No QuotaPreset allows load balancers or node ports, and LoadBalancer Service lb gives no reason to be reachable from outside the cluster (rule network-exposure). '
      + 'Expose the workload with ExternalService and a reason, or annotate the Service with guardrails.cdk8s.io/skip.network-exposure and the reason; or set quota.loadBalancers to 1.',
      `${PREFIX}quota.nodePorts (left out: what the Services exposed with a reason need) 0; expected at least 3 of services.nodeports: the Services of the namespace take that many (Service lb: 2 node ports; Service np: 1 node ports). `
      + 'No QuotaPreset allows load balancers or node ports, and LoadBalancer Service lb, NodePort Service np give no reason to be reachable from outside the cluster (rule network-exposure). '
      + 'Expose the workload with ExternalService and a reason, or annotate the Service with guardrails.cdk8s.io/skip.network-exposure and the reason; or set quota.nodePorts to 3.',
      `${PREFIX}quota.persistentVolumeClaims 2; expected at least 3 of persistentvolumeclaims: the workloads of the namespace need that much (PersistentVolumeClaim data; StatefulSet db: 2 claims (pgdata, one per pod)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.persistentVolumeClaims to at least 3.`,
      `${PREFIX}quota.storageRequests "10Gi"; expected at least 18Gi of requests.storage: the workloads of the namespace need that much (PersistentVolumeClaim data: 8Gi; StatefulSet db: 2 x 5Gi (pgdata)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.storageRequests to at least 18Gi.`,
    ]);
  });

  it('names each claim template of a workload once, with its own size', () => {
    const { ns } = build({ quota: { persistentVolumeClaims: 2, storageRequests: Size.gibibytes(10) } });
    new SafeStatefulSet(ns, 'db', {
      image: 'ghcr.io/acme/db:16.2.0', port: 5432, replicas: 2,
      volumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(5) }, { name: 'wal', mountPath: '/wal', storage: Size.gibibytes(2) }],
    });
    const errors = synthErrors(ns).filter((e) => e.includes('claims') || e.includes('storage'));
    expect(errors).toEqual([
      `${PREFIX}quota.persistentVolumeClaims 2; expected at least 4 of persistentvolumeclaims: the workloads of the namespace need that much (StatefulSet db: 4 claims (data, wal, one of each per pod)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.persistentVolumeClaims to at least 4.`,
      `${PREFIX}quota.storageRequests "10Gi"; expected at least 14Gi of requests.storage: the workloads of the namespace need that much (StatefulSet db: 2 x 5Gi (data) + 2 x 2Gi (wal)). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.storageRequests to at least 14Gi.`,
    ]);
  });

  it('applies LimitRange defaults to bare containers, counts init containers, Jobs, CronJobs and DaemonSets (one pod per expected node)', () => {
    const { ns } = build({ quota: { memoryRequests: Size.mebibytes(1024), expectedNodes: 2 } });
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
      `${PREFIX}quota.memoryRequests "1Gi"; expected at least 1792Mi of requests.memory: the workloads of the namespace need that much (Deployment plain: 2 pods (replicas 2) x 512Mi; Job job: 3 pods x 128Mi; CronJob cron: 1 pods x 128Mi; DaemonSet ds: 2 pods (one per node, quota.expectedNodes 2) x 128Mi). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.memoryRequests to at least 1792Mi.`,
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

  it('with quota.cpuLimits, reports the containers without a CPU limit when the LimitRange gives none', () => {
    const { ns } = build({ quota: { cpuLimits: Cpu.units(8) } });
    web(ns);
    web(ns, { resources: { cpuLimit: Cpu.units(1) } }, 'api');
    new kplus.k8s.KubeJob(ns, 'Job', {
      metadata: { name: 'job' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.cpuLimits "8"; expected limits.cpu on every container of the namespace: with a quota on limits.cpu the API server rejects pods with a container that sets none, `
      + 'and container app of Deployment web, container c of Job job sets none. Set limits.cpu on those containers (SafeDeployment: resources.cpuLimit), '
      + 'set containerLimits.defaultCpuLimit so that the LimitRange gives one to containers that set none, or leave quota.cpuLimits out '
      + "(the library's policy: no CPU limits; quota.cpuRequests bounds CPU).",
    ]);
  });

  it('with quota.cpuLimits, admits containers that all set a CPU limit, and counts them', () => {
    const { ns } = build({ quota: { cpuRequests: Cpu.units(1), cpuLimits: Cpu.units(2) } });
    web(ns, { resources: { cpuLimit: Cpu.units(1) } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.cpuLimits "2"; expected at least 3 of limits.cpu: the workloads of the namespace need that much (Deployment web: 3 pods (replicas 2 + maxSurge 1) x 1). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuLimits to at least 3.`,
    ]);
    const fits = build({ quota: { cpuRequests: Cpu.units(1), cpuLimits: Cpu.units(2) } }).ns;
    web(fits, { resources: { cpuLimit: Cpu.millis(500) }, replicas: 3, maxSurge: 1 });
    expect(() => Testing.synth(fits)).not.toThrow();
  });

  it('has no CPU max by default: a large CPU limit is admitted', () => {
    const { ns } = build();
    web(ns, { resources: { cpuLimit: Cpu.units(16) } });
    expect(() => Testing.synth(ns)).not.toThrow();
  });

  it('reports a container limit above the LimitRange max', () => {
    const { ns } = build({ containerLimits: { defaultCpuLimit: Cpu.units(1), maxCpu: Cpu.units(4) } });
    web(ns, { resources: { cpuLimit: Cpu.units(5) } });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}containerLimits.maxCpu "4"; expected at least 5: container app of Deployment web (5) sets limits.cpu 5, above the LimitRange max, which the API server rejects; or lower the container's limit.`,
    ]);
  });

  it('admits a large CPU request without a limit: no default CPU limit to fall below', () => {
    const { ns } = build({ quotaPreset: QuotaPreset.MEDIUM });
    web(ns, { resources: { cpuRequest: Cpu.units(2) } });
    expect(() => Testing.synth(ns)).not.toThrow();
  });

  it('reports a CPU request above the default limit of a container without a limit', () => {
    const { ns } = build({ quotaPreset: QuotaPreset.MEDIUM, containerLimits: { defaultCpuLimit: Cpu.units(1) } });
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

  it('without a LimitRange, admits a default SafeDeployment (it sets every value the quota needs)', () => {
    const { ns } = build({ skip: { 'ns-limits': 'every workload sets its resources' } });
    web(ns);
    expect(() => Testing.synth(ns)).not.toThrow();
  });

  it('without a LimitRange, reports the containers the quota would reject (cpu and memory only, as quota admission does)', () => {
    const { ns } = build({ skip: { 'ns-limits': 'every workload sets its resources' } });
    new kplus.k8s.KubeDeployment(ns, 'Plain', {
      metadata: { name: 'plain' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}skip.ns-limits "every workload sets its resources"; expected a LimitRange, or containers that set requests.cpu: container c of Deployment plain sets none, and with a quota on requests.cpu the API server rejects such pods.`,
      `${PREFIX}skip.ns-limits "every workload sets its resources"; expected a LimitRange, or containers that set requests.memory: container c of Deployment plain sets none, and with a quota on requests.memory the API server rejects such pods.`,
      `${PREFIX}skip.ns-limits "every workload sets its resources"; expected a LimitRange, or containers that set limits.memory: container c of Deployment plain sets none, and with a quota on limits.memory the API server rejects such pods.`,
    ]);
  });

  it('without a LimitRange and with quota.cpuLimits, blames the CPU limit quota', () => {
    const { ns } = build({ skip: { 'ns-limits': 'every workload sets its resources' }, quota: { cpuLimits: Cpu.units(8) } });
    web(ns);
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.cpuLimits "8"; expected limits.cpu on every container of the namespace: with a quota on limits.cpu the API server rejects pods with a container that sets none, `
      + 'and container app of Deployment web sets none. Set limits.cpu on those containers (SafeDeployment: resources.cpuLimit), or leave quota.cpuLimits out '
      + "(the library's policy: no CPU limits; quota.cpuRequests bounds CPU).",
    ]);
  });

  it('without a quota, still checks the LimitRange', () => {
    const { ns } = build({ skip: { 'ns-quota': 'managed elsewhere' } });
    web(ns, { replicas: 100, resources: { memoryLimit: Size.gibibytes(16) } });
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

describe('invalid container quantities are blamed on the container', () => {
  it.each([
    ['-1', 'cpu', 'requests.cpu of container app of Deployment d "-1"; expected a quantity of at least 0 (a Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3"): the API server refuses the pod; fix the container\'s resources.'],
    ['1GB', 'memory', 'requests.memory of container app of Deployment d "1GB"; expected a Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3": the API server refuses the pod'],
    ['0.5.5', 'cpu', 'requests.cpu of container app of Deployment d "0.5.5"; expected a Kubernetes quantity'],
    ['', 'memory', 'requests.memory of container app of Deployment d ""; expected a Kubernetes quantity'],
    ['-250m', 'cpu', 'requests.cpu of container app of Deployment d "-250m"; expected a quantity of at least 0'],
  ])('%j as %s', (value, resource, text) => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'payments', { team: 'payments' });
    const requests = { cpu: '100m', memory: '128Mi', [resource]: value };
    new ApiObject(ns, 'd', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'app', image: 'x', resources: { requests, limits: { memory: '128Mi' } } }] } } },
    });
    expect(error(() => Testing.synth(ns))).toContain(`IsolatedNamespace at 'payments': invalid ${text}`);
  });
});

describe('amounts too large to write', () => {
  it.each([
    [{ quota: { memoryRequests: Size.gibibytes(1e300) } }, 'quota.memoryRequests "Infinity"; expected a size such as Size.gibibytes(8), at most 8 PiB.'],
    [{ quota: { storageRequests: Size.pebibyte(1e6) } }, 'quota.storageRequests "1.125899906842624e+21"; expected a size such as Size.gibibytes(8), at most 8 PiB.'],
    [{ quota: { cpuRequests: Cpu.units(1e300) } }, 'quota.cpuRequests "1e+300"; expected a CPU amount such as Cpu.units(4).'],
    [{ containerLimits: { maxMemory: Size.gibibytes(1e300) } }, 'containerLimits.maxMemory "Infinity"; expected a positive size such as Size.mebibytes(128).'],
  ])('%#', (props, text) => {
    expect(error(() => new IsolatedNamespace(Testing.app(), 'payments', { team: 'payments', ...props } as any))).toBe(`IsolatedNamespace at 'payments': invalid ${text}`);
  });
});

describe('DaemonSets count against the quota with the expected node count', () => {
  const agent = (ns: Chart) => new SafeDaemonSet(ns, 'shipper', { image: IMAGE, livenessCommand: ['/bin/check'] });

  it('without quota.expectedNodes, a DaemonSet in a quota\'d namespace is an error', () => {
    const { ns } = build();
    agent(ns);
    expect(synthErrors(ns)).toEqual([
      `${PREFIX}quota.expectedNodes (undefined); expected the number of nodes the cluster runs: DaemonSet shipper runs one pod on each node, and the quota bounds pods, requests.cpu, requests.memory, limits.memory, `
      + 'so its pods on nodes past the quota would be refused. Set quota.expectedNodes to the most nodes the cluster grows to; each DaemonSet then counts that many pods.',
    ]);
  });

  it('with it, each DaemonSet counts that many pods, and too many nodes for the quota is the usual quota error', () => {
    const { ns } = build({ quota: { expectedNodes: 5 } });
    agent(ns);
    expect(() => Testing.synth(ns)).not.toThrow();
    const { ns: big } = build({ quota: { expectedNodes: 500 } });
    agent(big);
    expect(synthErrors(big)[0]).toBe(`${PREFIX}quotaPreset (SMALL: requests.cpu) "4"; expected at least 50 of requests.cpu: the workloads of the namespace need that much (DaemonSet shipper: 500 pods (one per node, quota.expectedNodes 500) x 100m). Pods are counted at their replicas, or the HPA maxReplicas, plus the rolling-update maxSurge. Raise quota.cpuRequests to at least 50, or choose QuotaPreset.LARGE (64).`);
  });

  it('quota.expectedNodes is a whole number from 1 to 100000', () => {
    expect(error(() => build({ quota: { expectedNodes: 0 } }))).toBe(`${PREFIX}quota.expectedNodes 0; expected a whole number of nodes from 1 to 100000.`);
  });
});
