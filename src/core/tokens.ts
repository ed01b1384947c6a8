import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a high-entropy secret (session id, API token, one-time link). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new random 256-bit secret, base64url, with an optional readable prefix (`pvd_`). */
export function newSecret(prefix = ''): { value: string; hash: string } {
  const value = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { value, hash: sha256Hex(value) };
}
