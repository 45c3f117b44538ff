import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namesFilesDistinctly, watchCollisions } from '../core/collisions';
import { ENVIRONMENT_APPS, environmentFolderMark, fileExtensionError, REPORT_FILE } from '../core/files';
import { allConstructs, checkOutdir, ownSynthesisSpans, synthesisSpan } from '../core/synthesis';
import { hasScopeDefaults, inheritedAt } from '../core/defaults';
import { checkPropsAt } from '../core/shapes';
import { RULE_IDS } from '../practices/catalog';
import { GuardrailsDefaults, GuardrailsDefaultsProps } from './defaults';
import { ManifestYaml } from './manifest-yaml';

/** `node.findAll()` once per node and synthesis (the app's own list shared with the checker's). */
class SubtreeCache {
  private readonly cache = new Map<IConstruct, IConstruct[]>();

  public findAll(c: IConstruct): IConstruct[] {
    let found = this.cache.get(c);
    if (!found) {
      found = c.node.scope === undefined ? allConstructs(c) : c.node.findAll();
      this.cache.set(c, found);
    }
    return found;
  }
}

/**
 * Properties of a GuardrailsApp: those of a cdk8s `App`, and the app-wide defaults of the
 * constructs' opinions. A struct of its own, so that languages with builders (Java's
 * `GuardrailsApp.Builder`) build a GuardrailsApp, not an App.
 * An `outputFileExtension` with '/' or '\\' is an error (files stay inside the outdir), and
 * so is a chart whose file would be the report (`guardrails-report.jsonc`) or `construct-metadata.json`.
 */
export interface GuardrailsAppProps extends AppProps {
  /**
   * Defaults of the constructs' opinions for the whole app (`GuardrailsDefaults.set(app, ...)`):
   * a construct's own prop wins, then a chart's defaults, then these, then the library's.
   * @default - the library defaults
   */
  readonly defaults?: GuardrailsDefaultsProps;
}

/**
 * A cdk8s App that synthesizes in time linear in the size of the app, with the same files
 * (names and bytes) as `App.synth()`.
 *
 * `App.synth()` validates and resolves the dependencies of the whole app once per chart (in
 * every `Chart.toJson()`), so an app with one chart per service takes quadratic time, and
 * writes YAML with the `yaml` package, the largest single cost at scale. This App:
 *
 * - runs every construct validation once per synthesis (the practices checker included);
 * - renders each ApiObject once: during `synth()` and `synthYaml()`, `toJson()` of an
 *   ApiObject is computed on first use and the same manifest is given to validations and
 *   to the writer, so what is written is exactly what was checked;
 * - writes YAML with `ManifestYaml`: the bytes of cdk8s's `Yaml.stringify`, several times
 *   faster, except for the rare strings that cdk8s writes so that they do not read back the
 *   same (see `ManifestYaml`).
 *
 * Every `YamlOutputType`, the output file extension and the construct metadata file are
 * supported as in `App`.
 *
 * All of this is done by the class's own `synth()` and `synthYaml()`, so it holds in every
 * language (Python, Java, .NET, Go) as in TypeScript: the checker of `Guardrails.enforce`
 * runs once per synthesis and `synth()` writes `guardrails-report.jsonc`. A plain cdk8s `App`
 * gets the same from JavaScript only; from other languages use `GuardrailsApp`.
 */
export class GuardrailsApp extends App {
  private readonly recordMetadata: boolean;

