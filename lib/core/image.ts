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

/** Whether an image is pinned: a digest, or a tag other than `latest`. */
export function isPinned(ref: ImageRef): boolean {
  return ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest');
}

/** Whether the image comes from one of the allowed registries (`host` or `host/path` prefixes). */
export function registryAllowed(image: string, ref: ImageRef, allowed: readonly string[]): boolean {
  const full = `${ref.registry}/${ref.repository}`;
  return allowed.some((a) => {
    const prefix = a.replace(/\/+$/, '');
    return ref.registry === prefix || full.startsWith(prefix + '/') || image.startsWith(prefix + '/');
  });
}
