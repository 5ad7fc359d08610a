// Turns a finished session into the list of CRM writes the outbox will carry out.
import type { NewItem } from './Outbox.ts';
import { attendeesBlock, describe, leadFromContact, subject } from './format.ts';
import type { SessionReport } from '../sessions/types.ts';

export interface ActivityPayload {
  recordId: string;
  subject: string;
  description: string;
  durationSeconds: number;
  date: string;
}
export interface LeadPayload extends Omit<ActivityPayload, 'recordId'> {
  lead: ReturnType<typeof leadFromContact>;
  /** Set once the step has found the email unknown, so a retry creates the Lead instead of matching it. */
  decision: 'create' | null;
}
export interface RecordingPayload {
  recordId: string;
  fileName: string;
  mimeType: string;
  title: string;
  durationSeconds: number;
}

export interface AttendeesPayload {
  recordId: string;
  attendees: {
    participantId: string;
    name: string;
    role: 'Guest' | 'Agent';
    email: string | null;
    phone: string | null;
    joinedAt: string;
    leftAt: string | null;
  }[];
}

/** Everyone who joined except the host, as Salesforce's Sightline_Attendee__c rows describe them. */
function attendeeRows(report: SessionReport): AttendeesPayload['attendees'] {
  return report.attendees.flatMap((a) => {
    if (a.role === 'host') return [];
    const email = (a.contact.email ?? a.agent?.email)?.trim() || null;
    return [
      {
        participantId: a.participantId,
        name: a.contact.name?.trim() || a.displayName,
        role: a.role === 'agent' ? ('Agent' as const) : ('Guest' as const),
        email,
        phone: a.contact.phone?.trim() || null,
        joinedAt: a.joinedAt,
        leftAt: a.leftAt,
      },
    ];
  });
}

/** Guests with an email the policy turns into Leads, one per distinct email. */
function leadCandidates(report: SessionReport) {
  if (report.record.crm !== 'salesforce' || report.policy.leads === 'never') return [];
  const seen = new Set<string>();
  return report.attendees.flatMap((a) => {
    const email = a.contact.email?.trim().toLowerCase();
    if (a.role !== 'guest' || !email || seen.has(email)) return [];
    if (report.policy.leads === 'new_email_and_name' && !a.contact.name?.trim()) return [];
    seen.add(email);
    return [{ ...a.contact, email }];
  });
}

/**
 * The recorder names files by key and date, which a fixed-key policy repeats; the session id makes
 * the name unique on the record (ServiceNow finds an earlier upload by file name).
 */
export function uniqueFileName(fileName: string, sessionId: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${sessionId}${fileName.slice(dot)}` : `${fileName}-${sessionId}`;
}

export function planWriteBack(report: SessionReport): NewItem[] {
  const base = { sessionId: report.sessionId, crm: report.host.crm, userId: report.host.userId };
  const fileName = report.recording?.bytes.byteLength
    ? uniqueFileName(report.recording.fileName, report.sessionId)
    : null;
  const summary = describe(report);
  const activity: ActivityPayload = {
    recordId: report.record.id,
    subject: subject(report),
    // The ServiceNow widget reads the attendees from the block; Salesforce has them as rows.
    description: report.record.crm === 'servicenow' ? `${summary}\n\n${attendeesBlock(report, fileName)}` : summary,
    durationSeconds: report.durationSeconds,
    date: new Date(report.startedAt).toISOString(),
  };
  const items: NewItem[] = [{ ...base, step: 'activity', payload: activity }];
  for (const contact of leadCandidates(report)) {
    const { recordId: _r, ...rest } = activity;
    const payload: LeadPayload = { ...rest, lead: leadFromContact(contact), decision: null };
    items.push({ ...base, step: `lead:${contact.email}`, payload });
  }
  const attendees = report.record.crm === 'salesforce' ? attendeeRows(report) : [];
  // After the Lead steps: an attendee row links the Lead its step created.
  if (attendees.length) {
    const payload: AttendeesPayload = { recordId: report.record.id, attendees };
    items.push({ ...base, step: 'attendees', payload });
  }
  if (report.recording && fileName) {
    const payload: RecordingPayload = {
      recordId: report.record.id,
      fileName,
      mimeType: report.recording.mimeType,
      title: `${subject(report)} recording`,
      durationSeconds: report.recording.durationMs / 1000,
    };
    items.push({ ...base, step: 'recording', payload, blob: report.recording.bytes });
  }
  return items;
}
