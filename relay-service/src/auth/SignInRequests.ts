// Sign-in requests of the CRM components' hand-off. Under Lightning Web Security the component cannot
// look into the window it opens, and a Cross-Origin-Opener-Policy in the sign-in chain may cut
// window.opener, so the result does not travel through the window: the component creates a request
// (an id for the window's URL, a secret it keeps), the relay's OAuth callback completes it, and the
// component collects the result with its secret. Each request names the CRM user the component runs
// as; a sign-in as anyone else does not complete it, so a request link sent to another agent gives its
// creator nothing. Requests live ten minutes, work once, and are bounded in number.
//
// The outcome is handed to the component only once the window shows its last page (`landed`: the
// /auth/done page fetches /auth/landed once the browser committed it), not when the callback decides
// it: the component then navigates or closes that same window, and a navigation or close() issued while
// the window is still following the callback's redirect is lost (the window stays on /auth/done). A
// window closed before it lands still hands the outcome over, after `releaseAfterMs`; that fallback is
// only for abandoned windows, so it is long enough for a slow machine's redirect.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Crm } from './identity.ts';

/** A request id as a sign-in window's URL carries it (18 random bytes, base64url). */
export const signInRequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'not a sign-in request id');

export type SignInOutcome<T> = { ok: true; value: T } | { ok: false; error: string; message: string };

/** What the routes use: this node's requests (`localSignInRequests`), or cluster mode's in Redis (cluster/RedisSignInRequests.ts). */
export interface SignInRequestStore<T> {
  create(crm: Crm, userId: string): Promise<{ requestId: string; secret: string; expiresAt: number }>;
  open(requestId: string): Promise<{ crm: Crm; userId: string } | null>;
  complete(requestId: string, outcome: SignInOutcome<T>): Promise<boolean>;
  landed(requestId: string): Promise<void>;
  wait(requestId: string, secret: string, waitMs: number): Promise<SignInOutcome<T> | 'pending' | null>;
  close(): void;
}

export function localSignInRequests<T>(requests: SignInRequests<T>): SignInRequestStore<T> {
  return {
    create: async (crm, userId) => requests.create(crm, userId),
    open: async (id) => requests.open(id),
    complete: async (id, outcome) => requests.complete(id, outcome),
    landed: async (id) => requests.landed(id),
    wait: (id, secret, waitMs) => requests.wait(id, secret, waitMs),
    close: () => requests.close(),
  };
}

interface Pending<T> {
  crm: Crm;
  userId: string;
  secretHash: Buffer;
  expiresAt: number;
  outcome: SignInOutcome<T> | null;
  /** The outcome may be handed out (the window landed, or the fallback passed). */
  released: boolean;
  releaseTimer: ReturnType<typeof setTimeout> | null;
  waiters: Set<(o: SignInOutcome<T> | null) => void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class SignInRequests<T> {
  readonly #pending = new Map<string, Pending<T>>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #releaseAfterMs: number;

  constructor({
    ttlMs = 10 * 60_000,
    max = 10_000,
    now = Date.now,
    releaseAfterMs = 10_000,
  }: { ttlMs?: number; max?: number; now?: () => number; releaseAfterMs?: number } = {}) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
    this.#releaseAfterMs = releaseAfterMs;
  }

  create(crm: Crm, userId: string): { requestId: string; secret: string; expiresAt: number } {
    this.#sweep();
    while (this.#pending.size >= this.#max) this.#drop(this.#pending.keys().next().value!);
    const requestId = randomBytes(18).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = this.#now() + this.#ttlMs;
    this.#pending.set(requestId, {
      crm,
      userId,
      secretHash: digest(secret),
      expiresAt,
      outcome: null,
      released: false,
      releaseTimer: null,
      waiters: new Set(),
    });
    return { requestId, secret, expiresAt };
  }

  /** The request a sign-in window names, while it can still be completed. */
  open(requestId: string): { crm: Crm; userId: string } | null {
    const p = this.#live(requestId);
    return p && !p.outcome ? { crm: p.crm, userId: p.userId } : null;
  }

  /** The callback's decision; handed out when the window lands (or after the fallback). */
  complete(requestId: string, outcome: SignInOutcome<T>): boolean {
    const p = this.#live(requestId);
    if (!p || p.outcome) return false;
    p.outcome = outcome;
    p.releaseTimer = setTimeout(() => this.#release(p), this.#releaseAfterMs);
    p.releaseTimer.unref();
    return true;
  }

  /** The sign-in window has been sent its last page: the component may now use that window. */
  landed(requestId: string): void {
    const p = this.#live(requestId);
    if (p?.outcome) this.#release(p);
  }

  /**
   * Waits up to `waitMs` for the outcome. Null: no such request or the wrong secret (indistinguishable
   * on purpose); 'pending': not yet. A successful outcome is handed out once.
   */
  async wait(requestId: string, secret: string, waitMs: number): Promise<SignInOutcome<T> | 'pending' | null> {
    const p = this.#live(requestId);
    if (!p || !timingSafeEqual(digest(secret), p.secretHash)) return null;
    const outcome =
      (p.released ? p.outcome : null) ??
      (await new Promise<SignInOutcome<T> | null>((resolve) => {
        const timer = setTimeout(() => {
          p.waiters.delete(done);
          resolve(null);
        }, waitMs);
        const done = (o: SignInOutcome<T> | null) => {
          clearTimeout(timer);
          resolve(o);
        };
        p.waiters.add(done);
      }));
    if (!outcome) return this.#pending.has(requestId) ? 'pending' : null;
    this.#pending.delete(requestId);
    return outcome;
  }

  /** Ends every wait (relay shutdown). */
  close(): void {
    for (const id of [...this.#pending.keys()]) this.#drop(id);
  }

  #release(p: Pending<T>): void {
    if (p.released || !p.outcome) return;
    p.released = true;
    if (p.releaseTimer) clearTimeout(p.releaseTimer);
    for (const w of p.waiters) w(p.outcome);
    p.waiters.clear();
  }

  #live(requestId: string): Pending<T> | undefined {
    const p = this.#pending.get(requestId);
    if (p && p.expiresAt <= this.#now()) {
      this.#drop(requestId);
      return undefined;
    }
    return p;
  }

  #drop(requestId: string): void {
    const p = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    if (p?.releaseTimer) clearTimeout(p.releaseTimer);
    for (const w of p?.waiters ?? []) w(null);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, p] of this.#pending) if (p.expiresAt <= now) this.#drop(id);
  }
}
