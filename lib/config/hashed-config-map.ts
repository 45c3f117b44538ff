import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { checkConfigKey, checkDnsSubdomain } from '../core/validate';

/** Properties of a HashedConfigMap. */
export interface HashedConfigMapProps {
  /**
   * Name prefix; the object is named `<namePrefix>-<hash>`.
   * @default - the construct id
   */
  readonly namePrefix?: string;
  /**
   * The data. Keys are ConfigMap keys (letters, digits, '-', '_' and '.').
   */
  readonly data: { [key: string]: string };
  /**
   * Labels for the object.
   * @default - app.kubernetes.io/name and instance set to `namePrefix`, managed-by cdk8s
   */
  readonly labels?: { [key: string]: string };
  /**
   * Number of hex characters of the SHA-256 content hash in the name.
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
    const keys = Object.keys(props.data).sort();
    const data: { [key: string]: string } = {};
    for (const key of keys) {
      checkConfigKey(this, KIND, `data key`, key);
      data[key] = String(props.data[key]);
    }
    const length = props.hashLength ?? 10;
    this.contentHash = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, length);
    const prefix = props.namePrefix ?? id;
    this.name = checkDnsSubdomain(this, KIND, 'namePrefix', `${prefix}-${this.contentHash}`);
    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: props.labels ?? { [LABEL_NAME]: prefix, [LABEL_INSTANCE]: prefix, [LABEL_MANAGED_BY]: MANAGED_BY },
      },
      immutable: true,
      data,
    });
  }
}
