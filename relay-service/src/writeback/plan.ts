// Turns a finished session into the list of CRM writes the outbox will carry out.
import type { NewItem } from './Outbox.ts';
import { describe, leadFromContact, nobodyJoined, subject } from './format.ts';
import type { RecordingFile } from '../recording/RecordingFile.ts';
import type { SessionReport } from '../sessions/types.ts';
import type { Payloads, StepKind } from './steps/index.ts';

export type { ActivityPayload } from './steps/activity.ts';
export type { AttendeesPayload } from './steps/attendees.ts';
export type { LeadPayload } from './steps/lead.ts';
export type { RecordingPayload } from './steps/recording.ts';

type Base = Pick<NewItem, 'sessionId' | 'crm' | 'userId' | 'recordId'>;

/** One outbox item, its payload typed by its step kind. */
function item<K extends StepKind>(
  base: Base,
  kind: K,
  payload: Payloads[K],
  extra: Pick<PlannedItem, 'discriminator' | 'blob' | 'file'> = {},
): PlannedItem {
  return { ...base, kind, payload, ...extra };
}

/** Everyone who joined (Salesforce's Sightline_Attendee__c rows leave out the host). */
function attendeeRows(report: SessionReport, withHost: boolean): Payloads['attendees']['attendees'] {
  const roles = { host: 'Host', agent: 'Agent', guest: 'Guest', supervisor: 'Supervisor' } as const;
  return report.attendees.flatMap((a) => {
    if (a.role === 'host' && !withHost) return [];
    const email = (a.contact.email ?? a.agent?.email)?.trim() || null;
    return [
      {
        participantId: a.participantId,
        name: a.contact.name?.trim() || a.displayName,
        role: roles[a.role],
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
 * The session id makes the recording's file name unique on the record (ServiceNow finds an earlier
 * upload by file name); the session key is never part of it.
 */
export function uniqueFileName(fileName: string, sessionId: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${sessionId}${fileName.slice(dot)}` : `${fileName}-${sessionId}`;
}

/** An outbox row, or a recording that stays in its spill file (the outbox row has no bytes then). */
export interface PlannedItem extends NewItem {
  file?: RecordingFile;
}

export function planWriteBack(report: SessionReport): PlannedItem[] {
  const sf = report.record.crm === 'salesforce';
  const base: Base = {
    sessionId: report.sessionId,
    crm: report.host.crm,
    userId: report.host.userId,
    recordId: report.record.id,
  };
  const fileName = report.recording?.size ? uniqueFileName(report.recording.fileName, report.sessionId) : null;
  const summary = describe(report);
  const activity: Payloads['activity'] = {
    recordId: report.record.id,
    subject: subject(report),
    // Read by people; the attendees are also rows (the ServiceNow widget reads those, not the note).
    description: summary,
    durationSeconds: report.durationSeconds,
    date: new Date(report.startedAt).toISOString(),
    call: !nobodyJoined(report),
  };
  const items: PlannedItem[] = [item(base, sf ? 'activity' : 'work_note', activity)];
  for (const contact of leadCandidates(report)) {
    const { recordId: _r, call: _c, ...rest } = activity;
    items.push(
      item(
        base,
        'lead',
        { ...rest, lead: leadFromContact(contact, report.host.userId), decision: null },
        { discriminator: contact.email },
      ),
    );
  }
  const attendees = attendeeRows(report, !sf);
  const session = sf
    ? {}
    : {
        session: {
          startedAt: report.startedAt,
          endedAt: report.endedAt,
          endReason: report.endReason,
          recording: fileName,
        },
      };
  // After the Lead steps: an attendee row links the Lead its step created.
  if (attendees.length) items.push(item(base, 'attendees', { recordId: report.record.id, attendees, ...session }));
  if (report.recording && fileName) {
    const recording: Payloads['recording'] = {
      recordId: report.record.id,
      fileName,
      mimeType: report.recording.mimeType,
      title: `${subject(report)} recording`,
      durationSeconds: report.recording.durationMs / 1000,
    };
    // Within the memory bound the file goes into the (durable, encrypted) outbox; a spilled one stays in
    // its encrypted spill file, which the write-back streams from and deletes once delivered.
    const file = report.recording.file;
    const extra = file.spilled ? { file } : { blob: file.toBuffer() };
    items.push(item(base, sf ? 'recording' : 'attachment', recording, extra));
  }
  return items;
}
