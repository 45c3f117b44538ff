import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  Guardrails, JobCompletionMode, KubernetesVersion, NetworkPeer, SafeCronJob, SafeDeployment, SafeJob, SafeJobProps,
} from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/migrate:1.4.2';
const SIDECAR = 'ghcr.io/acme/proxy:2.0.1';
const PREFIX = 'SafeJob at \'test/migrate\': invalid';

function job(props: Partial<SafeJobProps> = {}) {
  const chart = newChart();
  const construct = new SafeJob(chart, 'migrate', { image: IMAGE, ...props });
  const manifests = synth(chart);
  const object = one(manifests, 'Job');
  return { chart, construct, manifests, object, spec: object.spec, pod: object.spec.template.spec, main: object.spec.template.spec.containers[0] };
}
const error = (props: Partial<SafeJobProps>) => errorOf(() => job(props));

describe('SafeJob: the simplest call', () => {
  const { manifests, spec, pod, main, object } = job();

  it('emits a Job, its ServiceAccount and its NetworkPolicy: no Service, PDB or HPA', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['Job/migrate', 'NetworkPolicy/migrate', 'ServiceAccount/migrate']);
    expect(object.apiVersion).toBe('batch/v1');
    expect(object.metadata.annotations).toBeUndefined();
  });

  it('bounds retries and run time, removes the finished Job after a day and ignores disruptions', () => {
    expect({ ...spec, template: undefined }).toEqual({
      activeDeadlineSeconds: 3600,
      backoffLimit: 3,
      completionMode: 'NonIndexed',
      parallelism: 1,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      ttlSecondsAfterFinished: 86400,
      template: undefined,
    });
    expect(spec.completions).toBeUndefined();
    expect(spec.selector).toBeUndefined(); // the Job controller makes its own
  });

  it('a pod that runs to completion: restartPolicy Never, no probes, no preStop, grace = shutdownTimeout', () => {
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.terminationGracePeriodSeconds).toBe(20);
    for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle', 'ports']) expect(main[field]).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
    expect(object.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/component': 'worker' });
  });

  it('restricted, sized, with its own ServiceAccount whose token is not mounted', () => {
    expect(pod.serviceAccountName).toBe('migrate');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(main.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(main.resources.requests).toEqual({ 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' });
  });

  it('the NetworkPolicy denies all ingress and allows egress to cluster DNS only', () => {
    const policy = one(manifests, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress).toHaveLength(1);
    expect(policy.spec.egress[0].ports).toEqual([{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  });
});

describe('SafeJob: Job spec options', () => {
  it('each field can be set', () => {
    const { spec } = job({
      backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 0, completions: 5, parallelism: 2,
      completionMode: JobCompletionMode.INDEXED,
    });
    expect(spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 0, completions: 5, parallelism: 2, completionMode: 'Indexed' });
  });

  it('parallelism without completions is a work queue: completions stays unset', () => {
    const { spec } = job({ parallelism: 4 });
    expect(spec.parallelism).toBe(4);
    expect(spec.completions).toBeUndefined();
  });

  it('restartPolicy OnFailure restarts in the pod and has no pod failure policy; Always is refused', () => {
    const { spec, pod } = job({ restartPolicy: kplus.RestartPolicy.ON_FAILURE });
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(spec.podFailurePolicy).toBeUndefined();
    expect(error({ restartPolicy: kplus.RestartPolicy.ALWAYS })).toBe(`${PREFIX} restartPolicy "Always"; expected kplus.RestartPolicy.NEVER or ON_FAILURE: a Job's pods must end.`);
    expect(error({ restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: { failJobOnExitCodes: [2] } })).toBe(
      `${PREFIX} podFailurePolicy {"failJobOnExitCodes":[2]}; expected no podFailurePolicy with restartPolicy OnFailure: Kubernetes applies it only to pods with restartPolicy Never.`);
    expect(error({ restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: { ignoreDisruptions: true } })).toContain(`${PREFIX} podFailurePolicy {"ignoreDisruptions":true}`);
    expect(job({ restartPolicy: kplus.RestartPolicy.ON_FAILURE, podFailurePolicy: { ignoreDisruptions: false } }).spec.podFailurePolicy).toBeUndefined();
  });

  it('exit codes that no retry fixes fail the Job at once (sorted, after the disruption rule)', () => {
    expect(job({ podFailurePolicy: { failJobOnExitCodes: [42, 3] } }).spec.podFailurePolicy.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [3, 42] } },
    ]);
    expect(job({ podFailurePolicy: { ignoreDisruptions: false, failJobOnExitCodes: [3] } }).spec.podFailurePolicy.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [3] } },
    ]);
    expect(job({ podFailurePolicy: { ignoreDisruptions: false } }).spec.podFailurePolicy).toBeUndefined();
    const expected = 'expected 1 to 255 different exit codes from 1 to 255 (0 is success).';
    expect(error({ podFailurePolicy: { failJobOnExitCodes: [0] } })).toBe(`${PREFIX} podFailurePolicy.failJobOnExitCodes [0]; ${expected}`);
    expect(error({ podFailurePolicy: { failJobOnExitCodes: [] } })).toBe(`${PREFIX} podFailurePolicy.failJobOnExitCodes []; ${expected}`);
    expect(error({ podFailurePolicy: { failJobOnExitCodes: [3, 3] } })).toBe(`${PREFIX} podFailurePolicy.failJobOnExitCodes [3,3]; ${expected}`);
    expect(error({ podFailurePolicy: { failJobOnExitCodes: [256] } })).toBe(`${PREFIX} podFailurePolicy.failJobOnExitCodes [256]; ${expected}`);
  });

  it('Indexed needs completions', () => {
    expect(error({ completionMode: JobCompletionMode.INDEXED })).toBe(`${PREFIX} completions (undefined); expected a number of indexes (1-100000) with completionMode INDEXED.`);
    expect(error({ completionMode: 'Sequential' as any })).toBe(`${PREFIX} completionMode "Sequential"; expected JobCompletionMode.NON_INDEXED or INDEXED ("NonIndexed", "Indexed").`);
  });

  it.each([
    ['backoffLimit', -1, 'an integer from 0 to 10000'],
    ['activeDeadlineSeconds', 0, 'an integer from 1 to 2147483647'],
    ['ttlSecondsAfterFinished', -1, 'an integer from 0 to 2147483647'],
    ['completions', 0, 'an integer from 1 to 100000'],
    ['parallelism', 0, 'an integer from 1 to 100000'],
    ['parallelism', 1.5, 'an integer from 1 to 100000'],
  ])('%s %j is refused', (prop, value, expected) => {
    expect(error({ [prop]: value })).toBe(`${PREFIX} ${prop} ${value}; expected ${expected}.`);
  });

  it.each([['replicas', 3], ['autoscaling', { maxReplicas: 4 }], ['maxUnavailable', 1], ['nodeSpreadRequired', true], ['zoneSpreadRequired', false]])(
    'the replication prop %s is refused, not ignored', (prop, value) => {
      expect(error({ [prop]: value } as any)).toBe(`${PREFIX} ${prop} ${JSON.stringify(value)}; expected no ${prop} on a SafeJob: its pods run to completion, so there are no replicas to scale, spread or protect; parallelism and completions say how many pods run.`);
    });

  it('terminationGracePeriod and shutdownTimeout set the grace period', () => {
    expect(job({ shutdownTimeout: Duration.seconds(45) }).pod.terminationGracePeriodSeconds).toBe(45);
    expect(job({ terminationGracePeriod: Duration.minutes(2) }).pod.terminationGracePeriodSeconds).toBe(120);
  });

  it('a skipped rule is an annotation on the Job', () => {
    const { object, main } = job({ image: 'ghcr.io/acme/migrate:latest', skip: { 'image-pinned': 'rebuilt nightly' } });
    expect(object.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.image-pinned': 'rebuilt nightly' });
    expect(main.image).toBe('ghcr.io/acme/migrate:latest');
  });

  it('the Job is a plain ApiObject: JSON patches change it', () => {
    const chart = newChart();
    const j = new SafeJob(chart, 'migrate', { image: IMAGE });
    j.job.addJsonPatch(JsonPatch.remove('/spec/activeDeadlineSeconds'));
    ApiObject.of(j.job).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'batch'));
    const spec = one(synth(chart), 'Job').spec;
    expect(spec.activeDeadlineSeconds).toBeUndefined();
    expect(spec.template.spec.priorityClassName).toBe('batch');
  });
});

