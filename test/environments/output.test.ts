import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it, vi } from 'vitest';
import { ApiObject, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Environment, EnvironmentSettings, Environments, Guardrails, GuardrailsApp, Profile, IsolatedNamespace, IssuerReference, SafeDeployment, TlsIngress,
} from '../../lib';
import { errorOf, readTree, tmpdir } from '../helpers';

const web = (scope: Construct, env: Environment, id = 'web') => new SafeDeployment(scope, id, {
  image: env.image('acme/web:1.0.0'), port: 8080, replicas: 2, skip: { metrics: 'not scraped' },
});
const onCluster = (name: string, x: Partial<EnvironmentSettings> = {}): EnvironmentSettings => ({
  name, registry: 'ghcr.io', namespace: `shop-${name}`, cluster: { name: 'c1' }, ...x,
});
const SKIPPED = ['pod-security', 'resources', 'labels', 'service-account', 'arch-explicit', 'image-pinned', 'ns-default-deny'];
const quietly = <T>(fn: () => T): { result: T; text: string } => {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const result = fn();
    return { result, text: spy.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    spy.mockRestore();
  }
};

describe('Environments on one cluster never write the same object, whatever their namespace settings say', () => {
  const make = (app: string, environments: EnvironmentSettings[] = [onCluster('dev'), onCluster('prod')]) =>
    new Environments({ app, outdir: tmpdir(), quiet: true, environments });

  it('refuses a chart with a namespace of its own in two environments on one cluster, naming both and one object, before writing', () => {
    const envs = make('hard');
    expect(errorOf(() => envs.synth({ define: (app, env) => { web(new Chart(app, 'c', { namespace: 'shared' }), env); } }))).toBe(
      'Environments "hard", environment "prod": invalid object "ServiceAccount shared/web"; expected objects of its own on cluster "c1": environment "dev" writes ServiceAccount shared/web to that cluster too, and one environment would overwrite the other\'s; '
      + 'put the environment\'s objects in its own namespace (new Chart(app, id, { namespace: env.namespace }), IsolatedNamespace name env.namespace) or give them names of their own.');
    expect(fs.readdirSync(envs.outdir)).toEqual([]);
  });

  it('refuses a cluster-scoped object (an IsolatedNamespace with a fixed name) in two environments on one cluster', () => {
    expect(errorOf(() => make('fixed').synth({ define: (app, env) => { web(new IsolatedNamespace(app, 'ns', { name: 'team', team: 't' }), env); } })))
      .toContain('Environments "fixed", environment "prod": invalid object "Namespace team"; expected objects of its own on cluster "c1": environment "dev" writes Namespace team to that cluster too');
  });

  it('accepts the same objects on two clusters, in the environment namespaces, or where no environment names a cluster', () => {
    const fixed = { define: (app: Construct, env: Environment) => { web(new Chart(app, 'c', { namespace: 'shared' }), env); } };
    expect(() => make('two', [onCluster('a'), onCluster('b', { cluster: { name: 'c2' } })]).synth(fixed)).not.toThrow();
    expect(() => make('own').synth({ define: (app, env) => { web(new Chart(app, 'c', { namespace: env.namespace }), env); } })).not.toThrow();
    // A namespaced object without a namespace goes to the environment's namespace.
    expect(() => make('nons').synth({ define: (app, env) => { web(new Chart(app, 'c'), env); } })).not.toThrow();
    expect(() => make('nocluster', [{ name: 'a' }, { name: 'b' }]).synth(fixed)).not.toThrow();
  });

  it('refuses one Ingress host served by two environments on one cluster, naming both; distinct hosts pass', () => {
    const define = (host: (env: Environment) => string) => ({
      define: (app: Construct, env: Environment) => {
        const c = new Chart(app, 'c', { namespace: env.namespace });
        new TlsIngress(c, 'ing', { host: host(env), backend: web(c, env), issuer: IssuerReference.clusterIssuer('le') });
      },
    });
    expect(errorOf(() => make('hosts').synth(define(() => 'shop.example.com')))).toBe(
      'Environments "hosts", environment "prod": invalid Ingress host "shop.example.com"; expected a host name of its own on cluster "c1": environment "dev" serves it there too (Ingress shop-dev/ing-redirect), '
      + 'and the cluster\'s ingress controller would send its requests to either environment; give each environment its own hostname (hostnames setting).');
    expect(() => make('hosts2').synth(define((env) => `${env.name}.shop.example.com`))).not.toThrow();
  });
});

