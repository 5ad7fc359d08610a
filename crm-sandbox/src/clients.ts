// The OAuth clients each CRM knows: the relay's (configured id/secret, demo values by default, any
// loopback redirect) and, on Salesforce, the sf CLI's public client.
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
    },
  ];
  if (settings.clientId !== DEMO.oauthClient.clientId) clients.push({ ...DEMO.oauthClient, allowsRedirect });
  if (crm === 'salesforce') {
    clients.push({ clientId: 'PlatformCLI', allowsRedirect: (uri) => uri === 'http://localhost:1717/OauthRedirect' });
  }
  return clients;
}
