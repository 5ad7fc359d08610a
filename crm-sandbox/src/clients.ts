// The OAuth clients installed in each CRM: the relay's (configured id/secret, demo values by default,
// any loopback redirect, PKCE required as the packaged External Client App / registry entry sets it)
// and, on Salesforce, the sf CLI's public client. `sandbox.installedClientIds` narrows the list the
// way an org without the package installed would: the CRM then answers as it does for an unknown id.
import type { SightlineConfig } from '@sightline/config';
import { DEMO } from './demo.ts';
import { isLoopbackUrl, type OAuthClient } from './oauth/AuthServer.ts';

function relayRedirects(config: SightlineConfig): (uri: string) => boolean {
  const publicUrl = config.relay.publicUrl?.replace(/\/$/, '');
  return (uri) => isLoopbackUrl(uri) || (publicUrl !== undefined && uri.startsWith(`${publicUrl}/auth/`));
}

export function clientsFor(config: SightlineConfig, crm: 'salesforce' | 'servicenow'): OAuthClient[] {
  const settings = config[crm];
  const allowsRedirect = relayRedirects(config);
  const clients: OAuthClient[] = [
    {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret ?? DEMO.oauthClient.clientSecret,
      allowsRedirect,
      requiresPkce: true,
    },
  ];
  if (settings.clientId !== DEMO.oauthClient.clientId)
    clients.push({ ...DEMO.oauthClient, allowsRedirect, requiresPkce: true });
  if (crm === 'salesforce') {
    clients.push({
      clientId: 'PlatformCLI',
      allowsRedirect: (uri) => uri === 'http://localhost:1717/OauthRedirect',
      requiresPkce: true,
    });
  }
  const installed = config.sandbox.installedClientIds;
  return installed ? clients.filter((c) => installed.includes(c.clientId)) : clients;
}
