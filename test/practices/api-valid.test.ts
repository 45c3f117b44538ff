import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails } from '../../lib';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { goodApp, LABELS, NS, check, manifests, rawChart } from './helpers';

/**
 * `api-valid`: the API server's own validation on raw objects. Each refused case names the
 * field, the value and what is allowed; each accepted edge case breaks nothing.
 */

const DEPLOYMENT = 'spec.template.spec';
type App = ReturnType<typeof goodApp>;
const container = (a: App) => a.deployment.spec.template.spec.containers[0];

/** `field: message` of every api-valid finding, after one change to the good app. */
function findings(mutate: (a: App) => void): string[] {
  return check(manifests(mutate)).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.kind} ${v.name} ${v.field}: ${v.message}`);
}

/** Findings on loose objects (no app around them). */
function loose(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const cm = (name: string, data: any = {}, extra: any = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...extra }, data });
const SUBDOMAIN = 'a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'';
const QUALIFIED = 'a key of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")';
const QUANTITY = 'a non-negative Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3"';
const PORT_NAME = 'a port name of 1 to 15 lower-case letters, digits and \'-\', with at least one letter, not starting or ending with \'-\' and without "--" (e.g. "http", "metrics", "grpc-web")';

describe('api-valid refuses what the API server refuses', () => {
  it('metadata.name Web_1, per kind: a subdomain, a Service\'s DNS-1035 label, a CronJob of at most 52', () => {
    expect(findings((a) => { a.configMap.metadata.name = 'Web_1'; }).filter((f) => f.includes('metadata.name')))
      .toEqual([`ConfigMap Web_1 metadata.name: "Web_1" is refused by the API server; expected ${SUBDOMAIN}`]);
    expect(loose({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' } })).toEqual([
      'metadata.name: "1web" is refused by the API server; expected a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit (from Kubernetes 1.36 on it may start with a digit)',
    ]);
    // A 1.36 target: the API server's DNS-1123 label, which may start with a digit.
    const at136 = (name: string) => loose({ apiVersion: 'v1', kind: 'Service', metadata: { name, annotations: { 'guardrails.cdk8s.io/kubernetes-version': '1.36' } } });
    expect(at136('1web')).toEqual([]);
    expect(at136('Web')).toEqual(['metadata.name: "Web" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit']);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c'.repeat(53) }, spec: {} };
    expect(loose(cron)).toEqual([
      `metadata.name: "${'c'.repeat(53)}" is refused by the API server; expected a CronJob name of at most 52 characters (its Jobs add an 11-character suffix)`,
      'spec.jobTemplate: unset is refused by the API server; expected a value: CronJobSpec.jobTemplate is required',
      'spec.schedule: unset is refused by the API server; expected a value: CronJobSpec.schedule is required',
    ]);
    expect(loose({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop.prod' } })[0]).toMatch(/^metadata.name: "shop.prod" is refused by the API server; expected a DNS-1123 label of at most 63 characters/);
  });

  it('a namespace name that is too long', () => {
    const ns = 'n'.repeat(64);
    expect(loose(cm('web', {}, { namespace: ns }))).toEqual([
      `metadata.namespace: "${ns}" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    ]);
  });

  it('a containerPort 70000, a port named twice in one container, a port name of 16 characters', () => {
    expect(findings((a) => { container(a).ports[0].containerPort = 70000; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].ports[0].containerPort: 70000 is refused by the API server; expected a port number from 1 to 65535`]);
    expect(findings((a) => { container(a).ports.push({ containerPort: 9090, name: 'http' }); }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].ports[1].name: port name "http" is used twice in container "app"; the API server refuses duplicate port names`]);
    expect(findings((a) => { container(a).ports.push({ containerPort: 9090, name: 'abcdefghijklmnop' }); }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].ports[1].name: "abcdefghijklmnop" is refused by the API server; expected ${PORT_NAME}`]);
    for (const name of ['Http', '9090', 'a--b', '-a']) {
      expect(findings((a) => { container(a).ports.push({ containerPort: 9090, name }); }), name).toHaveLength(1);
    }
  });

  it('an annotation key "bad key!" and a label value "cost center 7", on objects and pod templates', () => {
    expect(findings((a) => { a.service.metadata.annotations = { 'bad key!': 'x' }; }))
      .toEqual([`Service web metadata.annotations["bad key!"]: "bad key!" is refused by the API server; expected ${QUALIFIED}`]);
    expect(findings((a) => { a.service.metadata.labels.cost = 'cost center 7'; }))
      .toEqual(['Service web metadata.labels.cost: "cost center 7" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit']);
    expect(findings((a) => { a.deployment.spec.template.metadata.labels['team name'] = 'shop'; }))
      .toEqual([`Deployment web spec.template.metadata.labels["team name"]: "team name" is refused by the API server; expected ${QUALIFIED}`]);
    expect(findings((a) => { a.service.metadata.annotations = { replicas: 3 }; }))
      .toEqual(['Service web metadata.annotations.replicas: 3 is refused by the API server; expected a string (quote it in YAML)']);
  });

  it('annotations over 256 KiB in all', () => {
    expect(loose(cm('web', {}, { annotations: { note: 'x'.repeat(256 * 1024) } })))
      .toEqual(['metadata.annotations: take 262148 bytes (keys plus values), and the API server refuses more than 262144 (256 KiB) in all']);
  });

  it('ConfigMap keys a/b and ..data, a key in data and binaryData, bad base64 in a Secret', () => {
    const shape = 'a ConfigMap key of at most 253 characters: letters, digits, \'-\', \'_\' and \'.\', other than "." and ".." and not starting with ".."';
    expect(loose(cm('web', { 'a/b': '1', '..data': '2' }))).toEqual([
      `data["..data"]: "..data" is refused by the API server; expected ${shape}`,
      `data["a/b"]: "a/b" is refused by the API server; expected ${shape}`,
    ]);
    expect(loose({ ...cm('web', { k: 'x' }), binaryData: { k: 'eA==' } })).toEqual(['binaryData.k: key "k" is also in data; the API server refuses a key in both']);
    expect(loose({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'not base64!' } }))
      .toEqual(['data.k: "not base64!" is refused by the API server; expected base64 text (the API server decodes it)']);
  });

  it('quantities: memory 128m, 1GB, \'\', -1; a request above its limit; an unknown resource name', () => {
    const at = `Deployment web ${DEPLOYMENT}.containers[0].resources`;
    expect(findings((a) => { container(a).resources.requests.memory = '1GB'; })).toEqual([`${at}.requests.memory: "1GB" is refused by the API server; expected ${QUANTITY}`]);
    expect(findings((a) => { container(a).resources.requests.memory = ''; })).toEqual([`${at}.requests.memory: "" is refused by the API server; expected ${QUANTITY}`]);
    expect(findings((a) => { container(a).resources.requests.cpu = '-1'; })).toEqual([`${at}.requests.cpu: "-1" is refused by the API server; expected ${QUANTITY}`]);
    expect(findings((a) => { container(a).resources.limits.memory = '128m'; })).toEqual([
      `${at}.limits.memory: "128m" is a fraction of a byte ("m" means thousandths): the API server warns "fractional byte value is invalid, must be an integer" and the value is rounded up; expected a whole number of bytes such as "128Mi" or "1G"`,
    ]);
    expect(findings((a) => { container(a).resources.limits.memory = '64Mi'; }))
      .toEqual([`${at}.requests.memory: request "128Mi" is above the limit "64Mi"; the API server refuses a request above its limit`]);
    expect(findings((a) => { container(a).resources.requests.cpus = '1'; }))
      .toEqual([`${at}.requests["cpus"]: "cpus" is refused by the API server; expected a key that is a container resource: cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource with a domain (e.g. "nvidia.com/gpu")`]);
  });

  it('an apiVersion apps/v1/x and a lower-case kind deployment', () => {
    expect(loose({ apiVersion: 'apps/v1/x', kind: 'Deployment', metadata: { name: 'x' } })[0]).toMatch(/^apiVersion: "apps\/v1\/x" is refused by the API server; expected an API version "<version>" for the core group/);
    expect(loose({ apiVersion: 'Apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toHaveLength(1);
    expect(loose({ apiVersion: 'apps/V1', kind: 'ConfigMap', metadata: { name: 'x' } })).toHaveLength(1);
    expect(loose({ apiVersion: 'v1', kind: 'configmap', metadata: { name: 'x' } }))
      .toEqual(['kind: "configmap" is refused by the API server; expected "ConfigMap": kinds are case-sensitive']);
    expect(loose({ apiVersion: 'example.com/v1', kind: 'My Widget', metadata: { name: 'x' } })[0]).toMatch(/^kind: "My Widget" is refused by the API server; expected a kind in UpperCamelCase/);
  });

  it('a Service port name Http, two unnamed ports, a port twice, a named targetPort too long', () => {
    const ports = (list: any[]) => loose({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: list } });
    expect(ports([{ name: 'Http', port: 80 }])).toEqual(['spec.ports[0].name: "Http" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit']);
    expect(ports([{ port: 80 }, { port: 443 }])).toEqual([
      'spec.ports[0].name: unset is refused by the API server; expected a name: every port of a Service with more than one port is named',
      'spec.ports[1].name: unset is refused by the API server; expected a name: every port of a Service with more than one port is named',
    ]);
    expect(ports([{ name: 'a', port: 80 }, { name: 'b', port: 80 }])).toEqual(['spec.ports[1].port: port 80/TCP is listed twice; the API server refuses duplicate port and protocol pairs']);
    expect(ports([{ name: 'a', port: 80, targetPort: 'http-alternative' }])[0]).toMatch(/^spec.ports\[0\].targetPort: "http-alternative" is refused by the API server; expected a port number from 1 to 65535 or a port name/);
  });

  it('env var names with "="', () => {
    expect(findings((a) => { container(a).env = [{ name: 'A=B', value: '1' }]; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].env[0].name: "A=B" is refused by the API server; expected an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit, other than "." and ".." and not starting with ".." (API servers before 1.32 refuse other names; later ones refuse only '=' and non-printable characters: raise the target to 1.32 to use them)`]);
    expect(findings((a) => { container(a).env = [{ name: '1ABC', value: '1' }]; })).toHaveLength(1);
    // From a 1.32 target on, any printable ASCII but '=' (the API server's relaxed rule).
    const at132 = (name: string) => findings((a) => {
      a.deployment.metadata.annotations = { ...a.deployment.metadata.annotations, 'guardrails.cdk8s.io/kubernetes-version': '1.32' };
      container(a).env = [{ name, value: '1' }];
    }).filter((f) => f.includes('.env['));
    expect(at132('1ABC weird:name')).toEqual([]);
    expect(at132('A=B')).toEqual([`Deployment web ${DEPLOYMENT}.containers[0].env[0].name: "A=B" is refused by the API server; expected an environment variable name of printable ASCII characters other than '='`]);
  });

  it('a selector that does not match the template, for every kind with a required selector; a Job with manualSelector', () => {
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet']) {
      const obj = { apiVersion: 'apps/v1', kind, metadata: { name: 'w' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1.0.0' }] } } } };
      expect(loose(obj), kind).toEqual(['spec.selector: spec.selector {app=a} does not select its own pod template {app=b}; the API server rejects it']);
    }
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { manualSelector: true, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i:1.0.0' }] } } } };
    expect(loose(job)).toEqual(['spec.selector: spec.selector {app=a} does not select its own pod template {app=b}; the API server rejects it']);
    expect(findings((a) => { a.deployment.spec.selector.matchExpressions = [{ key: 'x', operator: 'In' }]; }))
      .toEqual(['Deployment web spec.selector: spec.selector matchExpressions[0] (x In) has no values; In needs at least one; the API server rejects it']);
  });

  it('a Pod\'s own labels are reported once; a ReplicationController\'s map selector is checked', () => {
    const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { 'a b': 'c' } }, spec: { containers: [{ name: 'c', image: 'i:1.0.0' }] } };
    expect(loose(p)).toHaveLength(1);
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { selector: { app: 'x y' }, template: { metadata: { labels: { app: 'x y' } }, spec: { containers: [{ name: 'c', image: 'i:1.0.0' }] } } } };
    expect(loose(rc)).toEqual([
      'spec.selector.app: "x y" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
      'spec.template.metadata.labels.app: "x y" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
    ]);
  });

  it('a missing selector', () => {
    expect(findings((a) => { delete a.deployment.spec.selector; }))
      .toEqual(['Deployment web spec.selector: has no spec.selector; the API server requires one that selects its pod template {app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s, app.kubernetes.io/name=web}']);
  });

  it('pods: two containers of one name, a mount of a volume that does not exist, no image, probes with two handlers or a liveness successThreshold of 2', () => {
    expect(findings((a) => { a.deployment.spec.template.spec.initContainers = [{ name: 'app', image: 'busybox:1.36.1' }]; }))
      .toContain(`Deployment web ${DEPLOYMENT}.containers[0].name: container name "app" is used twice in the pod; the API server refuses duplicate container names`);
    expect(findings((a) => { container(a).volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }]; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].volumeMounts[0].name: "tmp" is refused by the API server; expected the name of a volume of the pod (the pod has no volumes)`]);
    expect(findings((a) => { container(a).image = ''; }).filter((f) => f.includes('.image'))).toEqual([`Deployment web ${DEPLOYMENT}.containers[0].image: "" is refused by the API server; expected an image reference such as "registry/app:1.4.2"`]);
    expect(findings((a) => { container(a).livenessProbe.tcpSocket = { port: 8080 }; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].livenessProbe: has 2 handlers (httpGet, tcpSocket); the API server needs exactly one of exec, httpGet, tcpSocket and grpc`]);
    expect(findings((a) => { container(a).livenessProbe.successThreshold = 2; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].livenessProbe.successThreshold: 2 is refused by the API server; expected 1: a livenessProbe succeeds on its first success`]);
    expect(findings((a) => { container(a).readinessProbe.periodSeconds = -1; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.containers[0].readinessProbe.periodSeconds: -1 is refused by the API server; expected a whole number of at least 0 (0 means the default)`]);
  });

  it('pod references: priorityClassName Critical_Class, a nodeSelector key "disk type", a Secret key ../k or an empty Secret name', () => {
    expect(findings((a) => { a.deployment.spec.template.spec.priorityClassName = 'Critical_Class'; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.priorityClassName: "Critical_Class" is refused by the API server; expected ${SUBDOMAIN}`]);
    expect(findings((a) => { a.deployment.spec.template.spec.nodeSelector = { 'disk type': 'ssd' }; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.nodeSelector["disk type"]: "disk type" is refused by the API server; expected ${QUALIFIED}`]);
    expect(findings((a) => { container(a).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: '', key: '../k' } } }]; }).filter((x) => x.includes('secretKeyRef'))).toEqual([
      `Deployment web ${DEPLOYMENT}.containers[0].env[0].valueFrom.secretKeyRef.key: "../k" is refused by the API server; expected a ConfigMap key of at most 253 characters: letters, digits, '-', '_' and '.', other than "." and ".." and not starting with ".."`,
      `Deployment web ${DEPLOYMENT}.containers[0].env[0].valueFrom.secretKeyRef.name: "" is refused by the API server; expected the name of a Secret`,
    ]);
  });

  it('an Ingress path /api//v1 or /static/.. of type Prefix', () => {
    const ingress = (p: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ http: { paths: [{ path: p, pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } });
    expect(loose(ingress('/api//v1'))).toEqual(['spec.rules[0].http.paths[0].path: "/api//v1" is refused by the API server; expected a path without "//" (the API server refuses it in Prefix and Exact paths), such as "/api/v1"']);
    expect(loose(ingress('/static/..'))).toEqual(['spec.rules[0].http.paths[0].path: "/static/.." is refused by the API server; expected a path not ending with "/.." (the API server refuses it in Prefix and Exact paths)']);
    expect(loose(ingress('/api/v1.2'))).toEqual([]);
  });

  it('numbers out of their field\'s range: replicas 1e400 (a string, as go-yaml reads it), 1.5 or -1; a grace period of -1', () => {
    for (const replicas of ['1e400', 1.5, -1]) {
      expect(findings((a) => { a.deployment.spec.replicas = replicas; }), String(replicas))
        .toEqual([`Deployment web spec.replicas: ${JSON.stringify(replicas)} is refused by the API server; expected a whole number from 0 to 2147483647`]);
    }
    expect(findings((a) => { a.deployment.spec.replicas = 0; })).toEqual([]);
    expect(findings((a) => { a.deployment.spec.template.spec.terminationGracePeriodSeconds = -1; }))
      .toEqual([`Deployment web ${DEPLOYMENT}.terminationGracePeriodSeconds: -1 is refused by the API server; expected a whole number of seconds of at least 0`]);
  });

  it('a NetworkPolicy CIDR /33 and an endPort below its port', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }], ports: [{ port: 8080, endPort: 80 }] }] } };
    expect(loose(policy)).toEqual([
      'spec.egress[0].ports[0].endPort: 80 is refused by the API server; expected a port from port (8080) to 65535',
      'spec.egress[0].to[0].ipBlock.cidr: "10.0.0.0/33" is refused by the API server; expected a CIDR such as "10.0.0.0/8" or "fd00::/8" (the prefix length must be 0 to 32)',
    ]);
  });
});

