import * as path from 'path';
import * as YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ApiObject, Chart } from 'cdk8s';
import {
  Environment, EnvironmentSettings, Environments, IssuerReference, KubernetesVersion, ResourcePreset, SafeDeployment,
} from '../../lib';
import { errorOf, readTree, tmpdir } from '../helpers';

const DEV: EnvironmentSettings = {
  name: 'dev',
  kubernetesVersion: KubernetesVersion.V1_30,
  registry: 'ghcr.io/acme',
  replicas: { api: 2 },
  resources: { api: ResourcePreset.NANO },
  hostnames: { public: 'api.dev.example.com' },
  features: { tracing: true },
  values: { logLevel: 'debug' },
};
const PROD: EnvironmentSettings = {
  name: 'prod',
  kubernetesVersion: KubernetesVersion.V1_33,
  registry: 'registry.example.com',
  replicas: { api: 4 },
  resources: { api: ResourcePreset.MEDIUM },
  hostnames: { public: 'api.example.com' },
  issuer: IssuerReference.clusterIssuer('letsencrypt-prod'),
  features: { tracing: false },
  values: { logLevel: 'info' },
  cluster: { server: 'https://prod.k8s.example.com:6443' },
  namespace: 'api-prod',
};

/** A definition that reads every kind of setting, as an app would. */
const API = {
  define: (app: any, env: Environment) => {
    const chart = new Chart(app, 'api', { namespace: env.namespace });
    new SafeDeployment(chart, 'api', {
      image: env.image('api:1.2.3'),
      allowedRegistries: env.allowedRegistries,
      port: 8080,
      replicas: env.replicas('api'),
      resourcePreset: env.resources('api'),
      env: { LOG_LEVEL: env.value('logLevel'), TRACING: String(env.feature('tracing')), HOST: env.hostname('public') },
    });
  },
};

const docsOf = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);

