import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { failAt, show } from '../core/errors';
import { ENVIRONMENT_APPS, ENVIRONMENT_MARK_KEY, environmentFolderMark, EnvironmentFolderMark } from '../core/files';
import { checkOutdir } from '../core/synthesis';
import { checkAt, dns1123LabelProblem, listOf, unknownKeyProblem } from '../core/validate';
import { GuardrailsApp, GuardrailsAppProps } from '../app/guardrails-app';
import { KubernetesVersion } from '../pods/version';
import { Guardrails } from '../practices/guardrails';
import { REPORT_FILE } from '../practices/model';
import { GuardrailsOptions } from '../practices/types';
import { applicationName, ArgoCdOptions, checkApplicationNames, repoPathOf, ResolvedArgoCd, resolveArgoCd, writeApplications } from './argo-cd';
import { BuiltEnvironment, checkDestinations, checkSharedObjects } from './destinations';
import { checkSameKeys, checkSameSettings, Environment, resolveSettings, unreadKeys } from './environment';
import { EnvironmentSettings } from './settings';

/**
 * What an app is made of in one environment: called once per environment with a fresh
 * GuardrailsApp (target Kubernetes version set, checker enforced) and the environment's
 * settings. In TypeScript, an object literal `{ define: (app, env) => { ... } }` does.
 */
export interface IEnvironmentDefinition {
  /**
   * Adds the app's charts and constructs to `app` for `environment`.
   * @param app the environment's app; `synth()` writes its files to `environment.outdir`
   *   once every environment has been built and checked
   * @param environment the environment's checked settings
   */
  define(app: Construct, environment: Environment): void;
}

/** Properties of Environments. */
export interface EnvironmentsProps {
  /** Name of the app: a DNS-1123 label; the default namespace and Argo CD Application prefix. */
  readonly app: string;
  /** The environments, in output order; names are unique. */
  readonly environments: EnvironmentSettings[];
  /**
   * The folder that holds one folder per environment.
   * Two `Environments` of one program may not share a folder, nor write inside one
   * another's: `synth()` refuses it, naming both.
   * @default - `<$CDK8S_OUTDIR or dist>/<app>`, so the environments are `dist/<app>/<environment>/`
   */
  readonly outdir?: string;
  /**
   * Properties of each environment's GuardrailsApp (`outdir` is the environment's folder
   * and cannot be set here). `defaults.kubernetesVersion` is the version of the environments
   * that do not set `kubernetesVersion`; `defaults.allowedRegistries` wins over the
   * environments' `registry` as the registries workloads may pull from.
   * `yamlOutputType` `FOLDER_PER_CHART_FILE_PER_RESOURCE` is refused: an environment folder
   * holds its manifests directly, as `kubectl apply -f <folder>` and Argo CD read it. The construct metadata file (`construct-metadata.json`)
   * is not written into the environment folders unless `recordConstructMetadata` is true here:
   * `kubectl apply -f <folder>` refuses a file that is not a Kubernetes object.
   * @default - GuardrailsApp's defaults
   */
  readonly appProps?: GuardrailsAppProps;
  /**
   * Check every object of every environment against the catalog (`Guardrails.enforce` on
   * each environment's app, so a violation fails the synth).
   * Without it, each environment folder still gets a report file (with no scope checked),
   * so that `check dist` checks each environment as its own app.
   * @default true
   */
  readonly enforce?: boolean;
  /**
   * Options of the checker enforced on every environment's app (`Guardrails.enforce(app,
   * enforceOptions)`): profile, `disabledRules` with their reasons, external secrets. A
   * definition may still enforce other options on a Chart of its own.
   * @default - the checker's defaults (profile restricted)
   */
  readonly enforceOptions?: GuardrailsOptions;
  /**
   * Print nothing. Otherwise `synth()` prints to stderr, for each environment, the folder
   * and files written, the objects by kind and the rules suppressed with their reasons, the
   * objects they are on and the violations they hide, and a warning for a skip that hides
   * no violation.
   * @default false
   */
  readonly quiet?: boolean;
  /**
   * Also write an Argo CD Application per environment, into `<outdir>/<argoCd.folder>/`.
   * @default - no Argo CD Applications
   */
  readonly argoCd?: ArgoCdOptions;
}

