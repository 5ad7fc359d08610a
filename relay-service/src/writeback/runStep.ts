// Carries out one outbox item against the CRM. Every step is idempotent: it looks for what an
// earlier attempt may already have written before writing.
import type { CrmAdapter } from '../crm/CrmAdapter.ts';
import type { Outbox, OutboxItem } from './Outbox.ts';
import type { ActivityPayload, LeadPayload, RecordingPayload } from './plan.ts';

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
  if (item.step === 'recording') {
    const p = outbox.payload<RecordingPayload>(item);
    const bytes = outbox.blob(item);
    if (!bytes) throw new Error('the recording is no longer in the outbox');
    return crm.uploadRecording({ marker: item.sessionId, ...p, bytes });
  }
  throw new Error(`unknown outbox step ${JSON.stringify(item.step)}`);
}
