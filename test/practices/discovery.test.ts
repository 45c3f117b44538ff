import { describe, expect, it } from 'vitest';
import { scanObject } from '../../lib/core/kinds';
import { checkManifests } from '../../lib/practices/checker';
import { App, LABELS, manifests, messages, NS } from './helpers';

/** Pod templates of custom resources wherever they sit, and autoscalers besides the HPA. */
const meta = (name: string) => ({ name, namespace: NS, labels: { ...LABELS } });
const template = (a: App) => a.deployment.spec.template;
/** The good app's pod template with a privileged, unpinned container. */
const badTemplate = (a: App) => {
  const t = template(a);
  const c = t.spec.containers[0];
  return { ...t, spec: { ...t.spec, containers: [{ ...c, image: 'nginx', securityContext: { ...c.securityContext, privileged: true } }] } };
};
const warningsOf = (mutate: (a: App) => void) => checkManifests(manifests(mutate).map((manifest) => ({ manifest }))).warnings;

describe('pod templates outside spec.template are found and checked by the nearest known kind', () => {
  const scaledJob = (t: (a: App) => any) => (a: App) => {
    (a as any).scaledJob = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: meta('worker'), spec: { jobTargetRef: { parallelism: 1, template: t(a) }, triggers: [] } };
  };
  const advancedCronJob = (t: (a: App) => any) => (a: App) => {
    (a as any).acj = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'AdvancedCronJob', metadata: meta('nightly'), spec: { schedule: '0 3 * * *', template: { jobTemplate: { spec: { template: t(a) } } } } };
  };
  const broadcast = (t: (a: App) => any) => (a: App) => {
    (a as any).acj = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'AdvancedCronJob', metadata: meta('nightly'), spec: { schedule: '0 3 * * *', template: { broadcastJobTemplate: { spec: { template: t(a) } } } } };
  };
  const knative = (t: (a: App) => any) => (a: App) => {
    (a as any).ksvc = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: meta('hello'), spec: { template: t(a) } };
  };

  it.each<[string, (t: (a: App) => any) => (a: App) => void, string, string]>([
    ['KEDA ScaledJob (spec.jobTargetRef.template)', scaledJob, 'ScaledJob worker', 'spec.jobTargetRef.template.spec.containers[0]'],
    ['OpenKruise AdvancedCronJob (jobTemplate)', advancedCronJob, 'AdvancedCronJob nightly', 'spec.template.jobTemplate.spec.template.spec.containers[0]'],
    ['OpenKruise AdvancedCronJob (broadcastJobTemplate)', broadcast, 'AdvancedCronJob nightly', 'spec.template.broadcastJobTemplate.spec.template.spec.containers[0]'],
    ['Knative Service (spec.template.spec.containers)', knative, 'Service hello', 'spec.template.spec.containers[0]'],
  ])('flags a privileged, unpinned container in a %s', (_t, make, who, field) => {
    expect(messages('pod-security', make(badTemplate))).toEqual([`${who}: container "app" is privileged`]);
    expect(messages('image-pinned', make(badTemplate))).toEqual([`${who}: container "app": image "nginx" has neither a tag nor a digest, so it means "latest"`]);
    const v = checkManifests(manifests(make(badTemplate)).map((manifest) => ({ manifest }))).violations.find((x) => x.rule === 'image-pinned');
    expect(v?.field).toBe(`${field}.image`);
  });

  it.each<[string, (t: (a: App) => any) => (a: App) => void]>([
    ['KEDA ScaledJob', scaledJob], ['AdvancedCronJob', advancedCronJob], ['Knative Service', knative],
  ])('passes a well-made %s', (_t, make) => {
    for (const rule of ['pod-security', 'image-pinned', 'resources', 'probe-liveness', 'graceful-shutdown', 'replicas-min']) {
      expect(messages(rule, make(template))).toEqual([]);
    }
  });

  it('judges a job template as a Job: no liveness probe or preStop asked of pods that run to completion', () => {
    const noProbes = (a: App) => { const t = template(a); const { livenessProbe, readinessProbe, lifecycle, ...c } = t.spec.containers[0]; return { ...t, spec: { ...t.spec, containers: [c] } }; };
    for (const make of [scaledJob, advancedCronJob, broadcast]) {
      expect(messages('probe-liveness', make(noProbes))).toEqual([]);
    }
    // The same pods at a Deployment-like spec.template are long-running.
    expect(messages('probe-liveness', knative(noProbes))).toEqual(['Service hello: container "app" has no livenessProbe, so a hung process is never restarted']);
  });

  it('reports containers that are in no pod template, and checks nothing it cannot classify silently', () => {
    const workflow = (a: App) => {
      (a as any).wf = {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: meta('build'),
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { name: 'main', image: 'alpine', command: ['sh', '-c', 'true'] } }, { name: 'script', script: { image: 'python:3', source: 'print(1)', command: ['python'] } }] },
      };
    };
    const task = (a: App) => {
      (a as any).task = { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: meta('test'), spec: { steps: [{ name: 'unit', image: 'golang:1.22', script: 'go test ./...' }] } };
    };
    expect(warningsOf(workflow)).toEqual([
      `Workflow ${NS}/build: has containers outside a pod template (spec.templates[0].container, spec.templates[1].script) that the checker cannot classify, so only their privileges are checked (pod-security); check their images, resources and security by hand, or render them into the pods they become`,
    ]);
    expect(warningsOf(task)[0]).toContain(`Task ${NS}/test: has containers outside a pod template (spec.steps[0])`);
  });

  it('finds a containerSet of an Argo Workflows template as a pod spec, judged as a batch pod', () => {
    const wf = (a: App) => {
      const c = template(a).spec.containers[0];
      (a as any).wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: meta('build'), spec: { templates: [{ name: 'main', containerSet: { containers: [{ ...c, image: 'alpine' }] } }] } };
    };
    expect(messages('image-pinned', wf)).toEqual(['Workflow build: container "app": image "alpine" has neither a tag nor a digest, so it means "latest"']);
    expect(messages('probe-liveness', wf)).toEqual([]);
    expect(warningsOf(wf)).toEqual([]);
  });

  it('does not take maps without images, schemas or built-in objects for pod templates', () => {
    expect(scanObject({ apiVersion: 'example.com/v1', kind: 'Report', spec: { template: { spec: { title: 'x' } }, containers: [{ name: 'x' }] } })).toEqual({ templates: [], looseContainers: [], looseContainerMaps: [], loosePods: [] });
    expect(scanObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: { x: { containers: [{ image: 'a' }] } } }).templates).toEqual([]);
    expect(scanObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: { containers: [{ image: 'a' }] } } }).templates).toEqual([]);
    // An image field of the custom resource itself (an operator's own setting) is not a container.
    expect(scanObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', spec: { image: 'quay.io/prometheus/prometheus:v2.50.0' } }).looseContainers).toEqual([]);
  });
});

