import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { readManifestText } from '../../lib/practices/read';

/**
 * `api-valid` on fields the API server defaults when they are "" (Helm's `| quote` of an unset
 * value), and on refusals of single fields that the rule once passed. Every refused case has an
 * accepted neighbour; verify/canary/api-valid-cases.js cross-checks both against real servers.
 */

const NS = 'shop';

function violations(...objects: any[]) {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations;
}

/** `field: message` of every api-valid finding. */
function flags(...objects: any[]): string[] {
  return violations(...objects).filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const template = (spec: any = {}, over: any = {}) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } });
const dep = (spec: any = {}, over: any = {}, top: any = {}, name = 'web') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(spec, over), ...top },
});
const svc = (spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ...spec } });
const job = (pod: any) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS }, spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }], ...pod } } } });
const cron = (spec: any) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS }, spec: { jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1' }] } } } }, ...spec } });
const sts = (name: string, spec: any = {}) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: NS }, spec: { serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });
const pdb = (spec: any) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: NS }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
const priority = (value: number, more: any = {}, name = 'high') => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...more });

describe('api-valid: "" and null are unset where the API server defaults the field', () => {
  it('empty enums of a pod, its containers, ports and probes pass', () => {
    expect(flags(dep({ dnsPolicy: '', restartPolicy: '', schedulerName: '', serviceAccountName: '' }, {
      imagePullPolicy: '', terminationMessagePolicy: '', terminationMessagePath: '',
      ports: [{ containerPort: 80, protocol: '' }, { containerPort: 81, protocol: null }],
      readinessProbe: { httpGet: { port: 80, path: '', scheme: '' } },
      env: [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: '', fieldPath: 'spec.nodeName' } } }],
    }))).toEqual([]);
  });

  it('a wrong value in the same fields is still refused', () => {
    expect(flags(dep({ dnsPolicy: 'clusterFirst' }, { imagePullPolicy: 'always', ports: [{ containerPort: 80, protocol: 'tcp' }] }))).toEqual([
      'spec.template.spec.containers[0].imagePullPolicy: "always" is refused by the API server; expected one of "Always", "IfNotPresent", "Never" ("Always": the values are case-sensitive)',
      'spec.template.spec.containers[0].ports[0].protocol: "tcp" is refused by the API server; expected TCP, UDP or SCTP',
      'spec.template.spec.dnsPolicy: "clusterFirst" is refused by the API server; expected one of "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None" ("ClusterFirst": the values are case-sensitive)',
    ]);
  });

  it('empty strategy types, policies and tolerations pass', () => {
    expect(flags(
      dep({ tolerations: [{ operator: 'Exists' }, { key: 'a', operator: '', value: 'b', effect: '' }] }, {}, { strategy: { type: '' } }),
      { ...sts('db', { podManagementPolicy: '', updateStrategy: { type: '' }, persistentVolumeClaimRetentionPolicy: { whenDeleted: '', whenScaled: '' } }) },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: NS }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), updateStrategy: { type: '' } } },
      cron({ schedule: '0 * * * *', concurrencyPolicy: '' }),
    )).toEqual([]);
  });

  it('podManagementPolicy and concurrencyPolicy "" are unset; a wrong value is api-valid\'s one finding', () => {
    const policies = (...objects: any[]) => violations(...objects).filter((v) => /Policy$/.test(v.field ?? '')).map((v) => `${v.rule}: ${v.message}`);
    expect(policies(sts('db', { podManagementPolicy: '' }), cron({ schedule: '0 * * * *', concurrencyPolicy: '' }))).toEqual([]);
    expect(policies(cron({ schedule: '0 * * * *', concurrencyPolicy: 'Never' }))).toEqual(['api-valid: "Never" is refused by the API server; expected one of "Allow", "Forbid", "Replace"']);
  });

  it('a Service with empty type, affinity, protocol and targetPort passes; a ClusterIP one with a nodePort does not', () => {
    expect(flags(svc({ type: '', sessionAffinity: '', ports: [{ port: 80, targetPort: '', protocol: '' }] }))).toEqual([]);
    expect(flags(svc({ type: 'LoadBalancer', externalTrafficPolicy: '', ports: [{ port: 80 }] }))).toEqual([]);
    expect(flags(svc({ type: '', ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([
      'spec.ports[0].nodePort: 30080 is refused by the API server; expected no nodePort on a ClusterIP Service (the default type): set type NodePort or LoadBalancer, or remove it',
    ]);
  });

  it('a Secret of type "" and a roleRef with apiGroup "" pass', () => {
    expect(flags(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, type: '', stringData: { k: 'v' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: NS }, roleRef: { apiGroup: '', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: '' }] },
    )).toEqual([]);
  });
});

