import { generateKeyPairSync } from 'crypto';
import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
const tls: { cert: string; key: string } = require('../../verify/canary/tls-pair');

/**
 * `api-valid` beyond formats and the schema: what the API server's validation of pod specs,
 * Services, Ingresses, address blocks, typed Secrets, Jobs, autoscalers, RBAC bindings and
 * limits refuses (or warns about). Each refused case has an accepted neighbour; the same
 * families are cross-checked against real API servers in verify/canary/api-valid-cases.js.
 */

const NS = 'shop';

/** `field: message` of every api-valid finding on loose objects. */
function flags(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const podSpec = (spec: any = {}, over: any = {}, annotations?: any) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, ...(annotations ? { annotations } : {}) },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } } },
});
const svc = (spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec });
const rule = (host: string, port: any = { number: 80 }, service = 'web') => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] } });
const ing = (spec: any, annotations?: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: NS, ...(annotations ? { annotations } : {}) }, spec });
const netpol = (ipBlock: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: NS }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock }] }] } });
const secret = (type: string, stringData: any, annotations?: any) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS, ...(annotations ? { annotations } : {}) }, type, stringData });
const jobPod = { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1' }] } };
const cron = (spec: any) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS }, spec: { jobTemplate: { spec: { template: jobPod } }, ...spec } });
const job = (spec: any) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS }, spec: { template: jobPod, ...spec } });
const hpa = (spec: any) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: NS }, spec: { maxReplicas: 3, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...spec } });
const cpu = (target: any) => ({ type: 'Resource', resource: { name: 'cpu', target } });
const binding = (kind: string, roleRef: any, subjects: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b', ...(kind === 'RoleBinding' ? { namespace: NS } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });
const limits = (item: any) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: NS }, spec: { limits: [item] } });
const quota = (hard: any) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: NS }, spec: { hard } });

describe('api-valid: volumes and mounts', () => {
  it('file modes outside 0..0777 are refused; 0644 (420) passes', () => {
    expect(flags(podSpec({ volumes: [{ name: 'v', configMap: { name: 'c', defaultMode: 512, items: [{ key: 'a', path: 'a', mode: -1 }] } }, { name: 'w', projected: { defaultMode: 1000, sources: [] } }] }))).toEqual([
      'spec.template.spec.volumes[0].configMap.defaultMode: 512 is refused by the API server; expected a file mode from 0 to 0777 (511 in decimal; YAML reads a leading 0 as octal, JSON needs decimal such as 420 for 0644)',
      'spec.template.spec.volumes[0].configMap.items[0].mode: -1 is refused by the API server; expected a file mode from 0 to 0777 (511 in decimal; YAML reads a leading 0 as octal, JSON needs decimal such as 420 for 0644)',
      'spec.template.spec.volumes[1].projected.defaultMode: 1000 is refused by the API server; expected a file mode from 0 to 0777 (511 in decimal; YAML reads a leading 0 as octal, JSON needs decimal such as 420 for 0644)',
    ]);
    expect(flags(podSpec({ volumes: [{ name: 'v', configMap: { name: 'c', defaultMode: 420, items: [{ key: 'a', path: 'conf/a..b', mode: 0o644 }] } }] }))).toEqual([]);
  });

  it('an item path that is absolute, holds a \'..\' element or starts with \'..\' is refused', () => {
    expect(flags(podSpec({ volumes: [{ name: 'v', secret: { secretName: 's', items: [{ key: 'a', path: '/etc/a' }, { key: 'b', path: 'x/../b' }, { key: 'c', path: '..c' }] } }] }))).toEqual([
      'spec.template.spec.volumes[0].secret.items[0].path: "/etc/a" is refused by the API server; expected a relative path inside the volume, such as "config/app.yaml": not starting with \'/\' and without a ".." element',
      'spec.template.spec.volumes[0].secret.items[1].path: "x/../b" is refused by the API server; expected a relative path inside the volume, such as "config/app.yaml": not starting with \'/\' and without a ".." element',
      'spec.template.spec.volumes[0].secret.items[2].path: "..c" is refused by the API server; expected a relative path inside the volume, such as "config/app.yaml": not starting with \'/\' and without a ".." element, and not starting with ".." (reserved by the kubelet for the files it writes)',
    ]);
  });

  it('subPath and subPathExpr stay inside the volume, and only one of them is set', () => {
    expect(flags(podSpec({ volumes: [{ name: 'v', emptyDir: {} }] }, { volumeMounts: [{ name: 'v', mountPath: '/x', subPath: '/etc' }, { name: 'v', mountPath: '/y', subPathExpr: '../$(POD)' }, { name: 'v', mountPath: '/z', subPath: 'a', subPathExpr: 'b' }] }))).toEqual([
      'spec.template.spec.containers[0].volumeMounts[0].subPath: "/etc" is refused by the API server; expected a relative path inside the volume, such as "config/app.yaml": not starting with \'/\' and without a ".." element',
      'spec.template.spec.containers[0].volumeMounts[1].subPathExpr: "../$(POD)" is refused by the API server; expected a relative path inside the volume, such as "config/app.yaml": not starting with \'/\' and without a ".." element',
      'spec.template.spec.containers[0].volumeMounts[2].subPathExpr: is set with subPath; the API server accepts one of subPath and subPathExpr',
    ]);
    expect(flags(podSpec({ volumes: [{ name: 'v', emptyDir: {} }] }, { volumeMounts: [{ name: 'v', mountPath: '/x', subPath: 'conf/app' }, { name: 'v', mountPath: '/y', subPathExpr: '$(POD)' }] }))).toEqual([]);
  });
});

