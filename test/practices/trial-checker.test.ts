import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { readManifestText } from '../../lib/practices/read';
import { App, NS, SEL, asKind, manifests, messages } from './helpers';

/** Defects a first trial of the checker found: each kind of defect, with what must be flagged and what must pass. */
const c0 = (a: App) => a.deployment.spec.template.spec.containers[0];
const env = (name: string, value: string) => (a: App) => { c0(a).env = [{ name, value }]; };
const TAIL = 'but proxies and endpoints outside the cluster differ per environment';
const P = 'guardrails.cdk8s.io/skip.pod-security';

describe('config-external judges the value, whatever the variable is called', () => {
  it.each<[string, string, string]>([
    ['ENDPOINT', 'db.example.com', 'db.example.com'],
    ['ES', 'elastic.acme.io:9200', 'elastic.acme.io'],
    ['UPSTREAM', '10.0.0.12:5432', '10.0.0.12'],
    ['PEER', '10.0.0.12', '10.0.0.12'],
    ['GRPC_TARGET', 'dns:///payments.prod.acme.io:443', 'payments.prod.acme.io'],
    ['BACKEND', 'ipv4:10.0.0.7:50051', '10.0.0.7'],
    ['DSN', 'user@tcp(mysql.acme.io:3306)/db', 'mysql.acme.io'],
    ['PG', 'app:secret@pg.acme.de:5432/shop', 'pg.acme.de'],
    ['SEEDS', 'cassandra-0.cassandra.shop,db2.acme.io', 'db2.acme.io'],
    ['DB_HOST', 's3.amazonaws.com', 's3.amazonaws.com'],
  ])('flags %s=%s', (name, value, host) => {
    expect(messages('config-external', env(name, value)))
      .toEqual([`Deployment web: container "app": env ${name} is a literal in the pod spec ("${value}"), pointing at ${host}, ${TAIL}`]);
  });

  it.each<[string, string]>([
    ['DB_HOST', 'postgres.db'],
    ['DB_HOST', 'postgres.shop'],
    ['DB_HOST', 'redis.cache'],
    ['ENDPOINT', 'postgres.db:5432'],
    ['UPSTREAM', 'redis:6379'],
    ['GRPC_TARGET', 'dns:///payments.shop.svc:443'],
    ['DSN', 'user@tcp(mysql.shop:3306)/db'],
    ['PEER', 'web-0.web.shop'],
    ['ADMIN_EMAIL', 'ops@acme.io'],
    ['SCRIPT', 'main.py'],
    ['BUNDLE', 'app.min.js'],
    ['VERSION', '1.2.3'],
    ['START', '12:30'],
    ['MAIN_CLASS', 'com.acme.shop.Main'],
    ['SOCKET', 'unix:///var/run/app.sock'],
  ])('passes %s=%s', (name, value) => {
    expect(messages('config-external', env(name, value))).toEqual([]);
  });

  it('judges a bare argument and a flag alike', () => {
    expect(messages('config-external', (a) => { c0(a).args = ['--peer', 'elastic.acme.io:9200', 'serve.py']; }))
      .toEqual([`Deployment web: container "app": args[1] is a literal in the pod spec ("elastic.acme.io:9200"), pointing at elastic.acme.io, ${TAIL}`]);
  });
});

describe('spread: anti-affinity over several namespaces still spreads the own pods', () => {
  const anti = (term: any) => (a: App) => {
    const spec = a.deployment.spec.template.spec;
    spec.topologySpreadConstraints = spec.topologySpreadConstraints.filter((t: any) => t.topologyKey !== 'kubernetes.io/hostname');
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...SEL } }, ...term }] } };
  };
  it.each<[string, any]>([
    ['namespaces: [shop, other]', { namespaces: [NS, 'other'] }],
    ['namespaceSelector: {}', { namespaceSelector: {} }],
    ['namespaceSelector on kubernetes.io/metadata.name', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } }],
  ])('passes %s', (_t, term) => {
    expect(messages('spread-nodes', anti(term))).toEqual([]);
  });
  it('flags anti-affinity that counts other namespaces only', () => {
    expect(messages('spread-nodes', anti({ namespaces: ['other', 'third'] }))).toHaveLength(1);
  });
});

