import { describe, expect, it } from 'vitest';
import { isPinnedTag, parseImage, pinProblem } from '../../lib/core/image';
import { App, LABELS, messages, NS, SEL } from './helpers';

const c0 = (a: App) => a.deployment.spec.template.spec.containers[0];
const podSpec = (a: App) => a.deployment.spec.template.spec;
const meta = (name: string) => ({ name, namespace: NS, labels: { ...LABELS } });

describe('serving: a container a Service targets serves, whether or not it declares the port', () => {
  const undeclared = (a: App) => { delete c0(a).ports; };

  it('flags a missing readinessProbe, preStop and scraping on a targeted container without ports', () => {
    expect(messages('probe-readiness', (a) => { undeclared(a); delete c0(a).readinessProbe; }))
      .toEqual(['Deployment web: container "app" serves on port 8080 (Service web targets it) but has no readinessProbe, so it receives traffic while starting or failing']);
    expect(messages('graceful-shutdown', (a) => { undeclared(a); delete c0(a).lifecycle; }))
      .toEqual(['Deployment web: container "app" serves on port 8080 (Service web targets it) but has no lifecycle.preStop delay, so it gets SIGTERM while Services still send it traffic']);
    expect(messages('metrics', (a) => { undeclared(a); delete a.deployment.spec.template.metadata.annotations['prometheus.io/scrape']; })).toHaveLength(1);
    expect(messages('ingress-backend', (a) => { undeclared(a); delete c0(a).readinessProbe; }))
      .toEqual(['Ingress web: routes to Service web, whose pods (Deployment/web) have no readinessProbe on "app", so traffic reaches pods that are not ready']);
  });

  it('does not flag a worker that declares no port and that no Service targets', () => {
    const worker = (a: App) => { undeclared(a); delete c0(a).readinessProbe; delete c0(a).lifecycle; delete (a as any).service; delete (a as any).ingress; };
    expect(messages('probe-readiness', worker)).toEqual([]);
    expect(messages('graceful-shutdown', worker)).toEqual([]);
  });

  it('a named targetPort is served by the container that declares that name, not by the others', () => {
    const found = messages('probe-readiness', (a) => {
      a.service.spec.ports[0].targetPort = 'http';
      podSpec(a).containers.push({ ...c0(a), name: 'sidecar', ports: undefined, readinessProbe: undefined });
    });
    expect(found).toEqual([]);
  });
});

describe('pdb: a budget that can never allow a disruption is flagged whatever the replicas', () => {
  const single = (a: App) => { a.deployment.spec.replicas = 1; podSpec(a).topologySpreadConstraints = []; };

  it.each<[string, any, string]>([
    ['maxUnavailable 0', { maxUnavailable: 0 }, 'maxUnavailable 0'],
    ['maxUnavailable "0%"', { maxUnavailable: '0%' }, 'maxUnavailable 0%'],
    ['minAvailable "100%"', { minAvailable: '100%' }, 'minAvailable 100%'],
    ['minAvailable 1 over 1 replica', { minAvailable: 1 }, 'minAvailable 1 with 1 replica'],
  ])('%s over a single replica', (_t, budget, why) => {
    expect(messages('pdb', (a) => { single(a); a.pdb.spec = { ...budget, selector: a.pdb.spec.selector }; }))
      .toEqual([`PodDisruptionBudget web: allows no disruption (${why}) over Deployment/web (1 replica), so every drain of their nodes blocks forever`]);
  });

  it('over an HPA with minReplicas 1', () => {
    expect(messages('pdb', (a) => {
      delete a.deployment.spec.replicas;
      (a as any).hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 } };
      a.pdb.spec = { minAvailable: 1, selector: a.pdb.spec.selector };
    })).toEqual(['PodDisruptionBudget web: allows no disruption (minAvailable 1 with 1 replica) over Deployment/web (HorizontalPodAutoscaler minReplicas 1), so every drain of their nodes blocks forever']);
  });

  const keda = (min: number, max: number) => (a: App) => {
    delete a.deployment.spec.replicas;
    (a as any).scaled = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta('web'), spec: { scaleTargetRef: { name: 'web' }, minReplicaCount: min, maxReplicaCount: max, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '50' } }] } };
  };

  it('over a KEDA ScaledObject that may scale to zero: judged at the one pod it runs whenever it runs', () => {
    expect(messages('pdb', (a) => { keda(0, 1)(a); a.pdb.spec = { minAvailable: 1, selector: a.pdb.spec.selector }; })).toEqual([
      'PodDisruptionBudget web: allows no disruption (minAvailable 1 with 1 replica) over Deployment/web (ScaledObject minReplicaCount 0, up to 1: 1 pod whenever it runs), so every drain of their nodes blocks forever',
    ]);
    expect(messages('pdb', (a) => { keda(0, 5)(a); a.pdb.spec = { maxUnavailable: 0, selector: a.pdb.spec.selector }; })).toEqual([
      'PodDisruptionBudget web: allows no disruption (maxUnavailable 0) over Deployment/web (ScaledObject minReplicaCount 0, up to 5: 1 pod whenever it runs), so every drain of their nodes blocks forever',
    ]);
    expect(messages('pdb', (a) => { keda(1, 5)(a); a.pdb.spec = { minAvailable: 1, selector: a.pdb.spec.selector }; })).toEqual([
      'PodDisruptionBudget web: allows no disruption (minAvailable 1 with 1 replica) over Deployment/web (ScaledObject minReplicaCount 1), so every drain of their nodes blocks forever',
    ]);
    // maxUnavailable 1 lets a drain evict the one pod.
    expect(messages('pdb', (a) => { keda(0, 1)(a); a.pdb.spec = { maxUnavailable: 1, selector: a.pdb.spec.selector }; })).toEqual([]);
  });

  it('passes a budget that allows one eviction over a single replica, and "50%" over 2 replicas', () => {
    expect(messages('pdb', (a) => { single(a); })).toEqual([]);
    expect(messages('pdb', (a) => { a.pdb.spec = { minAvailable: '50%', selector: a.pdb.spec.selector }; })).toEqual([]);
  });
});

