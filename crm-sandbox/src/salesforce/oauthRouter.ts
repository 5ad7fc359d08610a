// Salesforce OAuth 2.0: authorize (sign-in + consent, PKCE S256, state passthrough), token
// (authorization_code, refresh_token with rotation, client_credentials, password), revoke (a refresh
// token's whole grant), userinfo and identity URL.
import { createHmac } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { cookie, sameOriginRequest } from '../http.ts';
import { OAuthError } from '../oauth/OAuthError.ts';
import { authorizePage, authorizePageHeaders, errorPage } from '../oauth/authorizePage.ts';
import { DEMO } from '../demo.ts';
import type { Doc } from '../store.ts';
import { UI_COOKIE, type SalesforceContext } from './context.ts';

const BRAND = 'Salesforce (Sightline sandbox)';
const SUPPORTED_SCOPES = ['api', 'refresh_token', 'offline_access', 'id', 'openid', 'full', 'web', 'profile', 'email'];

const authorizeParams = z.object({
  response_type: z.string(),
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  state: z.string().max(4096).optional(),
  scope: z.string().max(1000).optional(),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,128}$/, 'code_challenge must be a base64url SHA-256 digest')
    .optional(),
  code_challenge_method: z.string().optional(),
  prompt: z.string().optional(),
  login_hint: z.string().optional(),
});
type AuthorizeParams = z.infer<typeof authorizeParams>;

const tokenBody = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('authorization_code'),
    code: z.string().min(1),
    client_id: z.string().min(1),
    client_secret: z.string().optional(),
    redirect_uri: z.string().optional(),
    code_verifier: z.string().max(256).optional(),
  }),
  z.object({
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string().min(1),
    client_id: z.string().min(1),
    client_secret: z.string().optional(),
  }),
  z.object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
  }),
  z.object({
    grant_type: z.literal('password'),
    username: z.string().min(1),
    password: z.string().min(1),
    client_id: z.string().min(1),
    client_secret: z.string().optional(),
  }),
]);

function grantedScope(requested: string | undefined): string {
  const asked = (requested ?? 'api refresh_token id').split(/[\s+]+/).filter(Boolean);
  const granted = asked.filter((s) => SUPPORTED_SCOPES.includes(s));
  return (granted.length ? granted : ['api', 'id']).join(' ');
}

