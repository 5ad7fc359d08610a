// The durable write-back outbox (node:sqlite under relay.dataDir). One row per CRM write of a
// finished session; its payload (attendees' contact details) and the recording bytes are encrypted
// at rest, and the row names no person (a step's discriminator is stored as a keyed hash). Content is
// dropped once written (secure_delete zeroes the freed pages); written rows are kept without content
// as the report the agent sees and purged after the retention period; failed rows keep their content
// until they are retried and delivered, or discarded.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import type { Crm } from '../auth/identity.ts';
import type { StepKind } from './steps/index.ts';

/** pending: to do; waiting: the agent must sign in again; done: written; failed: given up on, reported. */
export type OutboxStatus = 'pending' | 'waiting' | 'done' | 'failed';

export interface NewItem {
  sessionId: string;
  kind: StepKind;
  /** Tells apart several steps of one kind in a session (a lead's email); stored only as a keyed hash. */
  discriminator?: string;
  crm: Crm;
  userId: string;
  /** The Case or incident the write belongs to (shown with a failure). */
  recordId: string;
  payload: unknown;
  blob?: Uint8Array | null;
}

export interface OutboxItem {
  id: number;
  sessionId: string;
  /** Unique in the session: the kind, or `<kind>:<keyed hash>`. */
  step: string;
  kind: StepKind;
  crm: Crm;
  userId: string;
  recordId: string;
  status: OutboxStatus;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  errorKind: string | null;
  resultId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Start of the current retry window (creation, or the last manual retry). */
  windowStart: number;
}

export interface ItemFilter {
  sessionId?: string;
  crm?: Crm;
  userId?: string;
}

interface Row {
  id: number;
  session_id: string;
  step: string;
  kind: StepKind;
  crm: Crm;
  user_id: string;
  record_id: string;
  status: OutboxStatus;
  attempts: number;
  next_at: number;
  last_error: string | null;
  error_kind: string | null;
  result_id: string | null;
  created_at: number;
  updated_at: number;
  window_start: number;
}

const COLUMNS =
  'id, session_id, step, kind, crm, user_id, record_id, status, attempts, next_at, last_error, error_kind, result_id, created_at, updated_at, window_start';

const toItem = (r: Row): OutboxItem => ({
  id: r.id,
  sessionId: r.session_id,
  step: r.step,
  kind: r.kind,
  crm: r.crm,
  userId: r.user_id,
  recordId: r.record_id,
  status: r.status,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  errorKind: r.error_kind,
  resultId: r.result_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  windowStart: r.window_start,
});