describe('api-valid: pod specs', () => {
  it('hostname and subdomain are DNS labels, nodeName a DNS subdomain; schedulerName is free', () => {
    expect(flags(podSpec({ hostname: 'Web_1', subdomain: 'Web', nodeName: 'Node_1' }))).toEqual([
      'spec.template.spec.hostname: "Web_1" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
      'spec.template.spec.nodeName: "Node_1" is refused by the API server; expected a node name: a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.template.spec.subdomain: "Web" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
    expect(flags(podSpec({ hostname: 'web-1', subdomain: 'web', nodeName: 'node-1.example', schedulerName: 'My Scheduler' }))).toEqual([]);
  });

  it('dnsConfig: at most 3 nameservers, each an IP; at most 32 search domains in 2048 characters; named options; None needs a nameserver', () => {
    expect(flags(podSpec({ dnsConfig: { nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', 'x'], searches: Array.from({ length: 33 }, (_, i) => `s${i}.example.com`), options: [{ value: '2' }] } }))).toEqual([
      'spec.template.spec.dnsConfig.nameservers: lists 4 nameservers; the API server allows at most 3',
      'spec.template.spec.dnsConfig.options[0].name: unset is refused by the API server; expected an option name such as "ndots"',
      'spec.template.spec.dnsConfig.searches: lists 33 search domains; the API server allows at most 32',
    ]);
    expect(flags(podSpec({ dnsConfig: { searches: Array.from({ length: 10 }, (_, i) => `${'a'.repeat(250)}.x${i}`) } }))).toEqual([
      'spec.template.spec.dnsConfig.searches: take 2539 characters with the spaces between them; the API server allows at most 2048',
    ]);
    expect(flags(podSpec({ dnsPolicy: 'None' }))).toEqual([
      'spec.template.spec.dnsConfig.nameservers: is empty, and the API server requires at least one nameserver when dnsPolicy is None',
    ]);
    expect(flags(podSpec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['10.0.0.10', 'fd00::10'], searches: ['svc.example.com.'], options: [{ name: 'ndots', value: '2' }] } }))).toEqual([]);
  });

  it('a search domain with \'_\', or ".", is refused before a 1.33 target and accepted from it', () => {
    expect(flags(podSpec({ dnsConfig: { searches: ['_srv.example.com', '.'] } }))).toEqual([
      'spec.template.spec.dnsConfig.searches[0]: "_srv.example.com" is refused by the API server; expected a search domain: a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters; \'_\' and "." alone only from Kubernetes 1.33 on)',
      'spec.template.spec.dnsConfig.searches[1]: "." is refused by the API server; expected a search domain: a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters; \'_\' and "." alone only from Kubernetes 1.33 on)',
    ]);
    expect(flags(podSpec({ dnsConfig: { searches: ['_srv.example.com', '.', 'Bad Domain'] } }, {}, { 'guardrails.cdk8s.io/kubernetes-version': '1.33' }))).toEqual([
      'spec.template.spec.dnsConfig.searches[2]: "Bad Domain" is refused by the API server; expected a search domain: a DNS-1123 subdomain (lower-case letters, digits, \'-\', \'_\' and \'.\', at most 253 characters), or "."',
    ]);
  });

  it('hostAliases: an IP and DNS names, each IP once; imagePullSecrets: a name, each once', () => {
    expect(flags(podSpec({ hostAliases: [{ ip: 'x', hostnames: ['a'] }, { ip: '10.0.0.1', hostnames: ['Bad_Host'] }, { ip: '10.0.0.1', hostnames: ['b'] }], imagePullSecrets: [{ name: '' }, { name: 'regcred' }, { name: 'regcred' }] }))).toEqual([
      'spec.template.spec.hostAliases[0].ip: "x" is refused by the API server; expected an IP address such as "10.0.0.1" or "fd00::1" (no leading zeros, no prefix length)',
      'spec.template.spec.hostAliases[1].hostnames[0]: "Bad_Host" is refused by the API server; expected a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.template.spec.hostAliases[2].ip: "10.0.0.1" is listed twice; the API server warns about the duplicate (merge the hostnames into one entry)',
      'spec.template.spec.imagePullSecrets[0].name: is empty; the API server warns "invalid empty name" and the entry pulls nothing (name a Secret, or remove the entry)',
      'spec.template.spec.imagePullSecrets[2].name: "regcred" is listed twice; the API server warns about the duplicate',
    ]);
    expect(flags(podSpec({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }, { ip: 'fd00::1', hostnames: ['cache'] }], imagePullSecrets: [{ name: 'regcred' }] }))).toEqual([]);
  });

  it('readiness gates are qualified names; shareProcessNamespace and hostPID not both', () => {
    expect(flags(podSpec({ readinessGates: [{ conditionType: 'bad type' }], shareProcessNamespace: true, hostPID: true }))).toEqual([
      'spec.template.spec.readinessGates[0].conditionType: "bad type" is refused by the API server; expected a condition type that is of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.template.spec.shareProcessNamespace: is true with hostPID: true; the API server refuses both (with hostPID the pod already sees every process of the node)',
    ]);
    expect(flags(podSpec({ readinessGates: [{ conditionType: 'example.com/ready' }], shareProcessNamespace: true }))).toEqual([]);
  });
});

describe('api-valid: containers', () => {
  it('an envFrom prefix is an env var name as the target version checks it', () => {
    expect(flags(podSpec({}, { envFrom: [{ prefix: '1X', configMapRef: { name: 'c' } }] }))).toEqual([
      'spec.template.spec.containers[0].envFrom[0].prefix: "1X" is refused by the API server; expected a prefix that is an environment variable name: letters, digits, \'_\', \'-\' and \'.\', not starting with a digit, other than "." and ".." and not starting with ".." (API servers before 1.32 refuse other names; later ones refuse only \'=\' and non-printable characters: raise the target to 1.32 to use them)',
    ]);
    expect(flags(podSpec({}, { envFrom: [{ prefix: '1X', configMapRef: { name: 'c' } }, { prefix: 'A=', secretRef: { name: 's' } }] }, { 'guardrails.cdk8s.io/kubernetes-version': '1.32' }))).toEqual([
      'spec.template.spec.containers[0].envFrom[1].prefix: "A=" is refused by the API server; expected a prefix that is an environment variable name of printable ASCII characters other than \'=\'',
    ]);
    expect(flags(podSpec({}, { envFrom: [{ prefix: 'APP_', configMapRef: { name: 'c' } }] }))).toEqual([]);
  });

  it('an init container that runs to completion has no probes and no lifecycle hooks; a sidecar may', () => {
    expect(flags(podSpec({ initContainers: [{ name: 'i', image: 'nginx:1', lifecycle: { preStop: { exec: { command: ['true'] } } }, livenessProbe: { tcpSocket: { port: 80 } } }] }))).toEqual([
      'spec.template.spec.initContainers[0].lifecycle: is set on init container "i", which runs to completion; the API server allows lifecycle only on a sidecar (restartPolicy: Always, Kubernetes 1.29+) or a regular container',
      'spec.template.spec.initContainers[0].livenessProbe: is set on init container "i", which runs to completion; the API server allows livenessProbe only on a sidecar (restartPolicy: Always, Kubernetes 1.29+) or a regular container',
    ]);
    expect(flags(podSpec({ initContainers: [{ name: 'i', image: 'nginx:1', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 80 } }, lifecycle: { preStop: { exec: { command: ['true'] } } } }] }, {}, { 'guardrails.cdk8s.io/kubernetes-version': '1.29' }))).toEqual([]);
  });

  it('a host port is taken once per protocol and hostIP; a container port declared twice is warned about', () => {
    expect(flags(podSpec({ containers: [{ name: 'a', image: 'nginx:1', ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'nginx:1', ports: [{ containerPort: 81, hostPort: 8080 }] }] }))).toEqual([
      'spec.template.spec.containers[1].ports[0].hostPort: host port 8080/TCP is also taken at spec.template.spec.containers[0].ports[0].hostPort; the API server refuses the same host port, protocol and hostIP twice in a pod',
    ]);
    expect(flags(podSpec({ initContainers: [{ name: 'i', image: 'nginx:1', ports: [{ containerPort: 80 }] }], containers: [{ name: 'a', image: 'nginx:1', ports: [{ containerPort: 80 }, { containerPort: 81, hostIP: '10.0.0.1' }] }] }))).toEqual([
      'spec.template.spec.containers[0].ports[0]: port 80/TCP duplicates spec.template.spec.initContainers[0].ports[0]; the API server warns about it (declare each container port once)',
      'spec.template.spec.containers[0].ports[1].hostIP: "10.0.0.1" is set without a hostPort; the API server warns "hostIP set without hostPort" and ignores it (set hostPort, or remove hostIP)',
    ]);
    expect(flags(podSpec({ containers: [{ name: 'a', image: 'nginx:1', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 80, hostPort: 8080, protocol: 'UDP' }, { containerPort: 81, hostPort: 8080, hostIP: '10.0.0.1' }] }] }))).toEqual([]);
  });

  it('a hostIP is not checked as an address (the API server accepts any), only warned about without a hostPort', () => {
    expect(flags(podSpec({}, { ports: [{ containerPort: 80, hostPort: 8080, hostIP: 'abc' }] }))).toEqual([]);
    expect(flags(podSpec({}, { ports: [{ containerPort: 80, hostPort: 0, hostIP: '10.0.0.1' }] }))).toEqual([
      'spec.template.spec.containers[0].ports[0].hostIP: "10.0.0.1" is set without a hostPort; the API server warns "hostIP set without hostPort" and ignores it (set hostPort, or remove hostIP)',
    ]);
  });

  it('with hostNetwork a hostPort equals its containerPort', () => {
    expect(flags(podSpec({ hostNetwork: true, containers: [{ name: 'a', image: 'nginx:1', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 81 }] }] }))).toEqual([
      'spec.template.spec.containers[0].ports[0].hostPort: 8080 is refused by the API server; expected the containerPort (80) or no hostPort: with hostNetwork the container listens on the node\'s port itself',
    ]);
  });

  it('seccomp Localhost needs a relative localhostProfile, other types none', () => {
    expect(flags(podSpec({ securityContext: { seccompProfile: { type: 'Localhost' } } }, { securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'a.json' } } }))).toEqual([
      'spec.template.spec.containers[0].securityContext.seccompProfile.localhostProfile: "a.json" is refused by the API server; expected no localhostProfile with type RuntimeDefault: the API server accepts it only with type Localhost',
      'spec.template.spec.securityContext.seccompProfile.localhostProfile: is unset, and the API server requires it when type is Localhost: the path of the profile under the kubelet\'s seccomp directory, such as "profiles/app.json"',
    ]);
    expect(flags(podSpec({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '../a.json' } } }))).toEqual([
      'spec.template.spec.securityContext.seccompProfile.localhostProfile: "../a.json" is refused by the API server; expected a path relative to the kubelet\'s seccomp directory, such as "profiles/app.json": not starting with \'/\' and without a ".." element',
    ]);
    expect(flags(podSpec({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/a.json' } } }))).toEqual([]);
  });

  it('Bidirectional mount propagation only in a privileged container', () => {
    expect(flags(podSpec({ volumes: [{ name: 'v', emptyDir: {} }] }, { volumeMounts: [{ name: 'v', mountPath: '/x', mountPropagation: 'Bidirectional' }] }))).toEqual([
      'spec.template.spec.containers[0].volumeMounts[0].mountPropagation: "Bidirectional" is refused by the API server; expected HostToContainer or None: the API server allows Bidirectional only in a privileged container',
    ]);
    expect(flags(podSpec({ volumes: [{ name: 'v', emptyDir: {} }] }, { securityContext: { privileged: true }, volumeMounts: [{ name: 'v', mountPath: '/x', mountPropagation: 'Bidirectional' }, { name: 'v', mountPath: '/y', mountPropagation: 'HostToContainer' }] }))).toEqual([]);
  });
});

