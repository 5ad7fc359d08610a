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

/** Guest joins with a spoken key or the link token, plus contact details per policy. */
export const joinRequestSchema = z
  .object({
    key: z
      .string()
      .regex(/^\d{4,12}$/)
      .optional(),
    token: z
      .string()
      .regex(/^[A-Za-z0-9_-]{20,64}$/)
      .optional(),
    contact: contactSchema.default({}),
    acceptedTerms: z.literal(true, { error: 'the terms must be accepted to join' }),
  })
  .strict()
  .refine((j) => (j.key === undefined) !== (j.token === undefined), { message: 'give exactly one of key or token' });
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinResponseSchema = z.object({
  sessionId: z.string(),
  participantId: z.string(),
  /** Bearer for the WebSocket (`/ws?ticket=`), valid while the session lives; reused to reconnect. */
  ticket: z.string(),
  wsUrl: z.string(),
  recordingPrompt: z.boolean(),
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;

/** Error body of every relay HTTP endpoint. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
