/**
 * The checker: wraps every manifest once into an index, runs each rule of the profile
 * over it, and applies skips. Linear in the number of objects: cross-object rules look
 * objects up by kind, namespace, name and label instead of scanning.
 */
import { findRule, isSwitchable, notSwitchableWhy, RULES } from './catalog';
import { RuleContext, Sink, skipReason } from './context';
import { DEFAULT_OPTIONS, ManifestInput, ResolvedOptions } from './model';
import { readWaivers } from './exceptions';
import { SKIP_ANNOTATION_PREFIX } from './skip-keys';
import { skipNotApplicable } from './skip-kinds';
import { Obj, ObjectIndex, isObject } from './objects';
import { RULE_CHECKS } from './rules';
import { CheckResult, RuleSuppression, RuleViolation } from './types';

const RULE_ORDER = new Map(RULES.map((r, i) => [r.id, i]));

/** Expands `List` objects (kubectl output) and drops empty documents. */
export function flattenManifests(inputs: readonly ManifestInput[]): ManifestInput[] {
  const out: ManifestInput[] = [];
  for (const input of inputs) {
    const m = input.manifest;
    if (!isObject(m)) continue;
    if (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) {
      m.items.forEach((item: unknown, i: number) => out.push({ ...input, manifest: item, source: input.source ? `${input.source}[${i}]` : undefined }));
    } else {
      out.push(input);
    }
  }
  return out;
}

/** Whether a rule runs under these options (profile, not disabled). */
export function ruleApplies(id: string, options: ResolvedOptions): boolean {
  const rule = findRule(id);
  return !!rule && rule.profiles.includes(options.profile) && !options.disabledRules.has(id);
}

/**
 * Checks manifests. `subject` chooses the objects whose violations are reported; the others
 * only serve cross-object lookups (the rest of the app around a chart). `defaultNamespace`:
 * the namespace of objects that name none (see ObjectIndex).
 */
export function checkManifests(
  manifests: readonly ManifestInput[],
  options: ResolvedOptions = DEFAULT_OPTIONS,
  subject?: (input: ManifestInput) => boolean,
  defaultNamespace?: string,
): CheckResult {
  return checkIndex(new ObjectIndex(flattenManifests(manifests), subject, defaultNamespace), options);
}

/** The violations of one rule alone (skips honoured as the rule allows), e.g. `api-valid` before reading objects for another purpose. */
export function checkRule(id: string, manifests: readonly ManifestInput[], defaultNamespace?: string): RuleViolation[] {
  const rule = RULE_CHECKS.find((r) => r.id === id);
  if (!rule) throw new Error(`no checker rule ${id}`);
  const sink = new Sink();
  rule.check(new RuleContext(new ObjectIndex(flattenManifests(manifests), undefined, defaultNamespace), DEFAULT_OPTIONS, id, sink));
  return sink.violations;
}

/** Checks an index already built (the in-app enforcement reuses one index for several scopes). */
export function checkIndex(index: ObjectIndex, options: ResolvedOptions): CheckResult {
  const sink = new Sink();
  runRules(index, options, sink);
  return finishCheck(index, options, sink);
}

/**
 * Runs the rules of the catalog that apply under `options` and that `only` names (all when
 * unset) into `sink`. A rule switched off is run too, into a scratch sink, to tell the report
 * how much the switch hides (`sink.disabled`). `checkIndex` is `runRules` then `finishCheck`;
 * the `check` command may run the rules in several threads, each on its own index of the same
 * input, and bring their sinks together (`Sink.take`) before finishing.
 */
export function runRules(index: ObjectIndex, options: ResolvedOptions, sink: Sink, only?: ReadonlySet<string>): void {
  for (const rule of RULE_CHECKS) {
    if (only !== undefined && !only.has(rule.id)) continue;
    const info = findRule(rule.id)!;
    if (!info.profiles.includes(options.profile)) continue;
    if (options.disabledRules.has(rule.id)) {
      const scratch = new Sink();
      rule.check(new RuleContext(index, options, rule.id, scratch));
      sink.disabled.set(rule.id, scratch.violations.length);
      continue;
    }
    rule.check(new RuleContext(index, options, rule.id, sink));
  }
}