describe('Environments', () => {
  it('synthesizes every environment into <outdir>/<environment>/ from one definition, with its own settings', () => {
    const outdir = tmpdir();
    new Environments({ app: 'api', environments: [DEV, PROD], outdir }).synth(API);
    const tree = readTree(outdir);
    expect(Object.keys(tree).filter((f) => f.endsWith('.k8s.yaml'))).toEqual([path.join('dev', 'api.k8s.yaml'), path.join('prod', 'api.k8s.yaml')]);
    const deployment = (env: string) => docsOf(tree[path.join(env, 'api.k8s.yaml')]).find((o: any) => o.kind === 'Deployment');
    const [dev, prod] = [deployment('dev'), deployment('prod')];
    expect([dev.spec.replicas, prod.spec.replicas]).toEqual([2, 4]);
    expect([dev.metadata.namespace, prod.metadata.namespace]).toEqual(['api', 'api-prod']);
    expect(dev.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.2.3');
    expect(prod.spec.template.spec.containers[0].image).toBe('registry.example.com/api:1.2.3');
    expect(dev.spec.template.spec.containers[0].resources.requests.cpu).not.toBe(prod.spec.template.spec.containers[0].resources.requests.cpu);
    // The target version decides version-gated fields: dev (1.30) and prod (1.33) are built for their own cluster.
    expect(tree[path.join('dev', 'guardrails-report.jsonc')]).toBeDefined();
  });

  it('sets each environment\'s target Kubernetes version on its app, and gives typed values', () => {
    const envs = new Environments({ app: 'api', environments: [DEV, PROD], outdir: tmpdir() });
    let seen: Environment | undefined;
    const app = envs.buildApp('prod', { define: (_app, env) => { seen = env; } });
    expect(KubernetesVersion.of(app).name).toBe('1.33');
    expect(KubernetesVersion.of(envs.buildApp('dev', { define: () => undefined })).name).toBe('1.30');
    expect(seen!.name).toBe('prod');
    expect(seen!.replicas('api')).toBe(4);
    expect(seen!.resources('api')).toBe(ResourcePreset.MEDIUM);
    expect(seen!.feature('tracing')).toBe(false);
    expect(seen!.issuer?.issuerName).toBe('letsencrypt-prod');
    expect(seen!.allowedRegistries).toEqual(['registry.example.com']);
    expect(seen!.outdir).toBe(path.join(envs.outdir, 'prod'));
    expect(envs.environment('dev').issuer).toBeUndefined();
  });

  it('outdir defaults to $CDK8S_OUTDIR, else dist/<app>', () => {
    const saved = process.env.CDK8S_OUTDIR;
    try {
      delete process.env.CDK8S_OUTDIR;
      expect(new Environments({ app: 'api', environments: [DEV] }).outdir).toBe(path.join('dist', 'api'));
      process.env.CDK8S_OUTDIR = '/tmp/out/api';
      expect(new Environments({ app: 'api', environments: [DEV] }).outdir).toBe('/tmp/out/api');
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    }
  });

  it('checks every object with the catalog by default (a violation fails the synth); enforce: false does not', () => {
    // A bare ConfigMap without the recommended labels, mutable and not named by a hash.
    const bare = { define: (app: any) => { new ApiObject(new Chart(app, 'c', { namespace: 'api' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }); } };
    const enforced = new Environments({ app: 'api', environments: [DEV], outdir: tmpdir() });
    expect(errorOf(() => enforced.buildApp('dev', bare).synth())).toMatch(/ConfigMap api\/settings/);
    const unchecked = new Environments({ app: 'api', environments: [DEV], outdir: tmpdir(), enforce: false });
    expect(() => unchecked.buildApp('dev', bare).synth()).not.toThrow();
  });
});

describe('Environments settings are checked at synth, naming the environment and the key', () => {
  const where = (env: string) => `Environments "api", environment "${env}": `;
  const make = (environments: EnvironmentSettings[], extra: object = {}) => () => new Environments({ app: 'api', environments, outdir: tmpdir(), ...extra });

  it.each([
    ['a misspelt setting', [{ ...DEV, replica: { api: 2 } } as any],
      `${where('dev')}invalid replica {"api":2}; expected one of the settings "name", "kubernetesVersion", "registry", "replicas", "resources", "hostnames", "issuer", "features", "values", "namespace", "cluster".`],
    ['a key one environment lacks', [DEV, { ...PROD, features: {} }],
      `${where('prod')}invalid features.tracing (undefined); expected a value, as environment "dev" declares it: every environment declares the same features keys, so add it here or fix its spelling there.`],
    ['a misspelt key in one environment', [DEV, { ...PROD, values: { logLevl: 'info' } }],
      `${where('dev')}invalid values.logLevl (undefined); expected a value, as environment "prod" declares it: every environment declares the same values keys, so add it here or fix its spelling there.`],
    ['a replica count that is not a whole number', [{ ...DEV, replicas: { api: 1.5 } }],
      `${where('dev')}invalid replicas.api 1.5; expected an integer from 0 to 2147483647.`],
    ['a feature given as text', [{ ...DEV, features: { tracing: 'yes' as any } }], `${where('dev')}invalid features.tracing "yes"; expected true or false.`],
    ['a resource that is not a preset', [{ ...DEV, resources: { api: 'small' as any } }],
      `${where('dev')}invalid resources.api "small"; expected a ResourcePreset such as ResourcePreset.SMALL.`],
    ['a host name in capitals', [{ ...DEV, hostnames: { public: 'API.example.com' } }],
      `${where('dev')}invalid hostnames.public "API.example.com"; expected a DNS name in lower case such as "app.example.com" (a leading "*." for a wildcard).`],
    ['a registry with a scheme', [{ ...DEV, registry: 'https://ghcr.io' }], `${where('dev')}invalid registry "https://ghcr.io"; expected a registry host`],
    ['a name that is not a folder-safe label', [{ ...DEV, name: 'Prod_A' }], `${where('Prod_A')}invalid name "Prod_A"; expected a DNS-1123 label`],
    ['a repeated name', [DEV, { ...DEV }], 'Environments "api": invalid environments "dev"; expected unique environment names: each is a folder of its own.'],
    ['both cluster server and name', [{ ...DEV, cluster: { server: 'https://a:6443', name: 'a' } }], `${where('dev')}invalid cluster {"server":"https://a:6443","name":"a"}; expected either server or name, not both.`],
    ['a cluster server that is not a URL', [{ ...DEV, cluster: { server: 'prod-a' } }], `${where('dev')}invalid cluster.server "prod-a"; expected an API server URL`],
    ['no environment', [], 'Environments "api": invalid environments []; expected at least one EnvironmentSettings.'],
  ])('refuses %s', (_what, environments, message) => {
    expect(errorOf(make(environments as EnvironmentSettings[]))).toContain(message);
  });

  it('refuses reading a key no environment declares, naming the environment and the key', () => {
    const envs = new Environments({ app: 'api', environments: [DEV, PROD], outdir: tmpdir() });
    const typo = { define: (_app: any, env: Environment) => { env.feature('tracng'); } };
    expect(errorOf(() => envs.buildApp('prod', typo))).toBe(
      `${where('prod')}invalid features.tracng (undefined); expected one of the declared keys "tracing": fix the spelling, or add "tracng" to the features of every environment.`);
    const none = new Environments({ app: 'api', environments: [{ name: 'dev' }], outdir: tmpdir() });
    expect(errorOf(() => none.buildApp('dev', { define: (_a: any, env: Environment) => { env.replicas('api'); } }))).toBe(
      `${where('dev')}invalid replicas.api (undefined); expected a declared key: the environments declare no replicas; add "api" to the replicas of every environment.`);
  });

  it('refuses an unknown environment, an outdir in appProps and a misspelt property', () => {
    const envs = new Environments({ app: 'api', environments: [DEV], outdir: tmpdir() });
    expect(errorOf(() => envs.environment('prd'))).toBe('Environments "api": invalid environment "prd"; expected one of "dev".');
    expect(errorOf(make([DEV], { appProps: { outdir: 'x' } })))
      .toBe('Environments "api": invalid appProps.outdir "x"; expected no outdir: each environment writes to <outdir>/<environment>; set outdir instead.');
    expect(errorOf(make([DEV], { argocd: {} }))).toContain('Environments: invalid argocd {}; expected one of the properties');
  });

  it('image() refuses a repository that names a registry of its own', () => {
    const env = new Environments({ app: 'api', environments: [DEV], outdir: tmpdir() }).environment('dev');
    expect(errorOf(() => env.image('docker.io/library/nginx:1.27.0'))).toBe(
      'Environments "api", environment "dev", image(): invalid repository "docker.io/library/nginx:1.27.0"; expected a repository without a registry host: the environment pulls from "ghcr.io/acme".');
    expect(new Environments({ app: 'api', environments: [{ name: 'dev' }], outdir: tmpdir() }).environment('dev').image('docker.io/library/nginx:1.27.0'))
      .toBe('docker.io/library/nginx:1.27.0');
  });
});

describe('Environments with Argo CD', () => {
  const argoCd = { repoUrl: 'https://github.com/acme/deploy.git', repoPath: 'dist/api' };

  it('writes an Application per environment: the env folder, its cluster and namespace, automated sync with prune', () => {
    const outdir = tmpdir();
    new Environments({ app: 'api', environments: [DEV, PROD], outdir, argoCd }).synth(API);
    const apps = docsOf(readTree(outdir)[path.join('argocd', 'applications.k8s.yaml')]);
    expect(apps.map((a: any) => a.metadata.name)).toEqual(['api-dev', 'api-prod']);
    expect(apps[0].metadata.namespace).toBe('argocd');
    expect(apps[0].spec).toEqual({
      project: 'default',
      source: { repoURL: 'https://github.com/acme/deploy.git', targetRevision: 'HEAD', path: 'dist/api/dev' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'api' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    expect(apps[1].spec.destination).toEqual({ server: 'https://prod.k8s.example.com:6443', namespace: 'api-prod' });
    expect(apps[1].spec.source.path).toBe('dist/api/prod');
  });

  it('honours the options, and derives the repository path from an outdir under the current directory', () => {
    const envs = new Environments({
      app: 'api', environments: [{ ...DEV, cluster: { name: 'dev-cluster' } }], outdir: path.join('out', 'api'),
      argoCd: { repoUrl: 'git@github.com:acme/deploy.git', targetRevision: 'main', namespace: 'gitops', project: 'api', prune: false, selfHeal: false, folder: 'apps' },
    });
    const app = envs.buildArgoCd()!;
    expect(app.outdir).toBe(path.join('out', 'api', 'apps'));
    const [application] = Chart.of(app.node.findChild('applications')).toJson();
    expect(application.metadata.namespace).toBe('gitops');
    expect(application.spec).toEqual({
      project: 'api',
      source: { repoURL: 'git@github.com:acme/deploy.git', targetRevision: 'main', path: 'out/api/dev' },
      destination: { name: 'dev-cluster', namespace: 'api' },
      syncPolicy: { automated: { prune: false, selfHeal: false } },
    });
    expect(new Environments({ app: 'api', environments: [DEV], outdir: tmpdir() }).buildArgoCd()).toBeUndefined();
  });

  it.each([
    ['a repository URL that is not one', { repoUrl: 'github.com/acme' }, 'Environments "api": invalid argoCd.repoUrl "github.com/acme"; expected a Git repository URL'],
    ['an outdir outside the current directory without repoPath', { repoUrl: argoCd.repoUrl }, 'Environments "api": invalid argoCd.repoPath (undefined); expected the path of the outdir inside the repository'],
    ['a repoPath going up', { ...argoCd, repoPath: '../x' }, 'Environments "api": invalid argoCd.repoPath "../x"; expected a relative path inside the repository'],
    ['a folder named like an environment', { ...argoCd, folder: 'dev' }, 'Environments "api": invalid argoCd.folder "dev"; expected a folder that is not also an environment'],
    ['a misspelt option', { ...argoCd, prnue: false }, 'Environments "api": invalid argoCd.prnue false; expected one of the options'],
    ['prune given as text', { ...argoCd, prune: 'false' }, 'Environments "api": invalid argoCd.prune "false"; expected true or false.'],
  ])('refuses %s', (_what, options, message) => {
    expect(errorOf(() => new Environments({ app: 'api', environments: [DEV], outdir: tmpdir(), argoCd: options as any }))).toContain(message);
  });
});
