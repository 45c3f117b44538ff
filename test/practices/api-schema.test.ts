import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { DEFINITION_RULES, MINIMUMS } from '../../lib/core/validation/structural';
import { SCHEMA_FILE, isBuiltinKind } from '../../lib/core/validation/schema';
import { App, check, manifests } from './helpers';

/**
 * `api-valid`'s structural check: built-in objects against Kubernetes' OpenAPI schema
 * (schema/k8s-openapi.json), then the one-of and cross-field rules of single definitions.
 */

const POD = 'spec.template.spec';
const container = (a: App) => a.deployment.spec.template.spec.containers[0];
const pod = (a: App) => a.deployment.spec.template.spec;

function findings(mutate: (a: App) => void): string[] {
  return check(manifests(mutate)).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.kind} ${v.name} ${v.field}: ${v.message}`);
}

function loose(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const D = `Deployment web ${POD}`;

describe('api-valid: JSON types, as YAML 1.1 reads them', () => {
  it.each([
    ['env value 8080', (a: App) => { container(a).env = [{ name: 'PORT', value: 8080 }]; },
      `${D}.containers[0].env[0].value: 8080 is refused by the API server; expected a string (YAML reads an unquoted number as a number: quote it)`],
    ['env value off (a boolean)', (a: App) => { container(a).env = [{ name: 'DEBUG', value: false }]; },
      `${D}.containers[0].env[0].value: false is refused by the API server; expected a string (YAML 1.1 reads an unquoted n, no, off or false as false: quote it)`],
    ['args [--workers, 4]', (a: App) => { container(a).args = ['--workers', 4]; },
      `${D}.containers[0].args[1]: 4 is refused by the API server; expected a string (YAML reads an unquoted number as a number: quote it)`],
    ['hostNetwork \'yes\'', (a: App) => { pod(a).hostNetwork = 'yes'; },
      `${D}.hostNetwork: "yes" is refused by the API server; expected true or false (a string, not a boolean: write true or false without quotes in YAML)`],
    ['a list where an object goes', (a: App) => { container(a).securityContext = []; },
      `${D}.containers[0].securityContext: [] is refused by the API server; expected an object (SecurityContext), not a list`],
  ])('%s', (_t, mutate, expected) => {
    expect(findings(mutate)).toEqual([expected]);
  });
});

describe('api-valid: unknown fields, as strict field validation', () => {
  it('imagePullPolicyy: names the nearest known field', () => {
    expect(findings((a) => { container(a).imagePullPolicyy = 'Always'; })).toEqual([
      `${D}.containers[0].imagePullPolicyy: field "imagePullPolicyy" is unknown in Container: the API server's strict field validation refuses it (did you mean "imagePullPolicy"?)`,
    ]);
  });

  it('containres: [] next to containers', () => {
    expect(findings((a) => { pod(a).containres = []; })).toEqual([
      `${D}.containres: field "containres" is unknown in PodSpec: the API server's strict field validation refuses it (did you mean "containers"?)`,
    ]);
  });

  it('a field nothing is close to lists the known fields', () => {
    const [f] = findings((a) => { (a.pdb.spec as any).zzzzzzzz = 1; });
    expect(f).toBe('PodDisruptionBudget web spec.zzzzzzzz: field "zzzzzzzz" is unknown in PodDisruptionBudgetSpec: the API server\'s strict field validation refuses it; known fields: maxUnavailable, minAvailable, selector, unhealthyPodEvictionPolicy');
  });
});

describe('api-valid: enum values', () => {
  it.each([
    ['dnsPolicy ClusterFirstWithHost', (a: App) => { pod(a).dnsPolicy = 'ClusterFirstWithHost'; },
      `${D}.dnsPolicy: "ClusterFirstWithHost" is refused by the API server; expected one of "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`],
    ['imagePullPolicy always', (a: App) => { container(a).imagePullPolicy = 'always'; },
      `${D}.containers[0].imagePullPolicy: "always" is refused by the API server; expected one of "Always", "IfNotPresent", "Never" ("Always": the values are case-sensitive)`],
  ])('%s', (_t, mutate, expected) => {
    expect(findings(mutate)).toEqual([expected]);
  });

  it('podManagementPolicy parallel, concurrencyPolicy forbid', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { podManagementPolicy: 'parallel', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job' }, spec: { schedule: '0 * * * *', concurrencyPolicy: 'forbid', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:1' }] } } } } } };
    expect(loose(sts, cron)).toEqual([
      'spec.podManagementPolicy: "parallel" is refused by the API server; expected one of "OrderedReady", "Parallel" ("Parallel": the values are case-sensitive)',
      'spec.concurrencyPolicy: "forbid" is refused by the API server; expected one of "Allow", "Forbid", "Replace" ("Forbid": the values are case-sensitive)',
    ]);
  });
});