const KEYS: readonly string[] = ['app', 'environments', 'outdir', 'appProps', 'enforce', 'enforceOptions', 'quiet', 'argoCd'];

/** The Argo CD Applications (`<namespace>/<name>` to environment) each Environments of the program writes. */
const APPLICATIONS = new Map<Environments, ReadonlyMap<string, string>>();

/** The folders (absolute) that each Environments of the program has synthesized, or is synthesizing. */
const CLAIMED = new Map<Environments, ReadonlyArray<{ readonly folder: string; readonly what: string }>>();

/** Whether `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * One app definition, every environment (rule `environments`): the typed settings of each
 * environment (dev, staging, prod, or the clusters of a blue/green pair such as prod-a and
 * prod-b) are checked together when this is constructed, then `synth()` builds and checks
 * every environment, and only when all passed writes each into `<outdir>/<environment>/`,
 * and optionally an Argo CD Application per environment into `<outdir>/argocd/`.
 *
 * Errors name the environment and the key: a misspelt or missing key in one environment
 * (every environment declares the same keys and gives the same one-value settings), a bad
 * value, or a definition that reads a key no environment declares. Every error of building
 * or checking an environment names the environment.
 */
export class Environments {
  /** @internal Forgets the folders and Application names claimed so far: a new program, as tests see it. */
  public static _forgetClaims(): void {
    CLAIMED.clear();
    APPLICATIONS.clear();
  }

  /** Name of the app. */
  public readonly app: string;
  /** The folder that holds the environment folders. */
  public readonly outdir: string;
  /** Every environment, in declaration order. */
  public readonly all: Environment[];

  private readonly appProps: GuardrailsAppProps;
  private readonly enforce: boolean;
  private readonly enforceOptions?: GuardrailsOptions;
  private readonly quiet: boolean;
  private readonly argoCd?: ResolvedArgoCd;

