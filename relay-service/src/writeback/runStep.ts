// Carries out one outbox item against the CRM. Every step is idempotent: it looks for what an
// earlier attempt may already have written before writing.
import type { CrmAdapter, PersonMatch } from '../crm/CrmAdapter.ts';
import { CrmError } from '../crm/CrmError.ts';
import type { Outbox, OutboxItem } from './Outbox.ts';
import type { ActivityPayload, AttendeesPayload, LeadPayload, RecordingPayload } from './plan.ts';

/** Returns the id of what was written (or found). */
export async function runStep(item: OutboxItem, outbox: Outbox, crm: CrmAdapter): Promise<string> {
  if (item.step === 'activity') {
    const p = outbox.payload<ActivityPayload>(item);
    // Reading the record as the agent also gives the case contact for the Task's WhoId.
    const record = await crm.readRecord(p.recordId);
    return crm.writeActivity({
      marker: item.sessionId,
      subject: p.subject,
      description: p.description,
      recordId: p.recordId,
      ...(crm.crm === 'salesforce' && record.contact ? { whoId: record.contact.id } : {}),
      date: new Date(p.date),
      durationSeconds: p.durationSeconds,
    });
  }
  if (item.step.startsWith('lead:')) {
    const p = outbox.payload<LeadPayload>(item);
    if (p.decision === null) {
      const known = await crm.findContactOrLead(p.lead.email);
      if (known) return `${known.kind}:${known.id}`;
      outbox.updatePayload(item, { ...p, decision: 'create' } satisfies LeadPayload);
    }
    const leadId = await crm.createLead(p.lead);
    await crm.writeActivity({
      marker: item.sessionId,
      subject: p.subject,
      description: p.description,
      whoId: leadId,
      date: new Date(p.date),
      durationSeconds: p.durationSeconds,
    });
    return leadId;
  }
  if (item.step === 'attendees') return writeAttendees(item, outbox, crm);
  if (item.step === 'recording') {
    const p = outbox.payload<RecordingPayload>(item);
    const bytes = outbox.blob(item);
    if (!bytes) throw new Error('the recording is no longer in the outbox');
    return crm.uploadRecording({ marker: item.sessionId, ...p, bytes });
  }
  throw new Error(`unknown outbox step ${JSON.stringify(item.step)}`);
}

/**
 * One upserted row per attendee, keyed `<sessionId>:<participantId>`, linked to the Contact or open
 * Lead with their email; it waits for the session's Lead steps so a Lead they create is linked too.
 */
async function writeAttendees(item: OutboxItem, outbox: Outbox, crm: CrmAdapter): Promise<string> {
  if (!crm.upsertAttendee) throw new CrmError('invalid', 'NOT_SUPPORTED', `${crm.crm} keeps no attendee rows`);
  const leadsPending = outbox
    .forSession(item.sessionId)
    .some((i) => i.step.startsWith('lead:') && i.status === 'pending');
  if (leadsPending) throw new CrmError('transient', 'WAITING_FOR_LEADS', "waiting for the session's Lead writes");
  const p = outbox.payload<AttendeesPayload>(item);
  const matches = new Map<string, PersonMatch | null>();
  const ids: string[] = [];
  for (const a of p.attendees) {
    const email = a.email?.toLowerCase();
    if (email && !matches.has(email)) matches.set(email, await crm.findContactOrLead(email));
    const match = email ? matches.get(email) : null;
    ids.push(
      await crm.upsertAttendee({
        ...a,
        key: `${item.sessionId}:${a.participantId}`,
        sessionId: item.sessionId,
        recordId: p.recordId,
        contactId: match?.kind === 'contact' ? match.id : null,
        leadId: match?.kind === 'lead' ? match.id : null,
      }),
    );
  }
  return ids.join(',');
}