describe('api-valid accepts the edge cases the API server accepts', () => {
  it('names with dots, 15-character port names, quantities 1.5Gi, 100m, 1e3, empty label values, prefixed annotation keys', () => {
    expect(findings((a) => {
      a.configMap.metadata.name = 'web.config.v1';
      container(a).envFrom[0].configMapRef.name = 'web.config.v1';
      container(a).ports[0].name = 'abcdefghijklmno';
      container(a).livenessProbe.httpGet.port = 'abcdefghijklmno';
      container(a).readinessProbe.httpGet.port = 'abcdefghijklmno';
      container(a).resources = { requests: { cpu: '100m', memory: '1e3', 'ephemeral-storage': '1.5Gi', 'nvidia.com/gpu': 1 }, limits: { memory: '1.5Gi', cpu: 2, 'nvidia.com/gpu': '1' } };
      a.service.metadata.labels.tier = '';
      a.service.metadata.annotations = { 'Example.com/Team': 'shop', 'kubernetes.io/description': 'x', a: '' };
      container(a).env = [{ name: '_relaxed.Name-ok', value: '1' }];
      container(a).livenessProbe.periodSeconds = 0;
    })).toEqual([]);
  });

  it('CRD objects of unknown kinds, RBAC names with colons, generateName, a List of objects', () => {
    const list = {
      apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'w.1' }, spec: { anything: ['goes', 1] } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:aggregate-to-view' }, rules: [] },
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'migrate-' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'i:1.0.0' }] } } } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } },
        { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1.0.0' }] } } } },
      ],
    };
    expect(loose(list)).toEqual([]);
  });

  it('the hand-written good app and its Secret with data and stringData of one key', () => {
    expect(findings(() => undefined)).toEqual([]);
    expect(loose({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'aHVudGVyMg==' }, stringData: { k: 'x' } })).toEqual([]);
  });
});

