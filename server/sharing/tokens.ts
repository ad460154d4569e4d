// Share-link tokens: 256 random bits, given to the sender once and stored only as their sha256, so the database
// holds nothing that opens a link, and a lookup compares hashes (equal-length digests of secrets the guesser does
// not control), not the secret itself.
import { createHash, randomBytes } from 'node:crypto';

/** A token as it appears in /s/<token>: 43 base64url characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashShareToken(token) };
}

export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A short, non-reversible key for an address or a user agent (to tell devices apart without keeping either). */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
