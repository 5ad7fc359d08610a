// The relay's admin API (`/admin/*`, Bearer = the admin's own Salesforce access token), shared by
// the relay and the `sf sightline` CLI plugin.
import { z } from 'zod';
import { failedDeliverySchema } from './http.ts';

export const writeBackSummarySchema = z.object({
  /** Writes still queued (due now or waiting for their retry). */
  backlog: z.number().int(),
  /** Writes parked until their agent signs in again (their refresh token was revoked). */
  awaitingSignIn: z.number().int(),
  failed: z.array(failedDeliverySchema),
});
export type WriteBackSummary = z.infer<typeof writeBackSummarySchema>;

export const adminStatusSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSeconds: z.number(),
  liveSessions: z.number().int(),
  writeback: writeBackSummarySchema,
});
export type AdminStatus = z.infer<typeof adminStatusSchema>;

export const adminConfigSchema = z.object({
  version: z.string(),
  publicUrl: z.string(),
  /** Every browser origin the relay accepts (CRM login/instance URLs plus relay.allowedOrigins). */
  allowedOrigins: z.array(z.string()),
  salesforce: z.object({ loginUrl: z.string(), orgId: z.string().nullable() }),
});
export type AdminConfig = z.infer<typeof adminConfigSchema>;

export const retryRequestSchema = z
  .object({
    sessionId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w-]+$/)
      .optional(),
  })
  .strict();
export type RetryRequest = z.infer<typeof retryRequestSchema>;

export const retryResponseSchema = z.object({ retried: z.number().int() });
