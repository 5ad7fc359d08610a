// Builds the CRM adapter that acts as one signed-in agent, persisting every refreshed token.
import type { SightlineConfig } from '@sightline/config';
import type { AgentStore } from '../auth/AgentStore.ts';
import type { AgentIdentity } from '../auth/identity.ts';
import { SANDBOX_DEMO_CLIENT_SECRET } from '../auth/strategies.ts';
import type { CrmAdapter } from './CrmAdapter.ts';
import { CrmError } from './CrmError.ts';
import { SalesforceAdapter } from './SalesforceAdapter.ts';
import { ServiceNowAdapter } from './ServiceNowAdapter.ts';

const optionalSecret = (clientSecret: string | undefined) => (clientSecret ? { clientSecret } : {});

export type AdapterFactory = (agent: Pick<AgentIdentity, 'crm' | 'userId'>) => CrmAdapter;

export function createAdapterFactory(config: SightlineConfig, agents: AgentStore): AdapterFactory {
  // No secret configured: a public client (PKCE), which must send no client_secret at all.
  const secret = (crm: 'salesforce' | 'servicenow') =>
    config[crm].clientSecret ?? (config.sandbox.enabled ? SANDBOX_DEMO_CLIENT_SECRET : undefined);
  return ({ crm, userId }) => {
    const tokens = agents.tokens(crm, userId);
    if (!tokens) throw new CrmError('revoked', 'NO_TOKEN', 'the agent has not signed in to the relay');
    if (crm === 'salesforce') {
      return new SalesforceAdapter({
        loginUrl: config.salesforce.loginUrl,
        clientId: config.salesforce.clientId,
        ...optionalSecret(secret('salesforce')),
        apiVersion: config.salesforce.apiVersion,
        tokens,
        callTimeoutMs: config.writeBack.callTimeoutMs,
        onAccessToken: (accessToken) => agents.updateTokens(crm, userId, accessToken),
      });
    }
    return new ServiceNowAdapter({
      instanceUrl: config.servicenow.instanceUrl,
      clientId: config.servicenow.clientId,
      ...optionalSecret(secret('servicenow')),
      tokens,
      callTimeoutMs: config.writeBack.callTimeoutMs,
      onTokens: (accessToken, refreshToken) => agents.updateTokens(crm, userId, accessToken, refreshToken),
    });
  };
}