describe('api-valid cannot be switched off', () => {
  it('a skip annotation is ignored with a warning, and the finding stays', () => {
    const result = check([cm('Web_1', {}, { labels: LABELS, annotations: { 'guardrails.cdk8s.io/skip.api-valid': 'legacy name' } })]);
    expect(result.violations.filter((v) => v.rule === 'api-valid').map((v) => v.field)).toEqual(['metadata.name']);
    expect(result.suppressions).toEqual([]);
    expect(result.warnings).toEqual([
      'ConfigMap shop/Web_1 (raw/ConfigMap-Web_1): skip annotation for api-valid is ignored: the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object',
    ]);
  });

  it('disabledRules and Guardrails.skip refuse it', () => {
    expect(() => Guardrails.check([], { disabledRules: { 'api-valid': 'legacy' } })).toThrow(
      'Guardrails.check: invalid disabledRules.api-valid "api-valid"; expected a rule that can be switched off (the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object).',
    );
    const chart = rawChart([cm('web')]);
    expect(() => Guardrails.skip(chart, 'api-valid', 'legacy')).toThrow('Guardrails at \'raw\': invalid ruleId "api-valid"; expected a rule that can be switched off (the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object).');
  });

  it('an enforced app with an escape-hatch patch that breaks a name fails the synthesis', () => {
    const app = Testing.app();
    rawChart([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Bad_Name', namespace: NS, labels: { ...LABELS } }, automountServiceAccountToken: false }], app);
    Guardrails.enforce(app, { profile: undefined });
    expect(() => app.synth()).toThrow(/api-valid: ServiceAccount shop\/Bad_Name at raw\/ServiceAccount-Bad_Name: metadata.name: "Bad_Name" is refused by the API server; expected a DNS-1123 subdomain/);
  });
});
