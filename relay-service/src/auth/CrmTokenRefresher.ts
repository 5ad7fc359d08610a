// Renews agents' CRM access tokens, at most one refresh at a time per agent (single-flight). With
// Salesforce's refresh-token rotation every refresh spends the stored refresh token and returns its
// successor, so two parallel refreshes with one token race into invalid_grant: here every caller
// whose access token expired shares the one refresh in flight, the rotated refresh token is stored
// (one UPDATE, together with the access token) before anyone uses the new access token, and a caller
// whose token was already replaced gets the stored one without a refresh at all.
import { OAuth2 } from 'jsforce';
import { z } from 'zod';
import type { SightlineConfig } from '@sightline/config';
import { CrmError } from '../crm/CrmError.ts';
import { bound } from '../crm/SalesforceAdapter.ts';
import { snOAuthErrorSchema, snTokenSchema } from '../crm/servicenowSchemas.ts';
import type { AgentStore } from './AgentStore.ts';
import type { Crm } from './identity.ts';

export interface RefreshedTokens {
  accessToken: string;
  /** Present when the CRM rotated the refresh token. */
  refreshToken?: string;
}

/** One CRM's refresh grant: exchanges a refresh token, throwing a classified CrmError. */
export type RefreshGrant = (refreshToken: string) => Promise<RefreshedTokens>;

const revoked = (crm: Crm) =>
  new CrmError(
    'revoked',
    'invalid_grant',
    `the agent's ${crm === 'salesforce' ? 'Salesforce' : 'ServiceNow'} access was revoked; they must sign in again`,
  );

export class CrmTokenRefresher {
  readonly #agents: AgentStore;
  readonly #grants: Record<Crm, RefreshGrant>;
  readonly #inFlight = new Map<string, Promise<string>>();
  /** The refresh token the CRM last refused, per agent: no second grant with it until a new sign-in. */
  readonly #refused = new Map<string, string>();
  #refreshes = 0;

  constructor(agents: AgentStore, grants: Record<Crm, RefreshGrant>) {
    this.#agents = agents;
    this.#grants = grants;
  }

  /** Refresh grants sent to the CRMs since start (tests and metrics). */
  get refreshes(): number {
    return this.#refreshes;
  }

  /**
   * A usable access token for the agent. `stale`: the access token the caller saw rejected; when the
   * store already holds another one, someone refreshed meanwhile and that one is returned.
   */
  refresh(crm: Crm, userId: string, stale: string | null): Promise<string> {
    const key = `${crm}:${userId}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const stored = this.#agents.tokens(crm, userId);
    if (!stored) return Promise.reject(revoked(crm));
    if (stored.accessToken && stored.accessToken !== stale) return Promise.resolve(stored.accessToken);
    if (this.#refused.get(key) === stored.refreshToken) return Promise.reject(revoked(crm));
    this.#refused.delete(key);
    const run = (async () => {
      this.#refreshes++;
      try {
        const next = await this.#grants[crm](stored.refreshToken);
        this.#agents.updateTokens(crm, userId, next.accessToken, next.refreshToken);
        return next.accessToken;
      } catch (err) {
        if (err instanceof CrmError && err.kind === 'revoked') this.#refused.set(key, stored.refreshToken);
        throw err;
      }
    })().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, run);
    return run;
  }
}

/** Absent secret: a public client (PKCE) sends none. */
function secretOf(config: SightlineConfig, crm: Crm, sandboxSecret: string): string | undefined {
  return config[crm].clientSecret ?? (config.sandbox.enabled ? sandboxSecret : undefined);
}

const sfRefreshSchema = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional() });

/** Salesforce's refresh grant through jsforce's OAuth2 client. */
export function salesforceRefreshGrant(config: SightlineConfig, sandboxSecret: string): RefreshGrant {
  const secret = secretOf(config, 'salesforce', sandboxSecret);
  const oauth2 = new OAuth2({
    loginUrl: config.salesforce.loginUrl,
    clientId: config.salesforce.clientId,
    ...(secret ? { clientSecret: secret } : {}),
  });
  bound(oauth2._transport, config.writeBack.callTimeoutMs);
  return async (refreshToken) => {
    let raw: unknown;
    try {
      raw = await oauth2.refreshToken(refreshToken);
    } catch (err) {
      const e = err as { name?: string; message?: string; errorCode?: string };
      if (/invalid_grant/.test(`${e.name} ${e.errorCode} ${e.message}`)) throw revoked('salesforce');
      throw new CrmError('transient', 'REFRESH_FAILED', `Salesforce token refresh failed: ${e.message ?? String(err)}`);
    }
    const parsed = sfRefreshSchema.safeParse(raw);
    if (!parsed.success)
      throw new CrmError('invalid', 'UNEXPECTED_RESPONSE', 'Salesforce token refresh answered an unexpected shape');
    return {
      accessToken: parsed.data.access_token,
      ...(parsed.data.refresh_token ? { refreshToken: parsed.data.refresh_token } : {}),
    };
  };
}

/** ServiceNow's refresh grant: oauth_token.do, form-encoded only. */
export function servicenowRefreshGrant(config: SightlineConfig, sandboxSecret: string): RefreshGrant {
  const secret = secretOf(config, 'servicenow', sandboxSecret);
  const base = config.servicenow.instanceUrl.replace(/\/$/, '');
  return async (refreshToken) => {
    let res: Response;
    try {
      res = await fetch(`${base}/oauth_token.do`, {
        method: 'POST',
        signal: AbortSignal.timeout(config.writeBack.callTimeoutMs),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: config.servicenow.clientId,
          ...(secret ? { client_secret: secret } : {}),
        }),
      });
    } catch (err) {
      throw new CrmError('transient', 'NETWORK', `ServiceNow unreachable: ${(err as Error).message}`);
    }
    const body: unknown = await res.json().catch(() => ({}));
    if (!res.ok) {
      // Revoked only when the instance's OAuth answer says so; anything else (a proxy's page, 5xx) is retried.
      const oauth = snOAuthErrorSchema.safeParse(body);
      if (oauth.success && (oauth.data.error === 'invalid_grant' || res.status === 401)) throw revoked('servicenow');
      throw new CrmError('transient', `HTTP_${res.status}`, 'ServiceNow token refresh failed');
    }
    const token = snTokenSchema.safeParse(body);
    if (!token.success)
      throw new CrmError('transient', 'UNEXPECTED_RESPONSE', 'ServiceNow token refresh answered an unexpected shape');
    return {
      accessToken: token.data.access_token,
      ...(token.data.refresh_token ? { refreshToken: token.data.refresh_token } : {}),
    };
  };
}
