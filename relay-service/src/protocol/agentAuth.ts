// The agent sign-in hand-off and the relay's own bearer tokens, as the CRM components speak them
// (force-app's sightlineRelayApi, the ServiceNow widget). No token ever travels in a URL: the sign-in
// window carries only a request id; the component fetches the result with a secret only it holds.
import { z } from 'zod';
import { crmIdSchema, crmSchema as crm } from './messages.ts';

/** `POST /auth/requests`: the component announces a sign-in before opening the CRM's OAuth page. */
export const signInRequestSchema = z
  .object({
    crm,
    /** The CRM user the component runs as (Salesforce `@salesforce/user/Id`, ServiceNow `g_user`). */
    userId: crmIdSchema,
  })
  .strict();
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const signInRequestCreatedSchema = z.object({
  requestId: z.string(),
  /** Proves to the relay that whoever asks for the result created the request. */
  secret: z.string(),
  /** Open this in the click handler: the relay, then the CRM's OAuth page. */
  signInUrl: z.string(),
  expiresAt: z.string(),
});
export type SignInRequestCreated = z.infer<typeof signInRequestCreatedSchema>;

/** `POST /auth/requests/:id/wait` body. */
export const signInWaitSchema = z.object({ secret: z.string().min(1).max(128) }).strict();

export const agentSummarySchema = z.object({
  crm,
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;

/** The relay's credentials for a CRM component: a short-lived bearer and a rotating refresh token. */
export const relayTokensSchema = z.object({
  accessToken: z.string(),
  /** Seconds the access token lives. */
  expiresIn: z.number(),
  /** Single use: every refresh returns its successor. */
  refreshToken: z.string(),
  agent: agentSummarySchema,
});
export type RelayTokens = z.infer<typeof relayTokensSchema>;

export const signInWaitResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('pending') }),
  z.object({ status: z.literal('signed_in'), tokens: relayTokensSchema }),
  z.object({ status: z.literal('failed'), error: z.string(), message: z.string() }),
]);
export type SignInWaitResponse = z.infer<typeof signInWaitResponseSchema>;

/** `POST /auth/token`: a new access token (and the refresh token's successor). */
export const tokenRefreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(256) }).strict();
