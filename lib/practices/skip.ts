import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { findRule, RULE_IDS } from './catalog';

/**
 * Annotation that records a switched-off rule on the object it applies to, so a reviewer
 * reading the YAML sees every exception and its reason. The checker honours it.
 */
export const SKIP_ANNOTATION_PREFIX = 'guardrails.cdk8s.io/skip.';

export function skipAnnotationKey(ruleId: string): string {
  return SKIP_ANNOTATION_PREFIX + ruleId;
}

/**
 * Validates a `skip` map (rule id -> reason) given to a construct and returns it sorted.
 * Unknown ids and empty reasons are errors: a rule is switched off on purpose or not at all.
 */
export function validateSkips(scope: IConstruct, kind: string, skip: { [ruleId: string]: string } | undefined): Map<string, string> {
  const result = new Map<string, string>();
  for (const id of Object.keys(skip ?? {}).sort()) {
    const reason = skip![id];
    if (!findRule(id)) {
      fail(scope, kind, `skip.${id}`, id, `a rule id of the catalog: ${RULE_IDS.join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail(scope, kind, `skip.${id}`, reason, 'a non-empty reason: switching a rule off must say why');
    }
    result.set(id, reason.trim());
  }
  return result;
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