describe('api-valid: rolling updates', () => {
  it('maxUnavailable at most 100%, percentages written as "<n>%"', () => {
    expect(flags({ ...podSpec(), spec: { ...podSpec().spec, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '101%', maxSurge: 'abc' } } } })).toEqual([
      'spec.strategy.rollingUpdate.maxSurge: "abc" is refused by the API server; expected a whole number such as 1, or a percentage such as "25%"',
      'spec.strategy.rollingUpdate.maxUnavailable: "101%" is refused by the API server; expected a percentage of at most "100%"',
    ]);
    expect(flags({ ...podSpec(), spec: { ...podSpec().spec, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: '0%' } } } })).toEqual([]);
  });
});

describe('api-valid: Services', () => {
  it('a nodePort needs type NodePort or LoadBalancer; selector labels are labels', () => {
    expect(flags(svc({ selector: { app: 'a b', 'bad key': 'x' }, ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([
      'spec.ports[0].nodePort: 30080 is refused by the API server; expected no nodePort on a ClusterIP Service (the default type): set type NodePort or LoadBalancer, or remove it',
      'spec.selector.app: "a b" is refused by the API server; expected a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
      'spec.selector["bad key"]: "bad key" is refused by the API server; expected a key of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
    ]);
    expect(flags(svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local' }))).toEqual([]);
  });

  it('ExternalName needs a DNS name; a cluster IP is an IP, "None" or ""', () => {
    expect(flags(svc({ type: 'ExternalName', externalName: 'Bad_Name' }), { ...svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), metadata: { name: 'np', namespace: NS } }, { ...svc({ clusterIP: 'abc', ports: [{ port: 80 }] }), metadata: { name: 'c', namespace: NS } })).toEqual([
      'spec.externalName: "Bad_Name" is refused by the API server; expected a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.clusterIP: "None" is refused by the API server; expected an IP address or "": a NodePort Service cannot be headless',
      'spec.clusterIP: "abc" is refused by the API server; expected "None" (a headless Service), "" (one is allocated) or an IP address such as "10.0.0.1" or "fd00::1" (no leading zeros, no prefix length)',
    ]);
    expect(flags(svc({ type: 'ExternalName', externalName: 'db.example.com.' }), { ...svc({ clusterIP: 'None', ports: [{ port: 80 }] }), metadata: { name: 'h', namespace: NS } })).toEqual([]);
  });

  it('externalIPs are warned about; source ranges only on a LoadBalancer, as CIDRs; externalTrafficPolicy only on external Services', () => {
    expect(flags(svc({ externalIPs: ['x'], loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] }), { ...svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }), metadata: { name: 'etp', namespace: NS } })).toEqual([
      'spec.externalIPs: is set; the API server warns that spec.externalIPs is deprecated and may no longer be implemented in some clusters (from Kubernetes 1.36 on; use a LoadBalancer Service instead)',
      'spec.externalIPs[0]: "x" is refused by the API server; expected an IP address such as "10.0.0.1" or "fd00::1" (no leading zeros, no prefix length)',
      'spec.loadBalancerSourceRanges: ["10.0.0.0/8"] is refused by the API server; expected no source ranges on a ClusterIP Service: the API server accepts them only with type LoadBalancer',
      'spec.externalTrafficPolicy: "Local" is refused by the API server; expected no externalTrafficPolicy on a ClusterIP Service without externalIPs: the API server accepts it only for NodePort and LoadBalancer Services (or externalIPs)',
    ]);
    expect(flags(svc({ type: 'LoadBalancer', loadBalancerSourceRanges: [' 10.0.0.0/8', 'x'], ports: [{ port: 80 }] }))).toEqual([
      'spec.loadBalancerSourceRanges[0]: " 10.0.0.0/8" has spaces around the range; the API server accepts it but warns before 1.33: write "10.0.0.0/8"',
      'spec.loadBalancerSourceRanges[1]: "x" is refused by the API server; expected a CIDR such as "10.0.0.0/8" or "fd00::/8" (a CIDR needs a prefix length, e.g. "/32" for one address)',
    ]);
    expect(flags(svc({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', 'fd00::/8'], externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }))).toEqual([]);
  });

  it('ClientIP affinity lasts 1 to 86400 seconds; appProtocol is a qualified name', () => {
    expect(flags(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80, appProtocol: 'HTTP/2' }] }))).toEqual([
      'spec.ports[0].appProtocol: "HTTP/2" is refused by the API server; expected an application protocol such as "http", "h2c" or "kubernetes.io/ws": of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")',
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: 0 is refused by the API server; expected a number of seconds from 1 to 86400 (one day); leave it out for 10800',
    ]);
    expect(flags(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } }, ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }] }))).toEqual([]);
  });
});

