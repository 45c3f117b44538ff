import { failAt, show } from '../core/errors';
import { checkAt, dns1123LabelProblem, int32Problem, listOf, registryPrefixProblem, unknownKeyProblem } from '../core/validate';
import { ICertificateIssuer } from '../ingress/certificate-issuer';
import { hostnameProblem } from '../ingress/hostnames';
import { KubernetesVersion } from '../pods/version';
import { ResourcePreset } from '../workloads/resources';
import { ClusterDestination, EnvironmentSettings } from './settings';

/** The keyed maps of EnvironmentSettings: every environment of an app declares the same keys. */
export const KEYED = ['replicas', 'resources', 'hostnames', 'features', 'values'] as const;
type Keyed = typeof KEYED[number];

const SETTINGS_KEYS: readonly string[] = [
  'name', 'kubernetesVersion', 'registry', 'replicas', 'resources', 'hostnames', 'issuer', 'features', 'values', 'namespace', 'cluster',
];
const CLUSTER_KEYS: readonly string[] = ['server', 'name'];

/**
 * The settings that are one value per environment, and how to state the library's default
 * explicitly in an environment that means it.
 */
const SCALAR_SETTINGS: ReadonlyArray<{ readonly key: 'kubernetesVersion' | 'registry' | 'issuer' | 'namespace' | 'cluster'; readonly explicit: (app: string) => string }> = [
  { key: 'kubernetesVersion', explicit: () => 'KubernetesVersion.DEFAULT for the library default, or appProps.defaults.kubernetesVersion for every environment that sets none' },
  { key: 'registry', explicit: () => '"docker.io" for Docker Hub' },
  { key: 'issuer', explicit: () => 'IssuerReference.clusterIssuer("letsencrypt-prod") for TlsIngress\'s default' },
  { key: 'namespace', explicit: (app) => `${show(app)}, the app name, for the default` },
  { key: 'cluster', explicit: () => '{ server: "https://kubernetes.default.svc" } for the cluster Argo CD runs in' },
];

/** Where errors about one environment's settings point: `Environments "shop", environment "dev"`. */
export function settingsWhere(app: string, environment: unknown): string {
  return `Environments ${show(app)}, environment ${show(environment)}`;
}

/** Settings validated into plain data, before any object is written. */
interface ResolvedSettings {
  readonly name: string;
  /** Undefined when the environment does not set it: the app default, else KubernetesVersion.DEFAULT, applies. */
  readonly kubernetesVersion?: KubernetesVersion;
  readonly registry?: string;
  readonly maps: { readonly [K in Keyed]: ReadonlyMap<string, unknown> };
  readonly issuer?: ICertificateIssuer;
  readonly namespace: string;
  readonly cluster: ClusterDestination;
  /** The one-value settings the environment gives itself (not defaulted). */
  readonly declared: ReadonlySet<string>;
}

function checkMap<T>(where: string, prop: Keyed, map: { [key: string]: T } | undefined, problem: (v: unknown) => string | undefined): Map<string, T> {
  if (map === undefined) return new Map();
  if (map === null || typeof map !== 'object' || Array.isArray(map)) failAt(where, prop, map, `a map of ${prop} by key`);
  const out = new Map<string, T>();
  for (const key of Object.keys(map).sort()) {
    if (key === '') failAt(where, `${prop} key`, key, 'a non-empty key');
    checkAt(where, `${prop}.${key}`, map[key], problem(map[key]));
    out.set(key, map[key]);
  }
  return out;
}

