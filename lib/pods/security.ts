import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ImageRef, parseImage, pinProblem, registryAllowed } from '../core/image';
import { registryPrefixProblem } from '../core/validate';
import { MIN_ID, POD_SECURITY } from '../practices/exceptions';

/** What every image of the pod is checked against (rules image-pinned, image-registry). */
export interface ImagePolicy {
  readonly requireDigest?: boolean;
  readonly pinnedTagPattern?: string;
  readonly allowedRegistries?: string[];
}

/** Checks one image of the pod: a valid reference, pinned, from an allowed registry. */
export function checkImage(scope: IConstruct, kind: string, prop: string, value: string, policy: ImagePolicy, skips: Map<string, string>): ImageRef {
  const image = parseImage(value);
  if (!image) {
    fail(scope, kind, prop, value, 'an image reference such as "ghcr.io/acme/web:1.4.2" or "ghcr.io/acme/web@sha256:<64 hex>"');
  }
  if (policy.pinnedTagPattern !== undefined) {
    try {
      new RegExp(policy.pinnedTagPattern);
    } catch (e) {
      fail(scope, kind, 'pinnedTagPattern', policy.pinnedTagPattern, `a regular expression (JavaScript syntax): ${(e as Error).message}`);
    }
  }
  if (!skips.has('image-pinned')) {
    const problem = pinProblem(image, policy.pinnedTagPattern);
    if (problem !== undefined) {
      fail(scope, kind, prop, value, `a pinned image: the image ${problem}. Pin a full version (":1.4.2"), a date, a commit or a digest ("@sha256:<64 hex>"), or set pinnedTagPattern (rule image-pinned)`);
    }
    if (policy.requireDigest && !image.digest) {
      fail(scope, kind, prop, value, 'an image pinned by digest ("<image>@sha256:<64 hex>") because requireDigest is true');
    }
  }
  const allowed = policy.allowedRegistries;
  // A bad entry is blamed on the list, not on an image that it fails to match.
  checkAllowedRegistries(scope, kind, allowed);
  if (allowed && allowed.length > 0 && !skips.has('image-registry') && !registryAllowed(value, image, allowed)) {
    fail(scope, kind, prop, value, `an image from an allowed registry: ${allowed.join(', ')} (rule image-registry)`);
  }
  return image;
}

/**
 * A UID or GID (rule pod-security): at least 10001 so it never maps to a host user; 1 to
 * 10000 only with a reason in `skip['pod-security.runAsUser']` (or `runAsGroup`), which
 * waives exactly that id, or with the whole rule switched off; 0 (root) never.
 */
export function checkId(scope: IConstruct, kind: string, prop: 'runAsUser' | 'runAsGroup', value: number | undefined, skips: Map<string, string>): number {
  const v = value ?? MIN_ID;
  if (!Number.isInteger(v) || v < 1 || v > 2147483647 || (v < MIN_ID && !skips.has(POD_SECURITY) && !skips.has(`${POD_SECURITY}.${prop}`))) {
    fail(scope, kind, prop, v, `an integer from ${MIN_ID} to 2147483647 (rule pod-security), or from 1 to 10000 with `
      + `skip: { '${POD_SECURITY}.${prop}': '<reason>' } for an image built for a fixed ${prop === 'runAsUser' ? 'UID' : 'GID'}; 0 (root) is never allowed`);
  }
  return v;
}

/** A command: a non-empty list of non-empty strings. */
export function checkCommand(scope: IConstruct, kind: string, prop: string, command: string[], allowed: string): void {
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string' || a === '')) fail(scope, kind, prop, command, allowed);
}

/**
 * Checks a list of allowed registries (rule image-registry): a workload's prop, or the
 * default of a scope (`GuardrailsDefaults`), blamed on whichever gave it.
 */
export function checkAllowedRegistries(scope: IConstruct, kind: string, allowed: string[] | undefined): void {
  if (allowed !== undefined && !Array.isArray(allowed)) fail(scope, kind, 'allowedRegistries', allowed, 'a list of registries such as [\'ghcr.io/acme\']');
  if (allowed !== undefined && allowed.length === 0) {
    fail(scope, kind, 'allowedRegistries', allowed, 'at least one registry, such as [\'ghcr.io/acme\'] (rule image-registry); leave allowedRegistries out to allow any registry');
  }
  (allowed ?? []).forEach((entry, i) => {
    const problem = registryPrefixProblem(entry);
    if (problem !== undefined) fail(scope, kind, `allowedRegistries[${i}]`, entry, problem);
  });
}
