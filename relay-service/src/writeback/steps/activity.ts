// Salesforce: one completed Task on the Case per session (its description carries attendees and log).
import { z } from 'zod';
import type { StepHandler } from './types.ts';

export const activityPayload = z.object({
  recordId: z.string().min(1),
  subject: z.string(),
  description: z.string(),
  durationSeconds: z.number().min(0),
  date: z.iso.datetime(),
  /** False when nobody joined (payloads queued before this field were calls). */
  call: z.boolean().default(true),
});
export type ActivityPayload = z.infer<typeof activityPayload>;

export const activityStep: StepHandler<ActivityPayload> = {
  payload: activityPayload,
  async run({ sessionId, payload: p, crm }) {
    // Reading the Case as the agent also gives its contact for the Task's WhoId.
    const record = await crm.readRecord(p.recordId);
    return crm.writeActivity({
      marker: sessionId,
      subject: p.subject,
      description: p.description,
      recordId: p.recordId,
      ...(record.contact ? { whoId: record.contact.id } : {}),
      date: new Date(p.date),
      durationSeconds: p.durationSeconds,
      call: p.call,
    });
  },
};