  constructor(props: GuardrailsAppProps = {}) {
    checkPropsAt('GuardrailsApp', 'GuardrailsAppProps', props);
    const extensionError = fileExtensionError('GuardrailsApp', props.outputFileExtension);
    if (extensionError !== undefined) throw new Error(extensionError);
    super(props);
    // First: anything that observes the app's synthesis must find its spans owned by the class.
    ownSynthesisSpans(this);
    namesFilesDistinctly(this);
    watchCollisions(this);
    if (props.defaults !== undefined) GuardrailsDefaults.set(this, props.defaults);
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /** Synthesizes all manifests to the output directory. */
  public synth(): void {
    synthesisSpan(this, true, () => this.writeFiles());
  }

  /** Synthesizes the app into one multi-document YAML string. */
  public synthYaml(): string {
    return synthesisSpan(this, false, () => {
      const cache = new SubtreeCache();
      return this.withRenderedOnce(cache, () => {
        resolveDependencies(this, cache);
        validate(this, cache);
        const docs: any[] = [];
        for (const chart of appCharts(this, cache)) docs.push(...chartJson(chart));
        return ManifestYaml.stringify(docs);
      });
    });
  }

  private writeFiles(): void {
    prepareOutdir(this.outdir);
    if (!ENVIRONMENT_APPS.has(this)) refuseEnvironmentFolder(this.outdir);
    const stableNames = ENVIRONMENT_APPS.has(this);
    const save = (file: string, docs: any[], chart?: Chart) => saveInOutdir(this.outdir, file, docs, chart);
    const cache = new SubtreeCache();
    this.withRenderedOnce(cache, () => {
      validate(this, cache);
      const hasDependantCharts = resolveDependencies(this, cache);
      const charts = appCharts(this, cache);
      const ext = this.outputFileExtension;
      switch (this.yamlOutputType) {
        case YamlOutputType.FILE_PER_APP: {
          const docs: any[] = [];
          for (const chart of charts) docs.push(...chartJson(chart));
          // No empty manifest file: `check` and kubectl would find no object in it.
          if (docs.length > 0) save(path.join(this.outdir, `app${ext}`), docs);
          break;
        }
        case YamlOutputType.FILE_PER_CHART: {
          const name = chartNamer(hasDependantCharts);
          for (const chart of charts) {
            // A chart without objects of its own (one holding only nested charts) writes no
            // empty file; the numbering of the others stays as it was.
            const file = name(chart) + ext;
            const docs = chartJson(chart);
            if (docs.length > 0) save(path.join(this.outdir, file), docs, chart);
          }
          break;
        }
        case YamlOutputType.FILE_PER_RESOURCE: {
          const manifests = charts.flatMap((chart) => chartJson(chart)).filter((obj) => obj !== undefined);
          const names = resourceFileNames(manifests, stableNames);
          manifests.forEach((obj, i) => save(path.join(this.outdir, names[i] + ext), [obj]));
          break;
        }
        case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
          const name = chartNamer(hasDependantCharts);
          for (const chart of charts) {
            const dir = path.join(this.outdir, name(chart));
            const manifests = chartObjects(chart).map((obj) => obj.toJson());
            if (manifests.length === 0) continue;
            writing(this.outdir, () => fs.mkdirSync(dir, { recursive: true }));
            const names = resourceFileNames(manifests, stableNames);
            manifests.forEach((obj, i) => save(path.join(dir, names[i] + ext), [obj]));
          }
          break;
        }
        default:
          break;
      }
      if (this.recordMetadata) {
        const resources: { [name: string]: { path: string } } = {};
        for (const obj of charts.flatMap(chartObjects)) resources[obj.name] = { path: obj.node.path };
        writing(this.outdir, () => fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources })));
      }
    });
  }

  /**
   * Runs `fn` with `toJson()` of every ApiObject of the app computed at most once: the
   * validations and the writer share the manifest.
   */
  private withRenderedOnce<T>(cache: SubtreeCache, fn: () => T): T {
    const memoized: ApiObject[] = [];
    for (const c of cache.findAll(this)) {
      if (!ApiObject.isApiObject(c) || Object.prototype.hasOwnProperty.call(c, 'toJson')) continue;
      const render = c.toJson;
      let manifest: any;
      let rendered = false;
      Object.defineProperty(c, 'toJson', {
        configurable: true,
        writable: true,
        value: () => {
          if (!rendered) {
            manifest = render.call(c);
            rendered = true;
          }
          return manifest;
        },
      });
      memoized.push(c);
    }
    try {
      return fn();
    } finally {
      for (const c of memoized) delete (c as any).toJson;
    }
  }
}

// What follows mirrors cdk8s's app.ts (module-private there), run once per synthesis.

function validate(app: App, cache: SubtreeCache): void {
  const errors: string[] = [];
  for (const child of cache.findAll(app)) {
    // The app itself has no path: its errors (app-wide enforcement) need no empty "[]".
    for (const error of child.node.validate()) errors.push(child.node.path === '' ? error : `[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${[...errors, ...defaultSkipNotes(app, cache, errors)].join('\n  ')}`);
  }
}

/**
 * A rule that the defaults of a scope skip (`GuardrailsDefaults` `skip`) and that an object
 * under that scope still breaks: the object was not made by a construct of the library, which
 * is all such a default reaches. One note per scope and rule says how to switch it off for
 * every object, so that the error does not read as the default being ignored.
 */
