// Refreshing an agent's CRM tokens: one refresh per agent at a time, from the latest stored tokens.
// Several write-backs of one agent run at once; with refresh-token rotation (Salesforce, and ServiceNow
// when configured) two concurrent refreshes with the same token would end the second in invalid_grant,
// and an adapter holding a token someone already replaced must take the new one, not refresh again.
import type { AgentStore } from '../auth/AgentStore.ts';
import type { AgentTokens, Crm } from '../auth/identity.ts';
import { CrmError } from './CrmError.ts';

export interface FreshTokens {
  accessToken: string;
  refreshToken: string;
}

/** What the CRM's token endpoint answered (a refresh token only when it rotated it). */
export interface TokenAnswer {
  accessToken: string;
  refreshToken?: string | undefined;
}

/**
 * Given the access token the caller saw refused and the one call to the CRM's token endpoint, returns
 * the tokens to use from now on (stored before it resolves).
 */
export type TokenRefresher = (
  refused: string | null,
  request: (refreshToken: string) => Promise<TokenAnswer>,
) => Promise<FreshTokens>;

export class TokenRefreshes {
  readonly #agents: Pick<AgentStore, 'tokens' | 'updateTokens'>;
  readonly #inflight = new Map<string, Promise<FreshTokens>>();

  constructor(agents: Pick<AgentStore, 'tokens' | 'updateTokens'>) {
    this.#agents = agents;
  }

  for(crm: Crm, userId: string): TokenRefresher {
    const key = `${crm}:${userId}`;
    return (refused, request) => {
      const running = this.#inflight.get(key);
      if (running) return running;
      const latest = this.#agents.tokens(crm, userId);
      if (!latest) return Promise.reject(new CrmError('revoked', 'NO_TOKEN', 'the agent is no longer signed in'));
      if (latest.accessToken && latest.accessToken !== refused) {
        return Promise.resolve({ accessToken: latest.accessToken, refreshToken: latest.refreshToken });
      }
      const refresh = request(latest.refreshToken)
        .then((answer) => {
          this.#agents.updateTokens(crm, userId, answer.accessToken, answer.refreshToken);
          return { accessToken: answer.accessToken, refreshToken: answer.refreshToken ?? latest.refreshToken };
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, refresh);
      return refresh;
    };
  }
}

/** The same contract over tokens held in memory (an adapter used on its own). */
export function memoryRefresher(
  tokens: AgentTokens,
  onTokens: (fresh: FreshTokens) => void = () => {},
): TokenRefresher {
  let current = { ...tokens };
  return async (_refused, request) => {
    const answer = await request(current.refreshToken);
    current = {
      ...current,
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken ?? current.refreshToken,
    };
    const fresh = { accessToken: answer.accessToken, refreshToken: current.refreshToken };
    onTokens(fresh);
    return fresh;
  };
}
