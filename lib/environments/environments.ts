import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { failAt, show } from '../core/errors';
import { checkAt, dns1123LabelProblem, listOf, unknownKeyProblem } from '../core/validate';
import { GuardrailsApp, GuardrailsAppProps } from '../app/guardrails-app';
import { KubernetesVersion } from '../pods/version';
import { Guardrails } from '../practices/guardrails';
import { REPORT_FILE } from '../practices/model';
import { GuardrailsOptions } from '../practices/types';
import { ArgoCdOptions, checkApplicationNames, repoPathOf, ResolvedArgoCd, resolveArgoCd, writeApplications } from './argo-cd';
import { checkSameKeys, Environment, resolveSettings } from './environment';
import { EnvironmentSettings } from './settings';

/**
 * What an app is made of in one environment: called once per environment with a fresh
 * GuardrailsApp (target Kubernetes version set, checker enforced) and the environment's
 * settings. In TypeScript, an object literal `{ define: (app, env) => { ... } }` does.
 */
export interface IEnvironmentDefinition {
  /**
   * Adds the app's charts and constructs to `app` for `environment`.
   * @param app the environment's app, writing to `environment.outdir`
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
   * Two apps may not share an environment folder: an error names both.
   * @default - `<$CDK8S_OUTDIR or dist>/<app>`, so the environments are `dist/<app>/<environment>/`
   */
  readonly outdir?: string;
  /**
   * Properties of each environment's GuardrailsApp (`outdir` is the environment's folder
   * and cannot be set here). `defaults.kubernetesVersion` is the version of the environments
   * that do not set `kubernetesVersion`. The construct metadata file (`construct-metadata.json`)
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
   * and files written, the objects by kind and the rules suppressed with their reasons.
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

/** Environment folder (absolute) -> the app that writes it, for every Environments of the program. */
const FOLDERS = new Map<string, string>();

/**
 * One app definition, every environment (rule `environments`): the typed settings of each
 * environment (dev, staging, prod, or the clusters of a blue/green pair such as prod-a and
 * prod-b) are checked together when this is constructed, then `synth()` builds and
 * synthesizes each environment into `<outdir>/<environment>/`, and optionally an Argo CD
 * Application per environment into `<outdir>/argocd/`.
 *
 * Errors name the environment and the key: a misspelt or missing key in one environment
 * (every environment declares the same keys), a bad value, or a definition that reads a key
 * no environment declares.
 */
export class Environments {
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
    for (const env of this.all) {
      const folder = path.resolve(env.outdir);
      const other = FOLDERS.get(folder);
      if (other !== undefined && other !== this.app) {
        failAt(where, 'outdir', this.outdir,
          `a folder of its own: environment ${show(env.name)} would be written to ${show(env.outdir)}, which Environments ${show(other)} writes too; leave outdir unset (each app gets <dist>/<app>) or give one of them another outdir`);
      }
    }
    for (const env of this.all) FOLDERS.set(path.resolve(env.outdir), this.app);
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
   * environment's folder, its target Kubernetes version set, the checker enforced (unless
   * `enforce` is false), and `definition` applied. Tests use it; `synth()` uses it for
   * every environment.
   * @throws when there is no environment of that name, or the definition fails
   */
  public buildApp(name: string, definition: IEnvironmentDefinition): GuardrailsApp {
    const env = this.environment(name);
    const app = new GuardrailsApp({
      recordConstructMetadata: false,
      ...this.appProps,
      defaults: this.appProps.defaults === undefined ? undefined : { ...this.appProps.defaults, kubernetesVersion: undefined },
      outdir: env.outdir,
    });
    KubernetesVersion.setTarget(app, env.kubernetesVersion);
    if (this.enforce) Guardrails.enforce(app, this.enforceOptions);
    definition.define(app, env);
    return app;
  }

  /**
   * The app of the Argo CD Applications, one per environment, writing to
   * `<outdir>/<argoCd.folder>`; undefined without `argoCd`.
   */
  public buildArgoCd(): GuardrailsApp | undefined {
    if (this.argoCd === undefined) return undefined;
    const app = new GuardrailsApp({ recordConstructMetadata: false, ...this.appProps, outdir: path.join(this.outdir, this.argoCd.folder) });
    if (this.enforce) Guardrails.enforce(app, this.enforceOptions);
    writeApplications(app, this.argoCd, this.all);
    return app;
  }

  /**
   * Builds and synthesizes every environment, in declaration order, each into
   * `<outdir>/<environment>/`, then the Argo CD Applications if `argoCd` is set.
   * @throws the first error of any environment (settings, definition or checker)
   */
  public synth(definition: IEnvironmentDefinition): void {
    const written: Array<[string, string]> = [];
    for (const env of this.all) {
      this.buildApp(env.name, definition).synth();
      if (!this.enforce) writeUncheckedReport(env.outdir);
      written.push([env.name, env.outdir]);
    }
    const argo = this.buildArgoCd();
    if (argo !== undefined) {
      argo.synth();
      if (!this.enforce) writeUncheckedReport(argo.outdir);
      written.push([this.argoCd!.folder, argo.outdir]);
    }
    if (!this.quiet) {
      for (const [name, outdir] of written) process.stderr.write(synthSummary(`${this.app}/${name}`, outdir, this.enforce));
    }
  }
}