  /**
   * @throws when a setting is invalid, a name repeats, or a keyed setting is declared by
   *   some environments and not others
   */
  constructor(props: EnvironmentsProps) {
    const typo = unknownKeyProblem(props, KEYS);
    if (typo !== undefined) failAt('Environments', typo, (props as any)[typo], `one of the properties ${listOf(KEYS)}`);
    const where = `Environments ${show(props.app)}`;
    this.app = checkAt(where, 'app', props.app, dns1123LabelProblem(props.app));
    if (!Array.isArray(props.environments) || props.environments.length === 0) {
      failAt(where, 'environments', props.environments, 'at least one EnvironmentSettings');
    }
    if (props.appProps?.outdir !== undefined) {
      failAt(where, 'appProps.outdir', props.appProps.outdir, 'no outdir: each environment writes to <outdir>/<environment>; set outdir instead');
    }
    if (props.appProps?.yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) {
      failAt(where, 'appProps.yamlOutputType', 'FOLDER_PER_CHART_FILE_PER_RESOURCE',
        'FILE_PER_CHART (the default), FILE_PER_RESOURCE or FILE_PER_APP: an environment folder holds its manifests directly, since `kubectl apply -f <folder>` and an Argo CD Application read no subfolder; for one file per object use FILE_PER_RESOURCE');
    }
    if (props.enforce !== undefined && typeof props.enforce !== 'boolean') failAt(where, 'enforce', props.enforce, 'true or false');
    if (props.enforceOptions !== undefined) {
      if (props.enforceOptions === null || typeof props.enforceOptions !== 'object') failAt(where, 'enforceOptions', props.enforceOptions, 'GuardrailsOptions, such as { disabledRules: { "replicas-min": "one replica in dev" } }');
      if (props.enforce === false) failAt(where, 'enforceOptions', props.enforceOptions, 'no checker options when enforce is false: remove one of the two');
    }
    this.outdir = props.outdir ?? path.join(process.env.CDK8S_OUTDIR ?? 'dist', this.app);
    this.appProps = props.appProps ?? {};
    this.enforce = props.enforce ?? true;
    this.enforceOptions = props.enforceOptions;
    if (props.quiet !== undefined && typeof props.quiet !== 'boolean') failAt(where, 'quiet', props.quiet, 'true or false');
    this.quiet = props.quiet ?? false;
    const resolved = props.environments.map((s) => resolveSettings(this.app, s));
    const seen = new Set<string>();
    for (const s of resolved) {
      if (seen.has(s.name)) failAt(where, 'environments', s.name, 'unique environment names: each is a folder of its own');
      seen.add(s.name);
    }
    checkSameKeys(this.app, resolved);
    checkSameSettings(this.app, resolved, this.appProps.defaults?.kubernetesVersion !== undefined);
    if (props.argoCd !== undefined) {
      const argoCd = resolveArgoCd(this.app, props.argoCd, repoPathOf(this.outdir));
      if (seen.has(argoCd.folder)) {
        failAt(where, 'argoCd.folder', argoCd.folder, 'a folder that is not also an environment: rename the environment or set argoCd.folder');
      }
      checkApplicationNames(this.app, resolved.map((s) => s.name));
      this.argoCd = argoCd;
    }
    checkDestinations(this.app, resolved, props.argoCd !== undefined);
    const appVersion = this.appProps.defaults?.kubernetesVersion;
    this.all = resolved.map((s) => Environment._of(this.app, path.join(this.outdir, s.name), s, appVersion));
  }

  /**
   * The environment of that name.
   * @throws when there is none
   */
  public environment(name: string): Environment {
    const env = this.all.find((e) => e.name === name);
    if (env === undefined) {
      failAt(`Environments ${show(this.app)}`, 'environment', name, `one of ${listOf(this.all.map((e) => e.name))}`);
    }
    return env;
  }

  /**
   * Builds one environment without synthesizing it: a GuardrailsApp writing to the
   * environment's folder, its target Kubernetes version set, the environment's `registry`
   * as the default `allowedRegistries` of its workloads (unless `appProps.defaults` gives
   * them), the checker enforced (unless `enforce` is false), and `definition` applied.
   * Tests use it; `synth()` uses it for every environment.
   * @throws when there is no environment of that name, or the definition fails (the error
   *   names the environment)
   */
  public buildApp(name: string, definition: IEnvironmentDefinition): GuardrailsApp {
    return this.build(this.environment(name), definition, this.environment(name).outdir);
  }

  /**
   * The app of the Argo CD Applications, one per environment, writing to
   * `<outdir>/<argoCd.folder>`; undefined without `argoCd`.
   */
  public buildArgoCd(): GuardrailsApp | undefined {
    return this.argoCd === undefined ? undefined : this.buildArgoCdAt(path.join(this.outdir, this.argoCd.folder));
  }