/** Validates one environment's settings into plain data; every error names the environment and the key. */
export function resolveSettings(app: string, settings: EnvironmentSettings): ResolvedSettings {
  if (settings === null || typeof settings !== 'object') failAt(`Environments ${show(app)}`, 'environments entry', settings, 'an EnvironmentSettings struct');
  const where = settingsWhere(app, settings.name);
  const typo = unknownKeyProblem(settings, SETTINGS_KEYS);
  if (typo !== undefined) failAt(where, typo, (settings as any)[typo], `one of the settings ${listOf(SETTINGS_KEYS)}`);
  const name = checkAt(where, 'name', settings.name, dns1123LabelProblem(settings.name));
  const kubernetesVersion = settings.kubernetesVersion;
  if (kubernetesVersion !== undefined && !(kubernetesVersion instanceof KubernetesVersion)) failAt(where, 'kubernetesVersion', kubernetesVersion, 'a KubernetesVersion such as KubernetesVersion.V1_30');
  if (settings.registry !== undefined) checkAt(where, 'registry', settings.registry, registryPrefixProblem(settings.registry));
  const maps = {
    // At least 1, as the workloads take it: a workload with no replica is removed, not scaled to zero.
    replicas: checkMap(where, 'replicas', settings.replicas, (v) => int32Problem(v, 1)),
    resources: checkMap(where, 'resources', settings.resources, (v) => v instanceof ResourcePreset ? undefined : 'a ResourcePreset such as ResourcePreset.SMALL'),
    hostnames: checkMap(where, 'hostnames', settings.hostnames, hostnameProblem),
    features: checkMap(where, 'features', settings.features, (v) => typeof v === 'boolean' ? undefined : 'true or false'),
    values: checkMap(where, 'values', settings.values, (v) => typeof v === 'string' ? undefined : 'a string'),
  };
  if (settings.issuer !== undefined && !isIssuer(settings.issuer)) {
    failAt(where, 'issuer', settings.issuer, 'an ICertificateIssuer such as IssuerReference.clusterIssuer("letsencrypt-prod") or a CertificateIssuer construct');
  }
  const namespace = checkAt(where, 'namespace', settings.namespace ?? app, dns1123LabelProblem(settings.namespace ?? app));
  const cluster = settings.cluster ?? {};
  const clusterTypo = unknownKeyProblem(cluster, CLUSTER_KEYS);
  if (clusterTypo !== undefined) failAt(where, `cluster.${clusterTypo}`, (cluster as any)[clusterTypo], `one of ${listOf(CLUSTER_KEYS)}`);
  if (cluster.server !== undefined && cluster.name !== undefined) failAt(where, 'cluster', cluster, 'either server or name, not both');
  if (settings.cluster !== undefined && cluster.server === undefined && cluster.name === undefined) {
    failAt(where, 'cluster', cluster, 'a server or a name, such as { server: "https://10.0.0.1:6443" } or { name: "prod-a" }: a cluster with neither would be the default cluster silently; leave cluster out of every environment for that');
  }
  if (cluster.server !== undefined && (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(cluster.server) || !parsesAsUrl(cluster.server))) {
    failAt(where, 'cluster.server', cluster.server, 'an API server URL such as "https://10.0.0.1:6443"');
  }
  if (cluster.name !== undefined && (typeof cluster.name !== 'string' || cluster.name.trim() === '')) failAt(where, 'cluster.name', cluster.name, 'a cluster name known to Argo CD');
  const declared = new Set(SCALAR_SETTINGS.map((x) => x.key).filter((k) => settings[k] !== undefined));
  return { name, kubernetesVersion, registry: settings.registry?.replace(/\/+$/, ''), maps, issuer: settings.issuer, namespace, cluster, declared };
}

/** Whether a string is a URL (host and port valid), as Argo CD reads a destination server. */
function parsesAsUrl(v: string): boolean {
  try {
    return new URL(v).host !== '';
  } catch {
    return false;
  }
}

function isIssuer(v: unknown): v is ICertificateIssuer {
  const i = v as ICertificateIssuer;
  return i !== null && typeof i === 'object' && typeof i.issuerName === 'string' && i.issuerKind !== undefined;
}

/**
 * Every environment declares the same keys in each keyed map: a key one environment has and
 * another lacks is a typo or a missing value, an error naming the environment and the key.
 */
