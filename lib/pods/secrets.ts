import { IConstruct } from 'constructs';
import { EXISTING_SECRETS_ANNOTATION, SECRET_VERSIONS_ANNOTATION } from '../core/labels';
import { fail } from '../core/errors';
import { checkEnvName, listOf } from '../core/validate';
import { ISecretSource, checkSecretKey, identityHash, namespaceOf } from '../secrets/source';
import { SecretUse } from './props';
import { PodVolumes, ResolvedEnv, ResolvedMount } from './volumes';

/** Whether `x` looks like an ISecretSource (for untyped input from other languages). */
function isSecretSource(x: unknown): x is ISecretSource {
  const s = x as ISecretSource;
  return typeof s === 'object' && s !== null && typeof s.secretName === 'string' && typeof s.versionHash === 'string'
    && Array.isArray(s.secretKeys) && typeof s.existing === 'boolean' && typeof s.node === 'object';
}

/**
 * The Secrets the containers of one pod read through `secrets` (rule secret-no-plaintext):
 * env vars by secretKeyRef, files by a secret volume, and the annotations that roll the pods
 * on a version change and name the existing Secrets to the checker.
 */
export class PodSecrets {
  private readonly sources = new Map<string, ISecretSource>();

  constructor(private readonly scope: IConstruct, private readonly kind: string, private readonly volumes: PodVolumes) {}