  /**
   * Builds, checks and synthesizes every environment, in declaration order, and the Argo CD
   * Applications if `argoCd` is set; then, when all of them passed, writes each into
   * `<outdir>/<environment>/` (and `<outdir>/<argoCd.folder>/`). When any fails, nothing is
   * written, and the error names the environment.
   *
   * Each folder's report lists the files written there (`writtenBy`): the next synthesis of
   * the app removes those files before writing, so that nothing removed stays; files it did
   * not write are left. A folder directly under `outdir` whose report names this app but no
   * longer one of its environments is removed the same way (its listed files, its report,
   * then the folder if empty). A warning names each declared key the definition read in no
   * environment.
   * @throws when a folder is one that another Environments of the program writes, is inside
   *   it or holds it, or one whose report names another app (naming both); when two
   *   Environments of the program write Argo CD Applications of one name; when two
   *   environments on one cluster write one object or serve one Ingress host (naming both
   *   and the object or host); the first error of any environment (definition or
   *   checker), prefixed with `Environments "<app>", environment "<name>": `
   */
  public synth(definition: IEnvironmentDefinition): void {
    const targets = this.all.map((env) => ({ folder: env.outdir, name: env.name, what: `environment ${show(env.name)}` }));
    if (this.argoCd !== undefined) targets.push({ folder: path.join(this.outdir, this.argoCd.folder), name: this.argoCd.folder, what: 'the Argo CD Applications' });
    this.claim(targets);
    if (this.argoCd !== undefined) this.claimApplications(this.argoCd);
    for (const t of targets) {
      this.named(t.what, () => checkOutdir(t.folder));
      this.checkOwner(t.folder, t.name, t.what);
    }
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), `${this.app}-`));
    const summaries: string[] = [];
    const skips = new Map<string, SkipGroup>();
    try {
      const staged: Array<{ stage: string; folder: string; name: string }> = [];
      const built: BuiltEnvironment[] = [];
      for (const env of this.all) {
        const stage = path.join(staging, env.name);
        const app = this.build(env, definition, stage);
        this.named(`environment ${show(env.name)}`, () => app.synth());
        this.finish(stage);
        staged.push({ stage, folder: env.outdir, name: env.name });
        built.push({ name: env.name, namespace: env.namespace, cluster: env.cluster, objects: stagedManifests(stage) });
        summaries.push(synthSummary(`${this.app}/${env.name}`, stage, env.outdir, this.enforce, skips));
      }
      checkSharedObjects(this.app, built, this.argoCd !== undefined);
      if (this.argoCd !== undefined) {
        const folder = path.join(this.outdir, this.argoCd.folder);
        const stage = path.join(staging, this.argoCd.folder);
        this.named('the Argo CD Applications', () => this.buildArgoCdAt(stage).synth());
        this.finish(stage);
        staged.push({ stage, folder, name: this.argoCd.folder });
        summaries.push(synthSummary(`${this.app}/${this.argoCd.folder}`, stage, folder, this.enforce, skips));
      }
      summaries.push(unusedSkips(this.app, skips));
      summaries.push(unreadKeys(this.app, this.all));
      // Every environment built and checked: only now is anything written.
      for (const t of staged) replaceFolder(t.stage, t.folder, { app: this.app, folder: t.name, files: [] });
      summaries.push(this.removeOldFolders(staged.map((t) => t.name)));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    if (!this.quiet) for (const s of summaries) process.stderr.write(s);
  }

  /** The environment's app, writing to `outdir`; errors name the environment. */
  private build(env: Environment, definition: IEnvironmentDefinition, outdir: string): GuardrailsApp {
    return this.named(`environment ${show(env.name)}`, () => {
      const defaults = this.appProps.defaults ?? {};
      const app = new GuardrailsApp({
        recordConstructMetadata: false,
        ...this.appProps,
        defaults: {
          ...defaults,
          kubernetesVersion: undefined,
          allowedRegistries: defaults.allowedRegistries ?? env.allowedRegistries,
        },
        outdir,
      });
      ENVIRONMENT_APPS.add(app);
      KubernetesVersion.setTarget(app, env.kubernetesVersion);
      // The registries reach the checker too, so that objects made otherwise (Include, Helm,
      // ApiObject) pull from them as well; enforceOptions.allowedRegistries wins.
      const allowedRegistries = defaults.allowedRegistries ?? env.allowedRegistries;
      if (this.enforce) Guardrails.enforce(app, { ...(allowedRegistries !== undefined ? { allowedRegistries } : {}), ...this.enforceOptions });
      definition.define(app, env);
      return app;
    });
  }

  private buildArgoCdAt(outdir: string): GuardrailsApp {
    const app = new GuardrailsApp({ recordConstructMetadata: false, ...this.appProps, outdir });
    ENVIRONMENT_APPS.add(app);
    if (this.enforce) Guardrails.enforce(app, this.enforceOptions);
    writeApplications(app, this.argoCd!, this.all);
    return app;
  }

  /** Without the checker, a report all the same: it marks the folder as one app for `check`. */
  private finish(stage: string): void {
    if (!this.enforce) writeUncheckedReport(stage);
  }

  /**
   * Runs `fn`; an error it throws is rethrown as a new Error whose message starts with
   * `Environments "<app>", <what>: ` (once), with the thrown value as its `cause`. The thrown
   * value is never changed (it may be frozen, or not an Error at all: `throw 'text'`).
   */
  private named<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const prefix = `Environments ${show(this.app)}, ${what}: `;
      if (e instanceof Error && e.message.startsWith(prefix)) throw e;
      const message = e instanceof Error
        ? (e.name !== 'Error' && typeof e.name === 'string' ? `${e.name}: ${e.message}` : e.message)
        : `${typeof e === 'string' ? e : show(e)} (thrown as ${e === null ? 'null' : typeof e}, not an Error)`;
      const error = new Error(prefix + message);
      Object.defineProperty(error, 'cause', { value: e, configurable: true, writable: true, enumerable: false });
      throw error;
    }
  }

  /**
   * Claims the names of the Argo CD Applications: two Environments of one program (app
   * `shop` with environment `prod-a`, app `shop-prod` with environment `a`) would write
   * Applications of one name, each replacing the other's in Argo CD. An error naming both.
   */
  private claimApplications(argoCd: ResolvedArgoCd): void {
    const mine = new Map(this.all.map((env) => [`${argoCd.namespace}/${applicationName(env)}`, env.name]));
    for (const [other, theirs] of APPLICATIONS) {
      if (other === this) continue;
      for (const [key, env] of mine) {
        const their = theirs.get(key);
        if (their === undefined) continue;
        failAt(`Environments ${show(this.app)}, environment ${show(env)}`, 'Argo CD Application name', key.slice(key.indexOf('/') + 1),
          `a name of its own in the Argo CD namespace ${show(argoCd.namespace)}: environment ${show(their)} of Environments ${show(other.app)} writes an Application of that name too (<app>-<environment>), and one would replace the other in Argo CD; rename an app or an environment, or give one argoCd.namespace another value`);
      }
    }
    APPLICATIONS.set(this, mine);
  }

  /**
   * A folder that another Environments wrote (its report says so) is not replaced: its files
   * are that app's, and the next synthesis of that app would replace these.
   */
  private checkOwner(folder: string, name: string, what: string): void {
    const mark = environmentFolderMark(folder);
    if (mark === undefined || (mark.app === this.app && mark.folder === name)) return;
    failAt(`Environments ${show(this.app)}, ${what}`, 'outdir', this.outdir,
      `a folder of its own: ${show(folder)} holds the folder ${show(mark.folder)} of Environments ${show(mark.app)} (its ${REPORT_FILE} says so), and one would replace the other's files; give each Environments its own outdir, and each app its own name`);
  }

  /**
   * Removes the folders of environments this app no longer has: a folder directly under
   * the outdir whose report says this app wrote it, as a folder not written now. Only the
   * files the report lists are removed, then the report, then the folder if it is empty.
   */
  private removeOldFolders(written: readonly string[]): string {
    let out = '';
    let entries: fs.Dirent[] = [];
    try { entries = fs.readdirSync(this.outdir, { withFileTypes: true }); } catch { return out; }
    for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      if (written.includes(e.name)) continue;
      const folder = path.join(this.outdir, e.name);
      const mark = environmentFolderMark(folder);
      if (mark === undefined || mark.app !== this.app || mark.folder !== e.name) continue;
      const removed = removeWritten(folder, mark);
      out += `${this.app}/${e.name}: removed ${plural(removed, 'file')} from ${folder}: no longer an environment of the app\n`;
    }
    return out;
  }

  /**
   * Claims the folders this synthesis writes: one that another Environments of the program
   * writes, or a folder inside one of its folders or holding one, would overwrite or mix
   * with its output, so it is an error naming both, before anything is written.
   */
  private claim(targets: ReadonlyArray<{ readonly folder: string; readonly what: string }>): void {
    const mine = targets.map((t) => ({ folder: path.resolve(t.folder), what: t.what, shown: t.folder }));
    for (const [other, theirs] of CLAIMED) {
      if (other === this) continue;
      for (const m of mine) {
        for (const t of theirs) {
          if (!within(m.folder, t.folder) && !within(t.folder, m.folder)) continue;
          const how = m.folder === t.folder ? 'the folder' : within(m.folder, t.folder) ? 'a folder inside the folder' : 'a folder that holds the folder';
          failAt(`Environments ${show(this.app)}, ${m.what}`, 'outdir', this.outdir,
            `a folder of its own: ${m.what} would be written to ${show(m.shown)}, ${how} ${show(t.folder)} that ${t.what} of another Environments ${show(other.app)} writes, and one would overwrite or mix with the other; give each Environments its own outdir (left unset, it is <dist>/<app>), and each app its own name`);
        }
      }
    }
    CLAIMED.set(this, mine.map((m) => ({ folder: m.folder, what: m.what })));
  }
}

