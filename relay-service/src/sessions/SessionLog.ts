// The running log of one session: who, when, what. Written to the CRM when the session ends.
import type { LogEntry } from '../protocol/index.ts';
import type { Clock } from './types.ts';

export type LogKind =
  | 'session'
  | 'join'
  | 'leave'
  | 'connection'
  | 'consent'
  | 'share'
  | 'control'
  | 'chat'
  | 'note'
  | 'recording'
  | 'pause'
  | 'invite'
  | 'lobby';

export class SessionLog {
  private entries: LogEntry[] = [];
  private readonly clock: Clock;
  private readonly onEntry: (entry: LogEntry) => void;

  /** `before`: the entries of a session taken over from a dead node (already journaled, not emitted again). */
  constructor(clock: Clock, onEntry: (entry: LogEntry) => void, before: readonly LogEntry[] = []) {
    this.clock = clock;
    this.onEntry = onEntry;
    this.entries = [...before];
  }

  /** A copy of the entries so far (what an agent's console shows after a reconnect). */
  list(): LogEntry[] {
    return [...this.entries];
  }

  add(actor: string, kind: LogKind, text: string): LogEntry {
    const entry: LogEntry = { at: new Date(this.clock.now()).toISOString(), actor, kind, text };
    this.entries.push(entry);
    this.onEntry(entry);
    return entry;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Hands the entries over (to the report) and keeps nothing. */
  drain(): LogEntry[] {
    const out = this.entries;
    this.entries = [];
    return out;
  }
}
