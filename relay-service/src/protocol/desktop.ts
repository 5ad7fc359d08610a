// The desktop app's hand-off: the join page asks the relay for a one-time, short-lived code bound to
// the session and opens `sightline://join?relay=&code=` with it; the app looks the session up and
// joins with that code. The link token, tickets and the session id never go into the app link.
import { z } from 'zod';
import { contactSchema } from './messages.ts';
import { joinLookupRequestSchema, joinLookupResponseSchema } from './http.ts';

export const DESKTOP_SCHEME = 'sightline';

/** A hand-off code: 192 random bits, base64url. */
export const handOffCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

/** `POST /api/desktop/handoff`: the join page names the session it opened (key or link token). */
export const handOffRequestSchema = joinLookupRequestSchema;
export type HandOffRequest = z.infer<typeof handOffRequestSchema>;

export const handOffResponseSchema = z.object({
  code: handOffCodeSchema,
  expiresAt: z.string(),
  /** The `sightline://` link that opens the app on this session. */
  appUrl: z.string(),
  /** The relay's download page, for a customer without the app. */
  downloadUrl: z.string(),
});
export type HandOffResponse = z.infer<typeof handOffResponseSchema>;

const codeOfSession = { code: handOffCodeSchema };

/** `POST /api/desktop/lookup`: what the app shows before joining; the code stays valid. */
export const desktopLookupRequestSchema = z.object(codeOfSession).strict();
export type DesktopLookupRequest = z.infer<typeof desktopLookupRequestSchema>;

export const desktopLookupResponseSchema = joinLookupResponseSchema.extend({
  /** The host's policy lets the customer hand over control of the pointer and keyboard. */
  controlAllowed: z.boolean(),
});
export type DesktopLookupResponse = z.infer<typeof desktopLookupResponseSchema>;

/** `POST /api/desktop/join`: spends the code; answers like `POST /api/join` (a guest ticket). */
export const desktopJoinRequestSchema = z
  .object({
    ...codeOfSession,
    contact: contactSchema.default({}),
    acceptedTerms: z.literal(true, { error: 'the terms must be accepted to join' }),
  })
  .strict();
export type DesktopJoinRequest = z.infer<typeof desktopJoinRequestSchema>;

/** What a `sightline://join?relay=&code=` link carries. */
export const handOffLinkSchema = z.object({
  relay: z.url({ protocol: /^https?$/ }),
  code: handOffCodeSchema,
});
export type HandOffLink = z.infer<typeof handOffLinkSchema>;

export function handOffLink(link: HandOffLink): string {
  const q = new URLSearchParams({ relay: link.relay, code: link.code });
  return `${DESKTOP_SCHEME}://join?${q.toString()}`;
}

/** Parses a link the OS handed to the app; null for anything that is not a well-formed hand-off. */
export function parseHandOffLink(raw: string): HandOffLink | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${DESKTOP_SCHEME}:` || url.hostname !== 'join') return null;
  const parsed = handOffLinkSchema.safeParse({
    relay: url.searchParams.get('relay'),
    code: url.searchParams.get('code'),
  });
  return parsed.success ? parsed.data : null;
}
