import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { decodeText } from '../../lib/practices/read';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { App, LABELS, manifests, messages, NS, SEL } from './helpers';

const checked = (mutate: (app: App) => void, extra: any[] = []) =>
  checkManifests([...manifests(mutate), ...extra].map((manifest) => ({ manifest })), DEFAULT_OPTIONS);
const ruleMessages = (rule: string, mutate: (app: App) => void, extra: any[] = []) =>
  checked(mutate, extra).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);

/** A Helm test Pod with the app's selector labels that calls the Service, as chart scaffolds make. */
function helmTestPod(hook = 'test', name = 'web-test-connection'): any {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels: { ...LABELS }, annotations: { 'helm.sh/hook': hook } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'wget', image: 'busybox:1.36.1', command: ['wget', 'web:80'] }] },
  };
}

describe('Helm hook Pods and Jobs are no Service endpoints, not counted by budgets, and called by nobody', () => {
  const namedTarget = (app: App) => { app.service.spec.ports[0].targetPort = 'http'; };

  it.each(['test', 'test-success', 'pre-install,post-upgrade'])('hook %s: the Service, PDB and call checks ignore the pod', (hook) => {
    const r = checked(namedTarget, [helmTestPod(hook)]);
    expect(r.violations.filter((v) => v.rule === 'labels' && v.kind === 'Service')).toEqual([]);
    expect(r.violations.filter((v) => v.rule === 'pdb')).toEqual([]);
    expect(r.violations.filter((v) => v.rule === 'network-calls' && v.message.includes('calls Pod'))).toEqual([]);
  });

  it('a pod without the hook annotation still counts (the other side)', () => {
    const plain = helmTestPod();
    delete plain.metadata.annotations;
    const r = checked(namedTarget, [plain]);
    expect(r.violations.filter((v) => v.rule === 'labels' && v.kind === 'Service').map((v) => v.message)).toEqual([
      'spec.ports[0] targets the port named "http", which no container of Pod/web-test-connection (it names no port) declares, so those pods are no endpoints of that port',
    ]);
    expect(r.violations.filter((v) => v.rule === 'pdb').map((v) => `${v.kind} ${v.name}: ${v.message}`)).toEqual([
      'Deployment web: its PodDisruptionBudget web also selects the pods of Pod/web-test-connection, so the budget does not count this workload\'s replicas',
    ]);
  });

  it('a hook Deployment runs on, so it still counts', () => {
    const r = checked((app) => { app.deployment.metadata.annotations = { 'helm.sh/hook': 'post-install' }; });
    expect(r.violations.filter((v) => v.rule === 'labels' && v.kind === 'Service')).toEqual([]);
    expect(r.violations.filter((v) => v.rule === 'pdb')).toEqual([]);
  });
});

describe('metrics: prometheus.io/port on a scraped Service is checked like on the pods', () => {
  const svcAnnotated = (port: string) => (app: App) => {
    app.deployment.spec.template.metadata.annotations = {};
    app.service.metadata.annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port };
  };

  it('flags a port that no selected container declares', () => {
    expect(ruleMessages('metrics', svcAnnotated('9999'))).toEqual([
      'Service web: has the annotation prometheus.io/port 9999, but the containers of the pods it selects (Deployment/web) declare only port 8080, so Prometheus scrapes a port nothing listens on',
    ]);
  });

  it('flags a value that is not a port number', () => {
    expect(ruleMessages('metrics', svcAnnotated('http'))).toEqual([
      'Service web: has the annotation prometheus.io/port "http", which is not a port number from 1 to 65535, so Prometheus cannot scrape it',
    ]);
  });

  it('passes a declared port, and an annotation without prometheus.io/scrape: "true"', () => {
    expect(ruleMessages('metrics', svcAnnotated('8080'))).toEqual([]);
    expect(ruleMessages('metrics', (app) => { app.service.metadata.annotations = { 'prometheus.io/port': '9999' }; })).toEqual([]);
  });

  it('the pod annotation keeps its message', () => {
    expect(messages('metrics', (app) => { app.deployment.spec.template.metadata.annotations['prometheus.io/port'] = '9999'; })).toEqual([
      'Deployment web: has the annotation prometheus.io/port 9999, but its containers declare only port 8080, so Prometheus scrapes a port nothing listens on',
    ]);
  });
});

