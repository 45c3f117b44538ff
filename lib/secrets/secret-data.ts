/**
 * Checks on Secret data that both the secret sources (at construct time) and the checker (rule
 * `secret-no-plaintext`) make: whether a value can be kubeseal's output, and whether the keys
 * fit the Secret's type. None of them ever returns the value it judged: a refused value is
 * probably a plain secret, and error texts end up in logs.
 */

/** Standard base64 with padding, as kubeseal writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The RSA ciphertext of the smallest key the controller makes (2048 bits), in bytes. */
const MIN_RSA_BYTES = 256;
/** The RSA ciphertext of the largest key worth accepting (8192 bits), in bytes. */
const MAX_RSA_BYTES = 1024;
/** The AES-GCM authentication tag after the sealed value. */
const GCM_TAG_BYTES = 16;

/**
 * Why a value cannot be a sealed value written by kubeseal, or undefined. kubeseal's output
 * is base64 of: the length of the RSA ciphertext (2 bytes, big-endian), the RSA-OAEP ciphertext
 * of the session key (256 bytes for the controller's default 2048-bit key), then the AES-GCM
 * ciphertext of the value with its 16-byte tag. The text names lengths only, never the value.
 */
export function sealedValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'is empty or not a string';
  if (!BASE64.test(value)) return `is not standard base64 (${value.length} characters)`;
  const bytes = Buffer.from(value, 'base64');
  const need = 2 + MIN_RSA_BYTES + GCM_TAG_BYTES;
  if (bytes.length < need) {
    return `decodes to ${bytes.length} bytes, and kubeseal's output is at least ${need} (a 2-byte length, a ${MIN_RSA_BYTES}-byte RSA ciphertext, a ${GCM_TAG_BYTES}-byte AES-GCM tag)`;
  }
  const rsa = bytes.readUInt16BE(0);
  if (rsa < MIN_RSA_BYTES || rsa > MAX_RSA_BYTES || rsa % 128 !== 0) {
    return `decodes to ${bytes.length} bytes that do not start with the length of an RSA ciphertext (${MIN_RSA_BYTES} to ${MAX_RSA_BYTES} bytes)`;
  }
  if (bytes.length < 2 + rsa + GCM_TAG_BYTES) {
    return `decodes to ${bytes.length} bytes, shorter than its ${rsa}-byte RSA ciphertext and the ${GCM_TAG_BYTES}-byte AES-GCM tag`;
  }
  return undefined;
}

/**
 * The keys that the API server requires for each built-in Secret type: every key of `all`,
 * and at least one key of `any`.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#secret-types
 */
const TYPE_KEYS: { [type: string]: { all?: string[]; any?: string[] } } = {
  'kubernetes.io/tls': { all: ['tls.crt', 'tls.key'] },
  'kubernetes.io/dockerconfigjson': { all: ['.dockerconfigjson'] },
  'kubernetes.io/dockercfg': { all: ['.dockercfg'] },
  'kubernetes.io/basic-auth': { any: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { all: ['ssh-privatekey'] },
};

/** Why the keys do not fit the Secret type (the API server would refuse the Secret), or undefined. */
export function secretTypeProblem(type: string, keys: readonly string[]): string | undefined {
  const need = TYPE_KEYS[type];
  if (need === undefined) return undefined;
  const missing = (need.all ?? []).filter((k) => !keys.includes(k));
  if (missing.length > 0) return `a Secret of type ${type} needs the keys ${(need.all ?? []).join(' and ')}; ${missing.join(' and ')} missing`;
  if (need.any !== undefined && !need.any.some((k) => keys.includes(k))) return `a Secret of type ${type} needs the key ${need.any.join(' or ')}`;
  return undefined;
}