/**
 * Replaces a folder's manifests with the staged ones: the files the previous synthesis of the
 * same app wrote there (listed by its report) are removed first, so that no removed object,
 * and no file of another layout, stays. Files the app did not write are left. The report
 * then lists the files written now (`mark`, with the files filled in).
 */
function replaceFolder(stage: string, folder: string, mark: EnvironmentFolderMark): void {
  try {
    const files = fs.readdirSync(stage).filter((f) => f !== REPORT_FILE).sort();
    const reportPath = path.join(stage, REPORT_FILE);
    const report = fs.existsSync(reportPath) ? JSON.parse(fs.readFileSync(reportPath, 'utf8')) : {};
    report[ENVIRONMENT_MARK_KEY] = { app: mark.app, folder: mark.folder, files };
    fs.writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
    const previous = environmentFolderMark(folder);
    if (previous !== undefined && previous.app === mark.app && previous.folder === mark.folder) removeWritten(folder, previous, false);
    fs.mkdirSync(folder, { recursive: true });
    fs.cpSync(stage, folder, { recursive: true, force: true });
  } catch (e: any) {
    throw new Error(`Environments: cannot write the manifests to ${JSON.stringify(folder)}: ${e?.code ?? e?.message} (choose an outdir this program can create and write).`);
  }
}

