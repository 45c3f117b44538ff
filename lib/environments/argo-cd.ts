import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { failAt, show } from '../core/errors';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, MANAGED_BY } from '../core/labels';
import { checkAt, dns1123LabelProblem, dns1123SubdomainProblem, listOf, unknownKeyProblem } from '../core/validate';
import { Application } from '../imports/application-argoproj.io';
import { Environment } from './environment';

/**
 * An Argo CD `Application` per environment, generated from the same settings: its source is
 * the environment's folder in the Git repository, its destination the environment's cluster
 * and namespace.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
 */
export interface ArgoCdOptions {
  /** URL of the Git repository the synthesized folders are committed to (`spec.source.repoURL`). */
  readonly repoUrl: string;
  /**
   * Branch, tag or commit Argo CD follows (`spec.source.targetRevision`).
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Path, inside the repository, of the folder that holds the environment folders; each
   * Application's `spec.source.path` is `<repoPath>/<environment>`. `"."` is the root of
   * the repository (the path is then `<environment>`); an empty or absolute path, or one
   * with `..`, is an error.
   * @default - the outdir relative to the root of the Git repository that holds it (the
   *   nearest folder above it with a `.git`); an error when no such folder is found
   */
  readonly repoPath?: string;
  /**
   * Namespace Argo CD runs in, where the Applications go.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project of the Applications.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * Automated sync deletes the objects a new commit no longer has (`syncPolicy.automated.prune`).
   * Hashed ConfigMaps keep their previous generations through this: see `HashedConfigMap`'s
   * `pruneProtection`.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Automated sync reverts changes made in the cluster (`syncPolicy.automated.selfHeal`).
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Folder, next to the environment folders, the Applications are written to. It must
   * not be the name of an environment.
   * @default 'argocd'
   */
  readonly folder?: string;
}

const KEYS: readonly string[] = ['repoUrl', 'targetRevision', 'repoPath', 'namespace', 'project', 'prune', 'selfHeal', 'folder'];

/** Argo CD options validated into plain data. */
export interface ResolvedArgoCd {
  readonly repoUrl: string;
  readonly targetRevision: string;
  readonly repoPath: string;
  readonly namespace: string;
  readonly project: string;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly folder: string;
}

/** Validates the Argo CD options; `outdir` gives the default repository path. */
export function resolveArgoCd(app: string, options: ArgoCdOptions, defaultRepoPath: string | undefined): ResolvedArgoCd {
  const where = `Environments ${show(app)}`;
  const typo = unknownKeyProblem(options, KEYS);
  if (typo !== undefined) failAt(where, `argoCd.${typo}`, (options as any)[typo], `one of the options ${listOf(KEYS)}`);
  if (typeof options.repoUrl !== 'string' || !/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(options.repoUrl)) {
    failAt(where, 'argoCd.repoUrl', options.repoUrl, 'a Git repository URL such as "https://github.com/acme/deploy.git" or "git@github.com:acme/deploy.git"');
  }
  const repoPath = options.repoPath ?? defaultRepoPath;
  if (repoPath === undefined) {
    failAt(where, 'argoCd.repoPath', repoPath, 'the path of the outdir inside the repository, such as "dist/shop": no folder above the outdir holds a .git, so it cannot be derived');
  }
  if (typeof repoPath !== 'string' || repoPath === '' || repoPath.startsWith('/') || repoPath.split('/').some((p) => p === '..') || /\s/.test(repoPath)) {
    failAt(where, 'argoCd.repoPath', repoPath, 'a relative path inside the repository, such as "dist/shop", without ".." or spaces, or "." for the root of the repository');
  }
  for (const b of ['prune', 'selfHeal'] as const) {
    if (options[b] !== undefined && typeof options[b] !== 'boolean') failAt(where, `argoCd.${b}`, options[b], 'true or false');
  }
  const targetRevision = options.targetRevision ?? 'HEAD';
  if (typeof targetRevision !== 'string' || targetRevision.trim() === '' || /\s/.test(targetRevision)) {
    failAt(where, 'argoCd.targetRevision', targetRevision, 'a branch, tag or commit such as "main"');
  }
  return {
    repoUrl: options.repoUrl,
    targetRevision,
    repoPath: normalRepoPath(repoPath),
    namespace: checkAt(where, 'argoCd.namespace', options.namespace ?? 'argocd', dns1123LabelProblem(options.namespace ?? 'argocd')),
    project: checkAt(where, 'argoCd.project', options.project ?? 'default', dns1123SubdomainProblem(options.project ?? 'default')),
    prune: options.prune ?? true,
    selfHeal: options.selfHeal ?? true,
    folder: checkAt(where, 'argoCd.folder', options.folder ?? 'argocd', dns1123LabelProblem(options.folder ?? 'argocd')),
  };
}

/** A repository path without "." segments or trailing slashes: '' for the root of the repository. */
function normalRepoPath(repoPath: string): string {
  return repoPath.split('/').filter((p) => p !== '' && p !== '.').join('/');
}

/** An environment's folder inside the repository, `<repoPath>/<environment>`: never absolute. */
export function sourcePath(repoPath: string, environment: string): string {
  return repoPath === '' ? environment : `${repoPath}/${environment}`;
}

/**
 * The outdir's path inside the Git repository that holds it: relative to the nearest folder
 * above it (itself included) with a `.git` entry, "." when the outdir is the repository's
 * root; undefined when there is none.
 */
export function repoPathOf(outdir: string): string | undefined {
  const full = path.resolve(outdir);
  for (let dir = full; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      const relative = path.relative(dir, full).split(path.sep).join('/');
      if (relative === '') return '.';
      return relative.startsWith('..') ? undefined : relative;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The name of an environment's Application: `<app>-<environment>`. */
export function applicationName(env: { readonly app: string; readonly name: string }): string {
  return `${env.app}-${env.name}`;
}

/**
 * Checks every Application name before anything is written: it is also the value of the
 * `app.kubernetes.io/instance` label, so a DNS-1123 label (at most 63 characters).
 */
export function checkApplicationNames(app: string, environments: readonly string[]): void {
  for (const env of environments) {
    const name = applicationName({ app, name: env });
    checkAt(`Environments ${show(app)}, environment ${show(env)}`, 'Argo CD Application name (<app>-<environment>)', name,
      dns1123LabelProblem(name) === undefined ? undefined : `${dns1123LabelProblem(name)}: shorten the app or the environment name`);
  }
}

/** Writes one Argo CD Application per environment into `scope`, in the given order. */
export function writeApplications(scope: Construct, options: ResolvedArgoCd, environments: readonly Environment[]): Chart {
  const chart = new Chart(scope, 'applications', { namespace: options.namespace, disableResourceNameHashes: true });
  for (const env of environments) {
    const name = applicationName(env);
    const destination = env.cluster.name !== undefined
      ? { name: env.cluster.name, namespace: env.namespace }
      : { server: env.cluster.server ?? 'https://kubernetes.default.svc', namespace: env.namespace };
    new Application(chart, env.name, {
      metadata: {
        name,
        labels: { [LABEL_NAME]: env.app, [LABEL_INSTANCE]: name, [LABEL_PART_OF]: env.app, [LABEL_MANAGED_BY]: MANAGED_BY },
      },
      spec: {
        project: options.project,
        source: { repoUrl: options.repoUrl, targetRevision: options.targetRevision, path: sourcePath(options.repoPath, env.name) },
        destination,
        syncPolicy: {
          automated: { prune: options.prune, selfHeal: options.selfHeal },
        },
      },
    });
  }
  return chart;
}
