/** Internal data model of the checker. */

export { REPORT_FILE } from '../core/files';

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
