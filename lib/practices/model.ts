/** Internal data model of the checker. */

/**
 * Name of the synth report that the in-app enforcement writes into the app's outdir. Its
 * content is JSON, but its extension is not one that `kubectl apply -f <dir>`, Argo CD or
 * Flux read (.yaml, .yml, .json), so the folder stays appliable as it is.
 */
export const REPORT_FILE = 'guardrails-report.jsonc';

/** A manifest with where it came from (internal). */
export interface ManifestInput {
  readonly manifest: any;
  /** Construct path. */
  readonly path?: string;
  /** File (and document) it was read from. */
  readonly source?: string;
}

/** Normalized options of one check (internal). */
export interface ResolvedOptions {
  readonly profile: 'restricted' | 'baseline';
  readonly allowedRegistries: readonly string[];
  readonly requireDigest: boolean;
  /** Replaces the built-in definition of a pinned tag (a regular expression the whole tag matches). */
  readonly pinnedTagPattern?: string;
  readonly requireArchitecture: boolean;
  /** `name` (any namespace) or `namespace/name`. */
  readonly externalServiceAccounts: readonly string[];
  readonly externalServices: readonly string[];
  readonly externalSecrets: readonly string[];
  /** Rule id -> reason. */
  readonly disabledRules: ReadonlyMap<string, string>;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  profile: 'restricted',
  allowedRegistries: [],
  requireDigest: false,
  requireArchitecture: false,
  externalServiceAccounts: [],
  externalServices: [],
  externalSecrets: [],
  disabledRules: new Map(),
};