describe('api-valid: numbers', () => {
  it('revisionHistoryLimit -1, minReadySeconds -1', () => {
    expect(findings((a) => { Object.assign(a.deployment.spec, { revisionHistoryLimit: -1, minReadySeconds: -1 }); })).toEqual([
      'Deployment web spec.minReadySeconds: -1 is refused by the API server; expected a whole number of at least 0',
      'Deployment web spec.revisionHistoryLimit: -1 is refused by the API server; expected a whole number of at least 0',
    ]);
  });

  it('parallelism -1 on a Job; a fraction where an int32 goes', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { parallelism: -1, backoffLimit: 1.5, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'j:1' }] } } } };
    expect(loose(job)).toEqual([
      'spec.backoffLimit: 1.5 is refused by the API server; expected a whole number of at least 0',
      'spec.parallelism: -1 is refused by the API server; expected a whole number of at least 0',
    ]);
  });

  it('progressDeadlineSeconds not above minReadySeconds', () => {
    expect(findings((a) => { a.deployment.spec.progressDeadlineSeconds = 5; })).toEqual([
      'Deployment web spec.progressDeadlineSeconds: progressDeadlineSeconds 5 is not above minReadySeconds 10; the API server refuses it (a pod could never be available in time)',
    ]);
  });
});

describe('api-valid: structural rules', () => {
  it('value plus valueFrom', () => {
    expect(findings((a) => { container(a).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; })).toEqual([
      `${D}.containers[0].env[0].valueFrom: is set with a non-empty value; the API server accepts value or valueFrom, not both`,
    ]);
  });

  it('fieldPath metadata.nope; valueFrom with two sources', () => {
    expect(findings((a) => { container(a).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.nope' } } }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } }]; })).toEqual([
      `${D}.containers[0].env[0].valueFrom.fieldRef.fieldPath: "metadata.nope" is refused by the API server; expected one of metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, metadata.labels['<key>'] or metadata.annotations['<key>'] (the fields an env var may name)`,
      `${D}.containers[0].env[1].valueFrom: sets 2 sources (fieldRef, secretKeyRef); the API server accepts exactly one`,
    ]);
  });

  it('a volume with emptyDir and configMap', () => {
    expect(findings((a) => { pod(a).volumes = [{ name: 'tmp', emptyDir: {}, configMap: { name: 'x' } }]; })).toEqual([
      `${D}.volumes[0]: sets 2 volume sources (configMap, emptyDir); the API server accepts exactly one`,
    ]);
  });

  it('toleration Exists with a value', () => {
    expect(findings((a) => { pod(a).tolerations = [{ key: 'gpu', operator: 'Exists', value: 'true', effect: 'NoSchedule' }]; })).toEqual([
      `${D}.tolerations[0].value: "true" is refused by the API server; expected no value with operator Exists (it matches every value of the key)`,
    ]);
  });

  it('nvidia.com/gpu 0.5; a request without an equal limit', () => {
    expect(findings((a) => { container(a).resources = { requests: { cpu: '100m', memory: '128Mi', 'nvidia.com/gpu': '0.5' }, limits: { memory: '128Mi', 'nvidia.com/gpu': '0.5' } }; })).toEqual([
      `${D}.containers[0].resources.limits.nvidia.com/gpu: "0.5" is refused by the API server; expected a whole number: extended resources such as nvidia.com/gpu are counted in units`,
      `${D}.containers[0].resources.requests.nvidia.com/gpu: "0.5" is refused by the API server; expected a whole number: extended resources such as nvidia.com/gpu are counted in units`,
    ]);
    expect(findings((a) => { container(a).resources = { requests: { cpu: '100m', memory: '128Mi', 'nvidia.com/gpu': 1 }, limits: { memory: '128Mi' } }; })).toEqual([
      `${D}.containers[0].resources.requests.nvidia.com/gpu: requests nvidia.com/gpu 1 without a limit; the API server refuses it: nvidia.com/gpu cannot be overcommitted, set limits.nvidia.com/gpu to the same amount`,
    ]);
  });

  it('HPA minReplicas above maxReplicas', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { minReplicas: 5, maxReplicas: 3, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } };
    expect(loose(hpa)).toEqual(['spec.minReplicas: minReplicas 5 is above maxReplicas 3; the API server refuses it']);
  });

  it('DaemonSet maxUnavailable 0 with maxSurge 0 (also by default)', () => {
    const ds = (ru: any) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru }, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'd', image: 'd:1' }] } } } });
    expect(loose(ds({ maxUnavailable: 0, maxSurge: 0 }))).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: maxUnavailable 0 with maxSurge 0: the API server refuses both 0, a rollout could never replace a pod; set maxSurge to 1 or maxUnavailable to 1',
    ]);
    expect(loose(ds({ maxUnavailable: '0%' }))).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: maxUnavailable "0%" with maxSurge 0 (the default): the API server refuses both 0, a rollout could never replace a pod; set maxSurge to 1 or maxUnavailable to 1',
    ]);
    expect(loose(ds({ maxUnavailable: 0, maxSurge: 1 }))).toEqual([]);
  });

  it('label selectors outside workloads: NetworkPolicy operator Gt, PDB key \'bad key\'', () => {
    expect(findings((a) => {
      a.networkPolicy.spec.podSelector = { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] };
      a.pdb.spec.selector = { matchLabels: { 'bad key': 'x' } };
    })).toEqual([
      'PodDisruptionBudget web spec.selector.matchLabels["bad key"]: "bad key" is refused by the API server; expected a key of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'NetworkPolicy web spec.podSelector.matchExpressions[0].operator: "Gt" is refused by the API server; expected one of "In", "NotIn", "Exists", "DoesNotExist"',
    ]);
  });

  it('a required field left out', () => {
    expect(findings((a) => { delete (a.service.spec.ports[0] as any).port; }).filter((f) => f.includes('ports[0].port'))).toEqual([
      'Service web spec.ports[0].port: unset is refused by the API server; expected a port number from 1 to 65535',
    ]);
    expect(loose({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r', namespace: 'x' }, subjects: [{ kind: 'User', name: 'u' }] })).toEqual([
      'roleRef: unset is refused by the API server; expected a value: RoleBinding.roleRef is required',
    ]);
  });
});

