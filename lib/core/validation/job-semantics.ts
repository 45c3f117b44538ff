/**
 * The API server's validation of a Job's failure handling that an OpenAPI schema cannot say:
 * pod failure policies, per-index backoff limits, pod replacement and success policies, each
 * from the Kubernetes version whose API server enforces it (earlier ones drop the field).
 * Rules by definition, run by the structural check (schema.ts) on every JobSpec, a CronJob's
 * job template included.
 *
 * Written from Kubernetes' validation (pkg/apis/batch/validation: validateJobSpec,
 * validatePodFailurePolicy, validatePodReplacementPolicy, validateSuccessPolicy), Kubernetes
 * 1.30 to 1.37.
 */
import { qualifiedNameProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import { DEFAULT_TARGET_MINOR } from './target';
import { domainPrefixedPathProblem } from './network-quota-semantics';
import { at, blank, given, isObject, list, oneOfText } from './rule-helpers';

type Findings = Parameters<DefinitionRule>[2];

/** Kubernetes minor version whose API server takes backoffLimitPerIndex, maxFailedIndexes and podReplacementPolicy (beta, on by default). */
export const JOB_PER_INDEX_MINOR = 29;
/** Kubernetes minor version whose API server takes successPolicy (beta, on by default). */
export const JOB_SUCCESS_POLICY_MINOR = 31;
/** Kubernetes minor version whose API server takes managedBy (beta, on by default). */
export const JOB_MANAGED_BY_MINOR = 32;
/**
 * Kubernetes minor version whose API server defaults the status of an onPodConditions pattern
 * of a CronJob's job template to "True" (SetDefaults_PodFailurePolicyOnPodConditionsPattern is
 * wired in from 1.34); earlier ones refuse a pattern without status there. A Job's own patterns
 * are defaulted by SetDefaults_Job at every version.
 */
export const JOB_CONDITION_STATUS_DEFAULT_MINOR = 34;
/** Most rules of a pod failure policy, patterns of a rule's onPodConditions, and rules of a success policy. */
export const JOB_POLICY_RULES_MAX = 20;
/** Most exit codes of an onExitCodes requirement. */
export const JOB_EXIT_CODES_MAX = 255;
/** Most failed indexes an Indexed Job may tolerate. */
export const MAX_FAILED_INDEXES_MAX = 100000;
/** Above this many completions, an Indexed Job with backoffLimitPerIndex has tighter bounds. */
export const HIGH_COMPLETIONS = 100000;
/** Bound of parallelism and maxFailedIndexes above HIGH_COMPLETIONS completions. */
export const HIGH_COMPLETIONS_LIMIT = 10000;
/** Longest managedBy. */
export const JOB_MANAGED_BY_MAX = 63;

const FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

function exitCodes(req: { [key: string]: any }, here: string, containers: ReadonlySet<string>, f: Findings): void {
  if (given(req.operator) && req.operator !== 'In' && req.operator !== 'NotIn') f.bad(`${here}.operator`, req.operator, '"In" or "NotIn"');
  if (typeof req.containerName === 'string' && !containers.has(req.containerName)) {
    f.bad(`${here}.containerName`, req.containerName, `the name of a container or init container of the pod template (${[...containers].map((c) => JSON.stringify(c)).join(', ')})`);
  }
  const values = list(req.values);
  if (Array.isArray(req.values) && values.length === 0) f.say(`${here}.values`, 'is empty; the API server requires at least one exit code');
  if (values.length > JOB_EXIT_CODES_MAX) f.say(`${here}.values`, `lists ${values.length} exit codes; the API server refuses more than ${JOB_EXIT_CODES_MAX}`);
  const seen = new Set<unknown>();
  values.forEach((code, j) => {
    if (req.operator === 'In' && code === 0) f.bad(`${here}.values[${j}]`, code, 'an exit code other than 0 with operator In (0 is success: a failed pod never exits with it); use NotIn [0] for "any failure"');
    else if (seen.has(code)) f.say(`${here}.values[${j}]`, `exit code ${JSON.stringify(code)} is listed twice; the API server refuses duplicates`);
    seen.add(code);
  });
  if (values.some((code, j) => j > 0 && typeof code === 'number' && typeof values[j - 1] === 'number' && values[j - 1] > code)) {
    f.bad(`${here}.values`, req.values, 'exit codes in ascending order');
  }
}

/** Whether a pattern's status left out or "" is defaulted to "True": in a Job, or from 1.34 in a CronJob's job template. */
const statusDefaulted = (field: string, minor: number): boolean =>
  minor >= JOB_CONDITION_STATUS_DEFAULT_MINOR || !/(^|\.)jobTemplate\.spec$/.test(field);

function podFailurePolicy(spec: { [key: string]: any }, field: string, minor: number, f: Findings): void {
  const policy = spec.podFailurePolicy;
  if (!isObject(policy)) return;
  const defaulted = statusDefaulted(field, minor);
  const here = at(field, 'podFailurePolicy');
  const rules = list(policy.rules);
  if (rules.length > JOB_POLICY_RULES_MAX) f.say(`${here}.rules`, `has ${rules.length} rules; the API server refuses more than ${JOB_POLICY_RULES_MAX}`);
  const pod = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  const containers = new Set<string>([...list(pod.containers), ...list(pod.initContainers)].map((c) => c?.name).filter((n): n is string => typeof n === 'string'));
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    const r = `${here}.rules[${i}]`;
    if (rule.action === '') f.bad(`${r}.action`, rule.action, oneOfText(FAILURE_ACTIONS));
    else if (rule.action === 'FailIndex' && !given(spec.backoffLimitPerIndex)) f.bad(`${r}.action`, rule.action, 'FailJob, Ignore or Count: FailIndex needs spec.backoffLimitPerIndex (an Indexed Job with a backoff limit per index)');
    else if (typeof rule.action === 'string' && !FAILURE_ACTIONS.includes(rule.action)) f.bad(`${r}.action`, rule.action, oneOfText(FAILURE_ACTIONS));
    const onExit = isObject(rule.onExitCodes);
    const conditions = list(rule.onPodConditions);
    if (onExit) exitCodes(rule.onExitCodes, `${r}.onExitCodes`, containers, f);
    if (conditions.length > JOB_POLICY_RULES_MAX) f.say(`${r}.onPodConditions`, `has ${conditions.length} patterns; the API server refuses more than ${JOB_POLICY_RULES_MAX}`);
    conditions.forEach((c, j) => {
      if (!isObject(c)) return;
      const p = `${r}.onPodConditions[${j}]`;
      if (typeof c.type === 'string' && qualifiedNameProblem(c.type)) f.bad(`${p}.type`, c.type, `a pod condition type such as "DisruptionTarget": ${qualifiedNameProblem(c.type)!.replace(/^a key of the form /, 'of the form ')}`);
      // Left out or "", status is True where the API server's defaulting fills it in; required elsewhere.
      if (blank(c.status) && !defaulted) {
        f.say(`${p}.status`, `is unset; the API server of Kubernetes before 1.${JOB_CONDITION_STATUS_DEFAULT_MINOR} requires it in a CronJob's job template: write status: "True" (the condition holds), "False" or "Unknown"`);
      } else if (typeof c.status === 'string' && c.status !== '' && !CONDITION_STATUSES.includes(c.status)) {
        f.bad(`${p}.status`, c.status, defaulted ? `${oneOfText(CONDITION_STATUSES)}; leave it out for "True"` : oneOfText(CONDITION_STATUSES));
      }
    });
    if (onExit && conditions.length > 0) f.say(`${r}.onPodConditions`, 'is set with onExitCodes; the API server accepts one of them in a rule: write two rules');
    else if (!onExit && conditions.length === 0) f.say(r, 'has neither onExitCodes nor onPodConditions; the API server requires one of them in each rule');
  });
  const restart = pod.restartPolicy;
  if (restart === 'OnFailure') {
    f.bad(`${at(field, 'template.spec.restartPolicy')}`, restart, '"Never" with a podFailurePolicy (it judges failed pods, which OnFailure restarts in place)');
  }
}

