import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { apiValidExtra } from '../../lib/practices/rules/api-valid-extra';

/**
 * The refusals of api-valid beyond name and value formats: required fields, types and fields
 * that must agree. Each refused case has an accepted neighbour.
 */

function loose(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}

const cm = (meta: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', ...meta }, data: {} });
const owner = (over: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'd9607e19-f88f-11e6-a518-42010a800195', ...over });
const hpa = (spec: any) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'n' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'w' }, ...spec } });
const pvc = (spec: any) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p', namespace: 'n' }, spec: { accessModes: ['ReadWriteOnce'], ...spec } });
const ingress = (port: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'n' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port } } }] } }] } });
const role = (kind: string, rules: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'n' } : {}) }, rules });

describe('api-valid: what the API server refuses beyond formats', () => {
  it('a finalizer that is not a qualified name, or has no domain, is refused; standard and qualified ones pass', () => {
    expect(apiValidExtra(cm({ finalizers: ['bad finalizer', 'cleanup', 42] }))).toEqual([
      { field: 'metadata.finalizers[0]', message: '"bad finalizer" (a string) is refused by the API server; expected a finalizer name that is of the form [prefix/]name: an optional DNS-1123 subdomain prefix (at most 253 characters) and \'/\', then a name of 1 to 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (e.g. "app" or "example.com/team")' },
      { field: 'metadata.finalizers[1]', message: '"cleanup" is refused by the API server; expected a domain-qualified finalizer name such as "example.com/cleanup" (or one of kubernetes, orphan, foregroundDeletion)' },
      { field: 'metadata.finalizers[2]', message: '42 (a number) is refused by the API server; expected a finalizer name that is a string' },
    ]);
    expect(apiValidExtra(cm({ finalizers: ['kubernetes', 'foregroundDeletion', 'example.com/cleanup'] }))).toEqual([]);
  });

  it('an owner reference needs apiVersion, kind, name and uid, and at most one controller', () => {
    expect(loose(cm({ ownerReferences: [owner({ uid: '' }), owner({ kind: undefined })] }))).toEqual([
      'metadata.ownerReferences[0].uid: "" (a string) is refused by the API server; an owner reference needs a non-empty uid',
      'metadata.ownerReferences[1].kind: unset is refused by the API server; an owner reference needs a non-empty kind',
    ]);
    expect(apiValidExtra(cm({ ownerReferences: [owner({ controller: true }), owner({ name: 'y', controller: true })] })).map((f) => f.message))
      .toEqual(['2 owner references have controller: true; the API server allows at most one']);
    expect(loose(cm({ ownerReferences: [owner({ controller: true }), owner({ name: 'y' })] }))).toEqual([]);
  });

  it('metadata.name as a number or a boolean is named as such', () => {
    expect(loose(cm({ name: 123 }))).toContain('metadata.name: 123 (a number) is refused by the API server; expected a string');
    expect(apiValidExtra(cm({ name: true }))).toEqual([{ field: 'metadata.name', message: 'true (a boolean) is refused by the API server; expected a string', fix: 'write metadata.name as a string' }]);
    expect(apiValidExtra(cm({ name: '123' }))).toEqual([]);
  });

  it('HPA minReplicas above maxReplicas, or below 1, is refused; equal bounds pass', () => {
    expect(loose(hpa({ minReplicas: 5, maxReplicas: 3 }))).toEqual(['spec.minReplicas: minReplicas 5 is above maxReplicas 3; the API server refuses it']);
    expect(apiValidExtra(hpa({ minReplicas: 0, maxReplicas: 3 })).map((f) => f.message)).toEqual(['0 (a number) is refused by the API server; expected an integer of at least 1']);
    expect(apiValidExtra(hpa({ minReplicas: 1 })).map((f) => f.message)).toEqual(['unset is refused by the API server; expected an integer of at least 1']);
    expect(loose(hpa({ minReplicas: 3, maxReplicas: 3 }))).toEqual([]);
  });

  it('a PVC, or a StatefulSet claim template, without a storage request is refused', () => {
    expect(loose(pvc({}))).toEqual(['spec.resources.requests.storage: unset is refused by the API server; a PersistentVolumeClaim needs a storage request such as "10Gi"']);
    expect(apiValidExtra({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: {} }] } }).map((f) => f.field))
      .toEqual(['spec.volumeClaimTemplates[0].spec.accessModes', 'spec.volumeClaimTemplates[0].spec.resources.requests.storage']);
    expect(loose(pvc({ resources: { requests: { storage: '1Gi' } } }))).toEqual([]);
  });

  it('an Ingress backend port with both number and name, or neither, is refused; one of them passes', () => {
    expect(loose(ingress({ number: 80, name: 'http' }))).toEqual(['spec.rules[0].http.paths[0].backend.service.port: {"number":80,"name":"http"} is refused by the API server; expected either port.number or port.name, not both']);
    expect(apiValidExtra(ingress({})).map((f) => f.message)).toEqual(['{} is refused by the API server; expected port.number or port.name']);
    expect(loose(ingress({ number: 80 }))).toEqual([]);
    expect(loose(ingress({ name: 'http' }))).toEqual([]);
  });

  it('a Role or ClusterRole rule with no verbs is refused; a custom kind named Role is not judged', () => {
    expect(loose(role('Role', [{ apiGroups: [''], resources: ['pods'], verbs: [] }]))).toEqual(['rules[0].verbs: [] (an array) is refused by the API server; a rule needs at least one verb such as "get"']);
    expect(apiValidExtra(role('ClusterRole', [{ apiGroups: [''], resources: ['pods'] }])).map((f) => f.field)).toEqual(['rules[0].verbs']);
    expect(apiValidExtra(role('Role', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]))).toEqual([]);
    expect(apiValidExtra({ apiVersion: 'example.com/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: [] }] })).toEqual([]);
  });
});
