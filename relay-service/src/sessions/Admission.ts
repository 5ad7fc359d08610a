// Who gets into one session. A key or link admits the first guest; every later guest waits in the
// lobby until the host admits or denies them, unless the policy makes sessions open (then up to
// policy.maxGuests get in straight away). Agents other than the host get in only by the host's
// invitation, bound to the invited person's CRM email.
import type { Policy } from '@sightline/config';
import type { AgentIdentity } from './types.ts';
import { SessionFullError } from './errors.ts';

export type Arrival = 'admitted' | 'lobby';

export class Admission {
  readonly #policy: Policy;
  readonly #maxLobby: number;
  #keyUsed = false;
  readonly #invited = new Set<string>();

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

  invite(email: string): void {
    this.#invited.add(email.trim().toLowerCase());
  }

  /** The agent's CRM email was invited by the host. */
  isInvited(agent: AgentIdentity): boolean {
    return agent.email !== undefined && this.#invited.has(agent.email.trim().toLowerCase());
  }
}
