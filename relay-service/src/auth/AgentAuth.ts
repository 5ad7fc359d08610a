// The CRM components' way in: relay credentials (bearer + rotating refresh token) and the pending
// sign-in requests of the window hand-off. One instance per relay, built by startRelay.
import type { DatabaseSync } from 'node:sqlite';
import type { Crm } from './identity.ts';
import { RelayCredentials, type CredentialTimes } from './RelayCredentials.ts';
import { SignInRequests } from './SignInRequests.ts';

export class AgentAuth {
  readonly #credentials: RelayCredentials;
  readonly #requests: SignInRequests<{ crm: Crm; userId: string }>;

  constructor(db: DatabaseSync, options: { times?: CredentialTimes; now?: () => number } = {}) {
    this.#credentials = new RelayCredentials(db, options);
    this.#requests = new SignInRequests(options.now ? { now: options.now } : {});
  }

  get credentials(): RelayCredentials {
    return this.#credentials;
  }

  get requests(): SignInRequests<{ crm: Crm; userId: string }> {
    return this.#requests;
  }

  close(): void {
    this.#requests.close();
  }
}