describe('Environments: Argo CD Application names are unique across the Environments of a program', () => {
  const def = { define: (app: Construct, env: Environment) => { web(new Chart(app, 'c', { namespace: env.namespace }), env); } };
  const argoCd = (repoPath: string) => ({ repoUrl: 'https://github.com/acme/deploy.git', repoPath });

  it('refuses app "shop" environment "prod-a" next to app "shop-prod" environment "a", naming both', () => {
    const root = tmpdir();
    new Environments({ app: 'shop', environments: [{ name: 'prod-a', cluster: { name: 'a' } }], argoCd: argoCd('shop'), quiet: true, outdir: path.join(root, 'shop') }).synth(def);
    const second = new Environments({ app: 'shop-prod', environments: [{ name: 'a', cluster: { name: 'b' } }], argoCd: argoCd('shop-prod'), quiet: true, outdir: path.join(root, 'shop-prod') });
    expect(errorOf(() => second.synth(def))).toBe('Environments "shop-prod", environment "a": invalid Argo CD Application name "shop-prod-a"; expected a name of its own in the Argo CD namespace "argocd": '
      + 'environment "prod-a" of Environments "shop" writes an Application of that name too (<app>-<environment>), and one would replace the other in Argo CD; rename an app or an environment, or give one argoCd.namespace another value.');
    expect(fs.existsSync(path.join(root, 'shop-prod'))).toBe(false);
    const other = new Environments({ app: 'shop-prod', environments: [{ name: 'a', cluster: { name: 'b' } }], argoCd: { ...argoCd('x'), namespace: 'gitops' }, quiet: true, outdir: path.join(root, 'x') });
    expect(() => other.synth(def)).not.toThrow();
  });
});

describe('Environments replaces each folder\'s manifests as a whole', () => {
  // Each synthesis stands for a run of the program: the claims of the previous one are forgotten.
  const make = (outdir: string, environments: EnvironmentSettings[], yamlOutputType?: YamlOutputType) => (Environments as any)._forgetClaims() ?? new Environments({
    app: 'st', outdir, quiet: true, environments, appProps: yamlOutputType ? { yamlOutputType } : undefined,
  });
  const two = [{ name: 'dev', namespace: 'dev' }, { name: 'prod', namespace: 'prod' }];
  const define = (workloads: string[]) => ({
    define: (app: Construct, env: Environment) => {
      const c = new Chart(app, 'c', { namespace: env.namespace });
      for (const w of workloads) new SafeDeployment(c, w, { image: `ghcr.io/a/${w}:1.0.0`, port: 8080, replicas: 2, skip: { metrics: 'x' } });
    },
  });

  it('removes the files of a removed workload and of the previous layout, and keeps files it did not write', () => {
    const outdir = tmpdir();
    make(outdir, two, YamlOutputType.FILE_PER_RESOURCE).synth(define(['web', 'api']));
    expect(Object.keys(readTree(path.join(outdir, 'dev')))).toContain('Deployment.dev.api.k8s.yaml');
    fs.writeFileSync(path.join(outdir, 'dev', 'README.md'), 'mine');
    make(outdir, two, YamlOutputType.FILE_PER_RESOURCE).synth(define(['web']));
    expect(Object.keys(readTree(path.join(outdir, 'dev'))).filter((f) => f.includes('api'))).toEqual([]);
    make(outdir, two).synth(define(['web']));
    expect(Object.keys(readTree(path.join(outdir, 'dev')))).toEqual(['README.md', 'c.k8s.yaml', 'guardrails-report.jsonc']);
  });

  it('removes the folder of a removed environment that it wrote (its report says so), and nothing else', () => {
    const outdir = tmpdir();
    make(outdir, two).synth(define(['web']));
    fs.mkdirSync(path.join(outdir, 'notes'));
    fs.writeFileSync(path.join(outdir, 'notes', 'a.yaml'), 'x: 1\n');
    (Environments as any)._forgetClaims();
    const { text } = quietly(() => new Environments({ app: 'st', outdir, environments: [two[0]] }).synth(define(['web'])));
    expect(fs.readdirSync(outdir).sort()).toEqual(['dev', 'notes']);
    expect(text).toContain(`st/prod: removed 1 file from ${path.join(outdir, 'prod')}: no longer an environment of the app\n`);
  });

  it('refuses writing into a folder that another Environments wrote', () => {
    const outdir = tmpdir();
    new Environments({ app: 'a', outdir, quiet: true, environments: [{ name: 'dev' }] }).synth(define(['web']));
    const other = new Environments({ app: 'b', outdir, quiet: true, environments: [{ name: 'dev' }] });
    // Another program (a fresh module state) is what the report guards against: forget the claim.
    expect(errorOf(() => (other as any).checkOwner(path.join(outdir, 'dev'), 'dev', 'environment "dev"'))).toBe(
      `Environments "b", environment "dev": invalid outdir ${JSON.stringify(outdir)}; expected a folder of its own: ${JSON.stringify(path.join(outdir, 'dev'))} holds the folder "dev" of Environments "a" (its guardrails-report.jsonc says so), and one would replace the other's files; give each Environments its own outdir, and each app its own name.`);
  });

  it('names per-resource files with the namespace of every namespaced object, so names do not change when a namespace appears', () => {
    const ns = (list: string[]) => ({
      define: (app: Construct) => {
        for (const n of list) new SafeDeployment(new Chart(app, n, { namespace: n }), 'web', { image: 'ghcr.io/a/w:1.0.0', port: 8080, replicas: 2, skip: { metrics: 'x' } });
      },
    });
    const one = tmpdir();
    make(one, [{ name: 'dev' }], YamlOutputType.FILE_PER_RESOURCE).synth(ns(['a']));
    const two_ = tmpdir();
    make(two_, [{ name: 'dev' }], YamlOutputType.FILE_PER_RESOURCE).synth(ns(['a', 'b']));
    const a = readTree(path.join(one, 'dev'));
    const b = readTree(path.join(two_, 'dev'));
    expect(Object.keys(a)).toContain('Deployment.a.web.k8s.yaml');
    for (const f of Object.keys(a).filter((x) => x !== 'guardrails-report.jsonc')) expect(b[f]).toBe(a[f]);
  });
});