describe('api-valid: Ingresses', () => {
  it('hosts are lower-case DNS names or "*." wildcards, never IPs, in rules and TLS', () => {
    expect(flags(ing({ tls: [{ hosts: ['Bad_Host', '*.*.example.com'] }], rules: [rule('Example.com'), rule('foo.*.example.com'), rule('10.0.0.1')] }))).toEqual([
      'spec.rules[0].host: "Example.com" is refused by the API server; expected a lower-case DNS name such as "shop.example.com": a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.rules[1].host: "foo.*.example.com" is refused by the API server; expected a wildcard host "*." followed by a lower-case DNS name, such as "*.example.com" (the \'*\' stands for one whole label)',
      'spec.rules[2].host: "10.0.0.1" is refused by the API server; expected a DNS name, not an IP address (leave host out to match every host)',
      'spec.tls[0].hosts[0]: "Bad_Host" is refused by the API server; expected a lower-case DNS name such as "shop.example.com": a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.tls[0].hosts[1]: "*.*.example.com" is refused by the API server; expected a wildcard host "*." followed by a lower-case DNS name, such as "*.example.com" (the \'*\' stands for one whole label)',
    ]);
    expect(flags(ing({ tls: [{ hosts: ['*.example.com', 'shop.example.com'], secretName: 'tls' }], rules: [rule('*.example.com'), rule('shop.example.com')] }))).toEqual([]);
  });

  it('an Ingress needs rules or a defaultBackend, paths in http, a valid class and backend names', () => {
    expect(flags(ing({}), { ...ing({ ingressClassName: 'Nginx_Class', rules: [{ host: 'a.example.com', http: { paths: [] } }, rule('b.example.com', { name: 'HTTP' }, 'Web')] }), metadata: { name: 'i2', namespace: NS } })).toEqual([
      'spec: has no rules and no defaultBackend; the API server needs one of them',
      'spec.ingressClassName: "Nginx_Class" is refused by the API server; expected the name of an IngressClass: a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, \'-\' and \'.\'',
      'spec.rules[0].http.paths: is empty; the API server needs at least one path in http',
      'spec.rules[1].http.paths[0].backend.service.name: "Web" is refused by the API server; expected the name of a Service: a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit (from Kubernetes 1.36 on it may start with a digit)',
      'spec.rules[1].http.paths[0].backend.service.port.name: "HTTP" is refused by the API server; expected a port name of 1 to 15 lower-case letters, digits and \'-\', with at least one letter, not starting or ending with \'-\' and without "--" (e.g. "http", "metrics", "grpc-web")',
    ]);
    expect(flags(ing({ defaultBackend: { service: { name: 'web', port: { number: 80 } } } }), { ...ing({ ingressClassName: 'nginx', rules: [rule('a.example.com', { name: 'http' })] }), metadata: { name: 'i2', namespace: NS } })).toEqual([]);
  });

  it('a backend Service name may start with a digit from a 1.36 target on', () => {
    expect(flags(ing({ rules: [rule('a.example.com', { number: 80 }, '1web')] }))).toEqual([
      'spec.rules[0].http.paths[0].backend.service.name: "1web" is refused by the API server; expected the name of a Service: a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit (from Kubernetes 1.36 on it may start with a digit)',
    ]);
    expect(flags(ing({ rules: [rule('a.example.com', { number: 80 }, '1web')] }, { 'guardrails.cdk8s.io/kubernetes-version': '1.36' }))).toEqual([]);
  });
});

describe('api-valid: NetworkPolicy address blocks', () => {
  it('an except block lies strictly inside its cidr', () => {
    expect(flags(netpol({ cidr: '10.0.0.0/8', except: ['192.168.0.0/16', '10.0.0.0/8', 'x'] }))).toEqual([
      'spec.egress[0].to[0].ipBlock.except[0]: "192.168.0.0/16" is refused by the API server; expected a block strictly inside cidr 10.0.0.0/8 (a longer prefix within it)',
      'spec.egress[0].to[0].ipBlock.except[1]: "10.0.0.0/8" is refused by the API server; expected a block strictly inside cidr 10.0.0.0/8 (a longer prefix within it)',
      'spec.egress[0].to[0].ipBlock.except[2]: "x" is refused by the API server; expected a CIDR such as "10.0.0.0/8" or "fd00::/8" (a CIDR needs a prefix length, e.g. "/32" for one address)',
    ]);
    expect(flags(netpol({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] }))).toEqual([]);
  });
});

describe('api-valid: typed Secrets', () => {
  it('typed Secrets hold their keys: tls, dockerconfigjson, dockercfg, basic-auth, ssh-auth, service-account-token', () => {
    expect(flags(secret('kubernetes.io/tls', { a: 'x' }), { ...secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': 'auths' }), metadata: { name: 's2', namespace: NS } }, { ...secret('kubernetes.io/dockercfg', {}), metadata: { name: 's3', namespace: NS } }, { ...secret('kubernetes.io/basic-auth', { user: 'a' }), metadata: { name: 's4', namespace: NS } }, { ...secret('kubernetes.io/ssh-auth', { 'ssh-privatekey': '' }), metadata: { name: 's5', namespace: NS } }, { ...secret('kubernetes.io/service-account-token', {}), metadata: { name: 's6', namespace: NS } })).toEqual([
      'data: has no tls.crt and tls.key; the API server requires "tls.crt" and "tls.key" in a Secret of type kubernetes.io/tls (in data or stringData)',
      'data[".dockerconfigjson"]: does not hold a JSON object; the API server refuses a Secret of type kubernetes.io/dockerconfigjson whose .dockerconfigjson is not JSON (value not shown)',
      'data: has no .dockercfg; the API server requires ".dockercfg" in a Secret of type kubernetes.io/dockercfg (in data or stringData)',
      'data: has no username or password; the API server requires at least one of "username", "password" in a Secret of type kubernetes.io/basic-auth (in data or stringData)',
      'data["ssh-privatekey"]: is empty; the API server requires a non-empty ssh-privatekey in a Secret of type kubernetes.io/ssh-auth',
      'metadata.annotations.kubernetes.io/service-account.name: is unset; the API server requires it on a Secret of type kubernetes.io/service-account-token: the name of the ServiceAccount whose token it holds',
    ]);
    expect(flags({ ...secret('kubernetes.io/dockerconfigjson', {}), data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } }, { ...secret('kubernetes.io/basic-auth', { username: 'a' }), metadata: { name: 's4', namespace: NS } }, { ...secret('kubernetes.io/service-account-token', {}, { 'kubernetes.io/service-account.name': 'default' }), metadata: { name: 's6', namespace: NS, annotations: { 'kubernetes.io/service-account.name': 'default' } } })).toEqual([]);
  });

  it('a TLS Secret holds a certificate and its own private key', () => {
    expect(flags(secret('kubernetes.io/tls', { 'tls.crt': 'c', 'tls.key': 'k' }), { ...secret('kubernetes.io/tls', { 'tls.crt': tls.cert, 'tls.key': generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) }), metadata: { name: 's2', namespace: NS } })).toEqual([
      'data["tls.crt"]: tls.crt and tls.key are not a certificate and its private key (tls.crt holds no PEM certificate); the API server warns about it (values not shown)',
      'data["tls.crt"]: tls.crt and tls.key are not a certificate and its private key (the private key does not match the certificate\'s public key); the API server warns about it (values not shown)',
    ]);
    expect(flags(secret('kubernetes.io/tls', { 'tls.crt': tls.cert, 'tls.key': tls.key }))).toEqual([]);
  });
});

