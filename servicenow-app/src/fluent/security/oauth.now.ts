// The OAuth application registry entry the relay signs agents in with (authorization code + PKCE).
// A public client: no secret lives in source or in the update set; the relay proves possession of
// the code with its PKCE verifier, and every CRM write happens with the agent's own token.
import { Record } from '@servicenow/sdk/core';
import { RELAY_CALLBACK_URL } from '../relay.now';

export const relayOAuthClient = Record({
  $id: Now.ID['oauth-relay-client'],
  table: 'oauth_entity',
  data: {
    name: 'Sightline Relay',
    type: 'client',
    client_id: 'sightline-relay',
    redirect_url: RELAY_CALLBACK_URL,
    public_client: true,
    pkce_required: true,
    active: true,
    access_token_lifespan: 1800,
    refresh_token_lifespan: 8640000,
    comments:
      'Sightline relay agent sign-in. Keep redirect_url = <x_sightline_share.relay_url>/auth/servicenow/callback.',
  },
});
