// What the relay does in a CRM, always as one agent with that agent's own token.
import type { Readable } from 'node:stream';
import type { Crm } from '../auth/identity.ts';

export interface CrmRecord {
  id: string;
  /** Case number + subject, or incident number + short description. */
  label: string;
  contact: { id: string; name: string; email: string | null } | null;
}

export interface PersonMatch {
  kind: 'contact' | 'lead';
  id: string;
}

export interface NewLead {
  firstName?: string;
  lastName: string;
  email: string;
  phone?: string;
  company: string;
  /** The CRM user who owns the Lead (the host); the org's default owner when absent. */
  ownerId?: string;
}

export interface Activity {
  /** The session id (at most 64 chars); with the parent record it is the write's idempotency key. */
  marker: string;
  subject: string;
  description: string;
  /** Case / incident the activity belongs to; absent for a Task on a Lead. */
  recordId?: string;
  whoId?: string;
  date: Date;
  durationSeconds: number;
  /** False when nobody joined: the activity records an unused invitation, not a call. */
  call?: boolean;
}

export interface Recording {
  /** The session id; with the record it identifies the file (idempotency). */
  marker: string;
  recordId: string;
  durationSeconds: number;
  fileName: string;
  mimeType: string;
  size: number;
  /** Opens the file for one upload attempt (streamed; a retry opens it again). */
  open(): Readable;
  title: string;
}

/**
 * One person who joined a session, as the CRM keeps them: Salesforce's Sightline_Attendee__c (not the
 * host), ServiceNow's x_sightline_share_attendee (the host too, with the session's facts).
 */
export interface AttendeeRow {
  /** `<sessionId>:<participantId>`: the external id the row is upserted on. */
  key: string;
  sessionId: string;
  recordId: string;
  name: string;
  role: 'Host' | 'Guest' | 'Agent' | 'Supervisor';
  email: string | null;
  phone: string | null;
  joinedAt: string;
  leftAt: string | null;
  contactId: string | null;
  leadId: string | null;
  /** ServiceNow: the session's facts, repeated on each of its rows (the widget reads no work note). */
  session?: SessionFacts;
}

export interface SessionFacts {
  startedAt: string;
  endedAt: string;
  endReason: string;
  recording: string | null;
}

export interface Email {
  to: string[];
  subject: string;
  body: string;
  /** Record the email is about: Salesforce logs it there as an EmailMessage, ServiceNow links it. */
  recordId?: string;
  /** The record's contact when they are one of `to` (Salesforce recipientId). */
  recipient?: { id: string; email: string };
}

export interface CrmAdapter {
  readonly crm: Crm;
  /** The org's instance URL or the ServiceNow instance: the write-back queues per endpoint. */
  readonly endpoint: string;
  /** Reads the record as the agent; CrmError not_found/forbidden when they cannot. */
  readRecord(id: string): Promise<CrmRecord>;
  /**
   * Whether this user may host sessions: the package's custom permission `Sightline_Start_Sessions`
   * through a permission set (Salesforce), the `x_sightline_share.agent` role (ServiceNow). Asked with
   * the user's own token, so the CRM's administrators decide.
   */
  mayHost(userId: string): Promise<boolean>;
  /**
   * Whether this user may supervise: the custom permission `Sightline_Supervise_Sessions` (Sightline
   * Supervisor permission set) on Salesforce, the `x_sightline_share.supervisor` role on ServiceNow.
   */
  maySupervise(userId: string): Promise<boolean>;
  /**
   * The users this supervisor's team is made of, as the CRM says: the active users whose Manager is them
   * (Salesforce User.ManagerId), the members of the groups they manage (ServiceNow sys_user_group.manager).
   */
  teamOf(userId: string): Promise<Set<string>>;
  /** Salesforce: a Contact, else an open Lead with this email. ServiceNow: none (no leads). */
  findContactOrLead(email: string): Promise<PersonMatch | null>;
  /** Creates the Lead unless an open Lead with the email exists; returns its id either way. */
  createLead(lead: NewLead): Promise<string>;
  /** Idempotent by `marker`: returns the existing activity's id when it was already written. */
  writeActivity(activity: Activity): Promise<string>;
  /** Idempotent by marker + record (Salesforce) or record + file name (ServiceNow). */
  uploadRecording(recording: Recording): Promise<string>;
  sendEmail(email: Email): Promise<void>;
  /** Creates the attendee's row unless one with its key exists (idempotent on retry). */
  upsertAttendee?(row: AttendeeRow): Promise<string>;
}
