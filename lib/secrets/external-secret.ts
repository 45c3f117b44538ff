import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { errorText, fail } from '../core/errors';
import { memoDuringSynth } from '../core/synthesis';
import { checkDnsSubdomain, checkNonEmpty } from '../core/validate';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/externalsecret-external-secrets.io';
import { ISecretSource, SecretSourceProps, checkSecretKeys, claimSecretName, identityHash, namespaceOf, resolveSourceProps } from './source';

const KIND = 'ExternalSecretSource';

/**
 * The SecretStore or ClusterSecretStore an ExternalSecret reads from. The store itself is
 * set up by the platform (or declared with `crds.SecretStore` / `crds.ClusterSecretStore`).
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export class SecretStoreRef {
  /** A SecretStore in the namespace of the ExternalSecret. */
  public static secretStore(name: string): SecretStoreRef {
    return new SecretStoreRef(name, 'SecretStore');
  }

  /** A ClusterSecretStore, usable from every namespace that its conditions admit. */
  public static clusterSecretStore(name: string): SecretStoreRef {
    return new SecretStoreRef(name, 'ClusterSecretStore');
  }

  private constructor(
    /** Name of the store. */
    public readonly name: string,
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: string,
  ) {}
}

/** What the ExternalSecret operator does with the Secret it writes. */
export enum ExternalSecretCreationPolicy {
  /** The operator creates the Secret and owns it: it is deleted with the ExternalSecret. */
  OWNER = 'Owner',
  /** The operator creates the Secret but does not own it: it stays when the ExternalSecret goes. */
  ORPHAN = 'Orphan',
  /** The operator merges the values into a Secret that already exists; it creates none. */
  MERGE = 'Merge',
  /** The operator writes no Secret. */
  NONE = 'None',
}

/** What the operator does with the Secret when the values are deleted from the store. */
export enum ExternalSecretDeletionPolicy {
  /** Keep the Secret with its last values, so running pods and restarts keep working. */
  RETAIN = 'Retain',
  /** Delete the Secret (creationPolicy Owner or Orphan only). */
  DELETE = 'Delete',
  /** Remove the deleted keys from the Secret, keep the object (creationPolicy Merge or Owner). */
  MERGE = 'Merge',
}

/** One key of the Secret, read from the store. */
export interface ExternalSecretKey {
  /** Key in the Secret (letters, digits, '-', '_' and '.'), as pods read it. */
  readonly secretKey: string;
  /** Key of the value in the store (`remoteRef.key`), e.g. a path in Vault or a secret name in a cloud store. */
  readonly remoteKey: string;
  /**
   * Property of a structured (JSON) value in the store (`remoteRef.property`).
   * @default - the whole value
   */
  readonly remoteProperty?: string;
  /**
   * Version of the value in the store (`remoteRef.version`). Changing it rolls the pods that read the Secret.
   * @default - the store's current version
   */
  readonly remoteVersion?: string;
}

/** Properties of an ExternalSecretSource. */
export interface ExternalSecretSourceProps extends SecretSourceProps {
  /** The store that holds the values: `SecretStoreRef.secretStore('<name>')` or `.clusterSecretStore('<name>')`. */
  readonly store: SecretStoreRef;
  /** The keys of the Secret and where each comes from in the store; at least one, each key once. */
  readonly data: ExternalSecretKey[];
  /**
   * How often the operator reads the store again and updates the Secret. `Duration.seconds(0)`
   * reads it once.
   * @default Duration.hours(1): the operator's own default
   */
  readonly refreshInterval?: Duration;
  /**
   * Who owns the Secret the operator writes.
   * @default ExternalSecretCreationPolicy.OWNER: the Secret lives and dies with the ExternalSecret
   */
  readonly creationPolicy?: ExternalSecretCreationPolicy;
  /**
   * What happens to the Secret when the values are deleted from the store.
   * @default ExternalSecretDeletionPolicy.RETAIN: the pods keep their last values
   */
  readonly deletionPolicy?: ExternalSecretDeletionPolicy;
}