/** The result of the rules run into `sink`: violations in input order, suppressions and warnings. */
export function finishCheck(index: ObjectIndex, options: ResolvedOptions, sink: Sink): CheckResult {
  const disabledCounts = sink.disabled;
  const pos = (v: RuleViolation) => sink.positions.get(v) ?? 0;
  const violations = sink.violations.sort((a, b) => pos(a) - pos(b)
    || (RULE_ORDER.get(a.rule)! - RULE_ORDER.get(b.rule)!)
    || (a.field ?? '').localeCompare(b.field ?? '')
    || a.message.localeCompare(b.message));

  const suppressions: RuleSuppression[] = [];
  const disabled = [...options.disabledRules].sort((a, b) => RULE_ORDER.get(a[0])! - RULE_ORDER.get(b[0])!);
  for (const [id, reason] of disabled) {
    suppressions.push({ rule: id, reason, suppressed: disabledCounts.get(id) ?? 0 });
  }
  const warnings: string[] = [];
  let objectCount = 0;
  for (const { obj, count } of [...index.duplicates.values()].sort((a, b) => a.obj.index - b.obj.index)) {
    const k = objectRef({ kind: obj.kind, namespace: obj.ns, name: obj.name });
    warnings.push(`${k} appears ${count} times: objects of one app have unique names; check each app or environment on its own (the check command: --each-dir checks each folder as an app; a folder written by synth holds a guardrails-report.jsonc, which marks it as one app)`);
  }
  for (const { obj, fields } of index.looseContainers) {
    if (!obj.subject) continue;
    const shown = fields.length > 3 ? `${fields.slice(0, 3).join(', ')} and ${fields.length - 3} more` : fields.join(', ');
    warnings.push(`${objectRef({ kind: obj.kind, namespace: obj.ns, name: obj.name })}${obj.path ? ` (${obj.path})` : ''}: has containers outside a pod template (${shown}) that the checker cannot classify, so only their privileges are checked (pod-security); check their images, resources and security by hand, or render them into the pods they become`);
  }
  for (const obj of index.all) {
    if (!obj.subject) continue;
    objectCount++;
    for (const [id, reason] of obj.skips) {
      const where = objectWhere(obj);
      const rule = findRule(id);
      if (!rule) {
        warnings.push(`${where}: skip annotation for unknown rule "${id}"`);
        continue;
      }
      if (!isSwitchable(rule)) {
        warnings.push(`${where}: skip annotation for ${id} is ignored: ${notSwitchableWhy(id)}`);
        continue;
      }
      if (skipReason(obj, id) === undefined) {
        warnings.push(`${where}: skip annotation for ${id} has no reason, so the rule still applies`);
        continue;
      }
      const hidden = sink.suppressed.get(obj)?.get(id) ?? 0;
      const idle = skipNotApplicable(id, obj, index.podSetOf(obj), hidden, index.ofKind('Ingress').length);
      if (idle !== undefined) warnings.push(`${where}: skip annotation for ${id}: ${idle}`);
      suppressions.push({
        rule: id,
        reason,
        kind: obj.kind,
        namespace: obj.ns || undefined,
        name: obj.name,
        path: obj.path,
        source: obj.source,
        suppressed: hidden,
      });
    }
    const misplaced = misplacedSkips(index, obj);
    if (misplaced !== undefined) warnings.push(`${objectWhere(obj)}: ${misplaced}`);
    if (obj.scoped.size === 0) continue;
    const waivers = readWaivers(obj.scoped);
    for (const problem of waivers.problems) warnings.push(`${objectWhere(obj)}: ${problem}`);
    for (const w of waivers.list) {
      suppressions.push({
        rule: w.rule,
        reason: w.reason,
        kind: obj.kind,
        namespace: obj.ns || undefined,
        name: obj.name,
        path: obj.path,
        source: obj.source,
        scope: w.scope === '' ? w.check : `${w.check} ${w.scope}`,
        suppressed: sink.suppressed.get(obj)?.get(w.id) ?? 0,
      });
    }
  }
  return { violations, suppressions, warnings, objectCount };
}

/**
 * Skip annotations on a workload's pod template (where a Helm chart's `podAnnotations` land)
 * rather than on the object: they are not honoured, since the object's own annotations are the
 * one place a skip is recorded and reviewed. Says which, and where they belong.
 */
function misplacedSkips(index: ObjectIndex, obj: Obj): string | undefined {
  const p = index.podSetOf(obj);
  if (p === undefined || p.metaField === 'metadata') return undefined;
  const keys = Object.keys(p.annotations).filter((k) => k.startsWith(SKIP_ANNOTATION_PREFIX)).sort();
  if (keys.length === 0) return undefined;
  const one = keys.length === 1;
  return `skip annotation${one ? '' : 's'} ${keys.join(', ')} ${one ? 'is' : 'are'} on the pod template (${p.metaField}.annotations), where ${one ? 'it skips' : 'they skip'} nothing: move ${one ? 'it' : 'them'} to the ${obj.kind}'s own metadata.annotations (in a Helm chart, the value that sets the workload's annotations, not podAnnotations)`;
}

/** `kind namespace/name (path)`, for warnings. */
function objectWhere(obj: Obj): string {
  return `${obj.kind} ${obj.ns ? `${obj.ns}/` : ''}${obj.name}${obj.path ? ` (${obj.path})` : ''}`;
}

/** `kind namespace/name`. */
export function objectRef(v: { kind?: string; namespace?: string; name?: string }): string {
  return `${v.kind} ${v.namespace ? `${v.namespace}/` : ''}${v.name}`;
}

/** One line per violation: rule id, object, construct path, field, what is wrong, how to fix it. */
export function formatViolation(v: RuleViolation): string {
  const where = v.path ? ` at ${v.path}` : v.source ? ` in ${v.source}` : '';
  const field = v.field ? ` ${v.field}:` : '';
  return `${v.rule}: ${objectRef(v)}${where}:${field} ${v.message}. Fix: ${v.fix}`;
}

/** One line per suppression. */
export function formatSuppression(s: RuleSuppression): string {
  const target = s.kind ? `${objectRef(s)}${s.path ? ` at ${s.path}` : s.source ? ` in ${s.source}` : ''}` : 'the whole app';
  const hid = s.suppressed === 1 ? '1 violation' : `${s.suppressed} violations`;
  if (s.scope !== undefined) return `${s.rule} waived for ${s.scope} on ${target} (hides ${hid}): ${s.reason}`;
  return `${s.rule} switched off for ${target} (hides ${hid}): ${s.reason}`;
}
