/** Kubernetes label selectors: `matchLabels` plus `matchExpressions`. */

export interface LabelSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
}

/** Whether a selector matches a label set. An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector | undefined | null, labels: { [key: string]: string } | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(isObj(selector.matchLabels) ? selector.matchLabels! : {})) {
    if (l[k] !== String(v)) return false;
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isObj(e)) return false;
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = (Array.isArray(e.values) ? e.values : []).map(String);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(l[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(l[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Why the API server rejects a label selector's expressions, or undefined: In and NotIn need
 * values, Exists and DoesNotExist take none, and no other operator exists.
 */
export function selectorProblem(selector: LabelSelector | undefined | null): string | undefined {
  const exprs = selector && Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i];
    if (!isObj(e)) return `matchExpressions[${i}] is not an object`;
    const n = Array.isArray(e.values) ? e.values.length : 0;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (n === 0) return `matchExpressions[${i}] (${e.key} ${e.operator}) has no values; ${e.operator} needs at least one`;
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (n > 0) return `matchExpressions[${i}] (${e.key} ${e.operator}) has values; ${e.operator} takes none`;
    } else {
      return `matchExpressions[${i}] has operator ${JSON.stringify(e.operator) ?? 'unset'}; only In, NotIn, Exists and DoesNotExist exist`;
    }
  }
  return undefined;
}

/** The label keys a selector names, in matchLabels and matchExpressions. */
export function selectorKeys(selector: LabelSelector | undefined | null): string[] {
  if (!selector) return [];
  return [...Object.keys(isObj(selector.matchLabels) ? selector.matchLabels! : {}),
    ...(Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).filter(isObj).map((e) => String(e.key))];
}

/** Whether a plain map selector (Service `spec.selector`) matches a label set. */
export function mapSelectorMatches(selector: { [key: string]: string } | undefined, labels: { [key: string]: string } | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === String(v));
}

/** Whether a selector is empty (selects everything). */
export function isEmptySelector(selector: LabelSelector | undefined | null): boolean {
  return !!selector && Object.keys(isObj(selector.matchLabels) ? selector.matchLabels! : {}).length === 0
    && (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).length === 0;
}

/** Every `[key, value]` pair a selector requires, for index lookups. */
export function requiredPairs(selector: LabelSelector | undefined | null): Array<[string, string]> {
  if (!selector) return [];
  const out = Object.entries(isObj(selector.matchLabels) ? selector.matchLabels! : {}).map(([k, v]): [string, string] => [k, String(v)]);
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (e?.operator === 'In' && Array.isArray(e.values) && e.values.length === 1) out.push([String(e.key), String(e.values[0])]);
  }
  return out;
}

function isObj(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Renders a selector for messages. */
export function showSelector(selector: LabelSelector | { [key: string]: string } | undefined | null): string {
  if (!selector) return '(none)';
  const s = selector as any;
  if (s.matchLabels === undefined && s.matchExpressions === undefined) {
    return '{' + Object.entries(s).map(([k, v]) => `${k}=${v}`).join(', ') + '}';
  }
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`);
  return parts.length ? `{${parts.join(', ')}}` : '{} (everything)';
}
