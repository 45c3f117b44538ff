/** The recommended labels (app.kubernetes.io/*). */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The value of app.kubernetes.io/managed-by on everything the library emits. */
export const MANAGED_BY = 'cdk8s';

/**
 * Annotation of a workload object: the Secrets it reads that already exist in the cluster
 * (comma-separated names), named on purpose with `ExistingSecret`; the checker counts them as
 * provided (rule secret-no-plaintext).
 */
export const EXISTING_SECRETS_ANNOTATION = 'guardrails.cdk8s.io/existing-secrets';

/** Pod-template annotation: a hash of the versions of the Secrets the pods read, so a change rolls them. */
export const SECRET_VERSIONS_ANNOTATION = 'guardrails.cdk8s.io/secret-versions';

/**
 * On a workload object: the pinned-tag pattern its images were checked with (the workload's
 * `pinnedTagPattern`), which the checker then applies to that object instead of the app's.
 */
export const PINNED_TAG_PATTERN_ANNOTATION = 'guardrails.cdk8s.io/pinned-tag-pattern';

/**
 * On a workload object: the Kubernetes version it was synthesized for (`1.30`), when above the
 * default target (1.27). Its pod template may use fields that older API servers refuse or
 * drop (native sidecars, the `sleep` preStop action), so it fits this version and newer only.
 */
export const KUBERNETES_VERSION_ANNOTATION = 'guardrails.cdk8s.io/kubernetes-version';
