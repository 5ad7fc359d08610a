// Query locators for nextRecordsUrl paging: the full result is held briefly, pages are cut from it.
import { randomBytes } from 'node:crypto';
import type { Doc } from '../store.ts';

interface Cursor {
  records: Doc[];
  batchSize: number;
  userId: string;
  expiresAt: number;
}

const TTL_MS = 15 * 60_000;
const MAX_CURSORS = 200;

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  /** Stores the rest of a result and returns its locator id. */
  open(records: Doc[], batchSize: number, userId: string): string {
    const now = Date.now();
    for (const [k, c] of this.cursors) if (c.expiresAt < now) this.cursors.delete(k);
    while (this.cursors.size >= MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
    const id = `01gSl${randomBytes(10).toString('hex').toUpperCase().slice(0, 13)}`;
    this.cursors.set(id, { records, batchSize, userId, expiresAt: now + TTL_MS });
    return id;
  }

  get(id: string, userId: string): Cursor | undefined {
    const c = this.cursors.get(id);
    return c && c.userId === userId && c.expiresAt >= Date.now() ? c : undefined;
  }

  clear(): void {
    this.cursors.clear();
  }
}
