// Human-readable text for the CRM activity: the session summary, the attendees with their contact
// details and the log, as the agent and a manager will read it on the record.
import type { Attendee as ReportAttendee, SessionReport } from '../sessions/types.ts';

const time = (t: string | Date | null) => (t ? new Date(t).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '-');

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h ? `${h}h` : '', h || m ? `${m}m` : '', `${s % 60}s`].filter(Boolean).join(' ');
}

export function attendeeLine(a: ReportAttendee): string {
  const details = [a.contact.email, a.contact.phone].filter(Boolean).join(', ');
  const name = a.contact.name || a.displayName;
  return `- ${name} (${a.role})${details ? `: ${details}` : ''}; joined ${time(a.joinedAt)}, left ${time(a.leftAt)}`;
}

export function subject(report: SessionReport): string {
  // Never the session key: the record outlives the session, and a fixed key would be reusable.
  return `Screen share ${new Date(report.startedAt).toISOString().slice(0, 10)} with ${report.host.displayName}`;
}

export function describe(report: SessionReport): string {
  const lines = [
    `Sightline screen share on ${report.record.label}`,
    `Host: ${report.host.displayName} (${report.host.username})`,
    `Started: ${time(report.startedAt)}`,
    `Ended: ${time(report.endedAt)} (${report.endReason.replace(/_/g, ' ')})`,
    `Duration: ${duration(report.durationSeconds)}`,
    `Recording: ${report.recording ? `${report.recording.fileName}, attached to the record` : 'none'}`,
    '',
    `Attendees (${report.attendees.length}):`,
    ...report.attendees.map(attendeeLine),
    '',
    'Log:',
    ...report.log.map((e) => `${time(e.at)} ${e.actor}: ${e.text}`),
  ];
  return lines.join('\n');
}

const clip = (v: string | undefined | null, max: number) => (v ? v.slice(0, max) : undefined);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The fenced ```sightline-attendees block the ServiceNow widget reads (servicenow-app/README.md) so it
 * needs no text parsing. Values are clipped to the widget's limits: one value over them would make it
 * skip the whole note.
 */
export function attendeesBlock(report: SessionReport, recordingFileName: string | null): string {
  const block = {
    v: 1,
    sessionId: report.sessionId.slice(0, 100),
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    endReason: report.endReason,
    ...(recordingFileName ? { recording: recordingFileName.slice(0, 220) } : {}),
    attendees: report.attendees.slice(0, 200).map((a) => {
      const email = a.contact.email ?? (a.role === 'guest' ? undefined : a.agent?.email);
      return {
        role: a.role,
        name: clip(a.contact.name || a.displayName, 120),
        email: email && email.length <= 254 && EMAIL.test(email) ? email : undefined,
        phone: clip(a.contact.phone, 32),
        joinedAt: a.joinedAt,
        leftAt: a.leftAt,
      };
    }),
  };
  // JSON.stringify escapes newlines, so nothing in a value can close the fence early.
  return ['```sightline-attendees', JSON.stringify(block), '```'].join('\n');
}

const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'icloud.com',
  'live.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'web.de',
]);

/** Lead fields from an attendee: name split into first/last, company from the email's domain. */
export function leadFromContact(contact: { name?: string; email: string; phone?: string }) {
  const parts = (contact.name ?? '').trim().split(/\s+/).filter(Boolean);
  const local = contact.email.split('@')[0]!;
  const domain = contact.email.split('@')[1]!.toLowerCase();
  return {
    ...(parts.length > 1 ? { firstName: parts.slice(0, -1).join(' ') } : {}),
    lastName: parts.at(-1) ?? local,
    email: contact.email,
    ...(contact.phone ? { phone: contact.phone } : {}),
    company: FREE_MAIL.has(domain) ? 'Unknown' : domain,
  };
}
