// The relay's own credentials for CRM components, which cannot use a cookie (on a Lightning page or a
// Service Portal the relay is a third party): a short-lived bearer access token and a refresh token
// the component keeps in its CRM origin's storage. Refresh tokens rotate: each works once, and its
// successor belongs to the same grant. A token presented again within a short grace period (two
// browser tabs refreshing at once) is answered with another successor; presented later, it is treated
// as stolen and the whole grant dies. Only SHA-256 hashes are stored.
import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Crm } from './identity.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
export const ACCESS_PREFIX = 'slat_';
export const REFRESH_PREFIX = 'slrt_';

export interface CredentialTimes {
  /** Bearer lifetime. */
  accessTtlMs: number;
  /** A refresh token unused this long dies (covers nights and weekends). */
  refreshIdleMs: number;
  /** A grant ends this long after sign-in, however often it is refreshed. */
  grantMaxMs: number;
  /** Reuse of a just-rotated refresh token within this window is a parallel refresh, not theft. */
  reuseGraceMs: number;
}

export const DEFAULT_TIMES: CredentialTimes = {
  accessTtlMs: 15 * 60_000,
  refreshIdleMs: 7 * 86_400_000,
  grantMaxMs: 30 * 86_400_000,
  reuseGraceMs: 30_000,
};

export interface Issued {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  crm: Crm;
  userId: string;
}

/** Where relay credentials live: this node's database, or Redis in cluster mode (cluster/RedisCredentials.ts). */
export interface CredentialStore {
  readonly accessTtlMs: number;
  issue(crm: Crm, userId: string): Promise<Issued>;
  refresh(refreshToken: string): Promise<Issued | null>;
  resolve(accessToken: string): Promise<{ crm: Crm; userId: string } | null>;
  revoke(token: string): Promise<boolean>;
}

/** The database store behind the common (asynchronous) shape. */
export function localCredentials(c: RelayCredentials): CredentialStore {
  return {
    get accessTtlMs() {
      return c.accessTtlMs;
    },
    issue: async (crm, userId) => c.issue(crm, userId),
    refresh: async (token) => c.refresh(token),
    resolve: async (token) => c.resolve(token),
    revoke: async (token) => c.revoke(token),
  };
}

export class RelayCredentials {
  readonly #db: DatabaseSync;
  readonly #times: CredentialTimes;
  readonly #now: () => number;

  constructor(
    db: DatabaseSync,
    { times = DEFAULT_TIMES, now = Date.now }: { times?: CredentialTimes; now?: () => number } = {},
  ) {
    this.#db = db;
    this.#times = times;
    this.#now = now;
    db.exec(`CREATE TABLE IF NOT EXISTS relay_grants (grant_id TEXT PRIMARY KEY, crm TEXT NOT NULL,
        user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS relay_refresh (hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL, used_at INTEGER);
      CREATE TABLE IF NOT EXISTS relay_access (hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS relay_refresh_grant ON relay_refresh (grant_id);
      CREATE INDEX IF NOT EXISTS relay_access_grant ON relay_access (grant_id);`);
  }

  get accessTtlMs(): number {
    return this.#times.accessTtlMs;
  }

