// Types the session registry shares with the control plane (HTTP routes, write-back).
import type { Policy } from '@sightline/config';
import type { Contact, LogEntry, Role } from '../protocol/index.ts';
import type { Recording } from '../recording/Recorder.ts';

export type Crm = 'salesforce' | 'servicenow';

export interface AgentIdentity {
  crm: Crm;
  userId: string;
  username: string;
  displayName: string;
  email?: string;
  orgId?: string;
}

export interface RecordRef {
  crm: Crm;
  id: string;
  label: string;
}

/** relay_shutdown: the relay was stopped (SIGTERM); relay_restarted: it died and a later start wrote the report. */
export type EndReason =
  | 'host_ended'
  | 'supervisor_ended'
  | 'last_guest_left'
  | 'expired'
  | 'consent_refused'
  | 'share_refused'
  | 'relay_shutdown'
  | 'relay_restarted';

/** Time source; tests pass a fake one to drive expiry and grace periods. */
export interface Clock {
  now(): number;
}

export interface Attendee {
  participantId: string;
  role: Role;
  displayName: string;
  contact: Contact;
  /** The CRM identity of an agent attendee. */
  agent?: AgentIdentity;
  joinedAt: string;
  leftAt: string | null;
}

/** Everything the write-back needs; emitted once per session by `ended`, then forgotten by the relay. */
export interface SessionReport {
  sessionId: string;
  record: RecordRef;
  host: AgentIdentity;
  policy: Policy;
  startedAt: string;
  endedAt: string;
  endReason: EndReason;
  durationSeconds: number;
  attendees: Attendee[];
  log: LogEntry[];
  recording: Recording | null;
}

/** What the join page shows before the guest joins (`POST /api/join/lookup`). */
export interface JoinInfo {
  sessionId: string;
  recordLabel: string;
  hostName: string;
  contactFields: Policy['contactFields'];
  /** Ask the guest to allow or refuse recording. */
  recordingPrompt: boolean;
}

export interface CreateSessionInput {
  host: AgentIdentity;
  record: RecordRef;
  policy: Policy;
  /** The host's choice when policy.recording is "host". */
  recordRequested?: boolean;
}

export interface CreatedSession {
  sessionId: string;
  /** Spoken key, null when the policy allows keyless sessions. */
  key: string | null;
  /** Join-link token (`/j/<token>`); shown to agents only. */
  token: string;
  status: 'waiting';
  expiresAt: string;
}

export interface ParticipantTicket {
  participant: import('../protocol/index.ts').Participant;
  /** Bearer for `WS /ws?ticket=`; reconnects the same participant while the session lives. */
  ticket: string;
}

/** Read-only view for the control plane (authorization and `GET /api/sessions/:id`). */
export interface SessionInfo {
  snapshot: import('../protocol/index.ts').SessionSnapshot;
  host: AgentIdentity;
  /** Host and invited agents who hold a ticket. */
  agents: AgentIdentity[];
  policy: Policy;
  token: string;
  createdAt: string;
  expiresAt: string;
  recordRequested: boolean;
}
