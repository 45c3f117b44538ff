import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { NetworkPeer, ResourcePreset, SafeDeployment, SafeDeploymentProps, ScrapeMethod } from '../../lib';
import { all, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

function web(props: Partial<SafeDeploymentProps> = {}, id = 'web', namespace?: string) {
  const chart = newChart(namespace);
  const construct = new SafeDeployment(chart, id, { image: IMAGE, port: 8080, ...props });
  const manifests = synth(chart);
  const deployment = one(manifests, 'Deployment');
  return {
    chart, construct, manifests, deployment,
    pod: deployment.spec.template.spec,
    container: deployment.spec.template.spec.containers[0],
  };
}

function error(props: Partial<SafeDeploymentProps>, id = 'web'): string {
  const chart = newChart();
  try {
    new SafeDeployment(chart, id, { image: IMAGE, port: 8080, ...props } as SafeDeploymentProps);
    synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('SafeDeployment: the simplest call', () => {
  const { manifests } = web();

  it('emits exactly the production set of objects', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Deployment/web', 'NetworkPolicy/web', 'PodDisruptionBudget/web', 'Service/web', 'ServiceAccount/web',
    ]);
  });

  it('labels every object with the recommended labels (labels)', () => {
    for (const m of manifests) {
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/instance': 'web',
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/part-of': 'web',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });
});

describe('image-pinned and image-registry', () => {
  it.each([
    ['ghcr.io/acme/web:latest', 'a pinned image'],
    ['ghcr.io/acme/web', 'a pinned image'],
    ['', 'an image reference'],
    ['Web App:1', 'an image reference'],
  ])('rejects %j', (image, expected) => {
    const msg = error({ image });
    expect(msg).toContain("SafeDeployment at 'test/web': invalid image");
    expect(msg).toContain(expected);
  });

  it('accepts a digest, still pulling Always (the pull re-checks credentials)', () => {
    const digest = 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64);
    const { container, deployment } = web({ image: digest, requireDigest: true });
    expect(container.image).toBe(digest);
    expect(container.imagePullPolicy).toBe('Always');
    expect(web({ imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT }).container.imagePullPolicy).toBe('IfNotPresent');
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });

  it('pulls a tag Always', () => {
    expect(web().container.imagePullPolicy).toBe('Always');
  });

  it('requires a digest when asked', () => {
    expect(error({ requireDigest: true })).toContain('an image pinned by digest');
  });

  it('enforces the registry allow-list', () => {
    expect(error({ allowedRegistries: ['registry.acme.internal'] })).toContain('an image from an allowed registry: registry.acme.internal (rule image-registry)');
    expect(web({ allowedRegistries: ['ghcr.io/acme'] }).container.image).toBe(IMAGE);
    expect(web({ image: 'nginx:1.27.3', allowedRegistries: ['docker.io'] }).container.image).toBe('nginx:1.27.3');
  });

  it.each([
    ['redis:alpine', 'alpine'], ['nginx:stable', 'stable'], ['ghcr.io/acme/app:main', 'main'], ['ghcr.io/acme/app:3', '3'], ['nginx:1.27', '1.27'],
  ])('refuses the moving tag of %j', (image, tag) => {
    expect(error({ image })).toBe(`SafeDeployment at 'test/web': invalid image "${image}"; expected a pinned image: the image uses the tag "${tag}", which moves when a new build is pushed: a pinned tag holds a full version (1.4.2), a date (20240105) or a commit hash. Pin a full version (":1.4.2"), a date, a commit or a digest ("@sha256:<64 hex>"), or set pinnedTagPattern (rule image-pinned).`);
  });

  it.each(['nginx:1.27.3', 'ghcr.io/acme/app:v2.4.0-rc.1', 'ghcr.io/acme/app:20240105', 'ghcr.io/acme/app:sha-3f2a9c8'])('accepts the pinned tag of %j', (image) => {
    expect(web({ image }).container.image).toBe(image);
  });

  it('takes pinnedTagPattern for registries whose shorter tags are immutable, never for latest', () => {
    expect(web({ image: 'ghcr.io/acme/app:v7.2', pinnedTagPattern: 'v\\d+\\.\\d+' }).container.image).toBe('ghcr.io/acme/app:v7.2');
    expect(error({ image: 'ghcr.io/acme/app:7.2.1', pinnedTagPattern: 'v\\d+\\.\\d+' })).toContain('which does not match the pinned-tag pattern v\\d+\\.\\d+');
    expect(error({ image: 'ghcr.io/acme/app:latest', pinnedTagPattern: '.*' })).toContain('uses the tag "latest"');
    expect(error({ pinnedTagPattern: 'v(' })).toMatch(/^SafeDeployment at 'test\/web': invalid pinnedTagPattern "v\("; expected a regular expression \(JavaScript syntax\): /);
  });

  it('allows latest only with a reason, written as an annotation', () => {
    const { deployment } = web({ image: 'ghcr.io/acme/web:latest', skip: { 'image-pinned': 'dev sandbox, rebuilt hourly' } });
    expect(deployment.metadata.annotations['guardrails.cdk8s.io/skip.image-pinned']).toBe('dev sandbox, rebuilt hourly');
  });
});

describe('replicas-min, pdb, autoscaling', () => {
  it('runs 2 replicas by default with a PDB that allows one eviction', () => {
    const { deployment, manifests } = web();
    expect(deployment.spec.replicas).toBe(2);
    const pdb = one(manifests, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('PDB selects exactly the pods', () => {
    const { deployment, manifests } = web();
    const pdb = one(manifests, 'PodDisruptionBudget');
    expect(pdb.spec.selector).toEqual(deployment.spec.selector);
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) {
      expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    }
  });

  it('refuses one replica without a reason', () => {
    expect(error({ replicas: 1 })).toBe(
      "SafeDeployment at 'test/web': invalid replicas 1; expected at least 2 (rule replicas-min), or skip: { 'replicas-min': '<reason>' }.");
  });

  it('one replica with a reason: annotation and no PDB', () => {
    const { deployment, manifests } = web({ replicas: 1, skip: { 'replicas-min': 'singleton leader' } });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations['guardrails.cdk8s.io/skip.replicas-min']).toBe('singleton leader');
    expect(all(manifests, 'PodDisruptionBudget')).toHaveLength(0);
  });

  it('maxUnavailable is configurable but must leave a pod running', () => {
    expect(one(web({ replicas: 4, maxUnavailable: 2 }).manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
    expect(error({ replicas: 2, maxUnavailable: 2 })).toContain('invalid maxUnavailable 2; expected an integer from 1 to 1');
  });

  it('autoscaling: HPA with minReplicas 2 and no static replicas', () => {
    const { deployment, manifests } = web({ autoscaling: { maxReplicas: 10, memoryUtilization: 80 } });
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = one(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  it('autoscaling errors', () => {
    expect(error({ autoscaling: { minReplicas: 1, maxReplicas: 3 } })).toContain('invalid autoscaling.minReplicas 1; expected at least 2');
    expect(error({ autoscaling: { maxReplicas: 1 } })).toContain('invalid autoscaling.maxReplicas 1; expected an integer from 2 to 10000');
    expect(error({ replicas: 3, autoscaling: { maxReplicas: 5 } })).toContain('no static replicas together with autoscaling');
  });
});

describe('spread-nodes and spread-zones', () => {
  it('emits topology spread on hostname and zone (soft) and preferred anti-affinity', () => {
    const { pod } = web();
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
    ]);
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
        ],
      },
    });
    expect(JSON.stringify(pod.affinity)).not.toContain('requiredDuringScheduling');
  });

  it('makes spreads hard on request', () => {
    const { pod } = web({ zoneSpreadRequired: true, nodeSpreadRequired: true });
    expect(pod.topologySpreadConstraints.map((c: any) => c.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'DoNotSchedule']);
  });
});

describe('probes', () => {
  it('defaults: TCP readiness and a more tolerant TCP liveness on the port', () => {
    const { container } = web();
    expect(container.readinessProbe).toEqual({
      tcpSocket: { port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1,
    });
    expect(container.livenessProbe).toEqual({
      tcpSocket: { port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6, successThreshold: 1,
    });
    expect(container.readinessProbe).not.toEqual(container.livenessProbe);
    expect(container.startupProbe).toBeUndefined();
  });

  it('same endpoint for both probes: kube-score is told why that is fine; different paths need nothing', () => {
    expect(web().deployment.metadata.annotations).toEqual({ 'kube-score/ignore': 'pod-probes-identical' });
    expect(web({ readiness: { path: '/healthz' }, liveness: { path: '/healthz' } }).deployment.metadata.annotations)
      .toEqual({ 'kube-score/ignore': 'pod-probes-identical' });
    expect(web({ readiness: { path: '/readyz' }, liveness: { path: '/livez' } }).deployment.metadata.annotations).toBeUndefined();
  });

  it('HTTP paths and a startup probe for slow starters', () => {
    const { container } = web({ readiness: { path: '/readyz' }, liveness: { path: '/livez' }, startupTimeout: Duration.minutes(2) });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http', scheme: 'HTTP' });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 24 });
  });

  it('rejects probe timing that cannot work', () => {
    expect(error({ readiness: { periodSeconds: 5, timeoutSeconds: 5 } })).toBe(
      "SafeDeployment at 'test/web': invalid readiness.timeoutSeconds 5; expected less than readiness.periodSeconds (5): a probe that times out after the next one is due cannot work.");
    expect(error({ liveness: { periodSeconds: 5, failureThreshold: 3 } })).toContain('a liveness probe more tolerant than readiness');
    expect(error({ readiness: { path: 'readyz' } })).toContain('invalid readiness.path "readyz"; expected an absolute HTTP path');
    expect(error({ liveness: { failureThreshold: 0 } })).toContain('invalid liveness.failureThreshold 0; expected an integer from 1 to 1000');
  });

  it('a worker needs a liveness command or a reason', () => {
    expect(error({ port: undefined })).toContain("invalid livenessCommand (undefined); expected a command that fails when the worker hangs");
    const chart = newChart();
    new SafeDeployment(chart, 'worker', { image: IMAGE, livenessCommand: ['/bin/check'] });
    const manifests = synth(chart);
    const c = one(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(c.livenessProbe).toEqual({ exec: { command: ['/bin/check'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(all(manifests, 'Service')).toHaveLength(0);
    expect(one(manifests, 'Deployment').metadata.labels['app.kubernetes.io/component']).toBe('worker');
  });
});

describe('graceful-shutdown', () => {
  it('sleeps in preStop and gives the app time after SIGTERM', () => {
    const { container, pod } = web();
    expect(container.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it('derives the grace period from delay and shutdown time', () => {
    const { container, pod } = web({ preStopDelay: Duration.seconds(15), shutdownTimeout: Duration.seconds(45), preStopCommand: ['/bin/sleep', '15'] });
    expect(container.lifecycle.preStop.exec.command).toEqual(['/bin/sleep', '15']);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  it('rejects a grace period shorter than the preStop delay', () => {
    expect(error({ terminationGracePeriod: Duration.seconds(5) })).toBe(
      "SafeDeployment at 'test/web': invalid terminationGracePeriod \"5s\"; expected more than preStopDelay (10s), or SIGKILL arrives before the app has received SIGTERM; e.g. 30s.");
  });
});

describe('resources', () => {
  it('defaults to the small preset, no CPU limit, never the cdk8s-plus 1000m/512Mi', () => {
    expect(web().container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
      limits: { 'memory': '128Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  it('presets and explicit values override each other field by field', () => {
    expect(web({ resourcePreset: ResourcePreset.LARGE }).container.resources.requests).toEqual({ 'cpu': '1', 'memory': '2Gi', 'ephemeral-storage': '1Gi' });
    const r = web({
      resourcePreset: ResourcePreset.MEDIUM,
      resources: { cpuLimit: kplus.Cpu.millis(500), memoryLimit: Size.gibibytes(1), ephemeralStorageLimit: Size.mebibytes(3000) },
    }).container.resources;
    expect(r).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '512Mi' },
      limits: { 'cpu': '500m', 'memory': '1Gi', 'ephemeral-storage': '3000Mi' },
    });
  });

  it('rejects zero, negative and inverted values', () => {
    expect(error({ resources: { cpuRequest: kplus.Cpu.millis(0) } })).toBe(
      "SafeDeployment at 'test/web': invalid resources.cpuRequest \"0m\"; expected a positive CPU amount such as Cpu.millis(100).");
    expect(error({ resources: { memoryRequest: Size.mebibytes(0) } })).toContain('invalid resources.memoryRequest "0"; expected a positive size');
    expect(error({ resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.mebibytes(512) } })).toContain(
      'invalid resources.memoryLimit "512Mi"; expected a limit at least the request (1Gi)');
    expect(error({ resources: { cpuRequest: kplus.Cpu.units(1), cpuLimit: kplus.Cpu.millis(500) } })).toContain('a CPU limit at least the request (1)');
  });
});

describe('pod-security', () => {
  it('restricted on pod and container level, UID/GID 10001, writable /tmp', () => {
    const { pod, container } = web();
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    // Host namespaces are never set; no zero values that the API server would not store.
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
  });

  it('UID and writable paths are configurable; UIDs below 10001 are refused', () => {
    const { pod, container } = web({ runAsUser: 20000, runAsGroup: 20001, writablePaths: ['/tmp', '/var/cache/app'] });
    expect(pod.securityContext.runAsUser).toBe(20000);
    expect(container.securityContext.runAsGroup).toBe(20001);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/var/cache/app']);
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp', 'var-cache-app']);
    expect(error({ runAsUser: 1000 })).toContain('invalid runAsUser 1000; expected an integer from 10001 to 2147483647');
    expect(error({ writablePaths: ['tmp'] })).toContain('invalid writablePaths[0] "tmp"; expected an absolute path in clean form');
  });
});

describe('pod-security opt-out', () => {
  it('a writable root filesystem needs a reason, which waives that check for the containers of the pod only', () => {
    expect(error({ readOnlyRootFilesystem: false })).toBe(
      "SafeDeployment at 'test/web': invalid readOnlyRootFilesystem false; expected true (rule pod-security), or skip: { 'pod-security.readOnlyRootFilesystem': '<reason>' }; use writablePaths for the directories the app writes to.");
    const { container, deployment } = web({ readOnlyRootFilesystem: false, skip: { 'pod-security.readOnlyRootFilesystem': 'legacy image writes under /var/www' } });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(deployment.metadata.annotations['guardrails.cdk8s.io/skip.pod-security.readOnlyRootFilesystem']).toBe('app: legacy image writes under /var/www');
    expect(deployment.metadata.annotations['guardrails.cdk8s.io/skip.pod-security']).toBeUndefined();
  });
});

describe('service-account', () => {
  it('has its own ServiceAccount and does not mount the token', () => {
    const { pod, manifests } = web();
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.metadata.name).toBe('web');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('mounts the token when asked', () => {
    const { pod, manifests } = web({ automountServiceAccountToken: true });
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(one(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(true);
  });
});

describe('rollout', () => {
  it('keeps full capacity', () => {
    const { deployment } = web();
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.minReadySeconds).toBe(10);
    expect(deployment.spec.progressDeadlineSeconds).toBe(600);
  });

  it('is configurable', () => {
    const { deployment } = web({ maxSurge: 3, minReadySeconds: 30, progressDeadlineSeconds: 900 });
    expect(deployment.spec.strategy.rollingUpdate.maxSurge).toBe(3);
    expect(deployment.spec.minReadySeconds).toBe(30);
    expect(deployment.spec.progressDeadlineSeconds).toBe(900);
    expect(error({ maxSurge: 0 })).toContain('invalid maxSurge 0; expected an integer from 1 to 1000');
  });

  it('revisionHistoryLimit is written only when set', () => {
    expect(web().deployment.spec.revisionHistoryLimit).toBeUndefined();
    expect(web({ revisionHistoryLimit: 3 }).deployment.spec.revisionHistoryLimit).toBe(3);
    expect(error({ revisionHistoryLimit: -1 })).toContain("SafeDeployment at 'test/web': invalid revisionHistoryLimit -1; expected an integer from 0 to 1000");
  });

  it('minReadySeconds must stay below the progress deadline, which the API server requires', () => {
    expect(error({ minReadySeconds: 600 })).toBe("SafeDeployment at 'test/web': invalid minReadySeconds 600; expected less than progressDeadlineSeconds (600).");
    expect(web({ minReadySeconds: 0 }).deployment.spec.minReadySeconds).toBeUndefined();
  });

  it('the Deployment object is plain JSON: it keeps the pod-template-hash spread key', () => {
    const { pod, construct } = web();
    expect(pod.topologySpreadConstraints.map((t: any) => t.matchLabelKeys)).toEqual([['pod-template-hash'], ['pod-template-hash']]);
    expect(construct.deployment.kind).toBe('Deployment');
    expect(construct.deployment.node.path).toBe('test/web/Deployment/Resource');
  });
});

describe('labels and selectors', () => {
  it('selector is stable across construct ids; name defaults to the id', () => {
    const a = web({ name: 'web' }, 'Web').deployment;
    const b = web({ name: 'web' }, 'renamed').deployment;
    expect(a.spec.selector).toEqual(b.spec.selector);
    expect(a.spec.template.metadata.labels).toEqual(b.spec.template.metadata.labels);
    expect(JSON.stringify(a)).not.toContain('cdk8s.io/metadata.addr');
    expect(a.metadata.name).toBe('web');
  });

  it('object names are human: no hash suffix', () => {
    for (const m of web().manifests) expect(m.metadata.name).toBe('web');
  });

  it('component, part-of and version are configurable', () => {
    const labels = web({ component: 'api', partOf: 'shop', version: '2024.1' }).deployment.metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('api');
    expect(labels['app.kubernetes.io/part-of']).toBe('shop');
    expect(labels['app.kubernetes.io/version']).toBe('2024.1');
  });

  it('rejects names that are not DNS-1035 labels, naming the construct id', () => {
    expect(error({}, 'my_web')).toBe(
      "SafeDeployment at 'test/my_web': invalid name (taken from the construct id) \"my_web\"; expected a DNS-1035 label of at most 63 characters: lower-case letters, digits and '-', starting with a letter; set `name` when the construct id is not one.");
    expect(error({ name: 'Web.App' })).toContain('invalid name "Web.App"');
    expect(error({ name: 'a'.repeat(64) })).toContain('at most 63 characters');
  });
});

describe('Service and NetworkPolicy', () => {
  it('ClusterIP Service on the port, selecting the pods', () => {
    const svc = one(web({ servicePort: 80 }).manifests, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.externalIPs).toBeUndefined();
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
  });

  it('rejects ports outside 1-65535', () => {
    expect(error({ port: 70000 })).toBe("SafeDeployment at 'test/web': invalid port 70000; expected an integer from 1 to 65535.");
    expect(error({ servicePort: 0 })).toContain('invalid servicePort 0');
  });

  it('default deny with DNS egress and the metrics scraper only', () => {
    const np = one(web().manifests, 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } });
    expect(np.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    }]);
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('declared peers, connectTo between workloads and CIDRs', () => {
    const chart = newChart('shop');
    const api = new SafeDeployment(chart, 'api', { image: IMAGE, port: 8080, metrics: { scraper: NetworkPeer.namespace('prometheus') } });
    const worker = new SafeDeployment(chart, 'worker', {
      image: IMAGE, livenessCommand: ['/check'],
      allowTo: [NetworkPeer.cidr('10.0.0.0/16', ['10.0.5.0/24']).withPorts([{ port: 5432 }])],
    });
    worker.connectTo(api);
    api.allowFrom(NetworkPeer.pods({ app: 'gateway' }, 'edge'));
    const manifests = synth(chart);
    const apiPolicy = one(manifests, 'NetworkPolicy', 'api');
    expect(apiPolicy.metadata.namespace).toBe('shop');
    expect(apiPolicy.spec.ingress.map((r: any) => r.from[0])).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prometheus' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/instance': 'worker' } } },
      { podSelector: { matchLabels: { app: 'gateway' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } },
    ]);
    const workerPolicy = one(manifests, 'NetworkPolicy', 'worker');
    // No ingress rule at all: the Ingress policy type alone denies (no empty list to store).
    expect(workerPolicy.spec.ingress).toBeUndefined();
    expect(workerPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(workerPolicy.spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });
});

describe('config-immutable', () => {
  it('env and files go into one immutable ConfigMap named by a content hash', () => {
    const { manifests, container, pod } = web({ env: { LOG_LEVEL: 'info', API_URL: 'http://api' }, files: { 'app.yaml': 'a: 1\n' } });
    const cm = one(manifests, 'ConfigMap');
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.name).toMatch(/^web-config-[0-9a-f]{10}$/);
    expect(cm.data).toEqual({ 'API_URL': 'http://api', 'LOG_LEVEL': 'info', 'app.yaml': 'a: 1\n' });
    expect(container.env).toEqual([
      { name: 'API_URL', valueFrom: { configMapKeyRef: { key: 'API_URL', name: cm.metadata.name } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { key: 'LOG_LEVEL', name: cm.metadata.name } } },
    ]);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/etc/web', name: 'config', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: cm.metadata.name, items: [{ key: 'app.yaml', path: 'app.yaml' }] } });
  });

  it('a change of content changes the name (and so rolls the pods)', () => {
    const a = one(web({ env: { A: '1' } }).manifests, 'ConfigMap').metadata.name;
    const b = one(web({ env: { A: '2' } }).manifests, 'ConfigMap').metadata.name;
    const c = one(web({ env: { A: '1' } }).manifests, 'ConfigMap').metadata.name;
    expect(a).not.toBe(b);
    expect(a).toBe(c);
  });

  it('secrets are referenced, never copied; duplicate env keys are errors', () => {
    const { container, manifests } = web({ secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db', key: 'password' }] });
    expect(container.env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } }]);
    expect(all(manifests, 'Secret')).toHaveLength(0);
    expect(error({ env: { DB: 'x' }, secretEnv: [{ name: 'DB', secretName: 's', key: 'k' }] })).toBe(
      "SafeDeployment at 'test/web': invalid env \"DB\"; expected each environment variable once: it is also in secretEnv.");
    expect(error({ env: { '1BAD': 'x' } })).toContain('invalid env "1BAD"');
    expect(error({ env: { A: 'x' }, files: { A: 'y' } })).toContain('invalid files "A"');
  });
});

describe('metrics', () => {
  it('defaults to scrape annotations on the pods', () => {
    const { deployment, manifests } = web();
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics',
    });
    expect(all(manifests, 'ServiceMonitor')).toHaveLength(0);
  });

  it('ServiceMonitor on a separate metrics port', () => {
    const { manifests, container } = web({ metrics: { method: ScrapeMethod.SERVICE_MONITOR, port: 9090, path: '/prom', interval: Duration.seconds(15) } });
    const sm = one(manifests, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      endpoints: [{ port: 'metrics', path: '/prom', interval: '15s' }],
    });
    expect(one(manifests, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(container.ports).toContainEqual({ containerPort: 9090, name: 'metrics', protocol: 'TCP' });
    expect(one(manifests, 'NetworkPolicy').spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });

  it('can be switched off with a reason', () => {
    const { deployment } = web({ skip: { metrics: 'third-party image without metrics' } });
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
  });
});

describe('arch-explicit and rwo-volume', () => {
  it('pins the architecture', () => {
    expect(web({ architecture: 'arm64', nodeSelector: { pool: 'general' } }).pod.nodeSelector).toEqual({ 'pool': 'general', 'kubernetes.io/arch': 'arm64' });
    expect(error({ architecture: 'ARM 64' })).toContain('invalid architecture "ARM 64"');
  });

  it('refuses a ReadWriteOnce claim with more than one replica', () => {
    const chart = newChart();
    const claim = new kplus.PersistentVolumeClaim(chart, 'data', { storage: Size.gibibytes(10), accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE] });
    expect(() => new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, claims: [{ claim, mountPath: '/data' }] })).toThrow(
      /invalid claims\[0\] "test-data-[0-9a-f]+"; expected no ReadWriteOnce claim shared by several replicas: it attaches to one node only\. Use a SafeStatefulSet with volumeClaimTemplates \(one claim per pod\)/);
  });

  it('one replica with a ReadWriteOnce claim uses Recreate', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'data', 'data');
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, replicas: 1, skip: { 'replicas-min': 'single writer' }, claims: [{ claim, mountPath: '/data' }] });
    const d = one(synth(chart), 'Deployment');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'claim-0', persistentVolumeClaim: { claimName: 'data' } });
  });

  it('writable claims omit readOnly, also when volumes are added afterwards', () => {
    const chart = newChart();
    const data = kplus.PersistentVolumeClaim.fromClaimName(chart, 'data', 'data');
    const cache = kplus.PersistentVolumeClaim.fromClaimName(chart, 'cache', 'cache');
    const w = new SafeDeployment(chart, 'web', {
      image: IMAGE, port: 8080, files: { 'f.txt': 'x' },
      claims: [{ claim: data, mountPath: '/data', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY] },
        { claim: cache, mountPath: '/cache', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY] }],
    });
    ApiObject.of(w.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes/-', { name: 'extra2', emptyDir: {} }),
      JsonPatch.add('/spec/template/spec/volumes/-', { name: 'extra', emptyDir: {} }));
    const pod = one(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: expect.anything() },
      { name: 'tmp', emptyDir: {} },
      { name: 'claim-0', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'claim-1', persistentVolumeClaim: { claimName: 'cache' } },
      { name: 'extra2', emptyDir: {} },
      { name: 'extra', emptyDir: {} },
    ]);
  });

  it('read-only claims are mounted read-only', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'assets', 'assets');
    new SafeDeployment(chart, 'web', {
      image: IMAGE, port: 8080, env: { A: '1' }, files: { 'f.txt': 'x' },
      claims: [{ claim, mountPath: '/assets', readOnly: true, accessModes: [kplus.PersistentVolumeAccessMode.READ_ONLY_MANY] }],
    });
    const pod = one(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['config', 'tmp', 'claim-0']);
    expect(pod.volumes[2]).toEqual({ name: 'claim-0', persistentVolumeClaim: { claimName: 'assets', readOnly: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ mountPath: '/assets', name: 'claim-0', readOnly: true });
  });

  it('ReadWriteMany claims are fine with replicas', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'shared', 'shared');
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, claims: [{ claim, mountPath: '/shared', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY] }] });
    expect(one(synth(chart), 'Deployment').spec.strategy.type).toBe('RollingUpdate');
  });
});

describe('skip and escape hatches', () => {
  it('refuses unknown rules and empty reasons', () => {
    expect(error({ skip: { 'no-such-rule': 'x' } })).toContain('invalid skip.no-such-rule "no-such-rule"; expected a rule id of the catalog');
    expect(error({ skip: { 'pdb': ' ' } })).toContain('invalid skip.pdb " "; expected a non-empty reason');
  });

  it('children are public and JSON patches still work', () => {
    const chart = newChart();
    const w = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, autoscaling: { maxReplicas: 4 }, env: { A: '1' } });
    expect(w.service).toBeDefined();
    expect(w.pdb).toBeDefined();
    expect(w.hpa).toBeDefined();
    expect(w.configMap).toBeDefined();
    ApiObject.of(w.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'critical'));
    ApiObject.of(w.service!).addJsonPatch(JsonPatch.replace('/spec/type', 'NodePort'));
    const manifests = synth(chart);
    expect(one(manifests, 'Deployment').spec.template.spec.priorityClassName).toBe('critical');
    expect(one(manifests, 'Service').spec.type).toBe('NodePort');
  });

  it('priorityClassName prop', () => {
    expect(web({ priorityClassName: 'high' }).pod.priorityClassName).toBe('high');
  });
});
