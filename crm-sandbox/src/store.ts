// The sandbox's one embedded database (node:sqlite): records of both CRMs as JSON documents, file
// contents, OAuth tokens and UI sessions (hashed), sign-in credentials and the email outbox.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Crm = 'salesforce' | 'servicenow';
export type Doc = Record<string, unknown>;

export interface TokenRow {
  crm: Crm;
  kind: 'access' | 'refresh' | 'ui';
  userId: string;
  clientId: string;
  scope: string;
  expiresAt: number | null;
  /** The grant a token belongs to: a refresh token and every access token issued from it (rotation keeps it). */
  family?: string | null;
}

export interface OutboxEmail {
  id: number;
  crm: Crm;
  from: string;
  to: string[];
  subject: string;
  body: string;
  relatedId: string | null;
  createdAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, crm TEXT NOT NULL, type TEXT NOT NULL,
  seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_type ON records (crm, type, seq);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, crm TEXT NOT NULL, kind TEXT NOT NULL,
  user_id TEXT NOT NULL, client_id TEXT NOT NULL, scope TEXT NOT NULL, expires_at INTEGER);
CREATE TABLE IF NOT EXISTS credentials (crm TEXT NOT NULL, username TEXT NOT NULL, user_id TEXT NOT NULL,
  salt TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (crm, username));
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, crm TEXT NOT NULL, sender TEXT NOT NULL,
  recipients TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, related_id TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class Store {
  readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, 'sandbox.sqlite'));
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
    // Databases from before token families: add the column in place.
    const columns = this.db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'family')) this.db.exec('ALTER TABLE tokens ADD COLUMN family TEXT');
  }

  close(): void {
    this.db.close();
  }

  /** Drops every row of every table (the seed then refills it). */
  wipe(): void {
    this.db.exec(
      'DELETE FROM records; DELETE FROM blobs; DELETE FROM tokens; DELETE FROM credentials; DELETE FROM outbox; DELETE FROM meta;',
    );
  }

  private depth = 0;

  /** Runs fn atomically; nested calls become savepoints, so an inner failure can be undone alone. */
  transaction<T>(fn: () => T): T {
    const name = `sp${this.depth}`;
    this.db.exec(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${name}`);
    this.depth++;
    try {
      const out = fn();
      this.depth--;
      this.db.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${name}`);
      return out;
    } catch (err) {
      this.depth--;
      this.db.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  /** Next value of a named counter (ids, case numbers), persisted. */
  next(counter: string, start: number): number {
    const n = Number(this.getMeta(`counter:${counter}`) ?? start - 1) + 1;
    this.setMeta(`counter:${counter}`, String(n));
    return n;
  }

  insert(crm: Crm, type: string, id: string, data: Doc): void {
    const seq = this.next('seq', 1);
    this.db
      .prepare('INSERT INTO records (id, crm, type, seq, data) VALUES (?, ?, ?, ?, ?)')
      .run(id, crm, type, seq, JSON.stringify(data));
  }

  update(id: string, data: Doc): void {
    this.db.prepare('UPDATE records SET data = ? WHERE id = ?').run(JSON.stringify(data), id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM records WHERE id = ?').run(id);
    this.db.prepare('DELETE FROM blobs WHERE id = ?').run(id);
  }

  get(crm: Crm, id: string): { type: string; data: Doc } | undefined {
    const row = this.db.prepare('SELECT type, data FROM records WHERE crm = ? AND id = ?').get(crm, id) as
      { type: string; data: string } | undefined;
    return row && { type: row.type, data: JSON.parse(row.data) as Doc };
  }

  /** Every record of a type in insertion order (the sandbox's data sets are small). */
  all(crm: Crm, type: string): Doc[] {
    const rows = this.db.prepare('SELECT data FROM records WHERE crm = ? AND type = ? ORDER BY seq').all(crm, type) as {
      data: string;
    }[];
    return rows.map((r) => JSON.parse(r.data) as Doc);
  }

  putBlob(id: string, data: Uint8Array): void {
    this.db
      .prepare('INSERT INTO blobs (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data')
      .run(id, data);
  }

  getBlob(id: string): Uint8Array | undefined {
    const row = this.db.prepare('SELECT data FROM blobs WHERE id = ?').get(id) as { data: Uint8Array } | undefined;
    return row?.data;
  }

  putToken(hash: string, row: TokenRow): void {
    this.db
      .prepare(
        'INSERT INTO tokens (hash, crm, kind, user_id, client_id, scope, expires_at, family) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(hash, row.crm, row.kind, row.userId, row.clientId, row.scope, row.expiresAt, row.family ?? null);
  }

  getToken(hash: string): TokenRow | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(hash) as
      Record<string, string | number | null> | undefined;
    if (!row) return undefined;
    return {
      crm: row.crm as Crm,
      kind: row.kind as TokenRow['kind'],
      userId: String(row.user_id),
      clientId: String(row.client_id),
      scope: String(row.scope),
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      family: row.family === null || row.family === undefined ? null : String(row.family),
    };
  }

  /** Ends a whole grant: the refresh token and every access token issued from it. */
  deleteTokenFamily(family: string): number {
    return Number(this.db.prepare('DELETE FROM tokens WHERE family = ?').run(family).changes);
  }

  deleteToken(hash: string): boolean {
    return this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(hash).changes > 0;
  }

  purgeExpiredTokens(now: number): void {
    this.db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?').run(now);
  }

  putCredential(crm: Crm, username: string, userId: string, salt: string, hash: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO credentials (crm, username, user_id, salt, hash) VALUES (?, ?, ?, ?, ?)')
      .run(crm, username.toLowerCase(), userId, salt, hash);
  }

  getCredential(crm: Crm, username: string): { userId: string; salt: string; hash: string } | undefined {
    const row = this.db
      .prepare('SELECT user_id, salt, hash FROM credentials WHERE crm = ? AND username = ?')
      .get(crm, username.toLowerCase()) as { user_id: string; salt: string; hash: string } | undefined;
    return row && { userId: row.user_id, salt: row.salt, hash: row.hash };
  }

  addEmail(email: Omit<OutboxEmail, 'id' | 'createdAt'>): OutboxEmail {
    const createdAt = new Date().toISOString();
    const res = this.db
      .prepare(
        'INSERT INTO outbox (crm, sender, recipients, subject, body, related_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(email.crm, email.from, JSON.stringify(email.to), email.subject, email.body, email.relatedId, createdAt);
    return { ...email, id: Number(res.lastInsertRowid), createdAt };
  }

  emails(): OutboxEmail[] {
    const rows = this.db.prepare('SELECT * FROM outbox ORDER BY id DESC').all() as Record<
      string,
      string | number | null
    >[];
    return rows.map((r) => ({
      id: Number(r.id),
      crm: r.crm as Crm,
      from: String(r.sender),
      to: JSON.parse(String(r.recipients)) as string[],
      subject: String(r.subject),
      body: String(r.body),
      relatedId: r.related_id === null ? null : String(r.related_id),
      createdAt: String(r.created_at),
    }));
  }
}
