// One attendee row per person who joined, keyed on `<sessionId>:<participantId>`. Salesforce:
// Sightline_Attendee__c (not the host), linked to the Contact or open Lead with their email.
// ServiceNow: x_sightline_share_attendee (the host too), which the widget reads.
import { z } from 'zod';
import type { PersonMatch } from '../../crm/CrmAdapter.ts';
import { CrmError } from '../../crm/CrmError.ts';
import type { StepHandler } from './types.ts';

/** The step waits for the session's lead steps: not a sign of the CRM's health. */
export const WAITING = 'WAITING_FOR_LEADS';

export const attendeesPayload = z.object({
  recordId: z.string().min(1),
  attendees: z.array(
    z.object({
      participantId: z.string().min(1),
      name: z.string(),
      role: z.enum(['Host', 'Guest', 'Agent', 'Supervisor']),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      joinedAt: z.string(),
      leftAt: z.string().nullable(),
    }),
  ),
  /** ServiceNow: the session's facts the widget shows beside its attendees. */
  session: z
    .object({
      startedAt: z.string(),
      endedAt: z.string(),
      endReason: z.string(),
      recording: z.string().nullable(),
    })
    .optional(),
});
export type AttendeesPayload = z.infer<typeof attendeesPayload>;

export const attendeesStep: StepHandler<AttendeesPayload> = {
  payload: attendeesPayload,
  async run({ sessionId, payload: p, crm, pending }) {
    if (!crm.upsertAttendee) throw new CrmError('invalid', 'NOT_SUPPORTED', `${crm.crm} keeps no attendee rows`);
    // A Lead the session's lead step creates is linked too, so wait for those steps.
    if (pending('lead')) throw new CrmError('transient', WAITING, "waiting for the session's Lead writes");
    const matches = new Map<string, PersonMatch | null>();
    const ids: string[] = [];
    for (const a of p.attendees) {
      const email = a.email?.toLowerCase();
      if (email && !matches.has(email)) matches.set(email, await crm.findContactOrLead(email));
      const match = email ? matches.get(email) : null;
      ids.push(
        await crm.upsertAttendee({
          ...a,
          key: `${sessionId}:${a.participantId}`,
          sessionId,
          recordId: p.recordId,
          contactId: match?.kind === 'contact' ? match.id : null,
          leadId: match?.kind === 'lead' ? match.id : null,
          ...(p.session ? { session: p.session } : {}),
        }),
      );
    }
    return ids.join(',');
  },
};
