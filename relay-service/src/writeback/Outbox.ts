// The durable write-back outbox (node:sqlite under relay.dataDir). One row per CRM write of a
// finished session; its payload (attendees' contact details) and the recording bytes are
// encrypted at rest and dropped once written. Rows are kept, without content, as the report the
// agent sees, and purged after the retention period.
import type { DatabaseSync } from 'node:sqlite';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import type { Crm } from '../auth/identity.ts';

export type OutboxStatus = 'pending' | 'done' | 'failed';

export interface NewItem {
  sessionId: string;
  step: string;
  crm: Crm;
  userId: string;
  payload: unknown;
  blob?: Uint8Array | null;
}

export interface OutboxItem {
  id: number;
  sessionId: string;
  step: string;
  crm: Crm;
  userId: string;
  status: OutboxStatus;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  errorKind: string | null;
  resultId: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  session_id: string;
  step: string;
  crm: Crm;
  user_id: string;
  status: OutboxStatus;
  attempts: number;
  next_at: number;
  last_error: string | null;
  error_kind: string | null;
  result_id: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id, session_id, step, crm, user_id, status, attempts, next_at, last_error, error_kind, result_id, created_at, updated_at';

const toItem = (r: Row): OutboxItem => ({
  id: r.id,
  sessionId: r.session_id,
  step: r.step,
  crm: r.crm,
  userId: r.user_id,
  status: r.status,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  errorKind: r.error_kind,
  resultId: r.result_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class Outbox {
  readonly #db: DatabaseSync;
  readonly #cipher: TokenCipher;
  readonly #now: () => number;

  constructor(db: DatabaseSync, cipher: TokenCipher, now: () => number = Date.now) {
    this.#db = db;
    this.#cipher = cipher;
    this.#now = now;
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, step TEXT NOT NULL,
      crm TEXT NOT NULL, user_id TEXT NOT NULL, payload BLOB, blob BLOB,
      status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      last_error TEXT, error_kind TEXT, result_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      UNIQUE (session_id, step));
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_at);`);
  }

  #aad(sessionId: string, step: string, part: string): string {
    return `outbox:${sessionId}:${step}:${part}`;
  }

  /** All of a session's writes in one transaction: when this returns they survive a crash. */
  enqueue(items: NewItem[]): void {
    const now = this.#now();
    const insert = this.#db.prepare(
      `INSERT OR IGNORE INTO outbox (session_id, step, crm, user_id, payload, blob, next_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const it of items) {
        insert.run(
          it.sessionId,
          it.step,
          it.crm,
          it.userId,
          this.#cipher.encrypt(JSON.stringify(it.payload), this.#aad(it.sessionId, it.step, 'payload')),
          it.blob ? this.#cipher.encrypt(it.blob, this.#aad(it.sessionId, it.step, 'blob')) : null,
          now,
          now,
          now,
        );
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  due(limit = 50): OutboxItem[] {
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM outbox WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?`)
      .all(this.#now(), limit) as unknown as Row[];
    return rows.map(toItem);
  }

  payload<T>(item: OutboxItem): T {
    const row = this.#db.prepare('SELECT payload FROM outbox WHERE id = ?').get(item.id) as {
      payload: Uint8Array | null;
    };
    if (!row?.payload) throw new Error(`outbox item ${item.id} has no payload`);
    return JSON.parse(this.#cipher.decryptText(row.payload, this.#aad(item.sessionId, item.step, 'payload'))) as T;
  }

  /** Replaces the payload (a step remembering a decision before acting on it). */
  updatePayload(item: OutboxItem, payload: unknown): void {
    this.#db
      .prepare('UPDATE outbox SET payload = ?, updated_at = ? WHERE id = ?')
      .run(
        this.#cipher.encrypt(JSON.stringify(payload), this.#aad(item.sessionId, item.step, 'payload')),
        this.#now(),
        item.id,
      );
  }

  blob(item: OutboxItem): Buffer | null {
    const row = this.#db.prepare('SELECT blob FROM outbox WHERE id = ?').get(item.id) as { blob: Uint8Array | null };
    return row?.blob ? this.#cipher.decrypt(row.blob, this.#aad(item.sessionId, item.step, 'blob')) : null;
  }

  /** Written: the content is no longer needed on the relay. */
  markDone(item: OutboxItem, resultId: string): void {
    this.#db
      .prepare(
        `UPDATE outbox SET status = 'done', payload = NULL, blob = NULL, result_id = ?, last_error = NULL,
         error_kind = NULL, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
      )
      .run(resultId, this.#now(), item.id);
  }

  markRetry(item: OutboxItem, error: string, kind: string, nextAt: number): void {
    this.#db
      .prepare(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ?, error_kind = ?, next_at = ?, updated_at = ? WHERE id = ?',
      )
      .run(error, kind, nextAt, this.#now(), item.id);
  }

  /** Can never succeed as it is. The content stays (encrypted) until purged, in case the agent signs in again. */
  markFailed(item: OutboxItem, error: string, kind: string): void {
    this.#db
      .prepare(
        `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, error_kind = ?, updated_at = ? WHERE id = ?`,
      )
      .run(error, kind, this.#now(), item.id);
  }

  /** After the agent signs in again, writes that failed on their revoked access get another chance. */
  retryRevoked(crm: Crm, userId: string): number {
    const res = this.#db
      .prepare(
        `UPDATE outbox SET status = 'pending', next_at = ?, updated_at = ? WHERE crm = ? AND user_id = ?
         AND status = 'failed' AND error_kind = 'revoked' AND payload IS NOT NULL`,
      )
      .run(this.#now(), this.#now(), crm, userId);
    return Number(res.changes);
  }

  forSession(sessionId: string): OutboxItem[] {
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM outbox WHERE session_id = ? ORDER BY id`)
      .all(sessionId) as unknown as Row[];
    return rows.map(toItem);
  }

  failedFor(crm: Crm, userId: string, limit = 20): OutboxItem[] {
    const rows = this.#db
      .prepare(
        `SELECT ${COLUMNS} FROM outbox WHERE crm = ? AND user_id = ? AND status = 'failed' ORDER BY id DESC LIMIT ?`,
      )
      .all(crm, userId, limit) as unknown as Row[];
    return rows.map(toItem);
  }

  count(status: OutboxStatus): number {
    const row = this.#db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE status = ?').get(status) as { n: number };
    return Number(row.n);
  }

  /** Bounded lifetime: finished rows (and failed content) older than `olderThanMs` go away. */
  purge(olderThanMs: number): number {
    const res = this.#db
      .prepare(`DELETE FROM outbox WHERE status IN ('done', 'failed') AND updated_at < ?`)
      .run(this.#now() - olderThanMs);
    return Number(res.changes);
  }
}
