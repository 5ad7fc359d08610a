// passport-oauth2 state store for PKCE without express-session: each authorization request gets a
// random `state` handle, remembered with its code_verifier and bound to the browser's pre-login
// cookie. A handle works once, only from the same browser and only for ten minutes, so a forged or
// replayed `state` is refused.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { LOGIN_COOKIE, readCookie } from './cookies.ts';

type Meta = { authorizationURL: string };
type StoreCallback = (err: Error | null, handle?: string) => void;
type VerifyCallback = (err: Error | null, verifier?: string | false, stateOrInfo?: unknown) => void;

interface Pending {
  binding: string;
  verifier: string;
  authorizationURL: string;
  state: unknown;
  expiresAt: number;
}

/** The binding for this request, set by the sign-in route before passport runs. */
export interface BoundRequest extends Request {
  loginBinding?: string;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class OAuthStateStore {
  readonly #pending = new Map<string, Pending>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  readonly #maxPending: number;

  constructor({
    ttlMs = 10 * 60_000,
    now = Date.now,
    maxPending = 10_000,
  }: { ttlMs?: number; now?: () => number; maxPending?: number } = {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#maxPending = maxPending;
  }

  // Five parameters: passport-oauth2 dispatches on arity and passes the PKCE verifier only to this form.
  store(req: BoundRequest, verifier: string, state: unknown, meta: Meta, done: StoreCallback): void {
    if (!req.loginBinding) return done(new Error('sign-in started without a login binding'));
    this.#sweep();
    // Anyone can start a sign-in: bound the memory by forgetting the oldest pending ones first.
    while (this.#pending.size >= this.#maxPending) this.#pending.delete(this.#pending.keys().next().value!);
    const handle = randomBytes(24).toString('base64url');
    this.#pending.set(handle, {
      binding: req.loginBinding,
      verifier,
      authorizationURL: meta.authorizationURL,
      state,
      expiresAt: this.#now() + this.#ttlMs,
    });
    done(null, handle);
  }

  verify(req: Request, provided: unknown, meta: Meta, done: VerifyCallback): void {
    const fail = (message: string) => done(null, false, { message });
    if (typeof provided !== 'string' || provided.length > 64) return fail('missing or malformed state');
    const pending = this.#pending.get(provided);
    this.#pending.delete(provided); // one use, whatever the outcome
    if (!pending) return fail('unknown or already used state');
    const binding = readCookie(req, LOGIN_COOKIE);
    if (!binding || !same(binding, pending.binding)) return fail('state was issued to another browser');
    if (pending.expiresAt <= this.#now()) return fail('sign-in took too long; start again');
    if (pending.authorizationURL !== meta.authorizationURL) return fail('state belongs to another CRM');
    done(null, pending.verifier, pending.state);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [handle, p] of this.#pending) if (p.expiresAt <= now) this.#pending.delete(handle);
  }
}
