// ServiceNow OAuth: oauth_auth.do (sign-in + consent; state required; PKCE S256, required by the
// relay's registry entry), oauth_token.do
// (form-encoded only: authorization_code, refresh_token, password) and oauth_revoke_token.do.
import express, { type Response } from 'express';
import { z } from 'zod';
import { cookie, sameOriginRequest } from '../http.ts';
import { OAuthError } from '../oauth/OAuthError.ts';
import { authorizePage, authorizePageHeaders, errorPage } from '../oauth/authorizePage.ts';
import { SN_UI_COOKIE, type ServiceNowContext } from './context.ts';

const BRAND = 'ServiceNow (Sightline sandbox)';

const authorizeParams = z.object({
  response_type: z.literal('code'),
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  state: z.string({ error: 'state is required' }).min(1, 'state is required').max(4096),
  scope: z.string().max(1000).optional(),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,128}$/)
    .optional(),
  code_challenge_method: z.literal('S256').optional(),
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
    grant_type: z.literal('password'),
    username: z.string().min(1),
    password: z.string().min(1),
    client_id: z.string().min(1),
    client_secret: z.string().optional(),
  }),
]);

/** ServiceNow answers failed token requests with 401 and this body, whatever the cause. */
const denied = () => new OAuthError(401, 'server_error', 'access_denied');

export function servicenowOAuthRouter(ctx: ServiceNowContext): express.Router {
  const router = express.Router();
  router.use('/oauth_auth.do', authorizePageHeaders);
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  function validate(raw: unknown, res: Response): AuthorizeParams | undefined {
    const parsed = authorizeParams.safeParse(raw);
    if (!parsed.success) {
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'invalid_request', z.prettifyError(parsed.error)));
      return undefined;
    }
    const client = ctx.auth.client(parsed.data.client_id);
    if (!client || !client.allowsRedirect(parsed.data.redirect_uri)) {
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'invalid_client', 'Invalid client id or redirect URL'));
      return undefined;
    }
    if (client.requiresPkce && parsed.data.code_challenge === undefined) {
      // The registry entry's "PKCE required" (Zurich and later).
      res
        .status(400)
        .type('html')
        .send(errorPage(BRAND, 'invalid_request', 'code_challenge is required for this OAuth client'));
      return undefined;
    }
    return parsed.data;
  }

  const redirectWith = (res: Response, p: AuthorizeParams, values: Record<string, string>) => {
    const url = new URL(p.redirect_uri);
    for (const [k, v] of Object.entries(values)) url.searchParams.set(k, v);
    url.searchParams.set('state', p.state);
    res.redirect(302, url.toString());
  };

  const userName = (id: string) => String(ctx.data.find('sys_user', id)?.name ?? '');

  router.get('/oauth_auth.do', (req, res) => {
    const p = validate(req.query, res);
    if (!p) return;
    const ui = ctx.auth.uiSessionUser(cookie(req, SN_UI_COOKIE));
    res.type('html').send(
      authorizePage({
        brand: BRAND,
        action: '/oauth_auth.do',
        clientId: p.client_id,
        params: { ...p },
        signedInAs: ui ? userName(ui) : undefined,
      }),
    );
  });

  router.post('/oauth_auth.do', form, (req, res) => {
    const { username, password, decision, ...rest } = (req.body ?? {}) as Record<string, unknown>;
    const p = validate(rest, res);
    if (!p) return;
    if (decision === 'deny')
      return redirectWith(res, p, { error: 'access_denied', error_description: 'The user denied the request' });
    let userId: string | undefined;
    if (typeof username === 'string' && typeof password === 'string' && username)
      userId = ctx.auth.checkPassword(username, password);
    else if (sameOriginRequest(req)) userId = ctx.auth.uiSessionUser(cookie(req, SN_UI_COOKIE));
    if (!userId) {
      res
        .status(401)
        .type('html')
        .send(
          authorizePage({
            brand: BRAND,
            action: '/oauth_auth.do',
            clientId: p.client_id,
            params: { ...p },
            error: 'User name or password invalid',
          }),
        );
      return;
    }
    const code = ctx.auth.issueCode({
      clientId: p.client_id,
      redirectUri: p.redirect_uri,
      userId,
      scope: p.scope ?? 'useraccount',
      challenge: p.code_challenge ?? null,
    });
    redirectWith(res, p, { code });
  });

  /** `grant`: the refresh token being redeemed and its grant; absent, a new grant starts. */
  const tokens = (userId: string, clientId: string, scope: string, grant?: { refresh: string; family: string }) => {
    const { token: refresh, family } = grant
      ? { token: grant.refresh, family: grant.family }
      : ctx.auth.issueRefresh(userId, clientId, scope);
    return {
      access_token: ctx.auth.issueAccess(userId, clientId, scope, family).token,
      refresh_token: refresh,
      scope,
      token_type: 'Bearer',
      expires_in: ctx.auth.accessTtlSeconds - 1,
    };
  };

  router.post('/oauth_token.do', form, (req, res) => {
    try {
      if (!req.is('application/x-www-form-urlencoded'))
        throw new OAuthError(400, 'server_error', 'Request must be application/x-www-form-urlencoded');
      const parsed = tokenBody.safeParse(req.body ?? {});
      if (!parsed.success) throw new OAuthError(400, 'invalid_request', z.prettifyError(parsed.error));
      const b = parsed.data;
      res.set('Cache-Control', 'no-store');
      try {
        if (b.grant_type === 'authorization_code') {
          ctx.auth.authenticateClient(b.client_id, b.client_secret, b.code_verifier === undefined);
          const pending = ctx.auth.redeemCode(b.code, b.client_id, b.redirect_uri, b.code_verifier);
          return void res.json(tokens(pending.userId, b.client_id, pending.scope));
        }
        if (b.grant_type === 'refresh_token') {
          ctx.auth.authenticateClient(b.client_id, b.client_secret, false);
          const { row, family } = ctx.auth.refresh(b.refresh_token, b.client_id);
          return void res.json(tokens(row.userId, b.client_id, row.scope, { refresh: b.refresh_token, family }));
        }
        ctx.auth.authenticateClient(b.client_id, b.client_secret, true);
        const userId = ctx.auth.checkPassword(b.username, b.password);
        if (!userId) throw denied();
        res.json(tokens(userId, b.client_id, 'useraccount'));
      } catch (err) {
        throw err instanceof OAuthError && err.status !== 401 ? denied() : err;
      }
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      res.status(err.status).json(err.body());
    }
  });

  router.post('/oauth_revoke_token.do', form, (req, res) => {
    const token = (req.body as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string') ctx.auth.revoke(token);
    res.status(200).json({});
  });

  return router;
}