export function checkSameKeys(app: string, all: readonly ResolvedSettings[]): void {
  for (const prop of KEYED) {
    const declaredBy = new Map<string, string[]>();
    for (const s of all) for (const key of s.maps[prop].keys()) declaredBy.set(key, [...(declaredBy.get(key) ?? []), s.name]);
    for (const s of all) {
      for (const [key, owners] of [...declaredBy].sort(([a], [b]) => a.localeCompare(b))) {
        if (s.maps[prop].has(key)) continue;
        failAt(settingsWhere(app, s.name), `${prop}.${key}`, undefined,
          `a value, as environment${owners.length > 1 ? 's' : ''} ${listOf(owners)} declare${owners.length > 1 ? '' : 's'} it: every environment declares the same ${prop} keys, so add it here or fix its spelling there`);
      }
    }
  }
}


/**
 * A setting that some environments set and others do not would fall back, in those, to a
 * default nobody chose (an image from Docker Hub, another issuer, Kubernetes 1.27): it is set
 * in every environment or in none, else an error names the environment and the key.
 * `kubernetesVersion` may be left out where the app gives one (`appVersionSet`).
 */
export function checkSameSettings(app: string, all: readonly ResolvedSettings[], appVersionSet: boolean): void {
  for (const { key, explicit } of SCALAR_SETTINGS) {
    if (key === 'kubernetesVersion' && appVersionSet) continue;
    const owners = all.filter((s) => s.declared.has(key)).map((s) => s.name);
    if (owners.length === 0) continue;
    const missing = all.find((s) => !s.declared.has(key));
    if (missing === undefined) continue;
    failAt(settingsWhere(app, missing.name), key, undefined,
      `a value, as environment${owners.length > 1 ? 's' : ''} ${listOf(owners)} set${owners.length > 1 ? '' : 's'} it: a setting is given in every environment or in none, so that no environment falls back to a default silently; set it here (e.g. ${explicit(app)}), or remove it from the others`);
  }
}

/**
 * One environment of an app, as its definition sees it: the typed settings, checked. Reading
 * a key that the environments did not declare is an error naming the environment and the
 * key, never a silent default. Made by `Environments`.
 */
export class Environment {
  /** @internal */
  public static _of(app: string, outdir: string, settings: ResolvedSettings, appVersion: KubernetesVersion | undefined): Environment {
    return new Environment(app, outdir, settings, appVersion);
  }

  /** Name of the app. */
  public readonly app: string;
  /** Name of the environment (`dev`, `prod-a`). */
  public readonly name: string;
  /** The folder the environment's manifests are written to: `<outdir>/<name>`. */
  public readonly outdir: string;
  /**
   * Target Kubernetes version of the environment's cluster: the environment's setting, else
   * the app-wide `appProps.defaults.kubernetesVersion`, else `KubernetesVersion.DEFAULT`.
   */
  public readonly kubernetesVersion: KubernetesVersion;
  /** Registry images are pulled from, if the environment names one. */
  public readonly registry?: string;
  /** The certificate issuer of the environment, if it names one. */
  public readonly issuer?: ICertificateIssuer;
  /** The namespace of the environment's objects. */
  public readonly namespace: string;
  /** The cluster the environment runs in. */
  public readonly cluster: ClusterDestination;

  /** @internal */
  public readonly _maps: ResolvedSettings['maps'];

  private constructor(app: string, outdir: string, settings: ResolvedSettings, appVersion: KubernetesVersion | undefined) {
    this.app = app;
    this.name = settings.name;
    this.outdir = outdir;
    this.kubernetesVersion = settings.kubernetesVersion ?? appVersion ?? KubernetesVersion.DEFAULT;
    this.registry = settings.registry;
    this.issuer = settings.issuer;
    this.namespace = settings.namespace;
    this.cluster = settings.cluster;
    this._maps = settings.maps;
  }