/**
 * What a synthesis wrote to `outdir`, in a few lines: the files, the objects by kind, and
 * the rules suppressed with their reasons (from the report).
 *
 *     shop/dev: 2 files in dist/shop/dev: Deployment 1, Service 1 (checked)
 *       suppressed: replicas-min (one replica in dev) on 1 object
 */
function synthSummary(label: string, outdir: string, enforced: boolean): string {
  const files = fs.readdirSync(outdir).filter((f) => f !== REPORT_FILE && /\.(ya?ml|json)$/i.test(f)).sort();
  const kinds = new Map<string, number>();
  for (const f of files) {
    for (const m of fs.readFileSync(path.join(outdir, f), 'utf8').matchAll(/^kind: ([A-Za-z0-9]+)$/gm)) kinds.set(m[1], (kinds.get(m[1]) ?? 0) + 1);
  }
  const objects = [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  let out = `${label}: ${files.length} file${files.length === 1 ? '' : 's'} in ${outdir}: ${objects || 'no object'} (${enforced ? 'checked' : 'not checked: enforce is false'})\n`;
  let report: { suppressions?: Array<{ rule: string; reason: string; suppressed?: number }> } = {};
  try { report = JSON.parse(fs.readFileSync(path.join(outdir, REPORT_FILE), 'utf8')); } catch { /* no report: nothing suppressed */ }
  const byReason = new Map<string, number>();
  for (const s of report.suppressions ?? []) {
    const key = `${s.rule} (${s.reason})`;
    byReason.set(key, (byReason.get(key) ?? 0) + (s.suppressed ?? 1));
  }
  for (const [key, n] of [...byReason].sort(([a], [b]) => a.localeCompare(b))) out += `  suppressed: ${key} on ${n} object${n === 1 ? '' : 's'}\n`;
  return out;
}

/**
 * The report of a synthesis that was not checked: it marks the folder as one app for `check`
 * (which then checks each environment on its own), and says that nothing was enforced.
 */
function writeUncheckedReport(outdir: string): void {
  const report = { enforced: false, scopes: [], violations: [], suppressions: [] };
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
}

/** Argo CD's own cluster: the name and the server it gives the cluster it runs in. */
const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

/**
 * The cluster an environment's settings name, as a key that is equal for the same cluster, and
 * as the error shows it; undefined when the settings name none (without Argo CD, that is
 * whatever cluster the output is applied to).
 *
 * A server URL is compared as the API server reads it: scheme and host in lower case, no
 * default port, no trailing slash. A name is compared with names only: the settings do not say
 * which server an Argo CD cluster name stands for, except Argo CD's own `in-cluster`, which is
 * `https://kubernetes.default.svc`, also the destination of an environment without `cluster`
 * when Argo CD Applications are written.
 */
function clusterOf(cluster: { readonly server?: string; readonly name?: string }, argoCd: boolean): { key: string; shown: string } | undefined {
  if (cluster.name === IN_CLUSTER.name) return { key: `server ${IN_CLUSTER.server}`, shown: `cluster "${IN_CLUSTER.name}" (Argo CD's name for ${IN_CLUSTER.server})` };
  if (cluster.name !== undefined) return { key: `name ${cluster.name}`, shown: `cluster ${show(cluster.name)}` };
  if (cluster.server !== undefined) {
    const url = new URL(cluster.server);
    const key = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    return { key: key === IN_CLUSTER.server ? `server ${IN_CLUSTER.server}` : `server ${key}`, shown: `server ${show(cluster.server)}` };
  }
  return argoCd ? { key: `server ${IN_CLUSTER.server}`, shown: `the cluster Argo CD runs in (${IN_CLUSTER.server}, the destination without cluster)` } : undefined;
}

/**
 * Two environments deploying to one namespace of one cluster write the same objects, each
 * overwriting the other's (and as two Argo CD Applications, pruning and reverting them in
 * turn). Refused whenever the settings name the cluster of both (see `clusterOf`).
 */
function checkDestinations(app: string, all: ReadonlyArray<{ readonly name: string; readonly namespace: string; readonly cluster: { readonly server?: string; readonly name?: string } }>, argoCd: boolean): void {
  const byDestination = new Map<string, { env: string; shown: string }>();
  for (const s of all) {
    const cluster = clusterOf(s.cluster, argoCd);
    if (cluster === undefined) continue;
    const key = `${cluster.key}, namespace ${s.namespace}`;
    const other = byDestination.get(key);
    if (other !== undefined) {
      const same = other.shown === cluster.shown ? '' : ` (${cluster.shown} is the same cluster)`;
      failAt(`Environments ${show(app)}, environment ${show(s.name)}`, 'namespace', s.namespace,
        `a destination of its own: environment ${show(other.env)} deploys to ${other.shown}, namespace ${show(s.namespace)} too${same}, and two environments in one namespace of one cluster write the same objects, each overwriting the other's${argoCd ? ' (two Argo CD Applications would prune and self-heal them in turn)' : ''}; give one of them another namespace or cluster`);
    }
    byDestination.set(key, { env: s.name, shown: cluster.shown });
  }
}
