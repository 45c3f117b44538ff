import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { SealedSecret } from '../imports/sealedsecret-bitnami.com';
import { sealedValueProblem, secretTypeProblem } from './secret-data';
import { ISecretSource, SecretSourceProps, checkSecretKeys, claimSecretName, identityHash, resolveSourceProps } from './source';

const KIND = 'SealedSecretSource';

/**
 * Where the sealed data may be unsealed: kubeseal's `--scope`. It must be the scope the data
 * was sealed with, or the controller cannot decrypt it.
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 */
export enum SealedSecretScope {
  /** Only as a Secret of this name in this namespace (kubeseal's default). */
  STRICT = 'strict',
  /** Under any name in this namespace (annotation `sealedsecrets.bitnami.com/namespace-wide`). */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Under any name in any namespace (annotation `sealedsecrets.bitnami.com/cluster-wide`). */
  CLUSTER_WIDE = 'cluster-wide',
}

/** Properties of a SealedSecretSource. */
export interface SealedSecretSourceProps extends SecretSourceProps {
  /**
   * The encrypted values, by Secret key, as `kubeseal` wrote them (`spec.encryptedData` of its
   * output, or `kubeseal --raw`): standard base64. At least one key.
   */
  readonly encryptedData: { [key: string]: string };
  /**
   * The scope the data was sealed with.
   * @default SealedSecretScope.STRICT: kubeseal's default
   */
  readonly scope?: SealedSecretScope;
  /**
   * Type of the unsealed Secret.
   * @default 'Opaque'
   */
  readonly type?: string;
}

/**
 * A Secret unsealed in the cluster by the sealed-secrets controller from data that only the
 * controller can decrypt, declared as a `SealedSecret` (bitnami.com/v1alpha1). The sealed
 * data may live in git (rule `secret-no-plaintext`); the checker counts the SealedSecret as
 * the provider of its Secret. A change of the sealed data rolls the pods that read it.
 *
 * Errors (at construct time): no `encryptedData`, a key that is not a valid Secret key, a
 * value that cannot be kubeseal's output (not base64, or shorter than the 2-byte length, the
 * RSA ciphertext of at least 256 bytes and the AES-GCM tag it always holds: e.g. a plain value,
 * or a plain value in base64, that was never sealed; the error names the key and the length,
 * never the value), and keys that do not fit the `type` (`kubernetes.io/tls` without `tls.crt`
 * and `tls.key`, `kubernetes.io/dockerconfigjson` without `.dockerconfigjson`,
 * `kubernetes.io/basic-auth` without `username` or `password`, `kubernetes.io/ssh-auth`
 * without `ssh-privatekey`), which the API server would refuse.
 *
 * The Secret is named after the SealedSecret, as the controller names it.
 * @see https://github.com/bitnami-labs/sealed-secrets
 */
export class SealedSecretSource extends Construct implements ISecretSource {
  /** Name of the Secret the pods read. */
  public readonly secretName: string;
  /** Keys of the Secret, sorted. */
  public readonly secretKeys: string[];
  /** Hash of the source's identity and version (16 hex characters), in the pods' `guardrails.cdk8s.io/secret-versions` annotation. */
  public readonly versionHash: string;
  /** Always false: the controller writes the Secret. */
  public readonly existing = false;
  /** The SealedSecret object (escape hatch for JSON patches). */
  public readonly sealedSecret: SealedSecret;

  constructor(scope: Construct, id: string, props: SealedSecretSourceProps) {
    super(scope, id);
    const source = resolveSourceProps(this, KIND, id, props);
    const data = props.encryptedData;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) {
      // An empty map is shown; anything else only by its type, as it may hold plain values.
      const shown = isEmptyMap(data) ? data : `(${Array.isArray(data) ? 'a list' : data === null ? 'null' : typeof data}, not shown)`;
      fail(this, KIND, 'encryptedData', shown, 'a map of Secret keys to the values kubeseal encrypted, with at least one key');
    }
    const keys = checkSecretKeys(this, KIND, 'encryptedData', Object.keys(data));
    const encryptedData: { [key: string]: string } = {};
    for (const key of keys) {
      const value = data[key];
      const problem = sealedValueProblem(value);
      if (problem !== undefined) {
        // Never echo the value: it is probably the plain secret.
        fail(this, KIND, `encryptedData.${key}`, `(${typeof value === 'string' ? `${value.length} characters` : typeof value}, not shown)`,
          `the base64 text kubeseal wrote for this key; this value ${problem}. Seal the value with \`kubeseal --raw --scope <scope> --namespace <ns> --name <name>\` (never put the plain value here)`);
      }
      encryptedData[key] = value;
    }
    const sealScope = props.scope ?? SealedSecretScope.STRICT;
    if (!Object.values(SealedSecretScope).includes(sealScope)) {
      fail(this, KIND, 'scope', sealScope, 'SealedSecretScope.STRICT, .NAMESPACE_WIDE or .CLUSTER_WIDE: the scope the data was sealed with');
    }
    const type = props.type ?? 'Opaque';
    if (typeof type !== 'string' || type === '') fail(this, KIND, 'type', type, 'a Secret type such as \'Opaque\'');
    const typeProblem = secretTypeProblem(type, keys);
    if (typeProblem !== undefined) fail(this, KIND, 'type', type, `a type that fits the keys of encryptedData (${keys.join(', ')}): ${typeProblem}; seal the missing keys or use type 'Opaque'`);
    const annotations = sealScope === SealedSecretScope.STRICT ? undefined : { [`sealedsecrets.bitnami.com/${sealScope}`]: 'true' };

    claimSecretName(this, KIND, source.name);
    this.secretName = source.name;
    this.secretKeys = keys;
    this.versionHash = identityHash({ encryptedData, scope: sealScope, type, version: source.version });
    this.sealedSecret = new SealedSecret(this, 'Resource', {
      metadata: { name: source.name, labels: source.labels, annotations },
      spec: {
        encryptedData,
        template: { metadata: { name: source.name, labels: source.labels, annotations }, type },
      },
    });
  }
}

function isEmptyMap(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 0;
}
