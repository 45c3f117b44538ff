import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namesFilesDistinctly, watchCollisions } from '../core/collisions';
import { checkOutdir, ownSynthesisSpans, synthesisSpan } from '../core/synthesis';
import { ManifestYaml } from './manifest-yaml';

/** `node.findAll()` once per node and synthesis. */
class SubtreeCache {
  private readonly cache = new Map<IConstruct, IConstruct[]>();

  public findAll(c: IConstruct): IConstruct[] {
    let found = this.cache.get(c);
    if (!found) {
      found = c.node.findAll();
      this.cache.set(c, found);
    }
    return found;
  }
}

/**
 * Properties of a GuardrailsApp: those of a cdk8s `App`. A struct of its own, so that
 * languages with builders (Java's `GuardrailsApp.Builder`) build a GuardrailsApp, not an App.
 */
export interface GuardrailsAppProps extends AppProps {}

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
 * runs once per synthesis and `synth()` writes `guardrails-report.json`. A plain cdk8s `App`
 * gets the same from JavaScript only; from other languages use `GuardrailsApp`.
 */
export class GuardrailsApp extends App {
  private readonly recordMetadata: boolean;

  constructor(props: GuardrailsAppProps = {}) {
    super(props);
    // First: anything that observes the app's synthesis must find its spans owned by the class.
    ownSynthesisSpans(this);
    namesFilesDistinctly(this);
    watchCollisions(this);
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
        for (const chart of this.charts) docs.push(...chartJson(chart));
        return ManifestYaml.stringify(docs);
      });
    });
  }

  private writeFiles(): void {
    prepareOutdir(this.outdir);
    const cache = new SubtreeCache();
    this.withRenderedOnce(cache, () => {
      validate(this, cache);
      const hasDependantCharts = resolveDependencies(this, cache);
      const charts = this.charts;
      const ext = this.outputFileExtension;
      switch (this.yamlOutputType) {
        case YamlOutputType.FILE_PER_APP: {
          const docs: any[] = [];
          for (const chart of charts) docs.push(...chartJson(chart));
          if (charts.length > 0) save(path.join(this.outdir, `app${ext}`), docs);
          break;
        }
        case YamlOutputType.FILE_PER_CHART: {
          const name = chartNamer(hasDependantCharts);
          for (const chart of charts) save(path.join(this.outdir, name(chart) + ext), chartJson(chart));
          break;
        }
        case YamlOutputType.FILE_PER_RESOURCE: {
          const manifests = charts.flatMap((chart) => chartJson(chart)).filter((obj) => obj !== undefined);
          const names = resourceFileNames(manifests);
          manifests.forEach((obj, i) => save(path.join(this.outdir, names[i] + ext), [obj]));
          break;
        }
        case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
          const name = chartNamer(hasDependantCharts);
          for (const chart of charts) {
            const dir = path.join(this.outdir, name(chart));
            fs.mkdirSync(dir, { recursive: true });
            const manifests = chartObjects(chart).map((obj) => obj.toJson());
            const names = resourceFileNames(manifests);
            manifests.forEach((obj, i) => save(path.join(dir, names[i] + ext), [obj]));
          }
          break;
        }
        default:
          break;
      }
      if (this.recordMetadata) {
        const resources: { [name: string]: { path: string } } = {};
        for (const obj of this.charts.flatMap(chartObjects)) resources[obj.name] = { path: obj.node.path };
        fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
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
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
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

/** The ApiObjects of a chart (not of nested charts), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
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
  return parts.join('.').replace(/[^0-9a-zA-Z-_.]/g, '');
}

/**
 * File names of per-resource output: `<kind>.<name>` as cdk8s names them, except where two
 * objects would share a file (the same kind and name in two namespaces): those are named
 * `<kind>.<namespace>.<name>`, so no object overwrites another.
 */
function resourceFileNames(manifests: any[]): string[] {
  const plain = manifests.map((m) => resourceFileName(m.kind, m.metadata?.name));
  const count = new Map<string, number>();
  for (const n of plain) count.set(n, (count.get(n) ?? 0) + 1);
  const names = plain.map((n, i) => (count.get(n)! > 1 ? resourceFileName(manifests[i].kind, manifests[i].metadata?.namespace ?? '_', manifests[i].metadata?.name) : n));
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) {
      const m = manifests[i];
      throw new Error(`GuardrailsApp: two objects would be written to ${n}: ${m.kind} "${m.metadata?.name}" in ${m.metadata?.namespace ? `namespace "${m.metadata.namespace}"` : 'no namespace'} twice; give one of them another name.`);
    }
    seen.add(n);
  });
  return names;
}

/** Creates the output directory, with a clear error when a file stands in the way. */
function prepareOutdir(outdir: string): void {
  checkOutdir(outdir);
  fs.mkdirSync(outdir, { recursive: true });
}

function save(file: string, docs: any[]): void {
  fs.writeFileSync(file, ManifestYaml.stringify(docs), { encoding: 'utf8' });
}
