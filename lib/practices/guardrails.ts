import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, failAt } from '../core/errors';
import { ENVIRONMENT_APPS } from '../core/files';
import { checkPropsAt, checkScopeAt } from '../core/shapes';
import { checkAnnotationsSize } from '../core/validate';
import { findRule, isSwitchable, notSwitchableWhy, RULE_IDS } from './catalog';
import { checkManifests } from './checker';
import { Engine, REPORT_FILE } from './enforce';
import { optionError, resolveOptions } from './options';
import { skipAnnotationKey } from './skip';
import { CheckResult, GuardrailsOptions } from './types';

const KIND = 'Guardrails';

/**
 * The practices checker inside a cdk8s app: enforce the catalog on an App or Chart, switch
 * a rule off on a construct with a reason, or check plain manifests.
 */
export class Guardrails {
  /** Name of the synth report that `app.synth()` writes into the app's outdir. */
  public static readonly REPORT_FILE = REPORT_FILE;

  /**
   * Enforces the rules on every ApiObject under `scope` (an App or a Chart): `app.synth()`,
   * `cdk8s synth` and `Testing.synth()` then fail with one line per violation (rule id,
   * object, construct path, what is wrong, how to fix it). Cross-object rules see the whole
   * app. A Chart's options apply to its objects over those of an enclosing enforced App.
   * `app.synth()` also writes `guardrails-report.jsonc` (violations and suppressions) into
   * the outdir.
   */
  public static enforce(scope: IConstruct, options?: GuardrailsOptions): void {
    checkScopeAt('Guardrails.enforce()', 'scope', scope);
    checkPropsAt(`${KIND} at '${scope.node.path}'`, 'GuardrailsOptions', options ?? {}, 'options', true);
    resolveOptions(options, (property, value, allowed) => fail(scope, KIND, property, value, allowed));
    const engine = Engine.of(scope);
    if (engine.has(scope) && ENVIRONMENT_APPS.has(scope)) {
      failAt(`${KIND} at the app of an environment`, 'scope', scope.node.path,
        'a scope that is not enforced yet: Environments enforces the catalog on every environment\'s app already, so remove this call (Environments enforceOptions gives the checker its options; Guardrails.report(app) gives the findings inside define; Guardrails.enforce on a Chart of your own checks it with other options)');
    }
    if (engine.has(scope)) {
      fail(scope, KIND, 'scope', scope.node.path, 'a scope that is not enforced yet: call Guardrails.enforce once per App or Chart');
    }
    engine.add(scope, { ...(options ?? {}) });
  }

  /**
   * Switches a rule off on every ApiObject under `scope` (a construct or an ApiObject),
   * writing the annotation `guardrails.cdk8s.io/skip.<rule>: <reason>` so that reviewers
   * see the exception in the YAML. For rules that span objects, the annotation on the
   * workload counts. Call it after the construct has created its objects.
   * `api-valid` (an object the API server refuses) cannot be switched off: the API server
   * reads no annotation, so asking for it is an error, as are unknown ids, the library
   * properties (`override`, `deterministic`, `environments`) and an empty reason.
   */
  public static skip(scope: IConstruct, ruleId: string, reason: string): void {
    checkScopeAt('Guardrails.skip()', 'scope', scope);
    const rule = findRule(ruleId);
    if (!rule) fail(scope, KIND, 'ruleId', ruleId, `a rule id of the catalog: ${RULE_IDS.join(', ')}`);
    if (rule.group === 'app') fail(scope, KIND, 'ruleId', ruleId, 'a rule that the checker runs on objects; override, deterministic and environments are properties of the library');
    if (!isSwitchable(rule)) fail(scope, KIND, 'ruleId', ruleId, `a rule that can be switched off (${notSwitchableWhy(ruleId)})`);
    if (typeof reason !== 'string' || reason.trim() === '') fail(scope, KIND, `reason (for ${ruleId})`, reason, 'a non-empty reason: switching a rule off must say why');
    const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    if (objects.length === 0) {
      fail(scope, KIND, 'scope', scope.node.path, 'a construct with at least one ApiObject under it (call skip after the construct has created its objects)');
    }
    // Every object first, then write: the reason counts towards each object's 256 KiB of annotations.
    for (const obj of objects) {
      const annotations = { ...(obj.metadata.toJson().annotations ?? {}), [skipAnnotationKey(ruleId)]: reason.trim() };
      checkAnnotationsSize(scope, KIND, `reason (for ${ruleId})`, annotations);
    }
    for (const obj of objects) obj.metadata.addAnnotation(skipAnnotationKey(ruleId), reason.trim());
  }

  /**
   * Checks plain manifests (the JSON of Kubernetes objects) without a cdk8s app.
   */
  public static check(manifests: any[], options?: GuardrailsOptions): CheckResult {
    if (!Array.isArray(manifests)) optionError('Guardrails.check')('manifests', manifests, 'a list of Kubernetes objects');
    manifests.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || Array.isArray(m) || typeof m.kind !== 'string' || typeof m.apiVersion !== 'string') {
        optionError('Guardrails.check')(`manifests[${i}]`, m, 'a Kubernetes object: a map with a string apiVersion and kind (the JSON of a manifest)');
      }
      const cycle = cyclePath(m, `manifests[${i}]`, new Set());
      if (cycle !== undefined) optionError('Guardrails.check')(cycle, '[a reference to an enclosing object]', 'JSON data without cycles: a manifest is a tree of maps, lists and values');
    });
    checkPropsAt('Guardrails.check', 'GuardrailsOptions', options ?? {}, 'options', true);
    const resolved = resolveOptions(options, optionError('Guardrails.check'));
    // No objects is no check: a result of 0 violations would read as a pass (the CLI refuses it too).
    if (manifests.length === 0) optionError('Guardrails.check')('manifests', manifests, 'at least one Kubernetes object: with none there is nothing to check');
    return checkManifests(manifests.map((manifest) => ({ manifest })), resolved);
  }

  /**
   * The current check of an enforced scope (without throwing), e.g. to inspect violations
   * and suppressions in a test.
   */
  public static report(scope: IConstruct): CheckResult {
    checkScopeAt('Guardrails.report()', 'scope', scope);
    const result = Engine.of(scope).has(scope) ? Engine.of(scope).resultFor(scope) : undefined;
    if (!result) fail(scope, KIND, 'scope', scope.node.path, 'an App or Chart passed to Guardrails.enforce');
    return result;
  }

  private constructor() {}
}

/** The path of the first value of `v` that refers back to an object enclosing it, or undefined. */
function cyclePath(v: unknown, at: string, enclosing: Set<object>): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (enclosing.has(v)) return at;
  enclosing.add(v);
  const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [`${at}[${i}]`, x]) : Object.entries(v).map(([k, x]) => [`${at}.${k}`, x]);
  for (const [p, x] of entries) {
    const found = cyclePath(x, p, enclosing);
    if (found !== undefined) return found;
  }
  enclosing.delete(v);
  return undefined;
}