describe('A plain GuardrailsApp does not write into an environment folder', () => {
  it('refuses an outdir whose report names an environment, with the fix; the environment\'s own app may', () => {
    const outdir = tmpdir();
    const envs = new Environments({ app: 'shop', outdir, quiet: true, environments: [{ name: 'dev' }] });
    const def = { define: (app: Construct, env: Environment) => { web(new Chart(app, 'c', { namespace: 'x' }), env); } };
    envs.synth(def);
    const app = new GuardrailsApp({ outdir: path.join(outdir, 'dev') });
    expect(errorOf(() => app.synth())).toBe(`GuardrailsApp: cannot write the manifests to the outdir ${JSON.stringify(path.join(outdir, 'dev'))}: it is the folder "dev" of Environments "shop" (its guardrails-report.jsonc says so), `
      + 'and this app would replace or mix with that environment\'s manifests; give this app another outdir, or build it as an environment (add it to the definition, or Environments.buildApp).');
    expect(() => envs.buildApp('dev', def).synth()).not.toThrow();
    expect(() => new GuardrailsApp({ outdir: path.join(outdir, 'elsewhere') }).synth()).not.toThrow();
  });
});

describe('The environment\'s registry reaches the checker, for objects made otherwise too', () => {
  const vendor = (image: string) => ({
    define: (app: Construct) => {
      const c = new Chart(app, 'vendor', { namespace: 'v' });
      const o = new ApiObject(c, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'x', image }] } } } });
      for (const r of SKIPPED) Guardrails.skip(o, r, 'vendor job');
    },
  });
  const make = (x: object = {}) => new Environments({ app: 'reg', outdir: tmpdir(), quiet: true, environments: [{ name: 'dev', registry: 'ghcr.io/acme' }], ...x });

  it('flags an included image from another registry; one from the registry passes; enforceOptions.allowedRegistries overrides', () => {
    expect(errorOf(() => make().synth(vendor('docker.io/library/busybox:1.36')))).toContain('image "docker.io/library/busybox:1.36" comes from docker.io, not from an allowed registry (ghcr.io/acme)');
    expect(() => make().synth(vendor('ghcr.io/acme/busybox:1.36'))).not.toThrow();
    expect(() => make({ enforceOptions: { allowedRegistries: ['docker.io'] } }).synth(vendor('docker.io/library/busybox:1.36'))).not.toThrow();
  });
});

describe('Environments warns of settings the definition never reads', () => {
  it('names the key and the environments that declare it; a key read in one environment only is in use', () => {
    const envs = new Environments({
      app: 'keys', outdir: tmpdir(), environments: [
        { name: 'dev', features: { beta: true, unused: true }, values: { level: 'debug' } },
        { name: 'prod', features: { beta: false, unused: false }, values: { level: 'info' } }],
    });
    const { text } = quietly(() => envs.synth({ define: (app, env) => { if (env.name === 'prod') env.value('level'); env.feature('beta'); new Chart(app, 'c'); } }));
    expect(text).toContain('keys: warning: features.unused is declared by environments "dev", "prod" but the definition read it in none (env.feature("unused")): it changes nothing; remove it from the settings, or read it\n');
    expect(text).not.toContain('values.level');
    expect(text).not.toContain('features.beta');
  });
});



describe('Guardrails.enforce inside a definition', () => {
  it('says that Environments enforces already, and how to get the findings; enforce on a Chart of its own works', () => {
    const envs = new Environments({ app: 'twice', outdir: tmpdir(), quiet: true, environments: [{ name: 'dev' }] });
    expect(errorOf(() => envs.buildApp('dev', { define: (app) => { Guardrails.enforce(app); } }))).toBe(
      'Environments "twice", environment "dev": Guardrails at the app of an environment: invalid scope ""; expected a scope that is not enforced yet: Environments enforces the catalog on every environment\'s app already, so remove this call '
      + '(Environments enforceOptions gives the checker its options; Guardrails.report(app) gives the findings inside define; Guardrails.enforce on a Chart of your own checks it with other options).');
    expect(() => envs.buildApp('dev', { define: (app) => { Guardrails.enforce(new Chart(app, 'c'), { profile: Profile.BASELINE }); } })).not.toThrow();
  });
});