describe('pdb: a budget over workloads scaled to zero blocks no drain', () => {
  it('does not flag minAvailable: 1 over replicas: 0', () => {
    expect(ruleMessages('pdb', (app) => { app.deployment.spec.replicas = 0; app.pdb.spec = { minAvailable: 1, selector: { matchLabels: { ...SEL } } }; })).toEqual([]);
  });

  it('does not flag maxUnavailable: 0 over replicas: 0 either: no pod runs, so no drain waits', () => {
    expect(ruleMessages('pdb', (app) => { app.deployment.spec.replicas = 0; app.pdb.spec = { maxUnavailable: 0, selector: { matchLabels: { ...SEL } } }; })).toEqual([]);
    expect(ruleMessages('pdb', (app) => { app.deployment.spec.replicas = 0; app.pdb.spec = { minAvailable: '100%', selector: { matchLabels: { ...SEL } } }; })).toEqual([]);
  });

  it('still flags minAvailable: 1 over one replica, and maxUnavailable: 0 over one', () => {
    expect(ruleMessages('pdb', (app) => { app.deployment.spec.replicas = 1; app.pdb.spec = { minAvailable: 1, selector: { matchLabels: { ...SEL } } }; })).toEqual([
      'PodDisruptionBudget web: allows no disruption (minAvailable 1 with 1 replica) over Deployment/web (1 replica), so every drain of their nodes blocks forever',
    ]);
    expect(ruleMessages('pdb', (app) => { app.deployment.spec.replicas = 1; app.pdb.spec = { maxUnavailable: 0, selector: { matchLabels: { ...SEL } } }; })).toEqual([
      'PodDisruptionBudget web: allows no disruption (maxUnavailable 0) over Deployment/web (1 replica), so every drain of their nodes blocks forever',
    ]);
  });
});

describe('decodeText: UTF-16 by its byte order mark or the NUL pattern of ASCII text; other NULs are binary', () => {
  const text = 'kind: ConfigMap\napiVersion: v1\n';
  it.each<[string, Uint8Array]>([
    ['with a little-endian BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['with a big-endian BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['little-endian without a BOM', Buffer.from(text, 'utf16le')],
    ['big-endian without a BOM', Buffer.from(text, 'utf16le').swap16()],
  ])('UTF-16 %s', (_title, bytes) => {
    expect(decodeText(bytes, 'f.yaml')).toEqual({ problem: 'f.yaml: is UTF-16 text; manifests are read as UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)' });
  });

  it.each<[string, Uint8Array]>([
    ['\\x00\\x01\\x02binary', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('binary\n')])],
    ['a PNG header', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])],
    ['NUL then text', Buffer.concat([Buffer.from([0]), Buffer.from('kind: ConfigMap\n')])],
  ])('binary: %s', (_title, bytes) => {
    expect(decodeText(bytes, 'f.yaml')).toEqual({ problem: 'f.yaml: is binary data (it contains NUL bytes), not YAML or JSON' });
  });
});

