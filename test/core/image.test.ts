import { describe, expect, it } from 'vitest';
import { parseImage } from '../../lib/core/image';

describe('image references', () => {
  const hex = (n: number) => '0123456789abcdef'.repeat(8).slice(0, n);
  it.each([
    `ghcr.io/acme/web@sha256:${hex(40)}`, // a git commit, not an image digest
    `ghcr.io/acme/web@sha256:${hex(63)}`,
    `ghcr.io/acme/web@sha256:${hex(65)}`,
    `ghcr.io/acme/web@sha256:${hex(64).toUpperCase()}`,
    `ghcr.io/acme/web@sha512:${hex(64)}`,
    `ghcr.io/acme/web@md5:${hex(32)}`,
    `ghcr.io/acme/web@${hex(64)}`,
    'ghcr.io/acme/web@sha256:',
  ])('refuses the digest of %s', (image) => {
    expect(parseImage(image)).toBeUndefined();
  });

  it.each([
    [`ghcr.io/acme/web@sha256:${hex(64)}`, `sha256:${hex(64)}`],
    [`ghcr.io/acme/web:1.4.2@sha256:${hex(64)}`, `sha256:${hex(64)}`],
    [`web@sha512:${hex(128)}`, `sha512:${hex(128)}`],
    [`localhost:5000/web@sha384:${hex(96)}`, `sha384:${hex(96)}`],
  ])('accepts %s', (image, digest) => {
    expect(parseImage(image)?.digest).toBe(digest);
  });
});
