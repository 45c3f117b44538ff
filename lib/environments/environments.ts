import * as path from 'path';
import { Construct } from 'constructs';
import { failAt, show } from '../core/errors';
import { checkAt, dns1123LabelProblem, listOf, unknownKeyProblem } from '../core/validate';
import { GuardrailsApp, GuardrailsAppProps } from '../app/guardrails-app';
import { KubernetesVersion } from '../pods/version';
import { Guardrails } from '../practices/guardrails';
import { ArgoCdOptions, ResolvedArgoCd, resolveArgoCd, writeApplications } from './argo-cd';
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
   * @default - `$CDK8S_OUTDIR` when set (`npm run synth` sets it to `dist/<example>`), else `dist/<app>`
   */
  readonly outdir?: string;
  /**
   * Properties of each environment's GuardrailsApp (`outdir` is the environment's folder
   * and cannot be set here).
   * @default - GuardrailsApp's defaults
   */
  readonly appProps?: GuardrailsAppProps;
  /**
   * Check every object of every environment against the catalog (`Guardrails.enforce` on
   * each environment's app, so a violation fails the synth).
   * @default true
   */
  readonly enforce?: boolean;
  /**
   * Also write an Argo CD Application per environment, into `<outdir>/<argoCd.folder>/`.
   * @default - no Argo CD Applications
   */
  readonly argoCd?: ArgoCdOptions;
}

const KEYS: readonly string[] = ['app', 'environments', 'outdir', 'appProps', 'enforce', 'argoCd'];

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
    this.outdir = props.outdir ?? process.env.CDK8S_OUTDIR ?? path.join('dist', this.app);
    this.appProps = props.appProps ?? {};
    this.enforce = props.enforce ?? true;
    const resolved = props.environments.map((s) => resolveSettings(this.app, s));
    const seen = new Set<string>();
    for (const s of resolved) {
      if (seen.has(s.name)) failAt(where, 'environments', s.name, 'unique environment names: each is a folder of its own');
      seen.add(s.name);
    }
    checkSameKeys(this.app, resolved);
    if (props.argoCd !== undefined) {
      const relative = path.relative(process.cwd(), path.resolve(this.outdir)).split(path.sep).join('/');
      const argoCd = resolveArgoCd(this.app, props.argoCd, relative.startsWith('..') || path.isAbsolute(relative) ? undefined : relative);
      if (seen.has(argoCd.folder)) {
        failAt(where, 'argoCd.folder', argoCd.folder, 'a folder that is not also an environment: rename the environment or set argoCd.folder');
      }
      this.argoCd = argoCd;
    }
    this.all = resolved.map((s) => Environment._of(this.app, path.join(this.outdir, s.name), s));
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
    const app = new GuardrailsApp({ ...this.appProps, outdir: env.outdir });
    KubernetesVersion.setTarget(app, env.kubernetesVersion);
    if (this.enforce) Guardrails.enforce(app);
    definition.define(app, env);
    return app;
  }

  /**
   * The app of the Argo CD Applications, one per environment, writing to
   * `<outdir>/<argoCd.folder>`; undefined without `argoCd`.
   */
  public buildArgoCd(): GuardrailsApp | undefined {
    if (this.argoCd === undefined) return undefined;
    const app = new GuardrailsApp({ ...this.appProps, outdir: path.join(this.outdir, this.argoCd.folder) });
    if (this.enforce) Guardrails.enforce(app);
    writeApplications(app, this.argoCd, this.all);
    return app;
  }

  /**
   * Builds and synthesizes every environment, in declaration order, each into
   * `<outdir>/<environment>/`, then the Argo CD Applications if `argoCd` is set.
   * @throws the first error of any environment (settings, definition or checker)
   */
  public synth(definition: IEnvironmentDefinition): void {
    for (const env of this.all) this.buildApp(env.name, definition).synth();
    this.buildArgoCd()?.synth();
  }
}