describe('skips that cannot apply to the kind are warned about, naming the object, the rule and the kinds', () => {
  const skip = (rule: string) => ({ [`guardrails.cdk8s.io/skip.${rule}`]: 'a reason' });
  const warningsOf = (mutate: (app: App) => void) => checked(mutate).warnings.filter((w) => w.includes('hides nothing'));

  it('a workload rule on a Service, a namespace rule on a Deployment', () => {
    expect(warningsOf((app) => { app.service.metadata.annotations = skip('replicas-min'); })).toEqual([
      'Service shop/web: skip annotation for replicas-min: rule replicas-min applies to workloads (objects with a pod template), HorizontalPodAutoscaler and ScaledObject, not to a Service, so the skip hides nothing; remove it, or put it on the object the rule reports',
    ]);
    expect(warningsOf((app) => { app.deployment.metadata.annotations = skip('ns-quota'); })).toEqual([
      'Deployment shop/web: skip annotation for ns-quota: rule ns-quota applies to Namespace and ResourceQuota, not to a Deployment, so the skip hides nothing; remove it, or put it on the object the rule reports',
    ]);
  });

  it('a workload rule that the workload\'s kind does not have', () => {
    expect(warningsOf((app) => {
      app.deployment = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { ...app.deployment.metadata, annotations: skip('replicas-min') }, spec: { selector: app.deployment.spec.selector, template: app.deployment.spec.template } };
    })).toEqual(['DaemonSet shop/web: skip annotation for replicas-min: a DaemonSet runs one pod on each node and has no replicas, so the skip of rule replicas-min hides nothing; remove it']);
  });

  it('no warning where the skip counts: on the workload, its budget, its Namespace', () => {
    expect(warningsOf((app) => {
      app.deployment.metadata.annotations = skip('replicas-min');
      app.pdb.metadata.annotations = skip('pdb');
      app.namespace.metadata.annotations = skip('ns-quota');
      app.service.metadata.annotations = { ...skip('metrics'), ...skip('labels') };
    })).toEqual([]);
  });
});

