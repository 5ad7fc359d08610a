// The app's side of the hand-off: validates the `sightline://` link the OS passed (only relays the
// app is configured for), looks the session up and joins it with the one-time code. Runs in the
// main process (Node's fetch; no browser Origin, no cookies).
import {
  desktopLookupResponseSchema,
  joinResponseSchema,
  apiErrorSchema,
  parseHandOffLink,
  type Contact,
  type DesktopLookupResponse,
  type HandOffLink,
  type JoinResponse,
} from '@sightline/relay-service/protocol';
import type { z } from 'zod';

export class HandOffError extends Error {
  override readonly name = 'HandOffError';
}

export class HandOffClient {
  readonly #allowed: Set<string>;

  /** @param allowedRelays origins of the relays this build may join (e.g. https://relay.example.com) */
  constructor({ allowedRelays }: { allowedRelays: string[] }) {
    this.#allowed = new Set(allowedRelays.map((u) => new URL(u).origin));
  }

  /** The link's parts, or a HandOffError a customer can read. */
  parse(raw: string): HandOffLink {
    const link = parseHandOffLink(raw);
    if (!link) throw new HandOffError('This link does not open a Sightline session. Use the link on the join page.');
    if (!this.#allowed.has(new URL(link.relay).origin))
      throw new HandOffError(`This app does not connect to ${new URL(link.relay).host}.`);
    return link;
  }

  /** Who the agent is and what the policy asks; the code stays valid. */
  lookup(link: HandOffLink): Promise<DesktopLookupResponse> {
    return this.#post(link, '/api/desktop/lookup', { code: link.code }, desktopLookupResponseSchema);
  }

  /** Spends the code for a guest ticket (held in memory only). */
  join(link: HandOffLink, answers: { contact: Contact; acceptedTerms: true }): Promise<JoinResponse> {
    return this.#post(link, '/api/desktop/join', { code: link.code, ...answers }, joinResponseSchema);
  }

  async #post<S extends z.ZodType>(link: HandOffLink, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const res = await fetch(new URL(path, link.relay), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
    });
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = apiErrorSchema.safeParse(json);
      throw new HandOffError(err.success ? err.data.message : `the relay answered ${res.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new HandOffError('the relay sent an answer this app does not understand');
    return parsed.data;
  }
}
