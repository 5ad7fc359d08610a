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

  constructor(clock: Clock, onEntry: (entry: LogEntry) => void) {
    this.clock = clock;
    this.onEntry = onEntry;
  }

  add(actor: string, kind: LogKind, text: string): LogEntry {
    const entry: LogEntry = { at: new Date(this.clock.now()).toISOString(), actor, kind, text };
    this.entries.push(entry);
    this.onEntry(entry);
    return entry;
  }

  /** Hands the entries over (to the report) and keeps nothing. */
  drain(): LogEntry[] {
    const out = this.entries;
    this.entries = [];
    return out;
  }
}
