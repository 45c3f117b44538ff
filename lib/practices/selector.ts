/** Kubernetes label selectors: `matchLabels` plus `matchExpressions`. */

export interface LabelSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
}

/** YAML 1.1 words for each boolean. */
const BOOLEAN_WORDS = {
  true: ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
  false: ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
};

/**
 * Whether a selector's value (of matchLabels, of a Service's map selector, or of a
 * matchExpressions' values) selects a label value. A value YAML read as a boolean or a number
 * (`canary: no`, `version: 1.10`) is refused by the API server, and `api-valid` says so; the
 * rest of the checks judge the selector as it was meant, the value as the text it was written
 * as: `false` selects `no`, `off` and `false`, and `1.1` selects `1.1` and `1.10`.
 */
export function selectsValue(value: unknown, label: string | undefined): boolean {
  if (label === undefined) return false;
  if (typeof value === 'boolean') return BOOLEAN_WORDS[value ? 'true' : 'false'].includes(label);
  if (typeof value === 'number') return label === String(value) || (label.trim() !== '' && Number(label) === value);
  return label === String(value);
}

/** Whether a selector matches a label set. An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector | undefined | null, labels: { [key: string]: string } | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const matchLabels: { [key: string]: unknown } = isObj(selector.matchLabels) ? selector.matchLabels! : {};
  for (const k in matchLabels) {
    if (Object.prototype.hasOwnProperty.call(matchLabels, k) && !selectsValue(matchLabels[k], l[k])) return false;
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isObj(e)) return false;
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In': if (!has || !values.some((v) => selectsValue(v, l[e.key]))) return false; break;
      case 'NotIn': if (has && values.some((v) => selectsValue(v, l[e.key]))) return false; break;
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
  return Object.entries(selector).every(([k, v]) => selectsValue(v, l[k]));
}

/** Whether a selector is empty (selects everything). */
export function isEmptySelector(selector: LabelSelector | undefined | null): boolean {
  return !!selector && Object.keys(isObj(selector.matchLabels) ? selector.matchLabels! : {}).length === 0
    && (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).length === 0;
}

/**
 * Every `[key, value]` pair a selector requires, for index lookups: the string values (a value
 * of another type selects more than one label value, see `selectsValue`).
 */
export function requiredPairs(selector: LabelSelector | undefined | null): Array<[string, string]> {
  if (!selector) return [];
  const out: Array<[string, string]> = [];
  const matchLabels: { [key: string]: unknown } = isObj(selector.matchLabels) ? selector.matchLabels! : {};
  for (const k of Object.keys(matchLabels)) {
    const v = matchLabels[k];
    if (typeof v === 'string') out.push([k, v]);
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (e?.operator === 'In' && Array.isArray(e.values) && e.values.length === 1 && typeof e.values[0] === 'string') out.push([String(e.key), e.values[0]]);
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
