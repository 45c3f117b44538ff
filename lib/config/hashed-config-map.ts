import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { fail } from '../core/errors';
import { checkConfigData, checkDnsSubdomain, checkInt, checkLabels, checkLabelValue, DNS_1123_SUBDOMAIN_MAX } from '../core/validate';
import { joinApp } from '../core/collisions';

/** Properties of a HashedConfigMap. */
export interface HashedConfigMapProps {
  /**
   * Name prefix, a DNS-1123 subdomain; the object is named `<namePrefix>-<hash>`.
   * @default - the construct id
   */
  readonly namePrefix?: string;
  /**
   * The data: at most 1 MiB in total. Keys are ConfigMap keys (letters, digits, '-', '_'
   * and '.'; not '.', '..' or starting with '..', which the kubelet reserves); values are
   * strings, written as given.
   * @see https://kubernetes.io/docs/concepts/configuration/configmap/
   */
  readonly data: { [key: string]: string };
  /**
   * Labels for the object.
   * @default - app.kubernetes.io/name and instance set to `namePrefix`, managed-by cdk8s
   */
  readonly labels?: { [key: string]: string };
  /**
   * Number of hex characters of the SHA-256 content hash in the name, 4 to 64.
   * @default 10
   */
  readonly hashLength?: number;
}

const KIND = 'HashedConfigMap';

/**
 * An immutable ConfigMap named by a hash of its content (rule `config-immutable`).
 * Changing the data makes a new object with a new name, so the pods that reference it roll,
 * and a rollback returns to the old object, which still exists. The library renders the
 * object itself: cdk8s-plus's ConfigMap always writes `immutable: false`.
 */
export class HashedConfigMap extends Construct {
  /** The object name, `<namePrefix>-<hash>`. */
  public readonly name: string;
  /** The content hash in the name. */
  public readonly contentHash: string;
  /** The ConfigMap object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HashedConfigMapProps) {
    super(scope, id);
    joinApp(this, KIND, props);
    const data = checkConfigData(this, KIND, 'data', props.data);
    const length = checkInt(this, KIND, 'hashLength', props.hashLength ?? 10, 4, 64);
    this.contentHash = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, length);
    const prefixProp = props.namePrefix === undefined ? 'namePrefix (taken from the construct id)' : 'namePrefix';
    const prefix = checkDnsSubdomain(this, KIND, prefixProp, props.namePrefix ?? id);
    // `<prefix>-<hash>` is a subdomain whenever the prefix is one and the whole fits.
    if (prefix.length + 1 + length > DNS_1123_SUBDOMAIN_MAX) {
      fail(this, KIND, prefixProp, prefix, `a prefix of at most ${DNS_1123_SUBDOMAIN_MAX - 1 - length} characters: the name "<namePrefix>-<${length} hex>" must fit in ${DNS_1123_SUBDOMAIN_MAX}`);
    }
    this.name = `${prefix}-${this.contentHash}`;
    const labels = props.labels === undefined
      ? { [LABEL_NAME]: checkLabelValue(this, KIND, `${prefixProp} (the ${LABEL_NAME} label)`, prefix), [LABEL_INSTANCE]: prefix, [LABEL_MANAGED_BY]: MANAGED_BY }
      : checkLabels(this, KIND, 'labels', props.labels);
    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: this.name,
        labels,
      },
      immutable: true,
      data,
    });
  }
}
