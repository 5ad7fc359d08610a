// The session journal in the relay's local database, journal.db (relays before it kept it in
// outbox.db: index.ts recovers what is left there once, then drops it). It is written at every change
// of every live session, so its database syncs at checkpoints, not at each commit: a killed relay
// loses nothing of it, a power cut may lose the last moments of the live sessions (never a finished
// session's report: the outbox syncs every commit). Attendees' contact details and chat are personal
// data: every row is encrypted (TokenCipher, bound to its session by the AAD) and freed pages are
// zeroed. Read back through a schema like any other input.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { policySchema } from '@sightline/config';
import type { TokenCipher } from '../auth/TokenCipher.ts';
import {
  contactSchema,
  endReasonSchema,
  logEntrySchema,
  roleSchema,
  sessionSnapshotSchema,
} from '../protocol/index.ts';
import type { Ending, JournaledSession, JournaledState, SessionJournal } from './SessionJournal.ts';
import type { LogEntry } from '../protocol/index.ts';

const crm = z.enum(['salesforce', 'servicenow']);
const agentSchema = z.object({
  crm,
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().optional(),
  orgId: z.string().optional(),
});
export const endingSchema = z.object({ reason: endReasonSchema, at: z.iso.datetime() });
export const stateSchema = z.object({
  sessionId: z.string(),
  record: z.object({ crm, id: z.string(), label: z.string() }),
  host: agentSchema,
  policy: policySchema,
  startedAt: z.iso.datetime(),
  participants: z.array(
    z.object({
      participantId: z.string(),
      role: roleSchema,
      displayName: z.string(),
      contact: contactSchema,
      agent: agentSchema.optional(),
      joinedAt: z.iso.datetime(),
      leftAt: z.iso.datetime().nullable(),
      admitted: z.boolean(),
      consentView: z.boolean().nullable().optional(),
      consentRecording: z.boolean().nullable().optional(),
      ticketDigest: z.base64url().length(43).optional(),
    }),
  ),
  recording: sessionSnapshotSchema.shape.recording,
  live: z
    .object({
      key: z.string().min(1).max(64).nullable(),
      token: z.string().min(22).max(64),
      recordRequested: z.boolean(),
    })
    .optional(),
  savedAt: z.iso.datetime(),
}) satisfies z.ZodType<JournaledState>;

export class SqliteSessionJournal implements SessionJournal {
  readonly #db: DatabaseSync;
  readonly #cipher: TokenCipher;
  readonly #saveState: StatementSync;
  readonly #appendLog: StatementSync;
  readonly #setEnding: StatementSync;
  readonly #removeState: StatementSync;
  readonly #removeLog: StatementSync;

  constructor(db: DatabaseSync, cipher: TokenCipher) {
    this.#db = db;
    this.#cipher = cipher;
    db.exec('PRAGMA secure_delete = ON');
    // The end reason and time are no personal data: plain columns, set without rewriting the state.
    db.exec(`CREATE TABLE IF NOT EXISTS journal_state (session_id TEXT PRIMARY KEY, state BLOB NOT NULL,
        ending_reason TEXT, ending_at TEXT);
      CREATE TABLE IF NOT EXISTS journal_log (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL,
        entry BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS journal_log_session ON journal_log (session_id, id);`);
    // Prepared once: these run at every change of every live session.
    this.#saveState = db.prepare(
      'INSERT INTO journal_state (session_id, state) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET state = excluded.state',
    );
    this.#appendLog = db.prepare('INSERT INTO journal_log (session_id, entry) VALUES (?, ?)');
    this.#setEnding = db.prepare('UPDATE journal_state SET ending_reason = ?, ending_at = ? WHERE session_id = ?');
    this.#removeState = db.prepare('DELETE FROM journal_state WHERE session_id = ?');
    this.#removeLog = db.prepare('DELETE FROM journal_log WHERE session_id = ?');
  }

  save(state: JournaledState): void {
    const sealed = this.#cipher.encrypt(JSON.stringify(state), `journal:${state.sessionId}:state`);
    this.#saveState.run(state.sessionId, sealed);
  }

  append(sessionId: string, entry: LogEntry): void {
    const sealed = this.#cipher.encrypt(JSON.stringify(entry), `journal:${sessionId}:log`);
    this.#appendLog.run(sessionId, sealed);
  }

  ending(sessionId: string, { reason, at }: Ending): void {
    this.#setEnding.run(reason, at, sessionId);
  }

  remove(sessionId: string): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#removeState.run(sessionId);
      this.#removeLog.run(sessionId);
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  leftOver(): Promise<JournaledSession[]> {
    const states = this.#db.prepare('SELECT session_id, state, ending_reason, ending_at FROM journal_state').all() as {
      session_id: string;
      state: Uint8Array;
      ending_reason: string | null;
      ending_at: string | null;
    }[];
    const log = this.#db.prepare('SELECT entry FROM journal_log WHERE session_id = ? ORDER BY id');
    const sessions = states.map((row) => ({
      state: stateSchema.parse(JSON.parse(this.#cipher.decryptText(row.state, `journal:${row.session_id}:state`))),
      log: (log.all(row.session_id) as { entry: Uint8Array }[]).map((e) =>
        logEntrySchema.parse(JSON.parse(this.#cipher.decryptText(e.entry, `journal:${row.session_id}:log`))),
      ),
      ...(row.ending_reason !== null && {
        ending: endingSchema.parse({ reason: row.ending_reason, at: row.ending_at }),
      }),
    }));
    // Log lines of a session that died before its first state was written have no report to go to.
    this.#db.exec('DELETE FROM journal_log WHERE session_id NOT IN (SELECT session_id FROM journal_state)');
    return Promise.resolve(sessions);
  }

  /** Drops the journal's tables (its old place in outbox.db, once what was left there is recovered). */
  drop(): void {
    this.#db.exec('DROP TABLE IF EXISTS journal_log; DROP TABLE IF EXISTS journal_state;');
  }

  close(): void {
    // The database's owner (index.ts) closes it.
  }
}