describe('replicas-min: static replicas under an HPA, and replica counts that are not numbers', () => {
  const hpa = (a: App) => { (a as any).hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 } }; };

  it('flags spec.replicas on an HPA-scaled workload', () => {
    expect(messages('replicas-min', (a) => { hpa(a); a.deployment.spec.replicas = 3; }))
      .toEqual(['Deployment web: sets spec.replicas 3 although HorizontalPodAutoscaler web scales it: every apply or GitOps sync resets the count the autoscaler chose']);
  });

  it('passes an HPA-scaled workload without spec.replicas', () => {
    expect(messages('replicas-min', (a) => { hpa(a); delete a.deployment.spec.replicas; })).toEqual([]);
  });

  it.each<[unknown, string]>([['1e400', '"1e400"'], [1.5, '1.5'], ['2', '"2"'], [-1, '-1'], [2 ** 31, '2147483648']])('leaves replicas %j to api-valid', (value, shown) => {
    const change = (a: App) => { a.deployment.spec.replicas = value; };
    expect(messages('api-valid', change)).toEqual([`Deployment web: ${shown} is refused by the API server; expected a whole number from 0 to 2147483647`]);
    expect(messages('replicas-min', change)).toEqual([]);
    // ... and no other rule takes it for 1 replica
    expect(messages('pdb', change)).toEqual([]);
  });

  it('leaves replicas .inf to api-valid', () => {
    const change = (a: App) => { a.deployment.spec.replicas = Infinity; };
    expect(messages('api-valid', change)).toEqual(['Deployment web: .inf (infinite) is refused by the API server; expected a whole number from 0 to 2147483647 (YAML reads .inf and .nan as numbers that are not whole)']);
    expect(messages('replicas-min', change)).toEqual([]);
  });
});

describe('resources: values that are not quantities count as not set', () => {
  it.each(['1GB', '0.5.5', '', '-1', 'lots'])('leaves requests.cpu %j to api-valid', (value) => {
    const change = (a: App) => { c0(a).resources.requests.cpu = value; };
    expect(messages('resources', change)).toEqual([]);
    expect(messages('api-valid', change)).toEqual([expect.stringMatching(new RegExp(`^Deployment web: ${JSON.stringify(value).replace(/[.+]/g, '\\$&')} is refused by the API server; expected `))]);
  });

  it('leaves a broken memory limit to api-valid', () => {
    const change = (a: App) => { c0(a).resources.limits.memory = '1GB'; };
    expect(messages('resources', change)).toEqual([]);
    expect(messages('api-valid', change)).toHaveLength(1);
  });

  it.each<unknown>(['250m', '0.5', 1, '1e3', '128974848', '1G', '.5', '+1'])('passes requests.cpu %j', (value) => {
    expect(messages('resources', (a) => { c0(a).resources.requests.cpu = value; })).toEqual([]);
  });
});

