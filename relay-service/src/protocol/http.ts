// HTTP API bodies shared by the relay and its clients (agent console, CRM components, join page).
import { z } from 'zod';
import {
  contactSchema,
  crmIdSchema,
  crmSchema,
  guestPresenceSchema,
  recordRefSchema,
  roleSchema,
  sessionStatusSchema,
} from './messages.ts';

export const createSessionRequestSchema = z
  .object({
    crm: crmSchema,
    /** Case Id (15/18 chars) or incident sys_id (32 hex). */
    recordId: crmIdSchema,
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
  /** The CRM record the session was started from, so a list across records can name and link it. */
  record: recordRefSchema,
  /** Whether the caller hosts the session or was invited to it. */
  role: z.enum(['host', 'agent']),
  /** The group's policy lets agents show their own screen (the relay checks it again on each try). */
  mayShowScreen: z.boolean().optional(),
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

/**
 * `POST /api/join/presence`: where someone with the key or link is before joining (they are no attendee
 * yet, so there is no socket): entering details, reading the consent, or declining without joining.
 * The name is what they typed so far (none while entering details).
 */
export const joinPresenceRequestSchema = z
  .object({
    ...keyOrToken,
    state: guestPresenceSchema.extract(['details', 'consent', 'declined']),
    name: contactSchema.shape.name,
  })
  .strict()
  .refine(exactlyOneOfKeyOrToken, { message: 'give exactly one of key or token' });
export type JoinPresenceRequest = z.infer<typeof joinPresenceRequestSchema>;

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
  /** Where the session's node takes WebSockets now: a joined guest whose socket dropped reconnects there with its ticket. */
  wsUrl: z.string().optional(),
});
export type JoinLookupResponse = z.infer<typeof joinLookupResponseSchema>;

/** `POST /api/sessions/:id/ticket` body: an invited agent's one-time token from the emailed link. */
export const agentTicketRequestSchema = z
  .object({
    invitation: z
      .string()
      .regex(/^[A-Za-z0-9_-]{22,64}$/, 'an invitation token')
      .optional(),
  })
  .strict();
export type AgentTicketRequest = z.infer<typeof agentTicketRequestSchema>;

/** `POST /api/sessions/:id/ticket`: the agent console's WebSocket ticket (wsUrl without the ticket). */
export const ticketResponseSchema = z.object({ participantId: z.string(), ticket: z.string(), wsUrl: z.string() });
export type TicketResponse = z.infer<typeof ticketResponseSchema>;

/** `POST /api/sessions/:id/invite`: email the join link; without `to`, to the record's contact. */
export const inviteRequestSchema = z.object({ to: z.array(z.email().max(254)).min(1).max(5).optional() }).strict();
export type InviteRequest = z.infer<typeof inviteRequestSchema>;

/** `GET /api/sessions?crm=&recordId=`. */
/**
 * `GET /api/sessions`: the agent's live sessions on one record (`crm` and `recordId`, for a record
 * page), or on every record of one CRM (`crm` alone) or of both (neither, for the utility bar).
 */
export const activeSessionsQuerySchema = z
  .object({
    crm: crmSchema.optional(),
    recordId: crmIdSchema.optional(),
  })
  .refine((q) => q.recordId === undefined || q.crm !== undefined, {
    message: 'a recordId needs its crm',
    path: ['crm'],
  });

/** Its answer: each live session as creating it answered. */
export const activeSessionsResponseSchema = z.object({ sessions: z.array(createSessionResponseSchema) });
export type ActiveSessionsResponse = z.infer<typeof activeSessionsResponseSchema>;

/** One CRM write of a finished session, as the agent sees it (`GET /api/writebacks?sessionId=`). */
export const writeBackStatusSchema = z.object({
  sessionId: z.string(),
  step: z.string(),
  /** waiting: the agent must sign in to the relay again (their CRM access was revoked). */
  status: z.enum(['pending', 'waiting', 'done', 'failed']),
  attempts: z.number(),
  error: z.string().nullable(),
  resultId: z.string().nullable(),
  updatedAt: z.string(),
});
export type WriteBackStatus = z.infer<typeof writeBackStatusSchema>;

/** What a write-back step delivers to the CRM (one handler each under relay-service/src/writeback/steps/). */
export const deliveryWhatSchema = z.enum(['activity', 'lead', 'attendees', 'recording', 'work_note', 'attachment']);
export type DeliveryWhat = z.infer<typeof deliveryWhatSchema>;

/** A CRM write the relay gave up on; its content stays (encrypted) until it is retried or discarded. */
export const agentDeliverySchema = z.object({
  sessionId: z.string(),
  crm: crmSchema,
  recordId: z.string(),
  what: deliveryWhatSchema,
  /** In plain words, e.g. "the recording could not be attached: the file is larger than the org allows". */
  reason: z.string(),
  /** ISO time of the failure. */
  since: z.string(),
});
export type AgentDelivery = z.infer<typeof agentDeliverySchema>;

/** `GET /api/me/deliveries`: the signed-in agent's undelivered session records. */
export const agentDeliveriesSchema = z.object({
  /** Writes waiting for the agent to sign in to the relay again (their CRM access was revoked). */
  awaitingSignIn: z.number().int().min(0),
  failed: z.array(agentDeliverySchema),
});
export const AgentDeliveries = agentDeliveriesSchema;
export type AgentDeliveries = z.infer<typeof agentDeliveriesSchema>;

/** One failed write as an administrator sees it (WriteBack.summary(), the relay's admin API). */
export const failedDeliverySchema = agentDeliverySchema.extend({
  /** The outbox row (stable handle for retry or discard). */
  id: z.number().int(),
  /** The host agent the write runs as. */
  userId: z.string(),
  attempts: z.number().int(),
});
export type FailedDelivery = z.infer<typeof failedDeliverySchema>;

/** `GET /api/supervisor/sessions`: the live sessions of the supervisor's team, newest first. */
export const teamSessionsResponseSchema = z.object({
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      record: recordRefSchema,
      hostName: z.string(),
      status: sessionStatusSchema,
      startedAt: z.string(),
      participants: z.array(z.object({ displayName: z.string(), role: roleSchema })),
      consoleUrl: z.string(),
    }),
  ),
});
export type TeamSessionsResponse = z.infer<typeof teamSessionsResponseSchema>;
