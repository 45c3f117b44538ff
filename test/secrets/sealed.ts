import { createHash } from 'crypto';

/**
 * A value shaped like kubeseal's output (2-byte length 256, a 256-byte "RSA ciphertext", then
 * `extra` bytes of "AES-GCM data"), derived from `seed` so tests stay deterministic.
 */
export function sealed(seed: string, extra = 32): string {
  const body: Buffer[] = [];
  for (let i = 0; Buffer.concat(body).length < 256 + extra; i++) body.push(createHash('sha256').update(`${seed}/${i}`).digest());
  const len = Buffer.alloc(2);
  len.writeUInt16BE(256);
  return Buffer.concat([len, Buffer.concat(body).subarray(0, 256 + extra)]).toString('base64');
}
