// passport-oauth2 strategies for the two CRMs: authorization code + PKCE (S256) + state, and the
// agent's identity read with the fresh token (Salesforce identity URL, ServiceNow current user).
import { Strategy as OAuth2Strategy, type VerifyCallback } from 'passport-oauth2';
import { z } from 'zod';
import type { SightlineConfig } from '@sightline/config';
import type { AgentIdentity, AgentTokens } from './identity.ts';
import type { OAuthStateStore } from './OAuthStateStore.ts';

/** The public client secret of the local sandbox's demo OAuth client (crm-sandbox README). */
export const SANDBOX_DEMO_CLIENT_SECRET = 'sightline-demo-secret';

export interface SignedIn {
  identity: AgentIdentity;
  tokens: AgentTokens;
}

const sfTokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1, 'no refresh token: the OAuth client must grant the refresh_token scope'),
  instance_url: z.url(),
  id: z.url(),
});
const sfIdentitySchema = z.object({
  user_id: z.string().min(1),
  organization_id: z.string().min(1),
  username: z.string().min(1),
  display_name: z.string().min(1),
  email: z.string().optional(),
});
const snTokenSchema = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1) });
const snUserSchema = z.object({
  result: z
    .array(
      z.object({
        sys_id: z.string().min(1),
        user_name: z.string().min(1),
        name: z.string(),
        email: z.string().optional(),
      }),
    )
    .length(1, 'the current-user query must return exactly one sys_user'),
});

async function getJson<T>(url: string, accessToken: string, schema: z.ZodType<T>, what: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`${what} answered HTTP ${res.status}`);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`${what}: unexpected response (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** The configured secret, the sandbox's demo one, or none: a public client that proves itself with PKCE. */
function secretFor(config: SightlineConfig, crm: 'salesforce' | 'servicenow'): string | undefined {
  return config[crm].clientSecret ?? (config.sandbox.enabled ? SANDBOX_DEMO_CLIENT_SECRET : undefined);
}

interface NodeOAuth2 {
  _request(method: string, url: string, headers: object, body: unknown, token: unknown, done: unknown): void;
}

/**
 * node-oauth (under passport-oauth2) always puts `client_secret` in the token request, empty when
 * there is none; a public client must not send one (the CRM would check it and refuse).
 */
function withoutEmptySecret(strategy: OAuth2Strategy): OAuth2Strategy {
  const oauth2 = (strategy as unknown as { _oauth2: NodeOAuth2 })._oauth2;
  const send = oauth2._request.bind(oauth2);
  oauth2._request = (method, url, headers, body, token, done) => {
    if (typeof body === 'string') {
      const form = new URLSearchParams(body);
      if (form.get('client_secret') === '') form.delete('client_secret');
      body = form.toString();
    }
    send(method, url, headers, body, token, done);
  };
  return strategy;
}

type Verify = (
  accessToken: string,
  refreshToken: string,
  params: unknown,
  profile: unknown,
  done: VerifyCallback,
) => void;

/** Validates the token response with `schema` (a precise message, not a zod dump) and loads the agent. */
function verifyWith<T>(schema: z.ZodType<T>, load: (token: T) => Promise<SignedIn>): Verify {
  return (accessToken, refreshToken, params, _profile, done) => {
    // node-oauth hands the tokens separately and deletes refresh_token from `params`.
    const token = schema.safeParse({ ...(params as object), access_token: accessToken, refresh_token: refreshToken });
    if (!token.success) {
      const issue = token.error.issues[0]!;
      return done(null, false, { message: `token response: ${issue.path.join('.')}: ${issue.message}` });
    }
    load(token.data).then(
      (user) => done(null, user),
      (err: Error) => done(null, false, { message: err.message }),
    );
  };
}

export function salesforceStrategy(
  config: SightlineConfig,
  store: OAuthStateStore,
  callbackURL: string,
): OAuth2Strategy {
  const login = config.salesforce.loginUrl.replace(/\/$/, '');
  const allowedIdOrigins = (instanceUrl: string) => [new URL(login).origin, new URL(instanceUrl).origin];
  return withoutEmptySecret(
    new OAuth2Strategy(
      {
        authorizationURL: `${login}/services/oauth2/authorize`,
        tokenURL: `${login}/services/oauth2/token`,
        clientID: config.salesforce.clientId,
        clientSecret: secretFor(config, 'salesforce') ?? '',
        callbackURL,
        scope: config.salesforce.scope,
        pkce: true,
        state: true,
        store: store as never,
        skipUserProfile: true,
      },
      verifyWith(sfTokenSchema, async (token) => {
        const idUrl = new URL(token.id);
        // The identity URL comes from the token response; only follow it to the CRM itself.
        if (
          !allowedIdOrigins(token.instance_url).includes(idUrl.origin) &&
          !idUrl.hostname.endsWith('.salesforce.com')
        ) {
          throw new Error('the identity URL points outside Salesforce');
        }
        idUrl.searchParams.set('format', 'json');
        const who = await getJson(idUrl.href, token.access_token, sfIdentitySchema, 'Salesforce identity');
        return {
          identity: {
            crm: 'salesforce',
            userId: who.user_id,
            orgId: who.organization_id,
            username: who.username,
            displayName: who.display_name,
            ...(who.email ? { email: who.email } : {}),
          },
          tokens: {
            instanceUrl: token.instance_url,
            accessToken: token.access_token,
            refreshToken: token.refresh_token,
          },
        };
      }) as never,
    ),
  );
}

export function servicenowStrategy(
  config: SightlineConfig,
  store: OAuthStateStore,
  callbackURL: string,
): OAuth2Strategy {
  const instance = config.servicenow.instanceUrl.replace(/\/$/, '');
  return withoutEmptySecret(
    new OAuth2Strategy(
      {
        authorizationURL: `${instance}/oauth_auth.do`,
        tokenURL: `${instance}/oauth_token.do`,
        clientID: config.servicenow.clientId,
        clientSecret: secretFor(config, 'servicenow') ?? '',
        callbackURL,
        scope: config.servicenow.scope,
        pkce: true,
        state: true,
        store: store as never,
        skipUserProfile: true,
      },
      verifyWith(snTokenSchema, async (token) => {
        const url = `${instance}/api/now/table/sys_user?sysparm_query=${encodeURIComponent('sys_id=javascript:gs.getUserID()')}&sysparm_fields=sys_id,user_name,name,email&sysparm_limit=1`;
        const { result } = await getJson(url, token.access_token, snUserSchema, 'ServiceNow current user');
        const user = result[0]!;
        return {
          identity: {
            crm: 'servicenow',
            userId: user.sys_id,
            username: user.user_name,
            displayName: user.name || user.user_name,
            ...(user.email ? { email: user.email } : {}),
          },
          tokens: { instanceUrl: instance, accessToken: token.access_token, refreshToken: token.refresh_token },
        };
      }) as never,
    ),
  );
}
