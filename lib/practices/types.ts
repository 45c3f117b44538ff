/**
 * Public types of the checker (jsii structs).
 */
import { Profile } from './profile';

/** What the checker needs to know about the cluster, besides the profile. */
export interface CheckSettings {
  /**
   * Registries images may come from (rule `image-registry`), as `host` or `host/path`.
   * @default - any registry
   */
  readonly allowedRegistries?: string[];
  /**
   * Require every image to be pinned by digest (rule `image-pinned`).
   * @default false
   */
  readonly requireDigest?: boolean;
  /**
   * What counts as a pinned image tag (rule `image-pinned`): a regular expression (JavaScript
   * syntax) that the whole tag must match, replacing the built-in definition. `latest` never
   * counts. For example `\d+\.\d+` also accepts `7.2`, and `.+` any tag but `latest`.
   * @default - a tag that holds a full version (`1.4.2`, `v1.4.2-alpine`), a date stamp
   * (`20240105`) or a commit hash (`sha-3f2a9c8`); `stable`, `alpine`, `main`, `3` and `7.2` move,
   * and so does a version beside a word of a moving line (`1.0.0-SNAPSHOT`, `2.3.1-nightly`, `edge-1.2.3`)
   */
  readonly pinnedTagPattern?: string;
  /**
   * The cluster mixes CPU architectures: every workload must pin `kubernetes.io/arch`
   * (rule `arch-explicit`, only enforced with this option).
   * @default false
   */
  readonly requireArchitecture?: boolean;
  /**
   * ServiceAccounts that exist in the cluster outside the app, as `name` (any namespace) or
   * `namespace/name` (rule `service-account`).
   * @default - none
   */
  readonly externalServiceAccounts?: string[];
  /**
   * Services that exist outside the app, as `name` or `namespace/name`: Ingress backends
   * (rule `ingress-backend`), and Services whose pods are deployed elsewhere (rule `labels`).
   * @default - none
   */
  readonly externalServices?: string[];
  /**
   * Secrets that already exist in the cluster, as `name` or `namespace/name` (rule
   * `secret-no-plaintext`: a Secret a pod uses must come from the output, an ExternalSecret,
   * a SealedSecret, or be declared here).
   * @default - none
   */
  readonly externalSecrets?: string[];
  /**
   * Rules switched off for the whole app: rule id -> reason (non-empty). They are listed
   * with their reasons in the synth report. `api-valid` cannot be switched off (the API
   * server refuses an invalid object whatever the reason): naming it is an error.
   * @default - none
   */
  readonly disabledRules?: { [ruleId: string]: string };
}

/** How the checker judges an app. */
export interface GuardrailsOptions extends CheckSettings {
  /**
   * The rules that apply.
   * @default Profile.RESTRICTED
   */
  readonly profile?: Profile;
}

/** One broken rule on one object. */
export interface RuleViolation {
  /** Rule id of the catalog (docs/practices.md). */
  readonly rule: string;
  /** Kind of the object that breaks the rule. */
  readonly kind: string;
  /**
   * Namespace of the object.
   * @default - cluster-scoped, or no namespace in the manifest
   */
  readonly namespace?: string;
  /** Name of the object (metadata.name). */
  readonly name: string;
  /**
   * Construct path of the object in the cdk8s app.
   * @default - unknown (YAML from outside a cdk8s app)
   */
  readonly path?: string;
  /**
   * Where the manifest was read from (`file` or `file#document`).
   * @default - not read from a file
   */
  readonly source?: string;
  /**
   * Field of the object that breaks the rule, e.g. `spec.template.spec.containers[0].image`.
   * @default - the object as a whole
   */
  readonly field?: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A rule switched off, on one object (skip annotation) or for the whole app (disabled). */
export interface RuleSuppression {
  /** Rule id. */
  readonly rule: string;
  /** The reason given. */
  readonly reason: string;
  /**
   * Kind of the object the rule is switched off on.
   * @default - switched off for the whole app
   */
  readonly kind?: string;
  /**
   * Namespace of the object.
   * @default - cluster-scoped, no namespace, or the whole app
   */
  readonly namespace?: string;
  /**
   * Name of the object.
   * @default - switched off for the whole app
   */
  readonly name?: string;
  /**
   * Construct path of the object.
   * @default - unknown, or the whole app
   */
  readonly path?: string;
  /**
   * Where the manifest was read from.
   * @default - not read from a file
   */
  readonly source?: string;
  /**
   * The one check of the rule that is waived, and for what, when the rule is not switched
   * off as a whole: a `guardrails.cdk8s.io/skip.pod-security.<check>` annotation, e.g.
   * 'hostPath /var/log (read-only)', 'runAsUser 1000', 'hostNetwork'.
   * @default - the whole rule is switched off
   */
  readonly scope?: string;
  /** Number of violations that the suppression hid in this check. */
  readonly suppressed: number;
}

/** The outcome of a check. */
export interface CheckResult {
  /** Every violation, sorted by rule, kind, namespace, name and field. */
  readonly violations: RuleViolation[];
  /** Every suppression: skip annotations with reasons and rules disabled for the app. */
  readonly suppressions: RuleSuppression[];
  /** Problems with the input that are not rule violations (unknown rule ids in skip annotations, exceptions that waive nothing). */
  readonly warnings: string[];
  /** Number of objects checked. */
  readonly objectCount: number;
}