describe('api-valid: Jobs and CronJobs', () => {
  it('a CronJob schedule has no TZ=; an Indexed Job has completions, at most 100000 pods at once and maxFailedIndexes up to completions', () => {
    expect(flags(cron({ schedule: 'CRON_TZ=UTC 0 * * * *' }), job({ completionMode: 'Indexed', parallelism: 100001 }), { ...job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 4 }), metadata: { name: 'j2', namespace: NS } })).toEqual([
      'spec.schedule: "CRON_TZ=UTC 0 * * * *" is refused by the API server; expected a schedule without TZ= or CRON_TZ=: set the time zone in spec.timeZone (such as "Europe/Berlin") instead',
      'spec.completions: is unset; the API server requires completions when completionMode is Indexed (one pod per index from 0 to completions-1)',
      'spec.parallelism: 100001 is refused by the API server; expected at most 100000 pods at once in an Indexed Job',
      'spec.maxFailedIndexes: 4 is refused by the API server; expected at most completions (3)',
    ]);
    expect(flags(cron({ schedule: '0 * * * *', timeZone: 'Etc/UTC' }), job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }))).toEqual([]);
  });
});

describe('api-valid: HorizontalPodAutoscalers', () => {
  it('metric targets: utilization at least 1, values positive, the value its type names, not both', () => {
    expect(flags(hpa({ metrics: [cpu({ type: 'Utilization', averageUtilization: 0 }), cpu({ type: 'Utilization' }), cpu({ type: 'AverageValue', averageValue: '0' }), cpu({ type: 'Utilization', averageUtilization: 80, averageValue: '500m' })] }))).toEqual([
      'spec.metrics[0].resource.target.averageUtilization: 0 is refused by the API server; expected a percentage of at least 1',
      'spec.metrics[1].resource.target.averageUtilization: is unset; a target of type Utilization is averageUtilization, and the API server has nothing to scale on',
      'spec.metrics[2].resource.target.averageValue: "0" is refused by the API server; expected a positive quantity such as "100m" or "1k"',
      'spec.metrics[3].resource.target.averageValue: is set with averageUtilization; the API server accepts one of them',
    ]);
    expect(flags(hpa({ metrics: [cpu({ type: 'Utilization', averageUtilization: 80 })] }))).toEqual([]);
  });

  it('behavior: policy periods 1 to 1800 seconds, stabilization 0 to 3600, at least one policy when listed', () => {
    expect(flags(hpa({ behavior: { scaleUp: { stabilizationWindowSeconds: 3601, policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] }, scaleDown: { policies: [] } } }))).toEqual([
      'spec.behavior.scaleDown.policies: is empty; the API server needs at least one policy (leave policies out for the defaults)',
      'spec.behavior.scaleUp.policies[0].periodSeconds: 1801 is refused by the API server; expected a number of seconds from 1 to 1800 (30 minutes)',
      'spec.behavior.scaleUp.policies[0].value: 0 is refused by the API server; expected a number of at least 1',
      'spec.behavior.scaleUp.stabilizationWindowSeconds: 3601 is refused by the API server; expected a number of seconds from 0 to 3600 (one hour)',
    ]);
    expect(flags(hpa({ behavior: { scaleUp: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 4, periodSeconds: 1800 }] }, scaleDown: { stabilizationWindowSeconds: 0 } } }))).toEqual([]);
  });

  it('minReplicas null is unset, as the API server reads it', () => {
    expect(flags(hpa({ minReplicas: null }))).toEqual([]);
  });
});

describe('api-valid: RBAC bindings', () => {
  it('roleRef and subject kinds are spelt exactly; a ClusterRoleBinding binds a ClusterRole and names a ServiceAccount\'s namespace', () => {
    expect(flags(binding('RoleBinding', { kind: 'role', name: 'r' }, [{ kind: 'serviceaccount', name: 'app' }]), { ...binding('ClusterRoleBinding', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'app' }]), metadata: { name: 'cb' } })).toEqual([
      'roleRef.kind: "role" is refused by the API server; expected "Role" or "ClusterRole" ("Role": kinds are case-sensitive)',
      'subjects[0].kind: "serviceaccount" is refused by the API server; expected "ServiceAccount", "User" or "Group" ("ServiceAccount": kinds are case-sensitive)',
      'roleRef.kind: "Role" is refused by the API server; expected "ClusterRole"',
      'subjects[0].namespace: is unset; a ServiceAccount subject of a ClusterRoleBinding needs the namespace of the ServiceAccount (a ClusterRoleBinding has none to default to)',
    ]);
    expect(flags(binding('RoleBinding', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'app' }, { kind: 'User', name: 'alice' }]), { ...binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'app', namespace: NS }, { kind: 'Group', name: 'devs' }]), metadata: { name: 'cb' } })).toEqual([]);
  });
});

