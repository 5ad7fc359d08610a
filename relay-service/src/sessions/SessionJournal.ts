// What a live session's write-back needs, kept outside the relay's memory as it changes, so a relay
// that dies (SIGKILL, power loss) still writes its sessions to the CRM on the next start. One
// implementation per store: the local database on a single node (SqliteSessionJournal); a Redis one
// for cluster mode can follow behind the same interface.
import type { Policy } from '@sightline/config';
import type { LogEntry, SessionSnapshot } from '../protocol/index.ts';
import type { AgentIdentity, Attendee, EndReason, RecordRef, SessionReport } from './types.ts';

/** A participant as journaled: the report's attendee, plus whether the host ever let them in. */
export interface JournaledParticipant extends Attendee {
  admitted: boolean;
  /** Their answers to the consent prompt (null until asked), so a taken-over session keeps them. */
  consentView?: boolean | null | undefined;
  consentRecording?: boolean | null | undefined;
  /** sha256 of their current relay ticket (base64url): they come back with it on another node. Never the ticket. */
  ticketDigest?: string | undefined;
}

/** What another node needs to run the session on (the row is encrypted like the rest). */
export interface LiveSecrets {
  key: string | null;
  token: string;
  recordRequested: boolean;
}

/** The session's state at its last change (the log is journaled entry by entry beside it). */
export interface JournaledState {
  sessionId: string;
  record: RecordRef;
  host: AgentIdentity;
  policy: Policy;
  startedAt: string;
  participants: JournaledParticipant[];
  recording: SessionSnapshot['recording'];
  /** Absent in rows from relays before live resume: such a session can only be ended. */
  live?: LiveSecrets | undefined;
  /** When this state was written: the last moment the session is known to have been live. */
  savedAt: string;
}

export interface Ending {
  reason: EndReason;
  at: string;
}

export interface JournaledSession {
  state: JournaledState;
  log: LogEntry[];
  /** Set once the session started ending (its report may not have reached the outbox yet). */
  ending?: Ending;
}

export interface SessionJournal {
  /** Replaces the session's state (durable when it returns, for the local database). */
  save(state: JournaledState): void;
  append(sessionId: string, entry: LogEntry): void;
  /** The session is ending for this reason (its recording is being finished, its report is next). */
  ending(sessionId: string, ending: Ending): void;
  /** The session's report is in the outbox: nothing of it is kept here any more. */
  remove(sessionId: string): void;
  /** Sessions a previous run left behind (it died before they ended). */
  leftOver(): Promise<JournaledSession[]>;
  close(): void;
}

/** The report of a session whose relay died: everyone left when it was last known live. */
export function reportOfLeftOver({ state, log, ending }: JournaledSession, reason: EndReason): SessionReport {
  const lastLog = log.at(-1)?.at;
  const endedAt = ending?.at ?? (lastLog && lastLog > state.savedAt ? lastLog : state.savedAt);
  const endReason = ending?.reason ?? reason;
  const lines = [...log];
  if (state.recording === 'on')
    lines.push({ at: endedAt, actor: 'Sightline', kind: 'recording', text: 'the recording was lost with the relay' });
  lines.push({
    at: endedAt,
    actor: 'Sightline',
    kind: 'session',
    text: `session ended (${endReason.replaceAll('_', ' ')})`,
  });
  return {
    sessionId: state.sessionId,
    record: state.record,
    host: state.host,
    policy: state.policy,
    startedAt: state.startedAt,
    endedAt,
    endReason,
    durationSeconds: Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(state.startedAt)) / 1000)),
    attendees: state.participants
      .filter((p) => p.admitted)
      // Only the attendee's fields: consents and the ticket digest are the journal's, not the CRM's.
      .map(({ participantId, role, displayName, contact, agent, joinedAt, leftAt }) => ({
        participantId,
        role,
        displayName,
        contact,
        ...(agent && { agent }),
        joinedAt,
        leftAt: leftAt ?? endedAt,
      })),
    log: lines,
    recording: null,
  };
}
