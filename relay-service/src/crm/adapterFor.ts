// Builds the CRM adapter that acts as one signed-in agent; every token renewal goes through the
// agent's single-flight refresher, which stores rotated refresh tokens.
import type { SightlineConfig } from '@sightline/config';
import type { AgentStore } from '../auth/AgentStore.ts';
import {
  CrmTokenRefresher,
  salesforceRefreshGrant,
  servicenowRefreshGrant,
  type RefreshGrant,
} from '../auth/CrmTokenRefresher.ts';
import type { AgentIdentity, Crm } from '../auth/identity.ts';
import { SANDBOX_DEMO_CLIENT_SECRET } from '../auth/strategies.ts';
import type { CrmAdapter } from './CrmAdapter.ts';
import { CrmError } from './CrmError.ts';
import { SalesforceAdapter } from './SalesforceAdapter.ts';
import { ServiceNowAdapter } from './ServiceNowAdapter.ts';

const optionalSecret = (clientSecret: string | undefined) => (clientSecret ? { clientSecret } : {});

export type AdapterFactory = (agent: Pick<AgentIdentity, 'crm' | 'userId'>) => CrmAdapter;

export function createAdapterFactory(
  config: SightlineConfig,
  agents: AgentStore,
  refresher: CrmTokenRefresher = createTokenRefresher(config, agents),
): AdapterFactory {
  // No secret configured: a public client (PKCE), which must send no client_secret at all.
  const secret = (crm: 'salesforce' | 'servicenow') =>
    config[crm].clientSecret ?? (config.sandbox.enabled ? SANDBOX_DEMO_CLIENT_SECRET : undefined);
  return ({ crm, userId }) => {
    const tokens = agents.tokens(crm, userId);
    if (!tokens) throw new CrmError('revoked', 'NO_TOKEN', 'the agent has not signed in to the relay');
    const refresh = (stale: string | null) => refresher.refresh(crm, userId, stale);
    if (crm === 'salesforce') {
      return new SalesforceAdapter({
        loginUrl: config.salesforce.loginUrl,
        clientId: config.salesforce.clientId,
        ...optionalSecret(secret('salesforce')),
        apiVersion: config.salesforce.apiVersion,
        tokens,
        callTimeoutMs: config.writeBack.callTimeoutMs,
        refresh,
      });
    }
    return new ServiceNowAdapter({
      instanceUrl: config.servicenow.instanceUrl,
      tokens,
      callTimeoutMs: config.writeBack.callTimeoutMs,
      refresh,
    });
  };
}

/** The relay's one refresher: real refresh grants against the configured CRMs. */
export function createTokenRefresher(config: SightlineConfig, agents: AgentStore): CrmTokenRefresher {
  const grants: Record<Crm, RefreshGrant> = {
    salesforce: salesforceRefreshGrant(config, SANDBOX_DEMO_CLIENT_SECRET),
    servicenow: servicenowRefreshGrant(config, SANDBOX_DEMO_CLIENT_SECRET),
  };
  return new CrmTokenRefresher(agents, grants);
}
