/** An image reference split into its parts: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Digests that container runtimes pull: `sha256:` and 64, `sha384:` and 96, or `sha512:` and
 * 128 lower-case hex digits (the OCI image spec's registered algorithms). Anything else parses
 * as a reference but fails at pull time ("a digest of 40 hex characters").
 */
const DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/** Parses an image reference the way container runtimes do (docker.io when no registry). */
export function parseImage(image: string): ImageRef | undefined {
  if (typeof image !== 'string' || image.trim() !== image || image === '' || /\s/.test(image)) return undefined;
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  const repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) return undefined;
  return { registry, repository, tag, digest };
}

/** A full version `x.y.z` (with any prefix or suffix: `v1.4.2`, `1.25.3-alpine`, `2.4.0-rc.1`, `2024.01.05`). */
const FULL_VERSION = /(?:^|[^\d.])\d+\.\d+\.\d+/;
/** A date stamp: `20240105`, `2024-01-05`. */
const DATE_STAMP = /(?:^|\D)(?:19|20)\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?:\D|$)/;
/** A commit hash: 7 to 64 hex characters with both digits and letters (`sha-3f2a9c8`, `main-1a2b3c4d`). */
const COMMIT = /(?:^|[^0-9a-f])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}(?:[^0-9a-f]|$)/;

/**
 * Words that make a tag move whatever else it holds (`1.0.0-SNAPSHOT`, `2.3.1-nightly`,
 * `edge-1.2.3`): compared case-insensitively with the tag's parts between `-`, `_`, `.` and `+`.
 */
const MOVING_WORDS = ['latest', 'snapshot', 'nightly', 'edge', 'dev', 'devel', 'develop', 'main', 'master', 'trunk', 'head', 'stable', 'canary', 'unstable', 'rolling'];

/** The first word of a tag that makes it move (see `MOVING_WORDS`), or undefined. */
export function movingWord(tag: string): string | undefined {
  return tag.split(/[-_.+]/).find((part) => MOVING_WORDS.includes(part.toLowerCase()));
}

/**
 * Whether a tag names one build rather than a moving line of builds. A tag is pinned when it
 * holds a full version `x.y.z` (`1.4.2`, `v1.4.2`, `1.25.3-alpine`), a date stamp
 * (`20240105`, `2024-01-05`) or a commit hash (`sha-3f2a9c8`). Everything else moves when
 * a new build is pushed: `latest`, `stable`, `alpine`, `main`, `3`, `7.2`. A tag with a word of
 * a moving line (`SNAPSHOT`, `nightly`, `latest`, `edge`, `dev`, `main`, `master`, `stable`,
 * `canary`...) moves even with a version in it (`1.0.0-SNAPSHOT`, `edge-1.2.3`), unless it also
 * holds a date stamp or a commit hash (`nightly-20240105`, `main-1a2b3c4d`).
 *
 * `pattern` replaces that definition: a regular expression (JavaScript syntax) that the whole
 * tag must match (`latest` is never pinned).
 */
export function isPinnedTag(tag: string, pattern?: string): boolean {
  if (tag === 'latest') return false;
  if (pattern !== undefined) return new RegExp(`^(?:${pattern})$`).test(tag);
  // A date or a commit names one build even on a moving line (`nightly-20240105`, `main-1a2b3c4d`); a version does not.
  if (DATE_STAMP.test(tag) || COMMIT.test(tag)) return true;
  return movingWord(tag) === undefined && FULL_VERSION.test(tag);
}

/**
 * Why an image is not pinned (a sentence that follows the image), or undefined when it is:
 * a digest, or a pinned tag (see `isPinnedTag`). Rule `image-pinned`.
 */
export function pinProblem(ref: ImageRef, pattern?: string): string | undefined {
  if (ref.digest !== undefined) return undefined;
  if (ref.tag === undefined) return 'has neither a tag nor a digest, so it means "latest"';
  if (ref.tag === 'latest') return 'uses the tag "latest", which changes under the same name';
  if (isPinnedTag(ref.tag, pattern)) return undefined;
  const word = pattern === undefined && FULL_VERSION.test(ref.tag) ? movingWord(ref.tag) : undefined;
  if (word !== undefined) return `uses the tag "${ref.tag}", which moves when a new build is pushed: "${word}" names a line of builds, not one build, whatever version it carries`;
  return pattern !== undefined
    ? `uses the tag "${ref.tag}", which does not match the pinned-tag pattern ${pattern}`
    : `uses the tag "${ref.tag}", which moves when a new build is pushed: a pinned tag holds a full version (1.4.2), a date (20240105) or a commit hash`;
}

/** Whether an image is pinned: a digest, or a pinned tag (see `pinProblem`). */
export function isPinned(ref: ImageRef, pattern?: string): boolean {
  return pinProblem(ref, pattern) === undefined;
}

/** Whether the image comes from one of the allowed registries (`host` or `host/path` prefixes). */
export function registryAllowed(image: string, ref: ImageRef, allowed: readonly string[]): boolean {
  const full = `${ref.registry}/${ref.repository}`;
  return allowed.some((a) => {
    const prefix = a.replace(/\/+$/, '');
    return ref.registry === prefix || full.startsWith(prefix + '/') || image.startsWith(prefix + '/');
  });
}
