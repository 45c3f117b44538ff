import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

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
const cm = (meta: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS, ...meta } });
const sc = (over: any) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', ...over });
const lr = (item: any) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: NS }, spec: { limits: [item] } });
const ep = (addresses: any[]) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: NS }, subsets: [{ addresses, ports: [{ port: 5432 }] }] });

describe('probe', () => {
  it('prints', () => {
    console.log(JSON.stringify([
      flags(dep({ volumes: [{ name: 'v', csi: { driver: 'Bad_Driver' } }, { name: 'w', csi: { driver: 'Ebs.CSI.aws.com' } }, { name: 'x', csi: { driver: 'a'.repeat(64) } }, { name: 'y', nfs: { server: '', path: 'exports' } }, { name: 'z', rbd: { monitors: [], image: '' } }] })),
      flags(cm({ finalizers: ['orphan', 'foregroundDeletion'] })),
      flags(dep({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: ['pod-template-hash'] }, { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['app'] }] })),
      flags(dep({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] }], preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['app'], mismatchLabelKeys: ['app'] } }] } } })),
      flags(lr({ type: 'Foo', max: { cpu: '1' } }), lr({ type: 'container', max: { cpu: '1' } }), lr({ type: 'example.com/gpu', max: { cpu: '1' } })),
      flags(dep({ volumes: [{ name: 'e', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } }, { name: 'f', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }] })),
      flags(sc({ allowedTopologies: [{ matchLabelExpressions: [] }] }), sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'z', values: ['a', 'b'] }] }, { matchLabelExpressions: [{ key: 'z', values: ['b', 'a'] }] }] })),
      flags(ep([{ ip: '127.0.0.1' }, { ip: '169.254.169.254' }, { ip: '224.0.0.1' }, { ip: '::1' }, { ip: '10.0.0.300' }, { ip: '010.0.0.1' }, { ip: '10.0.0.5', hostname: 'Bad_Host' }])),
      flags(dep({ volumes: [{ name: false, emptyDir: {} }] }, { volumeMounts: [{ name: false, mountPath: '/data' }, { name: 'x', mountPath: '/x' }] })),
    ], null, 1));
  });
});
