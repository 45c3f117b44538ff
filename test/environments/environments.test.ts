import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { ApiObject, Chart, JsonPatch, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Environment, EnvironmentSettings, Environments, Guardrails, IssuerReference, KubernetesVersion, ResourcePreset, SafeDeployment,
} from '../../lib';
import { errorOf, readTree, tmpdir } from '../helpers';

const DEV: EnvironmentSettings = {
  name: 'dev',
  kubernetesVersion: KubernetesVersion.V1_30,
  registry: 'ghcr.io/acme',
  replicas: { api: 2 },
  resources: { api: ResourcePreset.NANO },
  hostnames: { public: 'api.dev.example.com' },
  issuer: IssuerReference.clusterIssuer('letsencrypt-staging'),
  features: { tracing: true },
  values: { logLevel: 'debug' },
  cluster: { server: 'https://kubernetes.default.svc' },
  namespace: 'api',
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
    expect(envs.environment('dev').issuer?.issuerName).toBe('letsencrypt-staging');
  });

  it('outdir defaults to <$CDK8S_OUTDIR or dist>/<app>', () => {
    const saved = process.env.CDK8S_OUTDIR;
    try {
      delete process.env.CDK8S_OUTDIR;
      expect(new Environments({ app: 'api', environments: [DEV] }).outdir).toBe(path.join('dist', 'api'));
      process.env.CDK8S_OUTDIR = '/tmp/out';
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
      `${where('dev')}invalid replicas.api 1.5; expected an integer from 1 to 2147483647.`],
    ['a feature given as text', [{ ...DEV, features: { tracing: 'yes' as any } }], `${where('dev')}invalid features.tracing "yes"; expected true or false.`],
    ['a resource that is not a preset', [{ ...DEV, resources: { api: 'small' as any } }],
      `${where('dev')}invalid resources.api "small"; expected a ResourcePreset such as ResourcePreset.SMALL.`],
    ['a host name in capitals', [{ ...DEV, hostnames: { public: 'API.example.com' } }],
      `${where('dev')}invalid hostnames.public "API.example.com"; expected a lower-case DNS name ("api.example.com"): Kubernetes rejects upper-case hosts.`],
    ['an IP address, which TlsIngress refuses', [{ ...DEV, hostnames: { public: '10.0.0.1' } }],
      `${where('dev')}invalid hostnames.public "10.0.0.1"; expected a DNS name, not an IP address: an Ingress host and a certificate name must be DNS names.`],
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
    ['an outdir outside any Git repository without repoPath', { repoUrl: argoCd.repoUrl }, 'Environments "api": invalid argoCd.repoPath (undefined); expected the path of the outdir inside the repository'],
    ['a repoPath going up', { ...argoCd, repoPath: '../x' }, 'Environments "api": invalid argoCd.repoPath "../x"; expected a relative path inside the repository'],
    ['a folder named like an environment', { ...argoCd, folder: 'dev' }, 'Environments "api": invalid argoCd.folder "dev"; expected a folder that is not also an environment'],
    ['a misspelt option', { ...argoCd, prnue: false }, 'Environments "api": invalid argoCd.prnue false; expected one of the options'],
    ['prune given as text', { ...argoCd, prune: 'false' }, 'Environments "api": invalid argoCd.prune "false"; expected true or false.'],
    ['an empty repoPath, which would make the path absolute', { ...argoCd, repoPath: '' },
      'Environments "api": invalid argoCd.repoPath ""; expected a relative path inside the repository, such as "dist/shop", without ".." or spaces, or "." for the root of the repository.'],
    ['an absolute repoPath', { ...argoCd, repoPath: '/dist' }, 'Environments "api": invalid argoCd.repoPath "/dist"; expected a relative path inside the repository'],
  ])('refuses %s', (_what, options, message) => {
    expect(errorOf(() => new Environments({ app: 'api', environments: [DEV], outdir: tmpdir(), argoCd: options as any }))).toContain(message);
  });
});