describe('api-valid: restartPolicy by kind (one finding, from api-valid)', () => {
  it('a Job refuses Always, unset and ""; Never passes', () => {
    const found = violations(job({ restartPolicy: 'Always' }), { ...job({}), metadata: { name: 'j2', namespace: NS } }, { ...job({ restartPolicy: '' }), metadata: { name: 'j3', namespace: NS } });
    expect(found.filter((v) => v.field === 'spec.template.spec.restartPolicy').map((v) => `${v.rule} ${v.name}: ${v.message}`)).toEqual([
      'api-valid j: has restartPolicy "Always"; a Job accepts only OnFailure or Never, so the API server rejects it',
      'api-valid j2: its pod template has no restartPolicy, so it means Always, which the API server rejects for a Job: its pods run to completion',
      'api-valid j3: its pod template\'s restartPolicy is "" (unset), so it means Always, which the API server rejects for a Job: its pods run to completion',
    ]);
    expect(flags(job({ restartPolicy: 'Never' }))).toEqual([]);
  });

  it('a Deployment refuses Never', () => {
    expect(flags(dep({ restartPolicy: 'Never' }))).toEqual([
      'spec.template.spec.restartPolicy: has restartPolicy "Never"; a Deployment accepts only Always, so the API server rejects it',
    ]);
  });
});

