import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ClusterScopedKinds, clusterScopedKindsOfCrds } from './cluster-scoped-objects';
import { onConstructCreated } from './construct-hooks';
import { errorText, fail } from './errors';
import { checkProps } from './shapes';
import { fileExtensionError } from './files';
import { allApiObjects, inSynthesis, memoDuringSynth, watchSynthesis } from './synthesis';

/**
 * Name collisions between generated objects, found at synthesis: two objects with the same
 * API group, kind, namespace and name are one object for the API server, and applying both
 * keeps only the last (a workload named `default-deny` would replace the namespace's
 * default-deny NetworkPolicy). cert-manager writes TLS Secrets: a Certificate counts as the
 * writer of its `spec.secretName`, and an Ingress with an issuer annotation of each of its
 * `spec.tls[].secretName`, so two of them writing one Secret collide too.
 *
 * The check runs as a validation of the App (on `App.synth()`, `synthYaml()`, `cdk8s synth`,
 * plain `App` or `GuardrailsApp`) and of each Chart that holds a library construct (for
 * `Testing.synth(chart)`, which validates only the chart); each collision is reported once.
 */

/** An object as the API server identifies it, and who writes it. */
interface Identity {
  readonly key: string;
  readonly describe: string;
  readonly path: string;
  readonly kind: string;
  readonly name: string;
  readonly chart: Chart;
  /** The file a plain cdk8s App writes it to in the per-resource output types. */
  readonly file: string;
}

const WATCHED = new WeakSet<IConstruct>();
/** Apps that name per-resource files so that objects of two namespaces never share one. */
const DISTINCT_FILES = new WeakSet<IConstruct>();

/** Marks an App whose per-resource files never collide (GuardrailsApp). */
export function namesFilesDistinctly(app: App): void {
  DISTINCT_FILES.add(app);
}

/**
 * Makes the app of `scope`, and the chart of `scope`, check for name collisions when they
 * are synthesized. Every library construct calls it; calling it again costs nothing.
 */
export function watchCollisions(scope: IConstruct): void {
  const root = scope.node.root;
  watchSynthesis(root);
  if (!WATCHED.has(root)) {
    WATCHED.add(root);
    root.node.addValidation({ validate: () => collisionErrors(root, undefined) });
  }
  const chart = chartOf(scope);
  if (chart && !WATCHED.has(chart)) {
    WATCHED.add(chart);
    // During an app synthesis the App reports; alone (`Testing.synth(chart)`) the chart does.
    chart.node.addValidation({ validate: () => (inSynthesis(chart) ? [] : collisionErrors(root, chart)) });
  }
}

onConstructCreated(watchCollisions);

function chartOf(c: IConstruct): Chart | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (Chart.isChart(s)) return s;
  }
  return undefined;
}

/** The namespace an object lands in: its own, or that of the nearest Chart with one. */
export function effectiveNamespace(obj: ApiObject): string | undefined {
  if (obj.metadata.namespace !== undefined) return obj.metadata.namespace;
  for (let s: IConstruct | undefined = obj.node.scope; s; s = s.node.scope) {
    if (Chart.isChart(s) && s.namespace !== undefined) return s.namespace;
  }
  return undefined;
}

