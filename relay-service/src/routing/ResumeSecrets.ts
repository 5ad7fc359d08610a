// Proof that a reconnecting socket is the same participant's client, not a copy of its ticket. Each
// `welcome` (or `lobby`) hands the socket a fresh secret; only that client has it. A reconnect that
// presents it replaces a socket the relay still thinks open (half-open after a network change) at
// once, instead of waiting for the heartbeat; a ticket without it is still refused while one is live.
import { digest, matchesDigest, randomToken } from '../sessions/secrets.ts';

export class ResumeSecrets {
  readonly #digests = new Map<string, Buffer>();

  /** A new secret for this participant's current socket (the previous one stops working). */
  issue(participantId: string): string {
    const secret = randomToken(24);
    this.#digests.set(participantId, digest(secret));
    return secret;
  }

  /** The secret was issued to this participant's current socket. */
  matches(participantId: string, secret: string | null): boolean {
    const stored = this.#digests.get(participantId);
    return stored !== undefined && secret !== null && matchesDigest(secret, stored);
  }

  forget(participantId: string): void {
    this.#digests.delete(participantId);
  }
}
