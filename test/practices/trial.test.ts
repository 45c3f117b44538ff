import { describe, expect, it } from 'vitest';
import { readManifestText } from '../../lib/practices/read';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { App, LABELS, manifests, messages, NS } from './helpers';

/** Raw-object fixtures for the blind spots a new user's trial found: what must be flagged, and what must pass. */
const c0 = (a: App) => a.deployment.spec.template.spec.containers[0];
const podSpec = (a: App) => a.deployment.spec.template.spec;
const meta = (name: string) => ({ name, namespace: NS, labels: { ...LABELS } });

describe('ns-rbac: dangerous grants in every API group, bindings to everyone, aggregation', () => {
  const rule = (r: any, kind = 'Role') => (a: App) => { a.role.kind = kind; a.role.rules = [r]; };
  const NSW = 'runs pods as any ServiceAccount of the namespace, with any Secret, ConfigMap and volume of it mounted';

  it.each<[string, any, string, string?]>([
    ['apps deployments create/patch', { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }, `grants create, patch on deployments (apps): whoever creates or changes a workload (deployments) ${NSW}`],
    ['batch jobs create', { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }, `grants create on jobs (batch): whoever creates or changes a workload (jobs) ${NSW}`],
    ['batch cronjobs create', { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create'] }, 'grants create on cronjobs (batch)'],
    ['pods patch/update', { apiGroups: [''], resources: ['pods'], verbs: ['patch', 'update'] }, 'grants update, patch on pods: changing a pod\'s image runs other code with its ServiceAccount, Secrets and volumes'],
    ['pods/ephemeralcontainers patch', { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }, 'grants patch on pods/ephemeralcontainers: it adds a container of any image to a running pod'],
    ['nodes/proxy get', { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, 'grants get on nodes/proxy: it reaches the kubelet API of every node', 'ClusterRole'],
    ['mutating webhooks create', { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['create'] }, 'grants create on mutatingwebhookconfigurations (admissionregistration.k8s.io): a mutating webhook receives and rewrites every object', 'ClusterRole'],
    ['CSR approval', { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] }, 'grants update on certificatesigningrequests/approval (certificates.k8s.io): it approves certificate requests', 'ClusterRole'],
    ['signers approve', { apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'] }, 'grants approve on signers (certificates.k8s.io)', 'ClusterRole'],
    ['persistentvolumes create', { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] }, 'grants create on persistentvolumes: a hostPath PersistentVolume mounts any directory of a node into a pod', 'ClusterRole'],
    ['apiGroups * on deployments', { apiGroups: ['*'], resources: ['deployments'], verbs: ['create'] }, 'grants create on deployments (apps)'],
  ])('flags %s', (_t, r, message, kind) => {
    expect(messages('ns-rbac', rule(r, kind)).join('\n')).toContain(message);
  });

  it.each<[string, any, string?]>([
    ['read-only workloads', { apiGroups: ['apps', 'batch'], resources: ['deployments', 'jobs', 'cronjobs'], verbs: ['get', 'list', 'watch'] }],
    ['delete pods (a restart)', { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get'] }],
    ['deployments in the core group (no such resource)', { apiGroups: [''], resources: ['deployments'], verbs: ['create'] }],
    ['deployments/scale patch', { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] }],
    ['nodes get', { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, 'ClusterRole'],
    ['CSR create and get', { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }, 'ClusterRole'],
    ['nodes/proxy in a Role (cluster-scoped: grants nothing)', { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  ])('passes %s', (_t, r, kind) => {
    expect(messages('ns-rbac', rule(r, kind))).toEqual([]);
  });

  const binding = (subject: any) => (a: App) => {
    (a as any).binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('viewers'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' }, subjects: [subject] };
  };
  it.each<[string, string, string]>([
    ['Group', 'system:unauthenticated', 'every request without credentials, from anyone who reaches the API server'],
    ['User', 'system:anonymous', 'every request without credentials, from anyone who reaches the API server'],
    ['Group', 'system:serviceaccounts', 'every ServiceAccount of every namespace, so any pod that can run'],
    ['Group', 'system:authenticated', 'every user and every ServiceAccount of the cluster'],
  ])('flags a binding to %s %s', (kind, name, who) => {
    expect(messages('ns-rbac', binding({ kind, name, apiGroup: 'rbac.authorization.k8s.io' })))
      .toEqual([`RoleBinding viewers: binds Role viewer to ${kind} ${name}, that is to ${who}`]);
  });
  it('passes a binding to a named group or ServiceAccount', () => {
    expect(messages('ns-rbac', binding({ kind: 'Group', name: 'shop-dev', apiGroup: 'rbac.authorization.k8s.io' }))).toEqual([]);
    expect(messages('ns-rbac', binding({ kind: 'ServiceAccount', name: 'web', namespace: NS }))).toEqual([]);
  });

  const aggregated = (selector: any) => (a: App) => {
    (a as any).agg = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'team-admin', labels: LABELS }, aggregationRule: { clusterRoleSelectors: [selector] }, rules: [] };
  };
  it('flags a ClusterRole that aggregates what admin or edit aggregates, or every ClusterRole', () => {
    expect(messages('ns-rbac', aggregated({ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } })))
      .toEqual(['ClusterRole team-admin: its aggregationRule gathers the ClusterRoles that admin gathers (rbac.authorization.k8s.io/aggregate-to-admin=true), so it grants what those grant (secrets, pod creation) and grows when any of them does']);
    expect(messages('ns-rbac', aggregated({ matchExpressions: [{ key: 'rbac.authorization.k8s.io/aggregate-to-edit', operator: 'Exists' }] }))[0])
      .toContain('gathers the ClusterRoles that edit gathers');
    expect(messages('ns-rbac', aggregated({}))[0]).toContain('its aggregationRule selects every ClusterRole, cluster-admin included');
  });
  it('passes a ClusterRole that aggregates its own labelled roles', () => {
    expect(messages('ns-rbac', aggregated({ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }))).toEqual([]);
    expect(messages('ns-rbac', aggregated({ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }))).toEqual([]);
  });
});

describe('pods inside kinds the checker does not know are checked as long-running replicated workloads', () => {
  const privileged = (a: App) => ({ ...a.deployment.spec.template, spec: { ...podSpec(a), containers: [{ ...c0(a), image: 'nginx', securityContext: { ...c0(a).securityContext, privileged: true } }] } });
  const rollout = (a: App) => {
    (a as any).rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta('web-rollout'), spec: { replicas: 2, selector: a.deployment.spec.selector, strategy: { canary: {} }, template: privileged(a) } };
  };
  const podTemplate = (a: App) => {
    (a as any).podTemplate = { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('web-template'), template: privileged(a) };
  };

  it('flags a privileged Rollout with an unpinned image', () => {
    expect(messages('pod-security', rollout)).toEqual(['Rollout web-rollout: container "app" is privileged']);
    expect(messages('image-pinned', rollout)).toEqual(['Rollout web-rollout: container "app": image "nginx" has neither a tag nor a digest, so it means "latest"']);
  });

  it('flags a v1 PodTemplate (template) the same way', () => {
    expect(messages('pod-security', podTemplate)).toEqual(['PodTemplate web-template: container "app" is privileged']);
    expect(messages('image-pinned', podTemplate)).toHaveLength(1);
  });

  it('passes a well-made Rollout, and a custom resource whose spec.template is no pod template', () => {
    const good = (a: App) => { (a as any).rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta('web-rollout'), spec: { replicas: 2, selector: a.deployment.spec.selector, template: a.deployment.spec.template } }; delete (a as any).deployment; };
    for (const rule of ['pod-security', 'image-pinned', 'probe-readiness', 'probe-liveness', 'graceful-shutdown', 'resources', 'labels']) expect(messages(rule, good)).toEqual([]);
    const notPods = (a: App) => { (a as any).cr = { apiVersion: 'example.com/v1', kind: 'Report', metadata: meta('r'), spec: { template: { spec: { title: 'x' } } } }; };
    expect(messages('pod-security', notPods)).toEqual([]);
  });
});

describe('native sidecars (initContainers with restartPolicy Always) are long-running containers', () => {
  const sidecar = (extra: any = {}) => (a: App) => {
    podSpec(a).initContainers = [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.1.0', restartPolicy: 'Always', ports: [{ containerPort: 9000, name: 'proxy' }], ...extra }];
  };
  const targeted = (a: App) => { a.service.spec.ports.push({ name: 'proxy', port: 9000, targetPort: 'proxy' }); };

  it('flags a sidecar a Service targets without readinessProbe, and any sidecar without livenessProbe; it needs no preStop, as it stops after the main container', () => {
    const mutate = (a: App) => { sidecar()(a); targeted(a); };
    expect(messages('probe-readiness', mutate)).toEqual(['Deployment web: container "proxy" serves on port proxy (Service web targets it) but has no readinessProbe, so it receives traffic while starting or failing']);
    expect(messages('graceful-shutdown', mutate)).toEqual([]);
    expect(messages('probe-liveness', sidecar())).toEqual(['Deployment web: container "proxy" has no livenessProbe, so a hung process is never restarted']);
  });

  it('passes a sidecar with probes, and a plain init container without any', () => {
    const probed = { readinessProbe: { tcpSocket: { port: 9000 } }, livenessProbe: { tcpSocket: { port: 9000 }, periodSeconds: 10, failureThreshold: 6 }, lifecycle: { preStop: { sleep: { seconds: 5 } } } };
    const mutate = (a: App) => { sidecar(probed)(a); targeted(a); };
    for (const rule of ['probe-readiness', 'probe-liveness', 'graceful-shutdown']) expect(messages(rule, mutate)).toEqual([]);
    const init = (a: App) => { podSpec(a).initContainers = [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0' }]; };
    for (const rule of ['probe-readiness', 'probe-liveness', 'graceful-shutdown']) expect(messages(rule, init)).toEqual([]);
  });

  it('a port-less main container behind a serving native sidecar waits in preStop: it stops first', () => {
    const portless = (a: App) => { sidecar()(a); targeted(a); delete c0(a).ports; a.service.spec.ports = [{ name: 'proxy', port: 9000, targetPort: 'proxy' }]; delete c0(a).readinessProbe; c0(a).livenessProbe = { exec: { command: ['/bin/check'] } }; };
    expect(messages('graceful-shutdown', portless)).toEqual([]);
    expect(messages('graceful-shutdown', (a) => { portless(a); delete c0(a).lifecycle; })).toEqual([
      'Deployment web: container "app" stops before native sidecar "proxy", which serves on port proxy (Service web targets it), but has no lifecycle.preStop delay, so it gets SIGTERM while Services still send it traffic']);
  });

  it('a native sidecar\'s preStop delay runs after the main container\'s, within the grace period', () => {
    const slow = (seconds: number) => (a: App) => { sidecar({ lifecycle: { preStop: { sleep: { seconds } } } })(a); };
    expect(messages('graceful-shutdown', slow(5))).toEqual([]);
    expect(messages('graceful-shutdown', slow(20))).toEqual([
      'Deployment web: native sidecar "proxy": its preStop delay (20s) runs after the regular containers have stopped, and with their preStop delay (10s) it is not shorter than terminationGracePeriodSeconds (30s), so SIGKILL cuts the pod\'s shutdown short']);
  });

  it('a preStop delay of 0 seconds is no delay', () => {
    expect(messages('graceful-shutdown', (a) => { c0(a).lifecycle = { preStop: { exec: { command: ['sleep', '0'] } } }; })).toEqual([
      'Deployment web: container "app" serves on port 8080 but its lifecycle.preStop delay is 0s, so it gets SIGTERM while Services still send it traffic']);
  });

  it('does not ask a sidecar that no Service targets for a readinessProbe', () => {
    expect(messages('probe-readiness', sidecar())).toEqual([]);
  });
});

describe('graceful-shutdown reads sleep as GNU sleep does', () => {
  const preStop = (command: string[], grace = 30) => (a: App) => { c0(a).lifecycle = { preStop: { exec: { command } } }; podSpec(a).terminationGracePeriodSeconds = grace; };
  it.each<[string[], number, string]>([
    [['sleep', '1m'], 30, '60s'], [['sleep', '45.0'], 30, '45s'], [['/bin/sh', '-c', 'sleep 0.5m'], 30, '30s'], [['sleep', '1h'], 600, '3600s'], [['sleep', '20', '15s'], 30, '35s'],
    [['/bin/sh', '-c', 'sleep 10; sleep 25'], 30, '35s'], [['sh', '-c', 'echo draining && sleep 20 && sleep 0.25m'], 30, '35s'],
    [['sleep', 'infinity'], 30, 'sleep infinity: it never ends'],
  ])('flags %j with a %is grace period', (command, grace, delay) => {
    expect(messages('graceful-shutdown', preStop(command, grace)))
      .toEqual([`Deployment web: container "app": the preStop delay (${delay}) is not shorter than terminationGracePeriodSeconds (${grace}s), so SIGKILL comes before the app has had SIGTERM`]);
  });
  it.each<[string[], number]>([[['sleep', '0.25m'], 30], [['sleep', '10.5'], 30], [['sleep', '1m'], 90], [['/bin/sh', '-c', 'sleep 5; nginx -s quit; sleep 10'], 30]])('passes %j with a %is grace period', (command, grace) => {
    expect(messages('graceful-shutdown', preStop(command, grace))).toEqual([]);
  });
});

describe('image-pinned: words of a moving line make a tag move; digests must be valid', () => {
  const image = (ref: string) => (a: App) => { c0(a).image = ref; };
  it.each<[string, string]>([
    ['app:1.0.0-SNAPSHOT', 'SNAPSHOT'], ['app:2.3.1-nightly', 'nightly'], ['app:1.2.3-latest', 'latest'], ['app:edge-1.2.3', 'edge'],
    ['app:1.4.2-dev', 'dev'], ['app:main-1.2.3', 'main'], ['app:master_1.2.3', 'master'], ['app:1.2.3-stable', 'stable'], ['app:canary-2.0.0', 'canary'],
  ])('flags %s', (ref, word) => {
    expect(messages('image-pinned', image(ref)))
      .toEqual([`Deployment web: container "app": image "${ref}" uses the tag "${ref.slice(4)}", which moves when a new build is pushed: "${word}" names a line of builds, not one build, whatever version it carries`]);
  });
  it.each(['app:1.4.2', 'app:v1.25.3-alpine', 'app:2.4.0-rc.1', 'app:1.2.3-debian-12', 'app:sha-3f2a9c8', 'app:20240105', 'app:1.2.3-mainline-x' /* mainline is not main */, 'app:nightly-20240105', 'app:main-1a2b3c4d'])('passes %s', (ref) => {
    expect(messages('image-pinned', image(ref))).toEqual([]);
  });
  it.each([
    `app@sha256:${'a'.repeat(40)}`, `app@sha256:${'A'.repeat(64)}`, `app@md5:${'a'.repeat(32)}`, `app@sha384:${'a'.repeat(64)}`,
  ])('refuses the invalid digest in %s', (ref) => {
    expect(messages('image-pinned', image(ref))).toEqual([`Deployment web: container "app": "${ref}" is not a valid image reference`]);
  });
  it.each([`app@sha256:${'a'.repeat(64)}`, `app@sha384:${'0'.repeat(96)}`, `app@sha512:${'f'.repeat(128)}`])('passes the digest %s', (ref) => {
    expect(messages('image-pinned', image(ref))).toEqual([]);
  });
});

describe('topology spread: fields the API server rejects are reported and spread nothing', () => {
  const tsc = (a: App) => podSpec(a).topologySpreadConstraints;
  const host = (change: any) => (a: App) => { Object.assign(tsc(a)[0], change); };
  const PREFIX = 'Deployment web: topologySpreadConstraints[0] ';
  const NOSPREAD = 'Deployment web: runs up to 2 replicas but nothing spreads them across nodes';
  it.each<[string, any, string]>([
    ['minDomains 0', { minDomains: 0, whenUnsatisfiable: 'DoNotSchedule' }, 'has minDomains 0; the API server requires a whole number of at least 1'],
    ['minDomains with ScheduleAnyway', { minDomains: 2 }, 'has minDomains with whenUnsatisfiable ScheduleAnyway; the API server allows minDomains only with DoNotSchedule'],
    ['nodeAffinityPolicy Always', { nodeAffinityPolicy: 'Always' }, 'has nodeAffinityPolicy "Always"; the API server requires Honor or Ignore'],
    ['nodeTaintsPolicy honor', { nodeTaintsPolicy: 'honor' }, 'has nodeTaintsPolicy "honor"; the API server requires Honor or Ignore'],
    ['maxSkew over int32', { maxSkew: 2147483648 }, 'has maxSkew 2147483648; the API server requires a whole number from 1 to 2147483647'],
    ['Exists with values', { labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists', values: ['web'] }] } }, 'has a labelSelector whose matchExpressions[0] (app.kubernetes.io/name Exists) has values; Exists takes none, which the API server rejects'],
    ['In without values', { labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [] }] } }, 'has a labelSelector whose matchExpressions[0] (app.kubernetes.io/name In) has no values; In needs at least one, which the API server rejects'],
    ['matchLabelKeys key in the selector', { matchLabelKeys: ['app.kubernetes.io/name'] }, 'has app.kubernetes.io/name both in matchLabelKeys and in the labelSelector; the API server rejects a key in both'],
  ])('leaves %s to api-valid, and does not count the constraint', (_t, change, problem) => {
    const found = messages('spread-nodes', host(change));
    expect(found).not.toContain(PREFIX + problem);
    expect(found.some((m) => m.startsWith(NOSPREAD))).toBe(true);
    expect(messages('api-valid', host(change))).toHaveLength(1);
  });

  it('leaves two constraints with the same topologyKey and whenUnsatisfiable to api-valid', () => {
    const twin = (a: App) => { tsc(a).push({ ...tsc(a)[0], maxSkew: 2 }); };
    expect(messages('spread-nodes', twin)).toEqual([]);
    expect(messages('api-valid', twin)).toHaveLength(1);
  });

  it('passes valid minDomains, policies and matchLabelKeys, and a DoNotSchedule twin of a ScheduleAnyway constraint', () => {
    expect(messages('spread-nodes', host({ minDomains: 2, whenUnsatisfiable: 'DoNotSchedule', nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore', matchLabelKeys: ['pod-template-hash'] }))).toEqual([]);
    expect(messages('spread-nodes', (a) => { tsc(a).push({ ...tsc(a)[0], whenUnsatisfiable: 'DoNotSchedule' }); })).toEqual([]);
    expect(messages('spread-nodes', host({ labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] } }))).toEqual([]);
  });

  const anti = (weight: number) => (a: App) => {
    podSpec(a).topologySpreadConstraints = [tsc(a)[1]];
    podSpec(a).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } } }] } };
  };
  it('leaves pod anti-affinity with weight 0 or 101 to api-valid, and does not count it as spreading', () => {
    for (const weight of [0, 101]) {
      const found = messages('spread-nodes', anti(weight));
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(NOSPREAD);
      expect(messages('api-valid', anti(weight))).toHaveLength(1);
    }
  });
  it('passes pod anti-affinity with weight 1 to 100', () => {
    expect(messages('spread-nodes', anti(1))).toEqual([]);
    expect(messages('spread-nodes', anti(100))).toEqual([]);
  });
});

describe('reading YAML as go-yaml v2 does: the version directive and the alias limit', () => {
  const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
  it('refuses %YAML 1.2 (and any version but 1.1), which would switch the reading of yes/on', () => {
    expect(readManifestText(`%YAML 1.2\n---\n${CM}data:\n  a: "1"\n`, 'x.yaml').problems)
      .toEqual(['x.yaml: declares %YAML 1.2; Kubernetes reads YAML 1.1 only and refuses it ("found incompatible YAML document"): remove the directive']);
    expect(readManifestText(`${CM}...\n%YAML 1.2\n---\n${CM}`, 'x.yaml').problems).toEqual([expect.stringContaining('x.yaml#2: declares %YAML 1.2')]);
    // Versions the reader does not know are refused too, not read as 1.1.
    for (const v of ['1.0', '2.0']) {
      expect(readManifestText(`%YAML ${v}\n---\n${CM}data:\n  a: "1"\n`, 'x.yaml').problems)
        .toEqual([`x.yaml: declares %YAML ${v}; Kubernetes reads YAML 1.1 only and refuses it ("found incompatible YAML document"): remove the directive`]);
    }
  });
  it('reads %YAML 1.1 and documents without a directive', () => {
    const r = readManifestText(`%YAML 1.1\n---\n${CM}immutable: yes\n`, 'x.yaml');
    expect(r.problems).toEqual([]);
    expect(r.inputs[0].manifest.immutable).toBe(true);
  });
  it('reads 150 uses of one anchored scalar', () => {
    const many = Array.from({ length: 150 }, (_, i) => `  k${i}: *v`).join('\n');
    const r = readManifestText(`${CM}x: &v value\ndata:\n${many}\n`, 'x.yaml');
    expect(r.problems).toEqual([]);
    expect(r.inputs[0].manifest.data.k149).toBe('value');
  });
  it('refuses an alias bomb once aliases make more than 99% of over 1,000 decoded nodes', () => {
    const bomb = `${CM}a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
    expect(readManifestText(bomb, 'x.yaml').problems).toEqual(['x.yaml: expands YAML aliases excessively (an alias bomb), as go-yaml refuses: more than 100 nodes from aliases, and most of the document; refused']);
  });
});

describe('LimitRange defaults as the API server stores them: max becomes default, default or min the default request', () => {
  const range = (limit: any) => (a: App) => { a.limitRange.spec.limits = [{ type: 'Container', ...limit }]; a.quota.spec.hard['limits.cpu'] = '8'; };
  it('passes a quota on limits.cpu when max.cpu gives the default limit, and min gives the default requests', () => {
    const mutate = range({ max: { cpu: '2', memory: '1Gi' }, min: { cpu: '50m', memory: '64Mi' } });
    expect(messages('ns-quota', mutate)).toEqual([]);
    expect(messages('ns-limits', mutate)).toEqual([]);
  });
  it('passes default requests that come from default', () => {
    expect(messages('ns-limits', range({ default: { cpu: '1', memory: '256Mi' } }))).toEqual([]);
  });
  it('flags a quota on limits.cpu when neither default nor max gives a cpu limit', () => {
    expect(messages('ns-quota', range({ max: { memory: '1Gi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } })))
      .toEqual(['ResourceQuota quota: bounds limits.cpu, but no LimitRange in namespace shop gives containers a default cpu limit: the API server rejects every pod whose containers set none']);
  });
  it('flags ns-limits when only a cpu max is given (no memory default)', () => {
    expect(messages('ns-limits', range({ max: { cpu: '2' } }))).toEqual(['Namespace shop: its LimitRange sets no container defaultRequest.memory, default.memory']);
  });
});

describe('only Helm test hooks on Pods and Jobs make a workload short-lived', () => {
  const hookPod = (hook: string, kind = 'Pod') => (a: App) => {
    const pod = { metadata: { ...meta('web-hook'), annotations: { 'helm.sh/hook': hook } }, spec: { ...podSpec(a), containers: [{ ...c0(a), name: 'hook', livenessProbe: undefined }] } };
    (a as any).hook = kind === 'Pod' ? { apiVersion: 'v1', kind: 'Pod', ...pod }
      : { apiVersion: 'apps/v1', kind, metadata: pod.metadata, spec: { replicas: 2, selector: a.deployment.spec.selector, template: { metadata: a.deployment.spec.template.metadata, spec: pod.spec } } };
  };
  it.each(['test', 'test-success', 'test-failure', 'pre-install, test'])('passes a Pod with helm.sh/hook: %s', (hook) => {
    expect(messages('probe-liveness', hookPod(hook))).toEqual([]);
  });
  it.each<[string, string]>([['pre-install', 'Pod'], ['post-upgrade', 'Pod'], ['test', 'Deployment']])('flags hook %s on a %s as long-running', (hook, kind) => {
    expect(messages('probe-liveness', hookPod(hook, kind))).toEqual([`${kind} web-hook: container "hook" has no livenessProbe, so a hung process is never restarted`]);
  });
});

describe('pdb and HPAs the API server or the controllers reject', () => {
  const budget = (spec: any) => (a: App) => { a.pdb.spec = { ...spec, selector: a.pdb.spec.selector }; };
  it.each<[string, any, string]>([
    ['maxUnavailable -1', { maxUnavailable: -1 }, 'has maxUnavailable -1, which is neither a whole number of at least 0 nor a percentage from 0% to 100%'],
    ['minAvailable "150%"', { minAvailable: '150%' }, 'has minAvailable "150%", which is neither a whole number of at least 0 nor a percentage from 0% to 100%'],
    ['maxUnavailable "one"', { maxUnavailable: 'one' }, 'has maxUnavailable "one", which is neither a whole number of at least 0 nor a percentage from 0% to 100%'],
    ['both bounds', { maxUnavailable: 1, minAvailable: 1 }, 'sets both maxUnavailable and minAvailable, and only one is allowed'],
  ])('leaves %s to api-valid', (_t, spec, problem) => {
    expect(messages('pdb', budget(spec))).not.toContain(`PodDisruptionBudget web: ${problem}; the API server rejects it`);
    expect(messages('api-valid', budget(spec))).toHaveLength(1);
  });
  it.each([{ maxUnavailable: '25%' }, { minAvailable: 1 }, { maxUnavailable: 1 }])('passes %j', (spec) => {
    expect(messages('pdb', budget(spec))).toEqual([]);
  });

  const hpa = (name: string) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(name), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 } });
  it('flags two HPAs that target one workload', () => {
    expect(messages('replicas-min', (a) => { delete a.deployment.spec.replicas; (a as any).h1 = hpa('web-cpu'); (a as any).h2 = hpa('web-rps'); }))
      .toEqual(['Deployment web: is the target of 2 autoscalers (HorizontalPodAutoscaler web-cpu, HorizontalPodAutoscaler web-rps): each sets the replica count to its own, so they undo each other']);
  });
  it('passes one HPA per workload', () => {
    expect(messages('replicas-min', (a) => { delete a.deployment.spec.replicas; (a as any).h1 = hpa('web-cpu'); })).toEqual([]);
  });
});

describe('config-external: JDBC URLs, flags, in-cluster name.namespace and document URLs', () => {
  const env = (name: string, value: string) => (a: App) => { c0(a).env = [{ name, value }]; };
  const args = (list: string[]) => (a: App) => { c0(a).args = list; };
  const TAIL = 'but proxies and endpoints outside the cluster differ per environment';
  it('flags a JDBC URL', () => {
    expect(messages('config-external', env('SPRING_DATASOURCE_URL', 'jdbc:postgresql://prod-db.example.com:5432/app')))
      .toEqual([`Deployment web: container "app": env SPRING_DATASOURCE_URL is a literal in the pod spec ("jdbc:postgresql://prod-db.example.com:5432/app"), pointing at prod-db.example.com, ${TAIL}`]);
  });
  it.each<[string[], number, string]>([
    [['--db-host=prod-db.example.com'], 0, 'prod-db.example.com'], [['--db-host', 'prod-db.example.com'], 1, 'prod-db.example.com'],
    [['serve', '--upstream=https://api.example.com/v1'], 1, 'api.example.com'],
  ])('flags args %j', (list, i, host) => {
    expect(messages('config-external', args(list))).toEqual([`Deployment web: container "app": args[${i}] is a literal in the pod spec ("${list[i]}"), pointing at ${host}, ${TAIL}`]);
  });
  it.each<[string, string]>([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://otel-collector.observability:4317'], ['SCHEMA', 'https://json-schema.org/draft/2020-12/schema'],
    ['SPEC_URL', 'https://example.com/specs/openapi.json'], ['DB_HOST', 'postgres.data'], ['CACHE_URL', 'redis://redis.cache.svc:6379'],
  ])('passes %s=%s', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });
  it.each([['--log-level=debug'], ['--port', '8080'], ['--config=/etc/app/config.yaml'], ['--peer=web.shop']])('passes args %j', (...list) => {
    expect(messages('config-external', args(list))).toEqual([]);
  });
  it('still flags a two-label host under a domain or a site suffix', () => {
    expect(messages('config-external', env('DB_HOST', 'db.corp'))).toHaveLength(1);
    expect(messages('config-external', env('API_URL', 'https://example.de/api'))).toHaveLength(1);
  });
});

describe('pod-security says what to set for each finding', () => {
  const fixes = (mutate: (a: App) => void) => {
    const resolved = resolveOptions(undefined, () => undefined as never);
    return checkManifests(manifests(mutate).map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'pod-security').map((v) => `${v.field}: ${v.fix}`).sort();
  };
  it('gives a fix specific to the field', () => {
    expect(fixes((a) => { podSpec(a).hostNetwork = true; c0(a).securityContext.privileged = true; c0(a).securityContext.capabilities = { drop: ['all'] }; })).toEqual([
      'spec.template.spec.containers[0].securityContext.capabilities.drop: set securityContext.capabilities.drop: [ALL] (exactly "ALL")',
      'spec.template.spec.containers[0].securityContext.privileged: remove securityContext.privileged (or set it to false)',
      'spec.template.spec.hostNetwork: remove hostNetwork (or set it to false) and reach the pods through a Service',
    ]);
  });
  it('has no finding, and so no fix, on a restricted pod', () => {
    expect(fixes(() => undefined)).toEqual([]);
  });
});
