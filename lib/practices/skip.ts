import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { constructCreated } from '../core/construct-hooks';
import { fail } from '../core/errors';
import { annotationsBytes, checkAnnotationsSize } from '../core/validate';
import { findRule, RULE_IDS, RULES, RuleGroup } from './catalog';

/**
 * Annotation that records a switched-off rule on the object it applies to, so a reviewer
 * reading the YAML sees every exception and its reason. The checker honours it.
 */
export const SKIP_ANNOTATION_PREFIX = 'guardrails.cdk8s.io/skip.';

export function skipAnnotationKey(ruleId: string): string {
  return SKIP_ANNOTATION_PREFIX + ruleId;
}

/**
 * The rule group that each construct kind can switch off; other groups mean nothing on it
 * (`ns-quota` on a workload). Kinds not listed here check their own ids (IsolatedNamespace,
 * TlsIngress) or accept every object rule.
 */
const GROUP_OF_KIND: { [kind: string]: RuleGroup } = {
  SafeDeployment: 'workload',
  SafeStatefulSet: 'workload',
  SafeDaemonSet: 'workload',
  SafeJob: 'workload',
  SafeCronJob: 'workload',
  SafeWorkload: 'workload',
};

/**
 * Validates a `skip` map (rule id -> reason) given to a construct and returns it sorted.
 * Unknown ids, ids of rules that mean nothing on this kind of construct, empty reasons and
 * reasons too long for annotations are errors: a rule is switched off on purpose or not at
 * all. `group` is the rule group the construct can switch off (by default from its kind).
 */
export function validateSkips(scope: IConstruct, kind: string, skip: { [ruleId: string]: string } | undefined, group?: RuleGroup): Map<string, string> {
  // Every construct that takes skips is a library construct (app-wide checks register here).
  constructCreated(scope);
  const result = new Map<string, string>();
  if (skip !== undefined && (skip === null || typeof skip !== 'object' || Array.isArray(skip))) {
    fail(scope, kind, 'skip', skip, 'a map of rule ids to reasons, e.g. { \'replicas-min\': \'a singleton by design\' }');
  }
  const own = group ?? GROUP_OF_KIND[kind];
  for (const id of Object.keys(skip ?? {}).sort()) {
    const reason = skip![id];
    const rule = findRule(id);
    if (!rule) {
      fail(scope, kind, `skip.${id}`, id, `a rule id of the catalog: ${RULE_IDS.join(', ')}`);
    }
    if (own !== undefined && rule.group !== own) {
      const ids = RULES.filter((r) => r.group === own).map((r) => r.id);
      fail(scope, kind, `skip.${id}`, id, `a rule that a ${kind} can switch off (${rule.group} rules are switched off on the ${rule.group}): ${ids.join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail(scope, kind, `skip.${id}`, reason, 'a non-empty reason: switching a rule off must say why');
    }
    result.set(id, reason.trim());
  }
  checkAnnotationsSize(scope, kind, 'skip', skipAnnotations(result));
  return result;
}

function skipAnnotations(skips: Map<string, string>): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [id, reason] of skips) out[skipAnnotationKey(id)] = reason;
  return out;
}

/** Bytes that the skip annotations take on an object (for the annotations size limit). */
export function skipAnnotationBytes(skips: Map<string, string>): number {
  return annotationsBytes(skipAnnotations(skips));
}

/** Writes the skip annotations onto an object. */
export function annotateSkips(obj: ApiObject, skips: Map<string, string>): void {
  for (const [id, reason] of skips) {
    obj.metadata.addAnnotation(skipAnnotationKey(id), reason);
  }
}

/** Reads the skip annotations of a synthesized object: rule id -> reason. */
export function readSkips(manifest: any): Map<string, string> {
  let result: Map<string, string> | undefined;
  const annotations = manifest?.metadata?.annotations;
  if (annotations && typeof annotations === 'object') {
    for (const key in annotations) {
      if (key.startsWith(SKIP_ANNOTATION_PREFIX)) {
        (result ??= new Map()).set(key.slice(SKIP_ANNOTATION_PREFIX.length), String(annotations[key]));
      }
    }
  }
  return result ?? NO_SKIPS;
}

/** The skips of an object without skip annotations (shared, never written). */
const NO_SKIPS: Map<string, string> = new Map();