/** `WHERE` clause and parameters of a filter (column names are fixed here, values bound). */
function where(filter: ItemFilter): { sql: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  for (const [key, column] of [
    ['sessionId', 'session_id'],
    ['crm', 'crm'],
    ['userId', 'user_id'],
  ] as const) {
    const v = filter[key];
    if (v !== undefined) {
      parts.push(`${column} = ?`);
      args.push(v);
    }
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', args };
}

export class Outbox {
  readonly #db: DatabaseSync;
  readonly #cipher: TokenCipher;
  readonly #now: () => number;
  /**
   * Prepared once per SQL text: compiling a statement cost more than running it (the relay's CPU profile
   * under the benchmark's load). The texts are this file's own, with a bounded set of filter variants.
   */
  readonly #statements = new Map<string, StatementSync>();
  readonly #synchronous: number;

  constructor(db: DatabaseSync, cipher: TokenCipher, now: () => number = Date.now) {
    this.#db = db;
    this.#cipher = cipher;
    this.#now = now;
    // The level the database was opened with (2 = FULL), restored after each relaxed status change.
    this.#synchronous = Number((db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous);
    // Freed content (a written payload, a deleted row) is overwritten with zeros, not left in free pages.
    db.exec('PRAGMA secure_delete = ON');
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, step TEXT NOT NULL,
      crm TEXT NOT NULL, user_id TEXT NOT NULL, payload BLOB, blob BLOB,
      status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      last_error TEXT, error_kind TEXT, result_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      UNIQUE (session_id, step));
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_at);`);
    this.#migrate();
  }

  /** Outboxes written before step kinds: add the columns and rename `lead:<email>` steps to their hash. */
  #migrate(): void {
    const columns = new Set((this.#sql('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
    if (columns.has('kind')) return;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#db.exec(`ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'activity';
        ALTER TABLE outbox ADD COLUMN record_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox ADD COLUMN window_start INTEGER NOT NULL DEFAULT 0;
        UPDATE outbox SET window_start = created_at,
          kind = CASE WHEN step LIKE 'lead:%' THEN 'lead' WHEN step = 'attendees' THEN 'attendees'
            WHEN step = 'recording' AND crm = 'servicenow' THEN 'attachment' WHEN step = 'recording' THEN 'recording'
            WHEN crm = 'servicenow' THEN 'work_note' ELSE 'activity' END;`);
      const rows = this.#sql('SELECT id, session_id, step, payload FROM outbox').all() as {
        id: number;
        session_id: string;
        step: string;
        payload: Uint8Array | null;
      }[];
      const update = this.#sql('UPDATE outbox SET step = ?, payload = ?, record_id = ? WHERE id = ?');
      for (const r of rows) {
        const text = r.payload ? this.#cipher.decryptText(r.payload, this.#aad(r.session_id, r.step, 'payload')) : null;
        const recordId = text ? String((JSON.parse(text) as { recordId?: unknown }).recordId ?? '') : '';
        const step = r.step.startsWith('lead:') ? this.#stepName('lead', r.step.slice(5)) : r.step;
        const payload = text === null ? null : this.#cipher.encrypt(text, this.#aad(r.session_id, step, 'payload'));
        update.run(step, payload, recordId, r.id);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  #aad(sessionId: string, step: string, part: string): string {
    return `outbox:${sessionId}:${step}:${part}`;
  }

  #stepName(kind: StepKind, discriminator?: string): string {
    return discriminator === undefined
      ? kind
      : `${kind}:${this.#cipher.keyedHash(discriminator.toLowerCase(), 'outbox step').slice(0, 32)}`;
  }

  #sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
    return statement;
  }

  /**
   * A status change after a CRM call, committed without waiting for the disk (WAL, synchronous=NORMAL):
   * each `FULL` commit is an fsync on the event loop, ~9 ms on a busy disk, so a burst of ended sessions
   * being written back stalled every live session's forwarding for seconds. A status change lost to a power
   * cut (not to a crash of the relay) leaves the write due again: the steps find their earlier write by
   * the session's marker, so nothing is written twice. The next FULL commit (enqueue, updatePayload) syncs
   * these with it; the content itself (enqueue) and a step's remembered decision (updatePayload) stay FULL.
   */
  #relaxed(sql: string, ...args: (string | number | null)[]): void {
    this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      this.#sql(sql).run(...args);
    } finally {
      this.#db.exec(`PRAGMA synchronous = ${this.#synchronous}`);
    }
  }

  #select(sql: string, ...args: (string | number)[]): OutboxItem[] {
    return (this.#sql(`SELECT ${COLUMNS} FROM outbox ${sql}`).all(...args) as unknown as Row[]).map(toItem);
  }

  /** All of a session's writes in one transaction: when this returns they survive a crash. */
  enqueue(items: NewItem[]): void {
    const now = this.#now();
    const insert = this.#sql(
      `INSERT OR IGNORE INTO outbox (session_id, step, kind, crm, user_id, record_id, payload, blob, next_at, created_at, updated_at, window_start)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const it of items) {
        const step = this.#stepName(it.kind, it.discriminator);
        insert.run(
          it.sessionId,
          step,
          it.kind,
          it.crm,
          it.userId,
          it.recordId,
          this.#cipher.encrypt(JSON.stringify(it.payload), this.#aad(it.sessionId, step, 'payload')),
          it.blob ? this.#cipher.encrypt(it.blob, this.#aad(it.sessionId, step, 'blob')) : null,
          now,
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

  due(limit = 500): OutboxItem[] {
    return this.#select(`WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?`, this.#now(), limit);
  }

  /** The stored payload, decrypted and parsed but not yet validated (the step's schema does that). */
  payload(item: OutboxItem): unknown {
    const row = this.#sql('SELECT payload FROM outbox WHERE id = ?').get(item.id) as {
      payload: Uint8Array | null;
    };
    if (!row?.payload) throw new Error(`outbox item ${item.id} has no payload`);
    return JSON.parse(this.#cipher.decryptText(row.payload, this.#aad(item.sessionId, item.step, 'payload')));
  }

  /** Replaces the payload (a step remembering a decision before acting on it). */
  updatePayload(item: OutboxItem, payload: unknown): void {
    this.#sql('UPDATE outbox SET payload = ?, updated_at = ? WHERE id = ?').run(
      this.#cipher.encrypt(JSON.stringify(payload), this.#aad(item.sessionId, item.step, 'payload')),
      this.#now(),
      item.id,
    );
  }

  blob(item: OutboxItem): Buffer | null {
    const row = this.#sql('SELECT blob FROM outbox WHERE id = ?').get(item.id) as { blob: Uint8Array | null };
    return row?.blob ? this.#cipher.decrypt(row.blob, this.#aad(item.sessionId, item.step, 'blob')) : null;
  }

  /** Written: the content is no longer needed on the relay. */
  markDone(item: OutboxItem, resultId: string): void {
    this.#relaxed(
      `UPDATE outbox SET status = 'done', payload = NULL, blob = NULL, result_id = ?, last_error = NULL,
         error_kind = NULL, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
      resultId,
      this.#now(),
      item.id,
    );
  }

  /** `countAttempt` false: the CRM was not called (its circuit is open), so the backoff does not grow. */
  markRetry(item: OutboxItem, error: string, kind: string, nextAt: number, countAttempt = true): void {
    this.#relaxed(
      'UPDATE outbox SET attempts = attempts + ?, last_error = ?, error_kind = ?, next_at = ?, updated_at = ? WHERE id = ?',
      countAttempt ? 1 : 0,
      error,
      kind,
      nextAt,
      this.#now(),
      item.id,
    );
  }

  /** The agent's CRM access is gone: the write waits (content kept) until they sign in again. */
  markWaiting(item: OutboxItem, error: string): void {
    this.#relaxed(
      `UPDATE outbox SET status = 'waiting', attempts = attempts + 1, last_error = ?, error_kind = 'revoked', updated_at = ? WHERE id = ?`,
      error,
      this.#now(),
      item.id,
    );
  }

  /** Cannot succeed as it is. The content stays (encrypted) until it is retried or discarded. */
  markFailed(item: OutboxItem, error: string, kind: string): void {
    this.#relaxed(
      `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, error_kind = ?, updated_at = ? WHERE id = ?`,
      error,
      kind,
      this.#now(),
      item.id,
    );
  }

  /** The agent signed in again: their waiting writes (and failures on revoked access) are due now. */
  resume(crm: Crm, userId: string): number {
    const now = this.#now();
    const res = this.#sql(
      `UPDATE outbox SET status = 'pending', next_at = ?, window_start = ?, updated_at = ? WHERE crm = ? AND user_id = ?
         AND (status = 'waiting' OR (status = 'failed' AND error_kind = 'revoked')) AND payload IS NOT NULL`,
    ).run(now, now, now, crm, userId);
    return Number(res.changes);
  }

  /** An administrator's retry: failed writes (with content) are due now, with a fresh retry window. */
  requeue(filter: ItemFilter = {}): number {
    const now = this.#now();
    const w = where(filter);
    const res = this.#sql(
      `UPDATE outbox SET status = 'pending', next_at = ?, window_start = ?, updated_at = ?
         WHERE status = 'failed' AND payload IS NOT NULL${w.sql}`,
    ).run(now, now, now, ...w.args);
    return Number(res.changes);
  }

  /** Someone decided a failed write will never be delivered: its content and row go (securely). */
  discard(filter: ItemFilter = {}): number {
    const w = where(filter);
    const res = this.#sql(`DELETE FROM outbox WHERE status = 'failed'${w.sql}`).run(...w.args);
    return Number(res.changes);
  }

  forSession(sessionId: string): OutboxItem[] {
    return this.#select('WHERE session_id = ? ORDER BY id', sessionId);
  }

  /** Whether the session still has a `kind` write to deliver (pending or waiting for a sign-in). */
  undelivered(sessionId: string, kind: StepKind): boolean {
    return !!this.#sql(
      `SELECT 1 FROM outbox WHERE session_id = ? AND kind = ? AND status IN ('pending', 'waiting') LIMIT 1`,
    ).get(sessionId, kind);
  }

  failed(filter: ItemFilter = {}, limit = 200): OutboxItem[] {
    const w = where(filter);
    return this.#select(`WHERE status = 'failed'${w.sql} ORDER BY id DESC LIMIT ?`, ...w.args, limit);
  }

  count(status: OutboxStatus, filter: ItemFilter = {}): number {
    const w = where(filter);
    const row = this.#sql(`SELECT COUNT(*) AS n FROM outbox WHERE status = ?${w.sql}`).get(status, ...w.args) as {
      n: number;
    };
    return Number(row.n);
  }

  /** Bounded lifetime of the report: written rows older than `olderThanMs` go away. Failed rows stay. */
  purge(olderThanMs: number): number {
    const res = this.#sql(`DELETE FROM outbox WHERE status = 'done' AND updated_at < ?`).run(this.#now() - olderThanMs);
    return Number(res.changes);
  }
}
