// Salesforce: a Lead for a guest whose email the org does not know, with a Task on it.
import { z } from 'zod';
import type { StepHandler } from './types.ts';

export const leadPayload = z.object({
  subject: z.string(),
  description: z.string(),
  durationSeconds: z.number().min(0),
  date: z.iso.datetime(),
  lead: z.object({
    firstName: z.string().optional(),
    lastName: z.string().min(1),
    email: z.string().min(3),
    phone: z.string().optional(),
    company: z.string().min(1),
    ownerId: z.string().min(1).optional(),
  }),
  /** Set once the step has found the email unknown, so a retry creates the Lead instead of matching it. */
  decision: z.literal('create').nullable(),
});
export type LeadPayload = z.infer<typeof leadPayload>;

export const leadStep: StepHandler<LeadPayload> = {
  payload: leadPayload,
  async run({ sessionId, payload: p, crm, remember }) {
    if (p.decision === null) {
      const known = await crm.findContactOrLead(p.lead.email);
      if (known) return `${known.kind}:${known.id}`;
      remember({ ...p, decision: 'create' });
    }
    // createLead finds an open Lead with the email first, so a lost answer creates no second one.
    const leadId = await crm.createLead(p.lead);
    await crm.writeActivity({
      marker: sessionId,
      subject: p.subject,
      description: p.description,
      whoId: leadId,
      date: new Date(p.date),
      durationSeconds: p.durationSeconds,
    });
    return leadId;
  },
};