function identities(root: IConstruct): Identity[] {
  const objects = allApiObjects(root);
  const kinds = new ClusterScopedKinds([]);
  kinds.addQualified(clusterScopedKindsOfCrds(root));
  const out: Identity[] = [];
  for (const obj of objects) {
    const chart = chartOf(obj);
    if (!chart) continue;
    const group = obj.apiGroup || 'core';
    const ns = kinds.has(obj) ? undefined : effectiveNamespace(obj);
    const where = ns === undefined ? '' : ` in namespace "${ns}"`;
    const file = `${obj.kind}.${obj.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
    out.push({
      key: `${group}/${obj.kind}/${ns ?? ''}/${obj.name}`, describe: `${obj.kind} "${obj.name}"${where}`,
      path: obj.node.path, kind: obj.kind, name: obj.name, chart, file,
    });
    for (const secretName of certificateSecrets(obj, group)) {
      out.push({
        key: `core/Secret/${ns ?? ''}/${secretName}`, describe: `Secret "${secretName}"${where} (written by cert-manager)`,
        path: obj.node.path, kind: 'Secret', name: secretName, chart, file: '',
      });
    }
  }
  return out;
}

const ISSUER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/**
 * The TLS Secrets cert-manager writes for an object: a Certificate's `spec.secretName`, and
 * the `spec.tls[].secretName` of an Ingress annotated with an issuer (cert-manager makes a
 * Certificate for each).
 */
function certificateSecrets(obj: ApiObject, group: string): string[] {
  if (group === 'cert-manager.io' && obj.kind === 'Certificate') {
    const name = (obj.toJson() as any)?.spec?.secretName;
    return typeof name === 'string' ? [name] : [];
  }
  if (group === 'networking.k8s.io' && obj.kind === 'Ingress') {
    const json = obj.toJson() as any;
    const annotations = json?.metadata?.annotations ?? {};
    if (!ISSUER_ANNOTATIONS.some((a) => a in annotations)) return [];
    const names = ((json?.spec?.tls ?? []) as any[]).map((t) => t?.secretName).filter((n): n is string => typeof n === 'string');
    return [...new Set(names)];
  }
  return [];
}

/** Collisions involving objects of `chart` (or of the whole app), one message each. */
function collisionErrors(root: IConstruct, chart: Chart | undefined): string[] {
  const all = memoDuringSynth(root, 'name-collisions', () => identities(root));
  const errors: string[] = [];
  const first = new Map<string, Identity>();
  for (const id of all) {
    const earlier = first.get(id.key);
    if (!earlier) {
      first.set(id.key, id);
      continue;
    }
    if (chart !== undefined && id.chart !== chart) continue;
    const verb = earlier.file === '' ? 'also writes' : 'is also';
    errors.push(errorText(`${id.kind} at '${id.path}'`, 'name', id.name,
      `a name that no other object of the app uses: '${earlier.path}' ${verb} ${earlier.describe}, `
      + 'and the API server keeps one object per kind, namespace and name, so applying both keeps only the last; give one of them another name'));
  }
  if (chart === undefined && root instanceof App && !DISTINCT_FILES.has(root)) {
    // GuardrailsApp checks these in its constructor and when it writes.
    const ext = fileExtensionError('App', root.outputFileExtension);
    if (ext !== undefined) errors.push(ext);
    errors.push(...fileErrors(root, all));
  }
  return errors;
}

/** A plain App writes per-resource files named `<kind>.<name>` only: objects of two namespaces would share one. */
function fileErrors(app: App, all: Identity[]): string[] {
  const type = app.yamlOutputType;
  if (type !== YamlOutputType.FILE_PER_RESOURCE && type !== YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) return [];
  const errors: string[] = [];
  const seen = new Map<string, Identity>();
  const reported = new Set<string>();
  for (const id of all) {
    if (id.file === '') continue;
    const file = type === YamlOutputType.FILE_PER_RESOURCE ? id.file : `${id.chart.node.path}/${id.file}`;
    const earlier = seen.get(file);
    if (!earlier) {
      seen.set(file, id);
      continue;
    }
    if (earlier.key === id.key || reported.has(id.path)) continue; // a name collision, reported already
    reported.add(id.path);
    errors.push(errorText(`${id.kind} at '${id.path}'`, 'name', id.name,
      `a name that no other ${id.kind} of the app uses with YamlOutputType.${type === YamlOutputType.FILE_PER_RESOURCE ? 'FILE_PER_RESOURCE' : 'FOLDER_PER_CHART_FILE_PER_RESOURCE'}: `
      + `'${earlier.path}' (${earlier.describe}) is written to the same file ${id.file}${app.outputFileExtension}, which keeps only the last; `
      + 'synthesize with GuardrailsApp (which adds the namespace to such file names), or give one of them another name'));
  }
  return errors;
}

/**
 * Fails unless `scope` is inside a Chart: ApiObjects need one, and cdk8s's own error ("cannot
 * find a parent chart") names neither the construct nor the fix.
 */
export function requireChart(scope: IConstruct, kind: string): void {
  if (chartOf(scope) === undefined) {
    const parent = scope.node.scope;
    fail(scope, kind, 'scope', parent?.node.path || parent?.node.id || '(the App)',
      `a Chart, or a construct inside one: create it in a Chart (new Chart(app, 'prod'), an IsolatedNamespace), not directly under the App`);
  }
}

/**
 * What every library construct does first: check that it is inside a Chart, check the type
 * and shape of its props against the struct `<kind>Props` (or `struct`), and make the app
 * check for name collisions when it is synthesized.
 */
export function joinApp(scope: IConstruct, kind: string, props: unknown, struct = `${kind}Props`): void {
  requireChart(scope, kind);
  checkProps(scope, kind, struct, props);
  watchCollisions(scope);
}
