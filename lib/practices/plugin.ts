import * as fs from 'fs';
import { environmentFolderMark } from '../core/files';
import { RULES } from './catalog';
import { filesByApp, mergeResults } from './app-folders';
import { checkManifests, formatSuppression, objectRef } from './checker';
import { ManifestInput } from './model';
import { optionError, resolveOptions } from './options';
import { Profile } from './profile';
import { CheckResult, CheckSettings, RuleViolation } from './types';

/**
 * Properties of the cdk8s CLI validation plugin, as written under `properties:` of a
 * `validations:` entry in cdk8s.yaml.
 */
export interface GuardrailsValidationProps extends CheckSettings {
  /**
   * Profile name: 'restricted' or 'baseline'.
   * @default 'restricted'
   */
  readonly profile?: string;
}

/**
 * A cdk8s CLI validation plugin running the practices catalog on the manifests of any cdk8s
 * app. In cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-guardrails
 *     version: 0.1.0
 *     class: GuardrailsValidation
 *     properties:
 *       profile: restricted
 *       externalSecrets: [shop-db]
 * ```
 *
 * `cdk8s synth` then prints each violation with its construct path in the CLI's report
 * and fails when there is one. Each folder that holds a synthesis report (an environment of
 * `Environments`, `<outdir>/<app>/<environment>/`) is checked as its own app, as `check`
 * does; other manifests are grouped by their folder.
 */
export class GuardrailsValidation {
  private readonly props: GuardrailsValidationProps;

  constructor(props: GuardrailsValidationProps = {}) {
    const where = optionError('GuardrailsValidation (cdk8s.yaml validations properties)');
    if (props.profile !== undefined && Profile.fromName(props.profile) === undefined) {
      where('profile', props.profile, '"restricted" or "baseline"');
    }
    this.props = props;
  }

  /**
   * Runs the validation; `context` is the CLI's ValidationContext (cdk8s-cli/plugins).
   */
  public async validate(context: any): Promise<void> {
    const props = this.props;
    const options = resolveOptions({
      ...props,
      profile: Profile.fromName(props.profile ?? 'restricted'),
    }, optionError('GuardrailsValidation (cdk8s.yaml validations properties)'));
    const metadata: { [name: string]: { path: string } } = context.metadata ?? {};
    // One app per folder: the environments of `Environments` (each folder holds its report)
    // are checked each on its own, as `check` does, never as one app.
    const results: CheckResult[] = [];
    // Suppressions an Environments synthesis has told of already (in its summary, or was told
    // to be quiet about): the plugin does not log them a second time.
    const told = new Set<CheckResult>();
    for (const [folder, files] of filesByApp(context.manifests as string[])) {
      const inputs: ManifestInput[] = [];
      for (const file of files) {
        const docs: any[] = typeof context.parseManifest === 'function'
          ? context.parseManifest(file)
          : parseYamlFile(file);
        for (const manifest of docs) {
          if (!manifest || typeof manifest !== 'object') continue;
          inputs.push({ manifest, path: metadata[manifest.metadata?.name]?.path, source: file });
        }
      }
      const result = checkManifests(inputs, options);
      results.push(result);
      if (environmentFolderMark(folder) !== undefined) told.add(result);
    }
    const result = mergeResults(results);
    const byRule = new Map<string, RuleViolation[]>();
    for (const v of result.violations) {
      const list = byRule.get(v.rule);
      if (list) list.push(v); else byRule.set(v.rule, [v]);
    }
    for (const rule of RULES) {
      const list = byRule.get(rule.id);
      if (!list) continue;
      context.report.addViolation({
        ruleName: rule.id,
        recommendation: `${rule.requirement} (${rule.reason})`,
        fix: rule.fix,
        violatingResources: list.map((v) => ({
          resourceName: v.name,
          locations: [`${objectRef(v)}${v.field ? ` ${v.field}` : ''}: ${v.message}`],
          manifestPath: v.source ?? '',
        })),
      });
    }
    for (const s of results.filter((r) => !told.has(r)).flatMap((r) => r.suppressions)) context.logger?.log?.(`guardrails: ${formatSuppression(s)}`);
    for (const w of result.warnings) context.logger?.log?.(`guardrails: warning: ${w}`);
    context.report.submit(result.violations.length > 0 ? 'failure' : 'success', {
      profile: options.profile,
      objects: String(result.objectCount),
      violations: String(result.violations.length),
      suppressions: String(result.suppressions.length),
    });
  }
}

/**
 * Parses a multi-document YAML file. The parser is loaded on first use, not at import, so
 * the library's entry point (loaded by every synth) does not pay for it.
 */
function parseYamlFile(file: string): any[] {
  const { readManifestText } = require('./read') as typeof import('./read');
  const { inputs, problems } = readManifestText(fs.readFileSync(file, 'utf8'), file);
  if (problems.length > 0) throw new Error(`guardrails: cannot read the synthesized manifests: ${problems.join('; ')}`);
  return inputs.map((i) => i.manifest);
}
