// The IPC contract between the app's renderer (the session page) and its main process. Everything the
// renderer sends is validated here: the renderer runs web content and is not trusted with input.
import { z } from 'zod';
import {
  contactSchema,
  serverMessageSchema,
  clientMessageSchema,
  desktopLookupResponseSchema,
} from '@sightline/relay-service/protocol';

export const IPC = {
  /** main -> renderer: a hand-off link arrived (validated), with what the session asks. */
  handOff: 'sightline:hand-off',
  /** renderer -> main (invoke): the monitors to choose from, with thumbnails. */
  monitors: 'sightline:monitors',
  /** renderer -> main (invoke): the customer's answers; main joins and returns the ticket. */
  join: 'sightline:join',
  /** renderer -> main (invoke): share this monitor (main arms the capture handler, shows the border). */
  share: 'sightline:share',
  /** renderer -> main: each message the relay sent on the renderer's socket. */
  fromRelay: 'sightline:from-relay',
  /** main -> renderer: a message the renderer must send to the relay (control grant and revoke). */
  toRelay: 'sightline:to-relay',
  /** main -> renderer: the agent asks for control. */
  controlRequest: 'sightline:control-request',
  /** renderer or bar -> main: the customer's answer or action. */
  action: 'sightline:action',
  /** main -> renderer and bar: border mode changed. */
  mode: 'sightline:mode',
} as const;

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
