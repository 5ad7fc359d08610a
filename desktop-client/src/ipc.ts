// The IPC contract between the app's renderer (the session page) and its main process. Everything the
// renderer sends is validated here: the renderer runs web content and is not trusted with input.
import { z } from 'zod';
import {
  contactSchema,
  serverMessageSchema,
  clientMessageSchema,
  desktopLookupResponseSchema,
} from '@sightline/relay-service/protocol';

export { IPC } from './ipcChannels.ts';

export const handOffInfoSchema = desktopLookupResponseSchema.extend({ relayHost: z.string() });
export type HandOffInfo = z.infer<typeof handOffInfoSchema>;

export const joinAnswersSchema = z
  .object({ contact: contactSchema.default({}), acceptedTerms: z.literal(true) })
  .strict();

export const shareRequestSchema = z.object({ monitorId: z.string().min(1).max(64) }).strict();

export const actionSchema = z.enum(['grant', 'decline', 'take-back', 'pause', 'resume', 'stop', 'leave']);
export type Action = z.infer<typeof actionSchema>;

export const fromRelaySchema = serverMessageSchema;
export const toRelaySchema = clientMessageSchema;
