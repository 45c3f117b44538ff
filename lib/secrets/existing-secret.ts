import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { ISecretSource, SecretSourceProps, checkSecretKeys, identityHash, resolveSourceProps } from './source';

const KIND = 'ExistingSecret';

/** Properties of an ExistingSecret. */
export interface ExistingSecretProps extends SecretSourceProps {
  /**
   * Keys the Secret holds. Workloads may then read only these keys (checked at construct time).
   * @default - not known: any valid key may be read
   */
  readonly keys?: string[];
}

/**
 * A Secret that already exists in the cluster (made by the platform, a controller or an
 * operator), named on purpose. It writes no object. A workload that reads it names it in its
 * `guardrails.cdk8s.io/existing-secrets` annotation, so the checker counts it as provided
 * (rule `secret-no-plaintext`) without an `externalSecrets` list. Its content is unknown to
 * the app: set `version` when it changes to roll the pods.
 *
 * Errors (at construct time): a name that is not a DNS-1123 subdomain, a key that is not a
 * valid Secret key or is listed twice, an empty `keys` list.
 */
export class ExistingSecret extends Construct implements ISecretSource {
  /** Name of the Secret the pods read. */
  public readonly secretName: string;
  /** Keys of the Secret, sorted; empty when not given. */
  public readonly secretKeys: string[];
  /** Hash of the source's identity and version (16 hex characters), in the pods' `guardrails.cdk8s.io/secret-versions` annotation. */
  public readonly versionHash: string;
  /** Always true: the Secret exists outside the app. */
  public readonly existing = true;

  constructor(scope: Construct, id: string, props: ExistingSecretProps = {}) {
    super(scope, id);
    if (props.labels !== undefined) fail(this, KIND, 'labels', props.labels, 'no labels: an ExistingSecret writes no object; label the Secret where it is made');
    const source = resolveSourceProps(this, KIND, id, props);
    if (props.keys !== undefined && !Array.isArray(props.keys)) fail(this, KIND, 'keys', props.keys, 'a list of Secret keys');
    if (props.keys?.length === 0) fail(this, KIND, 'keys', props.keys, 'at least one key: an empty list lets no workload read the Secret; leave keys out when the keys are not known');
    const keys = checkSecretKeys(this, KIND, 'keys', props.keys ?? []);
    keys.forEach((k, i) => {
      if (i > 0 && keys[i - 1] === k) fail(this, KIND, 'keys', k, 'each key once');
    });
    this.secretName = source.name;
    this.secretKeys = keys;
    this.versionHash = identityHash({ name: source.name, version: source.version });
  }
}