describe('api-valid: refusals of single fields', () => {
  it('a CronJob schedule that does not parse, an unknown time zone and "" are refused', () => {
    expect(flags(cron({ schedule: 'every minute', timeZone: 'Mars/Base' }))).toEqual([
      'spec.schedule: "every minute" is refused by the API server; expected five fields (minute hour day-of-month month day-of-week), each *, a value, a range a-b, a list a,b and an optional /step, or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly; it has 2 fields',
      'spec.timeZone: "Mars/Base" is refused by the API server; expected an IANA time zone name such as "Etc/UTC" or "Europe/Berlin" (not "Local", not an offset); this one is not in the tz database',
    ]);
    expect(flags(cron({ schedule: '0 * * * *', timeZone: '' }))).toEqual([
      'spec.timeZone: "" is refused by the API server; expected a time zone name such as "Etc/UTC", or no timeZone (null or left out) for the time zone of the controller',
    ]);
    expect(flags(cron({ schedule: '0 0 * * MON-FRI', timeZone: 'Etc/UTC' }))).toEqual([]);
  });

  it('a schedule that parses but never fires is kind-fields\', not a refusal', () => {
    const found = violations(cron({ schedule: '0 0 31 4 *' })).filter((v) => v.field === 'spec.schedule').map((v) => v.rule);
    expect(found).toEqual(['kind-fields']);
  });

  it('names: a StatefulSet needs a DNS label; a Deployment with a dot is warned about; a DaemonSet is not', () => {
    expect(flags(sts('web.v2'))).toEqual([
      'metadata.name: "web.v2" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
    expect(flags(dep({}, {}, {}, 'web.v1'))).toEqual([
      'metadata.name: "web.v1" is not a DNS label; the API server warns "this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended"',
    ]);
    expect(flags({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent.v1', namespace: NS }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } })).toEqual([]);
  });

  it('PodDisruptionBudget: both bounds, or a string that is no percentage, are refused', () => {
    expect(flags(pdb({ minAvailable: 1, maxUnavailable: 1 }))).toEqual(['spec.maxUnavailable: is set with minAvailable; the API server accepts one of them']);
    expect(flags(pdb({ minAvailable: '50' }))).toEqual(['spec.minAvailable: "50" is refused by the API server; expected a whole number such as 1 (unquoted), or a percentage such as "50%"']);
    expect(flags(pdb({ maxUnavailable: '50%' }))).toEqual([]);
  });

  it('PriorityClass: a value above 1e9 and an unknown preemptionPolicy are refused', () => {
    expect(flags(priority(2e9), priority(10, { preemptionPolicy: 'never' }, 'low'))).toEqual([
      'value: 2000000000 is refused by the API server; expected a priority of at most 1000000000 (higher ones are reserved for the system\'s classes)',
      'preemptionPolicy: "never" is refused by the API server; expected one of "PreemptLowerPriority", "Never" ("Never": the values are case-sensitive)',
    ]);
    expect(flags(priority(1e9, { preemptionPolicy: 'Never' }))).toEqual([]);
  });

  it('an HPA target with an empty name, a NetworkPolicy endPort without port, a ClusterIP loadBalancerClass', () => {
    expect(flags(
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: NS }, spec: { maxReplicas: 3, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: '' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: NS }, spec: { podSelector: {}, egress: [{ ports: [{ endPort: 8000 }, { port: 8000, endPort: 9000 }] }] } },
      svc({ loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] }),
    )).toEqual([
      'spec.scaleTargetRef.name: "" is refused by the API server; expected the name of the object to scale',
      'spec.egress[0].ports[0].endPort: 8000 is refused by the API server; expected no endPort without a port: set port to the first port of the range',
      'spec.loadBalancerClass: "example.com/lb" is refused by the API server; expected no loadBalancerClass on a ClusterIP Service (the default type): the API server accepts it only with type LoadBalancer',
    ]);
    expect(flags(svc({ type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] }))).toEqual([]);
  });

  it('pod fields: sysctl, os, ephemeral containers, runtimeClassName, volumes, affinity, sleep hooks', () => {
    expect(flags(dep({
      securityContext: { sysctls: [{ name: 'net..x', value: '1' }] },
      os: { name: 'Linux' },
      ephemeralContainers: [{ name: 'dbg', image: 'busybox:1' }],
      runtimeClassName: '',
      volumes: [
        { name: 'a', emptyDir: { sizeLimit: '-1Gi' } },
        { name: 'b', configMap: { name: 'c', items: [{ key: '', path: 'x' }] } },
        { name: 'c', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 300 } }] } },
      ],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: '' }],
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }],
        },
      },
    }, { lifecycle: { preStop: { sleep: { seconds: -1 } } } }))).toEqual([
      'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: is empty; the API server requires at least one node selector term (leave requiredDuringSchedulingIgnoredDuringExecution out to require nothing)',
      'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: 0 is refused by the API server; expected a weight from 1 to 100',
      'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: "" is refused by the API server; expected a node label key such as "kubernetes.io/hostname" or "topology.kubernetes.io/zone"',
      'spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: -1 is refused by the API server; expected a number of seconds from 1 to the pod\'s terminationGracePeriodSeconds (30) (0 only from Kubernetes 1.33 on)',
      'spec.template.spec.ephemeralContainers: is set in a pod template; the API server refuses ephemeral containers there (they are added to a running Pod with kubectl debug)',
      'spec.template.spec.os.name: "Linux" is refused by the API server; expected one of "linux", "windows" ("linux": the values are case-sensitive)',
      'spec.template.spec.runtimeClassName: "" is refused by the API server; expected the name of a RuntimeClass, or no runtimeClassName (null or left out) for the default runtime',
      'spec.template.spec.securityContext.sysctls[0].name: "net..x" is refused by the API server; expected a sysctl name such as "net.ipv4.ip_local_port_range": segments of lower-case letters, digits, \'-\' and \'_\', separated by \'.\' or \'/\', at most 253 characters',
      'spec.template.spec.volumes[0].emptyDir.sizeLimit: "-1Gi" is refused by the API server; expected a size of at least 0 such as "1Gi"',
      'spec.template.spec.volumes[1].configMap.items[0].key: "" is refused by the API server; expected the key of an entry of the ConfigMap or Secret',
      'spec.template.spec.volumes[2].projected.sources[0].serviceAccountToken.expirationSeconds: 300 is refused by the API server; expected a number of seconds from 600 (10 minutes) to 4294967296; leave it out for 3600 (one hour)',
    ]);
  });

  it('the same pod fields with accepted values pass', () => {
    expect(flags(dep({
      terminationGracePeriodSeconds: 60,
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }, { name: 'kernel/shm_rmid_forced', value: '1' }] },
      os: { name: 'linux' },
      runtimeClassName: null,
      volumes: [
        { name: 'a', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'b', configMap: { name: 'c', items: [{ key: 'k', path: 'x' }] } },
        { name: 'c', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 600 } }] } },
      ],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
    }, { lifecycle: { preStop: { sleep: { seconds: 60 } } } }))).toEqual([]);
  });

  it('a sleep hook of 0 seconds is refused before Kubernetes 1.33, accepted from it; one above the grace period always', () => {
    const at133 = (d: any) => ({ ...d, metadata: { ...d.metadata, annotations: { 'guardrails.cdk8s.io/kubernetes-version': '1.33' } } });
    expect(flags(dep({}, { lifecycle: { preStop: { sleep: { seconds: 0 } } } }))).toEqual([
      'spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: 0 is refused by the API server; expected a number of seconds from 1 to the pod\'s terminationGracePeriodSeconds (30) (0 only from Kubernetes 1.33 on)',
    ]);
    expect(flags(at133(dep({}, { lifecycle: { preStop: { sleep: { seconds: 0 } } } })))).toEqual([]);
    expect(flags(at133(dep({}, { lifecycle: { preStop: { sleep: { seconds: 31 } } } })))).toEqual([
      'spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: 31 is refused by the API server; expected a number of seconds from 0 to the pod\'s terminationGracePeriodSeconds (30)',
    ]);
  });

  it('a StatefulSet claim template needs an access mode', () => {
    expect(flags(sts('db', { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: '1Gi' } } } }] }))).toEqual([
      'spec.volumeClaimTemplates[0].spec.accessModes: unset is refused by the API server; a PersistentVolumeClaim needs at least one access mode such as "ReadWriteOnce"',
    ]);
    expect(flags(sts('db', { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }))).toEqual([]);
  });
});

