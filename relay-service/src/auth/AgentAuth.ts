// The CRM components' way in: relay credentials (bearer + rotating refresh token) and the pending
// sign-in requests of the window hand-off. One instance per relay, built by startRelay.
import type { DatabaseSync } from 'node:sqlite';
import type { Crm } from './identity.ts';
import { localCredentials, RelayCredentials, type CredentialStore, type CredentialTimes } from './RelayCredentials.ts';
import { SignInRequests } from './SignInRequests.ts';

export class AgentAuth {
  readonly #credentials: CredentialStore;
  readonly #requests: SignInRequests<{ crm: Crm; userId: string }>;

  /** `shared`: cluster mode's store every node reads (Redis); else this node's database. */
  constructor(
    db: DatabaseSync,
    options: { times?: CredentialTimes; now?: () => number; shared?: CredentialStore } = {},
  ) {
    this.#credentials = options.shared ?? localCredentials(new RelayCredentials(db, options));
    this.#requests = new SignInRequests(options.now ? { now: options.now } : {});
  }

  get credentials(): CredentialStore {
    return this.#credentials;
  }

  get requests(): SignInRequests<{ crm: Crm; userId: string }> {
    return this.#requests;
  }

  close(): void {
    this.#requests.close();
  }
}
