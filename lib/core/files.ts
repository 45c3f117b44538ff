// Names of the files an app writes. Nothing here loads cdk8s: the command-line checker uses it.
import * as fs from 'fs';
import * as path from 'path';

/**
 * The output file extension ends the names of files written inside the outdir: a path
 * separator in it writes outside the outdir or into directories that do not exist; an
 * ending other than .yaml, .yml or .json writes files that kubectl and `check` skip.
 */
export function fileExtensionError(where: string, ext: string | undefined): string | undefined {
  if (ext === undefined) return undefined;
  if (!/\.(yaml|yml|json)$/.test(ext)) {
    return `${where}: invalid outputFileExtension ${JSON.stringify(ext)}; expected a file name ending in .yaml, .yml or .json (such as ".k8s.yaml"): \`kubectl apply -f <dir>\` and \`cdk8s-guardrails check <dir>\` read only those files.`;
  }
  if (!/[\\/\0]/.test(ext)) return undefined;
  return `${where}: invalid outputFileExtension ${JSON.stringify(ext)}; expected a file name ending such as ".k8s.yaml", without '/' or '\\': it ends the names of files written inside the outdir.`;
}

/**
 * Name of the synth report that the in-app enforcement writes into the app's outdir. Its
 * content is JSON, but its extension is not one that `kubectl apply -f <dir>`, Argo CD or
 * Flux read (.yaml, .yml, .json), so the folder stays appliable as it is.
 */
export const REPORT_FILE = 'guardrails-report.jsonc';

/**
 * What the report of an environment folder says about the folder: the app and the folder
 * (environment, or the Argo CD folder) of the `Environments` that wrote it, and the files it
 * wrote there. A later synthesis of the same app replaces exactly those files.
 */
export interface EnvironmentFolderMark {
  readonly app: string;
  readonly folder: string;
  readonly files: readonly string[];
}

/** The report's key that holds an `EnvironmentFolderMark`. */
export const ENVIRONMENT_MARK_KEY = 'writtenBy';

/**
 * The mark of a folder an `Environments` wrote, read from its report; undefined when there is
 * no report, or a report without a (well-formed) mark.
 */
export function environmentFolderMark(folder: string): EnvironmentFolderMark | undefined {
  let report: any;
  try {
    report = JSON.parse(fs.readFileSync(path.join(folder, REPORT_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const mark = report?.[ENVIRONMENT_MARK_KEY];
  if (mark === null || typeof mark !== 'object' || typeof mark.app !== 'string' || typeof mark.folder !== 'string' || !Array.isArray(mark.files)) return undefined;
  const files = mark.files.filter((f: unknown): f is string => typeof f === 'string' && f !== '' && !f.includes('/') && !f.includes('\\') && f !== '.' && f !== '..');
  return { app: mark.app, folder: mark.folder, files };
}

/** Apps built by an `Environments`: they may write into an environment folder, and name per-resource files stably. */
export const ENVIRONMENT_APPS = new WeakSet<object>();
