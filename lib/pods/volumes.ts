import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkBoolean, checkConfigData, checkConfigKey, checkDnsSubdomain, checkEnvName } from '../core/validate';
import { ClaimMount, SecretEnvVar } from './props';

/** An environment variable: from the hashed ConfigMap or from a Secret. */
export interface ResolvedEnv {
  readonly name: string;
  readonly configMapKey?: string;
  readonly secret?: { readonly name: string; readonly key: string; readonly optional: boolean };
}

/** A volume mount. */
export interface ResolvedMount { readonly volume: string; readonly mountPath: string; readonly readOnly: boolean }

/** A pod volume; `config` refers to the hashed ConfigMap, whose name is known only when written. */
export interface ResolvedVolume {
  readonly name: string;
  readonly type: 'config' | 'emptyDir' | 'claim' | 'secret';
  /** config: the file names; secret: the keys mounted (undefined: every key). */
  readonly files?: string[];
  /** secret: the Secret's name. */
  readonly secretName?: string;
  /** secret: file names of keys that are not named like the key. */
  readonly paths?: { [key: string]: string };
  /** secret: the files' mode (default 0o440). */
  readonly mode?: number;
  /** claim: the claim name and access. */
  readonly claimName?: string;
  readonly readOnly?: boolean;
  readonly readWriteOnce?: boolean;
  /** claim: the prop path, for errors of the workload kinds. */
  readonly prop?: string;
}

/**
 * The data of the pod's one hashed ConfigMap (rules config-immutable, config-external): the
 * main container's env by name, its files by file name, and other containers' env as
 * `<container>.<NAME>`. A key used twice is an error.
 */
export class PodConfig {
  /** ConfigMap data; empty: no ConfigMap. */
  public readonly data: { [key: string]: string } = {};

  constructor(private readonly scope: IConstruct, private readonly kind: string) {}

  /** The env of one container: values from the ConfigMap, secrets by reference. `prefix` is '' or 'sidecars[0].'. */
  public env(prefix: string, keyPrefix: string, env: { [name: string]: string } | undefined, secretEnv: SecretEnvVar[] | undefined): ResolvedEnv[] {
    const { scope, kind } = this;
    const values = env ?? {};
    const result: ResolvedEnv[] = [];
    const secretNames = new Set((secretEnv ?? []).map((s) => s.name));
    // Names first (an env name is narrower than a ConfigMap key), then the values as ConfigMap data.
    for (const key of Object.keys(values).sort()) checkEnvName(scope, kind, `${prefix}env`, key);
    checkConfigData(scope, kind, `${prefix}env`, values);
    for (const key of Object.keys(values).sort()) {
      if (secretNames.has(key)) fail(scope, kind, `${prefix}env`, key, 'each environment variable once: it is also in secretEnv');
      const configKey = `${keyPrefix}${key}`;
      if (configKey in this.data) fail(scope, kind, `${prefix}env`, key, `an env name whose ConfigMap key "${configKey}" is not also a file name: both live in one ConfigMap`);
      this.data[configKey] = values[key];
      result.push({ name: key, configMapKey: configKey });
    }
    const seen = new Set(Object.keys(values));
    (secretEnv ?? []).forEach((s, i) => {
      const at = `${prefix}secretEnv[${i}]`;
      checkEnvName(scope, kind, `${at}.name`, s.name);
      checkDnsSubdomain(scope, kind, `${at}.secretName`, s.secretName);
      checkConfigKey(scope, kind, `${at}.key`, s.key);
      checkBoolean(scope, kind, `${at}.optional`, s.optional);
      if (seen.has(s.name)) fail(scope, kind, `${at}.name`, s.name, 'each environment variable once');
      seen.add(s.name);
      result.push({ name: s.name, secret: { name: s.secretName, key: s.key, optional: s.optional ?? false } });
    });
    return result;
  }

  /** Files of the main container; returns their names, sorted. */
  public files(files: { [fileName: string]: string } | undefined): string[] {
    if (files === undefined) return [];
    const names = Object.keys(checkConfigData(this.scope, this.kind, 'files', files));
    for (const file of names) {
      if (file in this.data) fail(this.scope, this.kind, 'files', file, 'a file name that is not also an env name: both live in one ConfigMap');
      this.data[file] = files[file];
    }
    return names;
  }
}

/** The pod's volumes, in the order the containers mount them. */
export class PodVolumes {
  public readonly list: ResolvedVolume[] = [];
  private readonly writable = new Map<string, string>(); // path -> volume name
  private readonly used = new Set<string>();

  constructor(private readonly scope: IConstruct, private readonly kind: string) {}

  /** The hashed ConfigMap's files, mounted read-only (at a path checked by `checkDistinctPaths`). */
  public config(files: string[], mountPath: string): ResolvedMount {
    this.push({ name: 'config', type: 'config', files });
    return { volume: 'config', mountPath, readOnly: true };
  }

  /**
   * Writable emptyDirs by mount path (clean and distinct, checked by `checkDistinctPaths`);
   * containers that name the same path share its volume.
   */
  public writablePaths(prop: string, paths: string[]): ResolvedMount[] {
    return paths.map((path, i) => {
      if (path === '/') fail(this.scope, this.kind, `${prop}[${i}]`, path, 'a path other than "/": the root filesystem stays read-only (rule pod-security)');
      let volume = this.writable.get(path);
      if (volume === undefined) {
        volume = this.uniqueName(path);
        this.writable.set(path, volume);
        this.push({ name: volume, type: 'emptyDir' });
      }
      return { volume, mountPath: path, readOnly: false };
    });
  }

  /** A PersistentVolumeClaim (rule rwo-volume), as volume `claim-<index>`. */
  public claim(index: number, c: ClaimMount): ResolvedMount {
    const prop = `claims[${index}]`;
    checkBoolean(this.scope, this.kind, `${prop}.readOnly`, c.readOnly);
    const modes = c.accessModes ?? (c.claim as kplus.PersistentVolumeClaim).accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
    const name = this.uniqueName(`claim-${index}`);
    this.push({
      name, type: 'claim', claimName: c.claim.name, readOnly: c.readOnly === true, prop,
      readWriteOnce: modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE) || modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD),
    });
    return { volume: name, mountPath: c.mountPath, readOnly: c.readOnly === true };
  }

  /** A Secret's keys as read-only files (rule secret-no-plaintext), as volume `secret-<name>`. */
  public secret(prop: string, secretName: string, files: string[] | undefined, mountPath: string, paths?: { [key: string]: string }, mode?: number): ResolvedMount {
    if (typeof mountPath !== 'string' || !mountPath.startsWith('/') || mountPath === '/') fail(this.scope, this.kind, prop, mountPath, 'an absolute path other than "/"');
    const name = this.uniqueName(`secret-${secretName}`);
    this.push({ name, type: 'secret', secretName, files, paths, mode });
    return { volume: name, mountPath, readOnly: true };
  }

  private push(v: ResolvedVolume): void {
    this.used.add(v.name);
    this.list.push(v);
  }

  private uniqueName(path: string): string {
    const base = pathSlug(path) || 'data';
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}-${i}`;
    return name;
  }
}

/** A path as a volume-name fragment: '/var/run/proxy' -> 'var-run-proxy' (at most 50 characters; '' for '/'). */
export function pathSlug(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 50).replace(/-+$/, '');
}
