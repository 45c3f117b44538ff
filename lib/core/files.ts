// Names of the files an app writes. Nothing here loads cdk8s: the command-line checker uses it.

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