/**
 * Removes the files `mark` lists from `folder` (those that are still files), and with
 * `all`, the report and the folder itself when nothing else is left. Returns how many files
 * were removed.
 */
function removeWritten(folder: string, mark: EnvironmentFolderMark, all = true): number {
  let removed = 0;
  for (const f of mark.files) {
    const file = path.join(folder, f);
    if (!fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    fs.rmSync(file);
    removed++;
  }
  if (all) {
    fs.rmSync(path.join(folder, REPORT_FILE), { force: true });
    if (fs.readdirSync(folder).length === 0) fs.rmdirSync(folder);
  }
  return removed;
}

/** The manifests of a staged folder, read back. */
function stagedManifests(stage: string): any[] {
  return manifestFiles(stage).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(stage, f), 'utf8')).map((d) => d.toJS()).filter((o) => o !== null && typeof o === 'object'));
}

/** The skips of one rule with one reason, over the environments: the objects, and the violations hidden. */
interface SkipGroup {
  readonly what: string;
  readonly wholeApp: boolean;
  readonly objects: Set<string>;
  hidden: number;
}

/**
 * What a synthesis wrote, in a few lines: the files, the objects by kind, and the rules
 * suppressed with their reasons (from the report), counted in objects, with the violations
 * they hide. `stage` is where the files are, `folder` where they are written. The skips are
 * also added to `skips`, across environments, for `unusedSkips`.
 *
 *     shop/dev: 2 files in dist/shop/dev: Deployment 1, Service 1 (checked)
 *       suppressed: replicas-min (one replica in dev) on 1 object, hiding 1 violation
 */