describe('api-valid: LimitRanges and ResourceQuotas', () => {
  it('LimitRange: min <= defaultRequest <= default <= max (after the API server\'s defaulting), no defaults on a Pod limit, ratios at least 1, a storage bound on PVC limits', () => {
    expect(flags(limits({ type: 'Container', default: { cpu: '2' }, max: { cpu: '1' }, min: { memory: '1Gi' }, defaultRequest: { memory: '512Mi' } }), { ...limits({ type: 'Pod', default: { cpu: '1' }, maxLimitRequestRatio: { cpu: '0.5' } }), metadata: { name: 'l2', namespace: NS } }, { ...limits({ type: 'PersistentVolumeClaim' }), metadata: { name: 'l3', namespace: NS } })).toEqual([
      'spec.limits[0].default.cpu: default cpu "2" is above max "1"; the API server requires min <= defaultRequest <= default <= max',
      'spec.limits[0].min.memory: min memory "1Gi" is above defaultRequest "512Mi"; the API server requires min <= defaultRequest <= default <= max',
      'spec.limits[0].default: {"cpu":"1"} is refused by the API server; expected no default on a limit of type Pod (it applies to containers)',
      'spec.limits[0].maxLimitRequestRatio.cpu: "0.5" is refused by the API server; expected a ratio of at least 1 (a limit is never below its request)',
      'spec.limits[0]: sets neither min.storage nor max.storage; the API server requires one on a limit of type PersistentVolumeClaim',
    ]);
    expect(flags(limits({ type: 'Container', min: { cpu: '100m' }, defaultRequest: { cpu: '200m' }, default: { cpu: '500m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '4' } }), { ...limits({ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } }), metadata: { name: 'l3', namespace: NS } })).toEqual([]);
  });

  it('ResourceQuota keys are quota resources the API server knows, or names with a domain', () => {
    expect(flags(quota({ cpus: '4', 'requests.gpu': '1' }))).toEqual([
      'spec.hard["cpus"]: "cpus" is refused by the API server; expected a quota resource: cpu, memory, ephemeral-storage, requests.cpu, requests.memory, requests.storage, requests.ephemeral-storage, limits.cpu, limits.memory, limits.ephemeral-storage, pods, resourcequotas, services, replicationcontrollers, secrets, persistentvolumeclaims, configmaps, services.nodeports, services.loadbalancers, requests.hugepages-<size>, or a name with \'/\' such as "count/deployments.apps", "requests.nvidia.com/gpu" or "<class>.storageclass.storage.k8s.io/requests.storage"',
      'spec.hard["requests.gpu"]: "requests.gpu" is refused by the API server; expected a quota resource: cpu, memory, ephemeral-storage, requests.cpu, requests.memory, requests.storage, requests.ephemeral-storage, limits.cpu, limits.memory, limits.ephemeral-storage, pods, resourcequotas, services, replicationcontrollers, secrets, persistentvolumeclaims, configmaps, services.nodeports, services.loadbalancers, requests.hugepages-<size>, or a name with \'/\' such as "count/deployments.apps", "requests.nvidia.com/gpu" or "<class>.storageclass.storage.k8s.io/requests.storage"',
    ]);
    expect(flags(quota({ 'requests.cpu': '4', 'count/deployments.apps': '10', 'requests.nvidia.com/gpu': '2', pods: '10', 'requests.hugepages-2Mi': '1Gi' }))).toEqual([]);
  });
});

describe('null where the API server defaults the field', () => {
  /** `rule field: message` of every finding of api-valid and replicas-min. */
  function replicaFindings(...objects: any[]): string[] {
    const resolved = resolveOptions({}, (p) => { throw new Error(p); });
    return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations
      .filter((v) => v.rule === 'api-valid' || v.rule === 'replicas-min').map((v) => `${v.rule} ${v.field}: ${v.message}`);
  }

  it('replicas: ~ (Helm\'s unset value) is 1 replica, not a refused value', () => {
    const d = podSpec();
    (d.spec as any).replicas = null;
    expect(replicaFindings(d)).toEqual(['replicas-min spec.replicas: has no spec.replicas, so it runs 1 replica; one replica means downtime whenever its node goes away']);
  });

  it('HPA minReplicas: null is the default 1; maxReplicas: null stays refused', () => {
    expect(replicaFindings(podSpec(), hpa({ minReplicas: null }))).toEqual([
      'replicas-min spec.replicas: is scaled by HorizontalPodAutoscaler h with minReplicas 1 (the default); one replica means downtime whenever its node goes away',
    ]);
    expect(replicaFindings(hpa({ minReplicas: 2, maxReplicas: null }))).toEqual([
      'api-valid spec.maxReplicas: null (null) is refused by the API server; expected an integer of at least 1',
    ]);
  });
});

/** An object that targets Kubernetes 1.<minor> (annotation guardrails.cdk8s.io/kubernetes-version). */
const target = (minor: number, obj: any) => ({ ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, 'guardrails.cdk8s.io/kubernetes-version': `1.${minor}` } } });

describe('api-valid: whole-number quotas and LimitRange names', () => {
  it('a quota of object counts or extended resources that is not a whole number is refused', () => {
    expect(flags(quota({ pods: '500m', 'count/deployments.apps': '1.5', 'nvidia.com/gpu': '500m', 'gold.storageclass.storage.k8s.io/requests.storage': '1.5' }))).toEqual([
      'spec.hard.pods: "500m" is refused by the API server; expected a whole number such as "10": the API server counts pods in whole objects ("must be an integer")',
      'spec.hard.count/deployments.apps: "1.5" is refused by the API server; expected a whole number such as "10": the API server counts count/deployments.apps in whole units ("must be an integer")',
      'spec.hard.nvidia.com/gpu: "500m" is refused by the API server; expected a whole number such as "10": the API server counts nvidia.com/gpu in whole units ("must be an integer")',
      'spec.hard.gold.storageclass.storage.k8s.io/requests.storage: "1.5" is refused by the API server; expected a whole number such as "10": the API server counts gold.storageclass.storage.k8s.io/requests.storage in whole units ("must be an integer")',
    ].sort());
  });

  it('whole counts, and fractions of cpu, storage or requests.<extended> pass', () => {
    expect(flags(quota({ pods: '1k', services: 10, persistentvolumeclaims: '2e1', configmaps: '1000m', 'requests.nvidia.com/gpu': '500m', 'requests.storage': '1.5', 'limits.cpu': '500m' }))).toEqual([]);
  });

  it('a LimitRange names container resources, and an extended resource or huge pages default equals its defaultRequest', () => {
    expect(flags(limits({ type: 'Container', max: { cpus: '1' }, default: { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi' }, defaultRequest: { 'nvidia.com/gpu': '1', 'hugepages-2Mi': '2Mi' } }))).toEqual([
      'spec.limits[0].max["cpus"]: "cpus" is refused by the API server; expected a container resource: cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource with a domain (e.g. "nvidia.com/gpu")',
      'spec.limits[0].defaultRequest.nvidia.com/gpu: defaultRequest nvidia.com/gpu "1" differs from default "2"; the API server requires them equal: nvidia.com/gpu cannot be overcommitted',
      'spec.limits[0].defaultRequest.hugepages-2Mi: defaultRequest hugepages-2Mi "2Mi" differs from default "4Mi"; the API server requires them equal: hugepages-2Mi cannot be overcommitted',
    ].sort());
    expect(flags(limits({ type: 'PersistentVolumeClaim', max: { storage: '10Gi', widgets: '1' } }))).toEqual([
      'spec.limits[0].max["widgets"]: "widgets" is refused by the API server; expected a resource name: cpu, memory, ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage, limits.cpu, limits.memory, limits.ephemeral-storage, pods, resourcequotas, services, replicationcontrollers, secrets, configmaps, persistentvolumeclaims, services.nodeports, services.loadbalancers, storage, requests.storage, or a name with a domain such as "example.com/widgets"',
    ]);
  });

  it('a fractional extended default (no integer check in a LimitRange), a cpu default above its request and a defaulted gpu request pass', () => {
    expect(flags(limits({ type: 'Container', default: { 'nvidia.com/gpu': '500m', cpu: '2' }, defaultRequest: { 'nvidia.com/gpu': '500m', cpu: '1' } }))).toEqual([]);
    expect(flags(limits({ type: 'Container', max: { 'nvidia.com/gpu': '2' } }))).toEqual([]);
  });
});

describe('api-valid: user and group ids', () => {
  it('ids above 2^31-1 or below 0 are refused, supplementalGroups included', () => {
    expect(flags(podSpec({ securityContext: { supplementalGroups: [0, 4294967296, -1], runAsUser: 2147483648, fsGroup: 2147483648 } }, { securityContext: { runAsGroup: 2147483648 } }))).toEqual([
      'spec.template.spec.containers[0].securityContext.runAsGroup: 2147483648 is refused by the API server; expected a group id from 0 to 2147483647 (2^31-1)',
      'spec.template.spec.securityContext.fsGroup: 2147483648 is refused by the API server; expected a group id from 0 to 2147483647 (2^31-1)',
      'spec.template.spec.securityContext.runAsUser: 2147483648 is refused by the API server; expected a user id from 0 to 2147483647 (2^31-1)',
      'spec.template.spec.securityContext.supplementalGroups[1]: 4294967296 is refused by the API server; expected a group id from 0 to 2147483647 (2^31-1)',
      'spec.template.spec.securityContext.supplementalGroups[2]: -1 is refused by the API server; expected a group id from 0 to 2147483647 (2^31-1)',
    ].sort());
  });

  it('2^31-1 and 0 pass', () => {
    expect(flags(podSpec({ securityContext: { supplementalGroups: [2147483647, 0], runAsUser: 2147483647, runAsGroup: 0, fsGroup: 2147483647 } }, { securityContext: { runAsUser: 2147483647 } }))).toEqual([]);
  });
});

describe('api-valid: topology spread', () => {
  const spread = (...constraints: any[]) => podSpec({ topologySpreadConstraints: constraints.map((c) => ({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c })) });

  it('minDomains with ScheduleAnyway, an empty topologyKey and a repeated key and action are refused', () => {
    expect(flags(spread({ minDomains: 2, whenUnsatisfiable: 'ScheduleAnyway' }, { topologyKey: '' }, { maxSkew: 2, whenUnsatisfiable: 'ScheduleAnyway' }))).toEqual([
      'spec.template.spec.topologySpreadConstraints[0].minDomains: 2 is refused by the API server; expected no minDomains with whenUnsatisfiable "ScheduleAnyway": the API server accepts minDomains only with whenUnsatisfiable "DoNotSchedule"',
      'spec.template.spec.topologySpreadConstraints[1].topologyKey: "" is refused by the API server; expected a node label key such as "topology.kubernetes.io/zone" or "kubernetes.io/hostname"',
      'spec.template.spec.topologySpreadConstraints[2]: spreads over "topology.kubernetes.io/zone" with ScheduleAnyway as constraint [0] does; the API server refuses two constraints with the same topologyKey and whenUnsatisfiable (merge them into one)',
    ]);
  });

  it('minDomains with DoNotSchedule, and one key with both actions, pass', () => {
    expect(flags(spread({ minDomains: 2 }, { whenUnsatisfiable: 'ScheduleAnyway' }))).toEqual([]);
  });
});

describe('api-valid: address blocks as the API server writes them', () => {
  it('a non-canonical IPv6 CIDR is a warning (ipBlock cidr and except, loadBalancerSourceRanges); an IPv4-mapped one is refused', () => {
    expect(flags(netpol({ cidr: 'FD00:0:0::/48', except: ['fd00:0:0:1:0::/80'] }))).toEqual([
      'spec.egress[0].to[0].ipBlock.cidr: "FD00:0:0::/48" is not in canonical form; the API server warns "IPv6 CIDR value should be in RFC 5952 canonical format": write "fd00::/48"',
      'spec.egress[0].to[0].ipBlock.except[0]: "fd00:0:0:1:0::/80" is not in canonical form; the API server warns "IPv6 CIDR value should be in RFC 5952 canonical format": write "fd00:0:0:1::/80"',
    ]);
    expect(flags(netpol({ cidr: '::ffff:10.0.0.0/104' }))).toEqual([
      'spec.egress[0].to[0].ipBlock.cidr: "::ffff:10.0.0.0/104" is refused by the API server; expected a CIDR such as "10.0.0.0/8" or "fd00::/8" (an IPv4-mapped IPv6 address, which the API server refuses from Kubernetes 1.36 on: write it as IPv4, such as "10.0.0.0/8")',
    ]);
    expect(flags(svc({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }], loadBalancerSourceRanges: ['fd00:0::/64'] }))).toEqual([
      'spec.loadBalancerSourceRanges[0]: "fd00:0::/64" is not in canonical form; the API server warns "IPv6 CIDR value should be in RFC 5952 canonical format": write "fd00::/64"',
    ]);
  });

  it('canonical IPv6 blocks pass: the first longest run of zero groups is "::", a single zero group stays', () => {
    expect(flags(netpol({ cidr: 'fd00::/48', except: ['fd00:0:0:1::/64', 'fd00::2:0:1:0:0/96'] }))).toEqual([]);
    expect(flags(netpol({ cidr: 'fd00::/48', except: ['fd00:0:0:2:0:1::/96'] }))).toEqual([
      'spec.egress[0].to[0].ipBlock.except[0]: "fd00:0:0:2:0:1::/96" is not in canonical form; the API server warns "IPv6 CIDR value should be in RFC 5952 canonical format": write "fd00::2:0:1:0:0/96"',
    ]);
    expect(flags(svc({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }], loadBalancerSourceRanges: ['fd00::/64', '2001:db8:0:1::/64', '10.0.0.0/8'] }))).toEqual([]);
  });
});

describe('api-valid: deprecated kinds and gated fields', () => {
  it('v1 Endpoints is a warning at every target; an EndpointSlice passes', () => {
    expect(flags({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: NS }, subsets: [] })).toEqual([
      'kind: v1 Endpoints is deprecated: the API server warns "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
    ]);
    expect(flags({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', namespace: NS }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] })).toEqual([]);
  });

  it('an HPA tolerance is lost below 1.35 and refused when negative; at 1.35 it passes', () => {
    const tolerance = (t: string) => hpa({ behavior: { scaleUp: { tolerance: t } } });
    expect(flags(tolerance('0.05'))).toEqual([
      'spec.behavior.scaleUp.tolerance: is set, but the API server takes it only from Kubernetes 1.35 on (HPAConfigurableTolerance): before 1.33 it refuses the unknown field, 1.33 and 1.34 drop it and the default tolerance (10%) applies; target 1.35 or leave tolerance out',
    ]);
    expect(flags(target(34, tolerance('0.05')))).toHaveLength(1);
    expect(flags(target(37, tolerance('-0.1')))).toEqual(['spec.behavior.scaleUp.tolerance: "-0.1" is refused by the API server; expected a quantity of at least 0 such as "0.05" (5%)']);
    expect(flags(target(35, tolerance('0.05')), target(37, tolerance('0')))).toEqual([]);
  });
});

describe('api-valid: IP addresses as the API server writes them, and Service warnings', () => {
  const lb = (over: any) => svc({ type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }], ...over });

  it('IPv6 addresses not in RFC 5952 form are a warning on Service IPs, DNS nameservers and host aliases', () => {
    expect(flags(lb({ clusterIP: 'FD00::10', externalIPs: ['fd00:0::20'], loadBalancerIP: '2001:DB8::1' }))).toEqual([
      'spec.clusterIP: "FD00::10" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::10"',
      'spec.externalIPs[0]: "fd00:0::20" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::20"',
      'spec.externalIPs: is set; the API server warns that spec.externalIPs is deprecated and may no longer be implemented in some clusters (from Kubernetes 1.36 on; use a LoadBalancer Service instead)',
      'spec.loadBalancerIP: "2001:DB8::1" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "2001:db8::1"',
    ].sort());
    expect(flags(podSpec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['fd00:0:0::53'] }, hostAliases: [{ ip: 'FD00::1', hostnames: ['db'] }] }))).toEqual([
      'spec.template.spec.dnsConfig.nameservers[0]: "fd00:0:0::53" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::53"',
      'spec.template.spec.hostAliases[0].ip: "FD00::1" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::1"',
    ]);
  });

  it('clusterIP beside clusterIPs is one address: the form is reported once, at clusterIPs', () => {
    expect(flags(svc({ clusterIP: 'fd00:0::10', clusterIPs: ['fd00:0::10'], selector: { app: 'web' }, ports: [{ port: 80 }] }))).toEqual([
      'spec.clusterIPs[0]: "fd00:0::10" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::10"',
    ]);
  });

  it('a loadBalancerIP that is not an address, or is set on a headless Service, is a warning; so are ClientIP affinity there and the topology-aware-hints annotation', () => {
    expect(flags(lb({ loadBalancerIP: '010.0.0.1' }))).toEqual([
      'spec.loadBalancerIP: "010.0.0.1" is not an IP address in standard form; the API server accepts it but warns that it is invalid; expected an IP address such as "10.0.0.1" or "fd00::1" (no leading zeros, no prefix length)',
    ]);
    expect(flags({ ...svc({ clusterIP: 'None', loadBalancerIP: '10.0.0.1', sessionAffinity: 'ClientIP', selector: { app: 'web' }, ports: [{ port: 80 }] }), metadata: { name: 'web', namespace: NS, annotations: { 'service.kubernetes.io/topology-aware-hints': 'auto' } } })).toEqual([
      'metadata.annotations.service.kubernetes.io/topology-aware-hints: is deprecated; the API server warns "annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead" (or spec.trafficDistribution)',
      'spec.loadBalancerIP: is set on a headless Service; the API server warns "spec.loadBalancerIP is ignored for headless services"',
      'spec.sessionAffinity: is ClientIP on a headless Service; the API server warns "spec.SessionAffinity is ignored for headless services" (clients connect to the pods directly)',
    ]);
  });

  it('canonical addresses, IPv4, ClientIP affinity on a ClusterIP Service and topology-mode pass', () => {
    expect(flags(lb({ clusterIPs: ['fd00::10'], externalTrafficPolicy: 'Local', loadBalancerIP: '10.0.0.1', sessionAffinity: 'ClientIP' }))).toEqual([]);
    expect(flags({ ...svc({ selector: { app: 'web' }, ports: [{ port: 80 }], sessionAffinity: 'ClientIP' }), metadata: { name: 'web', namespace: NS, annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } })).toEqual([]);
    expect(flags(podSpec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['fd00::53', '10.0.0.53'] }, hostAliases: [{ ip: '2001:db8::1:0:0:1', hostnames: ['db'] }] }))).toEqual([]);
  });
});

