// Relay login sessions: a random id in the `sightline_sid` cookie; only its SHA-256 is stored, so
// a copy of the database does not let anyone sign in.
import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Crm } from './identity.ts';

/** The stored name of a session id (its SHA-256, hex). */
export const loginHash = (sid: string) => createHash('sha256').update(sid).digest('hex');
const hash = loginHash;

export type LoginChange = (sidHash: string, session: LoginSession | null) => void;

export interface LoginSession {
  crm: Crm;
  userId: string;
  expiresAt: number;
}

export class LoginSessions {
  readonly #db: DatabaseSync;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #changed = new Set<LoginChange>();

  constructor(
    db: DatabaseSync,
    { ttlMs = 12 * 3600_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.#db = db;
    this.#ttlMs = ttlMs;
    this.#now = now;
    db.exec(`CREATE TABLE IF NOT EXISTS login_sessions (
      sid_hash TEXT PRIMARY KEY, crm TEXT NOT NULL, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  create(crm: Crm, userId: string): string {
    const sid = randomBytes(32).toString('base64url');
    this.#db.prepare('DELETE FROM login_sessions WHERE expires_at <= ?').run(this.#now());
    this.#db
      .prepare('INSERT INTO login_sessions (sid_hash, crm, user_id, expires_at) VALUES (?, ?, ?, ?)')
      .run(hash(sid), crm, userId, this.#now() + this.#ttlMs);
    for (const listener of this.#changed) listener(hash(sid), { crm, userId, expiresAt: this.#now() + this.#ttlMs });
    return sid;
  }

  /** Called after a sign-in or sign-out made here. */
  onChanged(listener: LoginChange): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  /** The session stored under this hash, if live (for another node's copy). */
  stored(sidHash: string): LoginSession | null {
    const row = this.#db
      .prepare('SELECT crm, user_id, expires_at FROM login_sessions WHERE sid_hash = ?')
      .get(sidHash) as { crm: Crm; user_id: string; expires_at: number } | undefined;
    return row && row.expires_at > this.#now()
      ? { crm: row.crm, userId: row.user_id, expiresAt: row.expires_at }
      : null;
  }

  /** Another node's sign-in, copied here. */
  adopt(sidHash: string, session: LoginSession): void {
    this.#db
      .prepare(
        `INSERT INTO login_sessions (sid_hash, crm, user_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sid_hash) DO UPDATE SET expires_at = excluded.expires_at`,
      )
      .run(sidHash, session.crm, session.userId, session.expiresAt);
  }

  /** Another node's sign-out. */
  forget(sidHash: string): void {
    this.#db.prepare('DELETE FROM login_sessions WHERE sid_hash = ?').run(sidHash);
  }

  resolve(sid: string | undefined): LoginSession | null {
    if (!sid || sid.length > 128) return null;
    const row = this.#db
      .prepare('SELECT crm, user_id, expires_at FROM login_sessions WHERE sid_hash = ?')
      .get(hash(sid)) as { crm: Crm; user_id: string; expires_at: number } | undefined;
    if (!row || row.expires_at <= this.#now()) return null;
    return { crm: row.crm, userId: row.user_id, expiresAt: row.expires_at };
  }

  destroy(sid: string | undefined): void {
    if (!sid || sid.length > 128) return;
    this.#db.prepare('DELETE FROM login_sessions WHERE sid_hash = ?').run(hash(sid));
    for (const listener of this.#changed) listener(hash(sid), null);
  }
}