describe('ns-quota: a quota on a resource no LimitRange gives a default for', () => {
  it('flags limits.cpu without a default cpu limit', () => {
    expect(messages('ns-quota', (a) => { a.quota.spec.hard['limits.cpu'] = '8'; })).toEqual([
      'ResourceQuota quota: bounds limits.cpu, but no LimitRange in namespace shop gives containers a default cpu limit: the API server rejects every pod whose containers set none',
    ]);
  });

  it('passes limits.cpu with a LimitRange default cpu', () => {
    expect(messages('ns-quota', (a) => { a.quota.spec.hard['limits.cpu'] = '8'; a.limitRange.spec.limits[0].default.cpu = '500m'; })).toEqual([]);
  });
});

describe('pod-security: capability names compared exactly, as Pod Security admission does', () => {
  const caps = (c: any) => (a: App) => { c0(a).securityContext.capabilities = c; };

  it('flags drop [all], add [CAP_NET_BIND_SERVICE] and add [cap_chown]', () => {
    expect(messages('pod-security', caps({ drop: ['all'] })))
      .toEqual(['Deployment web: container "app" does not drop ALL capabilities (all: Pod Security admission compares capability names exactly (upper case, no CAP_ prefix))']);
    expect(messages('pod-security', caps({ drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] })))
      .toEqual(['Deployment web: container "app" adds the capabilities CAP_NET_BIND_SERVICE (CAP_NET_BIND_SERVICE: Pod Security admission compares capability names exactly (upper case, no CAP_ prefix))']);
    expect(messages('pod-security', caps({ drop: ['ALL'], add: ['cap_chown'] }))).toContain('Deployment web: container "app" adds the capabilities cap_chown (cap_chown: Pod Security admission compares capability names exactly (upper case, no CAP_ prefix))');
  });

  it('passes drop [ALL] and add [NET_BIND_SERVICE]', () => {
    expect(messages('pod-security', caps({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }))).toEqual([]);
  });
});

describe('spread: anti-affinity across namespaces does not spread this workload; invalid constraints are flagged', () => {
  const anti = (term: any) => (a: App) => {
    podSpec(a).topologySpreadConstraints.splice(0, 1);
    podSpec(a).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...SEL } }, ...term } }] } };
  };

  it.each<[string, any]>([
    ['namespaces: [other]', { namespaces: ['other'] }],
    ['namespaceSelector by a label its namespace lacks', { namespaceSelector: { matchLabels: { team: 'a' } } }],
    ['namespaceSelector of another namespace', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }],
  ])('flags anti-affinity with %s', (_t, term) => {
    expect(messages('spread-nodes', anti(term))).toHaveLength(1);
  });

  // The term counts the union of namespaces and the selected namespaces: more namespaces count more pods, the workload's own included.
  it.each<[string, any]>([
    ['no namespaces', {}],
    ['namespaces: [shop]', { namespaces: [NS] }],
    ['namespaces: [shop, other]', { namespaces: [NS, 'other'] }],
    ['namespaceSelector: {}', { namespaceSelector: {} }],
    ['namespaceSelector on kubernetes.io/metadata.name', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } }],
    ['namespaceSelector on a label of its Namespace object', { namespaceSelector: { matchExpressions: [{ key: 'pod-security.kubernetes.io/enforce', operator: 'In', values: ['restricted'] }] } }],
    ['namespaces: [other] with a namespaceSelector of its own', { namespaces: ['other'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } }],
  ])('passes anti-affinity that counts its own namespace: %s', (_t, term) => {
    expect(messages('spread-nodes', anti(term))).toEqual([]);
  });

  it('flags a constraint with no labelSelector (the API server accepts it)', () => {
    const found = messages('spread-nodes', (a) => { Object.assign(podSpec(a).topologySpreadConstraints[0], { labelSelector: undefined }); });
    expect(found).toContain('Deployment web: topologySpreadConstraints[0] has no labelSelector, so it counts no pods and spreads nothing');
  });

  it.each<[string, any]>([
    ['maxSkew 0', { maxSkew: 0 }],
    ['no topologyKey', { topologyKey: undefined }],
    ['a bad whenUnsatisfiable', { whenUnsatisfiable: 'Sometimes' }],
  ])('leaves a constraint with %s to api-valid, and does not count it', (_t, change) => {
    const mutate = (a: App) => { Object.assign(podSpec(a).topologySpreadConstraints[0], change); };
    expect(messages('api-valid', mutate)).toHaveLength(1);
    expect(messages('spread-nodes', mutate)).toEqual([expect.stringMatching(/^Deployment web: runs up to 2 replicas but nothing spreads them across nodes/)]);
  });
});

