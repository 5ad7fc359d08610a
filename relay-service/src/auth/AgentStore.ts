// Agents who signed in, with their CRM tokens encrypted at rest (AES-256-GCM, bound to the agent).
import type { DatabaseSync } from 'node:sqlite';
import { agentIdentitySchema, type AgentIdentity, type AgentTokens, type Crm } from './identity.ts';
import type { TokenCipher } from './TokenCipher.ts';

interface AgentRow {
  identity: string;
  instance_url: string;
  access_token: Uint8Array | null;
  refresh_token: Uint8Array;
}

export type SignedInListener = (agent: { crm: 'salesforce' | 'servicenow'; userId: string }) => void;

/** One agent's row as stored: the tokens still sealed (base64), so it can travel to other nodes as is. */
export interface StoredAgent {
  crm: Crm;
  userId: string;
  identity: string;
  instanceUrl: string;
  accessToken: string | null;
  refreshToken: string;
  updatedAt: number;
}

export class AgentStore {
  readonly #db: DatabaseSync;
  readonly #cipher: TokenCipher;
  readonly #signedIn = new Set<SignedInListener>();
  readonly #changed = new Set<SignedInListener>();

  constructor(db: DatabaseSync, cipher: TokenCipher) {
    this.#db = db;
    this.#cipher = cipher;
    db.exec(`CREATE TABLE IF NOT EXISTS agents (
      crm TEXT NOT NULL, user_id TEXT NOT NULL, identity TEXT NOT NULL, instance_url TEXT NOT NULL,
      access_token BLOB, refresh_token BLOB NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (crm, user_id))`);
  }

  #aad(crm: Crm, userId: string, kind: string): string {
    return `${crm}:${userId}:${kind}`;
  }

  /** One agent's row, tokens already sealed; the newer sign-in replaces the older. */
  #upsert(
    crm: Crm,
    userId: string,
    identity: string,
    instanceUrl: string,
    accessToken: Uint8Array | null,
    refreshToken: Uint8Array,
    updatedAt: number,
  ): void {
    this.#db
      .prepare(
        `INSERT INTO agents (crm, user_id, identity, instance_url, access_token, refresh_token, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (crm, user_id) DO UPDATE SET identity = excluded.identity, instance_url = excluded.instance_url,
           access_token = excluded.access_token, refresh_token = excluded.refresh_token, updated_at = excluded.updated_at`,
      )
      .run(crm, userId, identity, instanceUrl, accessToken, refreshToken, updatedAt);
  }

  save(identity: AgentIdentity, tokens: AgentTokens): void {
    const { crm, userId } = identity;
    this.#upsert(
      crm,
      userId,
      JSON.stringify(identity),
      tokens.instanceUrl,
      tokens.accessToken === null ? null : this.#cipher.encrypt(tokens.accessToken, this.#aad(crm, userId, 'access')),
      this.#cipher.encrypt(tokens.refreshToken, this.#aad(crm, userId, 'refresh')),
      Date.now(),
    );
    for (const listener of this.#changed) listener({ crm, userId });
    for (const listener of this.#signedIn) listener({ crm, userId });
  }

  /** Called after every change of an agent's row made here (sign-in, refreshed tokens). */
  onChanged(listener: SignedInListener): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  /** The row with its tokens still sealed, for another node's copy. */
  stored(crm: Crm, userId: string): StoredAgent | null {
    const row = this.#db
      .prepare(
        `SELECT identity, instance_url, access_token, refresh_token, updated_at FROM agents WHERE crm = ? AND user_id = ?`,
      )
      .get(crm, userId) as (AgentRow & { updated_at: number }) | undefined;
    if (!row) return null;
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    return {
      crm,
      userId,
      identity: row.identity,
      instanceUrl: row.instance_url,
      accessToken: row.access_token ? b64(row.access_token) : null,
      refreshToken: b64(row.refresh_token),
      updatedAt: row.updated_at,
    };
  }

  /**
   * Takes another node's row when it is newer than this one's (same key, so the seals still open:
   * their AAD names the agent). True when taken; the agent's waiting writes resume as after a sign-in.
   */
  adopt(row: StoredAgent): boolean {
    const local = this.stored(row.crm, row.userId);
    if (local && local.updatedAt >= row.updatedAt) return false;
    agentIdentitySchema.parse(JSON.parse(row.identity));
    this.#upsert(
      row.crm,
      row.userId,
      row.identity,
      row.instanceUrl,
      row.accessToken === null ? null : Buffer.from(row.accessToken, 'base64'),
      Buffer.from(row.refreshToken, 'base64'),
      row.updatedAt,
    );
    for (const listener of this.#signedIn) listener({ crm: row.crm, userId: row.userId });
    return true;
  }

  /** Called after every sign-in (new tokens stored); returns the unsubscribe function. */
  onSignedIn(listener: SignedInListener): () => void {
    this.#signedIn.add(listener);
    return () => this.#signedIn.delete(listener);
  }

  /**
   * Persists a refreshed access token and, when the CRM rotated it, the new refresh token, in one
   * statement: no reader ever sees the new access token next to the spent refresh token.
   */
  updateTokens(crm: Crm, userId: string, accessToken: string, refreshToken?: string): void {
    const access = this.#cipher.encrypt(accessToken, this.#aad(crm, userId, 'access'));
    const refresh = refreshToken ? this.#cipher.encrypt(refreshToken, this.#aad(crm, userId, 'refresh')) : null;
    this.#db
      .prepare(
        `UPDATE agents SET access_token = ?, refresh_token = COALESCE(?, refresh_token), updated_at = ?
         WHERE crm = ? AND user_id = ?`,
      )
      .run(access, refresh, Date.now(), crm, userId);
    for (const listener of this.#changed) listener({ crm, userId });
  }

  identity(crm: Crm, userId: string): AgentIdentity | null {
    const row = this.#row(crm, userId);
    return row ? agentIdentitySchema.parse(JSON.parse(row.identity)) : null;
  }

  tokens(crm: Crm, userId: string): AgentTokens | null {
    const row = this.#row(crm, userId);
    if (!row) return null;
    return {
      instanceUrl: row.instance_url,
      accessToken: row.access_token
        ? this.#cipher.decryptText(row.access_token, this.#aad(crm, userId, 'access'))
        : null,
      refreshToken: this.#cipher.decryptText(row.refresh_token, this.#aad(crm, userId, 'refresh')),
    };
  }

  #row(crm: Crm, userId: string): AgentRow | undefined {
    return this.#db
      .prepare('SELECT identity, instance_url, access_token, refresh_token FROM agents WHERE crm = ? AND user_id = ?')
      .get(crm, userId) as AgentRow | undefined;
  }
}