describe('containers found by shape where known custom resources put them', () => {
  const meta = { name: 'x', namespace: NS, labels: { ...LABELS } };
  const privileged = { privileged: true };
  const podSecurity = (extra: any) => checked(() => undefined, [extra]).violations.filter((v) => v.rule === 'pod-security').map((v) => `${v.kind} ${v.name}: ${v.field}: ${v.message}`);
  const tail = ' (outside any pod template the checker knows; Pod Security admission judges the pod it becomes all the same)';
  const wf = (kind: string, spec: any) => ({ apiVersion: 'argoproj.io/v1alpha1', kind, metadata: meta, spec });

  it.each<[string, any, string]>([
    ['a Workflow template\'s container without a name', wf('Workflow', { templates: [{ name: 'a', container: { image: 'redis:7.2.4', securityContext: privileged } }] }), 'spec.templates[0].container'],
    ['a script', wf('Workflow', { templates: [{ name: 'a', script: { image: 'redis:7.2.4', source: 'echo', securityContext: privileged } }] }), 'spec.templates[0].script'],
    ['a WorkflowTemplate', wf('WorkflowTemplate', { templates: [{ name: 'a', container: { image: 'redis:7.2.4', securityContext: privileged } }] }), 'spec.templates[0].container'],
    ['a CronWorkflow\'s workflowSpec', wf('CronWorkflow', { schedule: '* * * * *', workflowSpec: { templates: [{ name: 'a', container: { image: 'redis:7.2.4', securityContext: privileged } }] } }), 'spec.workflowSpec.templates[0].container'],
    ['a SparkApplication driver (no image of its own)', { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: meta, spec: { image: 'spark:3.5.1', driver: { securityContext: privileged }, executor: { instances: 1 } } }, 'spec.driver'],
  ])('flags a privileged container in %s', (_title, obj, field) => {
    expect(podSecurity(obj)).toEqual([`${obj.kind} x: ${field}.securityContext.privileged: container at ${field} is privileged${tail}`]);
    expect(checked(() => undefined, [obj]).warnings.filter((w) => w.includes('outside a pod template'))).toEqual([
      expect.stringContaining(`${obj.kind} ${NS}/x: has containers outside a pod template (${field}`),
    ]);
  });

  it('names the container and flags added capabilities; passes one that asks for nothing', () => {
    const sidecar = wf('Workflow', { templates: [{ name: 'a', container: { image: 'redis:7.2.4' }, sidecars: [{ name: 's', image: 'redis:7.2.4', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }] });
    expect(podSecurity(sidecar)).toEqual([`Workflow x: spec.templates[0].sidecars[0].securityContext.capabilities.add: container at spec.templates[0].sidecars[0] ("s") adds the capabilities SYS_ADMIN${tail}`]);
    expect(podSecurity(wf('Workflow', { templates: [{ name: 'a', container: { image: 'redis:7.2.4', securityContext: { privileged: false } } }] }))).toEqual([]);
  });

  it('an image setting of an operator\'s own resource is no container', () => {
    const r = checked(() => undefined, [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta, spec: { image: 'quay.io/prometheus/prometheus:v2.50.0', replicas: 2, resources: { requests: { memory: '400Mi' } }, securityContext: { runAsUser: 1000 } } }]);
    expect(r.warnings.filter((w) => w.includes('outside a pod template'))).toEqual([]);
  });
});

describe('ns-rbac: creating the custom resources the checker treats as workloads runs pods', () => {
  const grant = (apiGroups: string[], resources: string[], verbs: string[]) => ruleMessages('ns-rbac', (app) => { app.role.rules = [{ apiGroups, resources, verbs }]; });
  const why = (resource: string) => `whoever creates or changes a workload (${resource}) runs pods as any ServiceAccount of the namespace, with any Secret, ConfigMap and volume of it mounted`;

  it.each<[string, string]>([
    ['argoproj.io', 'workflows'], ['argoproj.io', 'cronworkflows'], ['argoproj.io', 'rollouts'], ['apps.kruise.io', 'clonesets'], ['sparkoperator.k8s.io', 'sparkapplications'],
  ])('flags create on %s %s', (group, resource) => {
    expect(grant([group], [resource], ['create'])).toEqual([`Role viewer: grants create on ${resource} (${group}): ${why(resource)}`]);
  });

  it('keeps the built-in workloads, and passes reading them', () => {
    expect(grant(['apps'], ['deployments'], ['patch'])).toEqual([`Role viewer: grants patch on deployments (apps): ${why('deployments')}`]);
    expect(grant([''], ['replicationcontrollers'], ['create'])).toEqual(['Role viewer: grants create on replicationcontrollers: whoever creates or changes a ReplicationController runs pods as any ServiceAccount of the namespace, with any Secret, ConfigMap and volume of it mounted']);
    expect(grant(['argoproj.io'], ['workflows', 'rollouts'], ['get', 'list', 'watch'])).toEqual([]);
    expect(grant(['example.com'], ['workflows'], ['create'])).toEqual([]);
  });
});

describe('skips on bare Pods', () => {
  const pod = (annotations: any, restartPolicy = 'Never') => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'once', namespace: NS, labels: { ...LABELS }, annotations },
    spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox:1.36.1' }] },
  });
  const warned = (p: any) => checked(() => undefined, [p]).warnings.filter((w) => w.includes('hides nothing'));

  it('warns about replica and long-running rules on a Pod that runs to completion', () => {
    expect(warned(pod({ 'guardrails.cdk8s.io/skip.pdb': 'x', 'guardrails.cdk8s.io/skip.probe-liveness': 'y' }))).toEqual([
      'Pod shop/once: skip annotation for pdb: a bare Pod has no replicas, so the skip of rule pdb hides nothing; remove it',
      'Pod shop/once: skip annotation for probe-liveness: this Pod runs to completion (restartPolicy Never): rule probe-liveness is for pods that run until they are stopped, so the skip of rule probe-liveness hides nothing; remove it',
    ]);
  });

  it('accepts a probe skip on a Pod that runs on, and an image skip on any Pod', () => {
    expect(warned(pod({ 'guardrails.cdk8s.io/skip.probe-liveness': 'y', 'guardrails.cdk8s.io/skip.image-pinned': 'z' }, 'Always'))).toEqual([]);
  });
});