describe('SafeJob and SafeCronJob: props of serving pods are errors', () => {
  const noService = 'its pods run to completion and get no Service; a workload that others call is a SafeDeployment or SafeStatefulSet.';
  const noTraffic = 'its pods run to completion and serve no traffic; activeDeadlineSeconds bounds a run that hangs.';
  const noDrain = 'a preStop delay lets a Service\'s endpoints drain, and its pods are behind none; shutdownTimeout or terminationGracePeriod give the app time after SIGTERM.';
  it.each([
    ['port', 8080, '8080', noService],
    ['servicePort', 80, '80', noService],
    ['ports', [{ name: 'grpc', containerPort: 9000 }], '[{"name":"grpc","containerPort":9000}]', noService],
    ['readiness', { path: '/ready' }, '{"path":"/ready"}', noTraffic],
    ['liveness', { path: '/live' }, '{"path":"/live"}', noTraffic],
    ['livenessCommand', ['/bin/health'], '["/bin/health"]', noTraffic],
    ['startupTimeout', Duration.seconds(30), '"30000ms"', noTraffic],
    ['preStopDelay', Duration.seconds(5), '"5000ms"', noDrain],
    ['preStopCommand', ['sleep', '5'], '["sleep","5"]', noDrain],
  ])('%s', (prop, value, shown, reason) => {
    expect(error({ [prop]: value })).toBe(`${PREFIX} ${prop} ${shown}; expected no ${prop} on a SafeJob: ${reason}`);
    expect(errorOf(() => new SafeCronJob(newChart(), 'nightly', { image: IMAGE, schedule: '@daily', [prop]: value })))
      .toBe(`SafeCronJob at 'test/nightly': invalid ${prop} ${shown}; expected no ${prop} on a SafeCronJob: ${reason.replace('SafeJob', 'SafeCronJob')}`);
  });

  it('ingress is refused, as a prop and as a method; egress is open on request', () => {
    const accepts = 'its pods run to completion and accept no connections, so its NetworkPolicy denies all ingress; allowTo and connectTo() open the calls it makes.';
    expect(error({ allowFrom: [NetworkPeer.namespace('ops')] })).toBe(
      `${PREFIX} allowFrom [{"description":"namespace ops","portSource":[]}]; expected no allowFrom on a SafeJob: ${accepts}`);
    const chart = newChart('shop');
    const j = new SafeJob(chart, 'migrate', { image: IMAGE, allowTo: [NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 5432 }])] });
    expect(errorOf(() => j.allowFrom(NetworkPeer.namespace('ops')))).toBe(
      `${PREFIX} allowFrom {"description":"namespace ops","portSource":[]}; expected no ingress to a SafeJob: ${accepts}`);
    const api = new SafeDeployment(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
    expect(errorOf(() => api.connectTo(j))).toContain(`SafeJob at 'test/migrate': invalid allowFrom `);
    j.connectTo(api);
    const manifests = synth(chart);
    const policy = one(manifests, 'NetworkPolicy', 'migrate');
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(policy.spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/name': 'api' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    expect(one(manifests, 'NetworkPolicy', 'api').spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'migrate', 'app.kubernetes.io/name': 'migrate' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  it('a metrics port is scraped by annotations, and only the scraper may connect', () => {
    const { object, manifests, main } = job({ metrics: { port: 9090 } });
    expect(main.ports).toEqual([{ containerPort: 9090, name: 'metrics', protocol: 'TCP' }]);
    expect(object.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
    expect(one(manifests, 'NetworkPolicy').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
    expect(error({ metrics: { port: 9090, method: 'service-monitor' as any } })).toBe(
      `${PREFIX} metrics.method "service-monitor"; expected ScrapeMethod.ANNOTATIONS for a worker: a ServiceMonitor needs the Service that a \`port\` creates.`);
  });
});

describe('SafeJob: sidecars are native', () => {
  it('a sidecar needs target Kubernetes 1.29: a plain one would keep the Job running', () => {
    expect(error({ sidecars: [{ name: 'proxy', image: SIDECAR }] })).toBe(
      `${PREFIX} sidecars[0] "proxy"; expected Kubernetes 1.29 or newer for a sidecar in a SafeJob (a native sidecar, stopped when the main container ends; a plain one keeps the pod running, so the Job never completes), but the target is 1.27: raise it with KubernetesVersion.setTarget(app, KubernetesVersion.V1_29) or kubernetesVersion, or leave sidecars[0] out.`);
    expect(error({ kubernetesVersion: KubernetesVersion.V1_30, sidecars: [{ name: 'proxy', image: SIDECAR, native: false }] })).toBe(
      `${PREFIX} sidecars[0].native false; expected a native sidecar in a SafeJob: a plain one keeps the pod running after the main container ends, so the Job never completes.`);
  });

  it('from 1.29 a sidecar is an init container with restartPolicy Always; its ports stay unexposed', () => {
    const { pod } = job({
      kubernetesVersion: KubernetesVersion.V1_29,
      sidecars: [{ name: 'proxy', image: SIDECAR, ports: [{ name: 'proxy', containerPort: 5432, exposed: false }], readiness: {} }],
    });
    expect(pod.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ name: 'proxy', restartPolicy: 'Always', ports: [{ containerPort: 5432, name: 'proxy', protocol: 'TCP' }] });
    expect(pod.initContainers[0].readinessProbe.tcpSocket).toEqual({ port: 'proxy' });
    expect(error({ kubernetesVersion: KubernetesVersion.V1_29, sidecars: [{ name: 'proxy', image: SIDECAR, ports: [{ name: 'proxy', containerPort: 5432 }] }] })).toBe(
      `${PREFIX} sidecars[0].ports[0].exposed (undefined); expected false on a SafeJob: its pods run to completion and get no Service; a workload that others call is a SafeDeployment or SafeStatefulSet.`);
  });

  it('at 1.30 there is still no preStop on the main container', () => {
    expect(job({ kubernetesVersion: KubernetesVersion.V1_30 }).main.lifecycle).toBeUndefined();
  });
});

describe('SafeJob and SafeCronJob pass the checker with every option', () => {
  it('no violation', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'batch', { namespace: 'batch' });
    KubernetesVersion.setTarget(chart, KubernetesVersion.V1_29);
    new SafeJob(chart, 'migrate', {
      image: IMAGE, env: { MODE: 'up' }, files: { 'plan.sql': 'select 1;\n' }, metrics: { port: 9090 },
      sidecars: [{ name: 'proxy', image: SIDECAR }], initContainers: [{ name: 'wait', image: SIDECAR }],
      backoffLimit: 1, completions: 3, parallelism: 3, completionMode: JobCompletionMode.INDEXED,
      podFailurePolicy: { failJobOnExitCodes: [3] },
    });
    new SafeCronJob(chart, 'report', {
      image: IMAGE, schedule: '*/15 8-18 * * MON-FRI', timeZone: 'Europe/Berlin', concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE, ttlSecondsAfterFinished: 600, suspend: true,
    });
    Guardrails.enforce(app);
    Testing.synth(chart);
    expect(Guardrails.report(app).violations).toEqual([]);
  });
});