/**
 * A Secret written by the external-secrets operator from an external store (Vault, a cloud
 * secret manager...), declared as an `ExternalSecret` (external-secrets.io/v1). No value is
 * in the manifests (rule `secret-no-plaintext`), and the checker counts the ExternalSecret as
 * the provider of its target Secret.
 *
 * Errors (at construct time): a missing store or store name, no `data`, a `secretKey` that is
 * not a valid Secret key or is used twice, an empty `remoteKey`, a negative refresh interval,
 * a deletionPolicy that does not fit the creationPolicy, and a Secret name that another
 * source of the namespace also makes. At synthesis, when the app declares SecretStores or
 * ClusterSecretStores: a `SecretStoreRef.secretStore()` that names no SecretStore of the
 * source's namespace (e.g. a store declared only as a ClusterSecretStore, or only in another
 * namespace), and a `clusterSecretStore()` that names no ClusterSecretStore.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecretSource extends Construct implements ISecretSource {
  /** Name of the Secret the pods read. */
  public readonly secretName: string;
  /** Keys of the Secret, sorted. */
  public readonly secretKeys: string[];
  /** Hash of the source's identity and version (16 hex characters), in the pods' `guardrails.cdk8s.io/secret-versions` annotation. */
  public readonly versionHash: string;
  /** Always false: the operator writes the Secret. */
  public readonly existing = false;
  /** Who owns the Secret; with `NONE` the operator writes no Secret, and no workload may read it. */
  public readonly creationPolicy: ExternalSecretCreationPolicy;
  /** The ExternalSecret object (escape hatch for JSON patches). */
  public readonly externalSecret: ExternalSecret;

  constructor(scope: Construct, id: string, props: ExternalSecretSourceProps) {
    super(scope, id);
    const source = resolveSourceProps(this, KIND, id, props);
    const store = props.store;
    if (!(store instanceof SecretStoreRef)) {
      fail(this, KIND, 'store', store, 'SecretStoreRef.secretStore(\'<name>\') or SecretStoreRef.clusterSecretStore(\'<name>\'): the store that holds the values');
    }
    checkDnsSubdomain(this, KIND, 'store.name', store.name);
    if (!Array.isArray(props.data) || props.data.length === 0) {
      fail(this, KIND, 'data', props.data, 'at least one key: [{ secretKey: \'password\', remoteKey: \'<key in the store>\' }]');
    }
    const data = props.data.map((d, i) => {
      const prop = `data[${i}]`;
      checkSecretKeys(this, KIND, `${prop}.secretKey`, [d.secretKey]);
      checkNonEmpty(this, KIND, `${prop}.remoteKey`, d.remoteKey, 'the key of the value in the store, e.g. \'prod/shop/db\'');
      for (const field of ['remoteProperty', 'remoteVersion'] as const) {
        if (d[field] !== undefined) checkNonEmpty(this, KIND, `${prop}.${field}`, d[field]!, 'a non-empty string, or leave it out');
      }
      return { secretKey: d.secretKey, remoteRef: { key: d.remoteKey, property: d.remoteProperty, version: d.remoteVersion } };
    });
    const seen = new Set<string>();
    data.forEach((d, i) => {
      if (seen.has(d.secretKey)) fail(this, KIND, `data[${i}].secretKey`, d.secretKey, 'each key of the Secret once');
      seen.add(d.secretKey);
    });
    const refresh = props.refreshInterval ?? Duration.hours(1);
    const ms = refresh instanceof Duration ? refresh.toMilliseconds() : NaN;
    if (!(ms >= 0) || ms % 1000 !== 0) {
      fail(this, KIND, 'refreshInterval', refresh instanceof Duration ? `${ms}ms` : refresh, 'a Duration of whole seconds, 0 (read once) or more');
    }
    const creationPolicy = props.creationPolicy ?? ExternalSecretCreationPolicy.OWNER;
    const deletionPolicy = props.deletionPolicy ?? ExternalSecretDeletionPolicy.RETAIN;
    checkPolicies(this, creationPolicy, deletionPolicy);

    // Merge and None write no Secret of their own.
    if (creationPolicy === ExternalSecretCreationPolicy.OWNER || creationPolicy === ExternalSecretCreationPolicy.ORPHAN) claimSecretName(this, KIND, source.name);
    this.secretName = source.name;
    this.creationPolicy = creationPolicy;
    this.secretKeys = [...seen].sort();
    // What decides the content: the store and the remote references with their versions.
    this.versionHash = identityHash({ store: [store.kind, store.name], data, version: source.version });
    // Stores may be declared after the source: judged once the app is complete.
    this.node.addValidation({ validate: () => storeRefProblems(this, store, namespaceOf(this)) });
    this.externalSecret = new ExternalSecret(this, 'Resource', {
      metadata: { name: source.name, labels: source.labels },
      spec: {
        secretStoreRef: { name: store.name, kind: store.kind as ExternalSecretSpecSecretStoreRefKind },
        refreshInterval: renderDuration(ms / 1000),
        target: {
          name: source.name,
          creationPolicy: creationPolicy as string as ExternalSecretSpecTargetCreationPolicy,
          deletionPolicy: deletionPolicy as string as ExternalSecretSpecTargetDeletionPolicy,
        },
        data,
      },
    });
  }
}

