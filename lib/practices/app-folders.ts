import * as fs from 'fs';
import * as path from 'path';
import { REPORT_FILE } from './model';
import { CheckResult } from './types';

/**
 * The nearest folder, `dir` itself or one above it, that holds the report of a synthesis
 * (one app or one environment): a manifest under it belongs to that app. The folder is named
 * as `dir` is, with `..` steps up from it, so that messages show familiar paths; undefined
 * when no folder up to the root holds a report.
 */
export function reportFolderAbove(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    try {
      if (fs.statSync(path.join(current, REPORT_FILE)).isFile()) return current;
    } catch { /* no report here */ }
    const full = path.resolve(current);
    if (path.dirname(full) === full) return undefined;
    current = path.normalize(path.join(current, '..'));
  }
}

/**
 * Splits manifest files into apps: by the folder with a report that holds each file, else by
 * the file's own folder. Keys are in the order first met.
 */
export function filesByApp(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const dir = path.dirname(file);
    const app = reportFolderAbove(dir) ?? dir;
    groups.set(app, [...(groups.get(app) ?? []), file]);
  }
  return groups;
}

/** The results of several apps as one: every finding of each, objects counted once each. */
export function mergeResults(results: readonly CheckResult[]): CheckResult {
  return {
    violations: results.flatMap((r) => r.violations),
    suppressions: results.flatMap((r) => r.suppressions),
    warnings: results.flatMap((r) => r.warnings),
    objectCount: results.reduce((n, r) => n + r.objectCount, 0),
  };
}