  /** A new grant for an agent who just signed in with their CRM. */
  issue(crm: Crm, userId: string): Issued {
    const now = this.#now();
    this.#sweep(now);
    const grant = randomBytes(16).toString('hex');
    this.#db
      .prepare('INSERT INTO relay_grants (grant_id, crm, user_id, expires_at) VALUES (?, ?, ?, ?)')
      .run(grant, crm, userId, now + this.#times.grantMaxMs);
    return this.#mint(grant, crm, userId, now);
  }

  /** The successor of a refresh token, or null when it is unknown, expired, or reused (the grant then dies). */
  refresh(refreshToken: string): Issued | null {
    if (!refreshToken.startsWith(REFRESH_PREFIX) || refreshToken.length > 128) return null;
    const now = this.#now();
    const row = this.#db
      .prepare(
        `SELECT r.grant_id, r.expires_at, r.used_at, g.crm, g.user_id, g.expires_at AS grant_expires
         FROM relay_refresh r JOIN relay_grants g ON g.grant_id = r.grant_id WHERE r.hash = ?`,
      )
      .get(hash(refreshToken)) as
      | {
          grant_id: string;
          expires_at: number;
          used_at: number | null;
          crm: Crm;
          user_id: string;
          grant_expires: number;
        }
      | undefined;
    if (!row || row.expires_at <= now || row.grant_expires <= now) return null;
    if (row.used_at !== null && now - row.used_at > this.#times.reuseGraceMs) {
      this.#revokeGrant(row.grant_id);
      return null;
    }
    if (row.used_at === null)
      this.#db.prepare('UPDATE relay_refresh SET used_at = ? WHERE hash = ?').run(now, hash(refreshToken));
    return this.#mint(row.grant_id, row.crm, row.user_id, now);
  }

  /** The agent a live bearer token stands for. */
  resolve(accessToken: string): { crm: Crm; userId: string } | null {
    if (!accessToken.startsWith(ACCESS_PREFIX) || accessToken.length > 128) return null;
    const row = this.#db
      .prepare(
        `SELECT g.crm, g.user_id FROM relay_access a JOIN relay_grants g ON g.grant_id = a.grant_id
         WHERE a.hash = ? AND a.expires_at > ?`,
      )
      .get(hash(accessToken), this.#now()) as { crm: Crm; user_id: string } | undefined;
    return row ? { crm: row.crm, userId: row.user_id } : null;
  }

  /** Sign-out from a component: the grant behind this access or refresh token ends. */
  revoke(token: string): boolean {
    const table = token.startsWith(ACCESS_PREFIX)
      ? 'relay_access'
      : token.startsWith(REFRESH_PREFIX)
        ? 'relay_refresh'
        : null;
    if (!table || token.length > 128) return false;
    const row = this.#db.prepare(`SELECT grant_id FROM ${table} WHERE hash = ?`).get(hash(token)) as
      { grant_id: string } | undefined;
    if (!row) return false;
    this.#revokeGrant(row.grant_id);
    return true;
  }

  #mint(grant: string, crm: Crm, userId: string, now: number): Issued {
    const accessToken = ACCESS_PREFIX + randomBytes(32).toString('base64url');
    const refreshToken = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    this.#db
      .prepare('INSERT INTO relay_access (hash, grant_id, expires_at) VALUES (?, ?, ?)')
      .run(hash(accessToken), grant, now + this.#times.accessTtlMs);
    this.#db
      .prepare('INSERT INTO relay_refresh (hash, grant_id, expires_at, used_at) VALUES (?, ?, ?, NULL)')
      .run(hash(refreshToken), grant, now + this.#times.refreshIdleMs);
    return { accessToken, expiresIn: Math.floor(this.#times.accessTtlMs / 1000), refreshToken, crm, userId };
  }

  #revokeGrant(grant: string): void {
    this.#db.prepare('DELETE FROM relay_access WHERE grant_id = ?').run(grant);
    this.#db.prepare('DELETE FROM relay_refresh WHERE grant_id = ?').run(grant);
    this.#db.prepare('DELETE FROM relay_grants WHERE grant_id = ?').run(grant);
  }

  #sweep(now: number): void {
    this.#db.prepare('DELETE FROM relay_access WHERE expires_at <= ?').run(now);
    this.#db.prepare('DELETE FROM relay_refresh WHERE expires_at <= ?').run(now);
    const dead = this.#db.prepare('SELECT grant_id FROM relay_grants WHERE expires_at <= ?').all(now) as {
      grant_id: string;
    }[];
    for (const g of dead) this.#revokeGrant(g.grant_id);
  }
}