describe('ns-rbac: proxy subresources reach pods past NetworkPolicies', () => {
  const role = (kind: string, resource: string, verbs: string[]) => (a: App) => {
    a.role.kind = kind;
    if (kind === 'ClusterRole') delete a.role.metadata.namespace;
    a.role.rules = [{ apiGroups: [''], resources: [resource], verbs }];
  };
  const ns = 'the namespace';
  it.each<[string, string, string[], string]>([
    ['Role', 'pods/proxy', ['get'], `grants get on pods/proxy: the API server's proxy reaches any port of any pod of ${ns}, past its NetworkPolicies`],
    ['Role', 'services/proxy', ['get', 'create'], `grants get, create on services/proxy: the API server's proxy reaches the pods behind any Service of ${ns}, past their NetworkPolicies`],
    ['Role', 'pods/portforward', ['get'], `grants get on pods/portforward: port-forwarding reaches any port of any pod of ${ns}, past its NetworkPolicies`],
    ['ClusterRole', 'nodes/proxy', ['get'], 'grants get on nodes/proxy: it reaches the kubelet API of every node, which runs commands in any pod there without admission or audit'],
    ['ClusterRole', 'nodes/proxy', ['patch'], 'grants patch on nodes/proxy: it reaches the kubelet API of every node, which runs commands in any pod there without admission or audit'],
  ])('flags %s %s %j', (kind, resource, verbs, text) => {
    expect(messages('ns-rbac', role(kind, resource, verbs))).toEqual([`${kind} viewer: ${text}`]);
  });
  it.each<[string, string[]]>([['pods/log', ['get']], ['services', ['get', 'list']], ['pods/status', ['get']]])('passes %s %j', (resource, verbs) => {
    expect(messages('ns-rbac', role('Role', resource, verbs))).toEqual([]);
  });
});

describe('labels: a Service targets a port name its pods declare', () => {
  it('flags a named targetPort that no selected container declares', () => {
    expect(messages('labels', (a) => { a.service.spec.ports = [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }]; }))
      .toEqual(['Service web: spec.ports[1] targets the port named "metrics", which no container of Deployment/web (its port names: http) declares, so the Service has no endpoints on that port']);
  });
  it('passes a declared name, a number, and a name a native sidecar declares', () => {
    expect(messages('labels', (a) => { a.service.spec.ports = [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'raw', port: 81, targetPort: 9999 }]; })).toEqual([]);
    expect(messages('labels', (a) => {
      a.deployment.spec.template.spec.initContainers = [{ name: 'exporter', image: 'ghcr.io/acme/exp:1.0.0', restartPolicy: 'Always', ports: [{ name: 'metrics', containerPort: 9100 }] }];
      a.service.spec.ports = [{ name: 'metrics', port: 9100, targetPort: 'metrics' }];
    })).toEqual([]);
  });
});

