import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { fail } from '../core/errors';
import { checkBoolean, checkConfigData, checkDnsSubdomain, checkInt, checkLabels, checkLabelValue, DNS_1123_SUBDOMAIN_MAX } from '../core/validate';
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
  /**
   * Keep GitOps tools from pruning the object once a release no longer has it: annotate it
   * so that Argo CD never prunes it and does not count it as out of sync
   * (`argocd.argoproj.io/sync-options: Prune=false`,
   * `argocd.argoproj.io/compare-options: IgnoreExtraneous`) and Flux's kustomize-controller
   * never prunes it (`kustomize.toolkit.fluxcd.io/prune: disabled`). Every release names the
   * config by a new hash and drops the previous one from the output; without this, a tool
   * that prunes deletes it, and the pods of the previous ReplicaSet and any rollback then
   * fail to start. The cost: old generations stay in the cluster until deleted by hand (they
   * carry the object's labels, so `kubectl delete configmap -l <labels>` after the rollback
   * window, keeping the names the workloads use). `false` when nothing prunes, or a prune
   * should take the old generations.
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
   * @default true (rule `config-immutable`: a rollback finds the config it needs)
   */
  readonly pruneProtection?: boolean;
}

const KIND = 'HashedConfigMap';

/** The annotations that keep Argo CD and Flux from pruning a generation a rollback needs. */
const PRUNE_PROTECTION: { readonly [key: string]: string } = {
  'argocd.argoproj.io/compare-options': 'IgnoreExtraneous',
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/**
 * An immutable ConfigMap named by a hash of its content (rule `config-immutable`).
 * Changing the data makes a new object with a new name, so the pods that reference it roll,
 * and a rollback returns to the old object, which still exists: GitOps tools that prune
 * leave it in place (`pruneProtection`). The library renders the
 * object itself: cdk8s-plus's ConfigMap always writes `immutable: false`.
 */
export class HashedConfigMap extends Construct {
  /**
   * The annotations of `pruneProtection`: Argo CD's `Prune=false` sync option and
   * `IgnoreExtraneous` compare option, and Flux's `prune: disabled`. Add them to any other
   * object that must outlive the release that dropped it.
   */
  public static get pruneProtectionAnnotations(): { [key: string]: string } {
    return { ...PRUNE_PROTECTION };
  }

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
    const pruneProtection = checkBoolean(this, KIND, 'pruneProtection', props.pruneProtection) ?? true;
    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: this.name,
        labels,
        ...(pruneProtection ? { annotations: { ...PRUNE_PROTECTION } } : {}),
      },
      immutable: true,
      data,
    });
  }
}
