import { App, Chart, Testing } from 'cdk8s';
import { sealed } from './sealed';
import { describe, expect, it } from 'vitest';
import {
  ExistingSecret, ExternalSecretCreationPolicy, ExternalSecretSource, Guardrails, ISecretSource, ProbeCheck, SafeDeployment, SafeDeploymentProps, SealedSecretSource, SecretStoreRef, SecretUse,
} from '../../lib';
import { errorOf, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const STORE = SecretStoreRef.clusterSecretStore('vault');
const SEALED = sealed('tls.key');
const SEALED_CRT = sealed('tls.crt');

interface Sources { db: ExternalSecretSource; tls: SealedSecretSource; api: ExistingSecret }

/** A chart with one source of each kind and a SafeDeployment that reads them. */
function build(app: App, props: (s: Sources) => Partial<SafeDeploymentProps>, versions: { db?: string; tls?: string; api?: string } = {}) {
  const chart = new Chart(app, 'test', { namespace: 'shop' });
  const sources: Sources = {
    db: new ExternalSecretSource(chart, 'db', { store: STORE, data: [{ secretKey: 'password', remoteKey: 'shop/db', remoteVersion: versions.db }] }),
    tls: new SealedSecretSource(chart, 'tls', { encryptedData: { 'tls.key': versions.tls ?? SEALED, 'tls.crt': SEALED_CRT } }),
    api: new ExistingSecret(chart, 'api', { keys: ['token'], version: versions.api }),
  };
  const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, ...props(sources) });
  return { chart, web, ...sources };
}

const READ_ALL = (s: Sources): Partial<SafeDeploymentProps> => ({
  secrets: [
    { source: s.db, env: { DB_PASSWORD: 'password' } },
    { source: s.tls, mountPath: '/etc/tls', files: ['tls.key'] },
    { source: s.api, env: { API_TOKEN: 'token' }, mountPath: '/var/run/api' },
  ],
});

const deployment = (chart: Chart) => one(synth(chart), 'Deployment');

