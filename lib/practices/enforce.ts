/**
 * In-app enforcement: a construct validation on each enforced App or Chart that runs the
 * checker over the final JSON of every ApiObject of the app.
 *
 * cdk8s validates the whole app once per chart during a synthesis, so the result is kept
 * for the span of the synthesis (lib/core/synthesis.ts) and the checker runs once; outside
 * one (`Testing.synth(chart)`) it runs per call.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { allApiObjects, inSynthesis, onSynthesisEnd } from '../core/synthesis';
import { PRACTICES_POINTER } from './catalog-docs';
import { checkIndex, formatViolation } from './checker';
import { ManifestInput, REPORT_FILE, ResolvedOptions } from './model';
import { optionError, resolveOptions } from './options';
import { ObjectIndex } from './objects';
import { CheckResult, GuardrailsOptions, RuleSuppression, RuleViolation } from './types';

export { REPORT_FILE };

interface ScopeResult {
  readonly options: ResolvedOptions;
  readonly result: CheckResult;
}

interface AppResult {
  readonly byScope: Map<IConstruct, ScopeResult>;
}

const ENGINES = new WeakMap<IConstruct, Engine>();

export class Engine {
  /** The engine of the app that a construct belongs to. */
  public static of(scope: IConstruct): Engine {
    const root = scope.node.root;
    let engine = ENGINES.get(root);
    if (!engine) {
      engine = new Engine(root);
      ENGINES.set(root, engine);
    }
    return engine;
  }

  /** Enforced scopes, with their own options (merged over enclosing scopes at check time). */
  private readonly scopes = new Map<IConstruct, GuardrailsOptions>();
  private memoized: ApiObject[] = [];
  private cached?: AppResult;
  /** Number of checker runs (for tests and the benchmark). */
  public runs = 0;
  /** Milliseconds the last run took, from collecting the objects to the last rule. */
  public lastRunMs = 0;

  private constructor(private readonly root: IConstruct) {
    onSynthesisEnd(root, (app, wroteFiles) => {
      this.forgetJson();
      if (wroteFiles && this.cached) this.writeReport(app.outdir, this.cached);
      this.cached = undefined;
    });
  }

  public has(scope: IConstruct): boolean {
    return this.scopes.has(scope);
  }

  /** Adds an enforced scope; its options were validated by the caller. */
  public add(scope: IConstruct, options: GuardrailsOptions): void {
    this.scopes.set(scope, options);
    this.cached = undefined;
    scope.node.addValidation({ validate: () => this.errorsFor(scope) });
  }

  /** Violations of the objects governed by `scope`, one line each. */
  public errorsFor(scope: IConstruct): string[] {
    const r = this.result().byScope.get(scope);
    const lines = r ? r.result.violations.map(formatViolation) : [];
    // Where each rule is explained, once after the violations.
    return lines.length > 0 ? [...lines, PRACTICES_POINTER] : lines;
  }

  /** The check of the objects governed by an enforced scope. */
  public resultFor(scope: IConstruct): CheckResult | undefined {
    return this.result().byScope.get(scope)?.result;
  }

  private result(): AppResult {
    if (this.cached) return this.cached;
    const r = this.compute();
    if (inSynthesis(this.root)) this.cached = r;
    return r;
  }

  private compute(): AppResult {
    this.runs++;
    const start = Date.now();
    try {
      return this.computeOnce();
    } finally {
      this.lastRunMs = Date.now() - start;
    }
  }

  private computeOnce(): AppResult {
    const objects = allApiObjects(this.root);
    // The nearest enforced scope of each construct, memoized along the tree.
    const governing = new Map<IConstruct, IConstruct | undefined>();
    const scopeOf = (c: IConstruct | undefined): IConstruct | undefined => {
      if (!c) return undefined;
      if (governing.has(c)) return governing.get(c);
      const s = this.scopes.has(c) ? c : scopeOf(c.node.scope);
      governing.set(c, s);
      return s;
    };
    const inputs: ManifestInput[] = [];
    const scopeByInput = new Map<ManifestInput, IConstruct | undefined>();
    for (const obj of objects) {
      const json = obj.toJson();
      if (inSynthesis(this.root)) this.memoizeJson(obj, json);
      const input: ManifestInput = { manifest: json, path: obj.node.path };
      inputs.push(input);
      scopeByInput.set(input, scopeOf(obj));
    }
    // One index for the whole app: cross-object rules see every chart.
    const index = new ObjectIndex(inputs, () => false);
    const byScope = new Map<IConstruct, ScopeResult>();
    for (const scope of this.scopes.keys()) {
      for (const obj of index.all) obj.subject = scopeByInput.get(inputs[obj.index]) === scope;
      const options = this.effectiveOptions(scope);
      byScope.set(scope, { options, result: checkIndex(index, options) });
    }
    return { byScope };
  }

  /** Options of a scope over those of the enclosing enforced scopes: field by field, disabled rules merged. */
  private effectiveOptions(scope: IConstruct): ResolvedOptions {
    const chain: GuardrailsOptions[] = [];
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      const o = this.scopes.get(c);
      if (o) chain.unshift(o);
    }
    let merged: { [key: string]: unknown } = {};
    for (const o of chain) {
      const disabledRules = { ...(merged.disabledRules as object ?? {}), ...(o.disabledRules ?? {}) };
      for (const [k, v] of Object.entries(o)) if (v !== undefined) merged[k] = v;
      merged = { ...merged, disabledRules };
    }
    return resolveOptions(merged as GuardrailsOptions, optionError(`Guardrails at '${scope.node.path}'`));
  }

  /**
   * Rendering an object (`toJson`, which resolves every token) costs far more than checking
   * it. During a synthesis cdk8s renders each object again for the output; the JSON the
   * checker rendered is handed out instead, until the synthesis ends.
   */
  private memoizeJson(obj: ApiObject, json: any): void {
    if (Object.prototype.hasOwnProperty.call(obj, 'toJson')) return;
    Object.defineProperty(obj, 'toJson', { value: () => json, configurable: true, writable: true });
    this.memoized.push(obj);
  }

  private forgetJson(): void {
    for (const obj of this.memoized) delete (obj as any).toJson;
    this.memoized = [];
  }

  private writeReport(outdir: string, r: AppResult): void {
    const violations: RuleViolation[] = [];
    const suppressions: RuleSuppression[] = [];
    const scopes: Array<{ path: string; profile: string }> = [];
    for (const [scope, s] of r.byScope) {
      scopes.push({ path: scope.node.path, profile: s.options.profile });
      violations.push(...s.result.violations);
      suppressions.push(...s.result.suppressions);
    }
    const seen = new Set<string>();
    const unique = suppressions.filter((x) => {
      const k = JSON.stringify(x);
      return seen.has(k) ? false : (seen.add(k), true);
    });
    const report = { scopes, violations, suppressions: unique };
    fs.mkdirSync(outdir, { recursive: true });
    fs.writeFileSync(path.join(outdir, REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
  }
}