function synthSummary(label: string, stage: string, folder: string, enforced: boolean, skips: Map<string, SkipGroup>): string {
  const files = manifestFiles(stage);
  const kinds = new Map<string, number>();
  for (const f of files) {
    for (const m of fs.readFileSync(path.join(stage, f), 'utf8').matchAll(/^kind: ([A-Za-z0-9]+)$/gm)) kinds.set(m[1], (kinds.get(m[1]) ?? 0) + 1);
  }
  const objects = [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  let out = `${label}: ${plural(files.length, 'file')} in ${folder}: ${objects || 'no object'} (${enforced ? 'checked' : 'not checked: enforce is false'})\n`;
  let report: { suppressions?: Array<{ rule: string; reason: string; kind?: string; namespace?: string; name?: string; scope?: string; suppressed?: number }> } = {};
  try { report = JSON.parse(fs.readFileSync(path.join(stage, REPORT_FILE), 'utf8')); } catch { /* no report: nothing suppressed */ }
  const here = new Map<string, SkipGroup>();
  for (const x of report.suppressions ?? []) {
    const what = `${x.rule}${x.scope !== undefined ? ` (${x.scope})` : ''} (${x.reason})`;
    const wholeApp = x.kind === undefined;
    const key = `${wholeApp ? 'app' : 'obj'} ${what}`;
    const object = wholeApp ? '' : `${x.kind} ${x.namespace ?? ''}/${x.name}`;
    for (const groups of [here, skips]) {
      const g = groups.get(key) ?? { what, wholeApp, objects: new Set<string>(), hidden: 0 };
      if (!wholeApp) g.objects.add(object);
      g.hidden += x.suppressed ?? 0;
      groups.set(key, g);
    }
  }
  for (const [, g] of [...here].sort(([a], [b]) => a.localeCompare(b))) {
    out += `  suppressed: ${g.what} ${on(g)}, hiding ${plural(g.hidden, 'violation')}\n`;
  }
  return out;
}

const on = (g: SkipGroup): string => g.wholeApp ? 'for the whole app' : `on ${plural(g.objects.size, 'object')}`;

/**
 * A warning for each skip that hid no violation in any environment: it no longer does
 * anything (or never did), and would hide a later violation nobody reviewed. One that hides
 * a violation in one environment only (one replica in dev) is in use.
 */
function unusedSkips(app: string, skips: ReadonlyMap<string, SkipGroup>): string {
  let out = '';
  for (const [, g] of [...skips].sort(([a], [b]) => a.localeCompare(b))) {
    if (g.hidden > 0) continue;
    out += g.wholeApp
      ? `${app}: warning: ${g.what} is switched off for the whole app (disabledRules) but hides no violation in any environment: nothing breaks the rule; remove it from disabledRules\n`
      : `${app}: warning: skip ${g.what} ${on(g)} hides no violation in any environment: nothing there breaks the rule; remove the skip\n`;
  }
  return out;
}

/** The manifest files of `dir`, sorted (the report is not one). */
function manifestFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f !== REPORT_FILE && /\.(ya?ml|json)$/i.test(f)).sort();
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The report of a synthesis that was not checked: it marks the folder as one app for `check`
 * (which then checks each environment on its own), and says that nothing was enforced.
 */
function writeUncheckedReport(outdir: string): void {
  const report = { enforced: false, scopes: [], violations: [], suppressions: [] };
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
}