describe('api-valid: quota scopes', () => {
  const scoped = (hard: any, scopes?: string[], matchExpressions?: any[]) => ({ ...quota(hard), spec: { hard, scopes, ...(matchExpressions ? { scopeSelector: { matchExpressions } } : {}) } });

  it('a scope applies to every standard resource of hard; unknown and conflicting scopes are refused', () => {
    expect(flags(scoped({ pods: '10', 'requests.ephemeral-storage': '1Gi', 'count/jobs.batch': '5' }, ['NotTerminating', 'Terminating', 'Burstable']))).toEqual([
      'spec.scopes: holds both Terminating and NotTerminating; the API server refuses conflicting scopes (a quota matching both would match nothing)',
      'spec.scopes[0]: scope NotTerminating does not apply to requests.ephemeral-storage in hard; the API server refuses it ("unsupported scope applied to resource"): a NotTerminating quota limits only pods, cpu, memory, requests.cpu, requests.memory, limits.cpu, limits.memory (put the others in a quota of their own)',
      'spec.scopes[1]: scope Terminating does not apply to requests.ephemeral-storage in hard; the API server refuses it ("unsupported scope applied to resource"): a Terminating quota limits only pods, cpu, memory, requests.cpu, requests.memory, limits.cpu, limits.memory (put the others in a quota of their own)',
      'spec.scopes[2]: "Burstable" is refused by the API server; expected a quota scope: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity',
    ]);
    expect(flags(scoped({ 'requests.storage': '10Gi' }, ['VolumeAttributesClass']))).toEqual([
      'spec.scopes[0]: "VolumeAttributesClass" is refused by the API server; expected a quota scope: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity (VolumeAttributesClass from Kubernetes 1.33 on)',
    ]);
  });

  it('a scope selector matches BestEffort and the like with Exists, and In/NotIn with values', () => {
    expect(flags(scoped({ pods: '10' }, undefined, [{ scopeName: 'BestEffort', operator: 'In', values: ['x'] }, { scopeName: 'PriorityClass', operator: 'In' }, { scopeName: 'PriorityClass', operator: 'Exists', values: ['high'] }]))).toEqual([
      'spec.scopeSelector.matchExpressions[0].operator: "In" is refused by the API server; expected "Exists" for scope BestEffort',
      'spec.scopeSelector.matchExpressions[1].values: unset is refused by the API server; expected at least one value for operator In',
      'spec.scopeSelector.matchExpressions[2].values: ["high"] is refused by the API server; expected no values for operator Exists',
    ]);
  });

  it('pod scopes over pod resources, BestEffort over pods, VolumeAttributesClass over claims at 1.33 and a PriorityClass selector pass', () => {
    expect(flags(scoped({ pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'count/jobs.batch': '5' }, ['NotTerminating', 'NotBestEffort']))).toEqual([]);
    expect(flags(scoped({ pods: '10' }, ['BestEffort'], [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, { scopeName: 'Terminating', operator: 'Exists' }]))).toEqual([]);
    expect(flags(target(33, scoped({ persistentvolumeclaims: '5', 'requests.storage': '10Gi' }, ['VolumeAttributesClass'])))).toEqual([]);
  });
});