describe('Environments: settings the constructs take, as the constructs take them', () => {
  const where = (env: string) => `Environments "api", environment ${JSON.stringify(env)}: `;
  const one = (extra: Partial<EnvironmentSettings>, more: object = {}) =>
    () => new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev', ...extra }], ...more });

  it('allowedRegistries is undefined without a registry, so a workload given it allows any registry', () => {
    const envs = one({})();
    expect(envs.all[0].allowedRegistries).toBeUndefined();
    const app = envs.buildApp('dev', {
      define: (a, env) => {
        new SafeDeployment(new Chart(a, 'c', { namespace: 'api' }), 'api', { image: 'docker.io/acme/api:1.2.3', port: 8080, allowedRegistries: env.allowedRegistries });
      },
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  it('refuses replicas: 0 and an issuer given as text, naming the environment and the key', () => {
    expect(errorOf(one({ replicas: { api: 0 } }))).toContain(`${where('dev')}invalid replicas.api 0; expected an integer from 1 to 2147483647.`);
    expect(errorOf(one({ issuer: 'letsencrypt-prod' as any }))).toContain(`${where('dev')}invalid issuer "letsencrypt-prod"; expected an ICertificateIssuer`);
    expect(one({ replicas: { api: 1 }, issuer: IssuerReference.clusterIssuer('le') })).not.toThrow();
  });

  it('an environment setting wins over the app default kubernetesVersion, which applies to the others', () => {
    const envs = new Environments({
      app: 'api', outdir: tmpdir(), environments: [{ name: 'dev', kubernetesVersion: KubernetesVersion.V1_28 }, { name: 'prod' }],
      appProps: { defaults: { kubernetesVersion: KubernetesVersion.V1_30, resourcePreset: ResourcePreset.NANO } },
    });
    expect(envs.environment('dev').kubernetesVersion).toBe(KubernetesVersion.V1_28);
    expect(envs.environment('prod').kubernetesVersion).toBe(KubernetesVersion.V1_30);
    for (const name of ['dev', 'prod']) {
      const app = envs.buildApp(name, { define: () => undefined });
      expect(KubernetesVersion.of(app)).toBe(envs.environment(name).kubernetesVersion);
    }
  });

  it('enforceOptions reach the checker of every environment; enforce: false still writes a report', () => {
    const deployment = { define: (a: Construct) => { new ApiObject(new Chart(a, 'c', { namespace: 'api' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }); } };
    const strict = new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }] });
    expect(errorOf(() => strict.synth(deployment))).toContain('labels: ConfigMap api/x at c/cm: metadata.labels: has no app.kubernetes.io/name');
    const relaxed = new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }], enforceOptions: { disabledRules: { labels: 'labelled by the deploy tool' } } });
    relaxed.synth(deployment);
    const report = JSON.parse(readTree(relaxed.outdir)['dev/guardrails-report.jsonc']);
    expect(report.suppressions.map((s: any) => s.rule)).toContain('labels');
    const off = new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }, { name: 'prod' }], enforce: false });
    off.synth(deployment);
    const tree = readTree(off.outdir);
    expect(JSON.parse(tree['dev/guardrails-report.jsonc'])).toEqual({ enforced: false, scopes: [], violations: [], suppressions: [], writtenBy: { app: 'api', folder: 'dev', files: ['c.k8s.yaml'] } });
    expect(Object.keys(tree)).toContain('prod/guardrails-report.jsonc');
    expect(errorOf(() => new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }], enforce: false, enforceOptions: {} })))
      .toContain('Environments "api": invalid enforceOptions {}; expected no checker options when enforce is false');
  });

  it('does not write construct-metadata.json into the environment folders, which kubectl apply -f refuses', () => {
    const saved = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      const envs = new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }], enforce: false });
      envs.synth({ define: (a: Construct) => { new ApiObject(new Chart(a, 'c', { namespace: 'api' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap' }); } });
      expect(Object.keys(readTree(envs.outdir)).sort()).toEqual(['dev/c.k8s.yaml', 'dev/guardrails-report.jsonc']);
    } finally {
      if (saved === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA; else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = saved;
    }
  });

});

describe('Environments: one program, several apps, no folder written twice', () => {
  const envs = (w: number) => [{ name: 'dev', replicas: { w } }, { name: 'prod', replicas: { w } }];
  const define = {
    define: (a: Construct, env: Environment) => {
      new SafeDeployment(new Chart(a, 'c', { namespace: env.namespace }), 'w', { image: 'ghcr.io/a/w:1.0.0', port: 8080, replicas: env.replicas('w') });
    },
  };
  const replicasIn = (file: string) => docsOf(fs.readFileSync(file, 'utf8')).find((o: any) => o.kind === 'Deployment').spec.replicas;
  const withOutdir = (fn: (dist: string) => void) => {
    const saved = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = tmpdir();
    try {
      fn(process.env.CDK8S_OUTDIR);
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    }
  };

  it('refuses a second Environments of the same app (the same default outdir) at synth, naming both, before writing', () => {
    withOutdir((dist) => {
      new Environments({ app: 'shop', environments: envs(2), quiet: true }).synth(define);
      const second = new Environments({ app: 'shop', environments: [{ name: 'dev', replicas: { w: 5 } }], quiet: true });
      expect(errorOf(() => second.synth(define))).toBe(`Environments "shop", environment "dev": invalid outdir ${JSON.stringify(path.join(dist, 'shop'))}; expected a folder of its own: `
        + `environment "dev" would be written to ${JSON.stringify(path.join(dist, 'shop', 'dev'))}, the folder ${JSON.stringify(path.join(dist, 'shop', 'dev'))} that environment "dev" of another Environments "shop" writes, `
        + 'and one would overwrite or mix with the other; give each Environments its own outdir (left unset, it is <dist>/<app>), and each app its own name.');
      expect(replicasIn(path.join(dist, 'shop', 'dev', 'c.k8s.yaml'))).toBe(2);
    });
  });

  it('refuses an app writing inside another app\'s environment folder, or holding it, naming both', () => {
    const root = tmpdir();
    new Environments({ app: 'a', environments: envs(2), outdir: path.join(root, 'a'), quiet: true }).synth(define);
    const inside = new Environments({ app: 'b', environments: envs(3), outdir: path.join(root, 'a', 'dev'), quiet: true });
    expect(errorOf(() => inside.synth(define))).toContain(`Environments "b", environment "dev": invalid outdir ${JSON.stringify(path.join(root, 'a', 'dev'))}; expected a folder of its own: `
      + `environment "dev" would be written to ${JSON.stringify(path.join(root, 'a', 'dev', 'dev'))}, a folder inside the folder ${JSON.stringify(path.join(root, 'a', 'dev'))} that environment "dev" of another Environments "a" writes`);
    const holding = new Environments({ app: 'c', environments: [{ name: 'a', replicas: { w: 1 } }], outdir: root, quiet: true });
    expect(errorOf(() => holding.synth(define))).toContain(`a folder that holds the folder ${JSON.stringify(path.join(root, 'a', 'dev'))} that environment "dev" of another Environments "a" writes`);
    expect(fs.readdirSync(path.join(root, 'a', 'dev')).sort()).toEqual(['c.k8s.yaml', 'guardrails-report.jsonc']);
  });

  it('lets two apps share an outdir in folders of their own, and one Environments synthesize again', () => {
    withOutdir((dist) => {
      const shop = new Environments({ app: 'shop', environments: envs(2), quiet: true });
      const billing = new Environments({ app: 'billing', environments: envs(3), quiet: true });
      shop.synth(define);
      billing.synth(define);
      shop.synth(define);
      expect(replicasIn(path.join(dist, 'shop', 'prod', 'c.k8s.yaml'))).toBe(2);
      expect(replicasIn(path.join(dist, 'billing', 'prod', 'c.k8s.yaml'))).toBe(3);
    });
  });
});

describe('Environments: an error in one environment names it, and nothing is written', () => {
  const settings = [{ name: 'dev', replicas: { w: 2 } }, { name: 'prod', replicas: { w: 2 } }];
  const deployment = (a: Construct, env: Environment) =>
    new SafeDeployment(new Chart(a, 'c', { namespace: env.namespace }), 'w', { image: 'ghcr.io/a/w:1.0.0', port: 8080, replicas: env.replicas('w') });

  it('a checker violation in the last environment: the error names it, and no environment folder is written', () => {
    const outdir = tmpdir();
    const envs = new Environments({ app: 'v', environments: settings, outdir, quiet: true });
    const error = errorOf(() => envs.synth({
      define: (a, env) => {
        const w = deployment(a, env);
        if (env.name === 'prod') w.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'ghcr.io/a/w:latest'));
      },
    }));
    expect(error).toMatch(/^Environments "v", environment "prod": Validation failed with the following errors:\n/);
    expect(error).toContain('image-pinned: Deployment v/');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('an error thrown by the definition names the environment; the same definition without it writes every folder', () => {
    const outdir = tmpdir();
    const envs = new Environments({ app: 'v', environments: settings, outdir, quiet: true });
    expect(errorOf(() => envs.synth({ define: (a, env) => { deployment(a, env); if (env.name === 'prod') env.replicas('web'); } })))
      .toBe('Environments "v", environment "prod": invalid replicas.web (undefined); expected one of the declared keys "w": fix the spelling, or add "web" to the replicas of every environment.');
    expect(errorOf(() => envs.buildApp('dev', { define: () => { throw new Error('no such chart'); } }))).toBe('Environments "v", environment "dev": no such chart');
    // A new Error, with the thrown value as its cause: the thrown value is never changed.
    const frozen = Object.freeze(new TypeError('no such chart'));
    let caught: any;
    try { envs.buildApp('dev', { define: () => { throw frozen; } }); } catch (e) { caught = e; }
    expect(caught.stack.split('\n')[0]).toBe('Error: Environments "v", environment "dev": TypeError: no such chart');
    expect(caught.cause).toBe(frozen);
    expect(frozen.message).toBe('no such chart');
    expect(errorOf(() => envs.buildApp('dev', { define: () => { throw 'missing secret'; } })))
      .toBe('Environments "v", environment "dev": missing secret (thrown as string, not an Error)');
    expect(errorOf(() => envs.buildApp('dev', { define: () => { throw { code: 7 }; } })))
      .toBe('Environments "v", environment "dev": {"code":7} (thrown as object, not an Error)');
    expect(fs.readdirSync(outdir)).toEqual([]);
    envs.synth({ define: (a, env) => { deployment(a, env); } });
    expect(fs.readdirSync(outdir).sort()).toEqual(['dev', 'prod']);
    expect(fs.readdirSync(path.join(outdir, 'prod')).sort()).toEqual(['c.k8s.yaml', 'guardrails-report.jsonc']);
  });

  it('refuses FOLDER_PER_CHART_FILE_PER_RESOURCE, whose subfolders kubectl apply -f and Argo CD do not read; FILE_PER_RESOURCE works', () => {
    const make = (yamlOutputType: YamlOutputType) => new Environments({ app: 'v', environments: settings, outdir: tmpdir(), quiet: true, appProps: { yamlOutputType } });
    expect(errorOf(() => make(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE))).toBe('Environments "v": invalid appProps.yamlOutputType "FOLDER_PER_CHART_FILE_PER_RESOURCE"; '
      + 'expected FILE_PER_CHART (the default), FILE_PER_RESOURCE or FILE_PER_APP: an environment folder holds its manifests directly, since `kubectl apply -f <folder>` and an Argo CD Application read no subfolder; for one file per object use FILE_PER_RESOURCE.');
    const envs = make(YamlOutputType.FILE_PER_RESOURCE);
    envs.synth({ define: (a, env) => { deployment(a, env); } });
    const files = fs.readdirSync(path.join(envs.outdir, 'dev'));
    expect(files).toContain('guardrails-report.jsonc');
    expect(files.filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(3);
    expect(files.every((f) => fs.statSync(path.join(envs.outdir, 'dev', f)).isFile())).toBe(true);
  });
});

describe('Environments: a setting given in some environments is given in all, never a silent default', () => {
  const make = (dev: Partial<EnvironmentSettings>, prod: Partial<EnvironmentSettings>, more: object = {}) =>
    () => new Environments({ app: 'shop', outdir: tmpdir(), environments: [{ name: 'dev', ...dev }, { name: 'prod', ...prod }], ...more });
  const explain = 'a setting is given in every environment or in none, so that no environment falls back to a default silently';

  it('refuses registry, issuer, kubernetesVersion, namespace or cluster missing in one environment, naming it and the key', () => {
    expect(errorOf(make({ registry: 'ghcr.io/acme' }, {}))).toBe(`Environments "shop", environment "prod": invalid registry (undefined); expected a value, as environment "dev" sets it: ${explain}; set it here (e.g. "docker.io" for Docker Hub), or remove it from the others.`);
    expect(errorOf(make({}, { issuer: IssuerReference.clusterIssuer('letsencrypt-prod') })))
      .toBe(`Environments "shop", environment "dev": invalid issuer (undefined); expected a value, as environment "prod" sets it: ${explain}; set it here (e.g. IssuerReference.clusterIssuer("letsencrypt-prod") for TlsIngress's default), or remove it from the others.`);
    expect(errorOf(make({}, { kubernetesVersion: KubernetesVersion.V1_30 })))
      .toBe(`Environments "shop", environment "dev": invalid kubernetesVersion (undefined); expected a value, as environment "prod" sets it: ${explain}; set it here (e.g. KubernetesVersion.DEFAULT for the library default, or appProps.defaults.kubernetesVersion for every environment that sets none), or remove it from the others.`);
    expect(errorOf(make({}, { namespace: 'shop-prod' }))).toContain('environment "dev": invalid namespace (undefined); expected a value, as environment "prod" sets it');
    expect(errorOf(make({}, { cluster: { name: 'prod' } }))).toContain('environment "dev": invalid cluster (undefined); expected a value, as environment "prod" sets it');
  });

  it('accepts a setting given everywhere or nowhere, and kubernetesVersion left to the app default', () => {
    expect(make({ registry: 'ghcr.io/acme', namespace: 'shop' }, { registry: 'docker.io', namespace: 'shop-prod' })).not.toThrow();
    expect(make({}, {})).not.toThrow();
    const envs = make({}, { kubernetesVersion: KubernetesVersion.V1_30 }, { appProps: { defaults: { kubernetesVersion: KubernetesVersion.V1_28 } } })();
    expect(envs.all.map((e) => e.kubernetesVersion.name)).toEqual(['1.28', '1.30']);
  });

  it('an environment\'s registry is the default allowed registry of its workloads; appProps.defaults.allowedRegistries overrides it', () => {
    const define = { define: (a: Construct) => { new SafeDeployment(new Chart(a, 'c', { namespace: 'shop' }), 'w', { image: 'docker.io/acme/w:1.0.0', port: 8080 }); } };
    const pinned = make({ registry: 'ghcr.io/acme' }, { registry: 'registry.example.com' })();
    expect(errorOf(() => pinned.buildApp('prod', define)))
      .toBe('Environments "shop", environment "prod": SafeDeployment at \'c/w\': invalid image "docker.io/acme/w:1.0.0"; expected an image from an allowed registry: registry.example.com (rule image-registry).');
    expect(errorOf(() => pinned.synth(define))).toContain('Environments "shop", environment "dev": SafeDeployment at \'c/w\': invalid image "docker.io/acme/w:1.0.0"; expected an image from an allowed registry: ghcr.io/acme');
    expect(fs.readdirSync(pinned.outdir)).toEqual([]);
    const overridden = make({ registry: 'ghcr.io/acme' }, { registry: 'registry.example.com' }, { appProps: { defaults: { allowedRegistries: ['docker.io'] } }, quiet: true })();
    expect(() => overridden.synth(define)).not.toThrow();
    expect(() => make({}, {}, { quiet: true })().synth(define)).not.toThrow();
  });
});

describe('Environments with Argo CD: destinations and names are checked before anything is written', () => {
  const argoCd = { repoUrl: 'https://github.com/acme/deploy.git', repoPath: 'deploy' };

  it('refuses two environments deploying to one namespace of one cluster, naming both', () => {
    const make = (staging: Partial<EnvironmentSettings>) => () => new Environments({
      app: 'shop', outdir: tmpdir(), argoCd, environments: [{ name: 'dev', cluster: { name: 'nonprod' } }, { name: 'staging', cluster: { name: 'nonprod' }, ...staging }],
    });
    expect(errorOf(make({}))).toContain('Environments "shop", environment "staging": invalid namespace "shop"; expected a destination of its own: environment "dev" deploys to cluster "nonprod", namespace "shop" too');
    expect(errorOf(make({ namespace: 'shop-staging' }))).toContain('Environments "shop", environment "dev": invalid namespace (undefined); expected a value, as environment "staging" sets it');
    expect(() => new Environments({
      app: 'shop', outdir: tmpdir(), argoCd, environments: [{ name: 'dev', namespace: 'shop', cluster: { name: 'nonprod' } }, { name: 'staging', namespace: 'shop-staging', cluster: { name: 'nonprod' } }],
    })).not.toThrow();
    expect(make({ cluster: { name: 'prod' } })).not.toThrow();
    // Without Argo CD, environments that name no cluster name no destination to share.
    expect(() => new Environments({ app: 'shop', outdir: tmpdir(), environments: [{ name: 'dev' }, { name: 'staging' }] })).not.toThrow();
  });

  it('refuses an Application name over 63 characters in the constructor, naming the environment', () => {
    const outdir = tmpdir();
    expect(errorOf(() => new Environments({ app: 'a'.repeat(30), outdir, argoCd, environments: [{ name: 'd'.repeat(33) }] })))
      .toContain(`Environments "${'a'.repeat(30)}", environment "${'d'.repeat(33)}": invalid Argo CD Application name (<app>-<environment>) "${'a'.repeat(30)}-${'d'.repeat(33)}"`);
    expect(() => new Environments({ app: 'a'.repeat(30), outdir, argoCd, environments: [{ name: 'd'.repeat(32) }] })).not.toThrow();
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('takes "." (and an outdir at the root of the repository) as the root: the path is the environment folder, never absolute', () => {
    const pathOf = (envs: Environments) => Chart.of(envs.buildArgoCd()!.node.findChild('applications')).toJson()[0].spec.source.path;
    expect(pathOf(new Environments({ app: 'shop', outdir: tmpdir(), argoCd: { ...argoCd, repoPath: '.' }, environments: [{ name: 'dev' }] }))).toBe('dev');
    expect(pathOf(new Environments({ app: 'shop', outdir: tmpdir(), argoCd: { ...argoCd, repoPath: './deploy/' }, environments: [{ name: 'dev' }] }))).toBe('deploy/dev');
    const repo = tmpdir();
    fs.mkdirSync(path.join(repo, '.git'));
    expect(pathOf(new Environments({ app: 'shop', outdir: repo, argoCd: { repoUrl: argoCd.repoUrl }, environments: [{ name: 'dev' }] }))).toBe('dev');
  });

  it('derives repoPath from the root of the Git repository that holds the outdir, not the current directory', () => {
    const repo = tmpdir();
    fs.mkdirSync(path.join(repo, '.git'));
    const envs = new Environments({ app: 'shop', outdir: path.join(repo, 'deploy', 'shop'), argoCd: { repoUrl: argoCd.repoUrl }, environments: [{ name: 'dev' }] });
    const [application] = Chart.of(envs.buildArgoCd()!.node.findChild('applications')).toJson();
    expect(application.spec.source.path).toBe('deploy/shop/dev');
  });
});

describe('Environments: two environments never share a cluster and a namespace, with or without Argo CD', () => {
  const argoCd = { repoUrl: 'https://github.com/acme/deploy.git', repoPath: 'deploy' };
  const make = (a: Partial<EnvironmentSettings>, b: Partial<EnvironmentSettings>, withArgoCd = false) => () => new Environments({
    app: 'shop', outdir: tmpdir(), ...(withArgoCd ? { argoCd } : {}), environments: [{ name: 'prod-a', ...a }, { name: 'prod-b', ...b }],
  });
  const WHERE = 'Environments "shop", environment "prod-b": invalid namespace "shop"; expected a destination of its own: environment "prod-a" deploys to';
  const SAME = 'two environments in one namespace of one cluster write the same objects, each overwriting the other\'s';

  it('refuses one cluster and namespace without Argo CD too', () => {
    expect(errorOf(make({ cluster: { name: 'prod' } }, { cluster: { name: 'prod' } }))).toBe(
      `${WHERE} cluster "prod", namespace "shop" too, and ${SAME}; give one of them another namespace or cluster.`);
    expect(errorOf(make({ cluster: { name: 'prod' } }, { cluster: { name: 'prod' } }, true))).toBe(
      `${WHERE} cluster "prod", namespace "shop" too, and ${SAME} (two Argo CD Applications would prune and self-heal them in turn); give one of them another namespace or cluster.`);
    expect(make({ cluster: { name: 'prod' }, namespace: 'shop-a' }, { cluster: { name: 'prod' }, namespace: 'shop-b' })).not.toThrow();
  });

  it('compares servers as URLs: case of the host, default port and trailing slash do not make another cluster', () => {
    expect(errorOf(make({ cluster: { server: 'https://prod.k8s.example.com' } }, { cluster: { server: 'https://Prod.K8s.example.com:443/' } }))).toBe(
      `${WHERE} server "https://prod.k8s.example.com", namespace "shop" too (server "https://Prod.K8s.example.com:443/" is the same cluster), and ${SAME}; give one of them another namespace or cluster.`);
    expect(make({ cluster: { server: 'https://prod.k8s.example.com' } }, { cluster: { server: 'https://prod.k8s.example.com:6443' } })).not.toThrow();
    expect(errorOf(make({}, { cluster: { server: 'https://prod:6443:1' } }))).toContain('Environments "shop", environment "prod-b": invalid cluster.server "https://prod:6443:1"; expected an API server URL');
  });

  it('knows that Argo CD\'s in-cluster is https://kubernetes.default.svc, and the destination without cluster under Argo CD', () => {
    expect(errorOf(make({ cluster: { name: 'in-cluster' } }, { cluster: { server: 'https://kubernetes.default.svc/' } }))).toBe(
      `${WHERE} cluster "in-cluster" (Argo CD's name for https://kubernetes.default.svc), namespace "shop" too (server "https://kubernetes.default.svc/" is the same cluster), and ${SAME}; give one of them another namespace or cluster.`);
    expect(errorOf(make({}, {}, true))).toBe(
      `${WHERE} the cluster Argo CD runs in (https://kubernetes.default.svc, the destination without cluster), namespace "shop" too, and ${SAME} (two Argo CD Applications would prune and self-heal them in turn); give one of them another namespace or cluster.`);
    expect(errorOf(make({ cluster: { name: 'in-cluster' } }, { cluster: { server: 'https://kubernetes.default.svc.cluster.local:443' } }))).toBe(
      `${WHERE} cluster "in-cluster" (Argo CD's name for https://kubernetes.default.svc), namespace "shop" too (server "https://kubernetes.default.svc.cluster.local:443" is the same cluster), and ${SAME}; give one of them another namespace or cluster.`);
        // Without Argo CD, an environment that names no cluster is applied wherever the user applies it.
    expect(make({}, {})).not.toThrow();
    // A cluster in one environment only is refused before destinations are compared.
    expect(errorOf(make({}, { cluster: { name: 'in-cluster' } }, true))).toContain('Environments "shop", environment "prod-a": invalid cluster (undefined); expected a value, as environment "prod-b" sets it');
  });

  it('refuses a cluster with neither server nor name, which would be the default cluster silently', () => {
    const refused = (cluster: any) => `Environments "shop", environment "prod-b": invalid cluster ${JSON.stringify(cluster)}; expected a server or a name, such as { server: "https://10.0.0.1:6443" } or { name: "prod-a" }: a cluster with neither would be the default cluster silently; leave cluster out of every environment for that.`;
    expect(errorOf(make({ cluster: { name: 'prod' } }, { cluster: {} }))).toBe(refused({}));
    expect(errorOf(make({ cluster: { name: 'prod' } }, { cluster: { name: undefined } }))).toBe(refused({}));
    expect(make({ cluster: { name: 'prod' } }, { cluster: { name: 'prod-b' } })).not.toThrow();
  });

  it('compares a name only with names: the settings do not say which server an Argo CD name stands for', () => {
    expect(make({ cluster: { name: 'prod' } }, { cluster: { server: 'https://prod.k8s.example.com' } }, true)).not.toThrow();
  });
});

describe('Environments.synth says what it wrote', () => {
  const define = { define: (a: Construct) => { new ApiObject(new Chart(a, 'c', { namespace: 'api' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }); } };
  const printed = (quiet: boolean | undefined) => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = tmpdir();
    try {
      new Environments({ app: 'api', outdir, environments: [{ name: 'dev' }, { name: 'prod' }], quiet, enforceOptions: { disabledRules: { labels: 'labelled by the deploy tool' } } }).synth(define);
      return { outdir, text: spy.mock.calls.map((c) => String(c[0])).join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('prints, per environment, the files, the objects by kind and the rules suppressed with their reasons', () => {
    const { outdir, text } = printed(undefined);
    expect(text).toBe(['dev', 'prod'].map((env) => `api/${env}: 1 file in ${path.join(outdir, env)}: ConfigMap 1 (checked)\n  suppressed: labels (labelled by the deploy tool) for the whole app, hiding 1 violation\n`).join(''));
  });

  it('counts the objects a skip is on and the violations it hides, and warns of a skip that hides nothing', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = tmpdir();
    try {
      new Environments({ app: 'api', outdir, environments: [{ name: 'dev' }] }).synth({
        define: (a: Construct) => {
          const chart = new Chart(a, 'c', { namespace: 'api' });
          for (const name of ['x', 'y']) {
            const cm = new ApiObject(chart, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
            Guardrails.skip(cm, 'labels', 'labelled by the deploy tool');
            Guardrails.skip(cm, 'image-pinned', 'pinned by the deploy tool');
          }
        },
      });
      expect(spy.mock.calls.map((c) => String(c[0])).join('')).toBe(`api/dev: 1 file in ${path.join(outdir, 'dev')}: ConfigMap 2 (checked)\n`
        + '  suppressed: image-pinned (pinned by the deploy tool) on 2 objects, hiding 0 violations\n'
        + '  suppressed: labels (labelled by the deploy tool) on 2 objects, hiding 2 violations\n'
        + 'api: warning: skip image-pinned (pinned by the deploy tool) on 2 objects hides no violation in any environment: nothing there breaks the rule; remove the skip\n');
    } finally {
      spy.mockRestore();
    }
  });

  it('does not warn of a skip that hides a violation in one environment only; warns of disabledRules that hide nothing anywhere', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outdir = tmpdir();
    try {
      new Environments({
        app: 'api', outdir, environments: [{ name: 'dev', replicas: { w: 1 } }, { name: 'prod', replicas: { w: 3 } }],
        enforceOptions: { disabledRules: { 'image-pinned': 'pinned by the deploy tool' } },
      }).synth({
        define: (a: Construct, env: Environment) => {
          new SafeDeployment(new Chart(a, 'c', { namespace: 'api' }), 'w', {
            image: 'ghcr.io/a/w:1.0.0', port: 8080, replicas: env.replicas('w'), skip: { 'replicas-min': 'one replica is enough here' },
          });
        },
      });
      const text = spy.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain('  suppressed: replicas-min (one replica is enough here) on 1 object, hiding 1 violation\n');
      expect(text).toContain('  suppressed: replicas-min (one replica is enough here) on 1 object, hiding 0 violations\n');
      expect(text).not.toContain('warning: skip replicas-min');
      expect(text).toContain('api: warning: image-pinned (pinned by the deploy tool) is switched off for the whole app (disabledRules) but hides no violation in any environment: nothing breaks the rule; remove it from disabledRules\n');
    } finally {
      spy.mockRestore();
    }
  });

  it('prints nothing when quiet', () => {
    expect(printed(true).text).toBe('');
    expect(errorOf(() => new Environments({ app: 'api', outdir: tmpdir(), environments: [{ name: 'dev' }], quiet: 'yes' as any })))
      .toBe('Environments "api": invalid quiet "yes"; expected true or false.');
  });
});