describe('Argo Rollouts: workloadRef and autoscalers of a Rollout', () => {
  const withRef = (replicas: unknown, deploymentReplicas: unknown = 0) => (a: App) => {
    a.deployment.spec.replicas = deploymentReplicas;
    (a as any).rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta('web'), spec: { ...(replicas === undefined ? {} : { replicas }), workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } };
  };
  it('judges the replicas of a Deployment on the Rollout that references it', () => {
    expect(messages('replicas-min', withRef(3))).toEqual([]);
    expect(messages('pdb', withRef(3))).toEqual([]);
    expect(messages('replicas-min', withRef(1))).toEqual(['Deployment web: runs 1 replica (Rollout web owns its replicas through workloadRef); one replica means downtime whenever its node goes away']);
  });
  it('flags static replicas on a Rollout that an HPA scales', () => {
    const hpa = (a: App) => {
      withRef(3)(a);
      (a as any).hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' }, minReplicas: 2, maxReplicas: 5 } };
    };
    expect(messages('replicas-min', hpa)).toEqual(['Deployment web: sets spec.replicas 3 (Rollout web owns its replicas through workloadRef) although HorizontalPodAutoscaler web scales it: every apply or GitOps sync resets the count the autoscaler chose']);
  });
});

describe('KEDA ScaledObject: static replicas fight it, and its minReplicaCount counts for replicas-min', () => {
  const scaled = (spec: any, target: any = { name: 'web' }) => (a: App) => {
    (a as any).so = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta('web'), spec: { scaleTargetRef: target, ...spec, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }] } };
  };
  it('flags spec.replicas on a workload a ScaledObject scales (kind defaults to Deployment)', () => {
    expect(messages('replicas-min', scaled({ minReplicaCount: 2, maxReplicaCount: 10 })))
      .toEqual(['Deployment web: sets spec.replicas 2 although ScaledObject web scales it: every apply or GitOps sync resets the count the autoscaler chose']);
    expect(messages('replicas-min', scaled({ minReplicaCount: 2 }, { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' }))).toHaveLength(1);
  });
  it('flags minReplicaCount below 2, and the default 0', () => {
    const noReplicas = (spec: any) => (a: App) => { delete a.deployment.spec.replicas; scaled(spec)(a); };
    expect(messages('replicas-min', noReplicas({ minReplicaCount: 1 })))
      .toEqual(['Deployment web: is scaled by ScaledObject web with minReplicaCount 1; one replica means downtime whenever its node goes away']);
    expect(messages('replicas-min', noReplicas({})))
      .toEqual(['Deployment web: is scaled by ScaledObject web with minReplicaCount 0 (the default) (0 scales it to zero: the first request waits for a pod to start, and then one replica serves); one replica means downtime whenever its node goes away']);
    expect(messages('replicas-min', noReplicas({ minReplicaCount: 'two' })))
      .toEqual(['Deployment web: ScaledObject web has spec.minReplicaCount "two", not a whole number; the API server rejects it']);
  });
  it('passes a ScaledObject with minReplicaCount 2 over a workload without replicas, and one over another workload', () => {
    const good = (a: App) => { delete a.deployment.spec.replicas; scaled({ minReplicaCount: 2, maxReplicaCount: 10 })(a); };
    for (const rule of ['replicas-min', 'pdb', 'spread-nodes']) expect(messages(rule, good)).toEqual([]);
    expect(messages('replicas-min', scaled({ minReplicaCount: 1 }, { name: 'other' }))).toEqual([]);
    // A ScaledObject of another API group is not KEDA's.
    const foreign = (a: App) => { scaled({ minReplicaCount: 1 })(a); (a as any).so.apiVersion = 'example.com/v1'; };
    expect(messages('replicas-min', foreign)).toEqual([]);
  });
  it('flags an HPA and a ScaledObject on one workload', () => {
    const both = (a: App) => {
      delete a.deployment.spec.replicas;
      scaled({ minReplicaCount: 2 })(a);
      (a as any).hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web-hpa'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 } };
    };
    expect(messages('replicas-min', both)).toEqual(['Deployment web: is the target of 2 autoscalers (ScaledObject web, HorizontalPodAutoscaler web-hpa): each sets the replica count to its own, so they undo each other']);
  });
});