  /**
   * Registries the environment's images may come from (rule `image-registry`): `[registry]`,
   * or undefined when the environment names none. It is already the default
   * `allowedRegistries` of the environment's workloads (unless `appProps.defaults` gives
   * one); give it to a workload's `allowedRegistries` to say so on the workload.
   */
  public get allowedRegistries(): string[] | undefined {
    return this.registry === undefined ? undefined : [this.registry];
  }

  /**
   * The image `<registry>/<repository>`: `repository` is the rest of the reference, with its
   * tag or digest (e.g. `stefanprodan/podinfo:6.9.2`).
   * @throws when `repository` is empty or starts with a registry of its own while the environment names one
   */
  public image(repository: string): string {
    const where = settingsWhere(this.app, this.name);
    if (typeof repository !== 'string' || repository.trim() === '' || /\s/.test(repository)) {
      failAt(`${where}, image()`, 'repository', repository, 'an image repository with a tag or digest, such as "acme/api:1.2.3"');
    }
    if (this.registry === undefined) return repository;
    const first = repository.split('/')[0];
    if (repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
      failAt(`${where}, image()`, 'repository', repository, `a repository without a registry host: the environment pulls from ${show(this.registry)}`);
    }
    return `${this.registry}/${repository}`;
  }

  /**
   * Replica count of a workload.
   * @throws when the environments declare no such key
   */
  public replicas(workload: string): number {
    return this.get('replicas', workload) as number;
  }

  /**
   * Resource preset of a workload.
   * @throws when the environments declare no such key
   */
  public resources(workload: string): ResourcePreset {
    return this.get('resources', workload) as ResourcePreset;
  }

  /**
   * A host name by purpose.
   * @throws when the environments declare no such key
   */
  public hostname(purpose: string): string {
    return this.get('hostnames', purpose) as string;
  }

  /**
   * Whether a feature is switched on.
   * @throws when the environments declare no such key
   */
  public feature(name: string): boolean {
    return this.get('features', name) as boolean;
  }

  /**
   * A string setting.
   * @throws when the environments declare no such key
   */
  public value(key: string): string {
    return this.get('values', key) as string;
  }

  /** @internal The keys the definition read, as `<prop>.<key>`. */
  public readonly _read = new Set<string>();

  private get(prop: Keyed, key: string): unknown {
    const map = this._maps[prop];
    if (map.has(key)) this._read.add(`${prop}.${key}`);
    if (!map.has(key)) {
      const declared = [...map.keys()];
      failAt(settingsWhere(this.app, this.name), `${prop}.${key}`, undefined,
        declared.length === 0
          ? `a declared key: the environments declare no ${prop}; add ${show(key)} to the ${prop} of every environment`
          : `one of the declared keys ${listOf(declared)}: fix the spelling, or add ${show(key)} to the ${prop} of every environment`);
    }
    return map.get(key);
  }
}

/** The method of Environment that reads each keyed map. */
const READER: { readonly [K in Keyed]: string } = { replicas: 'replicas', resources: 'resources', hostnames: 'hostname', features: 'feature', values: 'value' };

/**
 * A warning for each declared key that the definition read in no environment: a setting that
 * changes nothing (a typo in the definition, or a key left over), naming the key and the
 * environments that declare it. A key read in one environment only is in use.
 */
export function unreadKeys(app: string, all: readonly Environment[]): string {
  let out = '';
  for (const prop of KEYED) {
    const keys = [...new Set(all.flatMap((e) => [...e._maps[prop].keys()]))].sort();
    for (const key of keys) {
      if (all.some((e) => e._read.has(`${prop}.${key}`))) continue;
      const owners = all.filter((e) => e._maps[prop].has(key)).map((e) => e.name);
      out += `${app}: warning: ${prop}.${key} is declared by environment${owners.length > 1 ? 's' : ''} ${listOf(owners)} but the definition read it in none (env.${READER[prop]}(${show(key)})): it changes nothing; remove it from the settings, or read it\n`;
    }
  }
  return out;
}
