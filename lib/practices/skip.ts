import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { constructCreated } from '../core/construct-hooks';
import { fail } from '../core/errors';
import { annotationsBytes, checkAnnotationsSize } from '../core/validate';
import { findRule, RULE_IDS, RULES, RuleGroup } from './catalog';
import { POD_SECURITY, SECRET_ENV_CHECK, SECRET_NO_PLAINTEXT, SKIPPABLE_CHECKS } from './exceptions';

import { SKIP_ANNOTATION_PREFIX, skipAnnotationKey } from './skip-keys';

export { SKIP_ANNOTATION_PREFIX, skipAnnotationKey };

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
 * Workloads also take `pod-security.<check>` for the checks their props can ask to waive
 * (lib/practices/exceptions.ts); the pod core scopes them to what the props ask.
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
    if (id.includes('.') && own === 'workload') {
      checkScopedSkip(scope, kind, id);
    } else if (!findRule(id)) {
      fail(scope, kind, `skip.${id}`, id, `a rule id of the catalog: ${RULE_IDS.join(', ')}`);
    }
    const rule = findRule(id.split('.')[0])!;
    // The per-variable exception of secret-no-plaintext is about the workload's own env.
    const ownEnv = id === `${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK}` && own === 'workload';
    if (own !== undefined && rule.group !== own && !ownEnv) {
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

/**
 * A skip of one pod-security check (`pod-security.runAsUser`): only the checks that a
 * workload's props can ask for; host access is asked for with SafeDaemonSet's props.
 */
function checkScopedSkip(scope: IConstruct, kind: string, id: string): void {
  const [rule, check] = [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];
  const asked = SKIPPABLE_CHECKS.map((c) => `${POD_SECURITY}.${c}`).join(', ');
  if (rule === SECRET_NO_PLAINTEXT && check === SECRET_ENV_CHECK) return;
  if (rule !== POD_SECURITY) {
    fail(scope, kind, `skip.${id}`, id, `a rule id of the catalog, or one of ${asked}, ${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK}: only pod-security and ${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK} have checks that can be waived on their own`);
  }
  if (check === 'hostPath' || check === 'hostNetwork') {
    fail(scope, kind, `skip.${id}`, id, `one of ${asked}: host access is asked for with SafeDaemonSet's ${check === 'hostPath' ? 'hostPaths (each with its reason)' : 'hostNetwork and hostNetworkReason'}`);
  }
  if (!(SKIPPABLE_CHECKS as readonly string[]).includes(check)) {
    fail(scope, kind, `skip.${id}`, id, `one of ${asked}; any other check is waived only with the whole rule, skip: { 'pod-security': '<reason>' }`);
  }
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

/** The skip annotations of an object: whole rules, and narrow exceptions (lib/practices/exceptions.ts). */
export interface SkipAnnotations {
  /** Rule id -> reason. */
  readonly skips: Map<string, string>;
  /** `<rule>.<check>` -> the annotation value, e.g. 'pod-security.hostPath' -> '/var/log (read-only): ships logs'. */
  readonly scoped: Map<string, string>;
}

/** Reads the skip annotations of a synthesized object. */
export function readSkips(manifest: any): SkipAnnotations {
  let skips: Map<string, string> | undefined;
  let scoped: Map<string, string> | undefined;
  const annotations = manifest?.metadata?.annotations;
  if (annotations && typeof annotations === 'object') {
    for (const key in annotations) {
      if (key.startsWith(SKIP_ANNOTATION_PREFIX)) {
        const rest = key.slice(SKIP_ANNOTATION_PREFIX.length);
        // Rule ids have no dot: a dot names one check of a rule.
        if (rest.includes('.')) (scoped ??= new Map()).set(rest, String(annotations[key]));
        else (skips ??= new Map()).set(rest, String(annotations[key]));
      }
    }
  }
  return skips === undefined && scoped === undefined ? NO_SKIPS : { skips: skips ?? NO_MAP, scoped: scoped ?? NO_MAP };
}

/** The skips of an object without skip annotations (shared, never written). */
const NO_MAP: Map<string, string> = new Map();
const NO_SKIPS: SkipAnnotations = { skips: NO_MAP, scoped: NO_MAP };
