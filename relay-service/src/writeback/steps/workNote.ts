// ServiceNow: one work note on the incident per session, found again by its marker line.
import type { StepHandler } from './types.ts';
import { activityPayload, type ActivityPayload } from './activity.ts';

export const workNoteStep: StepHandler<ActivityPayload> = {
  payload: activityPayload,
  run({ sessionId, payload: p, crm }) {
    return crm.writeActivity({
      marker: sessionId,
      subject: p.subject,
      description: p.description,
      recordId: p.recordId,
      date: new Date(p.date),
      durationSeconds: p.durationSeconds,
    });
  },
};
