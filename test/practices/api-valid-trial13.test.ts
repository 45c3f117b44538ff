import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/**
 * `api-valid` on refusals a real API server makes that the checker once passed, each as a
 * family of the server's validation: inline volume sources' required names (CSI driver names,
 * NFS, RBD, ...), finalizers that contradict, label keys copied into selectors
 * (matchLabelKeys, mismatchLabelKeys), LimitRange types, ephemeral claim templates,
 * StorageClass topology terms and v1 Endpoints addresses; and a volume name YAML read as a
 * boolean. Cross-checked against real API servers in verify/canary/api-valid-cases.js.
 */

function flags(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const NS = 'shop';
const version = (v?: string) => (v ? { annotations: { 'guardrails.cdk8s.io/kubernetes-version': v } } : {});
const dep = (spec: any = {}, over: any = {}, v?: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, ...version(v) },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } } },
});
const volumes = (...list: any[]) => dep({ volumes: list });
const cm = (meta: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS, ...meta } });
const sc = (allowedTopologies: any[]) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', allowedTopologies });
const lr = (type: string) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: NS }, spec: { limits: [{ type, max: { cpu: '1' } }] } });
const ep = (subset: any) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: NS }, subsets: [{ ports: [{ port: 5432 }], ...subset }] });
const spread = (c: any, v?: string) => dep({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', ...c }] }, {}, v);
const antiAffinity = (term: any) => dep({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', ...term }] } } });
const V = 'spec.template.spec.volumes';
const T = 'spec.template.spec';
const SELECTOR = { matchLabels: { app: 'web' } };
const ENDPOINTS_DEPRECATED = 'kind: v1 Endpoints is deprecated: the API server warns "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';

describe('api-valid: inline volume sources', () => {
  const CSI = 'is refused by the API server; expected a CSI driver name of at most 63 characters such as "ebs.csi.aws.com": letters, digits, \'-\' and \'.\', starting and ending with a letter or digit';
  it('a CSI driver name is a DNS-1123 subdomain once in lower case, at most 63 bytes', () => {
    expect(flags(volumes({ name: 'v', csi: { driver: 'Bad_Driver' } }, { name: 'w', csi: { driver: 'a'.repeat(64) } }, { name: 'x', csi: { driver: '' } }))).toEqual([
      `${V}[0].csi.driver: "Bad_Driver" ${CSI}`,
      `${V}[1].csi.driver: "${'a'.repeat(64)}" ${CSI}`,
      `${V}[2].csi.driver: is ""; the API server requires the name of the CSI driver, such as "secrets-store.csi.k8s.io"`,
    ]);
    expect(flags(volumes({ name: 'v', csi: { driver: 'Ebs.CSI.aws.com' } }, { name: 'w', csi: { driver: 'a'.repeat(63), nodePublishSecretRef: { name: 'creds' } } }))).toEqual([]);
  });
  it('a CSI volume\'s nodePublishSecretRef names its Secret', () => {
    expect(flags(volumes({ name: 'v', csi: { driver: 'x.example.com', nodePublishSecretRef: { name: '' } } }))).toEqual([
      `${V}[0].csi.nodePublishSecretRef.name: is ""; the API server requires the name of the Secret passed to the driver`,
    ]);
  });
  it('an NFS volume needs a server and an absolute path', () => {
    expect(flags(volumes({ name: 'v', nfs: { server: '', path: '/exports' } }, { name: 'w', nfs: { server: 'nfs', path: 'exports' } }))).toEqual([
      `${V}[0].nfs.server: is ""; the API server requires the host name or IP address of the NFS server`,
      `${V}[1].nfs.path: "exports" is refused by the API server; expected an absolute path exported by the NFS server, such as "/exports"`,
    ]);
    expect(flags(volumes({ name: 'v', nfs: { server: '10.0.0.2', path: '/exports' } }))).toEqual([]);
  });
  it('the other volume sources\' names and lists are required too', () => {
    expect(flags(volumes(
      { name: 'a', rbd: { monitors: [], image: '' } },
      { name: 'b', azureFile: { secretName: 's', shareName: '' } },
      { name: 'c', iscsi: { targetPortal: '10.0.0.9:3260', iqn: '', lun: 0 } },
      { name: 'd', cephfs: { monitors: [] } },
      { name: 'e', awsElasticBlockStore: { volumeID: '' } },
    ))).toEqual([
      `${V}[0].rbd.image: is ""; the API server requires the name of the RADOS image`,
      `${V}[0].rbd.monitors: is []; the API server requires at least one Ceph monitor`,
      `${V}[1].azureFile.shareName: is ""; the API server requires the name of the Azure file share`,
      `${V}[2].iscsi.iqn: is ""; the API server requires the iSCSI qualified name of the target`,
      `${V}[3].cephfs.monitors: is []; the API server requires at least one Ceph monitor`,
      `${V}[4].awsElasticBlockStore.volumeID: is ""; the API server requires the id of the EBS volume`,
    ]);
    expect(flags(volumes({ name: 'a', rbd: { monitors: ['10.0.0.1:6789'], image: 'img' } }, { name: 'b', azureFile: { secretName: 's', shareName: 'share' } }))).toEqual([]);
  });
});

describe('api-valid: metadata.finalizers', () => {
  it('orphan and foregroundDeletion together are refused', () => {
    expect(flags(cm({ finalizers: ['orphan', 'foregroundDeletion'] }))).toEqual([
      'metadata.finalizers: ["orphan","foregroundDeletion"] holds both "orphan" and "foregroundDeletion"; the API server refuses both (they choose opposite deletion propagations)',
    ]);
    expect(flags(cm({ finalizers: ['foregroundDeletion', 'example.com/cleanup'] }), cm({ finalizers: ['orphan'] }))).toEqual([]);
  });
});

describe('api-valid: label keys copied into selectors', () => {
  const NO_SELECTOR = (key: string) => `is set without a labelSelector; the API server refuses ${key} unless labelSelector is set (add a labelSelector that matches the pods, such as the pod template's own labels)`;
  it('a spread constraint\'s matchLabelKeys needs a labelSelector', () => {
    expect(flags(spread({ matchLabelKeys: ['pod-template-hash'] }))).toEqual([`${T}.topologySpreadConstraints[0].matchLabelKeys: ${NO_SELECTOR('matchLabelKeys')}`]);
    expect(flags(spread({ labelSelector: SELECTOR, matchLabelKeys: ['pod-template-hash'] }))).toEqual([]);
  });
  it('a key also in the labelSelector is refused before 1.34 (the default target 1.27 included), accepted from 1.34', () => {
    const inBoth = `${T}.topologySpreadConstraints[0].matchLabelKeys[0]: "app" is also a key of labelSelector; API servers before Kubernetes 1.34 refuse a key in both (leave it out of matchLabelKeys or out of labelSelector)`;
    expect(flags(spread({ labelSelector: SELECTOR, matchLabelKeys: ['app'] }))).toEqual([inBoth]);
    expect(flags(spread({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, matchLabelKeys: ['app'] }, '1.33'))).toEqual([inBoth]);
    expect(flags(spread({ labelSelector: SELECTOR, matchLabelKeys: ['app'] }, '1.34'))).toEqual([]);
  });
  it('a pod affinity term\'s matchLabelKeys and mismatchLabelKeys need a labelSelector, and no key in both', () => {
    const term = `${T}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]`;
    expect(flags(antiAffinity({ matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'] }))).toEqual([
      `${term}.matchLabelKeys: ${NO_SELECTOR('matchLabelKeys')}`,
      `${term}.mismatchLabelKeys: ${NO_SELECTOR('mismatchLabelKeys')}`,
    ]);
    expect(flags(antiAffinity({ labelSelector: SELECTOR, matchLabelKeys: ['tenant'], mismatchLabelKeys: ['tenant', 'team'] }))).toEqual([
      `${term}.matchLabelKeys[0]: "tenant" is also in mismatchLabelKeys; the API server refuses a key in both (a pod cannot both share and differ in one label)`,
    ]);
    expect(flags(antiAffinity({ labelSelector: SELECTOR, matchLabelKeys: ['bad key'] }))).toEqual([
      `${term}.matchLabelKeys[0]: "bad key" is refused by the API server; expected a label key: of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and '/', then a name of 1 to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. "app" or "example.com/team")`,
    ]);
    expect(flags(antiAffinity({ labelSelector: SELECTOR, matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'] }))).toEqual([]);
  });
});

describe('api-valid: LimitRange types', () => {
  const TYPES = 'expected "Container", "Pod" or "PersistentVolumeClaim"';
  it('a type is a standard one or domain-qualified', () => {
    expect(flags(lr('Foo'), lr('container'))).toEqual([
      `spec.limits[0].type: "Foo" is refused by the API server; ${TYPES}, or a domain-qualified type such as "example.com/gpu"`,
      `spec.limits[0].type: "container" is refused by the API server; ${TYPES} ("Container": the types are case-sensitive), or a domain-qualified type such as "example.com/gpu"`,
    ]);
    expect(flags(lr('Container'), lr('example.com/gpu'))).toEqual([]);
  });
});

describe('api-valid: ephemeral volume claim templates', () => {
  it('need access modes and a storage request, as PersistentVolumeClaims do', () => {
    expect(flags(volumes(
      { name: 'e', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } },
      { name: 'f', ephemeral: { volumeClaimTemplate: { spec: { accessModes: [] } } } },
    ))).toEqual([
      `${V}[0].ephemeral.volumeClaimTemplate.spec.accessModes: unset is refused by the API server; a PersistentVolumeClaim needs at least one access mode such as "ReadWriteOnce"`,
      `${V}[1].ephemeral.volumeClaimTemplate.spec.accessModes: [] is refused by the API server; a PersistentVolumeClaim needs at least one access mode such as "ReadWriteOnce"`,
      `${V}[1].ephemeral.volumeClaimTemplate.spec.resources.requests.storage: unset is refused by the API server; a PersistentVolumeClaim needs a storage request such as "10Gi"`,
    ]);
    expect(flags(volumes({ name: 'e', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }))).toEqual([]);
  });
});

describe('api-valid: StorageClass allowedTopologies terms', () => {
  const zone = (...values: string[]) => ({ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values }] });
  it('a term without expressions, and a term the same as an earlier one, are refused', () => {
    expect(flags(sc([{ matchLabelExpressions: [] }]), sc([zone('a', 'b'), zone('b', 'a')]))).toEqual([
      'allowedTopologies[0].matchLabelExpressions: is empty; the API server refuses a topology term without expressions (leave allowedTopologies out to allow every topology)',
      'allowedTopologies[1].matchLabelExpressions: allow the same topologies as term [0]; the API server refuses a duplicate term',
    ]);
    expect(flags(sc([zone('a'), zone('b')]), sc([zone('a', 'b')]))).toEqual([]);
  });
});

describe('api-valid: v1 Endpoints addresses', () => {
  const NOT = (ip: string, example: string, range: string) => `"${ip}" is refused by the API server; expected an IP address of a pod or node, such as "${example}", not the ${range}`;
  it('loopback, link-local, multicast and malformed addresses are refused, as in EndpointSlices', () => {
    expect(flags(ep({ addresses: [{ ip: '127.0.0.1' }, { ip: '169.254.169.254' }, { ip: '10.0.0.300' }], notReadyAddresses: [{ ip: '224.0.0.1' }, { ip: '::1', hostname: 'Db_1' }] }))).toEqual([
      ENDPOINTS_DEPRECATED,
      `subsets[0].addresses[0].ip: ${NOT('127.0.0.1', '10.0.0.1', 'loopback range 127.0.0.0/8')}`,
      `subsets[0].addresses[1].ip: ${NOT('169.254.169.254', '10.0.0.1', 'link-local range 169.254.0.0/16')}`,
      'subsets[0].addresses[2].ip: "10.0.0.300" is refused by the API server; expected an IP address of a pod or node, such as "10.0.0.1" (no leading zeros, no prefix length)',
      `subsets[0].notReadyAddresses[0].ip: ${NOT('224.0.0.1', '10.0.0.1', 'link-local multicast range 224.0.0.0/24')}`,
      'subsets[0].notReadyAddresses[1].hostname: "Db_1" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
      `subsets[0].notReadyAddresses[1].ip: ${NOT('::1', 'fd00::1', 'loopback address ::1')}`,
    ]);
  });
  it('pod and node addresses pass (leading zeros too: a legacy field)', () => {
    expect(flags(ep({ addresses: [{ ip: '10.0.0.5', hostname: 'db-0' }, { ip: 'fd00::5' }, { ip: '010.0.0.6' }] }))).toEqual([ENDPOINTS_DEPRECATED]);
  });
});

describe('api-valid: a volume name YAML read as a boolean', () => {
  it('says to quote it, once: the mount of it is that one mistake, and another mount is not said to have no volume', () => {
    expect(flags(dep({ volumes: [{ name: false, emptyDir: {} }] }, { volumeMounts: [{ name: false, mountPath: '/data' }, { name: 'x', mountPath: '/x' }] }))).toEqual([
      `${T}.containers[0].volumeMounts[1].name: "x" is refused by the API server; expected the name of a volume of the pod (the pod has no volume with a name the API server accepts)`,
      `${T}.volumes[0].name: false is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit; YAML 1.1 reads an unquoted n, no, off or false as false: quote it`,
    ]);
    expect(flags(dep({ volumes: [{ name: 'n', emptyDir: {} }] }, { volumeMounts: [{ name: 'n', mountPath: '/data' }] }))).toEqual([]);
  });
  it('a mount of no volume at all still says the pod has none', () => {
    expect(flags(dep({}, { volumeMounts: [{ name: 'x', mountPath: '/x' }] }))).toEqual([
      `${T}.containers[0].volumeMounts[0].name: "x" is refused by the API server; expected the name of a volume of the pod (the pod has no volumes)`,
    ]);
  });
});