describe('metrics: prometheus.io/scrape on a Service that selects the pods counts', () => {
  const noPodAnnotation = (a: App) => { delete a.deployment.spec.template.metadata.annotations['prometheus.io/scrape']; };

  it('passes when the Service is annotated', () => {
    expect(messages('metrics', (a) => { noPodAnnotation(a); a.service.metadata.annotations = { 'prometheus.io/scrape': 'true' }; })).toEqual([]);
  });

  it('flags when neither is', () => {
    expect(messages('metrics', noPodAnnotation)).toEqual(['Deployment web: serves on a port but nothing scrapes its metrics: no ServiceMonitor or PodMonitor selects it, and neither its pods nor a Service that selects them has the prometheus.io/scrape annotation']);
  });

  it('flags an annotation other than "true" and says which value is where', () => {
    const NOTHING = 'Deployment web: serves on a port but nothing scrapes its metrics: no ServiceMonitor or PodMonitor selects it, and the prometheus.io/scrape annotation is';
    expect(messages('metrics', (a) => { noPodAnnotation(a); a.service.metadata.annotations = { 'prometheus.io/scrape': 'True' }; }))
      .toEqual([`${NOTHING} "True" on Service web: only "true", exactly, makes Prometheus scrape`]);
    expect(messages('metrics', (a) => {
      a.deployment.spec.template.metadata.annotations['prometheus.io/scrape'] = 'false';
      a.service.metadata.annotations = { 'prometheus.io/scrape': 'yes' };
    })).toEqual([`${NOTHING} "false" on its pods and "yes" on Service web: only "true", exactly, makes Prometheus scrape`]);
    // "true" on either side is enough, whatever the other says.
    expect(messages('metrics', (a) => { a.service.metadata.annotations = { 'prometheus.io/scrape': 'false' }; })).toEqual([]);
  });
});

describe('config-external: judged on the value', () => {
  const env = (name: string, value: string) => (a: App) => { c0(a).env = [{ name, value }]; };

  it.each<[string, string]>([
    ['POSTGRESQL_LOG_HOSTNAME', 'false'], ['DB_HOST', 'db'], ['DB_HOST', 'db.shop.svc.cluster.local'], ['DB_HOST', 'db.other.svc'],
    ['API_URL', 'http://web.shop:8080/api'], ['METRICS_ADDR', ':9090'], ['LISTEN_ADDRESS', '0.0.0.0:8080'], ['REDIS_URL', 'redis://localhost:6379'], ['WORKERS', '4'],
  ])('passes %s=%s', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['DB_HOST', 'db.prod.example.com', 'db.prod.example.com'], ['API_URL', 'https://api.example.com/v1', 'api.example.com'],
    ['UPSTREAM', 'https://10.0.0.7:8443', '10.0.0.7'], ['HTTPS_PROXY', 'http://proxy.corp:3128', 'proxy.corp'], ['CACHE_SERVERS', 'cache-1.example.net:11211,cache-2.example.net:11211', 'cache-1.example.net'],
  ])('flags %s=%s', (name, value, host) => {
    expect(messages('config-external', env(name, value))[0]).toContain(`env ${name} is a literal in the pod spec ("${value}"), pointing at ${host}`);
  });
});

describe('ns-rbac: subresources, wildcards and escalating verbs as the API server matches them', () => {
  const rule = (r: any, kind = 'Role') => (a: App) => { a.role.kind = kind; a.role.rules = [r]; };

  it.each<[string, any, string]>([
    ['*/exec', { apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }, 'grants create on pods/exec (through */exec): a shell in a pod reads its token'],
    ['pods/* (a literal in RBAC)', { apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }, 'grants a wildcard in resources (pods/*): it grants whatever is added to the API later (the API server matches pods/* literally: only * and */<subresource> are wildcards in RBAC)'],
    ['serviceaccounts/token', { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, 'grants create on serviceaccounts/token: it mints tokens for any ServiceAccount of the namespace'],
    ['escalate', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }, 'grants the verb escalate: escalate lets the holder write Roles with permissions it does not have'],
    ['bind', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['bind'] }, 'grants the verb bind: bind lets the holder bind any Role'],
    ['impersonate', { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }, 'grants the verb impersonate: impersonate lets the holder act as another user, group or ServiceAccount'],
  ])('flags %s', (_t, r, message) => {
    expect(messages('ns-rbac', rule(r)).join('\n')).toContain(message);
  });

  it('passes list and watch on pods/exec, which open no shell', () => {
    expect(messages('ns-rbac', rule({ apiGroups: [''], resources: ['pods/exec', 'pods/log'], verbs: ['list', 'watch'] }))).toEqual([]);
  });

  it('says "every namespace the ClusterRole is bound in" on a ClusterRole', () => {
    expect(messages('ns-rbac', rule({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, 'ClusterRole')))
      .toEqual(['ClusterRole viewer: grants get on secrets: whoever holds it reads the Secrets of every namespace the ClusterRole is bound in (all of them through a ClusterRoleBinding)']);
  });
});