function perIndex(spec: { [key: string]: any }, field: string, f: Findings): void {
  const indexed = spec.completionMode === 'Indexed';
  for (const key of ['backoffLimitPerIndex', 'maxFailedIndexes']) {
    if (given(spec[key]) && !indexed) f.bad(at(field, key), spec[key], `no ${key} without completionMode: Indexed (it counts failures per index)`);
  }
  if (given(spec.maxFailedIndexes) && !given(spec.backoffLimitPerIndex)) {
    f.say(at(field, 'backoffLimitPerIndex'), 'is unset; the API server requires it when maxFailedIndexes is set (an index fails when it exceeds its backoff limit)');
  }
  if (!indexed) return;
  const maxFailed = spec.maxFailedIndexes;
  if (typeof maxFailed === 'number' && maxFailed > MAX_FAILED_INDEXES_MAX) f.bad(at(field, 'maxFailedIndexes'), maxFailed, `at most ${MAX_FAILED_INDEXES_MAX}`);
  if (typeof spec.completions === 'number' && spec.completions > HIGH_COMPLETIONS && given(spec.backoffLimitPerIndex)) {
    const why = `with more than ${HIGH_COMPLETIONS} completions and a backoffLimitPerIndex`;
    if (!given(maxFailed)) f.say(at(field, 'maxFailedIndexes'), `is unset; the API server requires it ${why}`);
    else if (typeof maxFailed === 'number' && maxFailed > HIGH_COMPLETIONS_LIMIT) f.bad(at(field, 'maxFailedIndexes'), maxFailed, `at most ${HIGH_COMPLETIONS_LIMIT} ${why}`);
    if (typeof spec.parallelism === 'number' && spec.parallelism > HIGH_COMPLETIONS_LIMIT) f.bad(at(field, 'parallelism'), spec.parallelism, `at most ${HIGH_COMPLETIONS_LIMIT} ${why}`);
  }
}