export function identity(ctx: SalesforceContext, user: Doc, version = '{version}'): Doc {
  const base = ctx.baseUrl();
  const v = version === '{version}' ? version : version.replace(/^v?/, '');
  const id = `${base}/id/${ctx.orgId}/${String(user.Id)}`;
  return {
    id,
    asserted_user: true,
    user_id: user.Id,
    organization_id: ctx.orgId,
    username: user.Username,
    nick_name: String(user.Username).split('@')[0],
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: 'Europe/London',
    photos: { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: {
      enterprise: `${base}/services/Soap/c/${v}/${ctx.orgId}`,
      metadata: `${base}/services/Soap/m/${v}/${ctx.orgId}`,
      partner: `${base}/services/Soap/u/${v}/${ctx.orgId}`,
      rest: `${base}/services/data/v${v}/`,
      sobjects: `${base}/services/data/v${v}/sobjects/`,
      search: `${base}/services/data/v${v}/search/`,
      query: `${base}/services/data/v${v}/query/`,
      recent: `${base}/services/data/v${v}/recent/`,
      profile: `${base}/${String(user.Id)}`,
      feeds: `${base}/services/data/v${v}/chatter/feeds`,
      groups: `${base}/services/data/v${v}/chatter/groups`,
      users: `${base}/services/data/v${v}/chatter/users`,
      feed_items: `${base}/services/data/v${v}/chatter/feed-items`,
      custom_domain: base,
    },
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_GB',
    utcOffset: 0,
    last_modified_date: user.LastModifiedDate,
    is_app_installed: true,
  };
}

export function salesforceOAuthRouter(ctx: SalesforceContext): express.Router {
  const router = express.Router();
  router.use('/services/oauth2/authorize', authorizePageHeaders);
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  const userOf = (id: string) => ctx.data.find(id)?.record;

  /** Validates authorize parameters; errors that cannot be redirected are shown as a page. */
  function validate(raw: unknown, res: Response): AuthorizeParams | undefined {
    const parsed = authorizeParams.safeParse(raw);
    if (!parsed.success) {
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'invalid_request', z.prettifyError(parsed.error)));
      return undefined;
    }
    const p = parsed.data;
    const client = ctx.auth.client(p.client_id);
    if (!client) {
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'invalid_client_id', 'client identifier invalid'));
      return undefined;
    }
    if (!client.allowsRedirect(p.redirect_uri)) {
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'redirect_uri_mismatch', 'redirect_uri must match configuration'));
      return undefined;
    }
    return p;
  }

  function redirectWith(res: Response, p: AuthorizeParams, values: Record<string, string>): void {
    const url = new URL(p.redirect_uri);
    for (const [k, v] of Object.entries(values)) url.searchParams.set(k, v);
    if (p.state !== undefined) url.searchParams.set('state', p.state);
    res.redirect(302, url.toString());
  }

  /** Protocol errors after the client is known go back to the client, as Salesforce does. */
  function protocolError(p: AuthorizeParams, res: Response): boolean {
    if (p.response_type !== 'code') {
      redirectWith(res, p, { error: 'unsupported_response_type', error_description: 'response type not supported' });
      return true;
    }
    if (p.code_challenge === undefined && ctx.auth.client(p.client_id)?.requiresPkce) {
      // The External Client App's "Require Proof Key for Code Exchange (PKCE)" setting.
      redirectWith(res, p, { error: 'invalid_request', error_description: 'missing required code challenge' });
      return true;
    }
    if (p.code_challenge !== undefined && (p.code_challenge_method ?? 'S256') !== 'S256') {
      redirectWith(res, p, { error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
      return true;
    }
    return false;
  }

  const paramsOf = (p: AuthorizeParams) => ({ ...p }) as Record<string, string | undefined>;

  router.get('/services/oauth2/authorize', (req, res) => {
    const p = validate(req.query, res);
    if (!p || protocolError(p, res)) return;
    const uiUser = ctx.auth.uiSessionUser(cookie(req, UI_COOKIE));
    res.type('html').send(
      authorizePage({
        brand: BRAND,
        action: '/services/oauth2/authorize',
        clientId: p.client_id,
        params: paramsOf(p),
        signedInAs: uiUser ? String(userOf(uiUser)?.Name ?? '') : undefined,
      }),
    );
  });

  router.post('/services/oauth2/authorize', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { username, password, decision, ...rest } = body;
    const p = validate(rest, res);
    if (!p || protocolError(p, res)) return;
    if (decision === 'deny') {
      redirectWith(res, p, { error: 'access_denied', error_description: 'end-user denied authorization' });
      return;
    }
    let userId: string | undefined;
    if (typeof username === 'string' && typeof password === 'string' && username) {
      userId = ctx.auth.checkPassword(username, password);
    } else if (sameOriginRequest(req)) {
      userId = ctx.auth.uiSessionUser(cookie(req, UI_COOKIE));
    }
    if (!userId) {
      res
        .status(401)
        .type('html')
        .send(
          authorizePage({
            brand: BRAND,
            action: '/services/oauth2/authorize',
            clientId: p.client_id,
            params: paramsOf(p),
            error:
              "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
          }),
        );
      return;
    }
    const code = ctx.auth.issueCode({
      clientId: p.client_id,
      redirectUri: p.redirect_uri,
      userId,
      scope: grantedScope(p.scope),
      challenge: p.code_challenge ?? null,
    });
    redirectWith(res, p, { code });
  });

  /**
   * `grant`: the refresh token to issue (a new grant, or rotation's successor) and the grant the access
   * token belongs to; absent for flows that issue no refresh token.
   */
  function tokenResponse(
    userId: string,
    clientId: string,
    scope: string,
    grant: { refresh?: string; family: string | null },
    secret: string | undefined,
  ): Doc {
    const access = ctx.auth.issueAccess(userId, clientId, scope, grant.family);
    const id = `${ctx.baseUrl()}/id/${ctx.orgId}/${userId}`;
    const issuedAt = String(Date.now());
    const signature = createHmac('sha256', secret ?? '')
      .update(id + issuedAt)
      .digest('base64');
    return {
      access_token: access.token,
      ...(grant.refresh ? { refresh_token: grant.refresh } : {}),
      signature,
      scope,
      instance_url: ctx.baseUrl(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  /** A new grant at code exchange: a refresh token only when that scope was granted. */
  const newGrant = (userId: string, clientId: string, scope: string) =>
    /\b(refresh_token|offline_access)\b/.test(scope)
      ? (({ token, family }) => ({ refresh: token, family }))(ctx.auth.issueRefresh(userId, clientId, scope))
      : { family: null };
  const noGrant = { family: null };

  router.post('/services/oauth2/token', form, (req, res) => {
    try {
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new OAuthError(400, 'invalid_request', 'request must be application/x-www-form-urlencoded');
      }
      const parsed = tokenBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        const grant = (req.body as Record<string, unknown> | undefined)?.grant_type;
        throw grant === undefined ||
          ['authorization_code', 'refresh_token', 'client_credentials', 'password'].includes(String(grant))
          ? new OAuthError(400, 'invalid_request', z.prettifyError(parsed.error))
          : new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
      }
      const b = parsed.data;
      res.set('Cache-Control', 'no-store');
      switch (b.grant_type) {
        case 'authorization_code': {
          const client = ctx.auth.authenticateClient(b.client_id, b.client_secret, b.code_verifier === undefined);
          const pending = ctx.auth.redeemCode(b.code, b.client_id, b.redirect_uri, b.code_verifier);
          const grant = newGrant(pending.userId, b.client_id, pending.scope);
          res.json(tokenResponse(pending.userId, b.client_id, pending.scope, grant, client.clientSecret));
          return;
        }
        case 'refresh_token': {
          const client = ctx.auth.authenticateClient(b.client_id, b.client_secret, false);
          // Rotation: the answer carries the successor refresh token; the one presented is dead.
          const { row, family, rotated } = ctx.auth.refresh(b.refresh_token, b.client_id);
          const grant = { family, ...(rotated ? { refresh: rotated } : {}) };
          res.json(tokenResponse(row.userId, b.client_id, row.scope, grant, client.clientSecret));
          return;
        }
        case 'client_credentials': {
          const client = ctx.auth.authenticateClient(b.client_id, b.client_secret, true);
          res.json(tokenResponse(DEMO.salesforce.users.agent.id, b.client_id, 'api id', noGrant, client.clientSecret));
          return;
        }
        case 'password': {
          const client = ctx.auth.authenticateClient(b.client_id, b.client_secret, true);
          const userId = ctx.auth.checkPassword(b.username, b.password);
          if (!userId) throw new OAuthError(400, 'invalid_grant', 'authentication failure');
          res.json(tokenResponse(userId, b.client_id, 'api id', noGrant, client.clientSecret));
          return;
        }
      }
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      res.status(err.status).json(err.body());
    }
  });

  router.all('/services/oauth2/revoke', form, (req, res) => {
    const token = (
      req.method === 'GET' ? req.query.token : (req.body as Record<string, unknown> | undefined)?.token
    ) as unknown;
    if (typeof token !== 'string' || !ctx.auth.revoke(token)) {
      res.status(400).json({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
      return;
    }
    res.status(200).end();
  });

  const bearerUser = (req: Request): string | undefined => {
    const h = req.headers.authorization;
    const token =
      (h && /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h)?.[1]) ??
      (typeof req.query.oauth_token === 'string' ? req.query.oauth_token : undefined);
    return token ? ctx.auth.verifyAccess(token)?.userId : undefined;
  };

  router.get('/services/oauth2/userinfo', (req, res) => {
    const userId = bearerUser(req);
    const user = userId && userOf(userId);
    if (!user) {
      res.status(403).type('text').send('Bad_OAuth_Token');
      return;
    }
    const id = identity(ctx, user);
    res.json({
      sub: id.id,
      user_id: user.Id,
      organization_id: ctx.orgId,
      preferred_username: user.Username,
      nickname: id.nick_name,
      name: user.Name,
      email: user.Email,
      email_verified: true,
      given_name: user.FirstName,
      family_name: user.LastName,
      zoneinfo: 'Europe/London',
      photos: id.photos,
      profile: `${ctx.baseUrl()}/${String(user.Id)}`,
      picture: (id.photos as Doc).picture,
      address: {},
      urls: id.urls,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_GB',
      utcOffset: 0,
      updated_at: user.LastModifiedDate,
      is_app_installed: true,
    });
  });

  router.get('/id/:orgId/:userId', (req, res) => {
    const userId = bearerUser(req);
    if (!userId) {
      res.status(403).type('text').send('Bad_OAuth_Token');
      return;
    }
    const user = userOf(req.params.userId);
    if (req.params.orgId.slice(0, 15) !== ctx.orgId.slice(0, 15) || !user || user.Id !== userOf(userId)?.Id) {
      res.status(403).type('text').send('Bad_Id');
      return;
    }
    const version =
      typeof req.query.version === 'string'
        ? req.query.version === 'latest'
          ? '64.0'
          : req.query.version
        : '{version}';
    res.json(identity(ctx, user, version));
  });

  return router;
}