/** The stores the app declares: kind -> names by namespace ('' for cluster stores). */
function declaredStores(scope: IConstruct): Map<string, Array<{ name: string; namespace: string }>> {
  const root = scope.node.root;
  return memoDuringSynth(root, declaredStores, () => {
    const out = new Map<string, Array<{ name: string; namespace: string }>>([['SecretStore', []], ['ClusterSecretStore', []]]);
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c) || !c.apiVersion.startsWith('external-secrets.io/')) continue;
      const list = out.get(c.kind);
      if (list && typeof c.metadata.name === 'string') list.push({ name: c.metadata.name, namespace: c.metadata.namespace ?? Chart.of(c).namespace ?? '' });
    }
    return out;
  });
}

/** Why the store reference names no store of the app (when the app declares stores), as error texts. */
function storeRefProblems(scope: IConstruct, store: SecretStoreRef, namespace: string): string[] {
  const stores = declaredStores(scope);
  const namespaced = stores.get('SecretStore')!;
  const cluster = stores.get('ClusterSecretStore')!;
  if (namespaced.length === 0 && cluster.length === 0) return []; // the platform sets the stores up
  const where = `${KIND} at '${scope.node.path}'`;
  if (store.kind === 'ClusterSecretStore') {
    if (cluster.some((s) => s.name === store.name)) return [];
    const alt = namespaced.filter((s) => s.name === store.name).map((s) => `a SecretStore in namespace "${s.namespace}"`);
    return [errorText(where, 'store', `ClusterSecretStore ${store.name}`, `a ClusterSecretStore the app declares (${cluster.map((s) => s.name).join(', ') || 'none'})${alt.length > 0 ? `; ${store.name} is ${alt.join(', ')}: use SecretStoreRef.secretStore('${store.name}') from that namespace` : ''}`)];
  }
  if (namespaced.some((s) => s.name === store.name && s.namespace === namespace)) return [];
  const alt = [
    ...cluster.filter((s) => s.name === store.name).map(() => `a ClusterSecretStore: use SecretStoreRef.clusterSecretStore('${store.name}')`),
    ...namespaced.filter((s) => s.name === store.name).map((s) => `a SecretStore of namespace "${s.namespace}", which an ExternalSecret of namespace "${namespace}" cannot read`),
  ];
  return [errorText(where, 'store', `SecretStore ${store.name}`, `a SecretStore the app declares in namespace "${namespace}"${alt.length > 0 ? `; ${store.name} is ${alt.join(', and ')}` : ''}`)];
}

/** The combinations the operator accepts (its admission webhook refuses the others). */
function checkPolicies(scope: Construct, creation: ExternalSecretCreationPolicy, deletion: ExternalSecretDeletionPolicy): void {
  if (!Object.values(ExternalSecretCreationPolicy).includes(creation)) {
    fail(scope, KIND, 'creationPolicy', creation, `one of ExternalSecretCreationPolicy.${Object.keys(ExternalSecretCreationPolicy).join(', .')}`);
  }
  if (!Object.values(ExternalSecretDeletionPolicy).includes(deletion)) {
    fail(scope, KIND, 'deletionPolicy', deletion, `one of ExternalSecretDeletionPolicy.${Object.keys(ExternalSecretDeletionPolicy).join(', .')}`);
  }
  if (deletion === ExternalSecretDeletionPolicy.DELETE && (creation === ExternalSecretCreationPolicy.MERGE || creation === ExternalSecretCreationPolicy.NONE)) {
    fail(scope, KIND, 'deletionPolicy', deletion, `RETAIN or MERGE with creationPolicy ${creation}: the operator deletes only a Secret it created`);
  }
  if (deletion === ExternalSecretDeletionPolicy.MERGE && creation === ExternalSecretCreationPolicy.NONE) {
    fail(scope, KIND, 'deletionPolicy', deletion, 'RETAIN with creationPolicy None: the operator writes no Secret to merge into');
  }
}

/** Seconds as a Go duration: `1h`, `15m`, `90s`, `0s`. */
function renderDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
