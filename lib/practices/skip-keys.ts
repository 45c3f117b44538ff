/**
 * Annotation that records a switched-off rule on the object it applies to, so a reviewer
 * reading the YAML sees every exception and its reason. The checker honours it.
 * `guardrails.cdk8s.io/skip.<rule>` switches a whole rule off;
 * `guardrails.cdk8s.io/skip.pod-security.<check>` waives one check (lib/practices/exceptions.ts).
 */
export const SKIP_ANNOTATION_PREFIX = 'guardrails.cdk8s.io/skip.';

export function skipAnnotationKey(ruleId: string): string {
  return SKIP_ANNOTATION_PREFIX + ruleId;
}
