// Keys, tokens, tickets and their constant-time comparison.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Spoken session key: `length` uniformly random digits. */
export function randomDigits(length: number): string {
  let key = '';
  for (let i = 0; i < length; i++) key += String(randomInt(10));
  return key;
}

/** Unguessable bearer string: `bytes` random bytes (>= 16, i.e. 128 bits), base64url. */
export function randomToken(bytes = 24): string {
  return randomBytes(Math.max(16, bytes)).toString('base64url');
}

export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time equality of a secret against a stored digest (equal lengths by construction). */
export function matchesDigest(candidate: string, stored: Buffer): boolean {
  return timingSafeEqual(digest(candidate), stored);
}

/**
 * Index keys for lookup maps. A keyed HMAC (process-local random secret) makes the map's hashing
 * and probing time independent of how close a guess is to a real secret; the match found is then
 * confirmed with `matchesDigest`.
 */
export class SecretIndex {
  private readonly secret = randomBytes(32);
  key(secret: string): string {
    return createHmac('sha256', this.secret).update(secret).digest('base64url');
  }
}
