import { findRule, isSwitchable } from './catalog';
import { ResolvedOptions } from './model';
import { RuleViolation } from './types';
import { Waiver } from './exceptions';
import { Obj, ObjectIndex } from './objects';

/** A rule implementation: one function per rule id of the catalog. */
export interface RuleCheck {
  readonly id: string;
  readonly check: (ctx: RuleContext) => void;
}

export interface ReportOptions {
  /** Field of the object that breaks the rule. */
  readonly field?: string;
  /** A fix more specific than the catalog's. */
  readonly fix?: string;
  /** Other objects whose skip annotation for this rule also suppresses the violation (the workload of a cross-object rule). */
  readonly alsoSkippedBy?: readonly Obj[];
  /** A narrow exception on `obj` that covers this finding (lib/practices/exceptions.ts): counted, not reported. */
  readonly waivedBy?: Waiver;
  /**
   * A fact about the cluster rather than an opinion of the catalog (pods that Pod Security
   * admission refuses): no skip annotation hides it, only a change of the objects.
   */
  readonly unskippable?: boolean;
}

/** Collects the violations of one check and counts what the skips hid. */
export class Sink {
  public readonly violations: RuleViolation[] = [];
  /** Position in the input of the object each violation is on. */
  public readonly positions = new Map<RuleViolation, number>();
  /** Object -> rule id (or waiver id) -> violations suppressed by its skip annotation. */
  public readonly suppressed = new Map<Obj, Map<string, number>>();

  /** Rule switched off -> violations it would have reported. */
  public readonly disabled = new Map<string, number>();

  public countSuppressed(obj: Obj, rule: string, count = 1): void {
    let m = this.suppressed.get(obj);
    if (!m) this.suppressed.set(obj, m = new Map());
    m.set(rule, (m.get(rule) ?? 0) + count);
  }

  /** What this sink holds as plain data (structured-clonable), objects named by their `index`. */
  public toData(): SinkData {
    const suppressed: [number, string, number][] = [];
    for (const [obj, byRule] of this.suppressed) for (const [rule, n] of byRule) suppressed.push([obj.index, rule, n]);
    return {
      violations: this.violations.map((v) => [v, this.positions.get(v)!]),
      suppressed,
      disabled: [...this.disabled],
    };
  }

  /** Adds what another sink held (`toData`) over an index of the same input. */
  public take(data: SinkData, byIndex: ReadonlyMap<number, Obj>): void {
    for (const [v, at] of data.violations) {
      this.violations.push(v);
      this.positions.set(v, at);
    }
    for (const [at, rule, n] of data.suppressed) this.countSuppressed(byIndex.get(at)!, rule, n);
    for (const [rule, n] of data.disabled) this.disabled.set(rule, n);
  }
}

/** A sink as plain data: violations with their object's position, suppressed counts by position, disabled rules' counts. */
export interface SinkData {
  readonly violations: readonly [RuleViolation, number][];
  readonly suppressed: readonly [number, string, number][];
  readonly disabled: readonly [string, number][];
}

/** Whether a skip annotation switches a rule off (it needs a non-empty reason). */
export function skipReason(obj: Obj, rule: string): string | undefined {
  const reason = obj.skips.get(rule);
  return reason !== undefined && reason.trim() !== '' ? reason.trim() : undefined;
}

/** What a rule sees: the index, the options, and a way to report. */
export class RuleContext {
  private readonly defaultFix: string;
  private readonly switchable: boolean;

  constructor(
    public readonly index: ObjectIndex,
    public readonly options: ResolvedOptions,
    public readonly rule: string,
    private readonly sink: Sink,
  ) {
    const info = findRule(rule);
    this.defaultFix = info?.fix ?? '';
    this.switchable = info === undefined || isSwitchable(info);
  }

  /** The restricted profile (everything) rather than baseline. */
  public get restricted(): boolean {
    return this.options.profile === 'restricted';
  }

  /** Reports a violation on `obj` unless a skip annotation with a reason suppresses it (and the rule can be switched off). */
  public report(obj: Obj, message: string, opts: ReportOptions = {}): void {
    if (!obj.subject) return;
    const skippable = this.switchable && opts.unskippable !== true;
    for (const o of skippable ? [obj, ...(opts.alsoSkippedBy ?? [])] : []) {
      if (skipReason(o, this.rule) !== undefined) {
        this.sink.countSuppressed(o, this.rule);
        return;
      }
    }
    if (opts.waivedBy !== undefined) {
      this.sink.countSuppressed(obj, opts.waivedBy.id);
      return;
    }
    const emptySkip = obj.skips.has(this.rule) && skippable ? ' (its skip annotation has no reason, so it does not count)' : '';
    const violation: RuleViolation = {
      rule: this.rule,
      kind: obj.kind,
      // As the manifest gives it: an object placed in the default namespace is not shown there.
      namespace: obj.ns === undefined ? undefined : declaredNamespace(obj),
      name: obj.name,
      path: obj.path,
      source: obj.source,
      field: opts.field,
      message: message + emptySkip,
      fix: opts.fix ?? this.defaultFix,
    };
    this.sink.violations.push(violation);
    this.sink.positions.set(violation, obj.index);
  }
}

/** The namespace an object's manifest names, or undefined. */
export function declaredNamespace(obj: Obj): string | undefined {
  const ns = obj.m.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}