describe('api-valid: what the API server accepts passes', () => {
  it('the good app; int-or-string, quantities as numbers, nulls, status, node selector Gt', () => {
    expect(findings(() => undefined)).toEqual([]);
    expect(findings((a) => {
      a.deployment.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: 0 } as any;
      container(a).resources = { requests: { cpu: 0.5, memory: '128Mi', 'nvidia.com/gpu': 2 }, limits: { memory: '128Mi', 'nvidia.com/gpu': '2' } };
      container(a).env = [{ name: 'A', value: '', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } }, { name: 'B', value: null }];
      pod(a).tolerations = [{ operator: 'Exists' }, { key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 30 }];
      pod(a).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }] } } };
      (a.deployment as any).status = { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] };
      pod(a).volumes = [{ name: 'meta', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }];
    })).toEqual([]);
  });

  it('no false positive inside custom resources: a Knative Service with an unnamed container', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'default' },
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/acme/hello:1.0.0', ports: [{ containerPort: 8080 }], somethingKnativeOnly: true }] } } },
    };
    expect(isBuiltinKind('serving.knative.dev/v1', 'Service')).toBe(false);
    expect(loose(ksvc)).toEqual([]);
    // A value given is still checked.
    ksvc.spec.template.spec.containers[0] = { name: 'Bad_Name', image: 'x:1' } as any;
    expect(loose(ksvc)).toEqual(['spec.template.spec.containers[0].name: "Bad_Name" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit']);
  });
});

describe('the schema data', () => {
  const data = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));

  it('every rule and least value names a definition and field of the data', () => {
    for (const name of Object.keys(DEFINITION_RULES)) expect(data.definitions[name], name).toBeDefined();
    for (const [name, fields] of Object.entries(MINIMUMS)) {
      for (const field of Object.keys(fields)) expect(data.definitions[name]?.properties[field], `${name}.${field}`).toMatch(/^(int32|int64|int-or-string)$/);
    }
  });

  it('is shipped with the package and knows the built-in kinds', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schema/');
    expect(isBuiltinKind('apps/v1', 'Deployment')).toBe(true);
    expect(isBuiltinKind('v1', 'Pod')).toBe(true);
    expect(isBuiltinKind('apps/v1beta1', 'Deployment')).toBe(false);
  });
});