function successPolicy(spec: { [key: string]: any }, field: string, f: Findings): void {
  const policy = spec.successPolicy;
  if (!isObject(policy)) return;
  const here = at(field, 'successPolicy');
  if (spec.completionMode !== 'Indexed') { f.say(here, 'is set without completionMode: Indexed; the API server refuses a success policy for a Job without indexes'); return; }
  const rules = list(policy.rules);
  if (rules.length === 0) f.say(`${here}.rules`, 'is empty; the API server requires at least one rule in a success policy');
  if (rules.length > JOB_POLICY_RULES_MAX) f.say(`${here}.rules`, `has ${rules.length} rules; the API server refuses more than ${JOB_POLICY_RULES_MAX}`);
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    const r = `${here}.rules[${i}]`;
    if (!given(rule.succeededCount) && !given(rule.succeededIndexes)) f.say(r, 'has neither succeededCount nor succeededIndexes; the API server requires one of them');
    if (typeof rule.succeededCount === 'number' && typeof spec.completions === 'number' && rule.succeededCount > spec.completions) {
      f.bad(`${r}.succeededCount`, rule.succeededCount, `at most completions (${spec.completions})`);
    }
  });
}

const jobSpec: DefinitionRule = (spec, field, f) => {
  const minor = f.targetMinor?.() ?? DEFAULT_TARGET_MINOR;
  podFailurePolicy(spec, field, minor, f);
  if (minor >= JOB_PER_INDEX_MINOR) {
    perIndex(spec, field, f);
    if (given(spec.podFailurePolicy) && typeof spec.podReplacementPolicy === 'string' && spec.podReplacementPolicy !== 'Failed') {
      f.bad(at(field, 'podReplacementPolicy'), spec.podReplacementPolicy, '"Failed" with a podFailurePolicy (a replacement pod starts only once the old one has failed, so that the policy can judge it)');
    }
  }
  if (minor >= JOB_SUCCESS_POLICY_MINOR) successPolicy(spec, field, f);
  if (minor >= JOB_MANAGED_BY_MINOR && typeof spec.managedBy === 'string') {
    const problem = blank(spec.managedBy) || spec.managedBy.length > JOB_MANAGED_BY_MAX
      ? `a controller name of 1 to ${JOB_MANAGED_BY_MAX} characters such as "kueue.x-k8s.io/multikueue"; leave it out for the built-in Job controller`
      : domainPrefixedPathProblem(spec.managedBy, 'kueue.x-k8s.io/multikueue');
    if (problem) f.bad(at(field, 'managedBy'), spec.managedBy, problem);
  }
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const JOB_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.batch.v1.JobSpec': jobSpec,
};
