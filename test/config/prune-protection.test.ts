import { describe, expect, it } from 'vitest';
import { HashedConfigMap, SafeDeployment } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const PROTECTION = {
  'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** The objects a release writes: its app's config file in a SafeDeployment. */
function release(logLevel: string): any[] {
  const chart = newChart('web');
  new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.2.3', port: 8080, files: { 'app.yaml': `level: ${logLevel}\n` } });
  return synth(chart);
}

/** The same release with a bare HashedConfigMap, protected or not. */
function bareRelease(value: string, pruneProtection: boolean | undefined): any[] {
  const chart = newChart('web');
  new HashedConfigMap(chart, 'web-config', { data: { value }, pruneProtection });
  return synth(chart);
}

const keyOf = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * What Argo CD (automated sync with prune) or Flux (prune: true) leave in the cluster after
 * syncing a release: every object of the release, and of the objects in the cluster that the
 * release no longer has, only those annotated so that they are not pruned.
 */
function gitOpsSync(cluster: Map<string, any>, manifests: any[]): Map<string, any> {
  const next = new Map<string, any>();
  for (const [key, obj] of cluster) {
    const a = obj.metadata.annotations ?? {};
    const keptByArgo = (a['argocd.argoproj.io/sync-options'] ?? '').split(',').map((s: string) => s.trim()).includes('Prune=false');
    const keptByFlux = a['kustomize.toolkit.fluxcd.io/prune'] === 'disabled';
    if (keptByArgo && keptByFlux) next.set(key, obj);
  }
  for (const obj of manifests) next.set(keyOf(obj), obj);
  return next;
}

const configMapsOf = (cluster: Map<string, any>) => [...cluster.values()].filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name).sort();

/** Names of the ConfigMaps a pod template mounts or reads. */
function configRefs(deployment: any): string[] {
  const spec = deployment.spec.template.spec;
  const names = new Set<string>();
  for (const v of spec.volumes ?? []) {
    if (v.configMap) names.add(v.configMap.name);
    for (const s of v.projected?.sources ?? []) if (s.configMap) names.add(s.configMap.name);
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.envFrom ?? []) if (e.configMapRef) names.add(e.configMapRef.name);
    for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef) names.add(e.valueFrom.configMapKeyRef.name);
  }
  return [...names].sort();
}

describe('HashedConfigMap prune protection', () => {
  it('annotates the object for Argo CD and Flux by default', () => {
    const chart = newChart();
    new HashedConfigMap(chart, 'settings', { data: { a: '1' } });
    expect(one(synth(chart), 'ConfigMap').metadata.annotations).toEqual(PROTECTION);
    expect(HashedConfigMap.pruneProtectionAnnotations).toEqual(PROTECTION);
  });

  it('pruneProtection: false writes no annotation', () => {
    const chart = newChart();
    new HashedConfigMap(chart, 'settings', { data: { a: '1' }, pruneProtection: false });
    expect(one(synth(chart), 'ConfigMap').metadata.annotations).toBeUndefined();
  });

  it('refuses a pruneProtection that is not a boolean', () => {
    const chart = newChart();
    expect(errorOf(() => new HashedConfigMap(chart, 'settings', { data: { a: '1' }, pruneProtection: 'no' as any })))
      .toBe('HashedConfigMap at \'test/settings\': invalid pruneProtection "no"; expected true or false (a boolean, not a string).');
  });

  it('a workload\'s config carries the protection', () => {
    const cm = one(release('info'), 'ConfigMap');
    expect(cm.metadata.annotations).toEqual(PROTECTION);
  });

  it('after a config change, the previous generation survives the GitOps prune, so a rollback finds it', () => {
    const v1 = release('info');
    const v2 = release('debug');
    const [oldConfig, newConfig] = [one(v1, 'ConfigMap').metadata.name, one(v2, 'ConfigMap').metadata.name];
    expect(oldConfig).not.toBe(newConfig);
    expect(configRefs(one(v1, 'Deployment'))).toEqual([oldConfig]);
    expect(configRefs(one(v2, 'Deployment'))).toEqual([newConfig]);

    let cluster = gitOpsSync(new Map(), v1);
    cluster = gitOpsSync(cluster, v2);
    // The release dropped the old generation; the cluster still has it, for the old ReplicaSet.
    expect(v2.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual([newConfig]);
    expect(configMapsOf(cluster)).toEqual([oldConfig, newConfig].sort());

    // `kubectl rollout undo` brings back the v1 pod template: everything it reads exists.
    for (const name of configRefs(one(v1, 'Deployment'))) expect(cluster.has(`ConfigMap/web/${name}`)).toBe(true);
    // A Git revert to v1 syncs v1 again: its config is found, and v2's stays for a roll forward.
    cluster = gitOpsSync(cluster, v1);
    expect(configMapsOf(cluster)).toEqual([oldConfig, newConfig].sort());
    expect(cluster.get(`Deployment/web/web`)).toEqual(one(v1, 'Deployment'));
  });

  it('without the protection, the same change prunes the previous generation (what the protection prevents)', () => {
    const v1 = bareRelease('1', false);
    const v2 = bareRelease('2', false);
    const cluster = gitOpsSync(gitOpsSync(new Map(), v1), v2);
    expect(configMapsOf(cluster)).toEqual([one(v2, 'ConfigMap').metadata.name]);
    const protectedCluster = gitOpsSync(gitOpsSync(new Map(), bareRelease('1', undefined)), bareRelease('2', undefined));
    expect(configMapsOf(protectedCluster)).toHaveLength(2);
  });
});
