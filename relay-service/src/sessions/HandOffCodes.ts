// One-time, short-lived codes that hand a session from the join page to the desktop app. A code is
// bound to one session, dies on first use, on expiry, with its session, and on use with another
// session's id. Only digests are kept; lookups go through a keyed index (see secrets.ts).
import { digest, matchesDigest, randomToken, SecretIndex } from './secrets.ts';
import type { Clock } from './types.ts';

export interface HandOffCodesOptions {
  ttlMs: number;
  clock: Clock;
  /** Live codes per session; the oldest is dropped past it (a page reload asks again). */
  maxPerSession?: number;
}

interface Entry {
  sessionId: string;
  digest: Buffer;
  expiresAt: number;
}

export type CodeCheck = 'ok' | 'unknown' | 'expired' | 'other_session';

export class HandOffCodes {
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #maxPerSession: number;
  readonly #index = new SecretIndex();
  /** index(code) -> entry, in issue order (Map keeps insertion order). */
  readonly #codes = new Map<string, Entry>();

  constructor({ ttlMs, clock, maxPerSession = 5 }: HandOffCodesOptions) {
    this.#ttlMs = ttlMs;
    this.#clock = clock;
    this.#maxPerSession = maxPerSession;
  }

  get size(): number {
    return this.#codes.size;
  }

  issue(sessionId: string): { code: string; expiresAt: number } {
    this.#sweep();
    const mine = [...this.#codes].filter(([, e]) => e.sessionId === sessionId);
    for (const [k] of mine.slice(0, Math.max(0, mine.length - this.#maxPerSession + 1))) this.#codes.delete(k);
    const code = randomToken(24);
    const expiresAt = this.#clock.now() + this.#ttlMs;
    this.#codes.set(this.#index.key(code), { sessionId, digest: digest(code), expiresAt });
    return { code, expiresAt };
  }

  /** Whether the code is live for this session, without spending it. */
  check(sessionId: string, code: string): CodeCheck {
    const k = this.#index.key(code);
    const entry = this.#codes.get(k);
    if (!entry || !matchesDigest(code, entry.digest)) return 'unknown';
    if (this.#clock.now() >= entry.expiresAt) {
      this.#codes.delete(k);
      return 'expired';
    }
    if (entry.sessionId !== sessionId) {
      // Presented for another session: someone is probing with it, so it is spent.
      this.#codes.delete(k);
      return 'other_session';
    }
    return 'ok';
  }

  /** Spends the code: 'ok' once, then 'unknown' for ever. */
  redeem(sessionId: string, code: string): CodeCheck {
    const result = this.check(sessionId, code);
    if (result === 'ok') this.#codes.delete(this.#index.key(code));
    return result;
  }

  /** The session ended: its codes stop working. */
  forgetSession(sessionId: string): void {
    for (const [k, e] of this.#codes) if (e.sessionId === sessionId) this.#codes.delete(k);
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [k, e] of this.#codes) if (now >= e.expiresAt) this.#codes.delete(k);
  }
}