describe('a workload reading secrets from sources', () => {
  it('reads keys as env vars (secretKeyRef) and files (secret volumes, 0440, read-only)', () => {
    const { chart } = build(Testing.app(), READ_ALL);
    const d = deployment(chart);
    const app = d.spec.template.spec.containers[0];
    expect(app.env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token', optional: false } } },
    ]);
    expect(app.volumeMounts).toEqual([
      { name: 'secret-tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'secret-api', mountPath: '/var/run/api', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'secret-tls', secret: { secretName: 'tls', defaultMode: 0o440, items: [{ key: 'tls.key', path: 'tls.key' }] } },
      { name: 'secret-api', secret: { secretName: 'api', defaultMode: 0o440 } },
      { name: 'tmp', emptyDir: {} },
    ]);
  });

  it('names the existing Secrets on the workload object and hashes the versions into the pod template', () => {
    const { chart } = build(Testing.app(), READ_ALL);
    const d = deployment(chart);
    expect(d.metadata.annotations['guardrails.cdk8s.io/existing-secrets']).toBe('api');
    expect(d.spec.template.metadata.annotations['guardrails.cdk8s.io/secret-versions']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('adds neither annotation without secrets', () => {
    const { chart } = build(Testing.app(), () => ({}));
    const d = deployment(chart);
    expect(d.metadata.annotations?.['guardrails.cdk8s.io/existing-secrets']).toBeUndefined();
    expect(d.spec.template.metadata.annotations['guardrails.cdk8s.io/secret-versions']).toBeUndefined();
  });

  it('rolls the pods when a source\'s version changes, and only then', () => {
    const template = (versions: { db?: string; tls?: string; api?: string }) => deployment(build(Testing.app(), READ_ALL, versions).chart).spec.template;
    const base = template({});
    expect(template({})).toEqual(base); // deterministic
    for (const change of [{ db: '7' }, { tls: sealed('tls.key 2') }, { api: '2026-11-29' }]) {
      const changed = template(change);
      expect(changed.metadata.annotations['guardrails.cdk8s.io/secret-versions']).not.toBe(base.metadata.annotations['guardrails.cdk8s.io/secret-versions']);
      // Nothing else of the template changes: the annotation alone makes the new ReplicaSet.
      expect({ ...changed, metadata: { ...changed.metadata, annotations: {} } }).toEqual({ ...base, metadata: { ...base.metadata, annotations: {} } });
    }
  });

  it('reads secrets in sidecars and init containers too', () => {
    const { chart } = build(Testing.app(), (s) => ({
      sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.1', native: false, liveness: { check: ProbeCheck.exec(['/bin/health']) }, secrets: [{ source: s.tls, mountPath: '/tls' }] }],
      initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0', secrets: [{ source: s.db, env: { PGPASSWORD: 'password' } }] }],
    }));
    const spec = deployment(chart).spec.template.spec;
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'secret-tls', mountPath: '/tls', readOnly: true }]);
    expect(spec.initContainers[0].env).toEqual([{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } }]);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'secret-tls']);
  });

  it('passes every rule with all three sources, with no externalSecrets declared', () => {
    const app = Testing.app();
    const { chart } = build(app, READ_ALL);
    Guardrails.enforce(app);
    Testing.synth(chart);
    expect(Guardrails.report(app).violations).toEqual([]);
  });

  it('keeps secretEnv working: an existing Secret read that way still needs externalSecrets', () => {
    const run = (externalSecrets?: string[]) => {
      const app = Testing.app();
      const chart = new Chart(app, 'test', { namespace: 'shop' });
      new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, secretEnv: [{ name: 'DB_PASSWORD', secretName: 'shop-db', key: 'password' }] });
      Guardrails.enforce(app, { externalSecrets });
      return errorOf(() => Testing.synth(chart));
    };
    expect(() => run(['shop-db'])).toThrow('expected an error');
    expect(run()).toContain('uses Secret shop-db, which neither the output nor an ExternalSecret or SealedSecret of the app provides, and which is not declared external');
  });

  it('a password written as a literal env value fails the synth, through the hashed ConfigMap', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    const web = new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, env: { DB_PASSWORD: 'hunter2', DB_PASSWORD_FILE: '/etc/db/password' } });
    Guardrails.enforce(app);
    expect(errorOf(() => Testing.synth(chart))).toContain(
      `secret-no-plaintext: Deployment shop/web at test/web/Deployment/Resource: spec.template.spec.containers[0].env[0]: sets env DB_PASSWORD of container app from ConfigMap ${web.configMap!.name} key DB_PASSWORD, which has a name that says it is a secret and a literal value: it ends up in git with the manifests`);
  });

  const at = "SafeDeployment at 'test/web': ";
  it.each([
    ['a use without env or mountPath', (s: Sources) => [{ source: s.db }], `${at}invalid secrets[0] "(Secret db)"; expected env, mountPath or both: how the container reads the Secret.`],
    ['a use with an empty env and no mountPath', (s: Sources) => [{ source: s.db, env: {} }],
      `${at}invalid secrets[0].env {}; expected at least one variable (name -> key of Secret "db"), or a mountPath: as given the container reads nothing of the Secret.`],
    ['a key the Secret does not have', (s: Sources) => [{ source: s.db, env: { DB_PASSWORD: 'pass' } }], `${at}invalid secrets[0].env.DB_PASSWORD "pass"; expected a key of Secret "db" ("password").`],
    ['a key that is not a valid Secret key', (s: Sources) => [{ source: s.api, env: { TOKEN: 'a/b' } }],
      `${at}invalid secrets[0].env.TOKEN "a/b"; expected a Secret key of at most 253 characters: letters, digits, '-', '_' and '.', other than "." and ".." and not starting with "..".`],
    ['an env name that is not a variable name', (s: Sources) => [{ source: s.db, env: { 'DB-PASSWORD=': 'password' } }], `${at}invalid secrets[0].env "DB-PASSWORD="; expected`],
    ['an env name twice', (s: Sources) => [{ source: s.db, env: { TOKEN: 'password' } }, { source: s.api, env: { TOKEN: 'token' } }],
      `${at}invalid secrets[1].env "TOKEN"; expected each environment variable of the container once (it is also in env, secretEnv or another secret).`],
    ['files without a mountPath', (s: Sources) => [{ source: s.tls, env: { KEY: 'tls.key' }, files: ['tls.key'] }], `${at}invalid secrets[0].files ["tls.key"]; expected files only with a mountPath: where the files are mounted.`],
    ['paths without a mountPath', (s: Sources) => [{ source: s.tls, env: { KEY: 'tls.key' }, paths: { 'tls.key': 'client.key' } }], `${at}invalid secrets[0].paths {"tls.key":"client.key"}; expected paths only with a mountPath: where the files are mounted.`],
    ['a path for a key that is not mounted', (s: Sources) => [{ source: s.tls, mountPath: '/tls', files: ['tls.key'], paths: { 'tls.crt': 'client.crt' } }], `${at}invalid secrets[0].paths "tls.crt"; expected a key that is mounted ("tls.key").`],
    ['an absolute path', (s: Sources) => [{ source: s.tls, mountPath: '/tls', paths: { 'tls.key': '/client.key' } }], `${at}invalid secrets[0].paths.tls.key "/client.key"; expected a relative file path under mountPath, without ".." or empty segments, e.g. 'client.key'.`],
    ['a path with ..', (s: Sources) => [{ source: s.tls, mountPath: '/tls', paths: { 'tls.key': '../client.key' } }], `${at}invalid secrets[0].paths.tls.key "../client.key"; expected a relative file path under mountPath, without ".." or empty segments, e.g. 'client.key'.`],
    ['two keys on one path', (s: Sources) => [{ source: s.tls, mountPath: '/tls', paths: { 'tls.key': 'tls.crt' } }], `${at}invalid secrets[0].paths "tls.crt"; expected each file path once: keys tls.crt and tls.key would both be written to tls.crt.`],
    ['paths for a Secret with unknown keys', () => [{ source: new ExistingSecret(new Chart(Testing.app(), 'test', { namespace: 'shop' }), 'x'), mountPath: '/x', paths: { a: 'b' } }], `${at}invalid secrets[0].paths {"a":"b"}; expected paths with files: the keys of Secret "x" are not known, so list the keys to mount in files.`],
    ['a mode written in decimal', (s: Sources) => [{ source: s.tls, mountPath: '/tls', fileMode: 400 }], `${at}invalid secrets[0].fileMode "0o620"; expected permission bits from 0o400 to 0o755 with the owner's read bit and no write bit for the group or others, e.g. 0o400 (write it in octal: 0o400, not 400).`],
    ['a mode the owner cannot read', (s: Sources) => [{ source: s.tls, mountPath: '/tls', fileMode: 0o200 }], `${at}invalid secrets[0].fileMode "0o200"; expected permission bits from 0o400 to 0o755 with the owner's read bit and no write bit for the group or others, e.g. 0o400 (write it in octal: 0o400, not 400).`],
    ['a file the Secret does not have', (s: Sources) => [{ source: s.tls, mountPath: '/tls', files: ['ca.crt'] }], `${at}invalid secrets[0].files "ca.crt"; expected a key of Secret "tls" ("tls.crt", "tls.key").`],
    ['an empty file list', (s: Sources) => [{ source: s.tls, mountPath: '/tls', files: [] }], `${at}invalid secrets[0].files []; expected a non-empty list of keys of the Secret, or leave it out to mount every key.`],
    ['a relative mountPath', (s: Sources) => [{ source: s.tls, mountPath: 'tls' }], `${at}invalid secrets[0].mountPath "tls"; expected an absolute path other than "/".`],
    ['a source that is not one', () => [{ source: { secretName: 'db' }, env: { A: 'b' } }], `${at}invalid secrets[0].source {"secretName":"db"}; expected a secret source: an ExternalSecretSource, a SealedSecretSource or an ExistingSecret.`],
  ])('refuses %s', (_title, uses, message) => {
    const text = errorOf(() => build(Testing.app(), (s) => ({ secrets: uses(s) as any })));
    if (message.endsWith('expected')) expect(text.startsWith(message)).toBe(true);
    else expect(text).toBe(message);
  });

  it('refuses a source in another namespace', () => {
    const app = Testing.app();
    const other = new Chart(app, 'payments', { namespace: 'payments' });
    const foreign = new ExistingSecret(other, 'api');
    expect(errorOf(() => build(app, () => ({ secrets: [{ source: foreign as ISecretSource, env: { A: 'token' } }] }))))
      .toBe(`${at}invalid secrets[0].source "payments/api (namespace \\"payments\\")"; expected a source in the workload's namespace "shop": pods read only Secrets of their own namespace; create the source in the workload's chart.`);
  });

  it('refuses two sources of the same Secret', () => {
    const text = errorOf(() => build(Testing.app(), (s) => ({
      secrets: [{ source: s.api, env: { A: 'token' } }, { source: new ExistingSecret(s.api.node.scope as Chart, 'api2', { name: 'api' }), env: { B: 'x' } }] as SecretUse[],
    })));
    expect(text).toBe(`${at}invalid secrets[1].source "test/api2"; expected one source per Secret name: test/api also makes Secret "api".`);
  });

  it('accepts an empty env with a mountPath', () => {
    const { chart } = build(Testing.app(), (s) => ({ secrets: [{ source: s.tls, env: {}, mountPath: '/etc/tls' }] }));
    expect(deployment(chart).spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toContain('/etc/tls');
  });

  it('refuses to read a Secret from an ExternalSecret that writes none (creationPolicy None)', () => {
    const text = errorOf(() => build(Testing.app(), (s) => ({
      secrets: [{ source: new ExternalSecretSource(s.db.node.scope as Chart, 'none', {
        store: STORE, data: [{ secretKey: 'x', remoteKey: 'k' }], creationPolicy: ExternalSecretCreationPolicy.NONE,
      }), env: { X: 'x' } }],
    })));
    expect(text).toBe(`${at}invalid secrets[0].source "test/none"; expected a source that makes a Secret: with creationPolicy None the operator writes no Secret "none" for the pods to read; use creationPolicy OWNER, or read the Secret that exists through an ExistingSecret.`);
  });

  it('waives chosen literal env values with skip[\'secret-no-plaintext.env\'], and still fails on the others', () => {
    const make = (skip?: { [id: string]: string }) => {
      const app = Testing.app();
      const { chart } = build(app, () => ({ env: { MAX_TOKENS: '4096', LICENSE_KEY: 'community', DB_PASSWORD: 'hunter2' }, skip }));
      Guardrails.enforce(app);
      return chart;
    };
    const KEY = 'guardrails.cdk8s.io/skip.secret-no-plaintext.env';
    const text = errorOf(() => Testing.synth(make({ 'secret-no-plaintext.env': 'LICENSE_KEY: the community edition needs no key' })));
    expect(text).toContain('sets env DB_PASSWORD of container app');
    expect(text).not.toContain('LICENSE_KEY');
    expect(text).not.toContain('MAX_TOKENS');
    const chart = make({ 'secret-no-plaintext.env': 'LICENSE_KEY, DB_PASSWORD: a throw-away test database' });
    expect(deployment(chart).metadata.annotations[KEY]).toBe('LICENSE_KEY, DB_PASSWORD: a throw-away test database');
    expect(errorOf(() => make({ 'secret-no-plaintext.env': 'LICENSE_KEY' }))).toBe(
      `${at}invalid skip.secret-no-plaintext.env "LICENSE_KEY"; expected lines "<VARIABLE>[, <VARIABLE>...]: <reason>", e.g. 'MAX_TOKENS, TOKENIZER: model settings, not secrets': the variables whose literal values are not secrets, and why.`);
    expect(errorOf(() => make({ 'secret-no-plaintext.files': 'x: y' }))).toContain(`${at}invalid skip.secret-no-plaintext.files "secret-no-plaintext.files"; expected a rule id of the catalog, or one of`);
  });

  it('names files after paths and sets their mode', () => {
    const { chart } = build(Testing.app(), (s) => ({ secrets: [{ source: s.tls, mountPath: '/etc/tls', paths: { 'tls.key': 'client.key' }, fileMode: 0o400 }] }));
    const volume = deployment(chart).spec.template.spec.volumes.find((v: any) => v.secret);
    expect(volume.secret).toEqual({ secretName: 'tls', defaultMode: 0o400, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'client.key' }] });
    const { chart: listed } = build(Testing.app(), (s) => ({ secrets: [{ source: s.tls, mountPath: '/etc/tls', files: ['tls.key'], paths: { 'tls.key': 'keys/client.key' } }] }));
    expect(deployment(listed).spec.template.spec.volumes.find((v: any) => v.secret).secret).toEqual({ secretName: 'tls', defaultMode: 0o440, items: [{ key: 'tls.key', path: 'keys/client.key' }] });
  });
});
