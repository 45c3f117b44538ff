import { describe, expect, it } from 'vitest';
import { POD_KINDS } from '../../lib/core/kinds';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { GuardrailsOptions } from '../../lib';
import { App, asKind, manifests, NS, SEL, template } from './helpers';

/**
 * Every workload rule on every pod-bearing kind: the hand-written app of helpers.ts with its
 * Deployment turned into each kind, then one change. Each rule must flag exactly the kinds the
 * constructs apply it to, and leave the others alone.
 */
const ALL = POD_KINDS.map((k) => k.kind);
const LONG_RUNNING = ['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet'];
const REPLICATED = ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet'];
const STATELESS = ['Deployment', 'ReplicaSet', 'ReplicationController'];
/** Controllers that keep their pods running: restartPolicy Always only. */
const CONTROLLED = ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet'];

const pod = (w: any) => template(w).spec;
const container = (w: any) => pod(w).containers[0];

interface Case {
  readonly rule: string;
  readonly change: (w: any, app: App) => void;
  readonly flags: string[];
  readonly message: RegExp;
  readonly options?: GuardrailsOptions;
}

const CASES: Case[] = [
  { rule: 'image-pinned', change: (w) => { container(w).image = 'ghcr.io/acme/web:stable'; }, flags: ALL, message: /image "ghcr.io\/acme\/web:stable" uses the tag "stable", which moves/ },
  { rule: 'image-registry', change: () => undefined, options: { allowedRegistries: ['mirror.acme.internal'] }, flags: ALL, message: /comes from ghcr.io, not from an allowed registry/ },
  { rule: 'replicas-min', change: (w) => { if (w.spec.replicas !== undefined) w.spec.replicas = 1; }, flags: STATELESS, message: /runs 1 replica; one replica means downtime/ },
  { rule: 'spread-nodes', change: (w) => { pod(w).topologySpreadConstraints.splice(0, 1); }, flags: REPLICATED, message: /runs up to 2 replicas but nothing spreads them across nodes/ },
  { rule: 'spread-zones', change: (w) => { pod(w).topologySpreadConstraints.splice(1, 1); }, flags: REPLICATED, message: /runs up to 2 replicas but nothing spreads them across zones/ },
  { rule: 'probe-readiness', change: (w) => { delete container(w).readinessProbe; }, flags: LONG_RUNNING, message: /container "app" serves on port 8080 but has no readinessProbe/ },
  { rule: 'probe-liveness', change: (w) => { delete container(w).livenessProbe; }, flags: LONG_RUNNING, message: /container "app" has no livenessProbe/ },
  { rule: 'graceful-shutdown', change: (w) => { delete pod(w).terminationGracePeriodSeconds; }, flags: LONG_RUNNING, message: /has no terminationGracePeriodSeconds/ },
  { rule: 'pdb', change: (_w, app) => { delete (app as any).pdb; }, flags: REPLICATED, message: /runs 2\+ replicas but no PodDisruptionBudget selects its pods/ },
  { rule: 'resources', change: (w) => { delete container(w).resources; }, flags: ALL, message: /container "app" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory/ },
  { rule: 'pod-security', change: (w) => { container(w).securityContext.privileged = true; }, flags: ALL, message: /container "app" is privileged/ },
  { rule: 'pod-security', change: (w) => { pod(w).securityContext.supplementalGroups = [0]; }, flags: ALL, message: /^the pod sets supplementalGroups 0 \(the root group: it reads and writes what root's group owns on every mounted volume\), below 10001, and no pod-security.supplementalGroups exception waives it$/ },
  { rule: 'pod-security', change: (w) => { pod(w).securityContext.fsGroup = 0; }, flags: ALL, message: /^the pod sets fsGroup 0 \(root's group\): its volumes and processes get root's group$/ },
  { rule: 'pod-security', change: (w) => { pod(w).securityContext.supplementalGroups = [10001]; container(w).securityContext.runAsGroup = 10001; }, flags: [], message: /^$/ },
  { rule: 'service-account', change: (w) => { delete pod(w).serviceAccountName; }, flags: ALL, message: /runs as the namespace's "default" ServiceAccount/ },
  { rule: 'arch-explicit', change: () => undefined, options: { requireArchitecture: true }, flags: ALL, message: /does not pin kubernetes.io\/arch/ },
  { rule: 'config-immutable', change: (_w, app) => { app.configMap.immutable = false; }, flags: ALL, message: /uses ConfigMap web-config-3f2a9c81d0, which is not immutable/ },
  { rule: 'config-external', change: (w) => { container(w).env = [{ name: 'API_URL', value: 'https://api.example.com' }]; }, flags: ALL, message: /env API_URL is a literal in the pod spec .* pointing at api.example.com/ },
  {
    rule: 'rwo-volume',
    change: (w, app) => {
      (app as any).pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS, labels: app.deployment.metadata.labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
      pod(w).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
    },
    flags: [...REPLICATED, 'DaemonSet', 'CronJob'],
    message: /mounts the ReadWriteOnce claim data, which attaches to one node only/,
  },
  {
    rule: 'rwo-volume',
    change: (w, app) => {
      (app as any).pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS, labels: app.deployment.metadata.labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
      pod(w).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
      if (w.kind === 'Job') w.spec.parallelism = 3;
      if (w.kind === 'CronJob') { w.spec.concurrencyPolicy = 'Forbid'; w.spec.jobTemplate.spec.parallelism = 3; }
    },
    flags: [...REPLICATED, 'DaemonSet', 'Job', 'CronJob'],
    message: /(runs 3 pods in parallel but )?mounts the ReadWriteOnce claim data, which attaches to one node only/,
  },
  {
    rule: 'api-valid',
    change: (w) => { if (w.kind === 'Deployment') w.spec.strategy.type = 'Other'; else if (['StatefulSet', 'DaemonSet'].includes(w.kind)) w.spec.updateStrategy = { type: 'Other' }; },
    flags: ['Deployment', 'StatefulSet', 'DaemonSet'],
    message: /^"Other" is refused by the API server; expected one of ("Recreate", "RollingUpdate"|"RollingUpdate", "OnDelete")$/,
  },
  // The refused strategy type is api-valid's one finding: rollout leaves it.
  { rule: 'rollout', change: (w) => { if (w.kind === 'Deployment') w.spec.strategy.type = 'Other'; else if (['StatefulSet', 'DaemonSet'].includes(w.kind)) w.spec.updateStrategy = { type: 'Other' }; }, flags: [], message: /^$/ },
  { rule: 'api-valid', change: (w) => { pod(w).restartPolicy = 'Always'; }, flags: ['Job', 'CronJob'], message: /^has restartPolicy "Always"; a (Job|CronJob) accepts only OnFailure or Never, so the API server rejects it$/ },
  { rule: 'api-valid', change: (w) => { delete pod(w).restartPolicy; }, flags: ['Job', 'CronJob'], message: /^its pod template has no restartPolicy, so it means Always, which the API server rejects for a (Job|CronJob): its pods run to completion$/ },
  { rule: 'api-valid', change: (w) => { pod(w).restartPolicy = 'Never'; }, flags: CONTROLLED, message: /^has restartPolicy "Never"; a \w+ accepts only Always, so the API server rejects it$/ },
  { rule: 'api-valid', change: (w) => { pod(w).restartPolicy = 'OnFailure'; }, flags: CONTROLLED, message: /^has restartPolicy "OnFailure"; a \w+ accepts only Always, so the API server rejects it$/ },
  { rule: 'api-valid', change: (w) => { pod(w).activeDeadlineSeconds = 600; }, flags: CONTROLLED, message: /^sets activeDeadlineSeconds in its pod template, which the API server rejects for a \w+: its pods run until they are replaced$/ },
  { rule: 'kind-fields', change: (w) => { delete w.spec.serviceName; }, flags: ['StatefulSet'], message: /^has no spec.serviceName: its pods get no stable DNS names/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'StatefulSet') w.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 0 } }; if (w.kind === 'DaemonSet') w.spec.updateStrategy = { type: 'OnDelete' }; }, flags: ['StatefulSet'], message: /^has spec.updateStrategy.rollingUpdate with type OnDelete, which the API server rejects/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'Deployment') w.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }, flags: ['Deployment'], message: /^has spec.strategy.rollingUpdate with type Recreate, which the API server rejects: rollingUpdate is only for type RollingUpdate$/ },
  // Accepted by the API server: a DaemonSet's OnDelete ignores rollingUpdate, and manualSelector false is the default.
  { rule: 'api-valid', change: (w) => { if (w.kind === 'DaemonSet') w.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } }; if (w.kind === 'CronJob') w.spec.jobTemplate.spec.manualSelector = false; }, flags: [], message: /^$/ },
  { rule: 'kind-fields', change: (w) => { if (w.kind === 'DaemonSet') w.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } }; if (w.kind === 'CronJob') w.spec.jobTemplate.spec.manualSelector = false; }, flags: [], message: /^$/ },
  { rule: 'kind-fields', change: (w) => { if (w.kind === 'CronJob') w.spec.schedule = '0 0 31 4 *'; }, flags: ['CronJob'], message: /^has spec.schedule "0 0 31 4 \*"; expected a schedule that fires: no month it names has day 31 \(April has 30 days\), so the CronJob never runs/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'CronJob') { w.spec.jobTemplate.spec.selector = { matchLabels: { ...SEL } }; w.spec.jobTemplate.spec.manualSelector = true; } }, flags: ['CronJob'], message: /^sets spec.jobTemplate.spec.manualSelector, which the API server rejects for a CronJob: the selector of each Job it starts is generated\nsets spec.jobTemplate.spec.selector, which the API server rejects for a CronJob: the selector of each Job it starts is generated$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'CronJob') w.spec.timeZone = 'Europe Berlin'; }, flags: ['CronJob'], message: /^"Europe Berlin" is refused by the API server; expected an IANA time zone name such as "Etc\/UTC" or "Europe\/Berlin" \(not "Local", not an offset\)$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'CronJob') w.spec.timeZone = 'europe/berlin'; }, flags: ['CronJob'], message: /^"europe\/berlin" is refused by the API server; expected an IANA time zone name/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'CronJob') w.spec.concurrencyPolicy = 'Never'; }, flags: ['CronJob'], message: /^"Never" is refused by the API server; expected one of "Allow", "Forbid", "Replace"$/ },
  { rule: 'api-valid', change: (w) => { if (!['Job', 'CronJob'].includes(w.kind)) return; pod(w).restartPolicy = 'OnFailure'; const job = w.kind === 'CronJob' ? w.spec.jobTemplate.spec : w.spec; job.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }; }, flags: ['Job', 'CronJob'], message: /^"OnFailure" is refused by the API server; expected "Never" with a podFailurePolicy \(it judges failed pods, which OnFailure restarts in place\)$/ },
  { rule: 'api-valid', change: (w) => { pod(w).initContainers = [{ name: 'init', image: container(w).image, restartPolicy: 'OnFailure' }]; }, flags: ALL, message: /^"OnFailure" is refused by the API server; expected Always \(a native sidecar\), or no restartPolicy for an init container that runs to completion$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'StatefulSet') w.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }]; }, flags: ['StatefulSet'], message: /^unset is refused by the API server; a PersistentVolumeClaim needs a storage request such as "10Gi"$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'StatefulSet') w.spec.podManagementPolicy = 'Ordered'; }, flags: ['StatefulSet'], message: /^"Ordered" is refused by the API server; expected one of "OrderedReady", "Parallel"$/ },
  { rule: 'api-valid', change: (w) => { if (!['Pod', 'Job', 'CronJob'].includes(w.kind)) w.spec.minReadySeconds = -5; }, flags: ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet'], message: /^-5 is refused by the API server; expected a whole number of at least 0$/ },
  { rule: 'api-valid', change: (w) => { if (!['Job', 'CronJob'].includes(w.kind)) return; const job = w.kind === 'CronJob' ? w.spec.jobTemplate.spec : w.spec; job.backoffLimit = -1; }, flags: ['Job', 'CronJob'], message: /^-1 is refused by the API server; expected a whole number of at least 0$/ },
  { rule: 'kind-fields', change: (w) => { if (!['Job', 'CronJob'].includes(w.kind)) return; const job = w.kind === 'CronJob' ? w.spec.jobTemplate.spec : w.spec; job.activeDeadlineSeconds = 0; }, flags: ['Job', 'CronJob'], message: /^has spec(.jobTemplate.spec)?.activeDeadlineSeconds 0: the deadline has passed when the Job starts, so it fails at once$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'CronJob') w.spec.startingDeadlineSeconds = -10; }, flags: ['CronJob'], message: /^-10 is refused by the API server; expected a whole number of at least 0$/ },
  { rule: 'api-valid', change: (w) => { pod(w).tolerations = [{ key: 'dedicated', operator: 'Exists', value: 'agents', effect: 'NoSchedule' }]; }, flags: ALL, message: /^"agents" is refused by the API server; expected no value with operator Exists \(it matches every value of the key\)$/ },
  { rule: 'api-valid', change: (w) => { if (w.kind === 'DaemonSet') w.spec.replicas = 3; }, flags: ['DaemonSet'], message: /^field "replicas" is unknown in DaemonSetSpec: the API server's strict field validation refuses it/ },
  { rule: 'kind-fields', change: (w) => { if (w.kind === 'StatefulSet') w.spec.serviceName = 'web'; }, flags: ['StatefulSet'], message: /^has spec.serviceName "web", a Service that is not headless: its pods get no stable DNS names \(<pod>.web\)$/ },
  { rule: 'kind-fields', change: (w) => { if (w.kind === 'StatefulSet') w.spec.serviceName = 'web-peers'; }, flags: ['StatefulSet'], message: /^has spec.serviceName "web-peers", but no Service of that name is in the output; the Services that select its pods are web, web-headless$/ },
  { rule: 'api-valid', change: (w) => { container(w).volumeMounts = [{ name: 'cache', mountPath: '/cache' }]; }, flags: ALL, message: /^"cache" is refused by the API server; expected the name of a volume of the pod \(the pod has no volumes\)$/ },
  { rule: 'kind-fields', change: (w) => { pod(w).initContainers = [{ ...container(w), name: 'proxy', restartPolicy: 'Always' }]; }, flags: ALL, message: /^uses native sidecar "proxy" \(an init container with restartPolicy: Always\), which needs Kubernetes 1.29, above its target 1.27 \(the default: no guardrails.cdk8s.io\/kubernetes-version annotation\); an older API server refuses or drops it$/ },
  { rule: 'kind-fields', change: (w) => { container(w).lifecycle = { preStop: { sleep: { seconds: 10 } } }; w.metadata = { ...w.metadata, annotations: { 'guardrails.cdk8s.io/kubernetes-version': '1.29' } }; }, flags: ALL, message: /^uses the sleep action of container "app"'s preStop hook, which needs Kubernetes 1.30, above its target 1.29; an older API server refuses or drops it$/ },
  { rule: 'kind-fields', change: (w) => { if (!['Job', 'CronJob'].includes(w.kind)) return; const job = w.kind === 'CronJob' ? w.spec.jobTemplate.spec : w.spec; job.successPolicy = { rules: [{ succeededCount: 1 }] }; }, flags: ['Job', 'CronJob'], message: /^uses spec(.jobTemplate.spec)?.successPolicy, which needs Kubernetes 1.31, above its target 1.27/ },
  { rule: 'metrics', change: (w) => { delete template(w).metadata.annotations['prometheus.io/scrape']; }, flags: LONG_RUNNING, message: /serves on a port but nothing scrapes its metrics/ },
  { rule: 'api-valid', change: (w) => { delete w.spec.selector; }, flags: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'], message: /has no spec.selector; the API server requires one that selects its pod template/ },
  { rule: 'ns-default-deny', change: (_w, app) => { delete (app as any).networkPolicy; delete (app as any).defaultDeny; }, flags: ALL, message: /no NetworkPolicy selects its pods/ },
];

function checkAs(kind: string, change: (w: any, app: App) => void = () => undefined, options?: GuardrailsOptions) {
  const list = manifests((app) => {
    app.deployment = asKind(kind, app.deployment);
    // A StatefulSet's governing Service: headless, next to the client Service.
    if (kind === 'StatefulSet') {
      app.deployment.spec.serviceName = 'web-headless';
      (app as any).headless = { ...app.service, metadata: { ...app.service.metadata, name: 'web-headless' }, spec: { ...app.service.spec, clusterIP: 'None' } };
    }
    change(app.deployment, app);
  });
  const resolved = resolveOptions(options, (p, v, a) => { throw new Error(`${p} ${v} ${a}`); });
  return checkManifests(list.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.kind === kind && v.name === 'web');
}

describe('each pod-bearing kind, unchanged, breaks no rule', () => {
  it.each(ALL)('%s', (kind) => {
    expect(checkAs(kind).map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
  });
});

for (const c of CASES) {
  describe(`${c.rule} per kind`, () => {
    it.each(ALL)('%s', (kind) => {
      const found = checkAs(kind, c.change, c.options).filter((v) => v.rule === c.rule);
      if (c.flags.includes(kind)) {
        expect(found.map((v) => v.message).join('\n')).toMatch(c.message);
      } else {
        expect(found.map((v) => v.message)).toEqual([]);
      }
    });
  });
}

describe('kind-specific meaning', () => {
  it('a Job or CronJob needs no probes, no preStop and no PDB, but its template is checked for security and resources', () => {
    for (const kind of ['Job', 'CronJob']) {
      const found = checkAs(kind, (w) => {
        delete container(w).readinessProbe; delete container(w).livenessProbe; delete container(w).lifecycle;
        delete container(w).resources; container(w).securityContext.allowPrivilegeEscalation = true;
      });
      expect(found.map((v) => v.rule).sort()).toEqual(['pod-security', 'resources']);
      expect(found.find((v) => v.rule === 'pod-security')!.field).toBe(`${kind === 'Job' ? 'spec.template' : 'spec.jobTemplate.spec.template'}.spec.containers[0].securityContext.allowPrivilegeEscalation`);
    }
  });

  it('a StatefulSet with one replica needs no PDB and no spread, and is not asked for 2 replicas', () => {
    const found = checkAs('StatefulSet', (w, app) => { w.spec.replicas = 1; delete (app as any).pdb; pod(w).topologySpreadConstraints = []; });
    expect(found).toEqual([]);
  });

  it('a DaemonSet has no replica rule, even with spec.replicas-like fields absent', () => {
    expect(checkAs('DaemonSet', (w) => { delete w.spec.replicas; }).filter((v) => v.rule === 'replicas-min')).toEqual([]);
  });

  it('a ReplicationController may leave out its selector (it defaults to the template labels), but not select other pods', () => {
    expect(checkAs('ReplicationController', (w) => { delete w.spec.selector; })).toEqual([]);
    expect(checkAs('ReplicationController', (w) => { w.spec.selector = { 'app.kubernetes.io/name': 'other' }; }).map((v) => v.message))
      .toContain('spec.selector {app.kubernetes.io/name=other} does not select its own pod template {app.kubernetes.io/name=web, app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s}; the API server rejects it');
  });

  it('a Job may not set its selector by hand unless manualSelector is true', () => {
    expect(checkAs('Job', (w) => { w.spec.selector = { matchLabels: { ...SEL } }; }).map((v) => v.message))
      .toEqual(['sets spec.selector without manualSelector: true; the API server generates the selector of a Job and rejects this one']);
    expect(checkAs('Job', (w) => { w.spec.selector = { matchLabels: { ...SEL } }; w.spec.manualSelector = true; })).toEqual([]);
    expect(checkAs('Job', (w) => { w.spec.manualSelector = true; }).map((v) => v.message))
      .toEqual(['has no spec.selector; the API server requires one that selects its pod template {app.kubernetes.io/name=web, app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s}']);
  });

  it('a workload whose selector does not select its own template, or is empty, is flagged (a JSON patch that removed or changed it)', () => {
    expect(checkAs('Deployment', (w) => { w.spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'api' } }; }).filter((v) => v.rule === 'api-valid').map((v) => v.message))
      .toEqual(['spec.selector {app.kubernetes.io/name=api} does not select its own pod template {app.kubernetes.io/name=web, app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s}; the API server rejects it']);
    expect(checkAs('StatefulSet', (w) => { w.spec.selector = {}; }).filter((v) => v.rule === 'api-valid').map((v) => v.message))
      .toEqual(['has an empty spec.selector; the API server requires one that selects its pod template {app.kubernetes.io/name=web, app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s}']);
  });

  it('a bare Pod that terminates (restartPolicy Never) is not long-running', () => {
    const found = checkAs('Pod', (w) => { w.spec.restartPolicy = 'Never'; delete container(w).livenessProbe; delete container(w).readinessProbe; delete container(w).lifecycle; delete w.spec.terminationGracePeriodSeconds; });
    expect(found.filter((v) => ['probe-liveness', 'probe-readiness', 'graceful-shutdown', 'metrics'].includes(v.rule))).toEqual([]);
  });
});

describe('version-gated fields follow the target the object records', () => {
  it.each(ALL)('%s at 1.30 may use native sidecars and the sleep action', (kind) => {
    const found = checkAs(kind, (w) => {
      w.metadata = { ...w.metadata, annotations: { ...(w.metadata.annotations ?? {}), 'guardrails.cdk8s.io/kubernetes-version': '1.30' } };
      pod(w).initContainers = [{ ...container(w), name: 'proxy', restartPolicy: 'Always', ports: [], lifecycle: undefined }];
      container(w).lifecycle = { preStop: { sleep: { seconds: 10 } } };
    }).filter((v) => v.rule === 'kind-fields');
    expect(found.map((v) => v.message)).toEqual([]);
  });
});