  /** One container's `secrets`. `prefix` is '' or 'sidecars[0].'; `taken` holds its other env names and gets these. */
  public resolve(prefix: string, uses: SecretUse[] | undefined, taken: Set<string>): { env: ResolvedEnv[]; mounts: ResolvedMount[] } {
    const { scope, kind } = this;
    const env: ResolvedEnv[] = [];
    const mounts: ResolvedMount[] = [];
    if (uses !== undefined && !Array.isArray(uses)) fail(scope, kind, `${prefix}secrets`, uses, 'a list of { source, env, mountPath, files }');
    (uses ?? []).forEach((use, i) => {
      const prop = `${prefix}secrets[${i}]`;
      const source = this.source(`${prop}.source`, use.source);
      if (use.env === undefined && use.mountPath === undefined) {
        fail(scope, kind, prop, `(Secret ${source.secretName})`, 'env, mountPath or both: how the container reads the Secret');
      }
      const readKey = (keyProp: string, key: string) => {
        checkSecretKey(scope, kind, keyProp, key);
        if (source.secretKeys.length > 0 && !source.secretKeys.includes(key)) {
          fail(scope, kind, keyProp, key, `a key of Secret "${source.secretName}" (${listOf(source.secretKeys)})`);
        }
      };
      const vars = use.env ?? {};
      if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) fail(scope, kind, `${prop}.env`, vars, 'a map of environment variable names to keys of the Secret');
      if (use.env !== undefined && Object.keys(vars).length === 0 && use.mountPath === undefined) {
        fail(scope, kind, `${prop}.env`, vars, `at least one variable (name -> key of Secret "${source.secretName}"), or a mountPath: as given the container reads nothing of the Secret`);
      }
      for (const name of Object.keys(vars).sort()) {
        checkEnvName(scope, kind, `${prop}.env`, name);
        if (taken.has(name)) fail(scope, kind, `${prop}.env`, name, 'each environment variable of the container once (it is also in env, secretEnv or another secret)');
        taken.add(name);
        readKey(`${prop}.env.${name}`, vars[name]);
        env.push({ name, secret: { name: source.secretName, key: vars[name], optional: false } });
      }
      for (const field of ['files', 'paths', 'fileMode'] as const) {
        if (use[field] !== undefined && use.mountPath === undefined) fail(scope, kind, `${prop}.${field}`, use[field], `${field} only with a mountPath: where the files are mounted`);
      }
      if (use.mountPath !== undefined) {
        if (use.files !== undefined && (!Array.isArray(use.files) || use.files.length === 0)) fail(scope, kind, `${prop}.files`, use.files, 'a non-empty list of keys of the Secret, or leave it out to mount every key');
        (use.files ?? []).forEach((f) => readKey(`${prop}.files`, f));
        const files = use.files ? [...use.files].sort() : undefined;
        const paths = this.paths(prop, source, files, use.paths);
        const mode = this.fileMode(`${prop}.fileMode`, use.fileMode);
        // Renamed files need items, and items mount only the keys they list.
        const mounted = files ?? (paths !== undefined ? [...source.secretKeys] : undefined);
        mounts.push(this.volumes.secret(`${prop}.mountPath`, source.secretName, mounted, use.mountPath, paths, mode));
      }
    });
    return { env, mounts };
  }

  /** Pod-template annotations: the hash of every source's version, when there is a source. */
  public podAnnotations(): { [key: string]: string } {
    if (this.sources.size === 0) return {};
    const versions = [...this.sources.values()].map((s) => [s.secretName, s.versionHash]).sort();
    return { [SECRET_VERSIONS_ANNOTATION]: identityHash(versions) };
  }

  /** Workload-object annotations: the existing Secrets it reads. */
  public objectAnnotations(): { [key: string]: string } {
    const existing = [...this.sources.values()].filter((s) => s.existing).map((s) => s.secretName).sort();
    return existing.length > 0 ? { [EXISTING_SECRETS_ANNOTATION]: existing.join(',') } : {};
  }

  /** File names of keys (`paths`): keys that are mounted, relative paths, each once. */
  private paths(prop: string, source: ISecretSource, files: string[] | undefined, paths: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
    const { scope, kind } = this;
    if (paths === undefined) return undefined;
    if (paths === null || typeof paths !== 'object' || Array.isArray(paths) || Object.keys(paths).length === 0) {
      fail(scope, kind, `${prop}.paths`, paths, 'a map of keys of the Secret to file names under mountPath, e.g. { \'tls.key\': \'client.key\' }');
    }
    const mounted = files ?? source.secretKeys;
    if (mounted.length === 0) {
      fail(scope, kind, `${prop}.paths`, paths, `paths with files: the keys of Secret "${source.secretName}" are not known, so list the keys to mount in files`);
    }
    const out: { [key: string]: string } = {};
    const taken = new Map<string, string>();
    for (const key of Object.keys(paths).sort()) {
      if (!mounted.includes(key)) fail(scope, kind, `${prop}.paths`, key, `a key that is mounted (${listOf(mounted)})`);
      const path = paths[key];
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').some((seg) => seg === '..' || seg === '')) {
        fail(scope, kind, `${prop}.paths.${key}`, path, 'a relative file path under mountPath, without ".." or empty segments, e.g. \'client.key\'');
      }
      out[key] = path;
    }
    for (const key of mounted) {
      const path = out[key] ?? key;
      const other = taken.get(path);
      if (other !== undefined) fail(scope, kind, `${prop}.paths`, path, `each file path once: keys ${other} and ${key} would both be written to ${path}`);
      taken.set(path, key);
    }
    return out;
  }

  /** The files' mode: owner-readable permission bits. */
  private fileMode(prop: string, mode: number | undefined): number | undefined {
    if (mode === undefined) return undefined;
    if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0o400 || mode > 0o777 || (mode & 0o022) !== 0) {
      fail(this.scope, this.kind, prop, typeof mode === 'number' && Number.isInteger(mode) ? `0o${mode.toString(8)}` : mode,
        'permission bits from 0o400 to 0o755 with the owner\'s read bit and no write bit for the group or others, e.g. 0o400 (write it in octal: 0o400, not 400)');
    }
    return mode;
  }

  private source(prop: string, source: ISecretSource): ISecretSource {
    const { scope, kind } = this;
    if (!isSecretSource(source)) fail(scope, kind, prop, source, 'a secret source: an ExternalSecretSource, a SealedSecretSource or an ExistingSecret');
    const ns = namespaceOf(scope);
    if (namespaceOf(source) !== ns) {
      fail(scope, kind, prop, `${source.node.path} (namespace "${namespaceOf(source)}")`, `a source in the workload's namespace "${ns}": pods read only Secrets of their own namespace; create the source in the workload's chart`);
    }
    if ((source as { creationPolicy?: unknown }).creationPolicy === 'None') {
      fail(scope, kind, prop, source.node.path, `a source that makes a Secret: with creationPolicy None the operator writes no Secret "${source.secretName}" for the pods to read; use creationPolicy OWNER, or read the Secret that exists through an ExistingSecret`);
    }
    const other = this.sources.get(source.secretName);
    if (other !== undefined && other !== source) {
      fail(scope, kind, prop, source.node.path, `one source per Secret name: ${other.node.path} also makes Secret "${source.secretName}"`);
    }
    this.sources.set(source.secretName, source);
    return source;
  }
}
