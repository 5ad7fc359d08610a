// The CRM components' way in: relay credentials (bearer + rotating refresh token) and the pending
// sign-in requests of the window hand-off. One instance per relay, built by startRelay.
import type { DatabaseSync } from 'node:sqlite';
import type { Crm } from './identity.ts';
import { localCredentials, RelayCredentials, type CredentialStore, type CredentialTimes } from './RelayCredentials.ts';
import { localSignInRequests, SignInRequests, type SignInRequestStore } from './SignInRequests.ts';

export type AgentSignIn = { crm: Crm; userId: string };

export class AgentAuth {
  readonly #credentials: CredentialStore;
  readonly #requests: SignInRequestStore<AgentSignIn>;

  /** `shared`, `sharedRequests`: cluster mode's stores every node reads (Redis); else this node's. */
  constructor(
    db: DatabaseSync,
    options: {
      times?: CredentialTimes;
      now?: () => number;
      shared?: CredentialStore;
      sharedRequests?: SignInRequestStore<AgentSignIn>;
    } = {},
  ) {
    this.#credentials = options.shared ?? localCredentials(new RelayCredentials(db, options));
    this.#requests =
      options.sharedRequests ?? localSignInRequests(new SignInRequests(options.now ? { now: options.now } : {}));
  }

  get credentials(): CredentialStore {
    return this.#credentials;
  }

  get requests(): SignInRequestStore<AgentSignIn> {
    return this.#requests;
  }

  close(): void {
    this.#requests.close();
  }
}