function defaultSkipNotes(app: App, cache: SubtreeCache, errors: readonly string[]): string[] {
  const notes: string[] = [];
  const lines = errors.flatMap((e) => e.split('\n')).map((l) => l.trim().replace(/^\[[^\]]*\] /, ''));
  for (const scope of cache.findAll(app).filter(hasScopeDefaults)) {
    const at = scope.node.path;
    for (const [rule, reason] of Object.entries(inheritedAt([scope], [], RULE_IDS).skip)) {
      const hit = lines.find((l) => l.startsWith(`${rule}: `) && (at === '' || l.includes(` at ${at}/`)));
      if (hit === undefined) continue;
      const object = hit.slice(rule.length + 2).split(' at ')[0];
      notes.push(`note: ${rule} is skipped by the defaults of ${at === '' ? 'the app' : `'${at}'`} (skip.${rule}: ${JSON.stringify(reason)}), `
        + `which reach the constructs of the library only, and ${object} was made otherwise (Include, Helm, ApiObject): switch the rule off for every object with `
        + `Guardrails.enforce(scope, { disabledRules: { '${rule}': '<reason>' } }) (for Environments, enforceOptions.disabledRules), or on the object with Guardrails.skip(object, '${rule}', '<reason>')`);
    }
  }
  return notes;
}

function dependencies(app: App, cache: SubtreeCache): Array<{ source: IConstruct; target: IConstruct }> {
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const child of cache.findAll(app)) {
    for (const dep of child.node.dependencies) deps.push({ source: child, target: dep });
  }
  return deps;
}

function resolveDependencies(app: App, cache: SubtreeCache): boolean {
  let hasDependantCharts = false;
  // an explicit chart dependency from nested chart relationships
  for (const parentChart of cache.findAll(app).filter((x) => x instanceof Chart)) {
    for (const childChart of parentChart.node.children.filter((x) => x instanceof Chart)) {
      parentChart.node.addDependency(childChart);
      hasDependantCharts = true;
    }
  }
  // an explicit chart dependency from implicit construct dependencies
  for (const dep of dependencies(app, cache)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  // explicit ApiObject dependencies from implicit construct dependencies
  for (const dep of dependencies(app, cache)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    const targets = cache.findAll(dep.target).filter((c) => c instanceof ApiObject).filter((x) => Chart.of(x) === targetChart);
    const sources = cache.findAll(dep.source).filter((c) => c instanceof ApiObject).filter((x) => Chart.of(x) === sourceChart);
    for (const target of targets) {
      for (const source of sources) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }
  return hasDependantCharts;
}

/** A path that an object's keys put first, in numeric order: an array index ("0", "12"). */
function indexLike(p: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(p) && Number(p) < 4294967295;
}

/**
 * `new DependencyGraph(scope.node).topology()`, where `subtree` is `scope.node.findAll()`.
 * When no construct of the subtree has a dependency, the graph has no edge and gives its
 * vertices in the order of the object that it keys by path: `subtree`'s, but for index-like
 * paths, which come first in numeric order. That order is given without building the graph.
 */
function dependencyOrder(scope: IConstruct, subtree: IConstruct[]): IConstruct[] {
  if (subtree.some((c) => c.node.dependencies.length > 0)) return new DependencyGraph(scope.node).topology();
  const first = subtree.filter((c) => indexLike(c.node.path));
  if (first.length === 0) return subtree;
  first.sort((a, b) => Number(a.node.path) - Number(b.node.path));
  return [...first, ...subtree.filter((c) => !indexLike(c.node.path))];
}

/** The charts of the app in dependency order, as `App.charts` gives them. */
function appCharts(app: App, cache: SubtreeCache): Chart[] {
  // A subclass that defines its own `charts` keeps them.
  if (Object.getOwnPropertyDescriptor(App.prototype, 'charts')?.get !== lookupGetter(app, 'charts')) return app.charts;
  return dependencyOrder(app, cache.findAll(app)).filter((x): x is Chart => x instanceof Chart);
}

function lookupGetter(obj: object, name: string): (() => unknown) | undefined {
  for (let p = obj; p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d.get;
  }
  return undefined;
}

/** The ApiObjects of a chart (not of nested charts), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return dependencyOrder(chart, chart.node.findAll())
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}

/** The manifests of a chart, as `chart.toJson()` returns them, without its app-wide work. */
function chartJson(chart: Chart): any[] {
  // A chart that overrides toJson() keeps its own rendering.
  if (chart.toJson !== Chart.prototype.toJson) return Object.values(chart.toJson());
  return chartObjects(chart).map((obj) => obj.toJson());
}

function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => indexed
    ? `${(index++).toString().padStart(4, '0')}-${Names.toDnsLabel(chart)}`
    : Names.toDnsLabel(chart);
}

function resourceFileName(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined).join('.').replace(/[^0-9a-zA-Z-_.]/g, '');
}

