// Who an agent is, as the CRM told us at sign-in (same shape as the sessions' AgentIdentity).
import { z } from 'zod';
import { crmSchema } from '../protocol/messages.ts';

export { crmSchema };
export type Crm = z.infer<typeof crmSchema>;

export const agentIdentitySchema = z.object({
  crm: crmSchema,
  userId: z.string().min(1).max(64),
  username: z.string().min(1).max(255),
  displayName: z.string().min(1).max(255),
  email: z.string().max(254).optional(),
  orgId: z.string().max(64).optional(),
});
export type AgentIdentity = z.infer<typeof agentIdentitySchema>;

/** What the relay holds to act as the agent. */
export interface AgentTokens {
  instanceUrl: string;
  accessToken: string | null;
  refreshToken: string;
}