describe('messages say what is wrong', () => {
  it('two budgets over one workload: the fix is to keep one', () => {
    const result = checkManifests(manifests((a) => { (a as any).pdb2 = { ...structuredClone(a.pdb), metadata: { ...a.pdb.metadata, name: 'web-2' } }; }).map((manifest) => ({ manifest })), DEFAULT_OPTIONS);
    const v = result.violations.filter((x) => x.rule === 'pdb');
    expect(v.map((x) => x.message)).toEqual(['is selected by 2 PodDisruptionBudgets (web, web-2); the eviction API refuses to evict pods covered by more than one, so drains block']);
    expect(v[0].fix).toBe('keep one PodDisruptionBudget for these pods: delete the others or narrow their selectors to other workloads');
  });

  it('a YAML boolean name is named as such, not as missing', () => {
    const read = readManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yes\n', 'cm.yaml');
    expect(read.problems).toEqual(['cm.yaml: ConfigMap has metadata.name the boolean true (YAML 1.1 reads an unquoted y, yes, on or true as true: quote it); the API server requires a string name']);
    expect(readManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n', 'cm.yaml').problems).toEqual(['cm.yaml: ConfigMap has no metadata.name, which the API server requires']);
  });

  it('a numeric image is left to api-valid; an empty one is missing', () => {
    expect(messages('image-pinned', (a) => { c0(a).image = 1.4; })).toEqual([]);
    expect(messages('image-pinned', (a) => { delete c0(a).image; })).toEqual(['Deployment web: container "app" has no image']);
  });

  it('a YAML boolean quantity is api-valid\'s one finding', () => {
    expect(messages('resources', (a) => { c0(a).resources.requests.cpu = true; })).toEqual([]);
    expect(messages('api-valid', (a) => { c0(a).resources.requests.cpu = true; })).toHaveLength(1);
  });
});

describe('skip annotations on the pod template', () => {
  it('are warned about, and skip nothing', () => {
    const list = manifests((a) => {
      a.deployment.spec.replicas = 1;
      a.deployment.spec.template.metadata.annotations['guardrails.cdk8s.io/skip.replicas-min'] = 'a singleton';
    });
    const result = checkManifests(list.map((manifest) => ({ manifest })), DEFAULT_OPTIONS);
    expect(result.violations.filter((v) => v.rule === 'replicas-min')).toHaveLength(1);
    expect(result.warnings).toEqual(['Deployment shop/web: skip annotation guardrails.cdk8s.io/skip.replicas-min is on the pod template (spec.template.metadata.annotations), where it skips nothing: move it to the Deployment\'s own metadata.annotations (in a Helm chart, the value that sets the workload\'s annotations, not podAnnotations)']);
  });
  it('on the object itself they skip, without a warning', () => {
    const list = manifests((a) => {
      a.deployment.spec.replicas = 1;
      a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/skip.replicas-min': 'a singleton' };
    });
    const result = checkManifests(list.map((manifest) => ({ manifest })), DEFAULT_OPTIONS);
    expect(result.violations.filter((v) => v.rule === 'replicas-min')).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

describe('narrow exceptions cover exactly their scope', () => {
  const withAnnotations = (annotations: { [k: string]: string }, change: (spec: any) => void) => (a: App) => {
    a.deployment.metadata.annotations = annotations;
    change(a.deployment.spec.template.spec);
  };
  const hostLog = (path: string) => (spec: any) => {
    spec.volumes = [{ name: 'logs', hostPath: { path } }];
    c0({ deployment: { spec: { template: { spec } } } } as any).volumeMounts = [{ name: 'logs', mountPath: '/logs', readOnly: true }];
  };
  it.each(['/var/log', '/var/log/', '/var//log', '/var/./log'])('a hostPath exception for /var/log covers %s', (path) => {
    expect(messages('pod-security', withAnnotations({ [`${P}.hostPath`]: '/var/log (read-only): ships logs' }, hostLog(path)))).toEqual([]);
  });
  it('and not /var/log/../../etc', () => {
    expect(messages('pod-security', withAnnotations({ [`${P}.hostPath`]: '/var/log (read-only): ships logs' }, hostLog('/var/log/../../etc'))))
      .toEqual(['Deployment web: mounts the node\'s path /var/log/../../etc (hostPath volume "logs"); the pod-security.hostPath exception waives only /var/log']);
  });
  it('a runAsUser exception does not cover runAsGroup or fsGroup', () => {
    expect(messages('pod-security', withAnnotations({ [`${P}.runAsUser`]: '500: vendor image' }, (spec) => {
      spec.securityContext = { ...spec.securityContext, runAsUser: 500, runAsGroup: 500, fsGroup: 500 };
    }))).toEqual([
      'Deployment web: the pod sets fsGroup 500, below 10001, and no pod-security.runAsGroup exception waives it',
      'Deployment web: the pod sets runAsGroup 500, below 10001, and no pod-security.runAsGroup exception waives it',
    ]);
  });
  it('a runAsGroup exception does not cover supplementalGroups: [0]; its own exception does', () => {
    const groups = (spec: any) => { spec.securityContext = { ...spec.securityContext, runAsGroup: 500, supplementalGroups: [0] }; };
    expect(messages('pod-security', withAnnotations({ [`${P}.runAsGroup`]: '500: vendor image' }, groups))).toEqual([
      'Deployment web: the pod sets supplementalGroups 0 (the root group: it reads and writes what root\'s group owns on every mounted volume), below 10001, and no pod-security.supplementalGroups exception waives it',
    ]);
    expect(messages('pod-security', withAnnotations({ [`${P}.runAsGroup`]: '500: vendor image', [`${P}.supplementalGroups`]: '0: reads a root-group socket' }, groups))).toEqual([]);
  });
  it('supplementalGroups: [0] is flagged without any exception; other groups pass then', () => {
    expect(messages('pod-security', withAnnotations({}, (spec) => { spec.securityContext = { ...spec.securityContext, supplementalGroups: [0, 500] }; }))).toEqual([
      'Deployment web: the pod sets supplementalGroups 0 (the root group: it reads and writes what root\'s group owns on every mounted volume), below 10001, and no pod-security.supplementalGroups exception waives it',
    ]);
  });
});

describe('rollout: OnDelete never rolls out', () => {
  it.each<[string, string]>([['StatefulSet', 'updateStrategy'], ['DaemonSet', 'updateStrategy']])('flags OnDelete on a %s, skippable', (kind, field) => {
    const text = `has spec.${field}.type OnDelete: a changed pod template reaches no pod until someone deletes each pod by hand, so a deploy never rolls out`;
    const as = (strategy: any, annotations?: any) => (a: App) => {
      a.deployment = asKind(kind, a.deployment);
      a.deployment.spec[field] = strategy;
      if (annotations) a.deployment.metadata = { ...a.deployment.metadata, annotations };
    };
    expect(messages('rollout', as({ type: 'OnDelete' }))).toEqual([`${kind} web: ${text}`]);
    expect(messages('rollout', as({ type: 'RollingUpdate' }))).toEqual([]);
    expect(messages('rollout', as({ type: 'OnDelete' }, { 'guardrails.cdk8s.io/skip.rollout': 'a database upgraded by hand' }))).toEqual([]);
  });
});

describe('config-immutable: kustomize generator names are content names', () => {
  const cm = (name: string, immutable: boolean) => (a: App) => {
    a.configMap.metadata.name = name;
    if (!immutable) delete a.configMap.immutable;
    c0(a).envFrom = [{ configMapRef: { name } }];
  };
  it('passes a mutable kustomize hash-suffixed ConfigMap', () => {
    expect(messages('config-immutable', cm('app-config-5f7h9k2m4b', false))).toEqual([]);
  });
  it('flags a plain mutable ConfigMap', () => {
    expect(messages('config-immutable', cm('app-config', false))).toEqual([
      'Deployment web: uses ConfigMap app-config, which is not immutable, so it can be edited in place under running pods and has no content hash in its name, so a change does not roll the pods and cannot be rolled back',
    ]);
  });
});

describe('metrics: prometheus.io/port names a declared port', () => {
  const port = (value: string) => (a: App) => { a.deployment.spec.template.metadata.annotations['prometheus.io/port'] = value; };
  it('flags a port no container declares', () => {
    expect(messages('metrics', port('9090'))).toEqual(['Deployment web: has the annotation prometheus.io/port 9090, but its containers declare only port 8080, so Prometheus scrapes a port nothing listens on']);
  });
  it('flags a port that is no number', () => {
    expect(messages('metrics', port('http'))).toEqual(['Deployment web: has the annotation prometheus.io/port "http", which is not a port number from 1 to 65535, so Prometheus cannot scrape it']);
  });
  it('passes a declared port, and a sidecar\'s', () => {
    expect(messages('metrics', port('8080'))).toEqual([]);
    expect(messages('metrics', (a) => {
      port('9100')(a);
      a.deployment.spec.template.spec.initContainers = [{ name: 'exporter', image: 'ghcr.io/acme/exp:1.0.0', restartPolicy: 'Always', ports: [{ name: 'metrics', containerPort: 9100 }] }];
    })).toEqual([]);
  });
  it('passes when no container declares a port (nothing to compare)', () => {
    expect(messages('metrics', (a) => { port('9090')(a); delete c0(a).ports; })).not.toContain(expect.stringContaining('prometheus.io/port'));
  });
});