/** The API group of a manifest ('' for the core group). */
function groupOf(m: any): string {
  const v = typeof m.apiVersion === 'string' ? m.apiVersion : '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

/**
 * File names of per-resource output: `<kind>.<name>` as cdk8s names them (in an environment
 * of `Environments`, `<kind>.<namespace>.<name>` for every object with a namespace, so that
 * a name does not change when another namespace appears), except where two
 * objects would share a file: the same kind and name in two API groups are named
 * `<kind>.<group>.<name>` (`core` for the core group), in two namespaces
 * `<kind>.<namespace>.<name>` (both when both differ), so no object overwrites another.
 * @throws when two objects have the same group, kind, namespace and name
 */
function resourceFileNames(manifests: any[], withNamespace: boolean): string[] {
  const plain = manifests.map((m) => withNamespace && m.metadata?.namespace
    ? resourceFileName(m.kind, m.metadata.namespace, m.metadata?.name)
    : resourceFileName(m.kind, m.metadata?.name));
  const sharing = new Map<string, any[]>();
  plain.forEach((n, i) => sharing.set(n, [...(sharing.get(n) ?? []), manifests[i]]));
  const differ = (list: any[], of: (m: any) => string) => new Set(list.map(of)).size > 1;
  const names = plain.map((n, i) => {
    const list = sharing.get(n)!;
    if (list.length === 1) return n;
    const m = manifests[i];
    const group = differ(list, groupOf) ? groupOf(m) || 'core' : undefined;
    const ns = withNamespace || differ(list, (x) => x.metadata?.namespace ?? '') || !differ(list, groupOf) ? m.metadata?.namespace ?? '_' : undefined;
    return resourceFileName(m.kind, group, ns, m.metadata?.name);
  });
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) {
      const m = manifests[i];
      throw new Error(`GuardrailsApp: two objects would be written to ${n}: ${m.kind} "${m.metadata?.name}" of API group "${groupOf(m) || 'core'}" in ${m.metadata?.namespace ? `namespace "${m.metadata.namespace}"` : 'no namespace'} twice; give one of them another name.`);
    }
    seen.add(n);
  });
  return names;
}

/**
 * A folder that an `Environments` wrote (its report says so) holds one environment's
 * manifests, which the next synthesis of that Environments replaces: an app of its own
 * writing there would replace some of them and mix with the rest, so it is refused.
 */
function refuseEnvironmentFolder(outdir: string): void {
  const mark = environmentFolderMark(outdir);
  if (mark === undefined) return;
  throw new Error(`GuardrailsApp: cannot write the manifests to the outdir ${JSON.stringify(outdir)}: it is the folder ${JSON.stringify(mark.folder)} of Environments ${JSON.stringify(mark.app)} (its ${REPORT_FILE} says so), and this app would replace or mix with that environment's manifests; give this app another outdir, or build it as an environment (add it to the definition, or Environments.buildApp).`);
}

/** Creates the output directory, with a clear error when a file stands in the way. */
function prepareOutdir(outdir: string): void {
  checkOutdir(outdir);
  writing(outdir, () => fs.mkdirSync(outdir, { recursive: true }));
}

/**
 * Runs a write into `outdir`, turning the file system's refusal (no permission, a read-only
 * file system, no space) into an error that names the outdir and the cause.
 */
function writing(outdir: string, write: () => void): void {
  try {
    write();
  } catch (e: any) {
    const code = typeof e?.code === 'string' ? e.code : undefined;
    if (code === undefined) throw e;
    const causes: { [code: string]: string } = {
      EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOSPC: 'no space left on the device', ENOENT: 'no such file or directory', ENOTDIR: 'a path component is not a directory', ENAMETOOLONG: 'a file name is too long',
    };
    throw new Error(`GuardrailsApp: cannot write the manifests to the outdir ${JSON.stringify(outdir)}: ${causes[code] ?? code} (${code}${e.path ? ` at ${JSON.stringify(e.path)}` : ''}); choose an outdir this program can create and write (App props \`outdir\`, or CDK8S_OUTDIR).`);
  }
}

/** Files the app writes next to the manifests: no manifest may take their names. */
const RESERVED_FILES = [REPORT_FILE, 'construct-metadata.json'];

/**
 * Writes manifests to `file`, which must be inside `outdir` and not one of the files the app
 * writes besides the manifests (`chart` names the chart whose file it is).
 */
function saveInOutdir(outdir: string, file: string, docs: any[], chart?: Chart): void {
  const relative = path.relative(outdir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`GuardrailsApp: invalid output file ${JSON.stringify(file)}; expected a file inside the outdir ${JSON.stringify(outdir)}.`);
  }
  if (RESERVED_FILES.includes(relative)) {
    const what = chart ? `chart at '${chart.node.path}' (file ${relative})` : `file ${relative}`;
    throw new Error(`GuardrailsApp: invalid ${what}; expected a manifest file name other than ${RESERVED_FILES.join(' and ')}, which the app writes itself (the report of Guardrails.enforce and the construct metadata): give the chart another id or use another outputFileExtension.`);
  }
  const text = ManifestYaml.stringify(docs);
  writing(outdir, () => fs.writeFileSync(file, text, { encoding: 'utf8' }));
}

