// One-time, short-lived codes that hand a session from the join page to the desktop app. A code is
// bound to the one session it was made for (the app never names a session: guests are not told
// session ids), dies on first use, on expiry and with its session. Only digests are kept; lookups go
// through a keyed index (see secrets.ts).
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

export type CodeCheck = { ok: true; sessionId: string } | { ok: false; reason: 'unknown' | 'expired' };

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

  /** The session a live code is bound to, without spending it. */
  check(code: string): CodeCheck {
    const k = this.#index.key(code);
    const entry = this.#codes.get(k);
    if (!entry || !matchesDigest(code, entry.digest)) return { ok: false, reason: 'unknown' };
    if (this.#clock.now() >= entry.expiresAt) {
      this.#codes.delete(k);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, sessionId: entry.sessionId };
  }

  /** Spends the code: ok once, then unknown for ever. */
  redeem(code: string): CodeCheck {
    const result = this.check(code);
    if (result.ok) this.#codes.delete(this.#index.key(code));
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
