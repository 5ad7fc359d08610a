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

export interface PendingSignIn {
  binding: string;
  verifier: string;
  authorizationURL: string;
  state: unknown;
  expiresAt: number;
}
type Pending = PendingSignIn;

/** Cluster mode: pending sign-ins every node reads (cluster/RedisOAuthStates.ts), so the CRM may send the browser back to any node. */
export interface SharedPendingSignIns {
  put(handle: string, pending: PendingSignIn, ttlMs: number): Promise<void>;
  /** The pending sign-in, removed in the same step (one use). */
  take(handle: string): Promise<PendingSignIn | null>;
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
  readonly #shared: SharedPendingSignIns | undefined;

  constructor({
    ttlMs = 10 * 60_000,
    now = Date.now,
    maxPending = 10_000,
    shared,
  }: { ttlMs?: number; now?: () => number; maxPending?: number; shared?: SharedPendingSignIns } = {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#maxPending = maxPending;
    this.#shared = shared;
  }

  // Five parameters: passport-oauth2 dispatches on arity and passes the PKCE verifier only to this form.
  store(req: BoundRequest, verifier: string, state: unknown, meta: Meta, done: StoreCallback): void {
    if (!req.loginBinding) return done(new Error('sign-in started without a login binding'));
    const handle = randomBytes(24).toString('base64url');
    const pending: Pending = {
      binding: req.loginBinding,
      verifier,
      authorizationURL: meta.authorizationURL,
      state,
      expiresAt: this.#now() + this.#ttlMs,
    };
    // In Redis each pending sign-in expires by itself (and Redis's memory is the operator's limit).
    if (this.#shared) {
      this.#shared.put(handle, pending, this.#ttlMs).then(
        () => done(null, handle),
        (err: unknown) => done(err as Error),
      );
      return;
    }
    this.#sweep();
    // Anyone can start a sign-in: bound the memory by forgetting the oldest pending ones first.
    while (this.#pending.size >= this.#maxPending) this.#pending.delete(this.#pending.keys().next().value!);
    this.#pending.set(handle, pending);
    done(null, handle);
  }

  verify(req: Request, provided: unknown, meta: Meta, done: VerifyCallback): void {
    const fail = (message: string) => done(null, false, { message });
    if (typeof provided !== 'string' || provided.length > 64) return fail('missing or malformed state');
    if (this.#shared) {
      this.#shared.take(provided).then(
        (pending) => this.#judge(req, pending, meta, done),
        (err: unknown) => done(err as Error),
      );
      return;
    }
    const pending = this.#pending.get(provided);
    this.#pending.delete(provided); // one use, whatever the outcome
    this.#judge(req, pending ?? null, meta, done);
  }

  #judge(req: Request, pending: Pending | null, meta: Meta, done: VerifyCallback): void {
    const fail = (message: string) => done(null, false, { message });
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
