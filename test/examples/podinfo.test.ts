import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Environments } from '../../lib';
import { main } from '../../lib/cli/main';
import { checkManifests } from '../../lib/practices/checker';
import { ENVIRONMENTS, PODINFO, PODINFO_VERSION } from '../../examples/podinfo/podinfo';
import { readTree, tmpdir } from '../helpers';

/** The folder every environment of the example is synthesized into, once (as `dist/podinfo`). */
const outdir = tmpdir('podinfo-');

/** Every environment of the example, synthesized once: objects by environment. */
function synthAll(): { [env: string]: any[] } {
  new Environments({
    app: 'podinfo', environments: ENVIRONMENTS, outdir,
    argoCd: { repoUrl: 'https://github.com/acme/podinfo-deploy.git', targetRevision: 'main', repoPath: 'dist/podinfo' },
  }).synth(PODINFO);
  const out: { [env: string]: any[] } = {};
  for (const [file, text] of Object.entries(readTree(outdir))) {
    if (!file.endsWith('.k8s.yaml')) continue;
    const env = path.dirname(file);
    out[env] = [...(out[env] ?? []), ...YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o)];
  }
  return out;
}

const byEnv = synthAll();
const find = (env: string, kind: string, name: string) => {
  const found = byEnv[env].filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${env}: ${kind}/${name}`).toHaveLength(1);
  return found[0];
};
const container = (env: string, release: string) => find(env, 'Deployment', `${release}-podinfo`).spec.template.spec.containers[0];

describe('the podinfo example', () => {
  it('writes one folder per environment and the Argo CD Applications, nothing else', () => {
    expect(Object.keys(byEnv).sort()).toEqual(['argocd', 'dev', 'prod-a', 'prod-b', 'staging']);
  });

  it('passes every rule of the catalog in every environment', () => {
    for (const [env, objects] of Object.entries(byEnv)) {
      expect(checkManifests(objects.map((manifest) => ({ manifest }))).violations, env).toEqual([]);
    }
  });

  it('passes `check` on its output folder with no flag: each environment is checked as its own app', () => {
    // As `npx cdk8s-guardrails check dist` after `npm run synth`, one level up from the environments.
    const dist = tmpdir('dist-');
    fs.symlinkSync(outdir, path.join(dist, 'podinfo'));
    let out = '';
    let err = '';
    const code = main(['check', dist], { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => '' });
    expect(out).not.toContain('appears');
    expect(out).toMatch(/^OK: \d+ objects in 5 files break no rule/m);
    expect(err.trim().split('\n')).toHaveLength(5); // a note per folder: dev, staging, prod-a, prod-b and argocd
    expect(code).toBe(0);
  });

  it('keeps the chart\'s object names and selector labels, so it takes over a Helm install in place', () => {
    for (const release of ['frontend', 'backend']) {
      const d = find('prod-a', 'Deployment', `${release}-podinfo`);
      expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'podinfo', 'app.kubernetes.io/instance': release });
      expect(find('prod-a', 'Service', `${release}-podinfo`).spec.selector).toEqual(d.spec.selector.matchLabels);
    }
  });

  it('runs podinfo with the chart\'s ports and command line', () => {
    const c = container('dev', 'frontend');
    expect(c.command).toEqual(['./podinfo']);
    expect(c.args.slice(0, 4)).toEqual(['--port=9898', '--port-metrics=9797', '--grpc-port=9999', '--grpc-service-name=podinfo']);
    expect(c.ports.map((p: any) => [p.name, p.containerPort])).toEqual(expect.arrayContaining([['http', 9898], ['grpc', 9999]]));
    expect(c.env.find((e: any) => e.name === 'PODINFO_BACKEND_URL')).toBeDefined();
    const config = find('dev', 'ConfigMap', c.env.find((e: any) => e.name === 'PODINFO_BACKEND_URL').valueFrom.configMapKeyRef.name);
    expect(config.data.PODINFO_BACKEND_URL).toBe('http://backend-podinfo:9898/echo');
    expect(config.immutable).toBe(true);
    expect(config.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false');
  });

  it('differs per environment exactly as the settings say', () => {
    // replicas and resources
    expect(['dev', 'staging', 'prod-a', 'prod-b'].map((e) => find(e, 'Deployment', 'backend-podinfo').spec.replicas)).toEqual([2, 2, 4, 4]);
    expect(container('dev', 'backend').resources.requests.cpu).not.toBe(container('prod-a', 'backend').resources.requests.cpu);
    // registries
    expect(container('dev', 'frontend').image).toBe(`ghcr.io/stefanprodan/podinfo:${PODINFO_VERSION}`);
    expect(container('prod-b', 'frontend').image).toBe(`registry.example.com/mirror/stefanprodan/podinfo:${PODINFO_VERSION}`);
    // host names and issuers
    const ingress = (env: string) => find(env, 'Ingress', 'frontend-podinfo');
    expect(ingress('dev').spec.rules[0].host).toBe('podinfo.dev.example.com');
    expect(ingress('prod-a').spec.rules[0].host).toBe('podinfo.example.com');
    expect(ingress('dev').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    expect(ingress('staging').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    // feature switches: h2c in dev only; ServiceMonitor outside dev, annotations in dev
    expect(container('dev', 'frontend').args).toContain('--h2c');
    expect(container('prod-a', 'frontend').args).not.toContain('--h2c');
    expect(byEnv.dev.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    expect(byEnv['prod-a'].filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name).sort()).toEqual(['backend-podinfo', 'frontend-podinfo']);
    expect(find('dev', 'Deployment', 'frontend-podinfo').spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    // values: log level
    expect(container('dev', 'backend').args).toContain('--level=debug');
    expect(container('staging', 'backend').args).toContain('--level=info');
  });

  it('builds each cluster of the blue/green pair for its own Kubernetes version', () => {
    // prod-a runs 1.28, prod-b 1.29: the same app, built for each version (below 1.30, so
    // both pause with a preStop command; a 1.30 target would get the sleep action).
    const a = find('prod-a', 'Deployment', 'frontend-podinfo');
    const b = find('prod-b', 'Deployment', 'frontend-podinfo');
    expect(a.spec).toEqual(b.spec);
    expect(a.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '10'] } });
    const envs = new Environments({ app: 'podinfo', environments: ENVIRONMENTS, outdir: tmpdir() });
    expect(envs.all.map((e) => e.kubernetesVersion.name)).toEqual(['1.29', '1.29', '1.28', '1.29']);
  });

  it('has the defaults the chart leaves off: PDB, NetworkPolicy, restricted security, TLS, spread', () => {
    const env = 'prod-a';
    for (const release of ['frontend', 'backend']) {
      expect(find(env, 'PodDisruptionBudget', `${release}-podinfo`).spec.selector.matchLabels['app.kubernetes.io/instance']).toBe(release);
      expect(byEnv[env].some((o) => o.kind === 'NetworkPolicy' && o.spec.podSelector?.matchLabels?.['app.kubernetes.io/instance'] === release)).toBe(true);
      const spec = find(env, 'Deployment', `${release}-podinfo`).spec.template.spec;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(spec.topologySpreadConstraints.length).toBeGreaterThan(0);
    }
    expect(find(env, 'Ingress', 'frontend-podinfo').spec.tls[0].hosts).toEqual(['podinfo.example.com']);
    expect(find(env, 'Namespace', 'podinfo').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('has an Argo CD Application per environment, pointing at its folder and cluster', () => {
    const apps = byEnv.argocd;
    expect(apps.map((a) => a.metadata.name)).toEqual(['podinfo-dev', 'podinfo-staging', 'podinfo-prod-a', 'podinfo-prod-b']);
    expect(apps.map((a) => a.spec.source.path)).toEqual(['dist/podinfo/dev', 'dist/podinfo/staging', 'dist/podinfo/prod-a', 'dist/podinfo/prod-b']);
    expect(apps.map((a) => a.spec.destination.server ?? a.spec.destination.name))
      .toEqual(['dev', 'staging', 'https://prod-a.k8s.example.com:6443', 'https://prod-b.k8s.example.com:6443']);
  });
});