describe('api-valid: how values and volumes are named', () => {
  it('replicas .inf is shown as infinite, not null', () => {
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: .inf\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: a, image: "nginx:1"}]}\n';
    const objects = readManifestText(yaml, 'inf.yaml').inputs.map((i) => i.manifest);
    expect(flags(...objects)).toEqual([
      'spec.replicas: .inf (infinite) is refused by the API server; expected a whole number from 0 to 2147483647 (YAML reads .inf and .nan as numbers that are not whole)',
    ]);
  });

  it('a mount of a volume whose own name is refused is one finding, at the volume', () => {
    expect(flags(dep({ volumes: [{ name: 'Data', emptyDir: {} }] }, { volumeMounts: [{ name: 'Data', mountPath: '/d' }] }))).toEqual([
      'spec.template.spec.volumes[0].name: "Data" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
  });

  it('a mount of a missing volume lists the pod\'s volumes, or says it has none', () => {
    expect(flags(dep({ volumes: [{ name: 'cache', emptyDir: {} }] }, { volumeMounts: [{ name: 'data', mountPath: '/d' }] }))).toEqual([
      'spec.template.spec.containers[0].volumeMounts[0].name: "data" is refused by the API server; expected the name of a volume of the pod ("cache")',
    ]);
    expect(flags(dep({}, { volumeMounts: [{ name: 'data', mountPath: '/d' }] }))).toEqual([
      'spec.template.spec.containers[0].volumeMounts[0].name: "data" is refused by the API server; expected the name of a volume of the pod (the pod has no volumes)',
    ]);
  });
});
