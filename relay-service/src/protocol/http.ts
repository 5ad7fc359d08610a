// HTTP API bodies shared by the relay and its clients (agent console, CRM components, join page).
import { z } from 'zod';
import { contactSchema } from './messages.ts';

export const createSessionRequestSchema = z
  .object({
    crm: z.enum(['salesforce', 'servicenow']),
    /** Case Id (15/18 chars) or incident sys_id (32 hex). */
    recordId: z.string().regex(/^([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}|[0-9a-f]{32})$/),
    /** Host asks for recording (policy "host's choice"). */
    record: z.boolean().optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

export const createSessionResponseSchema = z.object({
  sessionId: z.string(),
  key: z.string().nullable(),
  joinUrl: z.string(),
  consoleUrl: z.string(),
  status: z.string(),
  expiresAt: z.string(),
});
export type CreateSessionResponse = z.infer<typeof createSessionResponseSchema>;

/** A spoken session key or an emailed link token: how a guest names the session. */
const keyOrToken = {
  key: z
    .string()
    .regex(/^\d{4,12}$/)
    .optional(),
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{20,64}$/)
    .optional(),
};
const exactlyOneOfKeyOrToken = (j: { key?: string; token?: string }) =>
  (j.key === undefined) !== (j.token === undefined);

/** Guest joins with a spoken key or the link token, plus contact details per policy. */
export const joinRequestSchema = z
  .object({
    ...keyOrToken,
    contact: contactSchema.default({}),
    acceptedTerms: z.literal(true, { error: 'the terms must be accepted to join' }),
  })
  .strict()
  .refine(exactlyOneOfKeyOrToken, { message: 'give exactly one of key or token' });
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinResponseSchema = z.object({
  participantId: z.string(),
  /** Bearer for the WebSocket (`/ws?ticket=`), valid while the session lives; reused to reconnect. */
  ticket: z.string(),
  wsUrl: z.string(),
  recordingPrompt: z.boolean(),
  /** The guest waits in the lobby until the host admits them (the key or link already admitted someone). */
  waiting: z.boolean(),
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;

/** Error body of every relay HTTP endpoint. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// --- Added by the relay control plane (additive) ---

/** `POST /api/join/lookup`: a spoken key or a link token, exactly one. */
export const joinLookupRequestSchema = z
  .object({
    ...keyOrToken,
  })
  .strict()
  .refine(exactlyOneOfKeyOrToken, { message: 'give exactly one of key or token' });
export type JoinLookupRequest = z.infer<typeof joinLookupRequestSchema>;

export const joinLookupResponseSchema = z.object({
  recordLabel: z.string(),
  hostName: z.string(),
  contactFields: z.object({
    name: z.enum(['off', 'optional', 'required']),
    email: z.enum(['off', 'optional', 'required']),
    phone: z.enum(['off', 'optional', 'required']),
  }),
  recordingPrompt: z.boolean(),
  terms: z.string(),
});
export type JoinLookupResponse = z.infer<typeof joinLookupResponseSchema>;

/** `POST /api/sessions/:id/ticket`: the agent console's WebSocket ticket (wsUrl without the ticket). */
export const ticketResponseSchema = z.object({ participantId: z.string(), ticket: z.string(), wsUrl: z.string() });
export type TicketResponse = z.infer<typeof ticketResponseSchema>;

/** `POST /api/sessions/:id/invite`: email the join link; without `to`, to the record's contact. */
export const inviteRequestSchema = z.object({ to: z.array(z.email().max(254)).min(1).max(5).optional() }).strict();
export type InviteRequest = z.infer<typeof inviteRequestSchema>;

/** `GET /api/sessions?crm=&recordId=`. */
export const activeSessionsQuerySchema = z.object({
  crm: z.enum(['salesforce', 'servicenow']),
  recordId: z.string().regex(/^([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}|[0-9a-f]{32})$/),
});

/** One CRM write of a finished session, as the agent sees it (`GET /api/writebacks?sessionId=`). */
export const writeBackStatusSchema = z.object({
  sessionId: z.string(),
  step: z.string(),
  status: z.enum(['pending', 'done', 'failed']),
  attempts: z.number(),
  error: z.string().nullable(),
  resultId: z.string().nullable(),
  updatedAt: z.string(),
});
export type WriteBackStatus = z.infer<typeof writeBackStatusSchema>;
