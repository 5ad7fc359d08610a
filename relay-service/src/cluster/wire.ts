// What nodes send each other (`POST /internal/cluster/<op>`), defined once for both ends.
import { z } from 'zod';
import { policySchema } from '@sightline/config';
import { agentTicketRequestSchema, contactSchema, participantSchema } from '../protocol/index.ts';

const crm = z.enum(['salesforce', 'servicenow']);
export const agentSchema = z.object({
  crm,
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().optional(),
  orgId: z.string().optional(),
});
const sessionId = z.string().regex(/^s_[A-Za-z0-9_-]{8,64}$/);
/** An invited agent's one-time console-link token, as the ticket request carries it. */
const invitation = agentTicketRequestSchema.shape.invitation;

export const calls = {
  create: {
    request: z.object({
      host: agentSchema,
      record: z.object({ crm, id: z.string(), label: z.string() }),
      policy: policySchema,
      recordRequested: z.boolean(),
    }),
    response: z.object({
      sessionId,
      key: z.string().nullable(),
      token: z.string(),
      status: z.literal('waiting'),
      expiresAt: z.string(),
    }),
  },
  info: {
    request: z.object({ sessionId }),
    response: z.object({
      sessionId,
      recordLabel: z.string(),
      hostName: z.string(),
      contactFields: policySchema.shape.contactFields,
      recordingPrompt: z.boolean(),
    }),
  },
  join: {
    request: z.object({ sessionId, contact: contactSchema }),
    response: z.object({ participant: participantSchema, ticket: z.string(), waiting: z.boolean() }),
  },
  'may-join': {
    request: z.object({ sessionId, agent: agentSchema, invitation }),
    response: z.object({ may: z.boolean(), isAgent: z.boolean(), recordId: z.string() }),
  },
  'agent-ticket': {
    request: z.object({ sessionId, agent: agentSchema, invitation }),
    response: z.object({ participant: participantSchema, ticket: z.string() }),
  },
} as const;

export type Op = keyof typeof calls;
export type Request<O extends Op> = z.infer<(typeof calls)[O]['request']>;
export type Response<O extends Op> = z.infer<(typeof calls)[O]['response']>;

export const CLUSTER_PATH = '/internal/cluster';
