// Who gets into one session. A key or link admits the first guest; every later guest waits in the
// lobby until the host admits or denies them, unless the policy makes sessions open (then up to
// policy.maxGuests get in straight away). Agents other than the host get in only by the host's
// invitation: a one-time token emailed to the invited person, good only with their CRM email.
import type { Policy } from '@sightline/config';
import type { AgentIdentity } from './types.ts';
import { SessionFullError } from './errors.ts';
import { digest, matchesDigest, randomToken } from './secrets.ts';

export type Arrival = 'admitted' | 'lobby';

export class Admission {
  readonly #policy: Policy;
  readonly #maxLobby: number;
  #keyUsed = false;
  /** Invited CRM email -> digest of that person's one-time invitation token. */
  readonly #invitations = new Map<string, Buffer>();

  constructor(policy: Policy, maxLobby: number) {
    this.#policy = policy;
    this.#maxLobby = maxLobby;
  }

  /** A guest arrives with the key or link: in at once, or to the lobby. Throws SessionFullError. */
  arrive(admittedGuests: number, waiting: number): Arrival {
    const open = this.#policy.openSessions && admittedGuests < this.#policy.maxGuests;
    if (!this.#keyUsed || open) {
      if (admittedGuests >= this.#policy.maxGuests) throw new SessionFullError('the session is full');
      this.#keyUsed = true;
      return 'admitted';
    }
    if (waiting >= this.#maxLobby) throw new SessionFullError('too many people are waiting to join this session');
    return 'lobby';
  }

  /** The host lets one more guest in, within policy.maxGuests. */
  mayAdmit(admittedGuests: number): boolean {
    return admittedGuests < this.#policy.maxGuests;
  }

  /** Invites this CRM email; returns the invitation token for their link (a new one replaces the old). */
  invite(email: string): string {
    const token = randomToken(24);
    this.#invitations.set(normal(email), digest(token));
    return token;
  }

  /** The token is the invitation of this agent's CRM email (not yet spent). */
  holdsInvitation(agent: AgentIdentity, token: string | undefined): boolean {
    const stored = agent.email === undefined ? undefined : this.#invitations.get(normal(agent.email));
    return stored !== undefined && token !== undefined && matchesDigest(token, stored);
  }

  /** Spends the invitation: the agent is then a participant, and the token opens nothing more. */
  redeem(agent: AgentIdentity, token: string | undefined): boolean {
    if (!this.holdsInvitation(agent, token)) return false;
    this.#invitations.delete(normal(agent.email!));
    return true;
  }
}

function normal(email: string): string {
  return email.trim().toLowerCase();
}
