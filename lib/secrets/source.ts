import { createHash } from 'crypto';
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { joinApp } from '../core/collisions';
import { fail } from '../core/errors';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../core/labels';
import { checkDnsSubdomain, checkLabels, checkLabelValue } from '../core/validate';
import { configMapKeyProblem } from '../core/validation/rules';

/**
 * Where a workload's Secret comes from (rule `secret-no-plaintext`): an external store
 * (`ExternalSecretSource`), a sealed value (`SealedSecretSource`) or a Secret that already
 * exists in the cluster (`ExistingSecret`). Workloads read it through their `secrets` prop, as
 * environment variables or files, whatever the source.
 */
export interface ISecretSource extends IConstruct {
  /** Name of the Secret the pods read, in the namespace of the source's chart. */
  readonly secretName: string;
  /** Keys the Secret holds, sorted; empty when they are not known (an existing Secret declared without keys). */
  readonly secretKeys: string[];
  /**
   * Hash (16 hex characters) of the source's identity and version: the store and remote keys
   * with their versions, the sealed data, or the version set by the user. Pods that read the
   * Secret carry it in an annotation, so a change rolls them.
   */
  readonly versionHash: string;
  /**
   * Whether the Secret exists in the cluster independently of the app. A workload names such
   * Secrets in its `guardrails.cdk8s.io/existing-secrets` annotation, so the checker knows they are provided.
   */
  readonly existing: boolean;
}

/** Properties every secret source shares. */
export interface SecretSourceProps {
  /**
   * Name of the Secret (a DNS-1123 subdomain), and of the object that creates it.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Version of the secret's content, set by you (e.g. a rotation date). Changing it rolls the
   * pods that read the Secret, even when nothing else of the source changed.
   * @default - none: only the source's own identity counts
   */
  readonly version?: string;
  /**
   * Labels of the object that creates the Secret (rule `labels`); not for an ExistingSecret,
   * which writes no object.
   * @default - app.kubernetes.io/name and instance set to `name`, managed-by cdk8s
   */
  readonly labels?: { [key: string]: string };
}

/** What a secret source resolved from its shared props. */
export interface ResolvedSource {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly version?: string;
}

/** Validates the shared props: the name, labels and version. */
export function resolveSourceProps(scope: Construct, kind: string, id: string, props: SecretSourceProps): ResolvedSource {
  joinApp(scope, kind, props);
  const nameProp = props.name === undefined ? 'name (taken from the construct id)' : 'name';
  const name = checkDnsSubdomain(scope, kind, nameProp, props.name ?? id);
  if (props.version !== undefined && (typeof props.version !== 'string' || props.version === '')) {
    fail(scope, kind, 'version', props.version, 'a non-empty string, e.g. the date of the last rotation; leave it out when the source alone identifies the content');
  }
  const labels = props.labels === undefined
    ? { [LABEL_NAME]: checkLabelValue(scope, kind, `${nameProp} (the ${LABEL_NAME} label)`, name.slice(0, 63)), [LABEL_INSTANCE]: name.slice(0, 63), [LABEL_MANAGED_BY]: MANAGED_BY }
    : checkLabels(scope, kind, 'labels', props.labels);
  return { name, labels, version: props.version };
}

/** Validates a list of Secret keys given as map keys or a list; returns them sorted. */
export function checkSecretKeys(scope: IConstruct, kind: string, prop: string, keys: string[]): string[] {
  for (const key of keys) checkSecretKey(scope, kind, prop, key);
  return [...keys].sort();
}

/** Validates one Secret key (the API server's rule for ConfigMap and Secret keys). */
export function checkSecretKey(scope: IConstruct, kind: string, prop: string, key: string): string {
  if (configMapKeyProblem(key) !== undefined) {
    fail(scope, kind, prop, key, 'a Secret key of at most 253 characters: letters, digits, \'-\', \'_\' and \'.\', other than "." and ".." and not starting with ".."');
  }
  return key;
}

/** Secrets written by the sources of each app: `<namespace>/<name>` -> path of the source. */
const WRITTEN = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records that the source at `scope` makes Secret `name` in its chart's namespace; two sources
 * making the same Secret would overwrite each other's values, so the second is refused.
 */
export function claimSecretName(scope: IConstruct, kind: string, name: string): void {
  const root = scope.node.root;
  let written = WRITTEN.get(root);
  if (!written) WRITTEN.set(root, written = new Map());
  const ns = namespaceOf(scope);
  const key = `${ns}/${name}`;
  const other = written.get(key);
  if (other !== undefined) {
    fail(scope, kind, 'name', name, `a Secret name no other source of namespace "${ns}" makes: ${other} also makes Secret "${name}", and the two would overwrite each other; give one source another name`);
  }
  written.set(key, scope.node.path);
}

/** The 16-hex hash of a source's identity (deterministic JSON of plain data). */
export function identityHash(identity: unknown): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/** Namespace of the chart of `scope` ('' when the chart sets none). */
export function namespaceOf(scope: IConstruct): string {
  return Chart.of(scope).namespace ?? '';
}
