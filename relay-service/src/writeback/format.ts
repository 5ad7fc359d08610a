// Human-readable text for the CRM activity: the session summary, the attendees with their contact
// details and the log, as the agent and a manager will read it on the record.
import type { LogEntry } from '../protocol/index.ts';
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

/** True when the session ran out before any guest came: no call took place, only an invitation. */
export function nobodyJoined(report: SessionReport): boolean {
  return !report.attendees.some((a) => a.role === 'guest');
}

export function subject(report: SessionReport): string {
  // Never the session key: the record outlives the session, and a fixed key would be reusable.
  const base = `Screen share ${new Date(report.startedAt).toISOString().slice(0, 10)} with ${report.host.displayName}`;
  if (!nobodyJoined(report)) return base;
  return `${base}: nobody joined${report.endReason === 'expired' ? ' (invitation expired)' : ''}`;
}

/** A log line; private notes are marked, as only the agents saw them during the session. */
export function logLine(e: LogEntry): string {
  return e.kind === 'note'
    ? `${time(e.at)} ${e.actor} [private note]: ${e.text}`
    : `${time(e.at)} ${e.actor}: ${e.text}`;
}

function outcome(report: SessionReport): string {
  const waited = duration(report.durationSeconds);
  if (!nobodyJoined(report)) return `Duration: ${waited}`;
  return report.endReason === 'expired'
    ? `Outcome: nobody joined; the invitation expired unused after ${waited}`
    : `Outcome: nobody joined; the host ended the session after ${waited}`;
}

export function describe(report: SessionReport): string {
  const lines = [
    `Sightline screen share on ${report.record.label}`,
    `Host: ${report.host.displayName} (${report.host.username})`,
    `Started: ${time(report.startedAt)}`,
    `Ended: ${time(report.endedAt)} (${report.endReason.replace(/_/g, ' ')})`,
    outcome(report),
    `Recording: ${report.recording ? `${report.recording.fileName}, attached to the record` : 'none'}`,
    '',
    `Attendees (${report.attendees.length}):`,
    ...report.attendees.map(attendeeLine),
    '',
    'Log:',
    ...report.log.map(logLine),
  ];
  return lines.join('\n');
}

/**
 * Salesforce's own Web-to-Lead writes this when a form gives no company: a guest is asked for name,
 * email and phone only, and an email domain is not a company name (gmail.com, or a parent's domain).
 */
export const COMPANY_NOT_PROVIDED = '[not provided]';

/** Lead fields from an attendee: name split into first/last; the company is not guessed. */
export function leadFromContact(contact: { name?: string; email: string; phone?: string }, ownerId?: string) {
  const parts = (contact.name ?? '').trim().split(/\s+/).filter(Boolean);
  const local = contact.email.split('@')[0]!;
  return {
    ...(parts.length > 1 ? { firstName: parts.slice(0, -1).join(' ') } : {}),
    lastName: parts.at(-1) ?? local,
    email: contact.email,
    ...(contact.phone ? { phone: contact.phone } : {}),
    company: COMPANY_NOT_PROVIDED,
    // The agent who met the guest follows the Lead up (or reassigns it), not whoever the org defaults to.
    ...(ownerId ? { ownerId } : {}),
  };
}