describe('Helm hook Pods run once', () => {
  const hookPod = (annotations: { [k: string]: string }) => (a: App) => {
    (a as any).test = {
      apiVersion: 'v1', kind: 'Pod', metadata: { ...meta('web-test'), annotations },
      spec: { ...podSpec(a), containers: [{ ...c0(a), name: 'test', ports: undefined, readinessProbe: undefined, livenessProbe: undefined, lifecycle: undefined }], terminationGracePeriodSeconds: undefined },
    };
  };

  it('passes a helm.sh/hook: test Pod without probes or a grace period', () => {
    for (const rule of ['probe-liveness', 'probe-readiness', 'graceful-shutdown', 'metrics']) {
      expect(messages(rule, hookPod({ 'helm.sh/hook': 'test' }))).toEqual([]);
    }
  });

  it('flags the same Pod without the hook annotation as long-running', () => {
    expect(messages('probe-liveness', hookPod({}))).toEqual(['Pod web-test: container "test" has no livenessProbe, so a hung process is never restarted']);
  });
});

describe('image-pinned: moving tags', () => {
  it.each(['redis:alpine', 'nginx:stable', 'ghcr.io/acme/app:main', 'ghcr.io/acme/app:3', 'redis:7.2', 'node:lts-alpine', 'app:v2'])('flags %s', (image) => {
    const found = messages('image-pinned', (a) => { c0(a).image = image; });
    expect(found).toEqual([`Deployment web: container "app": image "${image}" uses the tag "${image.slice(image.lastIndexOf(':') + 1)}", which moves when a new build is pushed: a pinned tag holds a full version (1.4.2), a date (20240105) or a commit hash`]);
  });

  it.each(['nginx:1.25.3', 'nginx:1.25.3-alpine', 'ghcr.io/acme/app:v2.3.1', 'ghcr.io/acme/app:2.4.0-rc.1', 'ghcr.io/acme/app:20240105', 'ghcr.io/acme/app:2024-01-05', 'ghcr.io/acme/app:sha-3f2a9c8', 'ghcr.io/acme/app:main-1a2b3c4d', `redis@sha256:${'a'.repeat(64)}`, `redis:alpine@sha256:${'b'.repeat(64)}`])('passes %s', (image) => {
    expect(messages('image-pinned', (a) => { c0(a).image = image; })).toEqual([]);
  });

  it('takes a pattern that replaces the definition; latest never counts', () => {
    expect(messages('image-pinned', (a) => { c0(a).image = 'redis:7.2'; }, { pinnedTagPattern: '\\d+\\.\\d+' })).toEqual([]);
    expect(messages('image-pinned', (a) => { c0(a).image = 'redis:7.2.4'; }, { pinnedTagPattern: '\\d+\\.\\d+' }))
      .toEqual(['Deployment web: container "app": image "redis:7.2.4" uses the tag "7.2.4", which does not match the pinned-tag pattern \\d+\\.\\d+']);
    expect(isPinnedTag('latest', '.+')).toBe(false);
    expect(pinProblem(parseImage('app:latest')!, '.+')).toBe('uses the tag "latest", which changes under the same name');
    expect(() => messages('image-pinned', () => undefined, { pinnedTagPattern: '(' })).toThrow('pinnedTagPattern ( a non-empty regular expression that a whole image tag must match');
  });
});

describe('pdb: budgets over kinds whose size the manifests do not give', () => {
  it('a budget over a DaemonSet is not judged (drains skip DaemonSet pods); over a Job only when it can never allow one', () => {
    const as = (kind: string) => (a: App) => {
      const d = a.deployment;
      a.deployment = kind === 'DaemonSet'
        ? { apiVersion: 'apps/v1', kind, metadata: d.metadata, spec: { selector: d.spec.selector, template: d.spec.template } }
        : { apiVersion: 'batch/v1', kind, metadata: d.metadata, spec: { template: { ...d.spec.template, spec: { ...d.spec.template.spec, restartPolicy: 'Never' } } } };
      a.pdb.spec = { maxUnavailable: 0, selector: a.pdb.spec.selector };
    };
    expect(messages('pdb', as('DaemonSet'))).toEqual([]);
    expect(messages('pdb', as('Job'))).toEqual(['PodDisruptionBudget web: allows no disruption (maxUnavailable 0) over Job/web, so every drain of their nodes blocks forever']);
  });
});