describe('api-valid: EndpointSlice addresses', () => {
  const slice = (addressType: string, addresses: string[], labels?: any) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', namespace: NS, labels }, addressType, endpoints: [{ addresses }] });

  it('an address of the other family, loopback, link-local or unspecified is refused; IPv6 not in canonical form is a warning', () => {
    expect(flags(slice('IPv4', ['fd00::1', '127.0.0.1', '169.254.1.1', '0.0.0.0', '224.0.0.5']))).toEqual([
      'endpoints[0].addresses[0]: "fd00::1" is refused by the API server; expected an IPv4 address of a pod or node, such as "10.0.0.1" (no leading zeros, no prefix length)',
      'endpoints[0].addresses[1]: "127.0.0.1" is refused by the API server; expected an IPv4 address of a pod or node, such as "10.0.0.1", not the loopback range 127.0.0.0/8',
      'endpoints[0].addresses[2]: "169.254.1.1" is refused by the API server; expected an IPv4 address of a pod or node, such as "10.0.0.1", not the link-local range 169.254.0.0/16',
      'endpoints[0].addresses[3]: "0.0.0.0" is refused by the API server; expected an IPv4 address of a pod or node, such as "10.0.0.1", not the unspecified address 0.0.0.0',
      'endpoints[0].addresses[4]: "224.0.0.5" is refused by the API server; expected an IPv4 address of a pod or node, such as "10.0.0.1", not the link-local multicast range 224.0.0.0/24',
    ]);
    expect(flags(slice('IPv6', ['10.0.0.1', '::1', 'fe80::1', 'ff02::1', 'FD00::1']))).toEqual([
      'endpoints[0].addresses[0]: "10.0.0.1" is refused by the API server; expected an IPv6 address of a pod or node, such as "fd00::1" (no leading zeros, no prefix length)',
      'endpoints[0].addresses[1]: "::1" is refused by the API server; expected an IPv6 address of a pod or node, such as "fd00::1", not the loopback address ::1',
      'endpoints[0].addresses[2]: "fe80::1" is refused by the API server; expected an IPv6 address of a pod or node, such as "fd00::1", not the link-local range fe80::/10',
      'endpoints[0].addresses[3]: "ff02::1" is refused by the API server; expected an IPv6 address of a pod or node, such as "fd00::1", not the link-local multicast range ff02::/16',
      'endpoints[0].addresses[4]: "FD00::1" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "fd00::1"',
    ]);
  });

  it('routable addresses of the family, FQDN slices and the controllers\' own slices pass', () => {
    expect(flags(slice('IPv4', ['10.0.0.1', '192.168.1.7']), slice('IPv6', ['fd00::1', '2001:db8::1:0:0:1', 'ff05::1']))).toEqual([]);
    expect(flags(slice('FQDN', ['db.example.com']), slice('IPv6', ['FD00::1'], { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }))).toEqual([]);
  });
});
