// The JSON result of every command (what `--json` prints under "result"), defined once as zod
// schemas: the commands' return types come from them and schemas/*.json is generated from them.
import { adminStatusSchema, retryResponseSchema, type AdminStatus } from '@sightline/relay-service/protocol';
import { z } from 'zod';

export const checkItemSchema = z.object({
  check: z.string().describe('what was checked'),
  ok: z.boolean(),
  detail: z.string().describe('what was found'),
  fix: z.string().optional().describe('the one step that fixes it, when ok is false'),
});
export type CheckItem = z.infer<typeof checkItemSchema>;

export const orgCheckResultSchema = z.object({
  ok: z.boolean(),
  orgId: z.string(),
  relayUrl: z.string(),
  checks: z.array(checkItemSchema),
});
export type OrgCheckResult = z.infer<typeof orgCheckResultSchema>;

export const attendeeSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  role: z.string().nullable(),
  joinedAt: z.string().nullable(),
  leftAt: z.string().nullable(),
});

export const sessionSchema = z.object({
  sessionId: z.string(),
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
  subject: z.string().nullable(),
  agent: z.string().nullable().describe('username of the host agent (the Task was written as them)'),
  startedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  attendees: z.array(attendeeSchema),
});
export const sessionsListResultSchema = z.array(sessionSchema);
export type SessionRow = z.infer<typeof sessionSchema>;

export const recordingSchema = z.object({
  contentVersionId: z.string(),
  contentDocumentId: z.string(),
  sessionId: z.string(),
  title: z.string(),
  fileName: z.string(),
  size: z.number(),
  durationSeconds: z.number().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export const recordingsListResultSchema = z.array(recordingSchema);
export type RecordingRow = z.infer<typeof recordingSchema>;

export const downloadSchema = z.object({
  contentVersionId: z.string(),
  path: z.string(),
  size: z.number(),
  status: z.enum(['downloaded', 'resumed', 'skipped']).describe('skipped: already complete on disk'),
});
export const recordingsDownloadResultSchema = z.array(downloadSchema);
export type DownloadRow = z.infer<typeof downloadSchema>;

export const unknownLeadSchema = z.object({
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  caseIds: z.array(z.string()),
  sessionIds: z.array(z.string()),
  attendeeIds: z.array(z.string()),
  leadId: z.string().nullable().describe('set with --create: the Lead created (or the open Lead found)'),
});
export const leadsUnknownResultSchema = z.array(unknownLeadSchema);
export type UnknownLead = z.infer<typeof unknownLeadSchema>;

export const relayStatusResultSchema = adminStatusSchema;
export type RelayStatus = AdminStatus;
export const writebacksRetryResultSchema = retryResponseSchema;

/** Command id -> result schema: schemas/<topic>-<command>.json are written from this. */
export const RESULT_SCHEMAS = {
  'sightline-org-check': orgCheckResultSchema,
  'sightline-sessions-list': sessionsListResultSchema,
  'sightline-recordings-list': recordingsListResultSchema,
  'sightline-recordings-download': recordingsDownloadResultSchema,
  'sightline-leads-unknown': leadsUnknownResultSchema,
  'sightline-relay-status': relayStatusResultSchema,
  'sightline-writebacks-retry': writebacksRetryResultSchema,
} as const;
